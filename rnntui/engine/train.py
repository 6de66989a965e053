"""Train a run: load its data, build or resume its model, fit while reporting events, and
keep a checkpoint of the last complete epoch whatever happens (stop, NaN, Ctrl+C).
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import numpy as np

from rnntui.architecture import count_params, describe, plan_model
from rnntui.config import ConfigError
from rnntui.engine import backend
from rnntui.engine.batches import epoch_batches, split_validation, steps_per_epoch
from rnntui.engine.control import TrainControl
from rnntui.engine.distribute import evaluation_batch
from rnntui.engine.event_files import FOLDER as EVENT_FOLDER
from rnntui.engine.event_files import EventFiles, tee
from rnntui.engine.events import (BatchEnded, CheckpointSaved, EpochEnded, Event,
                                  GradientsRecorded, HistogramsRecorded, LogLine, TrainingFailed, TrainingFinished,
                                  TrainingStarted)
from rnntui.engine.gradients import EpochNorms, GradientWatch, append_norms, why_not_watched
from rnntui.engine.model import build_model, choose_execution, load_checkpoint
from rnntui.engine.mirror import mirror_of, predictor
from rnntui.engine.samples import EpochSampler
from rnntui.engine.schedule import LR_KEY, learning_rate_at
from rnntui.engine.rng_state import (RNG_IN_MODEL, from_text, seed_states, set_seed_states,
                                     to_text)
from rnntui.runs.fit import FIT_ENTRY, Fit, fit_for, keras_shape
from rnntui.runs.lock import writing
from rnntui.runs import Run, RunError
from rnntui.tasks import Dataset, get_task

Emit = Callable[[Event], None]

CHECKPOINT_EVERY = 2.0  # seconds: tiny tasks finish an epoch in milliseconds; saving each
#                         one (~30 ms) would cost more than the training itself
BATCH_EVENT_EVERY = 0.1  # seconds between progress events: enough for a live bar
# A run whose training loss ends well above where it started, or gives back more than this share
# of what it had gained, diverged: too large a step overshoots and climbs the loss. (lr 10 on
# onehot4 ends at loss ~50 from ~1.6, finite all along, so the NaN check never fires.)
GAVE_BACK = 0.5
# The start is one batch's loss, the rest are epochs' means: a loss that barely moves (a tiny
# network on a hard task) wobbles around its start. Only a clear rise counts.
ROSE_ABOVE = 1.5  # the last epoch's loss over this many times the start
MIN_SWING = 0.05  # a give-back of at least this share of the starting loss


def divergence(start: float, losses: list[float]) -> str | None:
    """How the training loss diverged, in words, or None when it did not.

    Args:
        start: the loss before training (first batch), or the first epoch's.
        losses: the training loss of every epoch trained, in order.

    Returns:
        e.g. "the training loss rose from 0.41 (epoch 2) to 50.3 (epoch 10)", or None.
    """
    if not losses or not math.isfinite(start):
        return None
    low_at = min(range(len(losses)), key=losses.__getitem__)
    low, last = losses[low_at], losses[-1]
    rose = last > ROSE_ABOVE * start
    gave_back = (last - low) > max(GAVE_BACK * (start - low), MIN_SWING * start) and low < start
    if rose or gave_back:
        above = "well above where it started" if rose else "giving back over half its gain"
        return (f"the training loss rose from {low:.4g} (epoch {low_at + 1}) to {last:.4g} "
                f"(epoch {len(losses)}), {above}")
    return None


def diverged_at(start: float, losses: list[float]) -> int | None:
    """The first epoch (1-based) after the lowest one whose training loss is already past
    what `divergence` calls diverged, or None when the run did not diverge.

    A SimpleRNN that explodes at epoch 38 of 40 diverged at 38, not at 40, where the
    check (run once, on the whole curve) sees it.
    """
    if divergence(start, losses) is None:
        return None
    low_at = min(range(len(losses)), key=losses.__getitem__)
    low = losses[low_at]
    over = low + max(GAVE_BACK * (start - low), MIN_SWING * start) if low < start else math.inf
    for epoch in range(low_at + 1, len(losses)):
        if losses[epoch] > min(over, ROSE_ABOVE * start):
            return epoch + 1
    return len(losses)


class _Snapshot:
    """Weights and optimizer state at the end of the last complete epoch, in memory, so a
    stop or a NaN in the middle of an epoch can go back to it before saving."""

    def __init__(self, model: Any):
        self.weights = [w.copy() for w in model.get_weights()]
        self.optimizer = [np.array(v) for v in model.optimizer.variables]
        self.seeds = seed_states(model)

    def restore(self, model: Any) -> None:
        model.set_weights(self.weights)
        for variable, value in zip(model.optimizer.variables, self.optimizer):
            variable.assign(value)
        set_seed_states(model, self.seeds)


def _make_callback(keras: Any) -> type:
    class Reporter(keras.callbacks.Callback):
        """Reports progress, honours stop and pause, catches NaN, checkpoints."""

        def __init__(self, trainer: Trainer):
            super().__init__()
            self.trainer = trainer

        def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
            self.trainer.after_batch(self.model, batch, logs or {})

        def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
            self.trainer.epoch_began(epoch, self.model)

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            self.trainer.after_epoch(self.model, epoch, logs or {})

    return Reporter


class Trainer:
    """One training session of a run. Use `train()` rather than this class directly."""

    def __init__(self, run: Run, emit: Emit, control: TrainControl, samples: bool = True):
        self.run = run
        self.samples = samples  # take the task's sample at each epoch's end (engine.samples)
        self.sampler: EpochSampler | None = None  # made once the data is loaded
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
        # The speed behind the ETA is measured from the end of the session's first batch
        # (which carries the graph's compiling: a 14 s run once said 2 min 23 s) and
        # leaves out time spent paused (which once made the ETA grow after a pause).
        self.rate_from: tuple[float, int] | None = None  # (time, samples) after batch 1
        self.paused_seconds = 0.0
        earlier = run.status().train_seconds if self.history else None
        self.train_seconds = earlier or 0.0
        self.params = 0
        self.expected: Fit | None = None  # what the model must be (known once data loads)
        # Called with (model, epoch) after each complete epoch: gate saturation for the
        # unit views (rnntui.units.saturation), set once the data is loaded.
        self.epoch_hook: Callable[[Any, int, Any], None] | None = None
        # Per batch, the gradient norms (engine.gradients), when hp.log_gradients.
        self.gradients: GradientWatch | None = None
        self.batch_norms: list[list[float]] = []
        # The gradient through time at epoch ends (engine.through_time), within its budget.
        self.curves: Any = None
        self.model: Any = None  # the model being trained (set at each epoch's end)

        # The best epoch so far by val_loss (1-based), its val_loss and its weights, watched
        # whenever there is validation data: the weights kept at the end are its with a
        # patience (early stopping), and also, patience or not, when the run diverged or hit
        # NaN (a SimpleRNN that explodes at epoch 38 keeps its epoch 9, not the wreck).
        self.patience = self.hp.patience
        self.best: tuple[int, float, _Snapshot] | None = None
        # Epochs an early stop trained after the kept one: history.jsonl keeps them, as the
        # event files do (Run.trained_history); the checkpoint's history ends at the kept.
        self.beyond: list[dict[str, float]] = []
        self.stopped_early = False
        self.nan_what = ""  # what became NaN, for the message written at the end
        self.diverged_at: int | None = None
        self.start_loss = self.history[0].get("loss", math.nan) if self.history else math.nan

    # -- callbacks ---------------------------------------------------------------------------
    def epoch_began(self, epoch: int, model: Any = None) -> None:
        self.epoch_started = time.monotonic()
        self.batches_seen = 0
        self.batch_norms = []
        if self.gradients is not None:
            self.gradients.start_epoch()
        if model is not None:
            # The schedule's rate for this epoch, from the history alone (engine.schedule),
            # so a resumed run goes on with the rate it would have had.
            model.optimizer.learning_rate = learning_rate_at(self.hp, epoch, self.history)

    def after_batch(self, model: Any, batch: int, logs: dict) -> None:
        self.batches_seen = batch + 1
        self.samples_done_this_session += self.batch_size
        loss = float(logs.get("loss", float("nan")))
        epoch = len(self.history) + 1
        if epoch == 1 and batch == 0:
            self.start_loss = loss  # measured before the first update: the untrained loss
        if not math.isfinite(loss):
            self._nan(model, f"the loss became {loss} at epoch {epoch}, batch {batch + 1}")
            return
        if self.rate_from is None:
            self.rate_from = (time.monotonic(), self.samples_done_this_session)
        waited = time.monotonic()
        self.control.wait_while_paused()
        self.paused_seconds += time.monotonic() - waited
        if self.control.stop_requested:
            model.stop_training = True
            self.status = "stopped"
        now = time.monotonic()
        if now - self.last_batch_event >= BATCH_EVENT_EVERY or batch + 1 == self.steps:
            self.last_batch_event = now
            speed = self.speed(now)
            left = (self.hp.epochs - epoch) * self.steps + (self.steps - batch - 1)
            eta = left * self.batch_size / speed if speed else 0.0
            # Read only when reported: waiting on the device after every batch would cost
            # more than the norms themselves (engine.gradients).
            norm = self.gradients.latest(batch)[0] if self.gradients is not None else None
            self.emit(BatchEnded(epoch, batch + 1, self.steps, loss, speed, eta, norm))

    def speed(self, now: float) -> float:
        """Samples a second since the first batch of this session, pauses left out (before
        the second batch: over the whole session, compiling included)."""
        started, samples = self.rate_from or (self.session_started, 0)
        if self.samples_done_this_session <= samples:
            started, samples = self.session_started, 0
        seconds = now - started - self.paused_seconds
        return (self.samples_done_this_session - samples) / max(seconds, 1e-9)

    def after_epoch(self, model: Any, epoch: int, logs: dict) -> None:
        if self.status == "nan" or self.batches_seen < self.steps:
            return  # a stop or a NaN cut this epoch short: it does not count
        metrics = {k: float(v) for k, v in logs.items()}
        bad = [k for k, v in metrics.items() if not math.isfinite(v)]
        metrics[LR_KEY] = float(np.asarray(model.optimizer.learning_rate))
        if bad:
            self._nan(model, f"{bad[0]} became {metrics[bad[0]]} at epoch {epoch + 1}")
            return
        seconds = time.monotonic() - self.epoch_started
        self.train_seconds += seconds
        self.history.append(metrics)
        self.snapshot = _Snapshot(model)
        # One mirror of this epoch's weights for what reads the network at its end.
        network = (mirror_of(model) if self.epoch_hook is not None or self.sampler is not None
                   else None)
        if self.epoch_hook is not None:
            self.epoch_hook(model, len(self.history), network)
        if self.curves is not None:
            self.curves(model, len(self.history), self.train_seconds,
                        last=len(self.history) >= self.hp.epochs)
        samples = self.steps * self.batch_size
        self.emit(EpochEnded(epoch + 1, metrics, seconds, samples / max(seconds, 1e-9)))
        self.model = model
        self._keep_norms(epoch + 1)
        if self.sampler is not None:
            self.sampler(model, epoch + 1, network)
        self._watch_validation(model, metrics)
        if time.monotonic() - self.last_save >= CHECKPOINT_EVERY:
            self.save(model)

    def _keep_norms(self, epoch: int) -> None:
        """The epoch's per-batch gradient norms: into gradients.jsonl (a side output: a
        failure to write is one warning) and out as an event (TensorBoard, the plot)."""
        if self.gradients is None:
            return
        self.batch_norms = self.gradients.epoch_rows(self.batches_seen)
        if not self.batch_norms:
            return
        columns = list(zip(*self.batch_norms))
        record = EpochNorms(epoch, {label: [float(v) for v in column]
                                    for label, column in zip(self.gradients.labels, columns)})
        try:
            append_norms(self.run.path, record)
        except OSError as exc:
            self.emit(LogLine(f"gradient norms not kept: {exc}", "warning"))
        self.emit(GradientsRecorded(epoch, self.steps, record.norms))
        self._keep_histograms(epoch)

    def _keep_histograms(self, epoch: int) -> None:
        """Histograms of each weight and of the epoch's last gradient of each kernel
        (rnntui.runs.histograms); a side output like the norms."""
        from rnntui.engine.gradients import weight_label
        from rnntui.runs import histograms

        assert self.gradients is not None and self.model is not None
        weights = [(weight_label(v.path, self.model.name), np.asarray(v))
                   for v in self.model.trainable_variables]
        record = histograms.measure(epoch, weights, self.gradients.last_gradients())
        try:
            histograms.append(self.run.path, record)
        except OSError as exc:
            self.emit(LogLine(f"histograms not kept: {exc}", "warning"))
        self.emit(HistogramsRecorded(epoch, record))

    def _watch_validation(self, model: Any, metrics: dict[str, float]) -> None:
        """Keep the best epoch's weights; stop once val_loss has not improved for
        `patience` epochs (Keras's EarlyStopping with restore_best_weights, kept here so
        the best weights also survive a stop, a NaN and the checkpoint)."""
        loss = metrics.get("val_loss")
        if loss is None:
            return
        epoch = len(self.history)
        if self.best is None or loss < self.best[1]:
            self.best = (epoch, loss, self.snapshot or _Snapshot(model))
        elif self.patience and epoch - self.best[0] >= self.patience:
            model.stop_training = True
            self.stopped_early = True
            self.emit(LogLine(f"validation loss rising since epoch {self.best[0] + 1}: "
                              f"overfitting; stopped, keeping epoch {self.best[0]}",
                              "warning"))

    def _keep_best(self, model: Any) -> int | None:
        """Put the best epoch's weights back and cut the history to it (the model on disk
        and its history must agree, so a resume goes on from the kept epoch).

        Returns:
            The kept epoch, or None without early stopping.
        """
        if self.best is None:
            return None
        epoch, _, snapshot = self.best
        if epoch < len(self.history):
            snapshot.restore(model)
            self.beyond = self.history[epoch:]
            del self.history[epoch:]
            self.saved_epochs = -1  # what is on disk is no longer this: write it again
        return epoch

    def _nan(self, model: Any, what: str) -> None:
        model.stop_training = True
        self.status = "nan"
        self.message = self._nan_message(what, len(self.history))
        self.nan_what = what

    def _nan_message(self, what: str, kept: int, best: bool = False) -> str:
        lr = self.hp.learning_rate
        kept_text = ((f"the best epoch ({kept}) is kept" if best else
                      f"the last good epoch ({kept}) is kept") if kept
                     else "no epoch had completed, so nothing is saved")
        return (f"{what}: training stopped; {kept_text}. The learning rate "
                f"({lr:g}) is probably too high: try learning_rate={lr / 10:g}.")

    # -- saving ------------------------------------------------------------------------------
    def save(self, model: Any) -> None:
        """Checkpoint the epochs not yet on disk (or a history cut back to its best)."""
        if len(self.history) == self.saved_epochs:
            return
        assert self.expected is not None  # set in fit() before any model exists

        def write() -> None:
            self.run.save_checkpoint(lambda path: model.save(path), self.history, extras={
                RNG_IN_MODEL: to_text(seed_states(model)),
                FIT_ENTRY: self.expected.record(keras_shape(model)["input_shape"])},
                beyond=self.beyond)

        try:
            write()
        except KeyboardInterrupt:
            # A second Ctrl+C landed in the save (the temporary file is gone, the old
            # checkpoint stands): save again, then leave as asked. The CLI raises it once.
            write()
            self.saved_epochs = len(self.history)
            raise
        self.saved_epochs = len(self.history)
        self.last_save = time.monotonic()
        self.emit(CheckpointSaved(self.saved_epochs))

    # -- the whole session -----------------------------------------------------------------
    def fit(self) -> TrainingFinished:
        started = time.monotonic()
        self.run.remove_partial_writes()  # of a session killed mid-save
        keras = backend.import_keras()
        # The run's seed, not seed + epochs done: what depends on it (weights of a new model,
        # data a task makes) is the same in every session, and the batches of each epoch
        # come from (seed, epoch) alone (engine.batches).
        backend.seed_everything(self.hp.seed)
        self.emit(LogLine(f"loading data for {self.task.id}"))
        data = self.task.load(self.hp, self.run.source)
        for note in data.notes:
            self.emit(LogLine(note))
        spec = self.task.model_spec(self.hp, data)
        plan = plan_model(spec, self.hp)
        self.sampler = EpochSampler(keras, self.task, data, self.hp, self.run.path,
                                    self.emit, enabled=self.samples)
        from rnntui.units.saturation import SaturationRecorder  # NumPy only

        self.epoch_hook = SaturationRecorder.for_training(
            self.run.path, self.task, self.hp, data,
            lambda message: self.emit(LogLine(message, "warning")))
        from rnntui.engine.through_time import CurveRecorder

        self.curves = CurveRecorder.for_training(
            self.run.path, self.task, self.hp, data,
            lambda message: self.emit(LogLine(message, "warning")))
        saved_vocab = self.run.vocab() if data.vocab is not None else None
        if data.vocab is not None and saved_vocab is None:
            self.run.save_vocab(data.vocab)
        elif saved_vocab is not None and list(saved_vocab) != list(data.vocab):
            # Its ids would mean other tokens: training on would quietly spoil the network.
            raise RunError(f"{self.run.name}: its data now gives another vocabulary "
                           f"({len(data.vocab):,} tokens; the run's vocab.json holds "
                           f"{len(saved_vocab):,}): its corpus changed, or this version cuts "
                           "rare tokens differently; train a new run")
        self.expected = fit_for(self.run)
        if self.history:
            model = load_checkpoint(self.run.model_path)
            record = self.run.checkpoint_entry(FIT_ENTRY)
            why = self.expected.misfit(record, **keras_shape(model))
            if why:  # a model copied in from another run: never train on it
                raise RunError(f"{self.run.name}: {why}")
            states = from_text(self.run.checkpoint_entry(RNG_IN_MODEL))
            if states is not None:
                set_seed_states(model, states)  # older checkpoints: dropout draws anew
            self.emit(LogLine(f"resuming {self.run.name} after epoch {len(self.history)}"))
            loss = self.history[-1].get("val_loss")
            if loss is not None:
                # Only the weights on disk can be kept, so the best starts from them.
                self.best = (len(self.history), loss, _Snapshot(model))
        else:
            model = build_model(spec, self.hp)
        x_train, _, x_val, _ = self._train_arrays(data)
        train_samples = len(x_train)
        # Data-parallel: sets too small to share out are refused now, before any training.
        for evaluated in (x_val, self.task.quality_split(data)[0]):
            if evaluated is not None:
                evaluation_batch(len(evaluated), self.hp.batch_size, backend.active_replicas())
        self.batch_size = min(self.hp.batch_size, train_samples)
        self.steps = steps_per_epoch(train_samples, self.batch_size)
        if self.hp.get("log_gradients"):
            why = why_not_watched(backend.backend_name(), backend.active_replicas())
            if why:
                self.emit(LogLine(why))
            else:
                self.gradients = GradientWatch(keras, model, self.steps)
        self.params = count_params(plan)
        self.emit(TrainingStarted(
            run=str(self.run.path), task=self.task.id, model=describe(plan),
            params=self.params, device=backend.device_label(), samples=train_samples,
            steps=self.steps, initial_epoch=len(self.history), epochs=self.hp.epochs,
            history=tuple(self.history)))
        interrupted = False  # a second Ctrl+C: out now, still keeping the last whole epoch
        if len(self.history) < self.hp.epochs and not self.control.stop_requested:
            try:
                self._fit(keras, model, data)
            except KeyboardInterrupt:
                interrupted, self.status = True, "stopped"
        if self.snapshot is not None and self.status in ("stopped", "nan"):
            self.snapshot.restore(model)
        trained = len(self.history)
        losses = [h.get("loss", math.nan) for h in self.history]
        diverged = divergence(self.start_loss, losses) if self.status == "completed" else None
        # Without a patience the last epoch is kept, unless the run went wrong: then its best.
        best_epoch = (self._keep_best(model)
                      if self.patience or diverged or self.status == "nan" else None)
        if self.status == "nan" and best_epoch is not None:
            self.message = self._nan_message(self.nan_what, best_epoch, best=True)
        try:
            self.save(model)
        except KeyboardInterrupt:  # saved all the same (see save)
            interrupted = True
            if self.status == "completed":
                self.status = "stopped"
        quality: dict[str, float] = {}
        baselines: dict[str, float] = {}
        confusion = None
        if self.history and not interrupted:
            try:
                quality = self._quality(model, data)
                quality.update(self.task.extra_figures(predictor(keras, model), data,
                                                       self.hp))
                baselines = self.task.baselines(data, self.hp)
                confusion = self._confusion(model, data)
            except KeyboardInterrupt:  # the epoch is saved already: the figures are skipped
                interrupted = True
                quality, baselines, confusion = {}, {}, None
                if self.status == "completed":
                    self.status = "stopped"
        metrics = self.history[-1] if self.history else {}
        if diverged:
            self.status = "diverged"
            lr = self.hp.learning_rate
            kept = (f"the best epoch ({best_epoch}) is kept" if best_epoch is not None
                    else "the last epoch is kept")
            at = self.diverged_at = diverged_at(self.start_loss, losses)
            self.message = (f"{diverged}: training diverged at epoch {at}; {kept}. The "
                            f"learning rate "
                            f"({lr:g}) is probably too high: try learning_rate={lr / 10:g}.")
        elif self.status == "stopped":
            self.message = (f"stopped after epoch {trained}; resume with "
                            f"`rnntui train --resume {self.run.name}`")
            if interrupted:
                self.message = (f"interrupted: epoch {len(self.history)} is kept (its figures "
                                f"were not measured); resume with "
                                f"`rnntui train --resume {self.run.name}`")
        elif self.status == "completed" and self.control.stop_requested:
            self.status = "stopped"
        if best_epoch is not None and best_epoch < trained and not self.message:
            self.message = (f"validation loss rising since epoch {best_epoch + 1}: "
                            f"overfitting; stopped at epoch {trained}, epoch {best_epoch} kept"
                            if self.stopped_early else
                            f"validation loss lowest at epoch {best_epoch} of {trained}: "
                            f"epoch {best_epoch} kept")
        if quality and data.figure_note:
            self.message = (f"{self.message}; {data.figure_note}" if self.message
                            else data.figure_note)
        seconds = time.monotonic() - started
        self.run.save_status(status=self.status, epochs=len(self.history), message=self.message,
                             quality=quality, metrics=metrics,
                             train_seconds=round(self.train_seconds, 3), params=self.params,
                             baselines=baselines, best_epoch=best_epoch,
                             stopped_early=self.stopped_early, trained_epochs=trained,
                             diverged_at=self.diverged_at)
        return TrainingFinished(self.status, len(self.history), metrics, quality,
                                self.message, seconds, baselines=baselines,
                                best_epoch=best_epoch, stopped_early=self.stopped_early,
                                trained_epochs=trained, diverged_at=self.diverged_at,
                                train_seconds=round(self.train_seconds, 3),
                                confusion=confusion)

    @staticmethod
    def _train_arrays(data: Dataset) -> tuple[Any, Any, Any, Any]:
        """x_train, y_train, x_val, y_val: the task's validation set, or the last fraction
        of its training arrays as Keras's `validation_split` takes it."""
        if data.x_val is None and data.validation_split:
            return split_validation(data.x_train, data.y_train, data.validation_split)
        return data.x_train, data.y_train, data.x_val, data.y_val

    def _fit(self, keras: Any, model: Any, data: Dataset) -> None:
        x, y, x_val, y_val = self._train_arrays(data)
        validation: dict[str, Any] = {}
        if x_val is not None:
            validation["validation_data"] = (x_val, y_val)
            validation["validation_batch_size"] = evaluation_batch(
                len(x_val), self.batch_size, backend.active_replicas())
        eager = choose_execution(model, self.steps * (self.hp.epochs - len(self.history)))
        if self.gradients is not None:
            self.gradients.eager = eager
        batches = epoch_batches(keras, x, y, self.batch_size, self.hp.seed, len(self.history),
                                multiple=backend.active_replicas())
        model.fit(batches, steps_per_epoch=self.steps, epochs=self.hp.epochs,
                  initial_epoch=len(self.history), shuffle=False, verbose=0,
                  callbacks=[_make_callback(keras)(self)], **validation)

    def _confusion(self, model: Any, data: Dataset) -> dict | None:
        """A classifier's confusion matrix on the task's held-out data, kept in the run
        (rnntui.confusion); None for a task that names no classes. A side output: a
        failure is a warning."""
        from rnntui import confusion

        classes = self.task.classes(self.hp)
        if classes is None:
            return None
        try:
            x, y, on = self.task.confusion_split(data)
            outputs = model.predict(x, batch_size=max(self.hp.batch_size, 256), verbose=0)
            counted = confusion.count(classes.names, classes.binary, outputs, y, on)
            confusion.save(self.run.path, counted)
        except Exception as exc:
            self.emit(LogLine(f"no confusion matrix: {type(exc).__name__}: {exc}"
                              .splitlines()[0], "warning"))
            return None
        return counted.to_dict()

    def _quality(self, model: Any, data: Dataset) -> dict[str, float]:
        x, y = self.task.quality_split(data)
        batch = evaluation_batch(len(x), max(self.hp.batch_size, 256), backend.active_replicas())
        evaluated = model.evaluate(x, y, batch_size=batch, verbose=0, return_dict=True)
        return {self.task.quality.name: self.task.quality_value(evaluated)}


def train(run: Run, emit: Emit | None = None, control: TrainControl | None = None,
          samples: bool = True) -> TrainingFinished | TrainingFailed:
    """Train `run` up to its `epochs`, resuming from its checkpoint if it has one.

    Every outcome comes back as an event (and is also emitted): `TrainingFinished` (completed,
    stopped or NaN, with the last complete epoch saved) or `TrainingFailed` for an error, with
    a one-line message and the traceback for the log; also when another process is writing
    the run (run_lock), which then is left as it is. `DataUnavailable` is re-raised so a
    caller can tell "no data" apart. `samples=False` takes no epoch samples (a benchmark's
    baseline; rnntui.engine.samples).
    """
    # TensorBoard sees what the user sees; the files close on the result event (a failure
    # to load data comes before TrainingStarted, so before they open).
    emit = tee(emit or (lambda event: None),
               EventFiles(run.path / EVENT_FOLDER, run.hparams.to_dict(), run.name))
    control = control or TrainControl()
    try:
        with writing(run.path):
            result = _train_locked(run, emit, control, samples)
    except RunError as exc:  # the lock itself: nothing was read or written
        result = TrainingFailed(str(exc))
    emit(result)
    return result


def _train_locked(run: Run, emit: Emit, control: TrainControl,
                  samples: bool = True) -> TrainingFinished | TrainingFailed:
    try:
        return Trainer(run, emit, control, samples).fit()
    except Exception as exc:
        from rnntui.tasks import DataUnavailable

        if isinstance(exc, DataUnavailable):
            raise
        what = str(exc) if isinstance(exc, (RunError, ConfigError)) else (  # says what is wrong
            # anything else is rnntui's fault, not the user's: say so, not as advice
            f"training failed on an internal error (a bug in rnntui, please report it): "
            f"{type(exc).__name__}: {exc}")
        result = TrainingFailed(what.splitlines()[0], traceback.format_exc())
        try:
            # What the run still holds (its kept epochs and their figures) stays said.
            kept = {k: v for k, v in asdict(run.status()).items() if k != "updated"}
            try:
                kept["epochs"] = run.epochs_done
            except (OSError, RunError):
                pass
            run.save_status(**{**kept, "status": "failed", "message": result.message})
        except OSError:
            pass
        return result
