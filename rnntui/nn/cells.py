"""One time step of SimpleRNN, LSTM and GRU, in Keras's weight layout, forward and backward.

Every cell keeps Keras's three weights as they are (``kernel`` (F, G·u), ``recurrent_kernel``
(u, G·u), ``bias``), where G is the number of column blocks: 1 for SimpleRNN, 4 for LSTM
([i | f | c | o]) and 3 for GRU ([z | r | h]). The input part of every step,
``x @ kernel + input_bias``, does not depend on the state, so layers compute it for all time
steps in one matrix product (``project``) and hand each step its row (``xp``).

Shapes: ``xp`` is (..., G·u) and each state array (..., u) where ``...`` is any batch shape
(empty for one sequence being stepped). ``backward_step`` broadcasts recorded values of one
sequence (1, u) against a stack of K cotangents (K, u).
"""

from __future__ import annotations

import copy
from typing import Callable, Sequence

import numpy as np

from rnntui.nn.activations import get_activation
from rnntui.nn.errors import MirrorError

State = tuple[np.ndarray, ...]
GateValues = dict[str, np.ndarray]


class RecurrentCell:
    """What the three cells share: weights, shape checks, the input projection.

    Attributes:
        kind: the Keras layer class ("SimpleRNN", "LSTM", "GRU").
        blocks: names of the kernel's column blocks in Keras order.
        gate_names: the values ``step`` records per time step (the gate trace).
        state_names: the state carried between steps; each is also a gate name.
        units: u.
        input_dim: F.

    Args:
        kernel: (F, G·u) input weights.
        recurrent_kernel: (u, G·u) state weights.
        bias: the Keras bias, or None for ``use_bias=False``.
        activation: the Keras activation of the candidate / state.

    Raises:
        MirrorError: weights whose shapes do not fit, or an unsupported activation.
    """

    kind = ""
    blocks: tuple[str, ...] = ()
    gate_names: tuple[str, ...] = ()
    state_names: tuple[str, ...] = ("h",)

    def __init__(self, kernel: np.ndarray, recurrent_kernel: np.ndarray,
                 bias: np.ndarray | None, activation: object = "tanh") -> None:
        self.kernel = np.asarray(kernel, dtype=np.float64)
        self.recurrent_kernel = np.asarray(recurrent_kernel, dtype=np.float64)
        self.bias = None if bias is None else np.asarray(bias, dtype=np.float64)
        width = len(self.blocks) * self.recurrent_kernel.shape[0]
        self.units = self.recurrent_kernel.shape[0]
        if self.recurrent_kernel.shape != (self.units, width) or self.kernel.ndim != 2 \
                or self.kernel.shape[1] != width:
            raise MirrorError(
                f"{self.kind} weights do not fit together: kernel {self.kernel.shape}, "
                f"recurrent kernel {self.recurrent_kernel.shape} (expected (F, {width}) and "
                f"({self.units}, {width}) for {self.units} units)"
            )
        self.input_dim = self.kernel.shape[0]
        self.activation = get_activation(activation)
        self.input_bias = self._split_bias()

    def _split_bias(self) -> np.ndarray:
        """The bias added to ``x @ kernel`` (zeros without a bias); cells override it."""
        width = self.kernel.shape[1]
        if self.bias is None:
            return np.zeros(width)
        if self.bias.shape != (width,):
            raise MirrorError(f"{self.kind} bias has shape {self.bias.shape}, expected ({width},)")
        return self.bias

    @property
    def weights(self) -> list[np.ndarray]:
        """The weights in Keras's order (as ``layer.get_weights()`` returns them)."""
        return [self.kernel, self.recurrent_kernel] + ([] if self.bias is None else [self.bias])

    def with_weights(self, kernel: np.ndarray, recurrent_kernel: np.ndarray,
                     bias: np.ndarray | None) -> "RecurrentCell":
        """A copy of this cell (same kind, activations and settings) with other weights of
        the same shapes (e.g. an untrained network's, for a chance level)."""
        new = copy.copy(self)
        new.kernel = np.asarray(kernel, dtype=np.float64)
        new.recurrent_kernel = np.asarray(recurrent_kernel, dtype=np.float64)
        new.bias = None if bias is None else np.asarray(bias, dtype=np.float64)
        new.input_bias = new._split_bias()
        return new

    def project(self, x: np.ndarray) -> np.ndarray:
        """The state-free part of a step: ``x @ kernel + input_bias``.

        Args:
            x: inputs, (..., F).

        Returns:
            (..., G·u).
        """
        return x @ self.kernel + self.input_bias

    def zero_state(self, batch_shape: tuple[int, ...] = ()) -> State:
        """The all-zero initial state Keras starts from."""
        return tuple(np.zeros(batch_shape + (self.units,)) for _ in self.state_names)

    def block(self, array: np.ndarray, index: int) -> np.ndarray:
        """Column block ``index`` (a gate's slice) of a kernel, bias or projection."""
        u = self.units
        return array[..., index * u:(index + 1) * u]

    def step(self, xp: np.ndarray, state: State, gates: GateValues | None = None) -> State:
        """One time step.

        Args:
            xp: this step's projected input, (..., G·u).
            state: the previous state.
            gates: when a dict, filled with this step's ``gate_names`` values.

        Returns:
            The new state.
        """
        raise NotImplementedError

    def backward_step(self, prev: State, gates: GateValues,
                      d_state: State) -> tuple[np.ndarray, State]:
        """Backprop through one step, using the values ``step`` recorded.

        Args:
            prev: the state before the step, (1, u) each.
            gates: the recorded values of the step, (1, u) each.
            d_state: cotangents of the new state, (K, u) each.

        Returns:
            The cotangent of ``xp`` (K, G·u) and of the previous state.
        """
        raise NotImplementedError


class SimpleRNNCell(RecurrentCell):
    """h_t = act(x_t W + h_{t-1} U + b). Records "pre" (the pre-activation) and "h"."""

    kind = "SimpleRNN"
    blocks = ("h",)
    gate_names = ("pre", "h")

    def step(self, xp: np.ndarray, state: State, gates: GateValues | None = None) -> State:
        pre = xp + state[0] @ self.recurrent_kernel
        h = self.activation.fn(pre)
        if gates is not None:
            gates["pre"] = pre
            gates["h"] = h
        return (h,)

    def backward_step(self, prev: State, gates: GateValues,
                      d_state: State) -> tuple[np.ndarray, State]:
        d_pre = d_state[0] * self.activation.grad(gates["h"])
        return d_pre, (d_pre @ self.recurrent_kernel.T,)


class LSTMCell(RecurrentCell):
    """Keras's LSTM: i, f, o = σ(·), g = tanh(·), c_t = f·c_{t-1} + i·g, h_t = o·tanh(c_t).

    Records "i", "f", "g" (the candidate, Keras's "c" block), "o", "c", "h".
    """

    kind = "LSTM"
    blocks = ("i", "f", "c", "o")
    gate_names = ("i", "f", "g", "o", "c", "h")
    state_names = ("h", "c")

    def __init__(self, kernel: np.ndarray, recurrent_kernel: np.ndarray,
                 bias: np.ndarray | None, activation: object = "tanh",
                 recurrent_activation: object = "sigmoid") -> None:
        super().__init__(kernel, recurrent_kernel, bias, activation)
        self.recurrent_activation = get_activation(recurrent_activation)

    def step(self, xp: np.ndarray, state: State, gates: GateValues | None = None) -> State:
        h, c = state
        z = xp + h @ self.recurrent_kernel
        u = self.units
        gate = self.recurrent_activation.fn
        input_forget = gate(z[..., :2 * u])  # one call for the two adjacent gate blocks
        i = input_forget[..., :u]
        f = input_forget[..., u:]
        g = self.activation.fn(z[..., 2 * u:3 * u])
        o = gate(z[..., 3 * u:])
        c_new = f * c + i * g
        h_new = o * self.activation.fn(c_new)
        if gates is not None:
            gates.update(i=i, f=f, g=g, o=o, c=c_new, h=h_new)
        return (h_new, c_new)

    def backward_step(self, prev: State, gates: GateValues,
                      d_state: State) -> tuple[np.ndarray, State]:
        d_h, d_c = d_state
        i, f, g, o = gates["i"], gates["f"], gates["g"], gates["o"]
        act_c = self.activation.fn(gates["c"])
        d_c = d_c + d_h * o * self.activation.grad(act_c)
        gate_grad = self.recurrent_activation.grad
        d_z = np.concatenate([
            d_c * g * gate_grad(i),
            d_c * prev[1] * gate_grad(f),
            d_c * i * self.activation.grad(g),
            d_h * act_c * gate_grad(o),
        ], axis=-1)
        return d_z, (d_z @ self.recurrent_kernel.T, d_c * f)


class GRUCell(RecurrentCell):
    """Keras's GRU: z, r = σ(·), h_t = z·h_{t-1} + (1 − z)·candidate.

    With ``reset_after=True`` (Keras's default) the reset gate multiplies the recurrent
    product: candidate = tanh(x W_h + b_h + r·(h U_h + b'_h)), with a (2, 3u) bias whose rows
    are the input and the recurrent bias. With ``reset_after=False`` it multiplies the state
    before the product: candidate = tanh(x W_h + (r·h) U_h + b_h), with a (3u,) bias.
    Records "z", "r", "candidate", "h".
    """

    kind = "GRU"
    blocks = ("z", "r", "h")
    gate_names = ("z", "r", "candidate", "h")

    def __init__(self, kernel: np.ndarray, recurrent_kernel: np.ndarray,
                 bias: np.ndarray | None, activation: object = "tanh",
                 recurrent_activation: object = "sigmoid", reset_after: bool = True) -> None:
        self.reset_after = bool(reset_after)
        super().__init__(kernel, recurrent_kernel, bias, activation)
        self.recurrent_activation = get_activation(recurrent_activation)

    def _split_bias(self) -> np.ndarray:
        u = self.units
        # Split once here (also for new weights) so the per-step code does no slicing.
        self._recurrent_zr = self.recurrent_kernel[:, :2 * u]
        self._recurrent_h = self.recurrent_kernel[:, 2 * u:]
        width = self.kernel.shape[1]
        self.recurrent_bias = np.zeros(width)
        if not self.reset_after or self.bias is None:
            return super()._split_bias()
        if self.bias.shape != (2, width):
            raise MirrorError(
                f"GRU(reset_after=True) bias has shape {self.bias.shape}, expected (2, {width})"
            )
        self.recurrent_bias = self.bias[1]
        return self.bias[0]

    def step(self, xp: np.ndarray, state: State, gates: GateValues | None = None) -> State:
        h = state[0]
        u = self.units
        gate = self.recurrent_activation.fn
        if self.reset_after:
            rec = h @ self.recurrent_kernel + self.recurrent_bias
            z = gate(xp[..., :u] + rec[..., :u])
            r = gate(xp[..., u:2 * u] + rec[..., u:2 * u])
            candidate = self.activation.fn(xp[..., 2 * u:] + r * rec[..., 2 * u:])
        else:
            rec = h @ self._recurrent_zr
            z = gate(xp[..., :u] + rec[..., :u])
            r = gate(xp[..., u:2 * u] + rec[..., u:])
            candidate = self.activation.fn(xp[..., 2 * u:] + (r * h) @ self._recurrent_h)
        h_new = z * h + (1.0 - z) * candidate
        if gates is not None:
            gates.update(z=z, r=r, candidate=candidate, h=h_new)
        return (h_new,)

    def backward_step(self, prev: State, gates: GateValues,
                      d_state: State) -> tuple[np.ndarray, State]:
        h_prev = prev[0]
        d_h = d_state[0]
        z, r, candidate = gates["z"], gates["r"], gates["candidate"]
        gate_grad = self.recurrent_activation.grad
        d_cand_pre = d_h * (1.0 - z) * self.activation.grad(candidate)
        d_z_pre = d_h * (h_prev - candidate) * gate_grad(z)
        d_h_prev = d_h * z
        if self.reset_after:
            rec_h = h_prev @ self._recurrent_h + self.recurrent_bias[2 * self.units:]
            d_r_pre = d_cand_pre * rec_h * gate_grad(r)
            d_rec = np.concatenate([d_z_pre, d_r_pre, d_cand_pre * r], axis=-1)
            d_h_prev = d_h_prev + d_rec @ self.recurrent_kernel.T
        else:
            d_reset_h = d_cand_pre @ self._recurrent_h.T
            d_r_pre = d_reset_h * h_prev * gate_grad(r)
            d_zr = np.concatenate([d_z_pre, d_r_pre], axis=-1)
            d_h_prev = d_h_prev + d_reset_h * r + d_zr @ self._recurrent_zr.T
        d_xp = np.concatenate([d_z_pre, d_r_pre, d_cand_pre], axis=-1)
        return d_xp, (d_h_prev,)


_CELLS: dict[str, Callable[..., RecurrentCell]] = {
    "SimpleRNN": lambda w, cfg: SimpleRNNCell(*w, activation=cfg.get("activation", "tanh")),
    "LSTM": lambda w, cfg: LSTMCell(
        *w, activation=cfg.get("activation", "tanh"),
        recurrent_activation=cfg.get("recurrent_activation", "sigmoid")),
    "GRU": lambda w, cfg: GRUCell(
        *w, activation=cfg.get("activation", "tanh"),
        recurrent_activation=cfg.get("recurrent_activation", "sigmoid"),
        reset_after=cfg.get("reset_after", True)),
}
RECURRENT_KINDS = frozenset(_CELLS)


def make_cell(kind: str, config: dict, weights: Sequence[np.ndarray]) -> RecurrentCell:
    """Build a cell from a Keras recurrent layer's class name, config and weights.

    Args:
        kind: "SimpleRNN", "LSTM" or "GRU".
        config: the layer's ``get_config()`` (activation, recurrent_activation, use_bias,
            reset_after are read).
        weights: ``[kernel, recurrent_kernel]`` plus ``bias`` when ``use_bias``.

    Returns:
        The cell.

    Raises:
        MirrorError: an unknown kind, or weights that do not fit the config.
    """
    if kind not in _CELLS:
        raise MirrorError(f"{kind} is not a recurrent cell the mirror knows "
                          f"({', '.join(sorted(_CELLS))})")
    expected = 3 if config.get("use_bias", True) else 2
    if len(weights) != expected:
        raise MirrorError(f"{kind} layer {config.get('name', '?')!r} has {len(weights)} weight "
                          f"arrays, expected {expected}")
    bias = weights[2] if expected == 3 else None
    return _CELLS[kind]([weights[0], weights[1], bias], config)
