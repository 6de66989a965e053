"""Train several runs (one per seed) in parallel child processes, a few at a time.

Each run trains in its own `TrainingProcess` (engine.worker: TensorFlow's logs, memory and
crashes stay in the child, stop is cooperative and keeps the last complete epoch). A thread a
process forwards its events to one queue, so the caller sees every run's events, tagged with
the run's index, in one loop. TensorFlow's thread pools are sized so the children share the
cores instead of each taking them all. Importing this module does not import Keras.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rnntui.engine.events import Event, TrainingFailed, TrainingFinished

OnEvent = Callable[[int, Event], None]
_THREAD_VARS = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")


def train_in_parallel(run_paths: Sequence[str | Path], workers: int, log_path: Path,
                      on_event: OnEvent, stop_requested: Callable[[], bool],
                      cores: int | None = None) -> list[TrainingFinished | TrainingFailed]:
    """Train every run, at most `workers` at once, in order of `run_paths`.

    Args:
        run_paths: the runs' folders (made by RunStore.create).
        workers: how many children train at once.
        log_path: where the children's output goes.
        on_event: called on this thread with (index of the run, event) for every event.
        stop_requested: polled; once true the training children stop after their batch
            (each keeps its last complete epoch) and the runs not started stay untrained.
        cores: the cores to share (default: all of this machine's).

    Returns:
        Each run's last event, in the order of `run_paths` (a run never started: a
        TrainingFailed saying so).
    """
    from rnntui.engine.worker import TrainingProcess

    cores = cores or os.cpu_count() or 1
    threads = str(max(1, cores // max(1, workers)))
    events: queue.Queue = queue.Queue()
    results: list[Any] = [None] * len(run_paths)
    running: dict[int, TrainingProcess] = {}
    waiting = list(range(len(run_paths)))
    stopping = False

    def pump(index: int, process: TrainingProcess) -> None:
        for event in process.events():
            events.put((index, event))
        events.put((index, None))  # this child is done

    def start(index: int) -> None:
        saved = {name: os.environ.get(name) for name in _THREAD_VARS}
        # Read by TensorFlow (and OpenMP) when the child imports it: each child gets its
        # share of the cores.
        os.environ.update({"TF_NUM_INTRAOP_THREADS": threads, "TF_NUM_INTEROP_THREADS": "1",
                           "OMP_NUM_THREADS": threads})
        try:
            process = TrainingProcess(run_paths[index], log_path)
            process.start()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        running[index] = process
        threading.Thread(target=pump, args=(index, process), daemon=True,
                         name=f"rnntui-seed-{index}").start()

    while waiting and len(running) < workers:
        start(waiting.pop(0))
    while running:
        if not stopping and stop_requested():
            stopping = True
            for process in running.values():
                process.stop()
        try:
            index, event = events.get(timeout=0.2)
        except queue.Empty:
            continue
        if event is None:
            running.pop(index, None)
            if waiting and not stopping:
                start(waiting.pop(0))
            continue
        if isinstance(event, (TrainingFinished, TrainingFailed)):
            results[index] = event
        on_event(index, event)
    for index in waiting:
        results[index] = TrainingFailed("not trained: stopped before its turn")
    return results
