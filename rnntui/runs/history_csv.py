"""A run's history as CSV: one row an epoch, a column a metric, for spreadsheets and pandas.

Used by `rnntui export RUN --csv` and by the app's export key. No Keras here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from rnntui.runs.files import atomic_write

HISTORY_CSV = "history.csv"  # the app's export key writes it here, in the run's folder


def history_csv(history: Sequence[Mapping[str, float]]) -> str:
    """The history as CSV text: an `epoch` column (from 1), then every metric in the order
    it first appears; a metric an epoch did not log is an empty cell."""
    columns = list(dict.fromkeys(k for row in history for k in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["epoch", *columns])
    for epoch, row in enumerate(history, start=1):
        writer.writerow([epoch, *(_cell(row.get(k)) for k in columns)])
    return out.getvalue()


def _cell(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def write_history_csv(history: Sequence[Mapping[str, float]], path: Path) -> Path:
    """Write the history as CSV to `path` atomically (a folder: `HISTORY_CSV` inside it).

    Returns:
        The file written.

    Raises:
        OSError: the file cannot be written.
    """
    target = path / HISTORY_CSV if path.is_dir() else path
    atomic_write(target, history_csv(history))
    return target
