"""Loading saved models without TensorFlow, and the errors for files the mirror cannot read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

import rnntui
from rnntui.nn import MirrorError, load_network

keras = pytest.importorskip("keras")

REPO = Path(rnntui.__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A run folder with a saved Embedding + LSTM + Dense(softmax) model, and its outputs."""
    folder = tmp_path_factory.mktemp("run")
    model = keras.Sequential([keras.Input(shape=(6,), dtype="int32"),
                              keras.layers.Embedding(9, 4),
                              keras.layers.LSTM(5),
                              keras.layers.Dense(9, activation="softmax")])
    rng = np.random.default_rng(0)
    for layer in model.layers:
        layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.get_weights()])
    model.save(folder / "model.keras")
    ids = np.array([[1, 4, 2, 8, 0, 3]])
    return folder, ids, np.asarray(model(ids))[0]


def test_loading_and_running_never_imports_tensorflow(saved):
    folder, ids, expected = saved
    script = f"""
import json, sys
import numpy as np
import rnntui.nn, rnntui.explain
net = rnntui.nn.load_network({str(folder)!r})
out, trace = net.forward(np.array({ids[0].tolist()}), trace=True)
json.dumps(trace.to_dict())
ids = list(rnntui.nn.sample_stream(net, [1, 2], 5, temperature=0.7, top_k=3,
                                   rng=np.random.default_rng(0)))
rnntui.nn.input_influence(net, np.array([1, 2, 3]))
rnntui.nn.weights_text(net); rnntui.nn.summary_rows(net)
rnntui.explain.render_text(rnntui.explain.forward_by_hand())
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'jax', 'torch'))
print(json.dumps({{"out": out.tolist(), "heavy": heavy, "ids": len(ids)}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["heavy"] == []
    assert result["ids"] == 5
    np.testing.assert_allclose(result["out"], expected, atol=1e-5)


def test_a_file_or_its_folder(saved):
    folder, ids, expected = saved
    for path in (folder, folder / "model.keras", str(folder)):
        np.testing.assert_allclose(load_network(path).forward(ids[0]), expected, atol=1e-5)


def test_missing_file(tmp_path):
    with pytest.raises(MirrorError, match="no saved model"):
        load_network(tmp_path / "nope.keras")
    with pytest.raises(MirrorError, match="no saved model"):
        load_network(tmp_path)  # a folder without model.keras


def test_corrupt_files(tmp_path, saved):
    garbage = tmp_path / "garbage.keras"
    garbage.write_bytes(b"not a zip at all" * 10)
    with pytest.raises(MirrorError, match="not a readable .keras file"):
        load_network(garbage)

    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes((saved[0] / "model.keras").read_bytes()[:300])
    with pytest.raises(MirrorError):
        load_network(truncated)

    no_weights = tmp_path / "no_weights.keras"
    with zipfile.ZipFile(saved[0] / "model.keras") as src, zipfile.ZipFile(no_weights, "w") as dst:
        dst.writestr("config.json", src.read("config.json"))
    with pytest.raises(MirrorError, match="no model.weights.h5"):
        load_network(no_weights)

    bad_h5 = tmp_path / "bad_h5.keras"
    with zipfile.ZipFile(saved[0] / "model.keras") as src, zipfile.ZipFile(bad_h5, "w") as dst:
        dst.writestr("config.json", src.read("config.json"))
        dst.writestr("model.weights.h5", b"\x00" * 64)
    with pytest.raises(MirrorError, match="unreadable model.weights.h5"):
        load_network(bad_h5)

    bad_json = tmp_path / "bad_json.keras"
    with zipfile.ZipFile(bad_json, "w") as dst:
        dst.writestr("config.json", "{not json")
        dst.writestr("model.weights.h5", b"")
    with pytest.raises(MirrorError, match="corrupt config.json"):
        load_network(bad_json)


def test_unsupported_models(tmp_path):
    conv = keras.Sequential([keras.Input(shape=(6, 2)), keras.layers.Conv1D(3, 2),
                             keras.layers.LSTM(2)])
    conv.save(tmp_path / "conv.keras")
    with pytest.raises(MirrorError, match="Conv1D"):
        load_network(tmp_path / "conv.keras")

    masked = keras.Sequential([keras.Input(shape=(6,), dtype="int32"),
                               keras.layers.Embedding(5, 2, mask_zero=True),
                               keras.layers.GRU(2)])
    masked.save(tmp_path / "masked.keras")
    with pytest.raises(MirrorError, match="mask_zero"):
        load_network(tmp_path / "masked.keras")

    inputs = keras.Input(shape=(4, 2))
    functional = keras.Model(inputs, keras.layers.SimpleRNN(2)(inputs))
    functional.save(tmp_path / "functional.keras")
    with pytest.raises(MirrorError, match="Sequential"):
        load_network(tmp_path / "functional.keras")
    assert issubclass(MirrorError, ValueError)


def test_bad_inputs_are_reported(saved):
    net = load_network(saved[0])
    with pytest.raises(ValueError, match=r"token ids must be in \[0, 9\)"):
        net.forward(np.array([1, 9]))
    with pytest.raises(ValueError, match="trace=True takes one sequence"):
        net.forward(np.array([[1, 2]]), trace=True)
    with pytest.raises(ValueError, match="state has"):
        net.step(1, [])
