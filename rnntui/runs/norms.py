"""A run's gradient norms, every batch of every epoch (`gradients.jsonl`), written by the
trainer (rnntui.engine.gradients) and read by `rnntui norms`, the training screen's plot and
TensorBoard's writer. No Keras here."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnntui.runs.files import read_epoch_lines

FILE = "gradients.jsonl"
GLOBAL = "global"  # the norm of all gradients together (what global clipping would clip)


@dataclass(frozen=True)
class EpochNorms:
    """One epoch's gradient norms: label → one norm per batch."""

    epoch: int  # 1-based
    norms: dict[str, list[float]]

    @property
    def global_norms(self) -> list[float]:
        return self.norms.get(GLOBAL, [])

    def to_dict(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "norms": self.norms}


def append_norms(folder: Path, record: EpochNorms) -> None:
    """Add an epoch's line to the run's gradients.jsonl (one short append, flushed)."""
    line = json.dumps(record.to_dict(), allow_nan=True, separators=(",", ":"))
    with open(folder / FILE, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def read_norms(folder: Path, epochs: int | None = None) -> list[EpochNorms]:
    """The run's epochs' norms, in epoch order, the newest line of an epoch trained twice;
    epochs beyond `epochs` (cut back to a best epoch) left out. A damaged line is skipped."""

    def parse(data: dict, epoch: int) -> EpochNorms:
        return EpochNorms(epoch, {str(k): [float(x) for x in v]
                                  for k, v in dict(data["norms"]).items()})

    return read_epoch_lines(Path(folder) / FILE, parse, epochs)


def batch_points(records: Sequence[EpochNorms], label: str = GLOBAL
                 ) -> list[tuple[float, float]]:
    """(epoch − 1 + (batch + 1) / batches, norm) of every batch, for a plot against epochs;
    non-finite norms left out."""
    points = []
    for record in records:
        values = record.norms.get(label, [])
        for i, value in enumerate(values):
            if math.isfinite(value):
                points.append((record.epoch - 1 + (i + 1) / len(values), value))
    return points
