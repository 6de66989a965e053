"""Seed 003's comparison in one key: the same settings trained once per cell, in turn.

The app trains one run at a time, so the cells wait in a queue: each run is created only when
its turn comes (a stopped comparison leaves no empty runs behind), and when the last one has
ended the app opens the compare view with all of them ticked. A cell that diverged or hit NaN
is a result of the comparison (the SimpleRNN that explodes is the lesson), not a reason to stop
it: its best epoch is kept (rnntui.engine.train) and the next cell trains. Only a stop or a
failure ends the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rnntui.config import SCHEMA, HParams
from rnntui.tasks import get_task

CELLS: tuple[str, ...] = SCHEMA["cell"].choices  # SimpleRNN, LSTM, GRU
# How a run may end and still be a result of the comparison (see rnntui.runs.OUTCOMES).
RESULTS = ("completed", "diverged", "nan")


@dataclass
class CellQueue:
    """Runs of `task_id` still to train (as hyperparameters) and the names of those started."""

    task_id: str
    waiting: list[HParams]
    started: list[str] = field(default_factory=list)
    total: int = 0
    go_on: bool = False  # the last started run completed: start the next when it has ended
    what: str = "cell"  # what differs between the queued runs: "cell" or "seed"
    ended: list[str] = field(default_factory=list)  # how each cell that is done ended

    @classmethod
    def of(cls, task_id: str, base: HParams, cells: tuple[str, ...] = CELLS) -> CellQueue:
        """`base` once per cell, checked by the task like any form.

        Raises:
            ConfigError: when a cell cannot take the other settings.
        """
        task = get_task(task_id)
        waiting = [task.hparams({**base, "cell": cell}) for cell in cells]
        return cls(task_id, waiting, total=len(waiting))

    @staticmethod
    def goes_on_after(status: str) -> bool:
        """Whether a cell that ended with `status` lets the next cell train: it is a
        result (completed, diverged, NaN), not a stop or a failure."""
        return status in RESULTS

    def record(self, hp: HParams, outcome: str) -> None:
        """Note how the run started last ended ("✗ diverged at epoch 38, best epoch 9
        kept"), for the next run's training screen to say."""
        which = hp.cell if self.what == "cell" else f"seed {hp.seed}"
        self.ended.append(f"{len(self.started)} ({which}) {outcome}")

    def results(self) -> str:
        """'cell 1 (simple) ✗ diverged at epoch 38, best epoch 9 kept; …' ('' before any)."""
        return "; ".join(f"{self.what} {line}" for line in self.ended)

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
