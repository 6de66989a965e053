"""A run's histograms of each weight and of its gradient, epoch by epoch (`histograms.jsonl`,
a line an epoch, appended; the newest line of an epoch trained twice wins). Written by the
trainer, read by `rnntui histograms`, the training screen (h) and TensorBoard's writer.
No Keras here: NumPy counts the values."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnntui.runs.files import read_epoch_lines

FILE = "histograms.jsonl"
BINS = 30


@dataclass(frozen=True)
class Histogram:
    """Counts of values in BINS equal bins from the smallest value to the largest."""

    edges: list[float]  # BINS + 1 edges
    counts: list[int]
    total: float = 0.0  # the values' sum and sum of squares (TensorBoard's proto wants them)
    squares: float = 0.0

    @classmethod
    def of(cls, values: Any, bins: int = BINS) -> Histogram:
        import numpy as np  # here: reading a run's histograms (the app's start) needs none

        flat = np.asarray(values, dtype="float64").ravel()
        flat = flat[np.isfinite(flat)]
        if flat.size == 0:
            return cls([0.0, 0.0], [0])
        low, high = float(flat.min()), float(flat.max())
        if low == high:  # one value (a bias of zeros): one bin around it
            low, high = low - 0.5, high + 0.5
        counts, edges = np.histogram(flat, bins=bins, range=(low, high))
        return cls([float(e) for e in edges], [int(c) for c in counts], float(flat.sum()),
                   float(np.square(flat).sum()))

    @property
    def count(self) -> int:
        return sum(self.counts)

    def centres(self) -> list[float]:
        return [(a + b) / 2 for a, b in zip(self.edges, self.edges[1:])]

    def to_dict(self) -> dict[str, Any]:
        return {"edges": self.edges, "counts": self.counts, "sum": self.total,
                "sum_squares": self.squares}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Histogram:
        return cls([float(e) for e in data["edges"]], [int(c) for c in data["counts"]],
                   float(data.get("sum", 0.0)), float(data.get("sum_squares", 0.0)))


@dataclass(frozen=True)
class EpochHistograms:
    """One epoch's histograms: kind ("weights" or "gradients") → weight label → histogram."""

    epoch: int  # 1-based
    kinds: dict[str, dict[str, Histogram]]

    def to_dict(self) -> dict[str, Any]:
        return {"epoch": self.epoch, **{kind: {label: h.to_dict() for label, h in hists.items()}
                                         for kind, hists in self.kinds.items()}}


KINDS = ("weights", "gradients")


def measure(epoch: int, weights: Iterable[tuple[str, Any]],
            gradients: Iterable[tuple[str, Any]]) -> EpochHistograms:
    """Histograms of (label, array) pairs of weights and of gradients."""
    return EpochHistograms(epoch, {
        "weights": {label: Histogram.of(values) for label, values in weights},
        "gradients": {label: Histogram.of(values) for label, values in gradients}})


def append(folder: Path, record: EpochHistograms) -> None:
    with open(Path(folder) / FILE, "a", encoding="utf-8") as out:
        out.write(json.dumps(record.to_dict(), separators=(",", ":")) + "\n")


def read(folder: Path, epochs: int | None = None) -> list[EpochHistograms]:
    """The run's epochs' histograms in epoch order (a damaged line skipped; epochs beyond
    `epochs`, cut back to a best epoch, left out)."""

    def parse(data: dict, epoch: int) -> EpochHistograms:
        return EpochHistograms(epoch, {
            kind: {str(label): Histogram.from_dict(h)
                   for label, h in dict(data.get(kind, {})).items()}
            for kind in KINDS})

    return read_epoch_lines(Path(folder) / FILE, parse, epochs)


def bars(histogram: Histogram, width: int = 40) -> list[str]:
    """A terminal histogram: a line a bin, its range and a bar scaled to the fullest."""
    most = max(histogram.counts) or 1
    lines = []
    for (low, high), count in zip(zip(histogram.edges, histogram.edges[1:]), histogram.counts):
        lines.append(f"{low:+10.4f} … {high:+10.4f} {count:7d} "
                     f"{'█' * round(width * count / most)}")
    return lines
