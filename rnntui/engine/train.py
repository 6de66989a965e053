"""Train a run: load its data, build or resume its model, fit while reporting events, and
keep a checkpoint of the last complete epoch whatever happens (stop, NaN, Ctrl+C).
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

from rnntui.architecture import count_params, describe, plan_model
from rnntui.engine import backend
from rnntui.engine.control import TrainControl
from rnntui.engine.event_files import FOLDER as EVENT_FOLDER
from rnntui.engine.event_files import EventFiles, tee
from rnntui.engine.events import (BatchEnded, CheckpointSaved, EpochEnded, Event, LogLine,
                                  TrainingFailed, TrainingFinished, TrainingStarted)
from rnntui.engine.model import build_model, choose_execution, load_checkpoint
from rnntui.runs import Run
from rnntui.tasks import Dataset, get_task

Emit = Callable[[Event], None]

CHECKPOINT_EVERY = 2.0  # seconds: tiny tasks finish an epoch in milliseconds; saving each
#                         one (~30 ms) would cost more than the training itself
BATCH_EVENT_EVERY = 0.1  # seconds between progress events: enough for a live bar


class _Snapshot:
    """Weights and optimizer state at the end of the last complete epoch, in memory, so a
    stop or a NaN in the middle of an epoch can go back to it before saving."""

    def __init__(self, model: Any):
        self.weights = [w.copy() for w in model.get_weights()]
        self.optimizer = [np.array(v) for v in model.optimizer.variables]

    def restore(self, model: Any) -> None:
        model.set_weights(self.weights)
        for variable, value in zip(model.optimizer.variables, self.optimizer):
            variable.assign(value)


def _make_callback(keras: Any) -> type:
    class Reporter(keras.callbacks.Callback):
        """Reports progress, honours stop and pause, catches NaN, checkpoints."""

        def __init__(self, trainer: Trainer):
            super().__init__()
            self.trainer = trainer

        def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
            self.trainer.after_batch(self.model, batch, logs or {})

        def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
            self.trainer.epoch_began(epoch)

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            self.trainer.after_epoch(self.model, epoch, logs or {})

    return Reporter


class Trainer:
    """One training session of a run. Use `train()` rather than this class directly."""

    def __init__(self, run: Run, emit: Emit, control: TrainControl):
        self.run = run
        self.emit = emit
        self.control = control
        self.task = get_task(run.task_id)
        self.hp = run.hparams
        self.history: list[dict[str, float]] = run.history() if run.has_checkpoint else []
        self.saved_epochs = len(self.history)
        self.snapshot: _Snapshot | None = None
        self.status = "completed"
        self.message = ""
        self.steps = 1
        self.batch_size = self.hp.batch_size
        self.epoch_started = time.monotonic()
        self.last_batch_event = 0.0
        self.last_save = time.monotonic()
        self.batches_seen = 0
        self.samples_done_this_session = 0
        self.session_started = time.monotonic()
        earlier = run.status().get("train_seconds") if self.history else 0.0
        self.train_seconds = float(earlier) if isinstance(earlier, (int, float)) else 0.0
        self.params = 0

    # -- callbacks ---------------------------------------------------------------------------
    def epoch_began(self, epoch: int) -> None:
        self.epoch_started = time.monotonic()
        self.batches_seen = 0

    def after_batch(self, model: Any, batch: int, logs: dict) -> None:
        self.batches_seen = batch + 1
        self.samples_done_this_session += self.batch_size
        loss = float(logs.get("loss", float("nan")))
        epoch = len(self.history) + 1
        if not math.isfinite(loss):
            self._nan(model, f"the loss became {loss} at epoch {epoch}, batch {batch + 1}")
            return
        self.control.wait_while_paused()
        if self.control.stop_requested:
            model.stop_training = True
            self.status = "stopped"
        now = time.monotonic()
        if now - self.last_batch_event >= BATCH_EVENT_EVERY or batch + 1 == self.steps:
            self.last_batch_event = now
            speed = self.samples_done_this_session / max(now - self.session_started, 1e-9)
            left = (self.hp.epochs - epoch) * self.steps + (self.steps - batch - 1)
            eta = left * self.batch_size / speed if speed else 0.0
            self.emit(BatchEnded(epoch, batch + 1, self.steps, loss, speed, eta))

    def after_epoch(self, model: Any, epoch: int, logs: dict) -> None:
        if self.status == "nan" or self.batches_seen < self.steps:
            return  # a stop or a NaN cut this epoch short: it does not count
        metrics = {k: float(v) for k, v in logs.items()}
        bad = [k for k, v in metrics.items() if not math.isfinite(v)]
        if bad:
            self._nan(model, f"{bad[0]} became {metrics[bad[0]]} at epoch {epoch + 1}")
            return
        seconds = time.monotonic() - self.epoch_started
        self.train_seconds += seconds
        self.history.append(metrics)
        self.snapshot = _Snapshot(model)
        samples = self.steps * self.batch_size
        self.emit(EpochEnded(epoch + 1, metrics, seconds, samples / max(seconds, 1e-9)))
        if time.monotonic() - self.last_save >= CHECKPOINT_EVERY:
            self.save(model)

    def _nan(self, model: Any, what: str) -> None:
        model.stop_training = True
        self.status = "nan"
        lr = self.hp.learning_rate
        kept = len(self.history)
        kept_text = (f"the last good epoch ({kept}) is kept" if kept
                     else "no epoch had completed, so nothing is saved")
        self.message = (f"{what}: training stopped; {kept_text}. The learning rate "
                        f"({lr:g}) is probably too high: try learning_rate={lr / 10:g}.")

    # -- saving ------------------------------------------------------------------------------
    def save(self, model: Any) -> None:
        """Checkpoint the epochs not yet on disk."""
        if len(self.history) == self.saved_epochs:
            return
        self.run.save_checkpoint(lambda path: model.save(path), self.history)
        self.saved_epochs = len(self.history)
        self.last_save = time.monotonic()
        self.emit(CheckpointSaved(self.saved_epochs))

    # -- the whole session -----------------------------------------------------------------
    def fit(self) -> TrainingFinished:
        started = time.monotonic()
        self.run.remove_partial_writes()  # of a session killed mid-save
        keras = backend.import_keras()
        backend.seed_everything(self.hp.seed + len(self.history))
        self.emit(LogLine(f"loading data for {self.task.id}"))
        data = self.task.load(self.hp, self.run.source)
        for note in data.notes:
            self.emit(LogLine(note))
        spec = self.task.model_spec(self.hp, data)
        plan = plan_model(spec, self.hp)
        if data.vocab is not None and self.run.vocab() is None:
            self.run.save_vocab(data.vocab)
        if self.history:
            model = load_checkpoint(self.run.model_path)
            self.emit(LogLine(f"resuming {self.run.name} after epoch {len(self.history)}"))
        else:
            model = build_model(spec, self.hp)
        train_samples = int(round(data.samples * (1 - data.validation_split)))
        self.batch_size = min(self.hp.batch_size, train_samples)
        self.steps = max(1, math.ceil(train_samples / self.hp.batch_size))
        self.params = count_params(plan)
        self.emit(TrainingStarted(
            run=str(self.run.path), task=self.task.id, model=describe(plan),
            params=self.params, device=backend.device_label(), samples=train_samples,
            steps=self.steps, initial_epoch=len(self.history), epochs=self.hp.epochs,
            history=tuple(self.history)))
        if len(self.history) < self.hp.epochs and not self.control.stop_requested:
            self._fit(keras, model, data)
        if self.snapshot is not None and self.status in ("stopped", "nan"):
            self.snapshot.restore(model)
        self.save(model)
        quality = self._quality(model, data) if self.history else {}
        metrics = self.history[-1] if self.history else {}
        if self.status == "stopped":
            self.message = (f"stopped after epoch {len(self.history)}; resume with "
                            f"`rnntui train --resume {self.run.name}`")
        elif self.status == "completed" and self.control.stop_requested:
            self.status = "stopped"
        seconds = time.monotonic() - started
        self.run.save_status(status=self.status, epochs=len(self.history), message=self.message,
                             quality=quality, metrics=metrics,
                             train_seconds=round(self.train_seconds, 3), params=self.params)
        return TrainingFinished(self.status, len(self.history), metrics, quality,
                                self.message, seconds)

    def _fit(self, keras: Any, model: Any, data: Dataset) -> None:
        validation: dict[str, Any] = {}
        if data.x_val is not None:
            validation["validation_data"] = (data.x_val, data.y_val)
        elif data.validation_split:
            validation["validation_split"] = data.validation_split
        choose_execution(model, self.steps * (self.hp.epochs - len(self.history)))
        model.fit(data.x_train, data.y_train, batch_size=self.hp.batch_size,
                  epochs=self.hp.epochs, initial_epoch=len(self.history), shuffle=True,
                  verbose=0, callbacks=[_make_callback(keras)(self)], **validation)

    def _quality(self, model: Any, data: Dataset) -> dict[str, float]:
        x, y = self.task.quality_split(data)
        evaluated = model.evaluate(x, y, batch_size=max(self.hp.batch_size, 256), verbose=0,
                                   return_dict=True)
        return {self.task.quality.name: self.task.quality_value(evaluated)}


def train(run: Run, emit: Emit | None = None,
          control: TrainControl | None = None) -> TrainingFinished | TrainingFailed:
    """Train `run` up to its `epochs`, resuming from its checkpoint if it has one.

    Every outcome comes back as an event (and is also emitted): `TrainingFinished` (completed,
    stopped or NaN, with the last complete epoch saved) or `TrainingFailed` for an error, with
    a one-line message and the traceback for the log. `DataUnavailable` is re-raised so a
    caller can tell "no data" apart.
    """
    # TensorBoard sees what the user sees; the files close on the result event (a failure
    # to load data comes before TrainingStarted, so before they open).
    emit = tee(emit or (lambda event: None),
               EventFiles(run.path / EVENT_FOLDER, run.hparams.to_dict(), run.name))
    control = control or TrainControl()
    try:
        result: TrainingFinished | TrainingFailed = Trainer(run, emit, control).fit()
    except Exception as exc:
        from rnntui.tasks import DataUnavailable

        if isinstance(exc, DataUnavailable):
            raise
        from rnntui.runs import RunError

        what = str(exc) if isinstance(exc, RunError) else (  # already says what is wrong
            f"training failed: {type(exc).__name__}: {exc}")
        result = TrainingFailed(what.splitlines()[0], traceback.format_exc())
        try:
            run.save_status(status="failed", message=result.message)
        except OSError:
            pass
    emit(result)
    return result
