"""Epoch and batch progress with speed and ETA, drawn from a training session."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ProgressBar, Static

from rnntui.ui import figures
from rnntui.ui.session import STARTING, TrainingSession


class TrainingProgress(Vertical):
    """Two bars: epochs of the run, batches of the current epoch."""

    DEFAULT_CSS = """
    TrainingProgress {
        height: auto;
    }
    TrainingProgress > Horizontal {
        height: 1;
    }
    TrainingProgress .what {
        width: 15;
    }
    TrainingProgress ProgressBar {
        width: 1fr;
    }
    TrainingProgress ProgressBar Bar {
        width: 1fr;
    }
    TrainingProgress .info {
        width: 24;
        padding-left: 1;
        text-align: right;
    }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="epoch-row"):
            yield Static("epoch", id="epoch-what", classes="what")
            yield ProgressBar(show_eta=False, id="epoch-bar")
            yield Static("", id="epoch-info", classes="info")
        with Horizontal(id="batch-row"):
            yield Static("batch", id="batch-what", classes="what")
            yield ProgressBar(show_eta=False, id="batch-bar")
            yield Static("", id="batch-info", classes="info")

    def _say(self, ident: str, text: str) -> None:
        # layout=False: the labels have fixed sizes, and a relayout of the whole screen four
        # times a second is most of what training costs the UI.
        self.query_one(f"#{ident}", Static).update(text, layout=False)

    def show(self, session: TrainingSession) -> None:
        epochs = max(session.epochs_target, 1)
        done = session.epochs_done
        self.query_one("#epoch-bar", ProgressBar).update(total=epochs, progress=min(done, epochs))
        self._say("epoch-what", f"epoch {session.epoch_in_progress:>{len(str(epochs))}}/{epochs}")
        batch_bar = self.query_one("#batch-bar", ProgressBar)
        batch = session.last_batch
        if session.state == STARTING:
            batch_bar.update(total=None)  # indeterminate while TensorFlow loads
            self._say("batch-what", "starting")
            self._say("epoch-info", "ETA —")
            self._say("batch-info", figures.speed(None))
            return
        if batch is not None and session.active:
            batch_bar.update(total=batch.steps, progress=batch.batch)
            self._say("batch-what", f"batch {batch.batch:>{len(str(batch.steps))}}/{batch.steps}")
            eta = figures.duration(batch.eta_seconds)
            speed: float | None = batch.samples_per_second
        elif not session.steps:  # a saved run, not trained in this app: no batch seen
            batch_bar.update(total=1, progress=1 if done else 0)
            self._say("batch-what", "saved" if done else "not trained")
            self._say("epoch-info", "ETA done" if done >= epochs else "ETA —")
            self._say("batch-info", "")
            return
        else:  # between runs of batches, or ended: the last epoch's figures
            steps = max(session.steps, 1)
            batch_bar.update(total=steps, progress=steps if done else 0)
            self._say("batch-what", f"batch {steps}/{steps}" if done else "batch")
            eta = "done" if not session.active and done >= epochs else "—"
            speed = session.last_epoch.samples_per_second if session.last_epoch else None
        self._say("epoch-info", f"ETA {eta}")
        self._say("batch-info", figures.speed(speed))
