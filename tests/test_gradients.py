"""Issue 24's gradients: clipping and schedules in the schema and the optimizer, the learning
rate per epoch in the history, per-batch gradient norms (equal to the backend's own
gradients) kept in the run and TensorBoard, and the gradient through time checked against
finite differences and against the model's own pass."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnntui.config import ConfigError
from rnntui.engine import events as ev
from rnntui.engine.event_files import GRAD_TAG, EventFiles
from rnntui.engine.gradients import EpochNorms, append_norms, batch_points, read_norms
from rnntui.engine.schedule import learning_rate_at, plateau_cuts
from rnntui.tasks import get_task


# -- the schema ------------------------------------------------------------------------------
def test_clipping_and_schedule_are_hyperparameters_with_clear_refusals():
    task = get_task("recall")
    hp = task.hparams()
    assert (hp.clipnorm, hp.clipvalue, hp.lr_schedule) == (None, None, "constant")
    assert task.hparams({"clipnorm": "1.5"}).clipnorm == 1.5
    assert task.hparams({"clipnorm": "off"}).clipnorm is None
    with pytest.raises(ConfigError) as refused:
        task.hparams({"clipnorm": "0"})
    assert refused.value.key == "clipnorm"
    assert str(refused.value) == ("clipnorm=0: must be a number greater than 0 and at most "
                                  "1000000, or off")
    with pytest.raises(ConfigError, match="clipnorm=-1: must be"):
        task.hparams({"clipnorm": "-1"})
    with pytest.raises(ConfigError) as both:
        task.hparams({"clipnorm": "1", "clipvalue": "0.5"})
    assert both.value.key == "clipvalue" and "not both" in str(both.value)
    with pytest.raises(ConfigError, match=r"lr_decay=1.5: must be a number greater than 0"):
        task.hparams({"lr_schedule": "exponential", "lr_decay": "1.5"})
    with pytest.raises(ConfigError, match="lr_patience=0: must be a whole number from 1"):
        task.hparams({"lr_patience": "0"})
    with pytest.raises(ConfigError, match="lr_schedule=step: must be one of constant, cosine"):
        task.hparams({"lr_schedule": "step"})


def test_a_run_saved_before_the_new_keys_reads_them_as_their_defaults():
    task = get_task("onehot4")
    old = {k: v for k, v in task.hparams().to_dict().items()
           if k not in ("clipnorm", "clipvalue", "lr_schedule", "lr_decay", "lr_patience",
                        "log_gradients")}
    hp = task.hparams(old)
    assert hp.clipnorm is None and hp.lr_schedule == "constant" and hp.log_gradients is True


def test_the_optimizer_clips_as_asked():
    from rnntui.engine.model import make_optimizer

    task = get_task("onehot4")
    assert make_optimizer(task.hparams({"clipnorm": "2"})).clipnorm == 2
    assert make_optimizer(task.hparams({"clipvalue": "0.1"})).clipvalue == pytest.approx(0.1)
    assert make_optimizer(task.hparams()).clipnorm is None


# -- schedules -------------------------------------------------------------------------------
def test_schedules_epoch_by_epoch():
    hp = {"learning_rate": 0.1, "epochs": 4, "lr_decay": 0.5, "lr_patience": 2}
    assert [learning_rate_at({**hp, "lr_schedule": "constant"}, e) for e in range(3)] == [0.1] * 3
    assert [learning_rate_at({**hp, "lr_schedule": "exponential"}, e) for e in range(3)] == \
        pytest.approx([0.1, 0.05, 0.025])
    cosine = [learning_rate_at({**hp, "lr_schedule": "cosine"}, e) for e in range(4)]
    assert cosine == pytest.approx([0.1 * 0.5 * (1 + math.cos(math.pi * e / 4))
                                    for e in range(4)])
    assert cosine[-1] > 0
    # plateau: val_loss (else loss) not better for 2 epochs → one cut, the wait starts again
    history = [{"loss": 9, "val_loss": 1.0}, {"val_loss": 1.0}, {"val_loss": 1.2},
               {"val_loss": 0.5}, {"val_loss": 0.6}, {"val_loss": 0.6}]
    assert [plateau_cuts(history[:n], 2) for n in range(7)] == [0, 0, 0, 1, 1, 1, 2]
    assert learning_rate_at({**hp, "lr_schedule": "plateau"}, 6, history) == pytest.approx(0.025)
    assert plateau_cuts([{"loss": 3}, {"loss": 3}, {"loss": 3}], 2) == 1  # no validation


# -- norms kept and written -----------------------------------------------------------------
def test_norms_file_keeps_the_newest_line_of_an_epoch_and_cuts_to_the_kept_epochs(tmp_path):
    append_norms(tmp_path, EpochNorms(1, {"global": [1.0, 2.0]}))
    append_norms(tmp_path, EpochNorms(2, {"global": [3.0]}))
    append_norms(tmp_path, EpochNorms(2, {"global": [4.0, float("nan")]}))
    (tmp_path / "gradients.jsonl").open("a").write("{broken\n")
    kept = read_norms(tmp_path)
    assert [r.epoch for r in kept] == [1, 2] and kept[1].global_norms[0] == 4.0
    assert [r.epoch for r in read_norms(tmp_path, epochs=1)] == [1]
    assert batch_points(kept) == [(0.5, 1.0), (1.0, 2.0), (1.5, 4.0)]


def test_event_files_get_every_batch_norm(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    files = EventFiles(tmp_path, {}, "r")
    files(ev.TrainingStarted(run="r", task="onehot4", model="m", params=1, device="cpu",
                             samples=4, steps=3, initial_epoch=0, epochs=2))
    for epoch in (1, 2):
        files(ev.GradientsRecorded(epoch, 3, {"global": [epoch, epoch + 0.5, epoch + 0.25],
                                              "rnn_1/kernel": [0.1, 0.2, 0.3]}))
    files(ev.TrainingFinished("completed", 2, {}))
    acc = EventAccumulator(str(tmp_path), size_guidance={"scalars": 0})
    acc.Reload()
    steps = [(s.step, s.value) for s in acc.Scalars(GRAD_TAG.format("global"))]
    assert steps == [(1, 1.0), (2, 1.5), (3, 1.25), (4, 2.0), (5, 2.5), (6, 2.25)]
    assert len(acc.Scalars(GRAD_TAG.format("rnn_1/kernel"))) == 6


# -- with Keras ------------------------------------------------------------------------------
def _tiny(keras, cell: str, bidirectional: bool = False, seq: bool = False):
    keras.utils.set_random_seed(3)
    first = getattr(keras.layers, cell)(2, return_sequences=True, name="rnn_1")
    if bidirectional:
        first = keras.layers.Bidirectional(first, name="rnn_1_bi")
    model = keras.Sequential([
        keras.Input((6, 2)), first,
        getattr(keras.layers, cell)(2, return_sequences=seq, name="rnn_2"),
        keras.layers.Dense(4, activation="softmax", name="output")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    return model


@pytest.mark.parametrize("cell,bidirectional,seq", [
    ("SimpleRNN", False, False), ("LSTM", False, True), ("GRU", True, False)])
def test_gradient_through_time_equals_finite_differences(cell, bidirectional, seq):
    from rnntui.engine.backend import import_keras
    from rnntui.engine.through_time import (forward, gradient_through_time, last_step_loss,
                                            recurrent_widths)

    keras = import_keras()
    model = _tiny(keras, cell, bidirectional, seq)
    x = np.random.RandomState(0).randn(1, 6, 2).astype("float32")
    y = np.array([[0, 1, 2, 3, 0, 2]]) if seq else np.array([2])
    widths = [w for _, w in recurrent_widths(keras, model)]
    zeros = [np.zeros((1, 6, w), "float32") for w in widths]
    ops = keras.ops
    # δ = 0 is the model's own pass
    out = forward(keras, model, ops.convert_to_tensor(x), [ops.convert_to_tensor(z) for z in zeros])
    np.testing.assert_allclose(np.asarray(out), model.predict(x, verbose=0), atol=1e-6)

    def loss(deltas):
        return float(last_step_loss(keras, model, forward(
            keras, model, ops.convert_to_tensor(x), [ops.convert_to_tensor(d) for d in deltas]),
            y))

    result = gradient_through_time(model, x, y)
    assert result.steps == 6 and len(result.layers) == 2
    assert result.loss == pytest.approx(loss(zeros), rel=1e-5)
    eps = 1e-2
    for k, width in enumerate(widths):
        numeric = np.zeros((6, width))
        for t in range(6):
            for i in range(width):
                up = [z.copy() for z in zeros]
                down = [z.copy() for z in zeros]
                up[k][0, t, i] += eps
                down[k][0, t, i] -= eps
                numeric[t, i] = (loss(up) - loss(down)) / (2 * eps)
        np.testing.assert_allclose(result.layers[k].norms, np.linalg.norm(numeric, axis=1),
                                   rtol=2e-2, atol=2e-4)


@pytest.mark.parametrize("eager", [False, True])
def test_batch_norms_equal_the_backends_gradients_before_the_update(eager):
    from rnntui.engine.backend import import_keras, value_and_gradients
    from rnntui.engine.gradients import GradientWatch

    keras = import_keras()
    model = _tiny(keras, "LSTM")
    x = np.random.RandomState(1).randn(8, 6, 2).astype("float32")
    y = np.arange(8) % 4
    weights = [np.asarray(v) for v in model.trainable_variables]
    paths = [v.path for v in model.trainable_variables]

    def loss(*values):  # the loss with these weights (a stateless call of the model)
        out, _ = model.stateless_call(list(values), [np.asarray(v) for v in
                                                      model.non_trainable_variables], x)
        return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, out))

    _, grads = value_and_gradients(loss, weights)
    watch = GradientWatch(keras, model)
    watch.eager = model.run_eagerly = eager  # one step, traced or op by op (NumPy's norms)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    kept = dict(watch.last_gradients())
    assert set(kept) == {"rnn_1/kernel", "rnn_1/recurrent_kernel", "rnn_2/kernel",
                         "rnn_2/recurrent_kernel", "output/kernel"}
    norms = dict(zip(watch.labels, watch.read()))
    expected = {"global": math.sqrt(sum(float(np.sum(g ** 2)) for g in grads))}
    for path, grad in zip(paths, grads):
        if path.endswith("kernel"):
            label = path.split("/", 1)[1].replace("/lstm_cell", "")  # the model's name off
            expected[label] = float(np.linalg.norm(grad))
    assert set(norms) == set(expected) and "rnn_1/recurrent_kernel" in norms
    for label, value in expected.items():
        assert norms[label] == pytest.approx(value, rel=1e-4), label
        if label in kept:
            assert float(np.linalg.norm(kept[label])) == pytest.approx(value, rel=1e-4)
    watch.detach()
    assert "apply" not in model.optimizer.__dict__


def test_training_keeps_the_rate_per_epoch_and_every_batch_norm(tmp_path):
    from rnntui.engine.train import train
    from rnntui.runs import RunStore

    task = get_task("onehot4")
    store = RunStore()
    hp = task.hparams({"epochs": 3, "lr_schedule": "exponential", "lr_decay": "0.5",
                       "clipnorm": "0.5", "batch_size": 2})
    run = store.create(task.id, hp)
    seen = []
    result = train(run, seen.append)
    assert isinstance(result, ev.TrainingFinished)
    history = run.history()
    assert [h["learning_rate"] for h in history] == pytest.approx([0.1, 0.05, 0.025])
    kept = read_norms(run.path)
    assert [r.epoch for r in kept] == [1, 2, 3]
    assert all(len(r.global_norms) == 3 for r in kept)  # 5 windows in batches of 2
    assert {"global", "rnn_1/kernel", "rnn_1/recurrent_kernel"} <= set(kept[0].norms)
    recorded = [e for e in seen if isinstance(e, ev.GradientsRecorded)]
    assert [e.norms for e in recorded] == [r.norms for r in kept]
    assert any(isinstance(e, ev.BatchEnded) and e.grad_norm is not None for e in seen)
    from rnntui.engine.through_time import read_curves

    curves = read_curves(run.path)  # the first epoch's, and the last's always
    assert {1, 3} <= set(curves) and curves[3]["steps"] == 4
    assert len(curves[3]["layers"][0]["norms"]) == 4
    import json
    import zipfile

    with zipfile.ZipFile(run.model_path) as archive:
        config = json.loads(archive.read("config.json"))
    assert config["compile_config"]["optimizer"]["config"]["clipnorm"] == 0.5


def test_log_gradients_off_keeps_no_norms(tmp_path):
    from rnntui.engine.train import train
    from rnntui.runs import RunStore

    task = get_task("onehot1")
    run = RunStore().create(task.id, task.hparams({"epochs": 2, "log_gradients": "false"}))
    seen = []
    train(run, seen.append)
    assert read_norms(run.path) == []
    assert not any(isinstance(e, ev.GradientsRecorded) for e in seen)


def test_gradients_command_errors_are_one_line(capsys):
    from rnntui.cli import main
    from rnntui.runs import RunStore

    task = get_task("onehot4")
    run = RunStore().create(task.id, task.hparams())
    with pytest.raises(SystemExit) as ended:
        main(["gradients", run.name])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has no model file" in err


def test_histograms_count_every_weight_and_reach_tensorboard_and_the_cli(capsys):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from rnntui.cli import main
    from rnntui.engine.event_files import FOLDER
    from rnntui.engine.train import train
    from rnntui.runs import RunStore, histograms

    h = histograms.Histogram.of(np.array([[0.0, 1.0], [1.0, 3.0]]))
    assert h.count == 4 and h.total == 5.0 and len(h.edges) == histograms.BINS + 1
    task = get_task("onehot4")
    run = RunStore().create(task.id, task.hparams({"epochs": 2, "batch_size": 2}))
    train(run)
    kept = histograms.read(run.path)
    assert [r.epoch for r in kept] == [1, 2]
    from rnntui.engine.model import load_checkpoint

    model = load_checkpoint(run.model_path)
    from rnntui.engine.gradients import weight_label

    sizes = {weight_label(v.path, model.name): int(np.size(v)) for v in model.trainable_variables}
    weights = kept[-1].kinds["weights"]
    assert {label: hist.count for label, hist in weights.items()} == sizes
    grads = kept[-1].kinds["gradients"]
    assert {label: hist.count for label, hist in grads.items()} == {
        k: v for k, v in sizes.items() if k.endswith("kernel")}
    acc = EventAccumulator(str(run.path / FOLDER), size_guidance={"histograms": 0})
    acc.Reload()
    assert "weights/rnn_1/recurrent_kernel" in acc.Tags()["histograms"]
    event = acc.Histograms("gradients/rnn_1/kernel")[-1]
    assert event.step == 2 and event.histogram_value.num == sizes["rnn_1/kernel"]
    assert main(["histograms", run.name, "--weight", "rnn_1/recurrent_kernel"]) == 0
    out = capsys.readouterr().out
    assert "weights of rnn_1/recurrent_kernel (64 values)" in out and "█" in out
    with pytest.raises(SystemExit):
        main(["histograms", run.name, "--epoch", "9"])
    assert "has histograms of epochs 1–2" in capsys.readouterr().err


def test_a_typed_input_is_measured_against_the_networks_own_answer():
    from rnntui.engine.backend import import_keras
    from rnntui.engine.through_time import gradient_through_time, own_target

    keras = import_keras()
    model = _tiny(keras, "GRU")
    x = np.random.RandomState(2).randn(1, 9, 2).astype("float32")  # any length
    answer = own_target(keras, model, x)
    assert answer.tolist() == [int(np.argmax(model.predict(x, verbose=0)))]
    typed = gradient_through_time(model, x)
    assert typed.steps == 9
    assert typed.to_dict() == gradient_through_time(model, x, answer).to_dict()
    keras.utils.set_random_seed(0)
    forecast = keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(3, name="rnn_1"),
                                 keras.layers.Dense(1, name="output")])
    forecast.compile(loss="mse", optimizer="adam")
    series = np.linspace(0, 1, 5, dtype="float32").reshape(1, 5, 1)
    result = gradient_through_time(forecast, series)  # L: the forecast itself
    assert result.loss == pytest.approx(float(forecast.predict(series, verbose=0)[0, 0]),
                                        rel=1e-5)


def test_a_resumed_run_goes_on_with_the_schedules_rate_and_its_norms():
    from rnntui.engine.train import train
    from rnntui.runs import RunStore

    task = get_task("onehot4")
    settings = {"lr_schedule": "exponential", "lr_decay": "0.5", "batch_size": 2}
    straight = RunStore().create(task.id, task.hparams({**settings, "epochs": 4}))
    train(straight)
    halves = RunStore().create(task.id, task.hparams({**settings, "epochs": 2}))
    train(halves)
    halves.set_epochs(4)
    resumed = RunStore().open(halves.name)
    train(resumed)
    a, b = straight.history(), resumed.history()
    assert [h["learning_rate"] for h in b] == pytest.approx([0.1, 0.05, 0.025, 0.0125])
    assert [h["loss"] for h in a] == pytest.approx([h["loss"] for h in b], abs=1e-6)
    assert [r.epoch for r in read_norms(resumed.path)] == [1, 2, 3, 4]
    for x, y in zip(read_norms(straight.path), read_norms(resumed.path)):
        assert y.global_norms == pytest.approx(x.global_norms, rel=1e-4)
