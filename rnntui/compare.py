"""Side-by-side figures of runs of one task (SimpleRNN vs LSTM vs GRU, as seed 003 draws it).

Used by `rnntui compare` and by the app's compare view. No Keras here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rnntui.runs import Run
from rnntui.standing import network_name, standing
from rnntui.tasks import get_task


@dataclass(frozen=True)
class RunSummary:
    """The final figures of one run."""

    name: str
    task: str
    cell: str
    units: int
    params: int | None  # None: not counted in training, and its data is not at hand
    epochs: int
    status: str
    quality: dict[str, float]
    best_val_name: str | None  # e.g. "val_accuracy"
    best_val: float | None
    train_seconds: float | None  # time inside epochs, all sessions together
    baselines: dict[str, float] = field(default_factory=dict)  # measured in its training run
    best_epoch: int | None = None  # the epoch kept by early stopping (None: the last)
    standing: str = ""  # one sentence: the run beside its baselines (rnntui.standing)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def best_validation(task_id: str, history: list[dict[str, float]]) -> tuple[str | None, float | None]:
    """The best validation figure of a history: the highest accuracy, or the lowest RMSE/loss."""
    task = get_task(task_id)
    for name, higher in ((f"val_{task.quality.metric}", task.quality.higher_is_better),
                         ("val_loss", False)):
        values = [r[name] for r in history if name in r and math.isfinite(r[name])]
        if values:
            return name, max(values) if higher else min(values)
    return None, None


def summarize(run: Run) -> RunSummary:
    history = run.history()
    status = run.status()
    name, best = best_validation(run.task_id, history)
    task = get_task(run.task_id)
    quality = dict(status.quality)
    return RunSummary(
        name=run.name, task=run.task_id, cell=run.hparams.cell, units=run.hparams.units,
        params=run.params(), epochs=run.epochs_done, status=status.status,
        quality=quality, best_val_name=name, best_val=best,
        train_seconds=status.train_seconds, baselines=dict(status.baselines),
        best_epoch=status.best_epoch,
        standing=standing(network_name(run.hparams.cell), quality.get(task.quality.name),
                          status.baselines, task.quality))


def differing_hparams(runs: Sequence[Run]) -> list[str]:
    """The hyperparameters whose values are not the same in all `runs` (schema order), the
    columns that explain a comparison; equal ones are left out."""
    if len(runs) < 2:
        return []
    values = [run.hparams.to_dict() for run in runs]
    keys = list(dict.fromkeys(k for v in values for k in v))
    return [k for k in keys if len({repr(v.get(k)) for v in values}) > 1]
