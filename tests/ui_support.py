"""Helpers for the UI tests: a trainer the test drives epoch by epoch, runs on disk, waiting.

Not a test module (no test_ prefix); tests import it as `tests.ui_support`.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from rnntui.engine import events as ev
from rnntui.runs import Run, RunStore
from rnntui.tasks import get_task


class FakeTrainer:
    """The `TrainingProcess` interface; events are whatever the test `feed`s.

    Like the real one, a stop (asked, or the worker's cancellation) ends the stream with a
    `TrainingFinished("stopped")` once nothing more is fed.
    """

    def __init__(self, run: Run):
        self.run = run
        self.calls: list[str] = []
        self._queue: queue.Queue[Any] = queue.Queue()
        self._paused = False
        self._stop = threading.Event()
        self._ended = threading.Event()
        self.epochs_done = 0

    def feed(self, *events: Any) -> None:
        for event in events:
            self._queue.put(event)

    # -- the TrainingProcess interface ----------------------------------------------------------
    def start(self) -> None:
        self.calls.append("start")

    def stop(self) -> None:
        if not self._stop.is_set():
            self.calls.append("stop")
        self._stop.set()

    def pause(self) -> None:
        self.calls.append("pause")
        self._paused = True

    def resume(self) -> None:
        self.calls.append("resume")
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def alive(self) -> bool:
        return not self._ended.is_set()

    def kill(self) -> None:
        self.calls.append("kill")
        self._ended.set()

    def events(self, poll: float = 0.1, cancelled: threading.Event | None = None
               ) -> Iterator[Any]:
        while True:
            if cancelled is not None and cancelled.is_set():
                self.stop()
            if self._ended.is_set():
                yield ev.TrainingFailed("the training process was killed")
                return
            try:
                event = self._queue.get(timeout=0.01)
            except queue.Empty:
                if self._stop.is_set():
                    self._ended.set()
                    yield ev.TrainingFinished("stopped", self.epochs_done, {}, {},
                                              f"stopped after epoch {self.epochs_done}")
                    return
                continue
            if isinstance(event, ev.EpochEnded):
                self.epochs_done = event.epoch
            yield event
            if isinstance(event, (ev.TrainingFinished, ev.TrainingFailed)):
                self._ended.set()
                return


class FakeFactory:
    """A trainer factory that remembers the trainers it made."""

    def __init__(self) -> None:
        self.trainers: list[FakeTrainer] = []

    def __call__(self, run: Run) -> FakeTrainer:
        trainer = FakeTrainer(run)
        self.trainers.append(trainer)
        return trainer

    @property
    def last(self) -> FakeTrainer:
        return self.trainers[-1]


def started(run: Run, epochs: int | None = None, steps: int = 1) -> ev.TrainingStarted:
    task = get_task(run.task_id)
    model, params = task.preview(run.hparams)
    return ev.TrainingStarted(run=str(run.path), task=run.task_id, model=model, params=params,
                              device="CPU (fake)", samples=5, steps=steps, initial_epoch=0,
                              epochs=epochs or run.hparams.epochs)


async def start_training(pilot, factory: FakeFactory, task_id: str = "onehot4",
                         hparams=None, steps: int = 1) -> FakeTrainer:
    """Train `task_id` in the app through `factory`'s fake trainer, report it started, and
    wait until the app shows it running; the trainer, for the test to feed."""
    from rnntui.ui.session import RUNNING

    pilot.app.train(task_id, hparams)
    await wait_for(pilot, lambda: factory.trainers and "start" in factory.last.calls)
    trainer = factory.last
    trainer.feed(started(trainer.run, steps=steps))
    await wait_for(pilot, lambda: pilot.app.service.session.state == RUNNING)
    return trainer


def epoch(n: int, loss: float, accuracy: float) -> ev.EpochEnded:
    return ev.EpochEnded(n, {"accuracy": accuracy, "loss": loss}, 0.01, 500.0)


def finished(epochs: int, accuracy: float = 1.0, status: str = "completed",
             message: str = "") -> ev.TrainingFinished:
    return ev.TrainingFinished(status, epochs, {"accuracy": accuracy, "loss": 0.01},
                               {"accuracy": accuracy}, message, 1.5)


def saved_run(store: RunStore, task_id: str, history: list[dict[str, float]],
              status: dict[str, Any] | None = None, **overrides: Any) -> Run:
    """A run on disk with a (fake) checkpoint and history: no TensorFlow."""
    task = get_task(task_id)
    run = store.create(task_id, task.hparams(overrides))
    run.save_checkpoint(lambda path: path.write_bytes(b"x"), history)
    if status is not None:
        run.save_status(**status)
    return run


async def wait_for(pilot: Any, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app work until `condition()` holds (events cross a thread to reach it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)
    await pilot.pause()


def screen_text(app: Any) -> str:
    """The current screen as the user reads it: plain text, one line per terminal row.

    Modal screens are drawn over the screens beneath, as on a real terminal.
    """
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


__all__ = ["FakeFactory", "FakeTrainer", "epoch", "finished", "saved_run",
           "screen_text", "started", "wait_for"]
