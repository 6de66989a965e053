"""Seeds 001 and 002: forecast the next sample of sin(t) from the previous ones.

10,000 training points at step 0.01 (t in [0, 100)), tested on the next 1,000 points
(t in [100, 110)); the quality figure is the RMSE of one-step forecasts there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# numpy (~50 ms to import) is imported inside the functions that make data, so the app can
# list the tasks without it before its first frame.
if TYPE_CHECKING:
    import numpy as np

from rnntui.architecture import ModelSpec
from rnntui.config import ConfigError, HParams
from rnntui.tasks.base import Dataset, DataSource, PlayInput, Quality, Task

TRAIN_POINTS = 10_000
TEST_POINTS = 1_000
STEP = 0.01


def sine_curve(start: int, count: int) -> np.ndarray:
    """sin(t) at t = start·STEP … (start + count − 1)·STEP, as the seed samples it."""
    import numpy as np
    t = np.linspace(start * STEP, (start + count) * STEP, count, dtype=np.float64)
    return np.sin(t).astype(np.float32)


def windows(series: np.ndarray, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """(N, seq_len, 1) windows and the (N, 1) sample after each, sliding by one."""
    import numpy as np
    count = len(series) - seq_len
    idx = np.arange(seq_len)[None, :] + np.arange(count)[:, None]
    return series[idx][..., None], series[seq_len:, None]


class SineTask(Task):
    id = "sine"
    title = "Sine forecast"
    learns = "to continue sin(t) one sample ahead from the previous samples"
    data_text = (f"{TRAIN_POINTS:,} points of sin(t) at step {STEP} to train, "
                 f"the next {TEST_POINTS:,} to test; made here")
    expect = "RMSE ≤ 0.01 on the held-out curve; the forecast lies on the true curve"
    seed_ref = "seeds 001 and 002"
    quality = Quality("rmse", 0.01, False, "rmse")
    recipe = {"cell": "lstm", "units": 30, "layers": 2, "bidirectional": False,
              "dropout": 0.0, "recurrent_dropout": 0.0, "embedding_dim": 0, "seq_len": 10,
              "optimizer": "adagrad", "learning_rate": 0.1, "batch_size": 32,
              "epochs": 32, "seed": 0}  # the seed's 10,000 steps of 32 ≈ 32 epochs
    # Adam(0.015) in batches of 90 (they divide the 9,990 training and 990 test windows):
    # RMSE ≤ 0.01 by epoch 4-6 for each of 12 seeds, where batches of 64 at lr 0.01 missed it
    # within 8 epochs for 1 seed of 8 and Adagrad(0.1) in batches of 32 needs ~20 epochs or
    # more. On 2 CPU cores a step costs about the same from 16 to 90 samples, so larger
    # batches cost less per epoch. Adam's steps keep the RMSE wobbling between ~0.002 and
    # ~0.015 once it is there. See bench/bench_seed_vs_default.py.
    defaults = {**recipe, "optimizer": "adam", "learning_rate": 0.015, "batch_size": 90,
                "epochs": 10}

    def check(self, hp: HParams) -> None:
        if hp.embedding_dim:
            raise ConfigError("embedding_dim", f"embedding_dim={hp.embedding_dim}: does not "
                              "apply to task sine, whose inputs are real numbers (leave it 0)")

    def play_input(self, hp: HParams) -> PlayInput:
        return PlayInput("forecast", "sample", hp.seq_len, chars="0123456789.-+eE, ",
                         trained_on=f"windows of {hp.seq_len} samples of sin(t), step {STEP}")

    def load(self, hp: HParams, source: DataSource = DataSource()) -> Dataset:
        x_train, y_train = windows(sine_curve(0, TRAIN_POINTS), hp.seq_len)
        x_test, y_test = windows(sine_curve(TRAIN_POINTS, TEST_POINTS), hp.seq_len)
        # The held-out curve doubles as validation data, so the live plot shows test RMSE.
        return Dataset(x_train=x_train, y_train=y_train, x_val=x_test, y_val=y_test,
                       x_test=x_test, y_test=y_test,
                       notes=(f"{len(x_train):,} training windows, {len(x_test):,} test windows",))

    def model_spec(self, hp: HParams, data: Dataset | None = None) -> ModelSpec:
        return ModelSpec(inputs="values", features=1, outputs=1, activation="linear",
                         loss="mse", metrics=("rmse",))


SINE = SineTask()
