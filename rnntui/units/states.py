"""Every unit's state at every step of a set of texts, through the exact NumPy mirror.

A unit is named by where it sits: its recurrent layer (0 for the one nearest the input), the
direction (forward, or backward in a Bidirectional layer), the state ("h", and "c" for LSTM)
and its index. The states of all texts are stacked step after step into one (steps × units)
matrix, so one matrix product correlates every unit with a feature.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from rnntui.nn.layers import Bidirectional, Embedding, Recurrent
from rnntui.nn.network import Network
from rnntui.tasks.features import UnitText

# Texts run through the mirror together (of one length): the mirror records every gate of
# every step, so a chunk of 128 poems of 25 steps of an LSTM(256) holds about 40 MB at once.
CHUNK = 128


@dataclass(frozen=True, order=True)
class UnitId:
    """Where a unit sits. `layer` counts recurrent layers from the input (0 first)."""

    layer: int
    direction: str
    state: str
    unit: int

    def words(self, bidirectional: bool = False, state: bool = True) -> str:
        """'layer 0 unit 17' (with ' backward' and ' c' where they matter)."""
        side = f" {self.direction}" if bidirectional else ""
        cell = f" {self.state}" if state and self.state != "h" else ""
        return f"layer {self.layer}{side} unit {self.unit}{cell}"

    def to_dict(self, bidirectional: bool = False) -> dict:
        out = {"layer": self.layer, "unit": self.unit, "state": self.state}
        if bidirectional:
            out["direction"] = self.direction
        return out


def recurrent_directions(net: Network) -> list[tuple[int, str, Recurrent]]:
    """(layer number, direction, the Recurrent layer) of every direction, input to output."""
    out = []
    for number, layer in enumerate(net.recurrent_layers):
        if isinstance(layer, Bidirectional):
            out.extend((number, d, sub) for d, sub in layer.directions.items())
        else:
            out.append((number, "backward" if layer.go_backwards else "forward", layer))
    return out


def is_bidirectional(net: Network) -> bool:
    return any(isinstance(layer, Bidirectional) for layer in net.recurrent_layers)


@dataclass(frozen=True)
class States:
    """Values of units (columns) at every step of some texts (rows, text after text).

    Attributes:
        units: what each column is.
        values: (steps, units).
        offsets: where each text's rows start; text i is rows offsets[i]:offsets[i + 1].
        output: the network's outputs per text (as ``Network.forward`` gives them), or None.
    """

    units: tuple[UnitId, ...]
    values: np.ndarray
    offsets: np.ndarray
    outputs: tuple[np.ndarray, ...] | None = None

    @property
    def steps(self) -> int:
        return self.values.shape[0]

    def text(self, index: int) -> np.ndarray:
        """(T, units) of text `index`."""
        return self.values[self.offsets[index]:self.offsets[index + 1]]

    def columns(self, state: str | None = None, layer: int | None = None) -> np.ndarray:
        """Column indices of the units of one state and/or layer."""
        return np.asarray([i for i, u in enumerate(self.units)
                           if (state is None or u.state == state)
                           and (layer is None or u.layer == layer)], dtype=np.int64)


def _groups(texts: Sequence[UnitText]) -> Iterable[list[int]]:
    """Indices of texts of one input shape, in chunks of at most CHUNK."""
    by_shape: dict[tuple, list[int]] = {}
    for i, text in enumerate(texts):
        by_shape.setdefault(np.shape(text.x), []).append(i)
    for members in by_shape.values():
        for start in range(0, len(members), CHUNK):
            yield members[start:start + CHUNK]


def collect(net: Network, texts: Sequence[UnitText],
            names: Sequence[str] | None = None, outputs: bool = False) -> States:
    """Run every text through the mirror and keep the recorded values named `names` (default:
    the states, "h" and "c" for LSTM) of every direction of every recurrent layer.

    Args:
        net: the mirror.
        texts: the inputs; each text starts from the zero state, as in training.
        names: gate or state names to keep (a layer keeps those it has: "f" only on LSTM).
        outputs: also keep each text's network output.

    Raises:
        ValueError: no recurrent layer, or no text with a step.
    """
    directions = recurrent_directions(net)
    if not directions:
        raise ValueError("this network has no recurrent layer: there are no units to read")
    lengths = np.asarray([len(t) for t in texts], dtype=np.int64)
    if not len(texts) or lengths.sum() == 0:
        raise ValueError("the text is empty: nothing to read")
    units: list[UnitId] = []
    blocks: list[tuple[int, str, int]] = []  # (direction index, name, first column)
    for index, (number, direction, layer) in enumerate(directions):
        for name in (names or layer.cell.state_names):
            if name in layer.cell.gate_names:
                blocks.append((index, name, len(units)))
                units.extend(UnitId(number, direction, name, u) for u in range(layer.units))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    values = np.empty((int(offsets[-1]), len(units)))
    kept_outputs: list[np.ndarray | None] = [None] * len(texts)
    body_index = {id(layer): i for i, layer in enumerate(net.body)}
    # The layers above the last recurrent one (the head: a softmax over thousands of
    # characters costs more than the LSTM itself) only run when the outputs are wanted.
    last = max(i for i, layer in enumerate(net.body)
               if isinstance(layer, (Recurrent, Bidirectional)))
    run = net.body if outputs else net.body[:last + 1]
    for members in _groups(texts):
        if not lengths[members[0]]:
            continue
        batch = np.stack([np.asarray(texts[i].x) for i in members])
        batch, _ = net.as_batch(batch)
        caches = [{} for _ in net.body]
        out = net.input_vectors(batch)
        for index, layer in enumerate(run):
            out = layer.forward(out, caches[index])
        if outputs:
            for k, i in enumerate(members):
                kept_outputs[i] = out[k]
        rows = np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in members])
        for index, name, first in blocks:
            _, direction, layer = directions[index]
            cache = _cache_of(net, caches, body_index, layer)
            recorded = cache["gates"][name]  # (T, B, u) in reading order
            if layer.go_backwards:
                recorded = recorded[::-1]
            values[rows, first:first + layer.units] = \
                recorded.transpose(1, 0, 2).reshape(-1, layer.units)
    return States(tuple(units), values, offsets,
                  tuple(kept_outputs) if outputs else None)  # type: ignore[arg-type]


def _cache_of(net: Network, caches: list[dict], body_index: dict, layer: Recurrent) -> dict:
    """The cache the forward pass filled for `layer` (inside its Bidirectional, if any)."""
    if id(layer) in body_index:
        return caches[body_index[id(layer)]]
    for wrapper in net.body:
        if isinstance(wrapper, Bidirectional):
            for direction, sub in wrapper.directions.items():
                if sub is layer:
                    return caches[body_index[id(wrapper)]][direction]
    raise KeyError(layer.name)


def untrained_like(net: Network, seed: int = 0) -> Network:
    """A network of the same shape as `net` with the weights Keras starts from (seeded):
    Glorot-uniform input kernels, orthogonal recurrent kernels, zero biases (the LSTM's
    forget gate at 1), embeddings uniform in ±0.05. Its units' best |r| is the chance level
    a trained unit's r is read against."""
    rng = np.random.default_rng(seed)
    fresh = copy.deepcopy(net)
    for _, _, layer in recurrent_directions(fresh):
        cell = layer.cell
        fan_in, width = cell.kernel.shape
        limit = np.sqrt(6.0 / (fan_in + width))
        kernel = rng.uniform(-limit, limit, size=cell.kernel.shape)
        recurrent = _orthogonal(rng, cell.recurrent_kernel.shape)
        bias = None
        if cell.bias is not None:
            bias = np.zeros(cell.bias.shape)
            if cell.kind == "LSTM":  # Keras's unit_forget_bias
                bias[cell.units:2 * cell.units] = 1.0
        layer.cell = cell.with_weights(kernel, recurrent, bias)
    for layer in fresh.layers:
        if isinstance(layer, Embedding):
            layer.table = rng.uniform(-0.05, 0.05, size=layer.table.shape)
    fresh._token_table = None  # the projection of the old embedding
    return fresh


def _orthogonal(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Keras's Orthogonal initializer: Q of a QR of a normal matrix, signs fixed."""
    rows, cols = shape
    flat = rng.normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    return q.T if rows < cols else q
