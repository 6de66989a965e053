"""The run tools of the CLI: history as CSV, compare of saved runs that names what differs,
notes and tags, rename."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from rnntui.cli import main
from rnntui.runs.notes import read_notes
from rnntui.runs import RunStore
from rnntui.tasks import get_task

from tests.ui_support import saved_run

HISTORY = [{"loss": 0.9, "accuracy": 0.5}, {"loss": 0.4, "accuracy": 0.75},
           {"loss": 0.1, "accuracy": 1.0}]


def _fails(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    return err


def test_export_csv_has_a_loss_column_and_a_row_an_epoch(tmp_path, capsys):
    run = saved_run(RunStore(), "onehot4", HISTORY)
    assert main(["export", run.name, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [float(r["loss"]) for r in rows] == [0.9, 0.4, 0.1]
    assert [r["epoch"] for r in rows] == ["1", "2", "3"]
    out = tmp_path / "history.csv"
    assert main(["export", run.name, "--csv", "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert list(csv.DictReader(out.open()))[2]["accuracy"] == "1.0"


def test_export_csv_of_a_run_with_no_epoch_says_so(capsys):
    run = RunStore().create("onehot4", get_task("onehot4").hparams())
    assert "no complete epoch yet" in _fails(["export", run.name, "--csv"], capsys)


def test_compare_of_saved_runs_names_units_and_learning_rate(capsys):
    store = RunStore()
    a = saved_run(store, "onehot4", HISTORY, units=8, learning_rate=0.01)
    b = saved_run(store, "onehot4", HISTORY[:2], units=16, learning_rate=0.05)
    assert main(["compare", "onehot4", "--runs", f"{a.name},{b.name}", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["differing"] == ["units", "learning_rate"]
    assert [r["name"] for r in data["runs"]] == [a.name, b.name]
    assert main(["compare", "onehot4", "--runs", f"{a.name},{b.name}"]) == 0
    table = capsys.readouterr().out
    assert "differ in: units, learning_rate" in table
    header = next(line for line in table.splitlines() if "units" in line and "params" in line)
    assert "learning_rate" in header and "cell" not in header  # equal ones hidden


def test_compare_with_a_baseline_shows_differences(capsys):
    store = RunStore()
    quality = {"quality": {"accuracy": 0.5}}
    a = saved_run(store, "onehot4", HISTORY, status=quality, units=8)
    b = saved_run(store, "onehot4", HISTORY, status={"quality": {"accuracy": 0.75}}, units=16)
    assert main(["compare", "onehot4", "--runs", "all", "--baseline", a.name]) == 0
    table = capsys.readouterr().out
    assert "+0.2500" in table and f"{a.name} (pinned)" in table
    assert "differences from #" in table
    assert "--baseline nosuch: not one of the compared runs" in _fails(
        ["compare", "onehot4", "--runs", f"{a.name},{b.name}", "--baseline", "nosuch"], capsys)


def test_compare_of_saved_runs_refuses_training_options_and_one_run(capsys):
    a = saved_run(RunStore(), "onehot4", HISTORY)
    assert "give no training options" in _fails(
        ["compare", "onehot4", "--runs", a.name, "--cells", "lstm"], capsys)
    assert "at least two runs" in _fails(["compare", "onehot4", "--runs", a.name], capsys)
    assert "not of sine" in _fails(["compare", "sine", "--runs", f"{a.name},{a.name}"], capsys)


def test_note_and_tags_are_written_shown_and_listed(capsys):
    run = saved_run(RunStore(), "onehot4", HISTORY)
    assert main(["note", run.name, "first try", "--tags", "baseline, lr"]) == 0
    assert "#baseline #lr · first try" in capsys.readouterr().out
    assert read_notes(run.path).tags == ("baseline", "lr")
    assert main(["note", run.name, "--tags", ""]) == 0  # tags cleared, the note kept
    capsys.readouterr()
    assert main(["note", run.name]) == 0
    assert capsys.readouterr().out.strip() == "first try"
    assert main(["runs"]) == 0 and "first try" in capsys.readouterr().out
    assert main(["runs", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["note"] == "first try"
    assert "at most 40 characters" in _fails(["note", run.name, "--tags", "x" * 41], capsys)


def test_rename_moves_the_run_and_is_refused_while_it_is_written(capsys):
    store = RunStore()
    run = saved_run(store, "onehot4", HISTORY)
    other = saved_run(store, "onehot4", HISTORY)
    assert main(["rename", run.name, "units-8"]) == 0
    assert "renamed" in capsys.readouterr().out
    assert store.open("units-8").history() == HISTORY and not run.path.exists()
    assert "exists already" in _fails(["rename", other.name, "units-8"], capsys)
    assert "a run name is letters" in _fails(["rename", other.name, "bad name!"], capsys)
    # A second process holds the lock, as a training child does.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom rnntui.runs.lock import writing\n"
         "with writing(sys.argv[1], role='rnntui train'):\n print('held', flush=True)\n"
         " time.sleep(60)\n", str(other.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        err = _fails(["rename", other.name, "taken-now"], capsys)
        assert "is being written by" in err and "rnntui train" in err
        assert other.path.exists()
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_compare_of_two_trained_runs_names_units_and_learning_rate(capsys):
    """The issue's check, with real training: two onehot4 runs that differ in units and
    learning rate, compared afterwards."""
    tiny = ["--epochs", "2", "--json"]
    assert main(["train", "onehot4", "--set", "units=4", "--set", "learning_rate=0.01",
                 *tiny]) == 0
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["name"]
    assert main(["train", "onehot4", "--set", "units=6", "--set", "learning_rate=0.05",
                 *tiny]) == 0
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["name"]
    assert main(["compare", "onehot4", "--runs", f"{first},{second}"]) == 0
    out = capsys.readouterr().out
    assert "differ in: units, learning_rate" in out
    assert main(["export", first, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 2 and "loss" in rows[0]
