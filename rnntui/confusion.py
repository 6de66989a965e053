"""Confusion matrices of the classification tasks: which class the network named for each
true class, counted on held-out data (the task says which; `Task.confusion_split`).

The task declares its classes (`Task.classes`: their names, and whether one sigmoid output
stands for two); the trainer counts the matrix once training ends, keeps it in the run
(`confusion.json`) and reports it with the result; the result box, `rnntui train --json` and
the compare table (per-class accuracy) read it from here. No Keras, no Textual.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE = "confusion.json"  # in the run folder
MATRIX_CLASSES = 10  # the CLI prints the whole matrix up to this many classes
BOX_CLASSES = 3  # the result box shows the matrix up to this many (it has a few lines)


@dataclass(frozen=True)
class Confusion:
    """Counts of (true class, named class).

    Attributes:
        classes: the class names, in id order.
        counts: counts[true][named].
        on: the data counted, in words ("test", "validation", "training (…)").
    """

    classes: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    on: str

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)

    @property
    def accuracy(self) -> float:
        right = sum(self.counts[i][i] for i in range(len(self.classes)))
        return right / self.total if self.total else float("nan")

    def per_class(self) -> dict[str, float]:
        """Each class's accuracy (its recall: the share of its items named right); classes
        with no item in the data are left out."""
        return {name: self.counts[i][i] / sum(self.counts[i])
                for i, name in enumerate(self.classes) if sum(self.counts[i])}

    def most_confused(self, k: int = 3) -> list[tuple[str, str, int]]:
        """The k commonest mistakes as (true, named, count), commonest first."""
        cells = [(self.counts[t][n], t, n) for t in range(len(self.classes))
                 for n in range(len(self.classes)) if t != n and self.counts[t][n]]
        cells.sort(key=lambda c: (-c[0], c[1], c[2]))
        return [(self.classes[t], self.classes[n], count) for count, t, n in cells[:k]]

    def to_dict(self) -> dict[str, Any]:
        return {"on": self.on, "classes": list(self.classes),
                "counts": [list(row) for row in self.counts], "per_class": self.per_class()}

    @classmethod
    def from_dict(cls, data: Any) -> Confusion | None:
        """A confusion matrix as `to_dict` wrote it; None for anything else."""
        try:
            classes = tuple(str(c) for c in data["classes"])
            counts = tuple(tuple(int(v) for v in row) for row in data["counts"])
            on = str(data.get("on", ""))
        except (TypeError, KeyError, ValueError, AttributeError):
            return None
        if len(counts) != len(classes) or any(len(row) != len(classes) for row in counts):
            return None
        return cls(classes, counts, on)


def count(names: tuple[str, ...], binary: bool, outputs: Any, labels: Any, on: str) -> Confusion:
    """The confusion matrix of a network's outputs against the true labels.

    Args:
        names: the class names (Classes.names).
        binary: one sigmoid output: class 1 where it is at least 0.5.
        outputs: the network's outputs, (…, classes) or (…, 1) when binary; per-step outputs
            (N, T, classes) count every step.
        labels: the true class ids, (…) matching outputs without the last axis.
        on: what the data is, in words.
    """
    import numpy as np

    outputs = np.asarray(outputs)
    named = ((outputs[..., 0] >= 0.5).astype(np.int64) if binary
             else outputs.argmax(-1)).reshape(-1)
    truth = np.rint(np.asarray(labels, dtype=np.float64)).astype(np.int64).reshape(-1)
    size = len(names)
    matrix = np.bincount(truth * size + named, minlength=size * size)[:size * size]
    matrix = matrix.reshape(size, size)
    return Confusion(tuple(names), tuple(tuple(int(v) for v in row) for row in matrix), on)


def save(folder: Path, confusion: Confusion) -> None:
    from rnntui.runs.files import atomic_write

    atomic_write(folder / FILE, json.dumps(confusion.to_dict(), ensure_ascii=False))


def load(folder: Path) -> Confusion | None:
    """The run's confusion matrix, or None (not a classifier, trained before rnntui counted
    one, or a damaged file)."""
    try:
        return Confusion.from_dict(json.loads((folder / FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, RecursionError):
        return None


def per_class_text(per_class: dict[str, float], many: int = 8) -> str:
    """Per-class accuracy in one short cell: 'D4 .89 D6 .71 D8 .80'; with more than `many`
    classes, the lowest and the mean: 'min x .50 mean .96'."""
    if not per_class:
        return "–"
    if len(per_class) <= many:
        return " ".join(f"{name} {_share(v)}" for name, v in per_class.items())
    name, low = min(per_class.items(), key=lambda item: item[1])
    mean = sum(per_class.values()) / len(per_class)
    return f"min {name} {_share(low)} mean {_share(mean)}"


def _share(value: float) -> str:
    return "1" if value == 1 else f"{value:.2f}".lstrip("0") if value < 1 else f"{value:.2f}"


def matrix_lines(confusion: Confusion) -> list[str]:
    """The matrix as text rows: a heading of named classes, then a row a true class with its
    accuracy at the end."""
    width = max(5, max(len(c) for c in confusion.classes) + 1,
                len(str(max((max(r) for r in confusion.counts), default=0))) + 1)
    label = max(len(c) for c in confusion.classes)
    head = " " * label + "".join(f"{c:>{width}}" for c in confusion.classes) + "   acc"
    lines = [head]
    for name, row in zip(confusion.classes, confusion.counts):
        total = sum(row)
        acc = f"{row[confusion.classes.index(name)] / total:6.2f}" if total else "     –"
        lines.append(f"{name:<{label}}" + "".join(f"{v:>{width}}" for v in row) + acc)
    return lines


def describe(confusion: Confusion, max_matrix: int = MATRIX_CLASSES) -> list[str]:
    """The matrix in words for a terminal: the heading, then the whole matrix (up to
    `max_matrix` classes) or the per-class accuracy and the commonest mistakes."""
    lines = [f"confusion on {confusion.on} ({confusion.total:,} answers; rows: true class, "
             "columns: the class named)"]
    if len(confusion.classes) <= max_matrix:
        return lines + matrix_lines(confusion)
    lines.append("per-class accuracy: " + per_class_text(confusion.per_class()))
    mistakes = confusion.most_confused()
    if mistakes:
        lines.append("commonest mistakes: " + ", ".join(f"{t}→{n} ×{c}" for t, n, c in mistakes))
    return lines


def box_lines(confusion: Confusion) -> list[str]:
    """The matrix for the app's result box, which has a few lines: up to BOX_CLASSES classes
    the matrix itself (its last column is each class's accuracy); beyond, the per-class
    accuracy on one line and the commonest mistakes on another."""
    if len(confusion.classes) <= BOX_CLASSES:
        head, *rows = matrix_lines(confusion)
        return [f"{head}   (confusion on {confusion.on}: rows true, columns named)", *rows]
    lines = [f"per-class accuracy on {confusion.on}: {per_class_text(confusion.per_class())}"]
    mistakes = confusion.most_confused()
    if mistakes:
        lines.append("commonest mistakes (true→named): "
                     + ", ".join(f"{t}→{n} ×{c}" for t, n, c in mistakes))
    return lines
