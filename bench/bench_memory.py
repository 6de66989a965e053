"""Memory through time: how far back each cell type looks, on a task that needs memory.

Trains the `recall` task (name the first letter of a sequence of random letters) once per cell
type with otherwise equal settings; then, on validation sequences, measures ‖∂y/∂x_t‖ (the
mirror's exact backprop) of the output with respect to each input step, normalised by the
largest step of each sequence, and prints the median for the first step (the one that matters)
and a few others, with each cell's validation accuracy. Also `--task imdb` on the real reviews
in ../shared/data/imdb_subset.npz (seed 003's setting).

    .venv/bin/python bench/bench_memory.py [--epochs 40] [--task recall|imdb]
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

DISTANCES = (0, 1, 5, 10, 25, 50, 100, 150)
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "imdb_subset.npz"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", choices=("recall", "imdb"), default="recall")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--sequences", type=int, default=100)
    args = parser.parse_args()
    task = get_task(args.task)
    source = DataSource()
    overrides: dict = {}
    if args.task == "imdb":
        if not DATA.is_file():
            raise SystemExit(f"needs the reference data at {DATA}")
        source, overrides = DataSource(data=str(DATA)), {"num_words": 500}
    if args.epochs:
        overrides["epochs"] = args.epochs
    store = RunStore(Path(tempfile.mkdtemp()) / "runs")
    hp0 = task.hparams(overrides)
    steps = hp0.seq_len
    distances = sorted({d for d in DISTANCES if d < steps} | {steps - 1})
    print(f"{task.id}: {hp0.units} units, {steps} steps, {hp0.epochs} epochs; median "
          f"normalised influence ‖∂y/∂x_t‖ of the input t steps before the end")
    print("cell    quality " + "".join(f"{f't-{d}':>8}" for d in distances))
    for cell in ("simple", "lstm", "gru"):
        hp = task.hparams({**overrides, "cell": cell})
        run = store.create(task.id, hp, source)
        started = time.perf_counter()
        result = train(run)
        seconds = time.perf_counter() - started
        data = task.load(hp, source)
        net = load_network(run.model_path)
        x_eval = data.x_test if data.x_test is not None else data.x_train
        rows = [input_influence(net, x).normalised[::-1] for x in x_eval[: args.sequences]]
        med = np.median(np.stack(rows), axis=0)
        figures = "".join(f"{med[d]:8.3f}" for d in distances)
        quality = next(iter(result.quality.values()), float("nan"))
        print(f"{cell:<8}{quality:8.3f} {figures}   ({seconds:.0f} s)")


if __name__ == "__main__":
    main()
