"""The training service: the app's one place that starts, pauses, stops and ends training.

It belongs to the App, not to a screen, because a worker is cancelled when the node that
owns it unmounts: leaving the training screen must not stop training. One named thread
worker iterates the trainer's events and posts each one to the app as a message; the app
hands it back to `record`, which updates the session and tells subscribed screens.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from textual.signal import Signal
from textual.worker import Worker, get_current_worker

from rnntui import paths
from rnntui.engine import events as ev
from rnntui.runs import Run
from rnntui.ui import messages
from rnntui.ui.session import PAUSED, RUNNING, SAVED, TrainingSession

if TYPE_CHECKING:
    from textual.app import App

STOP_GRACE = 4.0  # seconds a stopping child gets to save its last epoch before it is killed


class Trainer(Protocol):
    """What the service needs from a trainer (`TrainingProcess` or a test's fake)."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    @property
    def paused(self) -> bool: ...
    @property
    def alive(self) -> bool: ...
    def events(self, poll: float = 0.1, cancelled: threading.Event | None = None) -> Any: ...
    def kill(self) -> None: ...


TrainerFactory = Callable[[Run], Trainer]


def default_trainer_factory(run: Run) -> Trainer:
    """Train in a spawned child process; TensorFlow never loads in the UI process."""
    from rnntui.engine.worker import TrainingProcess

    return TrainingProcess(run.path, paths.log_file())


class TrainingBusy(RuntimeError):
    """A second training was asked for while one runs (two would share the CPU badly)."""


class TrainingService:
    """Starts one training at a time and keeps its session."""

    def __init__(self, app: App, trainer_factory: TrainerFactory | None = None):
        self.app = app
        self.trainer_factory = trainer_factory or default_trainer_factory
        self.session: TrainingSession | None = None
        self.trainer: Trainer | None = None
        self.worker: Worker | None = None
        self.updated: Signal[tuple[TrainingSession, Any]] = Signal(app, "training-updated")
        """Published after each event: (session, event); screens subscribe to redraw."""
        self._kill_timer: threading.Timer | None = None

    # -- state -------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A training is running (or starting, or stopping)."""
        return self.worker is not None and not self.worker.is_finished

    @property
    def stoppable(self) -> bool:
        """Training is under way and the child is alive: stop and pause may be signalled.

        Once the child has ended (it has sent its last event, or died), signalling it is not
        only useless but dangerous: a multiprocessing Event whose waiter died mid-wait blocks
        `set()` forever, which would freeze the UI (or the app's exit).
        """
        return (self.trainer is not None and self.busy and self.session is not None
                and self.session.active and self.trainer.alive)

    def training(self, run: Run) -> bool:
        """`run` is the one training now (its session, not its files, has the fresh figures)."""
        session = self.session
        return (self.busy and session is not None and session.active
                and session.run.path == run.path)

    def session_for(self, run: Run) -> TrainingSession:
        """This app's session of `run` (live, or ended with its batch curve and log) if it
        trained here, else one read from disk."""
        if self.session is not None and self.session.run.path == run.path:
            return self.session
        return TrainingSession.for_run(run, state=SAVED)

    # -- commands ----------------------------------------------------------------------------
    def start(self, run: Run, fresh: bool = False) -> TrainingSession:
        """Train `run` (new or resumed) in the background; `fresh`: made just for this.

        Raises:
            TrainingBusy: while another run trains.
        """
        if self.busy:
            assert self.session is not None
            raise TrainingBusy(f"{self.session.name} is still training: stop it first (s)")
        self.session = TrainingSession.for_run(run)
        self.session.fresh = fresh
        self.session.note(
            f"starting {run.name}: the training process loads TensorFlow (a few seconds)")
        self.trainer = self.trainer_factory(run)
        self.worker = self.app.run_worker(
            self._pump, name=f"train {run.name}", group="training",
            description=f"training {run.name}", thread=True, exit_on_error=False)
        self.updated.publish((self.session, None))
        return self.session

    def toggle_pause(self) -> bool:
        """Pause or resume; returns True when now paused."""
        session, trainer = self.session, self.trainer
        if session is None or trainer is None or not self.stoppable:
            return False
        if trainer.paused:
            trainer.resume()
            session.state = RUNNING
        else:
            trainer.pause()
            session.state = PAUSED
        self.updated.publish((session, None))
        return session.state == PAUSED

    def stop(self) -> None:
        """Ask training to stop after this batch; the child saves the last complete epoch."""
        if self.trainer is not None and self.stoppable:
            self.trainer.stop()
            if self.session is not None:
                self.session.note("stopping after this batch…")
                self.updated.publish((self.session, None))

    def shutdown(self, grace: float = STOP_GRACE) -> None:
        """Stop, and kill the child if it has not ended within `grace` seconds.

        The kill comes from a timer thread because the worker thread is blocked reading
        events, and the app cannot close until that thread returns.
        """
        trainer = self.trainer
        if trainer is None or not self.busy:
            return
        if self.stoppable:
            trainer.stop()
        if self._kill_timer is None:
            self._kill_timer = threading.Timer(grace, self._kill_if_alive, args=(trainer,))
            self._kill_timer.daemon = True
            self._kill_timer.start()

    def kill(self) -> None:
        """Kill the child now (a second quit); in a thread, as kill() joins the process."""
        if self.trainer is not None and self.busy:
            threading.Thread(target=self._kill_if_alive, args=(self.trainer,), daemon=True,
                             name="rnntui-kill").start()

    @staticmethod
    def _kill_if_alive(trainer: Trainer) -> None:
        try:
            if trainer.alive:
                trainer.kill()
        except Exception:  # the process is gone already: nothing left to kill
            pass

    # -- events ------------------------------------------------------------------------------
    def record(self, event: Any) -> None:
        """Called by the app for each message from the worker, on the UI thread."""
        if self.session is None:
            return
        self.session.record(event)
        if isinstance(event, (ev.TrainingFinished, ev.TrainingFailed)) and self._kill_timer:
            self._kill_timer.cancel()
            self._kill_timer = None
        self.updated.publish((self.session, event))

    def _pump(self) -> None:
        """The worker thread: start the trainer and forward its events until it ends."""
        worker = get_current_worker()
        trainer = self.trainer
        assert trainer is not None
        post = self.app.post_message  # thread-safe and never blocks, unlike call_from_thread
        try:
            trainer.start()
            for event in trainer.events(cancelled=worker.cancelled_event):
                post(messages.wrap(event))
        except Exception as exc:  # the trainer broke: say so on screen, never a traceback
            post(messages.TrainingFailed(ev.TrainingFailed(
                f"training could not run: {type(exc).__name__}: {exc}".splitlines()[0])))
