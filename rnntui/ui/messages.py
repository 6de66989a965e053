"""Textual messages that carry training events from the worker thread to the app.

One message class per engine event, named like it (past tense); each holds the event itself.
Only `BatchEnded` overrides `can_replace`: batch progress arrives up to ten times a second
and only the newest is worth drawing, while every epoch, log line and ending must arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from rnntui.engine import events as ev


@dataclass
class TrainingMessage(Message):
    """Base of the messages below: `event` is the engine's event."""

    event: Any


@dataclass
class TrainingStarted(TrainingMessage):
    event: ev.TrainingStarted


@dataclass
class BatchEnded(TrainingMessage):
    event: ev.BatchEnded

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, BatchEnded)


@dataclass
class EpochEnded(TrainingMessage):
    event: ev.EpochEnded


@dataclass
class EpochSampled(TrainingMessage):
    event: ev.EpochSampled


@dataclass
class GradientsRecorded(TrainingMessage):
    event: ev.GradientsRecorded


@dataclass
class HistogramsRecorded(TrainingMessage):
    event: ev.HistogramsRecorded


@dataclass
class CheckpointSaved(TrainingMessage):
    event: ev.CheckpointSaved


@dataclass
class LogLineWritten(TrainingMessage):
    event: ev.LogLine


@dataclass
class TrainingFinished(TrainingMessage):
    event: ev.TrainingFinished


@dataclass
class TrainingFailed(TrainingMessage):
    event: ev.TrainingFailed


_WRAPPERS: dict[type, type[TrainingMessage]] = {
    ev.TrainingStarted: TrainingStarted,
    ev.BatchEnded: BatchEnded,
    ev.EpochEnded: EpochEnded,
    ev.EpochSampled: EpochSampled,
    ev.GradientsRecorded: GradientsRecorded,
    ev.HistogramsRecorded: HistogramsRecorded,
    ev.CheckpointSaved: CheckpointSaved,
    ev.LogLine: LogLineWritten,
    ev.TrainingFinished: TrainingFinished,
    ev.TrainingFailed: TrainingFailed,
}


def wrap(event: Any) -> TrainingMessage:
    """The message for an engine event.

    Raises:
        TypeError: for an object that is no training event.
    """
    try:
        return _WRAPPERS[type(event)](event)
    except KeyError:
        raise TypeError(f"not a training event: {event!r}") from None


# -- intents: a screen asks, the App navigates (it alone pushes screens) ----------------------
RUN_SCREENS = ("training", "gates", "predict", "compare", "units", "saturation")
"""The screens a run can be opened on (`rnntui open RUN --screen ...`)."""


@dataclass
class RunScreenAsked(Message):
    """Show `run` on one of RUN_SCREENS."""

    run: Any
    screen: str


@dataclass
class TrainOnAsked(Message):
    """Train `run` on from its checkpoint (asking for more epochs when it has done all)."""

    run: Any
