"""Samples every epoch: each task's sample from a network whose answers are known (an oracle,
a constant), the sampler's file, its one warning, TensorBoard's text, `rnntui samples`; and
(slow) real training that keeps a sample an epoch."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from rnntui.engine import events as ev
from rnntui.engine.samples import FILE, EpochSampler, append, read
from rnntui.runs import RunStore
from rnntui.tasks import EpochSample, Probe, get_task
from rnntui.tasks.corpus import read_poems


def _one_hot(ids, size):
    return np.eye(size)[np.asarray(ids)]


def test_letters_show_every_training_window_and_mark_the_wrong_answers():
    task = get_task("onehot4")
    hp = task.hparams()
    data = task.load(hp)
    oracle = Probe(lambda x: _one_hot(data.y_train, 5))
    sample = task.epoch_sample(oracle, data, hp)
    assert sample.lines == ("5/5 windows right", "abcd→e bcde→a cdea→b deab→c eabc→d")
    assert sample.figures == {"right": 5, "windows": 5}
    always_a = Probe(lambda x: _one_hot(np.zeros(len(x), int), 5))
    wrong = task.epoch_sample(always_a, data, hp)
    assert wrong.lines[0] == "1/5 windows right"  # bcde → a, the only one
    assert wrong.lines[1] == "abcd→a✗ bcde→a cdea→a✗ deab→a✗ eabc→a✗"


def test_embed4_answers_each_of_its_22_windows():
    task = get_task("embed4")
    hp = task.hparams()
    data = task.load(hp)
    sample = task.epoch_sample(Probe(lambda x: _one_hot(data.y_train, 26)), data, hp)
    assert sample.lines[0] == "22/22 windows right"
    assert sample.lines[1].split()[0] == "abcd→e" and sample.lines[1].split()[-1] == "vwxy→z"


def test_recall_names_the_first_letter_of_held_out_sequences():
    task = get_task("recall")
    hp = task.hparams({"seq_len": 5})
    data = task.load(hp)
    first = np.asarray(data.x_test[:8]).argmax(-1)[:, 0]
    sample = task.epoch_sample(Probe(lambda x: _one_hot(np.asarray(x).argmax(-1)[:, 0], 8)),
                               data, hp)
    assert sample.lines[0] == "8/8 test sequences remembered"
    assert sample.lines[1].split() == [f"{'abcdefgh'[i]}…→{'abcdefgh'[i]}" for i in first]


def test_sine_free_running_forecast_of_an_exact_predictor_is_on_the_curve():
    task = get_task("sine")
    hp = task.hparams({"seq_len": 10})
    data = task.load(hp)
    # sin(t + h) = 2 cos(h) sin(t) − sin(t − h): exact on the pure sine, fed its own values
    step = 2 * math.cos(0.01)
    exact = task.epoch_sample(Probe(lambda x: (step * x[:, -1] - x[:, -2])), data, hp)
    assert exact.figures["rmse_free_30"] < 1e-5
    truth_line, forecast_line = exact.lines
    assert truth_line.split()[1] == forecast_line.split()[1]  # the same sparkline
    zero = task.epoch_sample(Probe(lambda x: np.zeros((len(x), 1))), data, hp)
    truth = data.y_test[:30, 0]
    assert zero.figures["rmse_free_30"] == pytest.approx(float(np.sqrt(np.mean(truth ** 2))),
                                                         rel=1e-5)


def test_dice_accuracy_sits_beside_the_forward_algorithm_on_the_same_rolls():
    from rnntui.tasks.dice import dice_model

    task = get_task("dice")
    hp = task.hparams({"seq_len": 20})
    data = task.load(hp)
    model = dice_model(hp)

    def forward(x):  # the exact posterior: the network at its best
        posterior, _ = model.forward(np.asarray(x).argmax(-1))
        return posterior

    sample = task.epoch_sample(Probe(forward), data, hp)
    assert sample.figures["accuracy"] == pytest.approx(sample.figures["exact"])
    assert "forward algorithm (exact)" in sample.lines[0]
    assert "on 200 test sequences" in sample.lines[0]


def test_imdb_three_fixed_reviews_with_p_positive(tmp_path):
    from tests.test_tasks import _write_imdb

    from rnntui.tasks import DataSource

    task = get_task("imdb")
    hp = task.hparams({"num_words": 500, "seq_len": 20})
    data = task.load(hp, DataSource(data=str(_write_imdb(tmp_path / "tiny.npz"))))
    sample = task.epoch_sample(Probe(lambda x: np.full((len(x), 1), 0.9)), data, hp)
    assert len(sample.lines) == 3
    for line, label in zip(sample.lines, data.y_test[:3]):
        truth = "positive" if label else "negative"
        assert line.startswith(f"review ") and f"({truth}): P(positive) 0.900 " in line
        assert line.split("0.900 ")[1][0] == ("✓" if label else "✗")
    assert sample.figures == {f"p_positive_{i}": pytest.approx(0.9) for i in (1, 2, 3)}


class _Task:
    """A task whose sample breaks on its second call."""

    def __init__(self):
        self.calls = 0

    def epoch_sample(self, probe, data, hp):
        self.calls += 1
        if self.calls == 2:
            raise ZeroDivisionError("a bug in a sample")
        return EpochSample((f"call {self.calls}",), {"n": self.calls})


def test_a_failing_sample_is_one_warning_and_no_more_samples(tmp_path, monkeypatch):
    import rnntui.engine.samples as samples

    monkeypatch.setattr(samples, "probe_for", lambda keras, model: None)
    seen = []
    sampler = EpochSampler(None, _Task(), None, None, tmp_path, seen.append)
    assert sampler(None, 1).lines == ("call 1",)
    assert sampler(None, 2) is None
    assert sampler(None, 3) is None
    warnings = [e for e in seen if isinstance(e, ev.LogLine)]
    assert len(warnings) == 1 and warnings[0].level == "warning"
    assert "epoch samples stopped after epoch 1: ZeroDivisionError" in warnings[0].text
    assert [e.epoch for e in seen if isinstance(e, ev.EpochSampled)] == [1]
    assert [s.epoch for s in read(tmp_path)] == [1]


def test_the_file_keeps_a_line_an_epoch_newest_wins_and_a_torn_line_is_dropped(tmp_path):
    for epoch, text in ((1, "a"), (2, "b"), (2, "b again"), (3, "c")):
        append(tmp_path / FILE, ev.EpochSampled(epoch, (text,), {"x": 1.0}, 0.001))
    with open(tmp_path / FILE, "a", encoding="utf-8") as handle:
        handle.write('{"epoch": 4, "lines": ["cut off')  # a kill mid-write
    kept = read(tmp_path)
    assert [(s.epoch, s.lines) for s in kept] == [(1, ("a",)), (2, ("b again",)), (3, ("c",))]
    assert read(tmp_path / "nowhere") == []


def test_samples_are_tensorboard_text_and_their_figures_scalars(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from rnntui.engine.event_files import EventFiles

    files = EventFiles(tmp_path, {}, "r")
    files(ev.TrainingStarted(run="r", task="onehot4", model="m", params=1, device="cpu",
                             samples=1, steps=1, initial_epoch=0, epochs=2))
    files(ev.EpochSampled(1, ("床前明月光，", "疑是地上霜。"), {"mean_p": 0.25}))
    files(ev.TrainingFinished("completed", 1, {}))
    acc = EventAccumulator(str(tmp_path), size_guidance={"tensors": 0, "scalars": 0})
    acc.Reload()
    (text,) = acc.Tensors("samples")
    assert text.step == 1
    assert text.tensor_proto.string_val[0].decode() == "    床前明月光，\n    疑是地上霜。"
    assert [(s.step, s.value) for s in acc.Scalars("sample/mean_p")] == [(1, 0.25)]


def test_cli_samples_prints_and_jsons_a_runs_samples(capsys):
    from rnntui.cli import main

    task = get_task("onehot4")
    run = RunStore().create("onehot4", task.hparams({"epochs": 2}))
    append(run.path / FILE, ev.EpochSampled(1, ("3/5 windows right", "abcd→e"), {"right": 3}))
    append(run.path / FILE, ev.EpochSampled(2, ("5/5 windows right", "abcd→e"), {"right": 5}))
    assert main(["samples", run.name]) == 0
    out = capsys.readouterr().out
    assert "epoch 1 sample" in out and "  3/5 windows right" in out and "epoch 2 sample" in out
    assert main(["samples", run.name, "--json", "--epoch", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["run"] == run.name
    assert data["samples"] == [{"epoch": 2, "lines": ["5/5 windows right", "abcd→e"],
                                "figures": {"right": 5.0}, "seconds": 0.0}]
    with pytest.raises(SystemExit) as exit_info:
        main(["samples", run.name, "--epoch", "7"])
    assert exit_info.value.code == 2
    assert "no sample of epoch 7 (it has epochs 1–2)" in capsys.readouterr().err


@pytest.mark.slow
def test_real_training_keeps_a_sample_an_epoch(tmp_path):
    from rnntui.engine.train import train

    task = get_task("onehot4")
    run = RunStore().create("onehot4", task.hparams({"epochs": 2}))
    seen = []
    assert isinstance(train(run, emit=seen.append), ev.TrainingFinished)
    sampled = [e for e in seen if isinstance(e, ev.EpochSampled)]
    assert [e.epoch for e in sampled] == [1, 2]
    assert sampled[-1].lines[0].endswith("/5 windows right")
    assert [s.lines for s in read(run.path)] == [e.lines for e in sampled]
    off = RunStore().create("onehot4", task.hparams({"epochs": 1}))
    seen = []
    train(off, emit=seen.append, samples=False)
    assert not any(isinstance(e, ev.EpochSampled) for e in seen)
    assert not (off.path / FILE).exists()


@pytest.mark.slow
def test_a_poems_run_writes_a_quatrain_from_its_first_line(tmp_path):
    from rnntui.engine.train import train
    from rnntui.tasks import DataSource

    corpus = tmp_path / "poems.txt"
    corpus.write_text("\n".join(read_poems()[:20]), encoding="utf-8")
    task = get_task("poems")
    hp = task.hparams({"units": 8, "embedding_dim": 4, "seq_len": 8, "epochs": 1})
    run = RunStore().create("poems", hp, DataSource(corpus=str(corpus)))
    seen = []
    train(run, emit=seen.append)
    (sample,) = [e for e in seen if isinstance(e, ev.EpochSampled)]
    assert len(sample.lines) == 4 and sample.lines[0].startswith("床前明月光")
    assert 0 < sample.figures["mean_p"] <= 1
