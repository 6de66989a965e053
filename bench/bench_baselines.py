"""Every task's network beside its simple baselines, measured in one run, with the time of
each: what `train --json` reports under `baselines`, over several seeds.

Tasks: imdb (on ../shared/data/imdb_subset.npz; skipped without it), sine (the pure curve,
then waves=3 noise=0.05, where AR is no longer exact), recall, dice. The network is the
task's default (`--set` changes it for every task); its figure is the median over `--runs`
seeds and its time the median time spent in its epochs. Baselines are measured in each
training run (on that run's data) and their median shown; their time is that of the
baseline alone (imdb) or of all the task's baselines together (they take milliseconds).

    .venv/bin/python bench/bench_baselines.py [--tasks imdb,sine,recall,dice] [--runs 3]
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
# (label, task, overrides) of each row group
CASES = {
    "imdb": [("imdb", "imdb", {})],
    "sine": [("sine", "sine", {}), ("sine waves=3 noise=0.05", "sine",
                                    {"waves": 3, "noise": 0.05})],
    "recall": [("recall", "recall", {})],
    "dice": [("dice", "dice", {})],
}


def one_run(task_id: str, overrides: dict, seed: int, root: Path) -> dict:
    """Train the task's default once; its figures, its baselines and the time of each."""
    from rnntui.engine.events import EpochEnded
    from rnntui.engine.train import train
    from rnntui.runs import RunStore
    from rnntui.tasks import DataSource, get_task

    task = get_task(task_id)
    hp = task.hparams({**overrides, "seed": seed})
    source = DataSource(data=str(DATA)) if task_id == "imdb" else DataSource()
    run = RunStore(root).create(task_id, hp, source)
    seconds: list[float] = []
    result = train(run, emit=lambda e: seconds.append(e.seconds)
                   if isinstance(e, EpochEnded) else None)
    # The baselines again, timed alone, on the same data the run was scored on.
    data = task.load(hp, source)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if task_id == "imdb":
        from rnntui.baselines.text import bag_of_words_accuracies

        figures = bag_of_words_accuracies(data.x_train, data.y_train, data.x_test,
                                          data.y_test, hp.num_words, data.validation_split,
                                          timings=timings)
    else:
        figures = task.baselines(data, hp)
        timings = {name: time.perf_counter() - started for name in figures}
    assert figures == result.baselines, (figures, result.baselines)  # same data, same figure
    return {"cell": hp.cell, "quality": result.quality, "train_s": sum(seconds),
            "epochs": result.epochs, "best_epoch": result.best_epoch,
            "baselines": result.baselines, "baseline_s": timings}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", default="imdb,sine,recall,dice")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="change the network's settings")
    args = parser.parse_args()
    from rnntui.config import parse_assignments
    from rnntui.engine import backend
    from rnntui.standing import network_name, standing
    from rnntui.tasks import get_task

    extra = parse_assignments(args.overrides)
    root = Path(tempfile.mkdtemp()) / "runs"
    root.mkdir(parents=True)
    with backend.native_stderr_to(root.parent / "tf.log"):
        backend.route_logs(root.parent / "tf.log")
        for task_id in args.tasks.split(","):
            if task_id == "imdb" and not DATA.is_file():
                print(f"imdb: skipped, no reference data at {DATA}")
                continue
            task = get_task(task_id)
            for label, _, overrides in CASES[task_id]:
                runs = [one_run(task_id, {**overrides, **extra}, seed, root)
                        for seed in range(args.runs)]
                _print(label, task, runs, network_name, standing)


def _print(label, task, runs, network_name, standing) -> None:
    name = task.quality.name
    values = [r["quality"][name] for r in runs]
    median = statistics.median(values)
    cell = network_name(runs[0]["cell"])
    print(f"\n{label}: {name}, {len(runs)} seed(s), medians (machine shared: times vary)")
    print(f"  {'':<64}{'figure':>10}{'seconds':>9}")
    kept = ", ".join(str(r["best_epoch"] or r["epochs"]) for r in runs)
    print(f"  {cell + ' (default; per seed ' + ', '.join(f'{v:.4g}' for v in values) + ')':<64}"
          f"{median:10.4g}{statistics.median(r['train_s'] for r in runs):9.1f}"
          f"   epochs kept: {kept}")
    for extra in sorted({k for r in runs for k in r["quality"]} - {name}):
        figures = [r["quality"][extra] for r in runs]
        print(f"  {cell + ' ' + extra + ' (per seed ' + ', '.join(f'{v:.3g}' for v in figures) + ')':<64}"
              f"{statistics.median(figures):10.4g}")
    baselines = {}
    for key in runs[0]["baselines"]:
        baselines[key] = statistics.median(r["baselines"][key] for r in runs)
        seconds = statistics.median(r["baseline_s"][key] for r in runs)
        print(f"  {key[:63]:<64}{baselines[key]:10.4g}{seconds:9.2f}")
    print("  " + standing(cell, median, baselines, task.quality))


if __name__ == "__main__":
    main()
