"""The classic sequence tasks of the seeds, by id."""

from __future__ import annotations

from rnntui.tasks.base import (PLAY_KINDS, Classes, DataSource, Dataset, DataUnavailable,
                               EpochSample, PlayInput, Probe, Quality, SourceField, Task,
                               encode_tokens)
from rnntui.tasks.dice import DICE_TASK
from rnntui.tasks.imdb import IMDB
from rnntui.tasks.letters import EMBED4, ONEHOT1, ONEHOT4
from rnntui.tasks.poems import POEMS
from rnntui.tasks.recall import RECALL
from rnntui.tasks.sine import SINE

TASKS: dict[str, Task] = {t.id: t for t in (ONEHOT1, ONEHOT4, EMBED4, SINE, IMDB, POEMS, RECALL,
                                              DICE_TASK)}


class UnknownTask(KeyError):
    def __str__(self) -> str:
        return self.args[0]


def get_task(task_id: str) -> Task:
    """The task with this id.

    Raises:
        UnknownTask: naming the known ids.
    """
    try:
        return TASKS[task_id]
    except KeyError:
        raise UnknownTask(f"unknown task {task_id!r}; known tasks: {', '.join(TASKS)}") from None


__all__ = ["PLAY_KINDS", "TASKS", "Classes", "DataSource", "EpochSample", "Probe", "PlayInput",
           "Dataset", "DataUnavailable",
           "Quality", "SourceField", "Task", "UnknownTask", "encode_tokens", "get_task"]
