"""The run store: atomic files, damaged runs reported not fatal, names that can't escape."""

from __future__ import annotations

import json

import pytest

from rnntui.runs import FORMAT_VERSION, RunError, RunStatus, RunStore, atomic_save, atomic_write
from rnntui.tasks import DataSource, get_task


def _run(store: RunStore, task_id: str = "onehot4"):
    return store.create(task_id, get_task(task_id).hparams())


def test_create_open_round_trip(isolated_home):
    store = RunStore()
    run = store.create("poems", get_task("poems").hparams({"units": 8}),
                       DataSource(corpus="/x/y.txt"))
    assert run.path.parent == isolated_home / "runs"
    again = store.open(run.name)
    assert again.hparams == run.hparams and again.source.corpus == "/x/y.txt"
    assert store.open(run.path).name == run.name
    assert json.loads((run.path / "config.json").read_text())["version"] == FORMAT_VERSION


def test_names_are_unique(isolated_home):
    store = RunStore()
    names = {_run(store).name for _ in range(3)}
    assert len(names) == 3


def test_history_and_checkpoint(isolated_home):
    run = _run(RunStore())
    assert run.epochs_done == 0 and run.history() == []
    run.save_checkpoint(lambda p: p.write_bytes(b"model"), [{"loss": 1.0}, {"loss": 0.5}])
    assert run.epochs_done == 2 and run.model_path.read_bytes() == b"model"
    # a line cut short by a crash is dropped, not fatal
    with open(run.path / "history.jsonl", "a") as handle:
        handle.write('{"loss": 0.2')
    assert run.history() == [{"loss": 1.0}, {"loss": 0.5}]


def test_an_interrupted_save_leaves_the_previous_checkpoint(isolated_home):
    run = _run(RunStore())
    run.save_checkpoint(lambda p: p.write_bytes(b"good"), [{"loss": 1.0}])

    def dies_half_way(path):
        path.write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run.save_checkpoint(dies_half_way, [{"loss": 1.0}, {"loss": 0.5}])
    assert run.model_path.read_bytes() == b"good" and run.epochs_done == 1
    assert [p.name for p in run.path.iterdir() if ".tmp" in p.name] == []


def test_atomic_write_replaces_whole_files(tmp_path):
    target = tmp_path / "f.json"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two" and len(list(tmp_path.iterdir())) == 1
    atomic_save(tmp_path / "m.keras", lambda p: p.write_text(p.suffix))
    assert (tmp_path / "m.keras").read_text() == ".keras"  # Keras needs the suffix


@pytest.mark.parametrize("damage, message", [
    (lambda p: (p / "config.json").write_text("{not json"), "config is damaged"),
    (lambda p: (p / "config.json").unlink(), "config is missing"),
    (lambda p: (p / "config.json").write_text(json.dumps({"version": 99})), "newer rnntui"),
    (lambda p: (p / "config.json").write_text(json.dumps(
        {"version": 1, "task": "onehot4", "hparams": {"units": -3}})), "units=-3"),
])
def test_damaged_runs_are_listed_with_their_error(isolated_home, damage, message):
    store = RunStore()
    good, bad = _run(store), _run(store)
    damage(bad.path)
    infos = {i.name: i for i in store.list()}
    assert infos[good.name].run is not None
    assert infos[bad.name].run is None and message in infos[bad.name].error
    with pytest.raises(RunError, match=message):
        store.open(bad.name)


@pytest.mark.parametrize("name", ["../etc", "/etc/passwd", "a/../../b", "..", ""])
def test_run_names_cannot_escape_the_store(isolated_home, name):
    with pytest.raises(RunError):
        RunStore().open(name)


def test_delete(isolated_home):
    store = RunStore()
    run = _run(store)
    store.delete(run.name)
    assert not run.path.exists() and store.list() == []


def test_vocab_and_status(isolated_home):
    run = _run(RunStore(), "poems")
    assert run.vocab() is None and run.status() == RunStatus()
    run.save_vocab(["\n", "床", "前"])
    run.save_status(status="completed", quality={"perplexity": 12.5})
    assert run.vocab() == ["\n", "床", "前"]
    assert run.status().quality == {"perplexity": 12.5} and run.status().ended


def test_status_reads_old_files_and_ignores_unknown_keys(isolated_home):
    run = _run(RunStore(), "onehot4")
    # as rnntui wrote it before best_epoch/baselines existed, plus a key from a newer one
    (run.path / "status.json").write_text(json.dumps(
        {"status": "stopped", "epochs": 3, "message": "m", "quality": {"accuracy": 0.5},
         "metrics": {"loss": 1.0}, "train_seconds": 2, "params": 83, "future": [1]}))
    status = run.status()
    assert (status.status, status.epochs, status.params, status.train_seconds) == (
        "stopped", 3, 83, 2.0)
    assert status.best_epoch is None and status.baselines == {} and not status.stopped_early
    # what the engine writes now: the fields issue 14 adds come back typed
    run.save_status(status="completed", epochs=5, best_epoch=4, stopped_early=True,
                    baselines={"last value": 0.25}, params=83)
    status = run.status()
    assert (status.best_epoch, status.stopped_early, status.baselines) == (
        4, True, {"last value": 0.25})
    # wrong types count as absent rather than failing the reader
    (run.path / "status.json").write_text(json.dumps(
        {"status": None, "epochs": "x", "params": True, "baselines": {"a": "b"}}))
    assert run.status() == RunStatus()


def test_params_one_rule(isolated_home):
    run = _run(RunStore(), "onehot4")
    worked_out = run.params()
    assert isinstance(worked_out, int) and worked_out > 0
    run.save_status(status="completed", params=12345)  # as built, when training counted it
    assert run.params() == 12345
