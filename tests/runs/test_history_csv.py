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


def test_the_kept_epoch_is_marked_only_when_epochs_were_trained_after_it():
    rows = [{"loss": 1.0}, {"loss": 0.5}, {"loss": 0.7}]
    assert history_csv(rows, kept=2).splitlines() == [
        "epoch,loss,kept", "1,1.0,0", "2,0.5,1", "3,0.7,0"]
    assert history_csv(rows, kept=3) == history_csv(rows)  # the last epoch kept: no column
    assert history_csv(rows, kept=None) == history_csv(rows)


def test_trained_history_is_the_checkpoints_then_what_an_early_stop_trained_after_it():
    import zipfile

    from rnntui.runs import RunStore
    from rnntui.tasks import get_task

    def archive(path):  # a stand-in for model.keras: a zip that the history goes into
        with zipfile.ZipFile(path, "w") as out:
            out.writestr("config.json", "{}")

    run = RunStore().create("onehot1", get_task("onehot1").hparams({}))
    kept, beyond = [{"loss": 1.0}, {"loss": 0.5}], [{"loss": 0.7}]
    run.save_checkpoint(archive, kept, beyond=beyond)
    assert run.history() == kept and run.trained_history() == kept + beyond
    run.save_checkpoint(archive, kept + [{"loss": 0.6}])  # a resume trained epoch 3 anew
    assert run.trained_history() == run.history() == kept + [{"loss": 0.6}]
    (run.path / "history.jsonl").write_text('{"loss": 9.0}\n{"loss": 0.5}\n{"loss": 0.7}\n'
                                            '{"loss": 0.8}\n', encoding="utf-8")
    assert run.trained_history() == run.history()  # a file that does not start with it
    (run.path / "history.jsonl").write_bytes(b"\xff\xfe")
    assert run.trained_history() == run.history()  # a damaged copy: the checkpoint's
