"""TensorBoard event files for a run, written from the engine's own events as it trains.

`tensorboard --logdir "$RNNTUI_HOME/runs"` then shows every run, live: epoch scalars for every
metric, the batch loss, the learning rate, and the run's hyperparameters in the HParams view.

The writer is TensorBoard's own (`EventFileWriter`, pure Python: importing it costs ~0.2 s
and does not load TensorFlow), fed by the same events the CLI prints and the app draws, so
it works on every Keras backend. A resumed run adds a new file to the same folder with the
steps continuing, which TensorBoard reads as one curve. Writing is best effort: a full disk
or a read-only folder costs the event files, never the training.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rnntui.engine.events import (BatchEnded, EpochEnded, EpochSampled, Event,
                                  GradientsRecorded, HistogramsRecorded, LogLine, TrainingFailed, TrainingFinished,
                                  TrainingStarted)

FOLDER = "tensorboard"  # inside the run folder
FLUSH_SECONDS = 2  # TensorBoard polls its files; a live curve needs them on disk this often
EPOCH_TAG = "epoch/{}"  # epoch/loss, epoch/val_loss, epoch/accuracy, epoch/learning_rate
BATCH_LOSS_TAG = "batch/loss"
GRAD_TAG = "gradients/{}"  # per batch: gradients/global, gradients/rnn_1/recurrent_kernel
SAMPLE_TAG = "samples"  # TensorBoard's Text tab: the epoch's sample (rnntui.engine.samples)
SAMPLE_FIGURE_TAG = "sample/{}"  # its figures as scalars: sample/rmse_free_30, sample/right
KEPT_TAG = "epoch/kept"  # after an early stop: at the kept epoch, its number
KEPT_TEXT_TAG = "kept"  # the same, said in TensorBoard's Text tab


class EventFiles:
    """Turns engine events into TensorBoard scalars and an HParams record.

    Args:
        folder: where the event files go (created on the first event).
        hparams: the run's hyperparameters, shown in TensorBoard's HParams view.
        trial: the name TensorBoard's HParams view gives this run.
    """

    def __init__(self, folder: Path, hparams: Mapping[str, Any], trial: str):
        self.folder = folder
        self.hparams = dict(hparams)
        self.trial = trial
        self.learning_rate = self.hparams.get("learning_rate")
        self.steps = 1
        self.writer: Any = None
        self.failed: str | None = None  # why writing stopped, once

    def __call__(self, event: Event) -> None:
        if self.failed is not None:
            return
        try:
            self._write(event)
        except Exception as exc:
            # Any failure at all: with TensorFlow installed, TensorBoard writes through
            # tf.io.gfile, whose full disk is a ResourceExhaustedError, not an OSError (it
            # once failed the training before epoch 1). A side output never stops the work.
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.failed = (f"TensorBoard event files not written from here on: {why}; "
                           "training goes on")
            self.close()

    def _write(self, event: Event) -> None:
        if isinstance(event, TrainingStarted):
            self.steps = max(1, event.steps)
            if event.initial_epoch > 0:
                self._purge_after(event.initial_epoch)
            self._open()
            if event.initial_epoch == 0:
                self._hparams()
        elif isinstance(event, BatchEnded) and self.writer is not None:
            step = (event.epoch - 1) * self.steps + event.batch
            self._scalars(step, {BATCH_LOSS_TAG: event.loss})
        elif isinstance(event, EpochEnded) and self.writer is not None:
            values = {EPOCH_TAG.format(k): v for k, v in event.metrics.items()}
            if isinstance(self.learning_rate, (int, float)) and "learning_rate" not in event.metrics:
                values[EPOCH_TAG.format("learning_rate")] = float(self.learning_rate)
            self._scalars(event.epoch, values)
        elif isinstance(event, GradientsRecorded) and self.writer is not None:
            # Per batch, on the batch loss's steps: the norms come at the epoch's end.
            first = (event.epoch - 1) * self.steps
            for i, values in enumerate(zip(*event.norms.values())):
                self._scalars(first + i + 1, {GRAD_TAG.format(label): value
                                              for label, value in zip(event.norms, values)})
        elif isinstance(event, HistogramsRecorded) and self.writer is not None:
            self._histograms(event.epoch, event.histograms)
        elif isinstance(event, EpochSampled) and self.writer is not None:
            self._text(event.epoch, SAMPLE_TAG, event.lines)
            if event.figures:
                self._scalars(event.epoch, {SAMPLE_FIGURE_TAG.format(k): v
                                            for k, v in event.figures.items()})
        elif isinstance(event, TrainingFinished) and self.writer is not None:
            kept, trained = event.best_epoch, event.trained_epochs or event.epochs
            if kept is not None and kept < trained:
                # Every epoch trained stays (the validation loss rising after the best one
                # is the overfitting lesson); the one whose weights were kept is marked.
                self._scalars(kept, {KEPT_TAG: float(kept)})
                self._text(kept, KEPT_TEXT_TAG, (
                    f"epoch {kept}'s weights were kept (lowest validation loss); epochs "
                    f"{kept + 1}-{trained} were trained, not kept: a resume goes on from "
                    f"epoch {kept} and replaces them",))
            self.close()
        elif isinstance(event, (TrainingFinished, TrainingFailed)):
            self.close()

    def _purge_after(self, epoch: int) -> None:
        """Drop what earlier sessions wrote past `epoch`, the one this session resumes from
        (the epochs an early stop trained but did not keep): otherwise TensorBoard shows two
        values at one step. TensorBoard's own purge of orphaned steps at a restart cannot do
        it here: it cuts every tag at one step, and the batch loss counts batches.

        Each file is rewritten without them, beside itself, then moved over it."""
        # The legacy loader gives the events as written (EventFileLoader migrates scalars
        # to tensors, which the writer would then store changed).
        from tensorboard.backend.event_processing.event_file_loader import (
            LegacyEventFileLoader)
        from tensorboard.summary.writer.record_writer import RecordWriter

        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("events.out.tfevents.*")):
            events = list(LegacyEventFileLoader(str(path)).Load())
            kept = [e for e in events if not self._after(e, epoch)]
            if len(kept) == len(events):
                continue
            tmp = path.with_name(f".{path.name}.purge")
            with open(tmp, "wb") as handle:
                writer = RecordWriter(handle)
                for e in kept:
                    writer.write(e.SerializeToString())
                writer.flush()
            tmp.replace(path)

    def _after(self, event: Any, epoch: int) -> bool:
        """Whether an event belongs to an epoch after `epoch`."""
        if not event.HasField("summary") or not event.summary.value:
            return False
        tags = {v.tag for v in event.summary.value}
        if tags & {KEPT_TAG, KEPT_TEXT_TAG}:
            return True  # the resumed session says again which epoch it keeps, if any
        batch = all(tag.startswith("batch/") for tag in tags)
        return event.step > (epoch * self.steps if batch else epoch)

    def _open(self) -> None:
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.writer = EventFileWriter(str(self.folder), flush_secs=FLUSH_SECONDS)

    def _scalars(self, step: int, values: Mapping[str, float]) -> None:
        from tensorboard.compat.proto.summary_pb2 import Summary

        summary = Summary(value=[Summary.Value(tag=tag, simple_value=float(value))
                                 for tag, value in values.items()])
        self._add(summary, step)

    def _histograms(self, step: int, record: Any) -> None:
        """TensorBoard's Histograms tab: `weights/rnn_1/kernel`, `gradients/rnn_1/kernel` …
        (its HistogramProto: each bin by its right edge and count)."""
        from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary

        values = []
        for kind, hists in record.kinds.items():
            for label, h in hists.items():
                proto = HistogramProto(min=h.edges[0], max=h.edges[-1], num=h.count,
                                       sum=h.total, sum_squares=h.squares,
                                       bucket_limit=h.edges[1:], bucket=h.counts)
                values.append(Summary.Value(tag=f"{kind}/{label}", histo=proto))
        if values:
            self._add(Summary(value=values), step)

    def _text(self, step: int, tag: str, lines: tuple[str, ...]) -> None:
        from tensorboard.plugins.text.summary_v2 import text_pb

        # TensorBoard renders text as Markdown: indented by four spaces, the lines stay lines
        # and a sparkline keeps its columns.
        self._add(text_pb(tag, "\n".join(f"    {line}" for line in lines)), step)

    def _hparams(self) -> None:
        from tensorboard.plugins.hparams import summary_v2

        values = {k: v if isinstance(v, (bool, int, float, str)) else str(v)
                  for k, v in self.hparams.items() if v is not None}
        self._add(summary_v2.hparams_pb(values, trial_id=self.trial), 0)

    def _add(self, summary: Any, step: int) -> None:
        from tensorboard.compat.proto.event_pb2 import Event as EventProto

        self.writer.add_event(EventProto(wall_time=time.time(), step=step, summary=summary))

    def close(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            try:
                writer.close()
            except Exception:  # as above: what failed is already said once
                pass


def tee(emit: Callable[[Event], None], files: EventFiles) -> Callable[[Event], None]:
    """An emitter that writes each event to `files`, then passes it on to `emit`; the first
    failure to write is passed on too, as a warning in the log."""

    def both(event: Event) -> None:
        before = files.failed
        files(event)
        if files.failed is not None and before is None:
            emit(LogLine(files.failed, level="warning"))
        emit(event)

    return both
