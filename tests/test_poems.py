"""The poems task's network starts from the unigram: its softmax bias is log P(character)."""

from __future__ import annotations

import numpy as np

from rnntui.engine.model import build_model
from rnntui.tasks import get_task
from rnntui.tasks.poems import unigram_log_prior


def test_the_softmax_starts_at_the_training_unigram():
    task = get_task("poems")
    hp = task.hparams({"units": 4, "embedding_dim": 2, "seq_len": 8})
    data = task.load(hp)
    model = build_model(task.model_spec(hp, data), hp)
    bias = model.get_layer("output").get_weights()[1]
    np.testing.assert_allclose(bias, unigram_log_prior(data.y_train, len(data.vocab)),
                               rtol=1e-6)
    # before any training the network predicts the unigram, whatever it reads
    probs = np.asarray(model(data.x_train[:1]))[0, -1]
    counts = np.bincount(data.y_train.ravel(), minlength=len(data.vocab)) + 1.0
    np.testing.assert_allclose(probs, counts / counts.sum(), atol=0.02)
