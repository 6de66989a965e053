"""Seed 003's comparison in one key: the same settings trained once per cell, in turn.

The app trains one run at a time, so the cells wait in a queue: each run is created only when
its turn comes (a stopped comparison leaves no empty runs behind), and when the last one has
completed the app opens the compare view with all of them ticked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rnntui.config import SCHEMA, HParams
from rnntui.tasks import get_task

CELLS: tuple[str, ...] = SCHEMA["cell"].choices  # SimpleRNN, LSTM, GRU


@dataclass
class CellQueue:
    """Runs of `task_id` still to train (as hyperparameters) and the names of those started."""

    task_id: str
    waiting: list[HParams]
    started: list[str] = field(default_factory=list)
    total: int = 0
    go_on: bool = False  # the last started run completed: start the next when it has ended
    what: str = "cell"  # what differs between the queued runs: "cell" or "seed"

    @classmethod
    def of(cls, task_id: str, base: HParams, cells: tuple[str, ...] = CELLS) -> CellQueue:
        """`base` once per cell, checked by the task like any form.

        Raises:
            ConfigError: when a cell cannot take the other settings.
        """
        task = get_task(task_id)
        waiting = [task.hparams({**base, "cell": cell}) for cell in cells]
        return cls(task_id, waiting, total=len(waiting))

    def next(self) -> HParams | None:
        """The next cell's hyperparameters, or None when every cell has had its turn."""
        return self.waiting.pop(0) if self.waiting else None

    def label(self) -> str:
        """'cell 2 of 3' (or 'seed 2 of 3') for the run started last."""
        return f"{self.what} {len(self.started)} of {self.total}"

    @classmethod
    def of_seeds(cls, task_id: str, base: HParams, count: int) -> CellQueue:
        """`base` once per seed, from its own seed up (rnntui.seeds)."""
        from rnntui.seeds import seeds_from

        task = get_task(task_id)
        waiting = [task.hparams({**base.to_dict(), "seed": seed})
                   for seed in seeds_from(base.seed, count)]
        return cls(task_id, waiting, total=len(waiting), what="seed")
