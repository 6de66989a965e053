"""The headless CLI as a user runs it: one clear line for errors, JSON for scripts,
Ctrl+C keeps the last epoch."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from rnntui.cli import main
from rnntui.runs import RunStore

from tests.conftest import subprocess_env

RNNTUI = [sys.executable, "-m", "rnntui.cli"]


def _run(*args, timeout=180):
    return subprocess.run([*RNNTUI, *args], capture_output=True, text=True, timeout=timeout,
                          env=subprocess_env())


@pytest.mark.parametrize("args, message", [
    (["train", "onehot4", "--set", "units=abc"], "units=abc: must be a whole number from 1 to 1024"),
    (["train", "onehot4", "--set", "unit=3"], "did you mean units"),
    (["train", "nosuch"], "unknown task 'nosuch'"),
    (["train"], "which task?"),
    (["train", "poems", "--corpus", "/nonexistent.txt"], "no such file"),
    (["train", "recall", "--data", "x.npz"], "--data: task recall reads no data file"),
    (["train", "--resume", "nosuch-run"], "no run 'nosuch-run'"),
])
def test_errors_are_one_line_and_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_tasks_and_runs_listing(capsys):
    assert main(["tasks", "--json"]) == 0
    tasks = json.loads(capsys.readouterr().out)
    assert [t["id"] for t in tasks] == ["onehot1", "onehot4", "embed4", "sine", "imdb", "poems",
                                       "recall", "dice"]
    assert tasks[0]["recipe"]["epochs"] == 50
    assert main(["tasks"]) == 0  # the table, as README says: defaults and the seed's recipe
    table = capsys.readouterr().out.replace("\n", "").replace("│", "").replace(" ", "")
    assert "recipe(--recipe):" in table and "epochs=50" in table and "epochs=15" in table
    assert main(["runs"]) == 0 and "no runs yet" in capsys.readouterr().out


@pytest.mark.slow
def test_train_json_reaches_full_accuracy():
    result = _run("train", "onehot1", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["accuracy"] == 1.0 and summary["metrics"]["accuracy"] == 1.0
    assert summary["epochs"] == 15 and summary["status"] == "completed"
    assert RunStore().open(summary["run"]).epochs_done == 15
    # TensorFlow's chatter went to the log file, not the terminal
    assert "cuda" not in result.stderr.lower() and "oneDNN" not in result.stderr


@pytest.mark.slow
def test_imdb_offline_says_what_to_do():
    result = _run("train", "imdb")
    assert result.returncode == 2
    assert "IMDb data is not on this machine" in result.stderr
    assert "--data FILE.npz" in result.stderr and "Traceback" not in result.stderr
    assert RunStore().list() == []  # no empty run left behind


@pytest.mark.slow
def test_ctrl_c_keeps_the_last_epoch_and_resumes():
    proc = subprocess.Popen([*RNNTUI, "train", "sine", "--set", "batch_size=256", "--set",
                             "units=8", "--epochs", "50"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=subprocess_env())
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if line.startswith("epoch 2/"):
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    run = RunStore().list()[0].run
    done = run.epochs_done
    assert done >= 2 and run.status().status == "stopped"
    resumed = _run("train", "--resume", run.name, "--epochs", str(done + 1), "--json")
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert summary["epochs"] == done + 1 and "rmse" in summary


@pytest.mark.parametrize("args", [["tasks"], ["tasks", "--json"]])
def test_a_reader_that_goes_away_gets_no_traceback(args):
    """`rnntui tasks | head -1`: the pipe closes before the CLI writes; it ends quietly
    (Rich's tables end with status 1 on their own, JSON with the shell's 141)."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # no reader at all: the first write fails with EPIPE
    try:
        result = subprocess.run([*RNNTUI, *args], stdout=write_end, stderr=subprocess.PIPE,
                                text=True, timeout=60, env=subprocess_env())
    finally:
        os.close(write_end)
    assert result.returncode == (141 if "--json" in args else 1)
    assert result.stderr == ""
