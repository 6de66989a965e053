"""Memory through time: backprop of ‖∂y_T/∂x_t‖ against finite differences and by hand."""

from __future__ import annotations

import numpy as np
import pytest

from rnntui.nn import Network, input_influence
from rnntui.nn.cells import GRUCell, LSTMCell, SimpleRNNCell
from rnntui.nn.layers import (Bidirectional, Dense, Embedding, PassThrough, Recurrent,
                              TimePooling)

BLOCKS = {"simple": 1, "lstm": 4, "gru": 3, "gru_before": 3}


def make_cell(kind: str, features: int, units: int, rng: np.random.Generator,
              scale: float = 0.5, activation: str = "tanh"):
    g = BLOCKS[kind]
    kernel = rng.normal(0, scale, (features, g * units))
    recurrent = rng.normal(0, scale, (units, g * units))
    if kind == "simple":
        return SimpleRNNCell(kernel, recurrent, rng.normal(0, scale, units), activation)
    if kind == "lstm":
        return LSTMCell(kernel, recurrent, rng.normal(0, scale, 4 * units))
    if kind == "gru":
        return GRUCell(kernel, recurrent, rng.normal(0, scale, (2, 3 * units)))
    return GRUCell(kernel, recurrent, rng.normal(0, scale, 3 * units), reset_after=False)


def make_net(kind: str, *, layers: int = 1, bidi: bool = False, embedding: bool = False,
             per_step: bool = False, head: str = "softmax", seed: int = 0,
             pool: str = "") -> Network:
    rng = np.random.default_rng(seed)
    built: list = []
    width = 3
    if embedding:
        built.append(Embedding("emb", rng.normal(0, 0.5, (6, width))))
    for index in range(layers):
        units = 4 - index
        sequences = index < layers - 1 or per_step or bool(pool)

        def rnn(name, backwards=False):
            return Recurrent(name, make_cell(kind, width, units, rng), sequences, backwards)

        built.append(Bidirectional(f"bi{index}", rnn("f"), rnn("b", True)) if bidi
                     else rnn(f"rnn{index}"))
        built.append(PassThrough(f"drop{index}", "Dropout"))
        width = units * (2 if bidi else 1)
    if pool:
        built.append(TimePooling("pool", pool))
    if head == "relu+sigmoid":
        built.append(Dense("hidden", rng.normal(0, 0.5, (width, 5)), rng.normal(0, 0.5, 5), "relu"))
        built.append(Dense("out", rng.normal(0, 0.5, (5, 2)), rng.normal(0, 0.5, 2), "sigmoid"))
    else:
        built.append(Dense("out", rng.normal(0, 0.5, (width, 3)), rng.normal(0, 0.5, 3), head))
    return Network(built)


def finite_difference_norms(net: Network, vectors: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Central differences of y_T with respect to every input number, in float64."""
    def y_last(v):
        y = net.run_body(v[None])[0]
        return y[-1] if y.ndim == 2 else y

    norms = np.zeros(vectors.shape[0])
    for t in range(vectors.shape[0]):
        for f in range(vectors.shape[1]):
            up, down = vectors.copy(), vectors.copy()
            up[t, f] += eps
            down[t, f] -= eps
            norms[t] += np.sum(((y_last(up) - y_last(down)) / (2 * eps)) ** 2)
    return np.sqrt(norms)


NETS = {
    "simple": dict(kind="simple"),
    "lstm": dict(kind="lstm"),
    "gru": dict(kind="gru"),
    "gru_before-per-step-linear": dict(kind="gru_before", per_step=True, head="linear"),
    "lstm-2-bi-relu-sigmoid": dict(kind="lstm", layers=2, bidi=True, head="relu+sigmoid"),
    "gru-2-bi-per-step": dict(kind="gru", layers=2, bidi=True, per_step=True),
    "simple-2-emb-tanh": dict(kind="simple", layers=2, embedding=True, head="tanh"),
    "gru_before-bi-emb": dict(kind="gru_before", bidi=True, embedding=True),
    "lstm-emb-max-over-time": dict(kind="lstm", embedding=True, pool="GlobalMaxPooling1D"),
    "gru-2-mean-over-time": dict(kind="gru", layers=2, pool="GlobalAveragePooling1D"),
}


@pytest.mark.parametrize("name", list(NETS))
def test_backprop_equals_finite_differences(name):
    net = make_net(**NETS[name])
    rng = np.random.default_rng(1)
    x = rng.integers(0, 6, 7) if net.embedding else rng.normal(0, 1, (7, 3))
    influence = input_influence(net, x)
    vectors = net.input_vectors(net.as_batch(x)[0])[0]
    np.testing.assert_allclose(influence.norms, finite_difference_norms(net, vectors),
                               rtol=1e-6, atol=1e-9)
    assert influence.normalised.max() == pytest.approx(1.0)


def test_some_outputs_only():
    net = make_net("lstm")
    x = np.random.default_rng(2).normal(size=(5, 3))
    parts = [input_influence(net, x, outputs=[k]).norms for k in range(3)]
    total = input_influence(net, x).norms
    np.testing.assert_allclose(np.sqrt(sum(p ** 2 for p in parts)), total, rtol=1e-12)


@pytest.mark.parametrize("kind", ["simple", "lstm"])
def test_random_networks_give_finite_non_negative_values(kind):
    net = make_net(kind, seed=4)
    influence = input_influence(net, np.random.default_rng(3).normal(size=(12, 3)))
    for values in (influence.norms, influence.normalised):
        assert values.shape == (12,)
        assert np.all(np.isfinite(values)) and np.all(values >= 0)
    assert influence.normalised.max() == 1.0


def one_unit_rnn(w_in: float, w_rec: float, w_out: float, activation: str) -> Network:
    cell = SimpleRNNCell([[w_in]], [[w_rec]], [0.0], activation)
    return Network([Recurrent("rnn", cell), Dense("out", [[w_out]], [0.25], "linear")])


@pytest.mark.parametrize("w_rec", [0.5, -0.8, 1.3])
def test_linear_rnn_influence_decays_as_a_power_of_the_recurrent_weight(w_rec):
    steps = 9
    net = one_unit_rnn(0.7, w_rec, -1.5, "linear")
    influence = input_influence(net, np.random.default_rng(0).normal(size=(steps, 1)))
    powers = abs(w_rec) ** (steps - 1 - np.arange(steps))
    np.testing.assert_allclose(influence.norms, 0.7 * 1.5 * powers, rtol=1e-12)
    np.testing.assert_allclose(influence.normalised, powers / powers.max(), rtol=1e-12)


def test_tanh_rnn_with_tiny_weights_decays_the_same_way():
    steps = 8
    net = one_unit_rnn(1e-3, 0.5, 1.0, "tanh")
    influence = input_influence(net, np.linspace(-1e-3, 1e-3, steps))  # (T,) for one feature
    np.testing.assert_allclose(influence.normalised, 0.5 ** (steps - 1 - np.arange(steps)),
                               rtol=1e-5)


def test_batches_are_refused():
    with pytest.raises(ValueError, match="one sequence"):
        input_influence(make_net("lstm"), np.zeros((2, 4, 3)))
