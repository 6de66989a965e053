"""The gradient through time: ‖∂L/∂h_t‖ at every step t of one sequence, for each recurrent
layer, L the loss of the last step. SimpleRNN's curve falls by orders of magnitude toward
the sequence's start (the vanishing gradient); LSTM and GRU keep it.

∂L/∂h_t here is the total derivative: h_t reaches the loss through the layers above and
through h_{t+1}, h_{t+2} … of its own layer. It is computed by running the run's own Keras
layers (its cells step by step, `layer.cell`) with a zero `δ_t` added to each state h_t as it
is made and taking ∂L/∂δ_t with the backend's autodiff (`backend.value_and_gradients`),
so it is exact for TensorFlow, JAX and PyTorch alike. With δ = 0 the pass is the model's own
(tests pin both to `model.predict` and to finite differences).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnntui.engine import backend
from rnntui.runs.curves import FILE, read_curves, save_curve  # noqa: F401  (kept in the run)


@dataclass(frozen=True)
class LayerGradient:
    """One recurrent layer's ‖∂L/∂h_t‖, t = 1 … T."""

    layer: int  # 0-based among the recurrent layers
    name: str  # its Keras name ("rnn_1" or "rnn_1_bi")
    norms: list[float]

    def to_dict(self) -> dict[str, Any]:
        return {"layer": self.layer, "name": self.name, "steps": len(self.norms),
                "norms": self.norms}


@dataclass(frozen=True)
class ThroughTime:
    loss: float  # L, the last step's loss
    layers: list[LayerGradient] = field(default_factory=list)

    @property
    def steps(self) -> int:
        return len(self.layers[0].norms) if self.layers else 0

    def to_dict(self) -> dict[str, Any]:
        return {"steps": self.steps, "loss": self.loss,
                "layers": [layer.to_dict() for layer in self.layers]}


def _is_recurrent(keras: Any, layer: Any) -> bool:
    return isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional))


def recurrent_widths(keras: Any, model: Any) -> list[tuple[str, int]]:
    """(name, width of h) of each recurrent layer, in order (both directions for a
    Bidirectional one)."""
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            out.append((layer.name, 2 * _units(layer.forward_layer)))
        elif isinstance(layer, keras.layers.RNN):
            out.append((layer.name, _units(layer)))
    return out


def _units(rnn: Any) -> int:
    size = rnn.cell.state_size
    return int(size[0] if isinstance(size, (list, tuple)) else size)


def _run_rnn(keras: Any, rnn: Any, x: Any, delta: Any, reverse: bool = False) -> Any:
    """One RNN layer, step by step, δ_t added to h_t; returns h of every step (batch, T, u)
    in time order."""
    ops = keras.ops
    steps = x.shape[1]
    units = _units(rnn)
    size = rnn.cell.state_size
    count = len(size) if isinstance(size, (list, tuple)) else 1
    batch = x.shape[0]
    states = [ops.zeros((batch, units)) for _ in range(count)]
    outputs: list[Any] = [None] * steps
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    for t in order:
        h, new = rnn.cell(x[:, t], states, training=False)
        h = h + delta[:, t]
        new = list(new) if isinstance(new, (list, tuple)) else [new]
        states = [h] + new[1:]
        outputs[t] = h
    return ops.stack(outputs, axis=1)


def forward(keras: Any, model: Any, x: Any, deltas: list[Any]) -> Any:
    """The model's output for `x`, its recurrent layers unrolled with `deltas` (one
    (batch, T, width) tensor per recurrent layer) added to their states."""
    ops = keras.ops
    h = x
    k = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            delta = deltas[k]
            units = _units(layer.forward_layer)
            ahead = _run_rnn(keras, layer.forward_layer, h, delta[:, :, :units])
            back = _run_rnn(keras, layer.backward_layer, h, delta[:, :, units:], reverse=True)
            if layer.forward_layer.return_sequences:
                h = ops.concatenate([ahead, back], axis=-1)
            else:  # the backward reader ends at the first step
                h = ops.concatenate([ahead[:, -1], back[:, 0]], axis=-1)
            k += 1
        elif isinstance(layer, keras.layers.RNN):
            seq = _run_rnn(keras, layer, h, deltas[k])
            h = seq if layer.return_sequences else seq[:, -1]
            k += 1
        else:
            h = layer(h, training=False)
    return h


def last_step_loss(keras: Any, model: Any, output: Any, target: Any) -> Any:
    """The compiled loss of the last step: a sequence output's last step against the
    target's last step; a single output against its target."""
    loss = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
    target = np.asarray(target)
    if len(output.shape) == 3:
        output = output[:, -1]
        target = target[:, -1] if target.ndim >= 2 else target
    return keras.ops.mean(loss(keras.ops.convert_to_tensor(target), output))


OWN_ANSWER = "its own answer"  # what L is measured against without a target


def own_target(keras: Any, model: Any, x: np.ndarray) -> np.ndarray | None:
    """For a typed input, which has no target: a classifier's own answer at the last step
    (L: the cross-entropy of the answer it gives), or None for a regression (L: the
    output itself, the forecast)."""
    loss = model.loss if isinstance(model.loss, str) else ""
    zeros = [keras.ops.zeros((1, x.shape[1], w)) for _, w in recurrent_widths(keras, model)]
    out = np.asarray(keras.ops.convert_to_numpy(
        forward(keras, model, keras.ops.convert_to_tensor(x), zeros)))
    last = out[:, -1] if out.ndim == 3 else out
    if "categorical" in loss:
        return np.argmax(last, axis=-1)
    if "binary" in loss:
        return (last > 0.5).astype("float32")
    return None


def gradient_through_time(model: Any, x: np.ndarray,
                          target: np.ndarray | None = None) -> ThroughTime:
    """‖∂L/∂h_t‖ for each recurrent layer of `model` on one sequence.

    Args:
        model: a compiled Keras model (the run's checkpoint).
        x: one input as the model takes it, with a batch axis of 1 (any length).
        target: its target (the last step's is used for a sequence of targets); None for a
            typed input: see `own_target`.

    Raises:
        ValueError: the model has no recurrent layer.
    """
    keras = backend.import_keras()
    widths = recurrent_widths(keras, model)
    if not widths:
        raise ValueError("this network has no recurrent layer: no gradient through time")
    x = np.asarray(x)[:1]
    steps = int(x.shape[1])
    if target is None:
        target = own_target(keras, model, x)
    zeros = [np.zeros((1, steps, width), dtype="float32") for _, width in widths]

    def loss(*deltas: Any) -> Any:
        inputs = keras.ops.convert_to_tensor(x)
        output = forward(keras, model, inputs, list(deltas))
        if target is None:  # a regression read without a target: the forecast itself
            last = output[:, -1] if len(output.shape) == 3 else output
            return keras.ops.mean(last)
        return last_step_loss(keras, model, output, target)

    value, grads = backend.value_and_gradients(loss, zeros)
    layers = [LayerGradient(i, name, [float(n) for n in np.linalg.norm(g[0], axis=-1)])
              for i, ((name, _), g) in enumerate(zip(widths, grads))]
    return ThroughTime(value, layers)


# -- kept in the run, epoch by epoch ---------------------------------------------------------
BUDGET = 0.05  # the share of training time the curves may take (the last epoch's is always)
MAX_STEPS = 200  # longer sequences ("small tasks" only): the unrolled pass costs per step


class CurveRecorder:
    """At epoch ends, the gradient through time of the first held-out sequence, within
    BUDGET of the training time so far (the last epoch always), kept in the run.

    A side output: a failure is one warning (through `warn`) and no more curves.
    """

    def __init__(self, folder: Any, x: np.ndarray, y: np.ndarray, warn: Any):
        self.folder = folder
        self.x, self.y = x[:1], y[:1]
        self.warn = warn
        self.spent = 0.0
        self.failed = False

    @classmethod
    def for_training(cls, folder: Any, task: Any, hp: Any, data: Any,
                     warn: Any) -> CurveRecorder | None:
        if hp.seq_len > MAX_STEPS:
            return None
        x, y = task.quality_split(data)
        if x is None or not len(x):
            return None
        return cls(folder, np.asarray(x), np.asarray(y), warn)

    def __call__(self, model: Any, epoch: int, train_seconds: float, last: bool) -> None:
        import time

        if self.failed or (not last and self.spent > BUDGET * train_seconds):
            return
        started = time.monotonic()
        try:
            save_curve(self.folder, epoch, gradient_through_time(model, self.x, self.y))
        except Exception as exc:
            self.failed = True
            self.warn(f"no gradient through time: {type(exc).__name__}: {exc}".splitlines()[0])
        self.spent += time.monotonic() - started
