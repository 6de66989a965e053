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


def test_characters_seen_once_teach_the_unknown_rate_as_targets_only():
    from rnntui.tasks.corpus import END, UNK
    from rnntui.tasks.poems import build_vocab, training_streams, unknown_targets

    poems = [list("床前明月光") + [f"{i}"] for i in range(400)] + [list("明月光")] * 10
    vocab = build_vocab(poems, 1)  # every character kept (a small corpus)
    index = {t: i for i, t in enumerate(vocab)}
    ids, targets, learnt = training_streams(poems, index, seed=3)
    assert ids.shape == targets.shape and index[UNK] not in ids  # inputs keep every character
    once = {index[str(i)] for i in range(400)}  # "床" and "前" come 400 times, digits once
    swapped = (ids != targets)
    assert set(ids[swapped]) == once and set(targets[swapped]) == {index[UNK]}
    assert swapped.sum() == 400  # every character seen once, as a target
    half = unknown_targets(ids, poems, index, 3, share=0.5)
    assert 150 < (half != ids).sum() < 250
    # the baselines' poems are the targets, cut at END
    assert np.concatenate([[*p, index[END]] for p in learnt]).tolist() == targets.tolist()
    assert training_streams(poems, index, seed=3)[1].tolist() == targets.tolist()
    # a vocabulary that already reads rare characters as UNK changes nothing
    cut = {t: i for i, t in enumerate(build_vocab(poems, 2))}
    ids, targets, _ = training_streams(poems, cut, seed=3)
    assert ids.tolist() == targets.tolist()


def test_training_windows_lie_side_by_side_in_any_corpus():
    from rnntui.tasks.poems import stride_for, windows

    # each target once an epoch (issue 26, item 8), the starter corpus too
    assert stride_for(32) == 32 and stride_for(5) == 5
    x, y = windows(np.arange(40), 8, stride=2)
    assert x[:, 0].tolist() == list(range(0, 32, 2)) and (y == x + 1).all()
