"""Real Keras training on tiny data: every task, resume, stop, NaN, parameter counts."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from rnntui.architecture import count_params, plan_model
from rnntui.engine import events as ev
from rnntui.engine.control import TrainControl
from rnntui.engine.model import build_model, load_checkpoint
from rnntui.engine.train import Trainer, train
from rnntui.runs import RunStore
from rnntui.tasks.corpus import read_poems
from rnntui.tasks import DataSource, get_task

from tests.test_tasks import _write_imdb

# Real Keras training in every test (the fast lane, -m 'not slow', skips them).
pytestmark = pytest.mark.slow

TINY = {
    "onehot1": {},
    "onehot4": {},
    "embed4": {},
    "sine": {"batch_size": 2048, "units": 4},
    "imdb": {"num_words": 500, "seq_len": 20, "units": 4, "embedding_dim": 4},
    "poems": {"units": 8, "embedding_dim": 4, "seq_len": 8},
    "recall": {"units": 4, "seq_len": 6, "batch_size": 512},
}


def _source(task_id, tmp_path):
    if task_id == "imdb":
        return DataSource(data=str(_write_imdb(tmp_path / "tiny.npz")))
    if task_id == "poems":
        corpus = tmp_path / "poems.txt"
        # distinct poems: exact duplicates are removed before the split
        corpus.write_text("\n".join(read_poems()[:20]), encoding="utf-8")
        return DataSource(corpus=str(corpus))
    return DataSource()


def _make_run(task_id, tmp_path, epochs=2, **extra):
    task = get_task(task_id)
    hp = task.hparams({**TINY[task_id], "epochs": epochs, **extra})
    return RunStore().create(task_id, hp, _source(task_id, tmp_path))


@pytest.mark.parametrize("task_id", list(TINY))
def test_two_epochs_of_every_task(task_id, tmp_path):
    run = _make_run(task_id, tmp_path, patience=0)  # both epochs kept (see test_best_epoch)
    seen = []
    result = train(run, emit=seen.append)
    assert isinstance(result, ev.TrainingFinished), result
    assert result.status == "completed" and result.epochs == 2
    epochs = [e for e in seen if isinstance(e, ev.EpochEnded)]
    assert [e.epoch for e in epochs] == [1, 2]
    assert all(math.isfinite(v) for v in epochs[-1].metrics.values())
    started = next(e for e in seen if isinstance(e, ev.TrainingStarted))
    assert started.params > 0 and started.steps >= 1
    if task_id in ("sine", "imdb", "poems", "recall"):
        assert "val_loss" in epochs[-1].metrics
    quality = get_task(task_id).quality.name
    assert quality in result.quality and math.isfinite(result.quality[quality])
    assert run.epochs_done == 2 and len(run.history()) == 2
    assert (run.vocab() is not None) == (task_id not in ("sine", "imdb"))
    assert run.status().status == "completed"
    # measured in the same run, on the same split as the quality figure
    if task_id in ("sine", "imdb", "recall"):
        assert result.baselines
    assert run.status().baselines == result.baselines
    assert all(math.isfinite(v) for v in result.baselines.values())
    # a sample an epoch (rnntui.engine.samples); a confusion matrix for a classifier
    sampled = [e for e in seen if isinstance(e, ev.EpochSampled)]
    assert [e.epoch for e in sampled] == [1, 2] and all(e.lines for e in sampled)
    classes = get_task(task_id).classes(run.hparams)
    assert (result.confusion is not None) == (classes is not None)
    if classes is not None:
        assert result.confusion["classes"] == list(classes.names)


def test_resume_continues_epochs_history_and_optimizer(tmp_path):
    run = _make_run("onehot4", tmp_path, epochs=3)
    train(run)
    first = run.history()
    run.set_epochs(5)
    resumed = RunStore().open(run.name)
    seen = []
    train(resumed, emit=seen.append)
    started = next(e for e in seen if isinstance(e, ev.TrainingStarted))
    assert started.initial_epoch == 3 and len(started.history) == 3
    assert [e.epoch for e in seen if isinstance(e, ev.EpochEnded)] == [4, 5]
    assert resumed.history()[:3] == first and resumed.epochs_done == 5
    model = load_checkpoint(resumed.model_path)
    assert int(model.optimizer.iterations.numpy()) == 5  # one batch per epoch, none lost


def test_stop_keeps_the_last_complete_epoch(tmp_path):
    run = _make_run("sine", tmp_path, epochs=10, batch_size=512)
    control = TrainControl()

    def emit(event):
        # asked at the end of epoch 2, the stop lands after epoch 3's first batch (of 20)
        if isinstance(event, ev.EpochEnded) and event.epoch == 2:
            control.stop()

    result = train(run, emit=emit, control=control)
    assert result.status == "stopped" and result.epochs == 2
    assert "--resume" in result.message and run.epochs_done == 2
    assert run.status().status == "stopped"


def test_pause_holds_training_until_resumed(tmp_path):
    run = _make_run("onehot4", tmp_path, epochs=3)
    control = TrainControl()
    control.pause()
    timer = threading.Timer(0.5, control.resume)
    timer.start()
    result = train(run, control=control)
    timer.join()
    assert result.status == "completed" and result.epochs == 3


def test_nan_stops_and_keeps_the_last_good_epoch(tmp_path, monkeypatch):
    run = _make_run("sine", tmp_path, epochs=1, batch_size=1024)
    train(run)
    good = [w.copy() for w in load_checkpoint(run.model_path).get_weights()]
    run.set_epochs(3)
    original = Trainer.after_batch

    def poisoned(self, model, batch, logs):
        if len(self.history) == 1 and batch == 2:
            logs = {**logs, "loss": float("nan")}
        original(self, model, batch, logs)

    monkeypatch.setattr(Trainer, "after_batch", poisoned)
    result = train(RunStore().open(run.name))
    assert result.status == "nan" and result.epochs == 1
    assert "loss became nan at epoch 2, batch 3" in result.message
    assert "learning_rate=" in result.message
    after = load_checkpoint(run.model_path).get_weights()
    for a, b in zip(good, after):
        np.testing.assert_array_equal(a, b)


def test_exploding_learning_rate_saves_nothing_broken(tmp_path):
    run = _make_run("sine", tmp_path, epochs=2, batch_size=512, optimizer="sgd",
                    learning_rate=10)
    result = train(run)
    assert result.status == "nan" and result.epochs == 0
    assert "no epoch had completed" in result.message and not run.has_checkpoint


@pytest.mark.parametrize("task_id, extra", [
    ("onehot4", {"cell": "lstm", "layers": 2, "bidirectional": True}),
    ("embed4", {"cell": "gru", "units": 7}),
    ("sine", {"cell": "simple", "layers": 3}),
    ("imdb", {"cell": "simple", "num_words": 100, "seq_len": 10}),
    ("poems", {"units": 16, "embedding_dim": 0, "seq_len": 6}),
])
def test_planned_parameter_count_equals_keras(task_id, extra):
    task = get_task(task_id)
    hp = task.hparams(extra)
    spec = task.model_spec(hp)
    model = build_model(spec, hp)
    assert count_params(plan_model(spec, hp)) == model.count_params()
    assert task.preview(hp)[1] == model.count_params()


def test_data_errors_propagate_for_the_caller(tmp_path):
    task = get_task("imdb")
    run = RunStore().create("imdb", task.hparams(), DataSource(data=str(tmp_path / "no.npz")))
    from rnntui.tasks import DataUnavailable

    with pytest.raises(DataUnavailable, match="no such file"):
        train(run)


def test_eta_speed_leaves_out_compiling_and_pauses(tmp_path):
    # A 14 s run once showed an ETA of 2 min 23 s: the speed was averaged from the session's
    # start, the first batch's compiling included, and paused time counted too.
    run = _make_run("onehot4", tmp_path)
    trainer = Trainer(run, lambda event: None, TrainControl())
    trainer.session_started = 0.0
    trainer.samples_done_this_session = 32
    trainer.rate_from = (10.0, 32)  # the first batch ended 10 s in: compiling
    trainer.samples_done_this_session = 32 * 11
    trainer.paused_seconds = 5.0
    assert trainer.speed(20.0) == pytest.approx(320 / 5)  # not 352 / 20


def test_a_run_whose_data_now_gives_another_vocabulary_is_not_trained_on(tmp_path):
    # Its ids would mean other characters (a changed corpus, or a run from before the poems'
    # vocabulary cut moved from 2 to 5 occurrences): refused in one line, nothing trained.
    run = _make_run("poems", tmp_path, epochs=1)
    assert isinstance(train(run), ev.TrainingFinished)
    vocab = run.vocab()
    run.save_vocab([*vocab[:2], *reversed(vocab[2:])])
    result = train(run)
    assert isinstance(result, ev.TrainingFailed)
    assert "its data now gives another vocabulary" in result.message
    assert len(run.history()) == 1
