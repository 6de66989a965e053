"""The layers of a mirrored network: Embedding, Dense, pass-through, pooling over time,
Recurrent, Bidirectional.

Every layer works on a batch: sequences are (B, T, F) and vectors (B, F). ``forward`` takes an
optional ``cache`` dict; when given, the layer stores in it what ``backward`` (and the gate
trace) needs. ``backward`` maps cotangents of the output to cotangents of the input for a
forward pass run on one sequence (B = 1): it takes and returns arrays whose first axis is K,
one row per output component being differentiated (see ``memory.py``).
"""

from __future__ import annotations

import numpy as np

from rnntui.nn.activations import activation_name, get_activation, softmax
from rnntui.nn.cells import RecurrentCell
from rnntui.nn.errors import MirrorError

Shape = tuple  # a shape without the batch axis; None where the length is not fixed


class Layer:
    """Base class.

    Attributes:
        name: the Keras layer name.
        kind: the Keras class name shown in summaries.
    """

    kind = ""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def weights(self) -> list[np.ndarray]:
        """The weights in Keras's order (``layer.get_weights()``)."""
        return []

    @property
    def param_count(self) -> int:
        """Number of parameters, as Keras's ``count_params()``."""
        return int(sum(w.size for w in self.weights))

    def output_shape(self, input_shape: Shape) -> Shape:
        """The output shape for an input shape (both without the batch axis)."""
        return input_shape

    def forward(self, x: np.ndarray, cache: dict | None = None) -> np.ndarray:
        """Run the layer on a batch (see the module docstring for ``cache``)."""
        return x

    def backward(self, cache: dict, d_out: np.ndarray) -> np.ndarray:
        """Cotangents of the input from cotangents of the output (K first)."""
        return d_out


class PassThrough(Layer):
    """A layer that is the identity at inference: Dropout and its relatives."""

    def __init__(self, name: str, kind: str) -> None:
        super().__init__(name)
        self.kind = kind


class TimePooling(Layer):
    """The max or the mean of every step's vector: (B, T, F) → (B, F)."""

    def __init__(self, name: str, kind: str) -> None:
        super().__init__(name)
        self.kind = kind  # GlobalMaxPooling1D or GlobalAveragePooling1D
        self.mode = "max" if "Max" in kind else "mean"

    def output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape[1:])

    def forward(self, x: np.ndarray, cache: dict | None = None) -> np.ndarray:
        if cache is not None:
            cache["x"] = x
        return x.max(axis=1) if self.mode == "max" else x.mean(axis=1)

    def backward(self, cache: dict, d_out: np.ndarray) -> np.ndarray:
        x = cache["x"][0]  # (T, F): one sequence
        if self.mode == "mean":
            return np.repeat(d_out[:, None, :] / x.shape[0], x.shape[0], axis=1)
        d_in = np.zeros((d_out.shape[0],) + x.shape)
        # The max passes its gradient to the step that won it (the first, on a tie, as
        # Keras's max does not say which).
        winners = np.argmax(x, axis=0)
        d_in[:, winners, np.arange(x.shape[1])] = d_out
        return d_in


class Embedding(Layer):
    """A lookup table of token vectors. Only ever the first layer."""

    kind = "Embedding"

    def __init__(self, name: str, table: np.ndarray) -> None:
        super().__init__(name)
        self.table = np.asarray(table, dtype=np.float64)
        if self.table.ndim != 2:
            raise MirrorError(f"Embedding {name!r} table has shape {self.table.shape}, "
                              "expected 2-D")

    @property
    def weights(self) -> list[np.ndarray]:
        return [self.table]

    @property
    def vocab_size(self) -> int:
        return self.table.shape[0]

    @property
    def dim(self) -> int:
        return self.table.shape[1]

    def output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape) + (self.dim,)

    def check_ids(self, ids: np.ndarray) -> np.ndarray:
        """Integer ids in range, as an int array.

        Raises:
            ValueError: non-integer ids or ids outside [0, vocab_size).
        """
        ids = np.asarray(ids)
        if ids.size and not np.issubdtype(ids.dtype, np.integer):
            as_int = ids.astype(np.int64)
            if not np.array_equal(as_int, ids):
                raise ValueError(f"Embedding {self.name!r} takes integer token ids")
            ids = as_int
        if ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size):
            raise ValueError(f"token ids must be in [0, {self.vocab_size}); "
                             f"got {ids.min()}..{ids.max()}")
        return ids

    def forward(self, x: np.ndarray, cache: dict | None = None) -> np.ndarray:
        return self.table[self.check_ids(x)]

    def backward(self, cache: dict, d_out: np.ndarray) -> np.ndarray:
        raise MirrorError("gradients stop at the embedding vectors (ids are not differentiable)")


class Dense(Layer):
    """y = act(x W + b), on the last axis, so also per time step on (B, T, F)."""

    kind = "Dense"

    def __init__(self, name: str, kernel: np.ndarray, bias: np.ndarray | None,
                 activation: object = None) -> None:
        super().__init__(name)
        self.kernel = np.asarray(kernel, dtype=np.float64)
        self.bias = None if bias is None else np.asarray(bias, dtype=np.float64)
        if self.kernel.ndim != 2 or (self.bias is not None
                                     and self.bias.shape != (self.kernel.shape[1],)):
            raise MirrorError(f"Dense {name!r} weights do not fit: kernel {self.kernel.shape}, "
                              f"bias {None if self.bias is None else self.bias.shape}")
        self.activation_name = activation_name(activation)
        # None means softmax, which is not elementwise and is handled apart.
        self.activation = get_activation(activation, allow_softmax=True)
        self._offset = np.zeros(self.units) if self.bias is None else self.bias

    @property
    def weights(self) -> list[np.ndarray]:
        return [self.kernel] + ([] if self.bias is None else [self.bias])

    @property
    def units(self) -> int:
        return self.kernel.shape[1]

    def output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape[:-1]) + (self.units,)

    def logits(self, x: np.ndarray) -> np.ndarray:
        """The pre-activation ``x W + b``."""
        return x @ self.kernel + self._offset

    def activate(self, logits: np.ndarray) -> np.ndarray:
        """The activation applied to ``logits``."""
        return softmax(logits) if self.activation is None else self.activation.fn(logits)

    def forward(self, x: np.ndarray, cache: dict | None = None) -> np.ndarray:
        y = self.activate(self.logits(x))
        if cache is not None:
            cache["y"] = y
        return y

    def backward(self, cache: dict, d_out: np.ndarray) -> np.ndarray:
        y = cache["y"]
        if self.activation is None:
            # Row-vector times the softmax Jacobian diag(y) - y yᵀ.
            d_logits = y * (d_out - np.sum(d_out * y, axis=-1, keepdims=True))
        else:
            d_logits = d_out * self.activation.grad(y)
        return d_logits @ self.kernel.T


class Recurrent(Layer):
    """A SimpleRNN, LSTM or GRU layer: a cell run over the time axis.

    Attributes:
        cell: the step math.
        return_sequences: output every step (B, T, u) or only the last (B, u).
        go_backwards: read the input from its last step to its first. As in Keras, the
            returned sequence is then in reading order (not flipped back).
    """

    # Units held at fixed values after every step, an ablation (rnntui.units.ablation):
    # (unit indices, values), or None for the intact layer.
    pins: tuple[np.ndarray, np.ndarray] | None = None

    def __init__(self, name: str, cell: RecurrentCell, return_sequences: bool = False,
                 go_backwards: bool = False) -> None:
        super().__init__(name)
        self.cell = cell
        self.kind = cell.kind
        self.return_sequences = bool(return_sequences)
        self.go_backwards = bool(go_backwards)

    @property
    def weights(self) -> list[np.ndarray]:
        return self.cell.weights

    @property
    def units(self) -> int:
        return self.cell.units

    def output_shape(self, input_shape: Shape) -> Shape:
        return (input_shape[0], self.units) if self.return_sequences else (self.units,)

    def check_input(self, x: np.ndarray) -> None:
        if x.ndim != 3 or x.shape[-1] != self.cell.input_dim:
            raise ValueError(f"{self.kind} layer {self.name!r} expects (batch, steps, "
                             f"{self.cell.input_dim}) inputs, got {x.shape}")

    def pin(self, state: tuple) -> tuple:
        """The new state with the pinned units of h (in place) at their values."""
        if self.pins is not None:
            state[0][..., self.pins[0]] = self.pins[1]
        return state

    def reading_order(self, steps: int) -> np.ndarray:
        """Input step index read at each processing step."""
        order = np.arange(steps)
        return order[::-1] if self.go_backwards else order

    def run(self, x: np.ndarray, state: tuple | None = None) -> tuple[np.ndarray, tuple]:
        """Read `x` (B, T, F) on from `state` (zeros when None), as `forward` without a
        trace, and also return the state after the last step: a sequence too long for memory
        is read in pieces, each piece from where the one before left off (rnntui score).

        Returns:
            (the output as `forward` gives it, the final state).
        """
        self.check_input(x)
        batch, steps = x.shape[:2]
        xp = self.cell.project(x[:, self.reading_order(steps)])
        state = self.cell.zero_state((batch,)) if state is None else state
        outputs = np.empty((steps, batch, self.units)) if self.return_sequences else None
        for k in range(steps):
            state = self.pin(self.cell.step(xp[:, k], state))
            if outputs is not None:
                outputs[k] = state[0]
        return (outputs.transpose(1, 0, 2) if outputs is not None else state[0]), state

    def forward(self, x: np.ndarray, cache: dict | None = None) -> np.ndarray:
        if cache is None:
            return self.run(x)[0]
        self.check_input(x)
        batch, steps = x.shape[:2]
        order = self.reading_order(steps)
        # One matrix product for the input part of every step; the loop does only h @ U.
        xp = self.cell.project(x[:, order])
        state = self.cell.zero_state((batch,))
        outputs = np.empty((steps, batch, self.units)) if self.return_sequences else None
        records = [] if cache is not None else None
        for k in range(steps):
            gates = {} if records is not None else None
            state = self.pin(self.cell.step(xp[:, k], state, gates))
            if outputs is not None:
                outputs[k] = state[0]
            if records is not None:
                records.append(gates)
        if cache is not None:
            # Gate values stacked as (T, B, u) in reading order.
            cache["gates"] = {name: np.stack([r[name] for r in records]) if records
                              else np.zeros((0, batch, self.units))
                              for name in self.cell.gate_names}
            cache["final_state"] = dict(zip(self.cell.state_names, state))
            cache["order"] = order
        if outputs is not None:
            return outputs.transpose(1, 0, 2)
        return state[0]

    def backward(self, cache: dict, d_out: np.ndarray) -> np.ndarray:
        gates, order = cache["gates"], cache["order"]
        steps = len(order)
        k_rows = d_out.shape[0]
        names = self.cell.state_names
        d_state = tuple(np.zeros((k_rows, self.units)) for _ in names)
        d_xp = np.empty((steps, k_rows, self.cell.kernel.shape[1]))
        zero = self.cell.zero_state((1,))
        for k in range(steps - 1, -1, -1):
            if self.return_sequences:
                d_state = (d_state[0] + d_out[:, k],) + d_state[1:]
            elif k == steps - 1:
                d_state = (d_state[0] + d_out,) + d_state[1:]
            prev = zero if k == 0 else tuple(gates[name][k - 1] for name in names)
            step_gates = {name: values[k] for name, values in gates.items()}
            d_xp[k], d_state = self.cell.backward_step(prev, step_gates, d_state)
        d_x = np.empty((k_rows, steps, self.cell.input_dim))
        d_x[:, order] = (d_xp @ self.cell.kernel.T).transpose(1, 0, 2)
        return d_x


_MERGE_MODES = ("concat", "sum", "ave", "mul")


class Bidirectional(Layer):
    """Two recurrent layers over the same input, one reading it backwards, outputs merged.

    As in Keras, with ``return_sequences`` the backward layer's outputs are flipped back to
    input order before merging, so output step t sees x_0..x_t forwards and x_t..x_{T-1}
    backwards; without it the backward part is its final state, the one after reading x_0.
    """

    kind = "Bidirectional"

    def __init__(self, name: str, forward_layer: Recurrent, backward_layer: Recurrent,
                 merge_mode: str = "concat") -> None:
        super().__init__(name)
        if merge_mode not in _MERGE_MODES:
            raise MirrorError(f"Bidirectional {name!r}: merge_mode {merge_mode!r} is not "
                              f"supported (supported: {', '.join(_MERGE_MODES)})")
        if forward_layer.return_sequences != backward_layer.return_sequences:
            raise MirrorError(f"Bidirectional {name!r}: both directions must agree on "
                              "return_sequences")
        self.forward_layer = forward_layer
        self.backward_layer = backward_layer
        self.merge_mode = merge_mode
        self.return_sequences = forward_layer.return_sequences

    @property
    def directions(self) -> dict[str, Recurrent]:
        return {"forward": self.forward_layer, "backward": self.backward_layer}

    @property
    def weights(self) -> list[np.ndarray]:
        return self.forward_layer.weights + self.backward_layer.weights

    @property
    def cell_kind(self) -> str:
        return self.forward_layer.kind

    @property
    def units(self) -> int:
        return self.forward_layer.units

    def output_shape(self, input_shape: Shape) -> Shape:
        shape = self.forward_layer.output_shape(input_shape)
        if self.merge_mode == "concat":
            width = self.forward_layer.units + self.backward_layer.units
            return tuple(shape[:-1]) + (width,)
        return shape

    def _aligned(self, y_backward: np.ndarray) -> np.ndarray:
        """Backward outputs flipped to input order (a no-op for final states)."""
        return y_backward[:, ::-1] if self.return_sequences else y_backward

    def forward(self, x: np.ndarray, cache: dict | None = None) -> np.ndarray:
        sub = (None, None) if cache is None else (cache.setdefault("forward", {}),
                                                  cache.setdefault("backward", {}))
        y_f = self.forward_layer.forward(x, sub[0])
        y_b = self._aligned(self.backward_layer.forward(x, sub[1]))
        if cache is not None and self.merge_mode == "mul":
            cache["outputs"] = (y_f, y_b)
        if self.merge_mode == "concat":
            return np.concatenate([y_f, y_b], axis=-1)
        if self.merge_mode == "sum":
            return y_f + y_b
        if self.merge_mode == "ave":
            return 0.5 * (y_f + y_b)
        return y_f * y_b

    def backward(self, cache: dict, d_out: np.ndarray) -> np.ndarray:
        if self.merge_mode == "concat":
            u = self.forward_layer.units
            d_f, d_b = d_out[..., :u], d_out[..., u:]
        elif self.merge_mode == "sum":
            d_f = d_b = d_out
        elif self.merge_mode == "ave":
            d_f = d_b = 0.5 * d_out
        else:
            y_f, y_b = cache["outputs"]
            d_f, d_b = d_out * y_b, d_out * y_f
        return (self.forward_layer.backward(cache["forward"], d_f)
                + self.backward_layer.backward(cache["backward"], self._aligned(d_b)))
