"""Side-by-side figures of runs of one task (SimpleRNN vs LSTM vs GRU, as seed 003 draws it).

Used by `rnntui compare` and by the app's compare view. No Keras here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rnntui.confusion import load as load_confusion
from rnntui.runs.store import Run
from rnntui.outcome import headline
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
    outcome: str = ""  # how its training ended (rnntui.outcome): a diverged cell is a result
    hparams: dict[str, Any] = field(default_factory=dict)  # what it was trained with
    # A classifier's accuracy per class on held-out data (rnntui.confusion), class → share.
    per_class: dict[str, float] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)  # the data files it read

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
    confusion = load_confusion(run.path)
    return RunSummary(
        name=run.name, task=run.task_id, cell=run.hparams.cell, units=run.hparams.units,
        params=run.params(), epochs=run.epochs_done, status=status.status,
        quality=quality, best_val_name=name, best_val=best,
        train_seconds=status.train_seconds, baselines=dict(status.baselines),
        best_epoch=status.best_epoch, hparams=run.hparams.to_dict(),
        per_class=confusion.per_class() if confusion is not None else {},
        source=run.source.to_dict(),
        outcome=headline(status) if status.ended else "",
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


def legend(hparams: Mapping[str, Any], differing: Sequence[str]) -> str:
    """A run's name in a comparison: its cell and units, then each hyperparameter that
    differs between the compared runs, so two LSTMs of 30 units read 'lstm30 lr=0.01' and
    'lstm30 lr=0.05' rather than twice 'lstm30'."""
    shown = [f"{SHORT.get(k, k)}={_value(hparams.get(k))}"
             for k in differing if k not in ("cell", "units")]
    return " ".join([f"{hparams.get('cell', '?')}{hparams.get('units', '')}", *shown])


# Short names for legends, where a plot's width is the limit; tables use the full names.
SHORT = {"learning_rate": "lr", "batch_size": "batch", "bidirectional": "bidir",
         "optimizer": "opt", "dropout": "drop", "recurrent_dropout": "rdrop",
         "embedding_dim": "emb"}


def _value(value: Any) -> str:
    if value is None:  # an optional setting turned off (clipnorm, clipvalue)
        return "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


def hparam_text(value: Any) -> str:
    """A hyperparameter's value for a table cell (floats without trailing zeros)."""
    return _value(value)


def difference(value: float | None, baseline: float | None) -> str:
    """`value` beside the pinned baseline run's, signed ('+0.0125', '-3.2e-05'); '–' when
    either is missing or not finite, '0' when equal."""
    if value is None or baseline is None or not (math.isfinite(value)
                                                 and math.isfinite(baseline)):
        return "–"
    delta = value - baseline
    if delta == 0:
        return "0"
    return f"{delta:+.4f}" if abs(delta) >= 1e-4 else f"{delta:+.2e}"
