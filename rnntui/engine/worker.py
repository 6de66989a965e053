"""Training in a child process, for the app.

The child keeps TensorFlow away from the UI: its C++ logs (written straight to file
descriptors 1 and 2, the terminal Textual draws on) go to the log file, its memory and its
crashes stay in the child. Events come back through a queue; stop and pause are process-safe
events checked after every batch. Importing this module does not import Keras.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_mod
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rnntui.engine.control import TrainControl
from rnntui.engine.events import Event, TrainingFailed, TrainingFinished

_CTX = mp.get_context("spawn")  # fork would copy the UI's threads and Textual's terminal state
_PARENT_POLL = 1.0  # seconds between checks that the app is still there


def _orphaned(events: Any) -> None:
    """The app is gone: nobody reads `events` any more. Exiting must not wait to flush it
    (multiprocessing joins a queue's feeder thread at exit): its pipe may be full, and with
    this process holding the pipe's read end too, a write to it would wait forever."""
    events.cancel_join_thread()


def _child_main(run_path: str, events: Any, stop: Any, pause: Any, log_path: str) -> None:
    """Entry point of the child process: quiet the terminal, then train."""
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    control = TrainControl(stop, pause)
    # Ctrl+C in the app is a key, not a signal; a terminal's SIGINT/SIGHUP (a dropped SSH
    # session) or a SIGTERM reaches the child too: stop cleanly, keeping the last epoch.
    signal.signal(signal.SIGINT, lambda *_: control.stop())
    signal.signal(signal.SIGTERM, lambda *_: control.stop())
    signal.signal(signal.SIGHUP, lambda *_: control.stop())
    parent = os.getppid()

    def watch_parent() -> None:
        # Polls with sleep: a process waiting inside a multiprocessing Event when it dies
        # would make the parent's later `set()` wait for it forever.
        while not control.stop_requested:
            if os.getppid() != parent:  # the app died: save and leave
                _orphaned(events)
                control.stop()
            time.sleep(_PARENT_POLL)

    threading.Thread(target=watch_parent, daemon=True, name="rnntui-parent-watch").start()
    try:
        from rnntui.engine import backend
        from rnntui.engine.train import train
        from rnntui.runs import RunStore
        from rnntui.tasks import DataUnavailable

        backend.route_logs(Path(log_path))
        from rnntui.runs.lock import writing
        from rnntui.runs import RunError

        run = RunStore(Path(run_path).parent).open(run_path)
        try:
            with writing(run.path, role="the rnntui app's training"):
                train(run, emit=events.put, control=control)
        except (DataUnavailable, RunError) as exc:  # no data, or another writer of the run
            events.put(TrainingFailed(str(exc)))
    except BaseException as exc:  # anything at all must reach the app as a message
        events.put(TrainingFailed(f"{type(exc).__name__}: {exc}".splitlines()[0],
                                  traceback.format_exc()))
    if os.getppid() != parent:  # the app went while the last epoch was saved
        _orphaned(events)


def _start_resource_tracker(log_path: Path) -> None:
    """Start multiprocessing's resource tracker with a real file as its stderr.

    The tracker starts with the first queue or event a process makes and is handed
    `sys.stderr.fileno()`; inside Textual, `sys.stderr` is a capture object with no real
    descriptor, and the spawn fails ("bad value(s) in fds_to_keep"). The log file also keeps
    the tracker's own warnings off the screen.
    """
    from multiprocessing import resource_tracker

    log_path.parent.mkdir(parents=True, exist_ok=True)
    saved = sys.stderr
    with open(log_path, "a", encoding="utf-8") as log:
        sys.stderr = log
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


class TrainingProcess(TrainControl):
    """A run trained in a child process.

    Usage: `proc = TrainingProcess(run_path, log_path); proc.start()`, then iterate
    `proc.events()` from a worker thread until it ends; `stop()`, `pause()`, `resume()`
    (from TrainControl, on process-safe events) from anywhere.
    """

    def __init__(self, run_path: str | Path, log_path: str | Path):
        self.run_path = str(run_path)
        self.log_path = str(log_path)
        _start_resource_tracker(Path(self.log_path))
        super().__init__(_CTX.Event(), _CTX.Event())
        self._queue = _CTX.Queue()
        self._process = _CTX.Process(
            target=_child_main, name="rnntui-train", daemon=True,
            args=(self.run_path, self._queue, self._stop, self._pause, self.log_path))

    def start(self) -> None:
        self._process.start()

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    def events(self, poll: float = 0.1, cancelled: threading.Event | None = None
               ) -> Iterator[Event]:
        """Events until training finishes or fails (then the child is joined).

        A child that dies without a last word yields a `TrainingFailed` naming its exit code.
        `cancelled` (e.g. a Textual worker's cancelled event) stops the child and waits for
        it to save.
        """
        while True:
            if cancelled is not None and cancelled.is_set():
                self.stop()
            try:
                event = self._queue.get(timeout=poll)
            except queue_mod.Empty:
                if not self._process.is_alive():
                    event = self._drain_last()
                    if event is None:
                        code = self._process.exitcode
                        yield TrainingFailed(f"the training process ended unexpectedly "
                                             f"(exit code {code}); see {self.log_path}")
                        return
                else:
                    continue
            yield event
            if isinstance(event, (TrainingFinished, TrainingFailed)):
                self._process.join(timeout=10)
                return

    def _drain_last(self) -> Event | None:
        try:
            return self._queue.get(timeout=0.5)
        except queue_mod.Empty:
            return None

    def kill(self) -> None:
        """Last resort (the app is closing and the child will not stop)."""
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
