"""TensorBoard event files: written from the engine's events, read back with TensorBoard's own
reader, equal to the run's history; a resumed run continues the same curves."""

from __future__ import annotations

import pytest

from rnntui.engine import events as ev
from rnntui.engine.event_files import BATCH_LOSS_TAG, FOLDER, EventFiles, tee
from rnntui.runs import RunStore
from rnntui.tasks import get_task


def _scalars(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(folder), size_guidance={"scalars": 0, "tensors": 0})
    acc.Reload()
    return acc, {tag: [(s.step, s.value) for s in acc.Scalars(tag)]
                 for tag in acc.Tags()["scalars"]}


def _fake_training(files, *, start=0, epochs=3, steps=2):
    files(ev.TrainingStarted(run="r", task="onehot4", model="m", params=1, device="cpu",
                             samples=4, steps=steps, initial_epoch=start, epochs=epochs))
    for epoch in range(start + 1, epochs + 1):
        for batch in (1, 2):
            files(ev.BatchEnded(epoch, batch, steps, loss=1.0 / (epoch * batch),
                                samples_per_second=1.0, eta_seconds=0.0))
        files(ev.EpochEnded(epoch, {"loss": 1.0 / epoch, "accuracy": epoch / 10}, 0.1, 1.0))
    files(ev.TrainingFinished("completed", epochs, {}))


def test_epochs_batches_learning_rate_and_hparams(tmp_path):
    folder = tmp_path / "tb"
    _fake_training(EventFiles(folder, {"units": 8, "learning_rate": 0.01, "cell": "lstm"}, "r1"))
    acc, scalars = _scalars(folder)
    assert scalars["epoch/loss"] == [(1, 1.0), (2, 0.5), (3, pytest.approx(1 / 3))]
    assert [v for _, v in scalars["epoch/accuracy"]] == pytest.approx([0.1, 0.2, 0.3])
    assert [v for _, v in scalars["epoch/learning_rate"]] == pytest.approx([0.01] * 3)
    # the batch loss is stepped by batches: epoch 2's second batch is step 4
    assert dict(scalars[BATCH_LOSS_TAG])[4] == pytest.approx(0.25)
    from tensorboard.plugins.hparams import metadata

    contents = acc.PluginTagToContent(metadata.PLUGIN_NAME)
    start = metadata.parse_session_start_info_plugin_data(
        contents[metadata.SESSION_START_INFO_TAG])
    assert start.hparams["units"].number_value == 8
    assert start.hparams["cell"].string_value == "lstm"
    assert start.group_name == "r1"


def test_a_resumed_run_continues_the_same_curve(tmp_path):
    folder = tmp_path / "tb"
    _fake_training(EventFiles(folder, {}, "r"), epochs=2)
    _fake_training(EventFiles(folder, {}, "r"), start=2, epochs=4)
    _, scalars = _scalars(folder)
    assert [step for step, _ in scalars["epoch/loss"]] == [1, 2, 3, 4]


def test_a_folder_that_cannot_be_written_costs_the_files_not_the_training(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    files = EventFiles(blocker / "tb", {}, "r")
    seen = []
    emit = tee(seen.append, files)
    emit(ev.TrainingStarted(run="r", task="t", model="m", params=1, device="cpu", samples=1,
                            steps=1, initial_epoch=0, epochs=1))
    emit(ev.EpochEnded(1, {"loss": 1.0}, 0.1, 1.0))
    assert files.failed
    assert [type(e) for e in seen] == [ev.LogLine, ev.TrainingStarted, ev.EpochEnded]
    assert seen[0].level == "warning" and "TensorBoard" in seen[0].text


@pytest.mark.slow
def test_a_trained_run_has_event_files_equal_to_its_history(tmp_path):
    from rnntui.engine.train import train

    task = get_task("onehot4")
    run = RunStore().create("onehot4", task.hparams({"epochs": 3}))
    assert isinstance(train(run), ev.TrainingFinished)
    _, scalars = _scalars(run.path / FOLDER)
    history = run.history()
    assert [step for step, _ in scalars["epoch/loss"]] == [1, 2, 3]
    assert [v for _, v in scalars["epoch/loss"]] == pytest.approx([h["loss"] for h in history])
