"""One writer per run: a second writer is refused naming the holder, a killed holder's lock
is taken over, and readers never wait."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from rnntui.runs.lock import HOLDER, LOCK, RunBusy, holder, writing
from rnntui.runs import RunStore
from rnntui.tasks import get_task
from tests.conftest import subprocess_env

RNNTUI = [sys.executable, "-m", "rnntui.cli"]


def _new_run(task_id="onehot4", **hp):
    return RunStore().create(task_id, get_task(task_id).hparams(hp))


def _hold_in_child(folder):
    """A child process that takes the run's lock and sleeps; returns it once it holds it."""
    code = textwrap.dedent(f"""
        import sys, time
        from rnntui.runs.lock import writing
        with writing({str(folder)!r}, role="a test holder"):
            print("held", flush=True)
            time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                             env=subprocess_env())
    assert child.stdout.readline().strip() == "held"
    return child


def test_a_second_writer_is_refused_naming_the_holder():
    run = _new_run()
    child = _hold_in_child(run.path)
    try:
        with pytest.raises(RunBusy) as refused:
            with writing(run.path):
                pass
        message = str(refused.value)
        assert f"process {child.pid}" in message and "a test holder" in message
        assert "\n" not in message
        with pytest.raises(RunBusy):  # the config is a write too: left alone
            run.set_epochs(99)
        assert RunStore().open(run.name).hparams.epochs == run.hparams.epochs
        # Readers never wait: the run opens, lists and reads while it is held.
        assert RunStore().open(run.name).history() == []
        assert [i.name for i in RunStore().list()] == [run.name]
    finally:
        child.kill()
        child.wait()


def test_a_killed_holders_lock_is_taken_over():
    run = _new_run()
    child = _hold_in_child(run.path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert (run.path / LOCK).exists() and holder(run.path)["pid"] == child.pid
    with writing(run.path):  # the kernel dropped the dead process's flock
        assert holder(run.path)["pid"] == os.getpid()
        with writing(run.path):  # and it is re-entrant in one process
            pass
    run.set_epochs(7)
    assert RunStore().open(run.name).hparams.epochs == 7


def test_deleting_a_run_being_written_is_refused():
    run = _new_run()
    child = _hold_in_child(run.path)
    try:
        with pytest.raises(RunBusy):
            RunStore().delete(run.name)
        assert run.path.is_dir()
    finally:
        child.kill()
        child.wait()
    RunStore().delete(run.name)
    assert not run.path.exists()


@pytest.mark.slow
def test_while_a_resume_trains_a_second_one_is_refused_and_the_first_keeps_its_epochs():
    env = subprocess_env()
    made = subprocess.run(RNNTUI + ["train", "onehot4", "--epochs", "1", "--json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert made.returncode == 0, made.stderr
    name = json.loads(made.stdout.strip().splitlines()[-1])["name"]
    first = subprocess.Popen(RNNTUI + ["train", "--resume", name, "--epochs", "400"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    folder = RunStore().resolve(name)
    try:
        for _ in range(600):  # until the first holds the run (it writes who it is)
            who = holder(folder)
            if who and who.get("pid") == first.pid:
                break
            assert first.poll() is None, first.communicate()
            time.sleep(0.1)
        second = subprocess.run(RNNTUI + ["train", "--resume", name, "--epochs", "280"],
                                capture_output=True, text=True, env=env, timeout=300)
        out, err = first.communicate(timeout=600)
    finally:
        if first.poll() is None:
            first.kill()
    assert second.returncode == 2
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and f"process {first.pid}" in lines[0], second.stderr
    assert "train --resume" in lines[0]
    assert first.returncode == 0, err
    assert "completed" in out and "trained 400 epochs" in out
    run = RunStore().open(name)
    assert run.epochs_done == 400 and run.hparams.epochs == 400
    assert (folder / HOLDER).is_file()


@pytest.mark.slow
def test_the_apps_training_process_is_refused_with_a_message(tmp_path):
    from rnntui.engine.events import TrainingFailed
    from rnntui.engine.worker import TrainingProcess

    run = _new_run()
    child = _hold_in_child(run.path)
    try:
        proc = TrainingProcess(run.path, tmp_path / "train.log")
        proc.start()
        events = list(proc.events())
    finally:
        child.kill()
        child.wait()
    assert isinstance(events[-1], TrainingFailed)
    assert f"process {child.pid} (a test holder)" in events[-1].message
    assert not run.has_checkpoint and run.status().status == "new"  # left as it was


def test_one_run_by_two_spellings_of_its_path_is_one_lock(monkeypatch):
    run = _new_run()
    monkeypatch.chdir(run.path.parent)
    with writing(run.path):
        with writing(run.path.name + "/"):  # relative: the same run, the same holder
            assert holder(run.path)["pid"] == os.getpid()
