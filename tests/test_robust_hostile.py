"""Damaged, full and hostile (issue 22): every file of a run folder damaged in the ways a disk,
an editor or a copy damages it, through every command that reads runs; writers on a full or
read-only disk; closed, full, ASCII-only and size-limited streams; escape codes in what is
echoed; small CLI edges; nested JSON; bad data; scoring in bounded memory; TensorBoard's story
after an early stop and a resume.

Fast: the runs are the fixed ones of tests/ui_host.py (weights set, not trained), the
commands run in-process through the NumPy mirror, and only the stream tests start a child.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from rnntui.runs import RunError, RunStore
from tests.robust_support import RNNTUI, assert_clear_error, call_main


def _copy(store: RunStore, kind: str, name: str):
    from tests.ui_host import fixed_run

    shutil.copytree(fixed_run(kind).path, store.root / name)
    return store.open(name)


def _set_json(path: Path, key: str, value) -> None:
    data = json.loads(path.read_text())
    data[key] = value
    path.write_text(json.dumps(data))


# -- 1. a model that differs only in sizes -------------------------------------------------

def test_a_config_edited_to_other_units_is_refused_by_every_reader(isolated_home):
    """The fixed run's checkpoint has no fit record (as an older rnntui's), so only its
    layers tell that its SimpleRNN has 3 units where the config now says 5."""
    store = RunStore()
    store.root.mkdir(parents=True)
    run = _copy(store, "onehot4", "edited")
    hp = json.loads((run.path / "config.json").read_text())
    hp["hparams"]["units"] = 5
    (run.path / "config.json").write_text(json.dumps(hp))
    for args in (["predict", "edited", "abcd"], ["gates", "edited", "abcd"],
                 ["export", "edited"]):
        code, out, err = call_main(args)
        assert_clear_error(err, code)
        assert "SimpleRNN(3) as layer 1" in err and "SimpleRNN(5)" in err, err
        assert out == ""


def test_the_fit_compares_layers_by_kind_and_units():
    from rnntui.runs.fit import Fit

    fit = Fit(task="t", cell="lstm", layers=1, input_shape=(4,), outputs=5,
              embedding_rows=26, vocab_size=None, vocab_hash=None,
              layer_names=("Embedding(26, 2)", "LSTM(8)", "Dense(5)"))
    same = ("Embedding(26, 2)", "LSTM(8)", "Dense(5)")
    assert fit.misfit(None, (4,), 5, 26, layers=same) is None
    why = fit.misfit(None, (4,), 5, 26, layers=("Embedding(26, 3)", "LSTM(8)", "Dense(5)"))
    assert "Embedding(26, 3) as layer 1" in why and "Embedding(26, 2)" in why
    why = fit.misfit(None, (4,), 5, 26, layers=("Embedding(26, 2)", "GRU(8)", "Dense(5)"))
    assert "GRU(8) as layer 2" in why


# -- the damaged-store property test -----------------------------------------------------

def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 2)])


WRONG_TYPES = ["text", [1, 2], None]  # (an object nested deep: the "nested" damage)


def _corruptions(folder: Path) -> list[tuple[str, str, object]]:
    """(file, what, how) for every file of a run folder: empty, truncated, another run's
    file, JSON nested thousands deep, and for JSON objects each key with each wrong type."""
    cases = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        name = path.name
        cases += [(name, "empty", lambda p: p.write_bytes(b"")),
                  (name, "truncated", _truncate),
                  (name, "nested", lambda p: p.write_text("[" * 100_000 + "]" * 100_000)),
                  (name, "binary", lambda p: p.write_bytes(bytes(range(256)) * 4))]
        if name.endswith(".json"):
            data = json.loads(path.read_text())
            keys = list(data) if isinstance(data, dict) else []
            for key in keys:
                for value in WRONG_TYPES:
                    cases.append((name, f"{key}={json.dumps(value)}",
                                  lambda p, k=key, v=value: _set_json(p, k, v)))
    return cases


def _full_run(store: RunStore, name: str):
    """The fixed onehot4 run with every file a trained run holds."""
    from rnntui import confusion
    from rnntui.runs.lock import _write_holder

    run = _copy(store, "onehot4", name)
    run.save_status(status="completed", epochs=1, quality={"accuracy": 1.0},
                    metrics={"loss": 1.0}, params=47, best_epoch=1, baselines={"chance": 0.2})
    assert call_main(["note", name, "a note", "--tags", "a,b"])[0] == 0
    (run.path / "samples.jsonl").write_text(json.dumps(
        {"epoch": 1, "lines": ["abcd→e"], "figures": {"right": 1.0}, "seconds": 0.1}) + "\n")
    counted = confusion.count(tuple("abcde"), False, np.eye(5), np.arange(5), "training")
    confusion.save(run.path, counted)
    _write_holder(run.path, "a test")
    return run


def _other_runs_files(store: RunStore, folder: Path) -> list[tuple[str, str, object]]:
    from tests.ui_host import fixed_run

    donor = store.root.parent / "donor"  # outside the store: not one of its runs
    shutil.copytree(fixed_run("embed4").path, donor)
    return [(p.name, "embed4's", lambda t, s=p: shutil.copy(s, t))
            for p in sorted(donor.iterdir()) if p.is_file() and (folder / p.name).exists()]


COMMANDS = [["runs"], ["predict", "{run}", "abcd"], ["gates", "{run}", "abcd"],
            ["export", "{run}"], ["export", "{run}", "--csv"], ["samples", "{run}"],
            ["note", "{run}"], ["compare", "onehot4", "--runs", "{run},good"],
            ["compare", "onehot4", "--runs", "all"], ["score", "{run}"]]


RUN_FILES = ["config.json", "history.jsonl", "model.keras", "vocab.json", "status.json",
             "notes.json", "samples.jsonl", "confusion.json", ".lock.holder"]


@pytest.mark.parametrize("damaged", RUN_FILES)
def test_every_file_damaged_every_way_through_every_reader(damaged, isolated_home):
    """Never a traceback; exit 0 or 2 with one line naming the run; the other run unaffected.
    Each damage goes through `runs`, `predict` and two more readers in turn, so every reader
    sees every file damaged several ways (all of them for each damage: ~1 s a damage on a
    2-core box). Resume, which loads Keras, is test_damaged_files_refuse_a_resume…."""
    store = RunStore()
    store.root.mkdir(parents=True)
    good = _full_run(store, "good")
    assert sorted(p.name for p in good.path.iterdir() if p.is_file()) == sorted(RUN_FILES)
    cases = [c for c in _corruptions(good.path) + _other_runs_files(store, good.path)
             if c[0] == damaged]
    assert len(cases) >= 4
    good_answer = call_main(["predict", "good", "abcd"])
    assert good_answer[0] == 0
    for n, (name, what, damage) in enumerate(cases):
        run = f"bad-{n}"
        shutil.copytree(good.path, store.root / run)
        damage(store.root / run / name)
        others = [COMMANDS[2 + (2 * n + k) % (len(COMMANDS) - 2)] for k in (0, 1)]
        for command in [COMMANDS[0], COMMANDS[1], *others]:
            args = [a.format(run=run) for a in command]
            code, out, err = call_main(args)
            context = f"{name} {what}: rnntui {' '.join(args)}"
            assert "Traceback" not in err + out, context
            assert code in (0, 2), (context, code, err)
            if code == 2:
                assert_clear_error(err, code)
                # names the run, or (compare --runs all) says how many it found and skipped
                assert run in err or "good" in err or "found 1" in err, (context, err)
        assert call_main(["predict", "good", "abcd"]) == good_answer, (name, what)
        code, out, _ = call_main(["runs"])
        assert code == 0 and "good  onehot4" in out, (name, what)
        shutil.rmtree(store.root / run)


def test_damaged_files_refuse_a_resume_with_the_file_named(isolated_home):
    from rnntui.engine import events as ev
    from rnntui.engine.train import train

    store = RunStore()
    store.root.mkdir(parents=True)
    good = _copy(store, "onehot4", "good")
    damages = {"model.keras": lambda p: _truncate(p), "vocab.json": lambda p: p.write_text("7"),
               "config.json": lambda p: _set_json(p, "source", "a string")}
    for n, (name, damage) in enumerate(damages.items()):
        run = f"bad-{n}"
        shutil.copytree(good.path, store.root / run)
        damage(store.root / run / name)
        try:
            result = train(store.open(run))
        except RunError as exc:  # refused on opening
            message = str(exc)
        else:
            assert isinstance(result, ev.TrainingFailed)
            message = result.message
        assert name in message or "model" in message, message
        assert "internal error" not in message, message


# -- 2. writers on a full or read-only disk ------------------------------------------------

def test_a_full_disk_for_each_writer_says_so_in_one_line(isolated_home, monkeypatch, tmp_path):
    from rnntui.runs import files

    store = RunStore()
    store.root.mkdir(parents=True)
    _copy(store, "onehot4", "good")
    before = {p.name: p.read_bytes() for p in (store.root / "good").iterdir() if p.is_file()}
    real_save = files.atomic_save

    def full(path, writer):
        def fill(tmp):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(path, fill)

    monkeypatch.setattr(files, "atomic_save", full)
    for args in (["note", "good", "a note"], ["export", "good", "--csv", "--out",
                                              str(tmp_path / "h.csv")],
                 ["rename", "good", "renamed"] if False else ["note", "good", "--tags", "x"]):
        code, out, err = call_main(args)
        assert_clear_error(err, code)
        assert "No space left on device" in err
    after = {p.name: p.read_bytes() for p in (store.root / "good").iterdir() if p.is_file()}
    assert after == before
    assert not list((store.root / "good").glob(".*.tmp*"))


def test_a_new_run_that_cannot_write_its_config_leaves_no_folder(isolated_home, monkeypatch):
    from rnntui.runs import store as store_module
    from rnntui.tasks import get_task

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "atomic_write", full)
    store = RunStore()
    with pytest.raises(RunError, match="No space left"):
        store.create("onehot4", get_task("onehot4").hparams({}))
    assert list(store.root.iterdir()) == []


def test_a_failed_write_names_the_file_and_is_an_oserror_too(tmp_path):
    from rnntui.runs import WriteFailed, atomic_write

    with pytest.raises(WriteFailed) as info:
        atomic_write(tmp_path / "no-such-folder" / "x.json", "{}")
    assert isinstance(info.value, OSError) and isinstance(info.value, RunError)
    assert str(info.value).startswith(f"cannot write {tmp_path}/no-such-folder/x.json (")


def test_event_files_that_fail_in_any_way_cost_a_warning_not_the_training(tmp_path):
    """With TensorFlow installed a full disk is tf.errors.ResourceExhaustedError, which is
    no OSError: it once stopped the training before epoch 1."""
    from rnntui.engine import events as ev
    from rnntui.engine.event_files import EventFiles, tee

    class ResourceExhaustedError(Exception):
        pass

    files = EventFiles(tmp_path / "tb", {}, "r")

    def exhausted(summary, step):
        raise ResourceExhaustedError("events.out.tfevents.1; No space left on device")

    files._add = exhausted
    seen = []
    emit = tee(seen.append, files)
    emit(ev.TrainingStarted(run="r", task="t", model="m", params=1, device="cpu", samples=1,
                            steps=1, initial_epoch=0, epochs=2))
    emit(ev.EpochEnded(1, {"loss": 1.0}, 0.1, 1.0))
    emit(ev.EpochEnded(2, {"loss": 0.5}, 0.1, 1.0))
    warnings = [e for e in seen if isinstance(e, ev.LogLine)]
    assert len(warnings) == 1 and "No space left on device" in warnings[0].text
    assert [type(e) for e in seen][1:] == [ev.TrainingStarted, ev.EpochEnded, ev.EpochEnded]


def test_an_unwritable_log_is_a_warning_and_the_null_device(isolated_home):
    from rnntui import paths

    (paths.data_dir() / "rnntui.log").mkdir(parents=True)
    assert paths.log_file() == Path(os.devnull)
    assert "Is a directory" in paths.log_file_problem()


def test_a_log_record_that_cannot_be_written_is_dropped_quietly(tmp_path, capsys):
    import logging

    from rnntui.engine import backend

    backend.route_logs(tmp_path / "log")
    handler = backend._LOG_HANDLER

    def broken(record):
        raise OSError(errno.EFBIG, "File too large")

    handler.emit = lambda record: handler.handleError(record)
    logging.getLogger("tensorflow").warning("chatter")
    assert "Logging error" not in capsys.readouterr().err
    handler.close()


# -- 7. streams and terminals ----------------------------------------------------------------

def _child(args, **kwargs):
    return subprocess.run([*RNNTUI, *args], capture_output=True, text=True, timeout=60,
                          **kwargs)


@pytest.mark.parametrize("how", ["closed", "full", "ascii", "size-limit"])
def test_an_output_that_cannot_be_written_is_one_line(how, isolated_home, tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "ascii" if how == "ascii" else "utf-8"}
    args = ["explain"]  # prints "·", no run needed
    if how == "closed":
        result = subprocess.run(["sh", "-c", f"exec {' '.join(RNNTUI)} explain >&-"],
                                capture_output=True, text=True, timeout=60, env=env)
        expected = "standard output is closed"
    elif how == "full":
        with open("/dev/full", "w") as full:
            result = subprocess.run([*RNNTUI, *args], stdout=full, stderr=subprocess.PIPE,
                                    text=True, timeout=60, env=env)
        expected = "cannot write the output (No space left on device)"
    elif how == "size-limit":
        with open(tmp_path / "out.txt", "w") as out:
            result = subprocess.run(
                [*RNNTUI, *args], stdout=out, stderr=subprocess.PIPE, text=True, timeout=60,
                env=env, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE,
                                                               (200, 200)))
        expected = "cannot write the output (File too large)"
    else:
        result = _child(args, env=env)
        assert result.returncode == 0, result.stderr
        assert "\\xb7" in result.stdout and "Traceback" not in result.stderr
        return
    assert_clear_error(result.stderr, result.returncode)
    assert expected in result.stderr


def test_the_app_refuses_a_stdin_that_is_no_terminal(isolated_home):
    result = subprocess.run(RNNTUI, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=60)
    assert_clear_error(result.stderr, result.returncode)
    assert "needs a terminal" in result.stderr and "\x1b" not in result.stdout


def test_escape_codes_in_notes_names_and_errors_are_shown_escaped(isolated_home):
    store = RunStore()
    store.root.mkdir(parents=True)
    _copy(store, "onehot4", "good")
    code, out, err = call_main(["note", "good", "red \x1b[31mtext\x1b[0m \x07", "--tags",
                                "t\x1b[2J"])
    assert code == 0 and "\x1b" not in out and "\\x1b[31m" in out and "\\x07" in out
    shutil.copytree(store.root / "good", store.root / "evil\x1b[2J")
    code, out, err = call_main(["runs"])
    assert code == 0 and "\x1b" not in out and "evil\\x1b[2J" in out
    code, out, err = call_main(["predict", "evil\x1b]0;x\x07", "abcd"])
    assert_clear_error(err, code)


# -- 9. small CLI edges ----------------------------------------------------------------------

def test_small_cli_edges(isolated_home, tmp_path):
    store = RunStore()
    store.root.mkdir(parents=True)
    good = _copy(store, "onehot4", "good")
    _copy(store, "onehot4", "other")
    # words after options
    code, out, err = call_main(["predict", "good", "--json", "abcd"])
    assert code == 0 and json.loads(out)["input"] == "abcd", err
    # --out dir/ is a folder, even one that does not exist yet
    code, out, err = call_main(["export", "good", "--out", str(tmp_path / "dir") + "/"])
    assert_clear_error(err, code)
    assert not (tmp_path / "dir").exists()
    # --out through a symlink writes its target and keeps the link
    target, link = tmp_path / "target.csv", tmp_path / "link.csv"
    target.write_text("old")
    link.symlink_to(target)
    code, out, err = call_main(["export", "good", "--csv", "--out", str(link)])
    assert code == 0 and link.is_symlink() and target.read_text().startswith("epoch,")
    # a run named twice, by name and by path, is one run
    code, out, err = call_main(["compare", "onehot4", "--runs", f"good,{good.path}"])
    assert_clear_error(err, code)
    assert "found 1" in err
    # --baseline by path, as --runs takes it
    code, out, err = call_main(["compare", "onehot4", "--runs", "good,other", "--json",
                                "--baseline", str(good.path)])
    assert code == 0 and json.loads(out)["baseline"] == "good", err
    # serve --host ''
    code, out, err = call_main(["serve", "--host", ""])
    assert_clear_error(err, code)
    # a format version that is a string is damage, not "newer"
    _set_json(good.path / "config.json", "version", "2")
    code, out, err = call_main(["predict", "good", "abcd"])
    assert_clear_error(err, code)
    assert "damaged" in err and "newer" not in err


def test_a_new_run_that_fails_inside_is_an_internal_error_and_is_not_kept(isolated_home,
                                                                          monkeypatch):
    from rnntui.engine import train as train_module

    def broken(self):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(train_module.Trainer, "fit", broken)
    code, out, err = call_main(["train", "onehot4", "--set", "epochs=1"])
    assert_clear_error(err, code)
    assert "internal error" in err and "ZeroDivisionError" in err
    assert list(RunStore().root.iterdir()) == []
    from rnntui import paths

    assert "ZeroDivisionError" in paths.log_file().read_text()


# -- 10. deep JSON ---------------------------------------------------------------------------

def test_json_nested_thousands_deep_is_refused_in_a_line(tmp_path):
    from rnntui.tasks import DataUnavailable
    from rnntui.tasks.corpus import read_poems
    from rnntui.tasks.imdb import load_word_index

    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(DataUnavailable, match="nested too deeply"):
        read_poems(deep)
    with pytest.raises(DataUnavailable, match="nested too deeply"):
        load_word_index(path=str(deep))


# -- 6. bad data -------------------------------------------------------------------------------

def _npz(path: Path, **changes) -> Path:
    x = np.empty(3, dtype=object)
    for i in range(3):
        x[i] = [1, 4, 5 + i]
    arrays = {"x_train": x, "y_train": np.array([0, 1, 0]), "x_test": x,
              "y_test": np.array([1, 0, 1])}
    arrays.update(changes)
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("change, named", [
    ({"y_train": np.array([0, 3, 1])}, "y_train[1] is 3"),
    ({"y_test": np.array([0.5, 0, 1])}, "y_test[0] is 0.5"),
    ({"x_train": np.array([[1, -2, 3]] * 3)}, "x_train[0] holds the word id -2"),
    ({"x_test": np.array([[1.5, 2.0, 3.0]] * 3)}, "x_test[0] must be a list of whole"),
])
def test_imdb_data_out_of_layout_is_refused_with_the_row(tmp_path, change, named):
    from rnntui.tasks import DataUnavailable
    from rnntui.tasks.imdb import load_npz

    with pytest.raises(DataUnavailable, match=named.replace("[", r"\[").replace("]", r"\]")):
        load_npz(_npz(tmp_path / "d.npz", **change))
    assert len(load_npz(_npz(tmp_path / "ok.npz"))[0]) == 3


def test_a_blank_row_in_a_series_is_refused_with_its_line(tmp_path):
    from rnntui.tasks import DataUnavailable
    from rnntui.tasks.sine import read_series

    rows = [str(i) for i in range(40)]
    path = tmp_path / "s.csv"
    path.write_text("v\n" + "\n".join(rows[:10]) + "\n\n" + "\n".join(rows[10:]) + "\n")
    with pytest.raises(DataUnavailable, match="line 12: a blank row"):
        read_series(path, "v")
    path.write_text("v\n" + "\n".join(rows) + "\n\n\n")  # blank lines at the end: none lost
    assert len(read_series(path, "v")) == 40


# -- 4. scoring in bounded memory ----------------------------------------------------------

def _poem_net(seed=0, v=9, e=3, u=4):
    from rnntui.nn import Network
    from rnntui.nn.cells import LSTMCell
    from rnntui.nn.layers import Dense, Embedding, Recurrent

    rng = np.random.default_rng(seed)
    cell = LSTMCell(rng.normal(0, 0.8, (e, 4 * u)), rng.normal(0, 0.8, (u, 4 * u)),
                    rng.normal(0, 0.5, 4 * u))
    return Network([Embedding("emb", rng.normal(0, 1, (v, e))), Recurrent("lstm", cell, True),
                    Dense("out", rng.normal(0, 1, (u, v)), rng.normal(0, 1, v), "softmax")])


def test_a_sequence_read_in_pieces_gives_the_whole_sequences_outputs():
    net = _poem_net()
    ids = np.random.default_rng(1).integers(0, 9, (2, 23))
    whole = net.forward(ids)
    state, pieces = None, []
    for first in range(0, 23, 5):
        out, state = net.forward_piece(ids[:, first:first + 5], state)
        pieces.append(out)
    np.testing.assert_allclose(np.concatenate(pieces, axis=1), whole, atol=1e-12)


def test_scoring_in_small_batches_and_pieces_gives_the_same_likelihood():
    from rnntui.poetry.scoring import network_log_likelihood

    net = _poem_net()
    rng = np.random.default_rng(2)
    poems = [list(rng.integers(1, 9, n)) for n in [5] * 40 + [12] * 7 + [300, 301]]
    whole = network_log_likelihood(net.forward, poems, 0)
    seen = []

    def predict(seqs):
        seen.append(seqs.size * 9)
        return net.forward(seqs)

    cut = network_log_likelihood(predict, poems, 0, vocab_size=9, piece=net.forward_piece,
                                 budget=9 * 30)
    assert cut[1] == whole[1] and cut[0] == pytest.approx(whole[0], rel=1e-12)
    assert max(seen) <= 9 * 30  # every batch held at most the budget
    from rnntui.poetry.scoring import mirror_log_likelihood

    heads = []
    head = net.body[-1]
    real_forward = head.forward
    head.forward = lambda x, cache=None: (heads.append(x.shape[0]), real_forward(x))[1]
    streamed = mirror_log_likelihood(net, poems, 0, budget=40)  # 40 // (4 × 4 units): 2 steps
    assert streamed[1] == whole[1] and streamed[0] == pytest.approx(whole[0], rel=1e-12)
    assert max(heads) <= 40 // 9


# -- 5. TensorBoard after an early stop and a resume ---------------------------------------

def test_tensorboard_keeps_every_epoch_marks_the_kept_one_and_a_resume_replaces_the_rest(
        tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from rnntui.engine import events as ev
    from rnntui.engine.event_files import KEPT_TAG, EventFiles

    folder = tmp_path / "tb"

    def session(start, end, kept=None):
        files = EventFiles(folder, {"units": 3}, "r")
        files(ev.TrainingStarted(run="r", task="t", model="m", params=1, device="cpu",
                                 samples=4, steps=2, initial_epoch=start, epochs=end))
        for epoch in range(start + 1, end + 1):
            for batch in (1, 2):
                files(ev.BatchEnded(epoch, batch, 2, loss=10 * epoch + batch,
                                    samples_per_second=1.0, eta_seconds=0.0))
            files(ev.EpochEnded(epoch, {"loss": float(epoch), "val_loss": float(epoch)}, 0.1,
                                1.0))
        files(ev.TrainingFinished("completed", kept or end, {}, best_epoch=kept,
                                  trained_epochs=end))

    def scalars():
        acc = EventAccumulator(str(folder), size_guidance={"scalars": 0, "tensors": 0})
        acc.Reload()
        return {tag: [(s.step, s.value) for s in acc.Scalars(tag)]
                for tag in acc.Tags()["scalars"]}

    session(0, 5, kept=3)  # early stop: 5 trained, 3 kept
    first = scalars()
    assert [s for s, _ in first["epoch/loss"]] == [1, 2, 3, 4, 5]  # every epoch trained
    assert first[KEPT_TAG] == [(3, 3.0)]
    session(3, 6)  # resumed from the kept epoch
    after = scalars()
    assert [s for s, _ in after["epoch/loss"]] == [1, 2, 3, 4, 5, 6]  # each once
    assert [v for _, v in after["epoch/loss"]] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert [s for s, _ in after["batch/loss"]] == list(range(1, 13))
    assert KEPT_TAG not in after  # the new session kept its last epoch


def test_a_corpus_too_small_to_hold_poems_out_says_where_its_perplexity_comes_from(tmp_path):
    from rnntui.tasks import DataSource, get_task

    corpus = tmp_path / "three.txt"
    corpus.write_text("\n".join(["白日依山尽，黄河入海流。欲穷千里目，更上一层楼。",
                                 "床前明月光，疑是地上霜。举头望明月，低头思故乡。",
                                 "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。"]),
                      encoding="utf-8")
    task = get_task("poems")
    data = task.load(task.hparams({"seq_len": 8}), DataSource(corpus=str(corpus)))
    assert data.x_test is None
    assert any("perplexity reported is on the training windows" in note for note in data.notes)
    assert "perplexity reported is on the training windows" in data.figure_note
    # ... and the result line says it too, not only the log
    from rnntui.engine.train import train
    from rnntui.runs import RunStore

    hp = task.hparams({"seq_len": 8, "units": 4, "embedding_dim": 4, "epochs": 1,
                       "log_gradients": False})
    run = RunStore().create("poems", hp, source=DataSource(corpus=str(corpus)))
    result = train(run)
    assert result.quality and "on the training windows" in result.message
    assert "on the training windows" in run.status().message
