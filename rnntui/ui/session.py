"""What the app knows about one training session: pure data, fed by training events.

The training screen draws from a `TrainingSession`; the service owns the live one, so leaving
the screen and coming back shows everything that happened meanwhile. A saved run (not
training) becomes a session too, so the same screen shows its history. No Textual here.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

from rnntui.engine import events as ev
from rnntui.runs.histograms import EpochHistograms
from rnntui.runs.histograms import read as read_histograms
from rnntui.runs.norms import EpochNorms, read_norms
from rnntui.runs import Run, RunStatus
from rnntui.ui.columns import EpochTable, Points, Trail

LOG_LINES = 200  # the log pane's scrollback (and what a screen opened mid-training catches up on);
# the full log is in the log file
BATCH_POINTS = 4_000  # batch losses kept for the plot, spread over the run (it draws ≤ 1,000)

# Where a session stands.
STARTING, RUNNING, PAUSED, FINISHED, FAILED, SAVED = (
    "starting", "running", "paused", "finished", "failed", "saved")


def in_app(finished: ev.TrainingFinished) -> ev.TrainingFinished:
    """The ending as the app says it: a stopped run trains on with r, not with the CLI's
    `rnntui train --resume` that the engine writes for the shell."""
    if finished.status != "stopped":
        return finished
    return replace(finished, message=f"stopped after epoch {finished.epochs}; "
                                     "press r to train on")


@dataclass
class TrainingSession:
    """A run's training as the UI sees it."""

    run: Run
    model: str = ""
    params: int = 0
    state: str = STARTING
    device: str = ""
    epochs_target: int = 0
    steps: int = 0
    history: EpochTable = field(default_factory=EpochTable)
    batches: Trail = field(default_factory=lambda: Trail(BATCH_POINTS))  # (epoch + frac, loss)
    last_batch: ev.BatchEnded | None = None
    last_epoch: ev.EpochEnded | None = None
    checkpoint_epoch: int = 0
    log: deque[ev.LogLine] = field(default_factory=lambda: deque(maxlen=LOG_LINES))
    finished: ev.TrainingFinished | None = None
    failure: ev.TrainingFailed | None = None
    fresh: bool = False  # the run was made for this session (nothing of it existed before)
    log_count: int = 0  # lines ever noted (the deque forgets the oldest): screens catch up
    samples: dict[int, ev.EpochSampled] = field(default_factory=dict)  # epoch → its sample
    # Gradient norms (rnntui.engine.gradients): every batch of each finished epoch, and the
    # live global norm of the batches reported since.
    norms: list[EpochNorms] = field(default_factory=list)
    live_norms: Trail = field(default_factory=lambda: Trail(BATCH_POINTS))
    histograms: dict[int, EpochHistograms] = field(default_factory=dict)  # epoch → its own

    @classmethod
    def for_run(cls, run: Run, state: str = STARTING) -> TrainingSession:
        """A session showing what `run` has on disk: its history and how it last ended."""
        from rnntui.tasks import get_task

        task = get_task(run.task_id)
        try:
            model, params = task.preview(run.hparams, run.source)
        except Exception:  # e.g. a corpus that moved: the model text is only decoration
            model, params = "", 0
        history = run.history() if run.has_checkpoint else []
        session = cls(run=run, model=model, params=params, state=state,
                      epochs_target=run.hparams.epochs, history=EpochTable(history),
                      checkpoint_epoch=len(history))
        from rnntui.engine.samples import read as read_samples

        session.samples = {s.epoch: s for s in read_samples(run.path)}
        session.norms = read_norms(run.path, len(history))
        session.histograms = {h.epoch: h for h in read_histograms(run.path, len(history))}
        if state == SAVED:
            session._read_status(run.status())
            session._log_history()
        return session

    def _log_history(self) -> None:
        """A saved run's log: its epochs as training wrote them, and how it ended."""
        shown = self.history[-LOG_LINES:]
        for epoch, metrics in enumerate(shown, start=len(self.history) - len(shown) + 1):
            self.note(self._epoch_line(epoch, metrics))
        ending = self.finished.message if self.finished else (
            self.failure.message if self.failure else "")
        if ending:
            self.note(ending)

    def note(self, text: str | ev.LogLine, level: str = "info") -> None:
        """Add a line to the session's log (what the training screen's log pane shows)."""
        self.log.append(text if isinstance(text, ev.LogLine) else ev.LogLine(text, level))
        self.log_count += 1

    def _epoch_line(self, epoch: int, metrics: dict[str, float], seconds: float | None = None
                    ) -> str:
        from rnntui.ui.figures import metrics_line

        took = f"  ({seconds:.2f} s)" if seconds is not None else ""
        return f"epoch {epoch}/{self.epochs_target}  {metrics_line(metrics)}{took}"

    def _read_status(self, status: RunStatus) -> None:
        """How the run last ended, from its status.json (absent: never finished)."""
        if status.status == "failed":
            self.failure = ev.TrainingFailed(status.message or "training failed")
        elif status.ended:
            self.finished = in_app(ev.TrainingFinished(
                status=status.status, epochs=status.epochs or len(self.history),
                metrics=dict(status.metrics), quality=dict(status.quality),
                message=status.message, baselines=dict(status.baselines),
                best_epoch=status.best_epoch, stopped_early=status.stopped_early,
                trained_epochs=status.trained_epochs, diverged_at=status.diverged_at,
                train_seconds=status.train_seconds, confusion=self._confusion()))

    def _confusion(self) -> dict | None:
        from rnntui.confusion import load

        confusion = load(self.run.path)
        return confusion.to_dict() if confusion is not None else None

    # -- what the screen asks ----------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.run.name

    @property
    def task_id(self) -> str:
        return self.run.task_id

    @property
    def active(self) -> bool:
        """Training (or about to): pause and stop make sense."""
        return self.state in (STARTING, RUNNING, PAUSED)

    @property
    def batch_losses(self) -> Points:
        """(epoch + fraction, loss) of batches spread over the whole session, newest last."""
        return self.batches.points

    @property
    def epochs_done(self) -> int:
        return len(self.history)

    @property
    def epoch_in_progress(self) -> int:
        """The 1-based epoch being trained (the last one once training ends)."""
        if self.active:
            return min(len(self.history) + 1, max(self.epochs_target, 1))
        return len(self.history)

    # -- events ------------------------------------------------------------------------------
    def record(self, event: Any) -> None:
        """Take one training event into the session."""
        if isinstance(event, ev.TrainingStarted):
            self.state = PAUSED if self.state == PAUSED else RUNNING
            self.model, self.params, self.device = event.model, event.params, event.device
            self.epochs_target, self.steps = event.epochs, event.steps
            self.history = EpochTable(event.history)
            self.checkpoint_epoch = len(self.history)
        elif isinstance(event, ev.BatchEnded):
            self.last_batch = event
            self.steps = event.steps
            position = event.epoch - 1 + event.batch / max(event.steps, 1)
            self.batches.append(position, event.loss)
            if event.grad_norm is not None:
                self.live_norms.append(position, event.grad_norm)
        elif isinstance(event, ev.EpochEnded):
            # Keras numbers epochs from the start of the run, so a resumed run continues.
            self.history.truncate(event.epoch - 1)
            self.history.append(event.metrics)
            self.last_epoch = event
            self.note(self._epoch_line(event.epoch, event.metrics, event.seconds))
        elif isinstance(event, ev.EpochSampled):
            self.samples[event.epoch] = event
        elif isinstance(event, ev.HistogramsRecorded):
            self.histograms = {e: h for e, h in self.histograms.items() if e < event.epoch}
            self.histograms[event.epoch] = event.histograms
        elif isinstance(event, ev.GradientsRecorded):
            self.norms = [r for r in self.norms if r.epoch < event.epoch]
            self.norms.append(EpochNorms(event.epoch, event.norms))
        elif isinstance(event, ev.CheckpointSaved):
            self.checkpoint_epoch = event.epoch
            self.note(f"checkpoint saved after epoch {event.epoch}")
        elif isinstance(event, ev.LogLine):
            self.note(event)
        elif isinstance(event, ev.TrainingFinished):
            self.state = FINISHED
            event = in_app(event)
            self.finished = event
            self.checkpoint_epoch = event.epochs
            if event.message:
                self.note(event.message)
        elif isinstance(event, ev.TrainingFailed):
            self.state = FAILED
            self.failure = event
            self.note(event.message, "error")
