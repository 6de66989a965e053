"""Samples every epoch: what they cost beside the epoch they follow (the goal: within 5%).

For each task, with its default hyperparameters (patience 0, so every epoch runs), trains the
same run twice through rnntui's engine in this process, samples off then on, and prints side
by side the median epoch time (wall time from one epoch's end to the next, so the sample
taken at an epoch's end counts in the next interval; the first epoch, which compiles, is left
out), the median cost of one sample as the sampler timed it, and that cost as a share of the
epoch with samples off. The sample's own time is the sharper figure: two trainings' epoch
times differ by more than a few milliseconds on a shared CPU.

    /work/venv/bin/python bench/bench_samples.py [--epochs 4] [--tasks onehot4,sine,...]

imdb reads ../shared/data/imdb_subset.npz and poems ../shared/data/tang300.txt (skipped
without them); the real data sizes are the defaults' (IMDb: the subset's 5,000 reviews).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent.parent / "shared" / "data"
if not SHARED.is_dir():
    SHARED = ROOT.parent / "shared" / "data"
TASKS = ("onehot1", "onehot4", "embed4", "recall", "sine", "dice", "imdb", "poems")


def source_for(task_id: str):
    from rnntui.tasks import DataSource

    if task_id == "imdb":
        path = SHARED / "imdb_subset.npz"
        return DataSource(data=str(path)) if path.is_file() else None
    if task_id == "poems":
        path = SHARED / "tang300.txt"
        return DataSource(corpus=str(path)) if path.is_file() else None
    return DataSource()


def measure(task_id: str, epochs: int, samples: bool) -> tuple[list[float], list[float]]:
    """Epoch intervals (s) after the first, and each sample's own seconds."""
    from rnntui.engine import events as ev
    from rnntui.engine.train import train
    from rnntui.runs import RunStore
    from rnntui.tasks import get_task

    task = get_task(task_id)
    hp = task.hparams({"epochs": epochs, "patience": 0})
    run = RunStore().create(task_id, hp, source_for(task_id))
    ends: list[float] = []
    taken: list[float] = []

    def emit(event) -> None:
        if isinstance(event, ev.EpochEnded):
            ends.append(time.perf_counter())
        elif isinstance(event, ev.EpochSampled):
            taken.append(event.seconds)

    from rnntui.engine import backend

    log = Path(os.environ["RNNTUI_HOME"]) / "rnntui.log"
    with backend.native_stderr_to(log):  # TensorFlow's C++ lines go there, not here
        result = train(run, emit=emit, samples=samples)
    if not isinstance(result, ev.TrainingFinished):
        raise SystemExit(f"{task_id}: {result.message}")
    return [b - a for a, b in zip(ends, ends[1:])], taken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--tasks", default=",".join(TASKS))
    args = parser.parse_args()
    os.environ["RNNTUI_HOME"] = tempfile.mkdtemp(prefix="bench-samples-")
    print(f"{'task':8} {'epoch s, off':>12} {'epoch s, on':>12} {'sample ms':>10} "
          f"{'sample/epoch':>12}")
    for task_id in args.tasks.split(","):
        if source_for(task_id) is None:
            print(f"{task_id:8} skipped: its data is not in {SHARED}")
            continue
        off, _ = measure(task_id, args.epochs, samples=False)
        on, taken = measure(task_id, args.epochs, samples=True)
        off_s, on_s = statistics.median(off), statistics.median(on)
        sample = statistics.median(taken) if taken else float("nan")
        print(f"{task_id:8} {off_s:12.3f} {on_s:12.3f} {sample * 1000:10.1f} "
              f"{sample / off_s:12.1%}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
