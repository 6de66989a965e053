"""Stateful generation: carrying the state equals re-running the sequence; sampling rules."""

from __future__ import annotations

import numpy as np
import pytest

from rnntui.nn import MirrorError, Network, pick_id, sample_stream
from rnntui.nn.activations import softmax
from rnntui.nn.cells import LSTMCell
from rnntui.nn.layers import Dense, Embedding, Recurrent

VOCAB = 11


def char_model(seed: int = 0, head: str = "softmax", per_step: bool = False) -> Network:
    rng = np.random.default_rng(seed)
    cell = LSTMCell(rng.normal(0, 0.8, (4, 20)), rng.normal(0, 0.8, (5, 20)),
                    rng.normal(0, 0.5, 20))
    return Network([Embedding("emb", rng.normal(0, 1, (VOCAB, 4))),
                    Recurrent("lstm", cell, per_step),
                    Dense("out", rng.normal(0, 2, (5, VOCAB)), rng.normal(0, 1, VOCAB), head)])


def test_greedy_stream_equals_rerunning_the_whole_text():
    net = char_model()
    seed_ids = [3, 1, 4]
    generated = list(sample_stream(net, seed_ids, 12, temperature=0))
    text = list(seed_ids)
    for _ in range(12):  # the slow way: a full forward pass over everything so far
        text.append(int(np.argmax(net.forward(np.array(text)))))
    assert generated == text[len(seed_ids):]
    assert list(sample_stream(net, seed_ids, 12, temperature=1.0, top_k=1)) == generated


def test_sampling_is_reproducible_and_respects_top_k():
    net = char_model(1)
    run = lambda: list(sample_stream(net, [2], 30, temperature=1.5, top_k=3,
                                     rng=np.random.default_rng(42)))
    first = run()
    assert first == run() and len(first) == 30
    state = net.initial_state()
    probs, state = net.step(2, state)
    for token in first:
        assert token in np.argsort(probs)[-3:]
        probs, state = net.step(token, state)


def test_stop_ids_end_the_stream_after_the_stop():
    net = char_model()
    greedy = list(sample_stream(net, [3], 10, temperature=0))
    stop = greedy[4]
    stopped = list(sample_stream(net, [3], 10, temperature=0, stop_ids=[stop]))
    assert stopped == greedy[:greedy.index(stop) + 1]


def test_banned_ids_are_never_sampled():
    net = char_model()
    greedy = list(sample_stream(net, [3], 20, temperature=0))
    banned = {greedy[0], greedy[1]}
    for temperature, top_k in ((0, None), (3.0, None), (3.0, 2)):
        out = list(sample_stream(net, [3], 40, temperature, top_k,
                                 rng=np.random.default_rng(1), banned_ids=banned))
        assert len(out) == 40 and not banned & set(out)


def test_temperature_reshapes_the_distribution():
    logits = np.array([2.0, 1.0, 0.0, -1.0])
    rng = np.random.default_rng(0)
    for temperature in (0.5, 2.0):
        counts = np.bincount([pick_id(logits, temperature, None, rng) for _ in range(8000)],
                             minlength=4)
        np.testing.assert_allclose(counts / 8000, softmax(logits / temperature), atol=0.02)
    assert pick_id(logits, 0.0) == 0


def test_step_output_is_a_distribution_and_state_is_not_mutated():
    net = char_model()
    state = net.initial_state()
    probs, new_state = net.step(5, state)
    assert probs.shape == (VOCAB,) and probs.sum() == pytest.approx(1.0)
    assert all(np.all(a == 0) for layer in state for a in layer)
    logits, _ = net.step_logits(5, state)
    np.testing.assert_allclose(softmax(logits), probs)


def test_per_step_model_steps_like_its_sequence_output():
    net = char_model(per_step=True)
    ids = np.array([1, 2, 3, 4])
    expected = net.forward(ids)
    state = net.initial_state()
    for t, token in enumerate(ids):
        probs, state = net.step(token, state)
        np.testing.assert_allclose(probs, expected[t], atol=1e-12)


def test_generation_errors():
    with pytest.raises(ValueError, match="at least one seed id"):
        list(sample_stream(char_model(), [], 3))
    with pytest.raises(MirrorError, match="softmax"):
        list(sample_stream(char_model(head="linear"), [1], 3))
    with pytest.raises(ValueError, match="token ids"):
        char_model().step(VOCAB, char_model().initial_state())
