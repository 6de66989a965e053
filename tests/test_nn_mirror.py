"""The NumPy mirror pinned to Keras: outputs, final states, gate traces, summaries, saved files.

Each Keras model is tiny (3-5 units, 4-7 steps), gets seeded random weights of scale 0.5 (so
the gates are far from their default-initialised values) and is built once per module.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from rnntui.nn import (MirrorError, Network, load_network, network_from_keras,  # noqa: E402
                       summary_rows, weights_text)

TOL = 1e-5
CELLS = {
    "simple": lambda units, **kw: keras.layers.SimpleRNN(units, **kw),
    "lstm": lambda units, **kw: keras.layers.LSTM(units, **kw),
    "gru": lambda units, **kw: keras.layers.GRU(units, **kw),
    "gru_before": lambda units, **kw: keras.layers.GRU(units, reset_after=False, **kw),
}

# (layers, bidirectional, embedding, last layer returns sequences, head) — a covering set:
# every cell meets stacking, both directions, both inputs, both endings and every head.
SHAPES = {
    "1-vec-last-softmax": (1, False, False, False, "softmax"),
    "2-bi-emb-seq-relu-sigmoid": (2, True, True, True, "relu+sigmoid"),
    "2-emb-dropout-last-linear": (2, False, True, False, "linear"),
    "1-bi-vec-last-softmax": (1, True, False, False, "softmax"),
    "1-emb-seq-softmax": (1, False, True, True, "softmax"),
}
VOCAB, FEATURES, STEPS, UNITS = 7, 3, 6, 4


def build_model(cell: str, shape: str, seed: int = 0) -> keras.Sequential:
    """A small Keras model of the kind rnntui's engine builds, with random weights."""
    n_layers, bidi, embedding, last_seq, head = SHAPES[shape]
    layers: list = []
    if embedding:
        layers += [keras.Input(shape=(STEPS,), dtype="int32"), keras.layers.Embedding(VOCAB, 3)]
    else:
        layers.append(keras.Input(shape=(STEPS, FEATURES)))
    for index in range(n_layers):
        rnn = CELLS[cell](UNITS - index, return_sequences=index < n_layers - 1 or last_seq,
                          dropout=0.1, recurrent_dropout=0.1 if cell == "simple" else 0.0)
        layers.append(keras.layers.Bidirectional(rnn) if bidi else rnn)
        if shape.endswith("dropout-last-linear") and index == 0:
            layers.append(keras.layers.Dropout(0.3))
    if head == "relu+sigmoid":
        layers += [keras.layers.Dense(5, activation="relu"),
                   keras.layers.Dense(2, activation="sigmoid")]
    elif head == "linear":
        layers.append(keras.layers.Dense(1))
    else:
        layers.append(keras.layers.Dense(VOCAB, activation="softmax"))
    model = keras.Sequential(layers)
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        layer.set_weights([rng.normal(0.0, 0.5, w.shape) for w in layer.get_weights()])
    return model


def sample_input(model: keras.Sequential, batch: int = 3, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = model.inputs[0].shape
    if len(shape) == 2:
        return rng.integers(0, VOCAB, (batch, shape[1])).astype("int32")
    return rng.normal(0.0, 1.0, (batch,) + tuple(shape[1:]))


def keras_layer_input(model: keras.Sequential, target, x: np.ndarray):
    value = keras.ops.convert_to_tensor(x)
    for layer in model.layers:
        if layer is target:
            return value
        value = layer(value)
    raise AssertionError("layer not in model")


def keras_final_states(model: keras.Sequential, layer, x: np.ndarray) -> list[np.ndarray]:
    """A copy of ``layer`` with return_state=True, run on the input Keras gives the layer."""
    config = layer.get_config()
    if type(layer).__name__ == "Bidirectional":
        for key in ("layer", "backward_layer"):
            if config.get(key):
                config[key]["config"]["return_state"] = True
    else:
        config["return_state"] = True
    clone = type(layer).from_config(config)
    inputs = keras_layer_input(model, layer, x)
    clone(inputs)
    clone.set_weights(layer.get_weights())
    return [np.asarray(s) for s in clone(inputs)[1:]]


CASES = [(cell, shape) for cell in CELLS for shape in SHAPES]


@pytest.fixture(scope="module", params=CASES, ids=[f"{c}-{s}" for c, s in CASES])
def case(request):
    cell, shape = request.param
    model = build_model(cell, shape)
    x = sample_input(model)
    return model, network_from_keras(model), x, np.asarray(model(x, training=False))


def test_outputs_match_keras(case):
    model, net, x, expected = case
    got = net.forward(x)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=TOL)
    # One sequence gives that sequence's row of the batch.
    np.testing.assert_allclose(net.forward(x[1]), expected[1], atol=TOL)


def test_final_states_match_keras(case):
    model, net, x, _ = case
    _, trace = net.forward(x[0], trace=True)
    recurrent = [layer for layer in model.layers
                 if type(layer).__name__ in ("SimpleRNN", "LSTM", "GRU", "Bidirectional")]
    assert len(trace.layers) == len(recurrent)
    for layer, layer_trace in zip(recurrent, trace.layers):
        expected = keras_final_states(model, layer, x[:1])
        got = [state for direction in layer_trace.final_states.values()
               for state in direction.values()]
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e[0], atol=TOL)


def test_trace_h_is_the_layer_output_in_input_order(case):
    model, net, x, _ = case
    _, trace = net.forward(x[0], trace=True)
    recurrent = [layer for layer in model.layers
                 if type(layer).__name__ in ("SimpleRNN", "LSTM", "GRU", "Bidirectional")]
    for layer, layer_trace in zip(recurrent, trace.layers):
        output = np.asarray(layer(keras_layer_input(model, layer, x[:1])))[0]
        hs = [gates["h"] for gates in layer_trace.gates.values()]
        if output.ndim == 2:  # return_sequences: step t of both directions at row t
            np.testing.assert_allclose(np.concatenate(hs, axis=-1), output, atol=TOL)
        else:  # forward: the last step; backward: the step that read x_0
            ends = [hs[0][-1]] + ([hs[1][0]] if len(hs) == 2 else [])
            np.testing.assert_allclose(np.concatenate(ends), output, atol=TOL)
        for gates in layer_trace.gates.values():
            for values in gates.values():
                assert values.shape == (STEPS, layer_trace.units)


def test_summary_matches_keras(case):
    model, net, _, _ = case
    rows = summary_rows(net)
    assert [r.name for r in rows] == [layer.name for layer in model.layers]
    assert [r.params for r in rows] == [layer.count_params() for layer in model.layers]
    assert [r.output_shape for r in rows] == [tuple(layer.output.shape) for layer in model.layers]
    assert sum(r.params for r in rows) == model.count_params()


@pytest.mark.parametrize("cell", ["lstm", "gru", "gru_before"])
def test_trace_satisfies_the_cell_equations(cell):
    model = build_model(cell, "2-bi-emb-seq-relu-sigmoid", seed=3)
    net = network_from_keras(model)
    _, trace = net.forward(sample_input(model)[0], trace=True)
    for layer_trace in trace.layers:
        for direction, g in layer_trace.gates.items():
            # The step before input step t is t-1 reading forwards, t+1 reading backwards.
            shift = 1 if direction == "forward" else -1
            zero = np.zeros((1, layer_trace.units))
            prev_h = np.concatenate([zero, g["h"][:-1]]) if shift == 1 \
                else np.concatenate([g["h"][1:], zero])
            if cell == "lstm":
                prev_c = np.concatenate([zero, g["c"][:-1]]) if shift == 1 \
                    else np.concatenate([g["c"][1:], zero])
                np.testing.assert_allclose(g["c"], g["f"] * prev_c + g["i"] * g["g"], atol=1e-12)
                np.testing.assert_allclose(g["h"], g["o"] * np.tanh(g["c"]), atol=1e-12)
                assert {"i", "f", "g", "o", "c", "h"} == set(g)
            else:
                np.testing.assert_allclose(
                    g["h"], g["z"] * prev_h + (1 - g["z"]) * g["candidate"], atol=1e-12)
                assert {"z", "r", "candidate", "h"} == set(g)
            # Gates are not saturated trivially: the random weights make them vary.
            assert np.ptp(g["h"]) > 1e-3


def test_simple_rnn_trace_pre_activation():
    model = build_model("simple", "1-emb-seq-softmax")
    net = network_from_keras(model)
    _, trace = net.forward(sample_input(model)[0], trace=True)
    g = trace.layers[0].gates["forward"]
    np.testing.assert_allclose(np.tanh(g["pre"]), g["h"], atol=1e-12)


@pytest.mark.parametrize("cell", list(CELLS))
def test_saved_file_loads_like_from_keras(cell, tmp_path):
    model = build_model(cell, "2-bi-emb-seq-relu-sigmoid", seed=5)
    model.save(tmp_path / "model.keras")
    x = sample_input(model)
    from_file = load_network(tmp_path)  # the run folder form
    np.testing.assert_array_equal(from_file.forward(x), network_from_keras(model).forward(x))
    np.testing.assert_allclose(from_file.forward(x), np.asarray(model(x)), atol=TOL)


def test_saved_file_with_repeated_layer_kinds(tmp_path):
    """Weights are stored under class-name keys (dense, dense_1, ...), not layer names."""
    model = keras.Sequential([
        keras.Input(shape=(5, 2)),
        keras.layers.LSTM(3, return_sequences=True, name="zz_first"),
        keras.layers.Dropout(0.2, name="a_drop"),
        keras.layers.LSTM(4, return_sequences=True, name="aa_second"),
        keras.layers.Dropout(0.2),
        keras.layers.GRU(3, name="gru_x"),
        keras.layers.Dense(4, activation="relu", name="zz_hidden"),
        keras.layers.Dense(3, activation="tanh", name="aa_hidden"),
        keras.layers.Dense(2, name="out"),
    ])
    rng = np.random.default_rng(7)
    for layer in model.layers:
        layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.get_weights()])
    path = tmp_path / "anything.keras"
    model.save(path)
    x = rng.normal(size=(2, 5, 2))
    np.testing.assert_allclose(load_network(path).forward(x), np.asarray(model(x)), atol=TOL)


def test_go_backwards_layer_matches_keras():
    model = keras.Sequential([keras.Input(shape=(5, 2)),
                              keras.layers.GRU(3, go_backwards=True, return_sequences=True),
                              keras.layers.Dense(2)])
    rng = np.random.default_rng(2)
    for layer in model.layers:
        layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.get_weights()])
    x = rng.normal(size=(2, 5, 2))
    net = network_from_keras(model)
    np.testing.assert_allclose(net.forward(x), np.asarray(model(x)), atol=TOL)
    with pytest.raises(MirrorError, match="cannot be stepped"):
        net.initial_state()


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru_before"])
def test_stepping_equals_the_full_pass(cell):
    model = build_model(cell, "1-emb-seq-softmax")
    net = network_from_keras(model)
    ids = sample_input(model)[0]
    expected = np.asarray(model(ids[None]))[0]
    state = net.initial_state()
    for t, token in enumerate(ids):
        probs, state = net.step(int(token), state)
        np.testing.assert_allclose(probs, expected[t], atol=TOL)


def test_stepping_a_one_hot_model_with_ids_and_vectors():
    model = build_model("lstm", "1-vec-last-softmax")
    net = network_from_keras(model)
    x = np.eye(FEATURES)[[0, 2, 1, 1, 0, 2]]
    expected = np.asarray(model(x[None]))[0]
    by_vector, by_id = net.initial_state(), net.initial_state()
    for t, row in enumerate(x):
        p_vector, by_vector = net.step(row, by_vector)
        p_id, by_id = net.step(int(np.argmax(row)), by_id)
    np.testing.assert_allclose(p_vector, expected, atol=TOL)
    np.testing.assert_array_equal(p_vector, p_id)


def test_bidirectional_cannot_step():
    net = network_from_keras(build_model("gru", "1-bi-vec-last-softmax"))
    assert not net.can_step
    with pytest.raises(MirrorError, match="Bidirectional"):
        net.initial_state()
    with pytest.raises(MirrorError):
        net.step(np.zeros(FEATURES), [])


def test_weights_text_names_every_gate_block():
    model = build_model("lstm", "2-bi-emb-seq-relu-sigmoid")
    text = weights_text(network_from_keras(model))
    first, dense = model.layers[1].name, model.layers[-1].name
    for gate in "ifco":
        assert f"{first}/forward/kernel[{gate}]\n(3, 4)\n" in text
        assert f"{first}/backward/recurrent_kernel[{gate}]\n(4, 4)\n" in text
    assert f"{dense}/kernel\n(5, 2)\n" in text
    table = np.asarray(model.layers[0].get_weights()[0], dtype=np.float64)
    assert np.array2string(table, precision=8, max_line_width=100) in text

    gru = weights_text(network_from_keras(build_model("gru", "1-vec-last-softmax")))
    assert "/input_bias[z]\n(4,)" in gru and "/recurrent_bias[h]\n(4,)" in gru


def test_trace_to_dict_is_json():
    import json

    model = build_model("lstm", "2-bi-emb-seq-relu-sigmoid")
    _, trace = network_from_keras(model).forward(sample_input(model)[0], trace=True)
    data = json.loads(json.dumps(trace.to_dict()))
    first = data["layers"][0]
    assert first["kind"] == "LSTM" and set(first["gates"]) == {"forward", "backward"}
    assert len(first["gates"]["backward"]["i"]) == STEPS
    assert len(first["gates"]["backward"]["i"][0]) == first["units"]
    assert len(first["final_states"]["forward"]["c"]) == first["units"]


@pytest.mark.parametrize("pool", ["GlobalMaxPooling1D", "GlobalAveragePooling1D"])
def test_pooling_over_time_matches_keras_and_cannot_step(pool, tmp_path):
    model = keras.Sequential([keras.Input(shape=(STEPS,), dtype="int32"),
                              keras.layers.Embedding(VOCAB, 3),
                              keras.layers.LSTM(UNITS, return_sequences=True),
                              getattr(keras.layers, pool)(),
                              keras.layers.Dense(1, activation="sigmoid")])
    rng = np.random.default_rng(3)
    for layer in model.layers:
        layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.get_weights()])
    path = tmp_path / "model.keras"
    model.save(path)
    net = load_network(path)
    x = rng.integers(0, VOCAB, (3, STEPS)).astype("int32")
    np.testing.assert_allclose(net.forward(x), np.asarray(model(x)), atol=TOL)
    assert [row.kind for row in summary_rows(net)][2] == pool
    with pytest.raises(MirrorError, match="pool over every step"):
        net.initial_state()
