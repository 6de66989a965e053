"""Like ``model.summary()`` and the seeds' weights.txt, from a mirrored network."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from rnntui.nn.cells import GRUCell
from rnntui.nn.layers import Bidirectional, Dense, Embedding, Layer, Recurrent
from rnntui.nn.network import Network


@dataclass(frozen=True)
class SummaryRow:
    """One line of the summary.

    Attributes:
        name: the layer's name.
        kind: its class, "Bidirectional(LSTM)" for a wrapped layer.
        output_shape: Keras style, with None for the batch (and for an unfixed length).
        params: its parameter count (Keras's ``count_params()``).
    """

    name: str
    kind: str
    output_shape: tuple
    params: int


def summary_rows(net: Network) -> list[SummaryRow]:
    """One row per layer, input to output (Dropout layers included, as Keras lists them)."""
    rows = []
    shape = net.input_shape
    for layer in net.layers:
        shape = layer.output_shape(shape)
        rows.append(SummaryRow(layer.name, layer_kind(layer), (None,) + tuple(shape),
                               layer.param_count))
    return rows


def total_params(net: Network) -> int:
    """All parameters of the network (``model.count_params()``)."""
    return sum(layer.param_count for layer in net.layers)


def _recurrent_weights(layer: Recurrent) -> list[tuple[str, np.ndarray]]:
    """A recurrent layer's weights, kernels split into one block per gate."""
    cell = layer.cell
    split = len(cell.blocks) > 1

    def blocks(label: str, array: np.ndarray) -> list[tuple[str, np.ndarray]]:
        if not split:
            return [(f"{layer.name}/{label}", array)]
        return [(f"{layer.name}/{label}[{gate}]", cell.block(array, index))
                for index, gate in enumerate(cell.blocks)]

    named = blocks("kernel", cell.kernel) + blocks("recurrent_kernel", cell.recurrent_kernel)
    if cell.bias is not None:
        if isinstance(cell, GRUCell) and cell.reset_after:
            # Keras's (2, 3u) bias: row 0 is added to x·W, row 1 to h·U.
            named += blocks("input_bias", cell.bias[0]) + blocks("recurrent_bias", cell.bias[1])
        else:
            named += blocks("bias", cell.bias)
    return named


def named_weights(net: Network) -> list[tuple[str, np.ndarray]]:
    """Every weight as ("layer/weight[gate]", array), in layer order.

    LSTM blocks are Keras's [i | f | c | o] (c is the candidate, "g" in the gate trace) and
    GRU blocks [z | r | h] (h is the candidate).
    """
    named: list[tuple[str, np.ndarray]] = []
    for layer in net.layers:
        if isinstance(layer, Embedding):
            named.append((f"{layer.name}/embeddings", layer.table))
        elif isinstance(layer, Dense):
            named.append((f"{layer.name}/kernel", layer.kernel))
            if layer.bias is not None:
                named.append((f"{layer.name}/bias", layer.bias))
        elif isinstance(layer, Recurrent):
            named += _recurrent_weights(layer)
        elif isinstance(layer, Bidirectional):
            named += _recurrent_weights(layer.forward_layer)
            named += _recurrent_weights(layer.backward_layer)
    return named


def weights_text(net: Network, precision: int = 8) -> str:
    """Every trainable weight as text: name, shape, then all its values (like weights.txt).

    Args:
        net: the network.
        precision: decimals printed per value.

    Returns:
        Blocks separated by blank lines.
    """
    blocks = []
    for name, array in named_weights(net):
        values = np.array2string(np.asarray(array, dtype=np.float64), precision=precision,
                                 threshold=sys.maxsize, max_line_width=100,
                                 suppress_small=False)
        blocks.append(f"{name}\n{tuple(array.shape)}\n{values}")
    return "\n\n".join(blocks) + "\n"


def layer_kind(layer: Layer) -> str:
    """A layer's kind as the summary shows it."""
    return f"Bidirectional({layer.cell_kind})" if isinstance(layer, Bidirectional) else layer.kind
