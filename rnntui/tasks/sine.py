"""Seeds 001 and 002: forecast the next sample of sin(t) from the previous ones.

10,000 training points at step 0.01 (t in [0, 100)), tested on the next 1,000 points
(t in [100, 110)); the quality figure is the RMSE of one-step forecasts there.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import TYPE_CHECKING

# numpy (~50 ms to import) is imported inside the functions that make data, so the app can
# list the tasks without it before its first frame.
if TYPE_CHECKING:
    import numpy as np

from rnntui.architecture import ModelSpec
from rnntui.config import ConfigError, HParams
from rnntui.tasks.base import (Dataset, DataSource, DataUnavailable, EpochSample, PlayInput,
                               Probe, Quality, SourceField, Task)
from rnntui.tasks.features import UnitFeature, UnitText, sine_phases, slope_signs

TRAIN_POINTS = 10_000
TEST_POINTS = 1_000
VALIDATION_POINTS = 1_000  # after the test curve: picks the best epoch, never scored
STEP = 0.01
# Periods of the waves summed when `waves` > 1, as multiples of sin(t)'s: incommensurate,
# so the sum never repeats within the data and a short AR model cannot be exact.
WAVE_SPEEDS = (1.0, 2.7, 0.43, 5.3, 1.9)
NOISE_SEED = 1_000_003  # noise differs from the weights' seed stream but is fixed per run


def sine_curve(start: int, count: int) -> np.ndarray:
    """sin(t) at t = start·STEP … (start + count − 1)·STEP, as the seed samples it (the
    same step for every part of the curve)."""
    import numpy as np
    t = (start + np.arange(count, dtype=np.float64)) * STEP
    return np.sin(t).astype(np.float32)


def wave_curve(start: int, count: int, waves: int) -> np.ndarray:
    """The mean of `waves` sines of the speeds in WAVE_SPEEDS (1: sin(t) itself), so the
    curve stays within [-1, 1]."""
    import numpy as np
    t = (start + np.arange(count, dtype=np.float64)) * STEP
    total = sum(np.sin(speed * t) for speed in WAVE_SPEEDS[:waves])
    return (total / waves).astype(np.float32)


def windows(series: np.ndarray, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """(N, seq_len, 1) windows and the (N, 1) sample after each, sliding by one."""
    import numpy as np
    count = len(series) - seq_len
    idx = np.arange(seq_len)[None, :] + np.arange(count)[:, None]
    return series[idx][..., None], series[seq_len:, None]


def made_series(hp: HParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The training, test and validation curves the hyperparameters describe (waves, then
    Gaussian noise of standard deviation `noise` on every sample)."""
    import numpy as np
    parts = [wave_curve(0, TRAIN_POINTS, hp.waves),
             wave_curve(TRAIN_POINTS, TEST_POINTS, hp.waves),
             wave_curve(TRAIN_POINTS + TEST_POINTS, VALIDATION_POINTS, hp.waves)]
    if hp.noise:
        rng = np.random.default_rng(NOISE_SEED + hp.seed)
        parts = [(p + rng.normal(0.0, hp.noise, len(p))).astype(np.float32) for p in parts]
    return parts[0], parts[1], parts[2]


def read_series(path: str | Path, column: str | None) -> np.ndarray:
    """One numeric column of a CSV file with a header row, in file order.

    Raises:
        DataUnavailable: a missing file, no such column (the message lists them), a value
            that is not a number (with its line), or too few values.
    """
    import numpy as np
    path = Path(path).expanduser()
    if not path.is_file():
        raise DataUnavailable(f"--data {path}: " + ("not a file" if path.exists()
                                                    else "no such file"))
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            # csv.reader, not DictReader: DictReader skips a blank line without a word,
            # and a series that loses a row loses a time step.
            reader = csv.reader(handle)
            names = next(reader, None) or []
            if not names:
                raise DataUnavailable(f"--data {path}: empty; needs a header row of column "
                                      "names, then one row per time step")
            if column is None:
                if len(names) != 1:
                    raise DataUnavailable(f"--data {path}: which column? give --column NAME "
                                          f"(one of: {', '.join(names)})")
                column = names[0]
            if column not in names:
                raise DataUnavailable(f"--column {column}: not in {path.name} (columns: "
                                      f"{', '.join(names)})")
            at = names.index(column)
            values = []
            blank = None  # the first blank row: only blank rows may follow it (the end)
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    blank = blank or line
                    continue
                if blank is not None:
                    raise DataUnavailable(
                        f"--data {path}, line {blank}: a blank row; a series cannot skip a "
                        "time step (fill it in or remove it)")
                text = row[at].strip() if at < len(row) else ""
                try:
                    value = float(text)
                except ValueError:
                    raise DataUnavailable(f"--data {path}, line {line}: {column}="
                                          f"{text!r} is not a number") from None
                if not math.isfinite(value):
                    raise DataUnavailable(f"--data {path}, line {line}: {column}={text!r} "
                                          "is not a finite number")
                values.append(value)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataUnavailable(f"--data {path}: cannot read it as CSV ({exc})") from None
    if len(values) < MIN_CSV_VALUES:
        raise DataUnavailable(f"--data {path}: {len(values)} values in {column}; needs at "
                              f"least {MIN_CSV_VALUES}")
    return np.asarray(values, dtype=np.float64)


MIN_CSV_VALUES = 30  # enough for a training, a validation and a test part of a few windows


def split_series(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """A user's series cut in time order: 80% to train, 10% validation, 10% test, each
    scaled by the training part's mean and standard deviation (a network learns best on
    values near ±1).

    Returns:
        train, test and validation parts (float32), and a note on the scaling.
    """
    import numpy as np
    n = len(values)
    train_end, val_end = int(n * 0.8), int(n * 0.9)
    mean = float(values[:train_end].mean())
    std = float(values[:train_end].std()) or 1.0
    scaled = ((values - mean) / std).astype(np.float32)
    note = (f"values scaled as (value − {mean:.4g}) / {std:.4g}: RMSE is in standard "
            "deviations of the training part")
    return scaled[:train_end], scaled[val_end:], scaled[train_end:val_end], note


FREE_STEPS = 200  # free-running forecast scored over this many steps of the test curve
SAMPLE_STEPS = 30  # each epoch's sample: a free-running forecast this long (one sparkline;
#                    each step reads the whole window: 40 steps cost 4.4% of a default epoch)


class SineTask(Task):
    unit_features = (
        UnitFeature("phase", f"where in its cycle the sample is, as a fraction of a turn: the "
                             f"angle of (slope / {STEP}, value), read from the input alone"),
        UnitFeature("slope_sign", "+1 where the curve rises into the sample, −1 where it "
                                  "falls"),
    )

    def feature_values(self, hp: HParams, name: str, text: UnitText) -> list[float]:
        values = [float(v) for v in text.steps]
        if name == "phase":
            return sine_phases(values, STEP)
        if name == "slope_sign":
            return slope_signs(values)
        raise KeyError(name)

    id = "sine"
    title = "Sine forecast"
    learns = ("to continue a curve one sample ahead from the previous samples, and then on "
              "its own forecasts")
    data_text = (f"{TRAIN_POINTS:,} points of sin(t) at step {STEP} to train, the next "
                 f"{TEST_POINTS:,} to test, {VALIDATION_POINTS:,} more to pick the best "
                 "epoch; made here (waves, noise), or your own series: --data FILE.csv "
                 "--column NAME")
    expect = ("one-step RMSE ≤ 0.01, beside the last value and a least-squares AR(k): on a "
              "pure sine AR is exact, so raise waves or noise to see a network earn its keep; "
              f"rmse_free: the network fed its own forecasts for {FREE_STEPS} steps")
    seed_ref = "seeds 001 and 002"
    quality = Quality("rmse", 0.01, False, "rmse")
    takes_data = "a CSV file with a column per series, picked by --column NAME"
    source_fields = (
        SourceField("data", "data file", "a CSV file, a column per series; empty: the sine"),
        SourceField("column", "column", "the CSV column to forecast (empty: a file's only column)",
                    is_path=False),
    )
    recipe = {"cell": "lstm", "units": 30, "layers": 2, "bidirectional": False,
              "dropout": 0.0, "recurrent_dropout": 0.0, "embedding_dim": 0, "seq_len": 10,
              "optimizer": "adagrad", "learning_rate": 0.1, "batch_size": 32,
              "epochs": 32,  # the seed's 10,000 steps of 32 ≈ 32 epochs
              "seed": 0, "patience": 0, "waves": 1, "noise": 0.0}
    # One step ahead, Adam(0.015) in batches of 90 on windows of 10 reaches RMSE ≤ 0.01 by
    # epoch 4-6 (bench/bench_seed_vs_default.py), but fed its own forecasts it leaves the
    # curve (rmse_free 0.35-0.64 over 200 steps): 10 samples span 0.1 rad, too little
    # curvature to pin the wave down. Windows of 60 (0.6 rad) at Adam(0.002), keeping the
    # best validation epoch of 20, stay on it: rmse_free 0.02-0.05 from epoch 10 on, in one
    # seed's sweep (windows of 30: 0.02-0.25, epoch to epoch). See bench/bench_baselines.py.
    defaults = {**recipe, "optimizer": "adam", "learning_rate": 0.002, "batch_size": 90,
                "seq_len": 60, "epochs": 20, "patience": 4}

    def check(self, hp: HParams) -> None:
        if hp.embedding_dim:
            raise ConfigError("embedding_dim", f"embedding_dim={hp.embedding_dim}: does not "
                              "apply to task sine, whose inputs are real numbers (leave it 0)")

    def play_input(self, hp: HParams) -> PlayInput:
        what = (f"a sum of {hp.waves} sines" if hp.waves > 1 else "sin(t)") + (
            f" with noise σ={hp.noise:g}" if hp.noise else "")
        return PlayInput("forecast", "sample", hp.seq_len,
                         trained_on=f"windows of {hp.seq_len} samples of {what} (or of the "
                                    f"run's CSV series), step {STEP}")

    def check_source(self, source: DataSource) -> None:
        if source.data:
            read_series(source.data, source.column)

    def load(self, hp: HParams, source: DataSource = DataSource()) -> Dataset:
        notes = []
        if source.data:
            values = read_series(source.data, source.column)
            train, test, val, scaling = split_series(values)
            if min(len(train), len(test), len(val)) <= hp.seq_len:
                raise DataUnavailable(
                    f"--data {source.data}: {len(values)} values are too few for seq_len="
                    f"{hp.seq_len} (its 10% test and validation parts need more than "
                    f"{hp.seq_len} values each)")
            notes.append(f"{len(values):,} values of {source.column or 'the column'}: 80% to "
                         "train, 10% to validate, the last 10% to test; " + scaling)
        else:
            train, test, val = made_series(hp)
        x_train, y_train = windows(train, hp.seq_len)
        x_test, y_test = windows(test, hp.seq_len)
        x_val, y_val = windows(val, hp.seq_len)
        notes.append(f"{len(x_train):,} training windows, {len(x_val):,} validation windows "
                     f"(pick the best epoch), {len(x_test):,} test windows")
        return Dataset(x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val,
                       x_test=x_test, y_test=y_test, notes=tuple(notes))

    def model_spec(self, hp: HParams, data: Dataset | None = None) -> ModelSpec:
        return ModelSpec(inputs="values", features=1, outputs=1, activation="linear",
                         loss="mse", metrics=("rmse",))

    def baselines(self, data: Dataset, hp: HParams) -> dict[str, float]:
        from rnntui.baselines.series import one_step_rmses

        return one_step_rmses(data.x_train, data.y_train, data.x_test, data.y_test)

    def epoch_sample(self, probe: Probe, data: Dataset, hp: HParams) -> EpochSample:
        """The free-running forecast from the first test window against the truth, as two
        sparklines on one scale, and its RMSE over SAMPLE_STEPS steps."""
        import numpy as np

        from rnntui.forecast import free_run
        from rnntui.tasks.sampling import sparkline

        series = np.concatenate([data.x_test[0, :, 0], data.y_test[:, 0]])
        horizon = min(SAMPLE_STEPS, len(series) - hp.seq_len)
        truth = series[hp.seq_len:hp.seq_len + horizon].astype(np.float64)
        forecast = free_run(probe.predict, series[:hp.seq_len], horizon)
        rmse = float(np.sqrt(np.mean((forecast - truth) ** 2)))
        finite = forecast[np.isfinite(forecast)]
        low = float(min(truth.min(), finite.min() if finite.size else truth.min()))
        high = float(max(truth.max(), finite.max() if finite.size else truth.max()))
        return EpochSample((f"truth    {sparkline(truth, low, high)}",
                            f"forecast {sparkline(forecast, low, high)}  "
                            f"rmse_free over {horizon} steps {rmse:.4g}"),
                           {f"rmse_free_{horizon}": rmse})

    def extra_figures(self, predict, data: Dataset, hp: HParams) -> dict[str, float]:
        # The free-running forecast from the first test window (rnntui.forecast).
        import numpy as np

        from rnntui.forecast import rmse_free

        series = np.concatenate([data.x_test[0, :, 0], data.y_test[:, 0]])
        horizon = min(FREE_STEPS, len(series) - hp.seq_len)
        return {"rmse_free": rmse_free(predict, series, hp.seq_len, horizon)}


SINE = SineTask()
