"""Gradient logging: what recording every batch's gradient norms costs (the goal: ≤ 10% of
the epoch time), with it on and off side by side in one process.

For each task, with its defaults (patience 0, samples off so only the norms differ), trains
the same run `--rounds` times each way, off and on in turn, and prints the median epoch time
(from one epoch's end to the next; the first epoch, which compiles, left out) of each and
the difference as a share of the epoch with logging off. Epoch samples and the gradient
through time (each budgeted on its own) are off in both. On a CPU shared with other jobs two
trainings differ by more than the norms cost: alternate rounds and read the medians.

    python bench/bench_gradients.py [--epochs 5] [--rounds 2] [--tasks onehot4,recall,dice]
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
from bench.bench_samples import source_for  # noqa: E402  (the data each task reads)


def measure(task_id: str, epochs: int, logging: bool) -> tuple[list[float], list[float]]:
    """Epoch intervals after the first: wall seconds, and CPU seconds of this process (all
    its threads: steadier than wall time when other jobs share the cores)."""
    from rnntui.engine import backend
    from rnntui.engine import events as ev
    from rnntui.engine.train import train
    from rnntui.runs import RunStore
    from rnntui.tasks import get_task

    from rnntui.engine.through_time import CurveRecorder

    # The gradient-through-time curves are budgeted apart and not what log_gradients turns
    # off; the last epoch's (always taken) would land in one run's interval and not the other's.
    CurveRecorder.for_training = classmethod(lambda cls, *args: None)
    task = get_task(task_id)
    hp = task.hparams({"epochs": epochs, "patience": 0, "log_gradients": logging})
    run = RunStore().create(task_id, hp, source_for(task_id))
    ends: list[float] = []
    cpu: list[float] = []

    def emit(event) -> None:
        if isinstance(event, ev.EpochEnded):
            ends.append(time.perf_counter())
            cpu.append(time.process_time())

    log = Path(os.environ["RNNTUI_HOME"]) / "rnntui.log"
    with backend.native_stderr_to(log):
        result = train(run, emit=emit, samples=False)
    if not isinstance(result, ev.TrainingFinished):
        raise SystemExit(f"{task_id}: {result.message}")
    return ([b - a for a, b in zip(ends, ends[1:])], [b - a for a, b in zip(cpu, cpu[1:])])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tasks", default="onehot4,recall,dice")
    args = parser.parse_args()
    os.environ["RNNTUI_HOME"] = tempfile.mkdtemp(prefix="bench-gradients-")
    print(f"{'task':8} {'wall s, off':>11} {'wall s, on':>11} {'on/off − 1':>10} "
          f"{'CPU s, off':>11} {'CPU s, on':>11} {'on/off − 1':>10}")
    for task_id in args.tasks.split(","):
        if source_for(task_id) is None:
            print(f"{task_id:8} skipped: its data is not here")
            continue
        times: dict[bool, tuple[list[float], list[float]]] = {False: ([], []), True: ([], [])}
        for _ in range(args.rounds):
            for logging in (False, True):
                wall, cpu = measure(task_id, args.epochs, logging)
                times[logging][0].extend(wall)
                times[logging][1].extend(cpu)
        cells = []
        for kind in (0, 1):
            off_s = statistics.median(times[False][kind])
            on_s = statistics.median(times[True][kind])
            cells.append(f"{off_s:11.3f} {on_s:11.3f} {on_s / off_s - 1:10.1%}")
        print(f"{task_id:8} {' '.join(cells)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
