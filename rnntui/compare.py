"""Side-by-side figures of runs of one task (SimpleRNN vs LSTM vs GRU, as seed 003 draws it).

Used by `rnntui compare` and by the app's compare view. No Keras here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rnntui.runs import Run
from rnntui.tasks import get_task


@dataclass(frozen=True)
class RunSummary:
    """The final figures of one run."""

    name: str
    task: str
    cell: str
    units: int
    params: int
    epochs: int
    status: str
    quality: dict[str, float]
    best_val_name: str | None  # e.g. "val_accuracy"
    best_val: float | None
    train_seconds: float | None  # time inside epochs, all sessions together

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
    task = get_task(run.task_id)
    history = run.history()
    status = run.status()
    params = status.get("params")
    if not isinstance(params, int):  # trained by an older rnntui, or never trained
        params = task.preview(run.hparams)[1] if run.task_id != "poems" else 0
    name, best = best_validation(run.task_id, history)
    seconds = status.get("train_seconds")
    return RunSummary(
        name=run.name, task=run.task_id, cell=run.hparams.cell, units=run.hparams.units,
        params=params, epochs=run.epochs_done, status=str(status.get("status", "new")),
        quality=dict(status.get("quality") or {}), best_val_name=name, best_val=best,
        train_seconds=float(seconds) if isinstance(seconds, (int, float)) else None)


def differing_hparams(runs: Sequence[Run]) -> list[str]:
    """The hyperparameters whose values are not the same in all `runs` (schema order), the
    columns that explain a comparison; equal ones are left out."""
    if len(runs) < 2:
        return []
    values = [run.hparams.to_dict() for run in runs]
    keys = list(dict.fromkeys(k for v in values for k in v))
    return [k for k in keys if len({repr(v.get(k)) for v in values}) > 1]
