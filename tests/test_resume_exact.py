"""Exact resume: 3 epochs then 3 more give the very epochs of 6 straight, for a several-batch
task of each input kind (embedded letters, one-hot rolls, a character corpus)."""

from __future__ import annotations

import numpy as np
import pytest

from rnntui.engine.batches import batch_bounds, epoch_order, steps_per_epoch
from rnntui.engine.model import load_checkpoint
from rnntui.engine.train import train
from rnntui.runs import RunStore
from rnntui.tasks import DataSource, get_task

CASES = {
    "embed4": {"batch_size": 8},
    "dice": {"units": 4, "seq_len": 8, "batch_size": 256},
    "poems": {"units": 8, "embedding_dim": 4, "seq_len": 8, "batch_size": 16,
              "dropout": 0.2},
}


def _source(task_id, tmp_path):
    if task_id != "poems":
        return DataSource()
    corpus = tmp_path / "poems.txt"
    corpus.write_text("床前明月光，疑是地上霜。举头望明月，低头思故乡。\n" * 12, encoding="utf-8")
    return DataSource(corpus=str(corpus))


def _run(task_id, tmp_path, epochs):
    hp = get_task(task_id).hparams({**CASES[task_id], "epochs": epochs})
    return RunStore().create(task_id, hp, _source(task_id, tmp_path))


@pytest.mark.slow
@pytest.mark.parametrize("task_id", list(CASES))
def test_three_and_three_epochs_equal_six_straight(task_id, tmp_path):
    straight = _run(task_id, tmp_path, 6)
    assert train(straight).status == "completed"
    halves = _run(task_id, tmp_path, 3)
    assert train(halves).status == "completed"
    halves.set_epochs(6)
    resumed = RunStore().open(halves.name)
    assert train(resumed).status == "completed"
    a, b = straight.history(), resumed.history()
    assert len(a) == len(b) == 6
    for epoch, (x, y) in enumerate(zip(a, b), start=1):
        assert abs(x["loss"] - y["loss"]) <= 1e-6, (epoch, x["loss"], y["loss"])
    model_a = load_checkpoint(straight.model_path)
    model_b = load_checkpoint(resumed.model_path)
    for wa, wb in zip(model_a.get_weights(), model_b.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=1e-5)


def test_an_epochs_order_depends_only_on_the_seed_and_the_epoch():
    assert np.array_equal(epoch_order(7, 3, 50), epoch_order(7, 3, 50))
    assert not np.array_equal(epoch_order(7, 3, 50), epoch_order(7, 4, 50))
    assert not np.array_equal(epoch_order(7, 3, 50), epoch_order(8, 3, 50))
    assert sorted(epoch_order(7, 3, 50)) == list(range(50))


@pytest.mark.parametrize("samples,batch", [(20, 8), (24, 8), (5, 8), (1, 1)])
def test_an_epochs_batches_cover_every_sample_once(samples, batch):
    batch = min(batch, samples)
    bounds = [batch_bounds(samples, batch, i) for i in range(steps_per_epoch(samples, batch))]
    covered = [i for start, end in bounds for i in range(start, end)]
    assert covered == list(range(samples))
    assert all(end - start == batch for start, end in bounds[1:])  # only the first is short
