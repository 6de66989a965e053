"""Build a Network from a saved ``model.keras`` file or from a live Keras model.

Both roads meet in ``build_network``, which takes each layer's Keras class name, config and
weights. Neither imports Keras: a ``.keras`` file is a zip holding ``config.json`` (the
architecture), ``metadata.json`` and ``model.weights.h5``, read here with zipfile, json and h5py.

Layout of ``model.weights.h5`` (Keras 3, checked on 3.15):

- ``layers/<key>/vars/<i>`` for Embedding (0: embeddings) and Dense (0: kernel, 1: bias);
- ``layers/<key>/cell/vars/<i>`` for SimpleRNN, LSTM, GRU (0: kernel, 1: recurrent_kernel,
  2: bias), the same order as ``layer.get_weights()``;
- ``layers/<key>/forward_layer/cell/vars/<i>`` and ``.../backward_layer/cell/vars/<i>`` for
  Bidirectional;
- layers without weights (Dropout) may have an empty group or none.

``<key>`` is not the layer's name: Keras names each entry of ``model.layers`` (InputLayer
excluded) by its class name in snake case, numbered from the second of a kind on ("dense",
"dense_1", "simple_rnn", "lstm_1", ...), see ``keras.src.saving.saving_lib``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any, Protocol, Sequence

import h5py
import numpy as np

from rnntui.nn.cells import RECURRENT_KINDS, make_cell
from rnntui.nn.errors import MirrorError
from rnntui.nn.layers import (Bidirectional, Dense, Embedding, Layer, PassThrough, Recurrent,
                              TimePooling)
from rnntui.nn.network import Network

MODEL_FILE = "model.keras"
FIT_ENTRY = "rnntui-fit.json"  # what the model was built for, written by rnntui's trainer


class Expectation(Protocol):
    """What the caller knows a model must be (rnntui.runs.fit.Fit for a run)."""

    def misfit(self, record: str | None, input_shape: Sequence, outputs: int | None,
               embedding_rows: int | None, layers: Sequence[str] | None = None) -> str | None:
        """One line saying why the model does not fit, or None."""

# Identity at inference, so mirrored as pass-through layers.
_PASS_THROUGH = frozenset({"Dropout", "SpatialDropout1D", "GaussianDropout", "GaussianNoise",
                           "AlphaDropout", "ActivityRegularization"})
_POOLING = frozenset({"GlobalMaxPooling1D", "GlobalAveragePooling1D"})
SUPPORTED_LAYERS = frozenset({"Embedding", "Dense", "Bidirectional"}) | RECURRENT_KINDS \
    | _PASS_THROUGH | _POOLING

# A layer's weights: one list, or (forward, backward) lists for Bidirectional.
LayerWeights = Any


def _weights(layer_name: str, weights: Sequence[np.ndarray], count: int) -> list[np.ndarray]:
    if len(weights) != count:
        raise MirrorError(f"layer {layer_name!r} has {len(weights)} weight arrays, "
                          f"expected {count}")
    return [np.asarray(w) for w in weights]


def _recurrent(name: str, class_name: str, config: dict, weights: Sequence[np.ndarray],
               go_backwards: bool) -> Recurrent:
    cell = make_cell(class_name, config, weights)
    return Recurrent(name, cell, config.get("return_sequences", False), go_backwards)


def build_layer(class_name: str, config: dict, weights: LayerWeights) -> Layer:
    """Mirror one Keras layer.

    Args:
        class_name: the Keras class name ("LSTM", "Dense", ...).
        config: the layer's config (``layer.get_config()`` or its ``config.json`` entry).
        weights: its weights in ``get_weights()`` order; for Bidirectional a pair of lists
            (forward, backward).

    Returns:
        The mirrored layer.

    Raises:
        MirrorError: an unsupported layer or setting, or weights that do not fit.
    """
    name = config.get("name", class_name)
    if class_name in _PASS_THROUGH:
        return PassThrough(name, class_name)
    if class_name in _POOLING:
        return TimePooling(name, class_name)
    if class_name == "Embedding":
        if config.get("mask_zero"):
            raise MirrorError(f"Embedding {name!r} uses mask_zero=True, which the mirror does "
                              "not support (it would skip padded steps)")
        return Embedding(name, _weights(name, weights, 1)[0])
    if class_name == "Dense":
        use_bias = config.get("use_bias", True)
        arrays = _weights(name, weights, 2 if use_bias else 1)
        return Dense(name, arrays[0], arrays[1] if use_bias else None, config.get("activation"))
    if class_name in RECURRENT_KINDS:
        return _recurrent(name, class_name, config, weights, config.get("go_backwards", False))
    if class_name == "Bidirectional":
        inner = config.get("layer") or {}
        inner_kind = inner.get("class_name")
        if inner_kind not in RECURRENT_KINDS:
            raise MirrorError(f"Bidirectional {name!r} wraps {inner_kind}, which the mirror "
                              "does not support")
        backward_entry = config.get("backward_layer") or inner
        forward_weights, backward_weights = weights
        forward_reversed = bool(inner["config"].get("go_backwards", False))
        # Keras makes the backward layer read in the other direction from the forward one.
        return Bidirectional(
            name,
            _recurrent(f"{name}/forward", inner_kind, inner["config"], forward_weights,
                       forward_reversed),
            _recurrent(f"{name}/backward", backward_entry.get("class_name", inner_kind),
                       backward_entry["config"], backward_weights, not forward_reversed),
            config.get("merge_mode", "concat"),
        )
    raise MirrorError(f"layer {name!r} is a {class_name}, which the NumPy mirror does not "
                      f"support (supported: {', '.join(sorted(SUPPORTED_LAYERS))})")


def _input_shape(layer_entries: list[dict], first_config: dict | None) -> tuple | None:
    """The model's input shape without the batch axis, from its InputLayer or first layer."""
    for entry in layer_entries:
        if entry.get("class_name") == "InputLayer":
            cfg = entry.get("config", {})
            shape = cfg.get("batch_shape") or cfg.get("batch_input_shape")
            return tuple(shape[1:]) if shape else None
    built = (first_config or {}).get("build_config", {}).get("input_shape")
    return tuple(built[1:]) if built else None


def build_network(model_config: dict, layers: Sequence[tuple[str, dict, LayerWeights]]) -> Network:
    """Assemble a Network from a Sequential config and its layers.

    Args:
        model_config: the Sequential's ``config`` (name, layers with the InputLayer).
        layers: (class name, config, weights) for each entry of ``model.layers``.

    Returns:
        The Network.
    """
    entries = model_config.get("layers", [])
    first = next((e for e in entries if e.get("class_name") != "InputLayer"), None)
    shape = _input_shape(entries, first)
    mirrored = [build_layer(kind, config, weights) for kind, config, weights in layers]
    return Network(mirrored, input_shape=shape, name=model_config.get("name", "model"))


def network_from_keras(model: Any) -> Network:
    """Mirror a built Keras Sequential model through its public API (no Keras import).

    Args:
        model: a built ``keras.Sequential``.

    Returns:
        The Network.

    Raises:
        MirrorError: not a Sequential model, or an unsupported layer.
    """
    if type(model).__name__ != "Sequential":
        raise MirrorError(f"the mirror reads Sequential models, not {type(model).__name__}")
    layers = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Bidirectional":
            weights = (layer.forward_layer.get_weights(), layer.backward_layer.get_weights())
        else:
            weights = layer.get_weights()
        layers.append((kind, layer.get_config(), weights))
    return build_network(model.get_config(), layers)


def to_snake_case(name: str) -> str:
    """Keras's ``naming.to_snake_case``: "SimpleRNN" → "simple_rnn"."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _h5_vars(group: h5py.Group | None) -> list[np.ndarray]:
    if group is None or "vars" not in group:
        return []
    variables = group["vars"]
    return [np.asarray(variables[key]) for key in sorted(variables, key=int)]


def _h5_weights(class_name: str, group: h5py.Group | None) -> LayerWeights:
    """A layer's weights from its h5 group (see the module docstring for the layout)."""
    def child(*path: str) -> h5py.Group | None:
        node = group
        for part in path:
            node = node.get(part) if node is not None else None
        return node

    if class_name == "Bidirectional":
        return (_h5_vars(child("forward_layer", "cell")), _h5_vars(child("backward_layer", "cell")))
    if class_name in RECURRENT_KINDS:
        return _h5_vars(child("cell"))
    return _h5_vars(group)


def _read_archive(path: Path) -> tuple[dict, bytes, str | None]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            for needed in ("config.json", "model.weights.h5"):
                if needed not in names:
                    raise MirrorError(f"{path} is not a complete Keras model: it has no {needed}")
            config_text = archive.read("config.json")
            weights = archive.read("model.weights.h5")
            record = (archive.read(FIT_ENTRY).decode("utf-8", "replace")
                      if FIT_ENTRY in names else None)
    except (zipfile.BadZipFile, EOFError) as error:
        raise MirrorError(f"{path} is not a readable .keras file (a zip archive): {error}; "
                          "is it corrupt, or an old-style .h5 model?") from None
    try:
        config = json.loads(config_text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise MirrorError(f"{path} has a corrupt config.json: {error}") from None
    except RecursionError:
        raise MirrorError(f"{path} has a corrupt config.json: nested too deeply") from None
    if not isinstance(config, dict):
        raise MirrorError(f"{path} has a corrupt config.json: not an object")
    return config, weights, record


def load_network(path: str | Path, expect: Expectation | None = None) -> Network:
    """Load a saved Keras model as a Network, without TensorFlow.

    Args:
        path: a ``model.keras`` file, or a run folder holding one.
        expect: what the model must be (its run's config and vocabulary); a model that does
            not fit it is refused.

    Returns:
        The Network.

    Raises:
        MirrorError: a missing, corrupt or unsupported file, or one that does not fit
            `expect` (the message is one line).
    """
    path = Path(path)
    if path.is_dir():
        path = path / MODEL_FILE
    if not path.is_file():
        raise MirrorError(f"no saved model at {path}")
    config, weights_bytes, record = _read_archive(path)
    if config.get("class_name") != "Sequential":
        raise MirrorError(f"{path} holds a {config.get('class_name')} model; the mirror reads "
                          "Sequential models")
    model_config = config.get("config", {})
    try:
        entries = [e for e in model_config.get("layers", [])
                   if e.get("class_name") != "InputLayer"]
        if not all(isinstance(e.get("config", {}), dict) for e in entries):
            raise TypeError("a layer's config is not an object")
    except (AttributeError, TypeError) as error:  # hand-edited: a list or a string in it
        raise MirrorError(f"{path} has a corrupt config.json (its layers: {error})") from None
    try:
        with h5py.File(io.BytesIO(weights_bytes), "r") as h5:
            stored = h5.get("layers")
            used: dict[str, int] = {}
            layers = []
            for entry in entries:
                kind = entry.get("class_name", "?")
                key = to_snake_case(kind)
                used[key] = used.get(key, -1) + 1
                if used[key]:
                    key = f"{key}_{used[key]}"
                group = stored.get(key) if stored is not None else None
                layers.append((kind, entry.get("config", {}), _h5_weights(kind, group)))
    except OSError as error:
        raise MirrorError(f"{path} has an unreadable model.weights.h5: {error}") from None
    try:
        net = build_network(model_config, layers)
    except (AttributeError, TypeError, KeyError, IndexError) as error:
        raise MirrorError(f"{path} has a corrupt config.json ({type(error).__name__}: "
                          f"{error})") from None
    if expect is not None:
        why = expect.misfit(record, net.input_shape, _outputs(net),
                            None if net.embedding is None else net.embedding.table.shape[0],
                            layers=network_layers(net))
        if why:
            raise MirrorError(why)
    return net


def network_layers(net: Network) -> tuple[str, ...]:
    """The mirrored network's layers that carry weights, as `describe_layers` names them
    ("Embedding(26, 2)", "SimpleRNN(5)", "Bidirectional(LSTM(32))", "Dense(26)")."""
    named = []
    if net.embedding is not None:
        rows, width = net.embedding.table.shape
        named.append(f"Embedding({rows}, {width})")
    for layer in net.body:
        if isinstance(layer, Bidirectional):
            inner = layer.forward_layer
            named.append(f"Bidirectional({inner.kind}({inner.units}))")
        elif isinstance(layer, Recurrent):
            named.append(f"{layer.kind}({layer.units})")
        elif isinstance(layer, Dense):
            named.append(f"Dense({layer.units})")
    return tuple(named)


def _outputs(net: Network) -> int | None:
    """The width of the network's last Dense layer (its output), or None without one."""
    for layer in reversed(net.layers):
        if isinstance(layer, Dense):
            return int(layer.kernel.shape[1])
    return None
