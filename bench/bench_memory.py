"""Memory through time: how far back each cell type looks.

Trains the IMDb task on the real reviews in ../shared/data/imdb_subset.npz (seed 003's point:
SimpleRNN struggles with long reviews) once per cell type with otherwise equal settings; then,
on test reviews, measures ‖∂y/∂x_t‖ (the mirror's exact backprop) of the sentiment output with
respect to the word vector t steps before the end, normalised by the largest step of each
review, and prints the median at several distances, with each cell's test accuracy.

    .venv/bin/python bench/bench_memory.py [--epochs 4]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from rnntui.engine.train import train  # noqa: E402
from rnntui.nn import input_influence, load_network  # noqa: E402
from rnntui.runs import RunStore  # noqa: E402
from rnntui.tasks import DataSource, get_task  # noqa: E402

DISTANCES = (1, 5, 10, 25, 50, 100, 150, 199)
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "imdb_subset.npz"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--reviews", type=int, default=100)
    args = parser.parse_args()
    if not DATA.is_file():
        raise SystemExit(f"needs the reference data at {DATA}")
    store = RunStore(Path(tempfile.mkdtemp()) / "runs")
    task = get_task("imdb")
    source = DataSource(data=str(DATA))
    print(f"imdb subset, 32 units, maxlen 200, {args.epochs} epochs; median normalised "
          f"influence of the word t steps before the end on the sentiment")
    print("cell    test acc " + "".join(f"{f't-{d}':>8}" for d in DISTANCES))
    for cell in ("simple", "lstm", "gru"):
        hp = task.hparams({"cell": cell, "epochs": args.epochs, "num_words": 500})
        run = store.create("imdb", hp, source)
        started = time.perf_counter()
        result = train(run)
        seconds = time.perf_counter() - started
        data = task.load(hp, source)
        net = load_network(run.model_path)
        rows = [input_influence(net, x).normalised[::-1] for x in data.x_test[: args.reviews]]
        med = np.median(np.stack(rows), axis=0)
        figures = "".join(f"{med[d - 1]:8.3f}" for d in DISTANCES)
        print(f"{cell:<8}{result.quality.get('test_accuracy', float('nan')):8.3f} {figures}"
              f"   ({seconds:.0f} s)")


if __name__ == "__main__":
    main()
