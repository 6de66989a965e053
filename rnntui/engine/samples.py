"""Samples every epoch (char-rnn's habit): what the network does now, at each epoch's end.

What a sample is, is the task's (`Task.epoch_sample`: every training window's answer, a
quatrain from 床前明月光, a free-running forecast, three reviews' P(positive), accuracy beside
the forward algorithm's). Here it is taken, timed, kept in the run as one JSON line an epoch
(`samples.jsonl`, appended) and sent on as an `EpochSampled` event, which the CLI prints, the
app shows and the TensorBoard writer turns into a text summary.

A sample is a side output: any failure (a task's bug, a full disk) becomes one warning in the
log and no more samples for the session; training goes on. No Keras at import.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rnntui.engine.events import EpochSampled, Event, LogLine

FILE = "samples.jsonl"  # in the run folder, one line an epoch sampled


def probe_for(keras: Any, model: Any, network: Any = None) -> Any:
    """The model as the tasks' samples read it: the NumPy mirror (`network`, built here when
    not given), or Keras itself for a layer the mirror does not know (then without a
    steppable network)."""
    from rnntui.engine.mirror import mirror_of, predictor
    from rnntui.tasks import Probe

    network = network if network is not None else mirror_of(model)
    return Probe(predictor(keras, model, network), network)


class EpochSampler:
    """Takes the task's sample at the end of each epoch, keeps it, and reports it.

    Args:
        keras: the Keras module (for a model the NumPy mirror does not know).
        task: the run's task (its `epoch_sample` says what a sample is).
        data: the data the run trains on.
        hp: the run's hyperparameters.
        folder: the run folder (`samples.jsonl` goes there); None keeps no file.
        emit: where `EpochSampled` and the one warning go.
        enabled: False takes no samples (the benchmark's baseline).
    """

    def __init__(self, keras: Any, task: Any, data: Any, hp: Any, folder: Path | None,
                 emit: Callable[[Event], None], enabled: bool = True):
        self.keras = keras
        self.task = task
        self.data = data
        self.hp = hp
        self.path = None if folder is None else folder / FILE
        self.emit = emit
        self.enabled = enabled
        self.failed: str | None = None
        self.seconds = 0.0  # spent sampling this session

    def __call__(self, model: Any, epoch: int, network: Any = None) -> EpochSampled | None:
        """Sample the network after `epoch` (1-based), through `network` (its mirror, if the
        caller has one); None when nothing was sampled."""
        if not self.enabled or self.failed is not None:
            return None
        started = time.perf_counter()
        try:
            probe = (probe_for(self.keras, model) if network is None
                     else probe_for(self.keras, model, network))
            sample = self.task.epoch_sample(probe, self.data, self.hp)
            if sample is None:  # the task shows no sample (or not for this network)
                self.enabled = False
                return None
            event = EpochSampled(epoch, tuple(str(line) for line in sample.lines),
                                 {str(k): float(v) for k, v in sample.figures.items()},
                                 time.perf_counter() - started)
            if self.path is not None:
                append(self.path, event)
        except Exception as exc:  # a side output: never the training's end
            self.failed = (f"epoch samples stopped after epoch {epoch - 1}: "
                           f"{type(exc).__name__}: {exc}").splitlines()[0]
            self.emit(LogLine(self.failed, level="warning"))
            return None
        self.seconds += event.seconds
        self.emit(event)
        return event


def to_record(event: EpochSampled) -> dict[str, Any]:
    return {"epoch": event.epoch, "lines": list(event.lines), "figures": dict(event.figures),
            "seconds": round(event.seconds, 6)}


def append(path: Path, event: EpochSampled) -> None:
    """Add one line to `path` with a single append-mode write: a reader sees the line whole
    or (a kill mid-write) a torn last line, which `read` drops; earlier lines never change."""
    line = (json.dumps(to_record(event), ensure_ascii=False, sort_keys=True) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read(folder: Path) -> list[EpochSampled]:
    """The samples kept in a run folder, one per epoch in epoch order (an epoch trained again
    after a resume: its newest sample); a torn or damaged line is skipped."""
    try:
        text = (folder / FILE).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    by_epoch: dict[int, EpochSampled] = {}
    for line in text.splitlines():
        try:
            record = json.loads(line)
            event = EpochSampled(int(record["epoch"]), tuple(str(t) for t in record["lines"]),
                                 {str(k): float(v) for k, v in record.get("figures", {}).items()},
                                 float(record.get("seconds", 0.0)))
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            continue
        by_epoch[event.epoch] = event
    return [by_epoch[e] for e in sorted(by_epoch)]


def describe(event: EpochSampled) -> list[str]:
    """A sample as the CLI prints it: 'epoch 3 sample' then its lines, indented."""
    return [f"epoch {event.epoch} sample ({event.seconds * 1000:.1f} ms):",
            *(f"  {line}" for line in event.lines)]
