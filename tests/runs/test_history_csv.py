"""A run's history as CSV: one row an epoch, a column a metric."""

from __future__ import annotations

import csv
import io

from rnntui.runs.history_csv import history_csv


def test_one_row_an_epoch_and_a_column_a_metric():
    text = history_csv([{"loss": 0.5, "accuracy": 0.25},
                        {"loss": 0.125, "accuracy": 0.5, "val_loss": 0.75}])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["epoch", "loss", "accuracy", "val_loss"]
    assert [r["epoch"] for r in rows] == ["1", "2"]
    assert [float(r["loss"]) for r in rows] == [0.5, 0.125]
    assert rows[0]["val_loss"] == ""  # not logged that epoch
    assert float(rows[1]["val_loss"]) == 0.75


def test_full_precision_and_an_empty_history():
    value = 0.1 + 0.2
    text = history_csv([{"loss": value}])
    assert float(text.splitlines()[1].split(",")[1]) == value
    assert history_csv([]) == "epoch\n"
