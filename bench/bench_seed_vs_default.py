"""Time to quality: each seed tutorial's recipe in plain Keras vs rnntui's default, side by side.

For every task, in one process and interleaved (seed recipe, rnntui, seed recipe, rnntui, ...),
with a different random seed at each repetition:

  seed recipe  plain Keras 3 (``import keras``), written as the seed tutorials do:
               onehot1 / onehot4 (seed 000 §4.1, §4.2): SimpleRNN(3) + Dense(5, softmax) on
               one-hot ``abcde`` (1 or 4 letters in, cyclic), Adam(0.01), sparse CE,
               batch 32, 50 epochs;
               embed4 (§4.4): Embedding(26, 2) + SimpleRNN(5) + Dense(26, softmax), the 22
               windows of 4 letters → the 5th, Adam(0.01), batch 32, 100 epochs;
               sine (seeds 001/002): LSTM(30) → LSTM(30) → Dense(1), 10 time steps of 1
               value, windows of sin(linspace(0, 100, 10000)) to train and of
               sin(linspace(100, 110, 1000)) to test (the seed's ``generate_data``: 9,989 and
               989 windows), Adagrad(0.1), MSE, batch 32, 32 epochs (the seed's 10,000 steps
               of 32). NB seed 001's TF1 code actually shapes each window as 1 time step of 10
               values, (N, 1, 10); this follows the design's "10 time steps", as rnntui does.
  rnntui       the task's defaults through rnntui's own engine:
               ``train(RunStore(tmp).create(task, get_task(task).hparams({"seed": s})), emit=...)``.

Time to quality (the same targets on both sides: accuracy 1.0 on the training windows for the
letter tasks, RMSE ≤ 0.01 of one-step forecasts on the 1,000 held-out points for sine):

  seed recipe  wall time from just before ``model.fit`` to the end of the first epoch whose
               check meets the target. The check (an epoch-end callback: forward pass of all
               training windows + argmax, or of all test windows + RMSE) is timed and
               subtracted. Included: building the weights (the seeds' Sequential has no
               Input, so it is built inside ``fit``), graph tracing, every epoch's Keras
               overhead. Excluded: constructing and compiling the model; the seeds'
               ModelCheckpoint callback (it writes the weights at almost every epoch; add
               ``--seed-checkpoints`` to include it as the tutorials run it).
  rnntui       wall time from just before ``train()`` is called to the ``EpochEnded`` event
               whose metrics meet the target (``accuracy == 1.0``; ``val_rmse <= 0.01``).
               Everything the engine does is included: making the (tiny) data, building and
               compiling the model, run-store writes, graph tracing, the per-epoch weight
               snapshot, checkpoints, and for sine Keras's own validation pass at every epoch
               end (rnntui's "check"; it is NOT subtracted, so rnntui is charged more than
               the seed recipe). Note also that Keras's training ``accuracy`` of an epoch is
               measured before that epoch's last update, so it lags the seed-side check by
               up to one update. Each repetition's line also gives "setup", the time from
               ``train()`` to ``TrainingStarted`` (data + model build + compile).

A side that never meets the target within its epochs reports its whole training time as a
lower bound (">"), and the ratio becomes a lower bound too. Once the target is met, training is
stopped early on both sides (it does not change the measured time; it only saves bench time).
A warm-up fit, untimed, runs first so neither side pays the process's one-time TensorFlow costs.

Run: ``python bench/bench_seed_vs_default.py`` (all tasks; several minutes because of sine),
``--tasks onehot1,onehot4,embed4`` for the letters only, ``--runs N`` repetitions per side,
``--set key=value`` to try other rnntui hyperparameters. Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnntui.engine.backend import native_stderr_to  # noqa: E402

# TensorFlow 2.21 writes "oneDNN custom operations are on", "could not find cuda drivers" and
# "failed call to cuInit" straight to file descriptor 2 whatever TF_CPP_MIN_LOG_LEVEL says;
# send fd 2 to /dev/null for the whole run (Python's own sys.stderr still reaches the terminal).
_QUIET = native_stderr_to(Path(os.devnull))  # kept referenced: collecting it would restore fd 2
_QUIET.__enter__()

import keras  # noqa: E402

keras.utils.disable_interactive_logging()

from rnntui.engine import events as ev  # noqa: E402
from rnntui.engine.control import TrainControl  # noqa: E402
from rnntui.engine.train import train  # noqa: E402
from rnntui.runs import RunStore  # noqa: E402
from rnntui.tasks import get_task  # noqa: E402

TASKS = ("onehot1", "onehot4", "embed4", "sine")
GOALS = {"onehot1": 3.0, "onehot4": 3.0, "embed4": 3.0, "sine": 5.0}
DEFAULT_RUNS = {"onehot1": 3, "onehot4": 3, "embed4": 3, "sine": 2}
RMSE_TARGET = 0.01


@dataclass
class Result:
    seconds: float  # time to quality, or the whole training time when not reached
    epochs: int  # the epoch (1-based) that met the target, or the epochs trained
    reached: bool
    setup: float = float("nan")  # rnntui only: train() → TrainingStarted


# -- the seed recipes, in plain Keras --------------------------------------------------------

def letter_data(task_id: str) -> tuple[np.ndarray, np.ndarray]:
    """The seeds' training windows (and their np.random.seed(3) shuffle)."""
    if task_id == "embed4":
        ids = list(range(26))
        x = [ids[i:i + 4] for i in range(22)]
        y = [ids[i + 4] for i in range(22)]
    else:
        n = 4 if task_id == "onehot4" else 1
        x = [[(s + k) % 5 for k in range(n)] for s in range(5)]
        y = [(s + n) % 5 for s in range(5)]
    np.random.seed(3)
    np.random.shuffle(x)
    np.random.seed(3)
    np.random.shuffle(y)
    x, y = np.array(x, dtype=np.int32), np.array(y, dtype=np.int32)
    if task_id != "embed4":
        x = np.eye(5, dtype=np.float32)[x]  # the seed's id_to_onehot: (5, n, 5)
    return x, y


def sine_data() -> tuple[np.ndarray, ...]:
    """Seed 001's generate_data on sin(linspace(0, 100, 10000)) and sin(linspace(100, 110, 1000)),
    as 10 time steps of one value each."""
    def generate(seq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = [seq[i:i + 10] for i in range(len(seq) - 10 - 1)]
        y = [[seq[i + 10]] for i in range(len(seq) - 10 - 1)]
        return np.array(x, dtype=np.float32)[..., None], np.array(y, dtype=np.float32)

    train_x, train_y = generate(np.sin(np.linspace(0, 100, 10000, dtype=np.float32)))
    test_x, test_y = generate(np.sin(np.linspace(100, 110, 1000, dtype=np.float32)))
    return train_x, train_y, test_x, test_y


def seed_model(task_id: str):
    layers = keras.layers
    if task_id == "sine":
        model = keras.Sequential([layers.LSTM(30, return_sequences=True), layers.LSTM(30),
                                  layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adagrad(0.1), loss="mse")
        return model
    if task_id == "embed4":
        model = keras.Sequential([layers.Embedding(26, 2), layers.SimpleRNN(5, activation="tanh"),
                                  layers.Dense(26, activation="softmax")])
    else:
        model = keras.Sequential([layers.SimpleRNN(3, activation="tanh"),
                                  layers.Dense(5, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                  metrics=["sparse_categorical_accuracy"])
    return model


class TimeToQuality(keras.callbacks.Callback):
    """Checks the target at each epoch end, timing the check so it can be subtracted."""

    def __init__(self, check, x, y):
        super().__init__()
        self.check, self.x, self.y = check, x, y
        self.t0 = 0.0
        self.checking = 0.0
        self.epochs = 0
        self.result: Result | None = None

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        self.epochs = epoch + 1
        met = self.check(self.model, self.x, self.y)
        if met and self.result is None:
            self.result = Result(now - self.t0 - self.checking, epoch + 1, True)
            self.model.stop_training = True
        self.checking += time.perf_counter() - now


def letters_met(model, x, y) -> bool:
    probs = np.asarray(model(x, training=False))
    return bool(np.all(np.argmax(probs, axis=-1) == y))


def sine_met(model, x, y) -> bool:
    pred = np.asarray(model.predict(x, batch_size=1024, verbose=0))
    return float(np.sqrt(np.mean((pred - y) ** 2))) <= RMSE_TARGET


def run_seed(task_id: str, seed: int, checkpoints: bool, workdir: Path) -> Result:
    keras.backend.clear_session()
    gc.collect()
    keras.utils.set_random_seed(seed)
    if task_id == "sine":
        x, y, test_x, test_y = sine_data()
        watch = TimeToQuality(sine_met, test_x, test_y)
        epochs = 32
    else:
        x, y = letter_data(task_id)
        watch = TimeToQuality(letters_met, x, y)
        epochs = 100 if task_id == "embed4" else 50
    model = seed_model(task_id)
    callbacks = [watch]
    if checkpoints:  # the seeds' 断点续训: save_best_only on the training loss
        callbacks.append(keras.callbacks.ModelCheckpoint(
            str(workdir / f"seed-{task_id}-{seed}.weights.h5"), save_weights_only=True,
            save_best_only=True, monitor="loss"))
    watch.t0 = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=callbacks)
    total = time.perf_counter() - watch.t0 - watch.checking
    return watch.result or Result(total, watch.epochs, False)


# -- rnntui's default, through its engine ----------------------------------------------------

def run_rnntui(task_id: str, seed: int, workdir: Path, overrides: dict | None = None) -> Result:
    keras.backend.clear_session()
    gc.collect()
    task = get_task(task_id)
    hp = task.hparams({**(overrides or {}), "seed": seed})
    run = RunStore(workdir).create(task_id, hp)
    control = TrainControl()
    marks: dict[str, float] = {}
    found: list[Result] = []

    def emit(event) -> None:
        now = time.perf_counter()
        if isinstance(event, ev.TrainingStarted):
            marks["started"] = now
        elif isinstance(event, ev.EpochEnded):
            marks["epoch"] = now
            marks["epochs"] = event.epoch
            m = event.metrics
            met = (m.get("val_rmse", float("inf")) <= RMSE_TARGET if task_id == "sine"
                   else m.get("accuracy", 0.0) == 1.0)
            if met and not found:
                found.append(Result(now - t0, event.epoch, True))
                control.stop()

    t0 = time.perf_counter()
    outcome = train(run, emit=emit, control=control)
    if isinstance(outcome, ev.TrainingFailed):
        raise RuntimeError(f"rnntui {task_id}: {outcome.message}\n{outcome.detail}")
    result = found[0] if found else Result(marks.get("epoch", time.perf_counter()) - t0,
                                           int(marks.get("epochs", 0)), False)
    result.setup = marks.get("started", float("nan")) - t0
    return result


# -- the report --------------------------------------------------------------------------------

def warm_up() -> None:
    """One untimed tiny fit and predict of each cell, so the process's first-use costs
    (TensorFlow's kernels, tf.function machinery) are paid by neither side."""
    for cell in (keras.layers.SimpleRNN, keras.layers.LSTM):
        keras.backend.clear_session()
        model = keras.Sequential([keras.Input((3, 2)), cell(2), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        x = np.zeros((4, 3, 2), np.float32)
        model.fit(x, np.zeros((4, 1)), epochs=2, verbose=0)
        model.predict(x, verbose=0)


def median(results: list[Result]) -> tuple[float, float, bool]:
    """Median seconds and epochs; True when every run reached the target."""
    return (statistics.median(r.seconds for r in results),
            statistics.median(r.epochs for r in results),
            all(r.reached for r in results))


def fmt(seconds: float, epochs: float, reached: bool) -> str:
    return f"{'' if reached else '>'}{seconds:7.2f} s ({epochs:g} ep)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(TASKS),
                        help="comma-separated, from " + ", ".join(TASKS))
    parser.add_argument("--runs", type=int, default=None,
                        help="repetitions per side (default: 3 for letters, 2 for sine)")
    parser.add_argument("--seed-checkpoints", action="store_true",
                        help="run the seeds' ModelCheckpoint callback too, as they do")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override one of rnntui's defaults (for tuning; repeatable)")
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.set)
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        parser.error(f"unknown task(s) {', '.join(unknown)}; choose from {', '.join(TASKS)}")

    print(f"keras {keras.__version__} ({keras.backend.backend()}), {os.cpu_count()} CPU cores; "
          "warming up…", flush=True)
    warm_up()
    rows = []
    with tempfile.TemporaryDirectory(prefix="rnntui-bench-") as tmp:
        workdir = Path(tmp)
        for task_id in tasks:
            runs = args.runs or DEFAULT_RUNS[task_id]
            default_seed = get_task(task_id).hparams(overrides).seed
            seed_side: list[Result] = []
            ours: list[Result] = []
            for rep in range(runs):
                seed = default_seed + rep  # rep 0: rnntui's own default seed
                s = run_seed(task_id, seed, args.seed_checkpoints, workdir)
                seed_side.append(s)
                r = run_rnntui(task_id, seed, workdir, overrides)
                ours.append(r)
                print(f"  {task_id} seed={seed}: seed recipe {fmt(s.seconds, s.epochs, s.reached)}"
                      f" | rnntui {fmt(r.seconds, r.epochs, r.reached)}, setup {r.setup:.2f} s",
                      flush=True)
            rows.append((task_id, median(seed_side), median(ours), ours))

    hp_text = {t: get_task(t).hparams(overrides) for t in tasks}
    print()
    print(f"{'task':8} {'seed recipe':>20} {'rnntui default':>20} {'ratio':>8} {'goal':>5}  met?")
    all_met = True
    for task_id, (s_sec, s_ep, s_ok), (r_sec, r_ep, r_ok), _ in rows:
        ratio = s_sec / r_sec
        goal = GOALS[task_id]
        # a seed side that never reached the target makes the ratio a lower bound
        bound = "≥" if not s_ok else ""
        met = r_ok and ratio >= goal
        all_met &= met
        ratio_text = f"{bound}{ratio:.1f}×" if r_ok else "n/a"
        print(f"{task_id:8} {fmt(s_sec, s_ep, s_ok):>20} {fmt(r_sec, r_ep, r_ok):>20} "
              f"{ratio_text:>8} {goal:>4g}×  {'yes' if met else 'NO'}")
    print()
    for task_id in tasks:
        hp = hp_text[task_id]
        changed = " (with --set)" if overrides else ""
        print(f"rnntui {task_id}{changed}: {hp.cell} {hp.units}×{hp.layers}, {hp.optimizer} "
              f"lr={hp.learning_rate:g}, batch {hp.batch_size}, {hp.epochs} epochs, "
              f"seed {hp.seed}+rep")
    print("times: medians; '>' = target not reached (whole training time, a lower bound)")
    sys.exit(0 if all_met else 1)


if __name__ == "__main__":
    main()
