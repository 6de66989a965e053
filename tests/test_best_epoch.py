"""Keep the best epoch (patience), and flag a loss that explodes: real Keras on tiny data,
with the validation losses (or training losses) set by the test so the outcome is fixed."""

from __future__ import annotations

import numpy as np
import pytest

from rnntui.engine import events as ev
from rnntui.engine.model import load_checkpoint
from rnntui.engine.train import Trainer, train
from rnntui.runs import RunStore
from rnntui.tasks import get_task

pytestmark = pytest.mark.slow

TINY_SINE = {"units": 4, "layers": 1, "batch_size": 2048}


def _sine_run(**extra):
    task = get_task("sine")
    return RunStore().create("sine", task.hparams({**TINY_SINE, **extra}))


def _scripted(monkeypatch, key, values, weights=None):
    """Make epoch n report values[n - 1] under `key`; note each epoch's weights."""
    original = Trainer.after_epoch

    def after_epoch(self, model, epoch, logs):
        logs = {**logs, key: values[epoch]}
        if weights is not None:
            weights[epoch + 1] = [w.copy() for w in model.get_weights()]
        original(self, model, epoch, logs)

    monkeypatch.setattr(Trainer, "after_epoch", after_epoch)


def _board(run) -> dict[str, list[tuple[int, float]]]:
    """The run's event files through TensorBoard's own reader: tag → [(step, value)]."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from rnntui.engine.event_files import FOLDER

    acc = EventAccumulator(str(run.path / FOLDER), size_guidance={"scalars": 0})
    acc.Reload()
    return {tag: [(s.step, s.value) for s in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def test_patience_stops_and_keeps_the_best_epoch(monkeypatch):
    weights = {}
    _scripted(monkeypatch, "val_loss", [1.0, 0.5, 0.7, 0.8, 0.9, 1.0], weights)
    run = _sine_run(epochs=6, patience=2)
    seen = []
    result = train(run, emit=seen.append)
    assert result.status == "completed" and result.stopped_early
    assert result.best_epoch == 2 and result.epochs == 2 and result.trained_epochs == 4
    assert result.metrics["val_loss"] == 0.5  # the kept epoch's figures
    assert "validation loss rising since epoch 3: overfitting" in result.message
    warnings = [e.text for e in seen if isinstance(e, ev.LogLine) and e.level == "warning"]
    assert any("rising since epoch 3" in w and "keeping epoch 2" in w for w in warnings)
    # the model and history on disk are the kept epoch's, so a resume goes on from it
    assert [h["val_loss"] for h in run.history()] == [1.0, 0.5]
    for a, b in zip(weights[2], load_checkpoint(run.model_path).get_weights()):
        np.testing.assert_array_equal(a, b)
    status = run.status()
    assert status.best_epoch == 2 and status.stopped_early is True
    assert status.metrics["val_loss"] == min(h["val_loss"] for h in run.history())
    # TensorBoard keeps every epoch trained (the rise is the lesson) and marks the kept one
    board = _board(run)
    assert [step for step, _ in board["epoch/val_loss"]] == [1, 2, 3, 4]
    assert [v for _, v in board["epoch/val_loss"]] == pytest.approx([1.0, 0.5, 0.7, 0.8])
    assert board["epoch/kept"] == [(2, 2.0)]
    # ... and so does the run's own history, for people, scripts and the CSV (issue 22 §5)
    assert [h["val_loss"] for h in run.trained_history()] == [1.0, 0.5, 0.7, 0.8]
    from rnntui.runs.history_csv import run_history_csv

    rows = [line.split(",") for line in run_history_csv(run).splitlines()]
    assert rows[0][0] == "epoch" and rows[0][-1] == "kept"
    assert [(r[0], r[-1]) for r in rows[1:]] == [("1", "0"), ("2", "1"), ("3", "0"), ("4", "0")]


def test_patience_zero_trains_every_epoch_and_keeps_the_last(monkeypatch):
    _scripted(monkeypatch, "val_loss", [1.0, 0.5, 0.7])
    run = _sine_run(epochs=3, patience=0)
    result = train(run)
    assert result.epochs == 3 and result.best_epoch is None and not result.stopped_early
    assert len(run.history()) == 3
    # the free-running forecast is measured beside the one-step RMSE, over 200 steps
    assert 0 < result.quality["rmse_free"] < 10 and set(result.baselines) == {
        "last value", "AR(60)"}


def test_without_stopping_the_best_epoch_is_still_the_one_kept(monkeypatch):
    _scripted(monkeypatch, "val_loss", [1.0, 0.4, 0.6])
    run = _sine_run(epochs=3, patience=5)
    result = train(run)
    assert not result.stopped_early and result.best_epoch == 2 and result.epochs == 2
    assert result.message == "validation loss lowest at epoch 2 of 3: epoch 2 kept"


def test_resume_after_an_early_stop_goes_on_from_the_kept_epoch(monkeypatch):
    _scripted(monkeypatch, "val_loss", [1.0, 0.5, 0.7, 0.8, 0.4, 0.3])
    run = _sine_run(epochs=4, patience=2)
    assert train(run).epochs == 2
    run.set_epochs(4)
    seen = []
    result = train(RunStore().open(run.name), emit=seen.append)
    assert [e.epoch for e in seen if isinstance(e, ev.EpochEnded)] == [3, 4]
    # epochs 3 and 4 now report 0.7 and 0.8 again: worse than the kept 0.5
    assert result.best_epoch == 2 and len(run.history()) == 2
    # the resume replaced the first session's epochs 3 and 4: each step once, one mark
    board = _board(run)
    assert [step for step, _ in board["epoch/val_loss"]] == [1, 2, 3, 4]
    assert board["epoch/kept"] == [(2, 2.0)]
    # the history tells the same story: the second session's epochs 3 and 4, once each
    trained = RunStore().open(run.name).trained_history()
    assert [h["val_loss"] for h in trained] == [1.0, 0.5, 0.7, 0.8]
    assert [v for _, v in board["epoch/val_loss"]] == pytest.approx([1.0, 0.5, 0.7, 0.8])


def test_an_exploding_loss_is_called_diverged_with_the_rate_to_lower(monkeypatch):
    _scripted(monkeypatch, "loss", [2.0, 8.0, 50.0])
    run = _sine_run(epochs=3, patience=0, learning_rate=0.05)
    result = train(run)
    assert result.status == "diverged"
    assert "to 50 (epoch 3)" in result.message and "learning_rate=0.005" in result.message
    assert run.status().status == "diverged"


def test_a_diverged_run_keeps_its_best_epoch_without_a_patience(monkeypatch):
    # issue 21 §3: a SimpleRNN at its best at epoch 9 that explodes at epoch 38 kept the
    # wreck of epoch 40; with validation data the best epoch is kept, patience or not.
    weights = {}
    _scripted(monkeypatch, "val_loss", [1.0, 0.4, 0.6, 0.9], weights)
    _scripted(monkeypatch, "loss", [2.0, 1.0, 8.0, 50.0])
    run = _sine_run(epochs=4, patience=0, learning_rate=0.05)
    result = train(run)
    assert result.status == "diverged"
    assert (result.best_epoch, result.epochs, result.trained_epochs) == (2, 2, 4)
    assert "diverged at epoch 3" in result.message
    assert "the best epoch (2) is kept" in result.message
    assert result.metrics["val_loss"] == 0.4
    assert [h["val_loss"] for h in run.history()] == [1.0, 0.4]
    for a, b in zip(weights[2], load_checkpoint(run.model_path).get_weights()):
        np.testing.assert_array_equal(a, b)
    status = run.status()
    assert (status.status, status.best_epoch, status.epochs, status.trained_epochs) == (
        "diverged", 2, 2, 4)


def test_a_nan_run_with_validation_keeps_its_best_epoch(monkeypatch):
    _scripted(monkeypatch, "val_loss", [1.0, 0.4, 0.6, float("nan")])
    run = _sine_run(epochs=4, patience=0)
    result = train(run)
    assert result.status == "nan" and result.best_epoch == 2 and result.epochs == 2
    assert "the best epoch (2) is kept" in result.message
    assert len(run.history()) == 2


def test_diverged_at_is_the_first_epoch_past_the_line():
    from rnntui.engine.train import diverged_at

    assert diverged_at(1.6, [1.2, 0.5, 0.1, 0.05]) is None
    assert diverged_at(1.6, [1.0, 0.3, 0.35, 5.0, 9.0, 50.0]) == 4
    assert diverged_at(1.6, [3.0, 20.0, 50.0]) == 2  # above 1.5 × the start after epoch 1


def test_train_json_and_compare_carry_baselines_and_the_standing(capsys):
    from rnntui.cli import main

    tiny = ["--set", "units=4", "--set", "seq_len=4", "--set", "batch_size=1024"]
    assert main(["train", "recall", *tiny, "--epochs", "1", "--json"]) == 0
    import json

    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["baselines"]["chance"] == 0.125
    assert "best rule without the first letter" in out["baselines"]
    assert out["best_epoch"] is None and out["stopped_early"] is False
    assert main(["compare", "recall", "--cells", "simple,gru", *tiny, "--epochs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    standing = [line for line in lines if " vs chance 0.125: " in line]
    assert [line.split()[0] for line in standing] == ["SimpleRNN", "GRU"]
