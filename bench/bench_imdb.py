"""IMDb sentiment, seed 003's three cells: the seed's recipe in plain Keras beside rnntui's
default for each cell, on the real reviews in ../shared/data/imdb_subset.npz (5,000 train,
1,000 test, words already cut to the 500 most frequent).

Seed recipe (seed 003): Embedding(10000, 32) → SimpleRNN(32) → Dense(32, relu) → Dense(1,
sigmoid) / LSTM(32) → Dense(1, sigmoid) / GRU(32) → Dense(1, sigmoid), rmsprop, batch 128,
10 epochs, validation_split 0.2, maxlen 200. (The seed's GRU model has a bare Dense(1) under
binary cross-entropy; a sigmoid is used here, as the reference figures below assume.)
Reference test accuracies measured on this subset in plain Keras: 0.634, 0.784, 0.762.

rnntui's default (tasks/imdb.py) keeps the seed's sizes but reads the reviews both ways
(`bidirectional`), reads the max of every step's hidden state (`readout=max`,
GlobalMaxPooling1D) and trains with Adam at 0.003 for at most 5 epochs, keeping the best
validation epoch (`patience=2`). `--set key=value` tries other settings; `--skip-seed` screens them alone.

For each cell, both sides train in turn (interleaved); the table gives test accuracy and the
time spent in `fit` (rnntui: the sum of its epochs), and whether rnntui's default reaches the
reference in no more training time than the seed recipe.

    .venv/bin/python bench/bench_imdb.py [--cells simple,lstm,gru] [--runs 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "imdb_subset.npz"
REFERENCE = {"simple": 0.634, "lstm": 0.784, "gru": 0.762}


def seed_recipe(cell: str, seed: int) -> tuple[float, float]:
    """Test accuracy and fit time of seed 003's model for `cell`, in plain Keras."""
    import keras
    import numpy as np

    keras.utils.set_random_seed(seed)
    with np.load(DATA, allow_pickle=True) as npz:
        x_train, y_train = npz["x_train"], npz["y_train"]
        x_test, y_test = npz["x_test"], npz["y_test"]
    pad = keras.utils.pad_sequences
    x_train, x_test = pad(x_train, maxlen=200), pad(x_test, maxlen=200)
    layer = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM,
             "gru": keras.layers.GRU}[cell]
    stack = [keras.Input((200,), dtype="int32"), keras.layers.Embedding(10000, 32), layer(32)]
    if cell == "simple":
        stack.append(keras.layers.Dense(32, activation="relu"))
    stack.append(keras.layers.Dense(1, activation="sigmoid"))
    model = keras.Sequential(stack)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    started = time.perf_counter()
    model.fit(x_train, y_train, epochs=10, batch_size=128, validation_split=0.2, verbose=0)
    seconds = time.perf_counter() - started
    accuracy = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["acc"]
    return float(accuracy), seconds


def rnntui_default(cell: str, seed: int, root: Path, overrides: dict | None = None
                   ) -> tuple[float, float]:
    """Test accuracy and training time of rnntui's imdb default with this cell (and any
    `--set` overrides, to try other settings side by side with the seed)."""
    from rnntui.engine.events import EpochEnded
    from rnntui.engine.train import train
    from rnntui.runs import RunStore
    from rnntui.tasks import DataSource, get_task

    hp = get_task("imdb").hparams({**(overrides or {}), "cell": cell, "seed": seed})
    run = RunStore(root).create("imdb", hp, DataSource(data=str(DATA)))
    epoch_seconds: list[float] = []
    result = train(run, emit=lambda e: epoch_seconds.append(e.seconds)
                   if isinstance(e, EpochEnded) else None)
    return float(result.quality["test_accuracy"]), sum(epoch_seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", default="simple,lstm,gru")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="try a setting other than the default")
    parser.add_argument("--skip-seed", action="store_true",
                        help="train only rnntui's side (to screen settings, not to compare)")
    args = parser.parse_args()
    if not DATA.is_file():
        raise SystemExit(f"needs the reference data at {DATA}")
    from rnntui.config import parse_assignments
    from rnntui.engine import backend

    overrides = parse_assignments(args.overrides)

    root = Path(tempfile.mkdtemp()) / "runs"
    rows = []
    with backend.native_stderr_to(root.parent / "tf.log"):
        backend.route_logs(root.parent / "tf.log")
        for cell in args.cells.split(","):
            seed_figs, ours = [], []
            for rep in range(args.runs):
                if not args.skip_seed:
                    seed_figs.append(seed_recipe(cell, rep))
                ours.append(rnntui_default(cell, rep, root, overrides))
                print(f"  {cell} run {rep}: seed {seed_figs[-1] if seed_figs else '-'}, "
                      f"rnntui {ours[-1]}", flush=True)
            rows.append((cell, seed_figs, ours))
    print(f"imdb subset ({DATA.name}), {args.runs} run(s) per side, medians")
    print(f"{'cell':<7}{'seed acc':>9}{'seed s':>8}{'rnntui acc':>11}{'rnntui s':>9}"
          f"{'reference':>10}  met?")
    for cell, seed_figs, ours in rows:
        s_acc = statistics.median(a for a, _ in seed_figs) if seed_figs else float("nan")
        s_sec = statistics.median(s for _, s in seed_figs) if seed_figs else float("nan")
        o_acc = statistics.median(a for a, _ in ours)
        o_sec = statistics.median(s for _, s in ours)
        met = o_acc >= REFERENCE[cell] and o_sec <= s_sec
        print(f"{cell:<7}{s_acc:9.3f}{s_sec:8.1f}{o_acc:11.3f}{o_sec:9.1f}"
              f"{REFERENCE[cell]:10.3f}  {'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
