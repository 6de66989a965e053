"""Memory through time: how much the network's last output depends on each input step.

``input_influence`` returns, for every input step t, the Frobenius norm of the Jacobian
∂y_T/∂x_t, where y_T is the network's final output vector (the output at the last step for
per-step models) and x_t the vector read at step t (the embedding vector for token models).
A SimpleRNN's influence typically fades fast with distance from the end (vanishing
gradients); an LSTM's fades far more slowly.

It is computed exactly, by backpropagation through the NumPy recurrence (each layer's
``backward``), with one cotangent row per output component: the cost is one forward pass
plus about K times a forward pass for K outputs (K·T·units² multiply-adds per layer). For a
large vocabulary, pass ``outputs`` (e.g. the top few predicted ids) to differentiate only
those components. Tests check it against central finite differences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from rnntui.nn.network import Network


@dataclass(frozen=True)
class InputInfluence:
    """Influence of each input step on the final output.

    Attributes:
        norms: (T,) ‖∂y_T/∂x_t‖ for each input step t (Frobenius norm).
        normalised: ``norms`` divided by their maximum (all zeros if every norm is 0).
    """

    norms: np.ndarray
    normalised: np.ndarray

    def to_dict(self, decimals: int | None = 8) -> dict:
        """A JSON-able dict of both lists."""
        def listed(a: np.ndarray) -> list:
            return (a if decimals is None else np.round(a, decimals)).tolist()
        return {"norms": listed(self.norms), "normalised": listed(self.normalised)}


def input_influence(net: Network, x: Any, outputs: Sequence[int] | None = None) -> InputInfluence:
    """‖∂y_T/∂x_t‖ for every input step t of one sequence, by exact backprop.

    Args:
        net: the network.
        x: one input sequence, as ``Network.forward`` takes it.
        outputs: indices of the output components to differentiate (default: all).

    Returns:
        The norms and their normalised version, each (T,).

    Raises:
        ValueError: a batch instead of one sequence, or a bad input.
    """
    batch, single = net.as_batch(x)
    if not single:
        raise ValueError("input_influence takes one sequence, not a batch")
    vectors = net.input_vectors(batch)
    caches = [{} for _ in net.body]
    y = net.run_body(vectors, caches)
    width = y.shape[-1]
    picked = np.arange(width) if outputs is None else np.asarray(outputs, dtype=np.int64)
    # One cotangent row per output component k: the row selects y_T[k].
    seed = np.eye(width)[picked]
    if y.ndim == 3:  # per-step outputs: only the last step's output is differentiated
        d_out = np.zeros((len(picked),) + y.shape[1:])
        d_out[:, -1] = seed
    else:
        d_out = seed
    for layer, cache in zip(reversed(net.body), reversed(caches)):
        d_out = layer.backward(cache, d_out)
    norms = np.sqrt(np.sum(d_out ** 2, axis=(0, 2)))
    peak = norms.max() if norms.size else 0.0
    normalised = norms / peak if peak > 0 else np.zeros_like(norms)
    return InputInfluence(norms, normalised)
