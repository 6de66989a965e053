"""Corrupt state and safety: truncated checkpoints, garbled config and history, a run from a
newer rnntui, a data dir that cannot be written or fills up; models that carry code; paths
that try to leave the data dir. Clear messages, the app still starts, the other runs open.

(A config that is not JSON, missing, or from a newer version is in test_runs.py.)
"""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest

from rnntui.engine import events as ev
from rnntui.runs import RunError, RunStore
from rnntui.tasks import get_task
from tests.robust_support import assert_clear_error, call_main, run_cli


def _copy_of_fixed_run(store: RunStore, name: str, kind: str = "onehot4"):
    from tests.ui_host import fixed_run

    source = fixed_run(kind)
    shutil.copytree(source.path, store.root / name)
    return store.open(name)


DAMAGE = {
    "truncated model": lambda p: (p / "model.keras").write_bytes(
        (p / "model.keras").read_bytes()[:3000]),
    "empty model": lambda p: (p / "model.keras").write_bytes(b""),
    "binary config": lambda p: (p / "config.json").write_bytes(bytes(range(256))),
    "config not an object": lambda p: (p / "config.json").write_text("[1, 2]"),
    "garbled history": lambda p: ((p / "model.keras").write_bytes(_plain_keras(p)),
                                  (p / "history.jsonl").write_bytes(b"\xd0\xcf\x11" * 50)),
    "newer version": lambda p: (p / "config.json").write_text(json.dumps(
        {**json.loads((p / "config.json").read_text()), "version": 99})),
    "garbled vocabulary": lambda p: (p / "vocab.json").write_text('{"a": 1}'),
    "no config": lambda p: (p / "config.json").unlink(),
}


def _plain_keras(path: Path) -> bytes:
    """The run's model.keras without the history copy inside (as saved before it had one),
    so that history.jsonl is what is read."""
    import io
    import zipfile

    plain = io.BytesIO()
    with zipfile.ZipFile(path / "model.keras") as model, zipfile.ZipFile(plain, "w") as out:
        for item in model.infolist():
            if not item.filename.startswith("rnntui-"):
                out.writestr(item, model.read(item))
    return plain.getvalue()


@pytest.fixture
def damaged_store(isolated_home) -> tuple[RunStore, str, dict[str, str]]:
    store = RunStore()
    good = _copy_of_fixed_run(store, "good").name
    names = {}
    for n, (what, damage) in enumerate(DAMAGE.items()):
        run = _copy_of_fixed_run(store, f"damaged-{n}")
        damage(run.path)
        names[what] = run.name
    return store, good, names


def test_each_damage_is_named_and_the_other_runs_still_open(damaged_store):
    store, good, names = damaged_store
    infos = {info.name: info for info in store.list()}
    assert infos[good].run is not None and infos[good].error is None
    for what, name in names.items():
        info = infos[name]
        code, out, err = call_main(["predict", name, "abcd"])
        if info.error is not None:  # cannot even be listed: says why, in a line
            assert "\n" not in info.error and name in info.error, (what, info.error)
        if code != 0:
            assert_clear_error(err, code)
            assert name in err, (what, err)
        else:  # damage that prediction does not need (the history)
            assert what in ("garbled history",), (what, out)
    code, out, err = call_main(["runs"])
    assert code == 0 and good in out and out.count("cannot open") >= 5, out + err
    assert call_main(["predict", good, "abcd"])[0] == 0


def test_a_damaged_checkpoint_does_not_resume_and_says_so(damaged_store):
    from rnntui.engine.train import train

    store, _, names = damaged_store
    run = store.open(names["truncated model"])
    run.set_epochs(run.hparams.epochs + 5)
    result = train(run)
    assert isinstance(result, ev.TrainingFailed)
    assert "the checkpoint model.keras is damaged" in result.message
    assert "train a new one" in result.message


async def test_the_app_starts_and_lists_damaged_runs_beside_good_ones(damaged_store):
    from rnntui.ui.app import make_app
    from rnntui.ui.screens.training import TrainingScreen
    from tests.ui_support import FakeFactory, screen_text

    store, good, names = damaged_store
    app = make_app(trainer_factory=FakeFactory(), store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert f"Runs ({len(names) + 1})" in screen_text(app)
        app.open_run(store.open(good))
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen) and app.is_running


# -- a data dir that cannot be written, or fills up --------------------------------------------

def test_a_data_dir_that_cannot_be_written(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RNNTUI_HOME", str(blocker / "home"))  # mkdir fails: not a directory
    code, _, err = call_main(["train", "onehot4"])
    assert_clear_error(err, code)
    assert "cannot create a run" in err
    code, out, err = call_main(["runs"])
    assert code in (0, 2) and "Traceback" not in err
    if code:
        assert_clear_error(err, code)


async def test_the_app_starts_on_a_data_dir_that_cannot_be_written(tmp_path, monkeypatch):
    from rnntui.ui.app import make_app
    from tests.ui_support import FakeFactory

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RNNTUI_HOME", str(blocker / "home"))
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.train("onehot4") is False  # refused with a notification
        await pilot.pause()
        assert factory.trainers == [] and app.is_running
        assert any("cannot create a run" in n.message for n in app._notifications)


def test_a_full_disk_while_saving_keeps_the_last_good_checkpoint(isolated_home, monkeypatch):
    from rnntui.runs import store as runs
    from rnntui.engine.train import train
    from rnntui.nn import load_network

    run = RunStore().create("onehot4", get_task("onehot4").hparams({"epochs": 3}))
    assert train(run).status == "completed"
    good = run.model_path.read_bytes()

    def full(path, writer):
        raise OSError(errno.ENOSPC, "No space left on device")

    run.set_epochs(6)
    monkeypatch.setattr(runs, "atomic_save", full)
    result = train(RunStore().open(run.name))
    assert isinstance(result, ev.TrainingFailed) and "No space left on device" in result.message
    again = RunStore().open(run.name)
    assert again.model_path.read_bytes() == good and again.epochs_done == 3
    load_network(again.model_path)


# -- safety -----------------------------------------------------------------------------------

def test_a_model_that_carries_code_is_refused_without_running_it(isolated_home, tmp_path):
    import keras

    from rnntui.engine.train import train

    marker = tmp_path / "code-ran"
    run = RunStore().create("onehot4", get_task("onehot4").hparams({"epochs": 3}))

    # what an attacker's lambda would do, harmlessly: Keras stores its bytecode
    payload = lambda x, m=str(marker): (open(m, "w").close(), x)[1]  # noqa: E731
    model = keras.Sequential([keras.Input((4, 5)), keras.layers.Lambda(payload),
                              keras.layers.SimpleRNN(3), keras.layers.Dense(5, "softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    marker.unlink(missing_ok=True)  # building it ran it once, here
    run.save_checkpoint(lambda path: model.save(path), [{"loss": 1.0}])
    result = train(run)
    assert isinstance(result, ev.TrainingFailed) and not marker.exists()
    assert "the checkpoint model.keras cannot be loaded" in result.message
    assert "safe_mode" in result.message, result.message
    code, _, err = call_main(["predict", run.name, "abcd"])
    assert_clear_error(err, code)
    assert not marker.exists()


def test_deleting_cannot_leave_the_store_through_a_link(isolated_home, tmp_path):
    store = RunStore()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    store.root.mkdir(parents=True)
    (store.root / "sneaky").symlink_to(outside)
    with pytest.raises(RunError, match="only runs inside"):
        store.delete("sneaky")
    assert (outside / "keep.txt").read_text() == "mine"


@pytest.mark.slow
def test_training_writes_nothing_outside_the_data_dir(tmp_path):
    """Only RNNTUI_HOME (runs, log) and the Keras home (Keras's own keras.json) change."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = {"HOME": str(home), "RNNTUI_HOME": str(tmp_path / "data"),
           "KERAS_HOME": str(tmp_path / "keras")}
    before = {p for p in tmp_path.rglob("*")}
    result = run_cli("train", "onehot1", "--json", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    written = {p for p in tmp_path.rglob("*")} - before
    outside = [p for p in written if not p.is_relative_to(tmp_path / "data")
               and not p.is_relative_to(tmp_path / "keras")]
    assert outside == [], outside


# -- numerical trouble ------------------------------------------------------------------------

@pytest.mark.slow
def test_an_exploding_learning_rate_stops_with_a_fix_and_exit_3(isolated_home):
    """(That the last good epoch's weights are what is saved is in test_engine.py.)"""
    result = run_cli("train", "sine", "--set", "optimizer=sgd", "--set", "learning_rate=10",
                     "--set", "batch_size=512", "--set", "units=4", "--epochs", "3")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "The learning rate (10) is probably too high: try learning_rate=1" in result.stderr
    assert "training stopped" in result.stderr
    run = RunStore().list()[0].run
    assert run.status().status == "nan" and not run.has_checkpoint
