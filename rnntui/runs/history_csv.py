"""A run's history as CSV: one row an epoch, a column a metric, for spreadsheets and pandas.

Used by `rnntui export RUN --csv` and by the app's export key. No Keras here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rnntui.runs.files import atomic_write

if TYPE_CHECKING:
    from rnntui.runs.store import Run

HISTORY_CSV = "history.csv"  # the app's export key writes it here, in the run's folder


def history_csv(history: Sequence[Mapping[str, float]], kept: int | None = None) -> str:
    """The history as CSV text: an `epoch` column (from 1), then every metric in the order
    it first appears; a metric an epoch did not log is an empty cell. With `kept`, the epoch
    whose weights an early stop kept, and epochs trained after it, a last column `kept` says
    which row that is (1; 0 elsewhere)."""
    columns = list(dict.fromkeys(k for row in history for k in row))
    marked = kept is not None and kept < len(history)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["epoch", *columns, *(["kept"] if marked else [])])
    for epoch, row in enumerate(history, start=1):
        writer.writerow([epoch, *(_cell(row.get(k)) for k in columns),
                         *([int(epoch == kept)] if marked else [])])
    return out.getvalue()


def run_history(run: Run) -> tuple[list[dict[str, float]], int | None]:
    """A run's history as its export shows it: every epoch trained, and the kept epoch after
    an early stop (what its event files show too)."""
    return run.trained_history(), run.status().best_epoch


def run_history_csv(run: Run) -> str:
    return history_csv(*run_history(run))


def _cell(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def write_history_csv(history: Sequence[Mapping[str, float]], path: Path,
                      kept: int | None = None) -> Path:
    """Write the history as CSV to `path` atomically (a folder: `HISTORY_CSV` inside it).

    Returns:
        The file written.

    Raises:
        OSError: the file cannot be written.
    """
    target = path / HISTORY_CSV if path.is_dir() else path
    atomic_write(target, history_csv(history, kept))
    return target
