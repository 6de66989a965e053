"""Playing with a trained run: one class per play kind, picked by `open_play(run)`.

The task declares how its runs are played (`Task.play_input(hp).kind`); this package maps
that kind to the class that plays it. The app's play screens and the CLI's `predict`,
`gates` and `export` all open a run through `open_play`. NumPy only: no TensorFlow.
"""

from __future__ import annotations

from rnntui.play.base import (LENGTH_MAX, LENGTHS, MAX_INPUT, TEMPERATURE_KEYS_MAX, TEMPERATURE_MAX,
                              Encoded, InputError, Play, describe_prediction, jsonable, shown)
from rnntui.play.dice import DicePlay
from rnntui.play.forecast import Forecast, ForecastPlay
from rnntui.play.review import ReviewPlay
from rnntui.play.tokens import LettersPlay, PoemPlay, SequencePlay, TokenPlay
from rnntui.runs import Run
from rnntui.tasks import PLAY_KINDS, get_task

PLAYS: dict[str, type[Play]] = {cls.kind: cls for cls in (
    LettersPlay, SequencePlay, PoemPlay, ForecastPlay, ReviewPlay, DicePlay)}
assert set(PLAYS) == set(PLAY_KINDS), "every play kind a task may declare has its class"


def play_kind(run: Run) -> str:
    """How `run` is played: its task's declared kind (a key of PLAYS)."""
    return get_task(run.task_id).play_input(run.hparams).kind


def open_play(run: Run) -> Play:
    """Open `run` for play with the class of its task's play kind.

    Raises:
        RunError: for a run with no checkpoint or unreadable weights.
    """
    return PLAYS[play_kind(run)].load(run)


__all__ = ["LENGTH_MAX", "LENGTHS", "MAX_INPUT", "PLAYS", "TEMPERATURE_KEYS_MAX", "TEMPERATURE_MAX",
           "DicePlay", "Encoded", "Forecast", "ForecastPlay", "InputError", "LettersPlay",
           "Play", "PoemPlay", "ReviewPlay", "SequencePlay", "TokenPlay",
           "describe_prediction", "jsonable", "open_play", "play_kind", "shown"]
