"""Gradient norms of every batch, as the optimizer receives them (before any clipping).

`GradientWatch` wraps the instance's `optimizer.apply` (not its class: the checkpoint keeps
Keras's own optimizer config, so a saved run loads anywhere): the wrapper writes the global
norm and each kernel's norm into one small variable, which the trainer reads after each
batch. Inside a traced train step the write is part of the graph; eager steps write as they
go. The backend-neutral `keras.ops` do the arithmetic, so TensorFlow and PyTorch both work;
JAX applies its optimizer statelessly (no variable can be written from inside its step), and
data-parallel steps apply per replica: there the watch is off and says so.

The norms of an epoch are kept in the run's `gradients.jsonl`, a line per epoch (appended;
a resumed or re-trained epoch's newest line wins), read back by `read_norms`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from rnntui.runs.norms import (FILE, GLOBAL, EpochNorms, append_norms, batch_points,  # noqa: F401
                               read_norms)
WATCHED = ("kernel", "recurrent_kernel", "embeddings")  # the weights named per layer


def weight_label(path: str, model_name: str = "") -> str:
    """'rnntui/rnn_1/lstm_cell/recurrent_kernel' → 'rnn_1/recurrent_kernel': the layer and
    the weight, without the model's name and Keras's cell segment (Bidirectional keeps its
    direction's name)."""
    parts = [p for p in path.split("/") if not p.endswith("_cell")]
    if len(parts) > 1 and parts[0] == model_name:
        parts = parts[1:]
    return "/".join(parts)


class GradientWatch:
    """Per batch, the norms of the gradients the optimizer is given.

    The norms of an epoch's batches gather in a (steps, labels) variable beside the model,
    a row a batch, written inside the train step: reading them back costs one transfer an
    epoch (`epoch_rows`), not a wait for the device after every batch; `latest` reads the
    last row for a live plot, as often as progress is reported.

    Args:
        keras: the imported Keras module.
        model: a compiled model (its optimizer is wrapped; call `detach` to undo).
        steps: batches an epoch (rows kept; a longer epoch overwrites its last row).

    Attributes:
        labels: GLOBAL, then one label per watched weight (`weight_label`).
    """

    def __init__(self, keras: Any, model: Any, steps: int = 1):
        ops = keras.ops
        self.optimizer = model.optimizer
        paths = [v.path for v in model.trainable_variables]
        watched = [p for p in paths if p.rsplit("/", 1)[-1] in WATCHED]
        self.labels = [GLOBAL] + [weight_label(p, model.name) for p in watched]
        self.steps = max(1, int(steps))
        self.rows = keras.Variable(ops.zeros((self.steps, len(self.labels))), trainable=False,
                                   dtype="float32", name="rnntui_gradient_norms")
        self.slot = keras.Variable(0, trainable=False, dtype="int32",
                                   name="rnntui_gradient_slot")
        # The last batch's gradient of each kernel, for the epoch's histograms (an
        # embedding's gradient comes as slices of rows on TensorFlow: not kept).
        variables = {v.path: v for v in model.trainable_variables}
        self.kept = {p: keras.Variable(ops.zeros(variables[p].shape), trainable=False,
                                       dtype="float32", name="rnntui_last_gradient")
                     for p in watched if not p.endswith("embeddings")}
        self._names = {p: weight_label(p, model.name) for p in self.kept}
        self._keras = keras
        original = self.optimizer.apply
        rows, slot, last, kept = self.rows, self.slot, self.steps - 1, self.kept

        def apply(grads: Sequence[Any], trainable_variables: Any = None) -> Any:
            variables = list(trainable_variables if trainable_variables is not None
                             else self.optimizer.trainable_variables)
            if self.eager:
                self._note_eagerly(grads, variables)
                return original(grads, trainable_variables)
            squares: dict[str, Any] = {}
            for grad, variable in zip(grads, variables):
                if grad is None:
                    continue
                # An embedding's gradient may come as slices (TensorFlow's IndexedSlices):
                # their values are its non-zero rows, as tf.linalg.global_norm reads them.
                values = grad.values if hasattr(grad, "dense_shape") else grad
                squares[variable.path] = ops.sum(ops.square(ops.cast(values, "float32")))
                if variable.path in kept and not hasattr(grad, "dense_shape"):
                    kept[variable.path].assign(ops.cast(grad, "float32"))
            zero = ops.zeros(())
            total = ops.sqrt(sum(squares.values(), zero))
            each = [ops.sqrt(squares[p]) if p in squares else zero for p in watched]
            row = ops.expand_dims(ops.stack([total] + each), 0)
            at = ops.minimum(ops.convert_to_tensor(slot), last)
            rows.assign(ops.slice_update(ops.convert_to_tensor(rows), (at, 0), row))
            slot.assign(at + 1)
            return original(grads, trainable_variables)

        self._original = original
        self.optimizer.apply = apply
        self._watched = watched
        self.eager = False
        """Steps run op by op (`engine.model.choose_execution`): the norms are then taken
        in NumPy, ~30 backend ops a batch fewer (a fifth of onehot4's 50 ms epoch)."""
        self._eager_rows: list[list[float]] = []
        self._eager_kept: dict[str, Any] = {}

    def _note_eagerly(self, grads: Sequence[Any], variables: Sequence[Any]) -> None:
        convert = self._keras.ops.convert_to_numpy
        squares: dict[str, float] = {}
        for grad, variable in zip(grads, variables):
            if grad is None:
                continue
            sliced = hasattr(grad, "dense_shape")
            values = np.asarray(convert(grad.values if sliced else grad), dtype="float64")
            squares[variable.path] = float(np.sum(values * values))
            if variable.path in self.kept and not sliced:
                self._eager_kept[variable.path] = values.astype("float32")
        row = [math.sqrt(sum(squares.values()))] + [math.sqrt(squares.get(p, 0.0))
                                                    for p in self._watched]
        if len(self._eager_rows) >= self.steps:
            self._eager_rows[-1] = row
        else:
            self._eager_rows.append(row)

    def last_gradients(self) -> list[tuple[str, Any]]:
        """(label, the last batch's gradient) of each kernel kept."""
        if self.eager:
            return [(self._names[p], v) for p, v in self._eager_kept.items()]
        return [(self._names[p], self._keras.ops.convert_to_numpy(v))
                for p, v in self.kept.items()]

    def start_epoch(self) -> None:
        """The next batch writes the first row."""
        if self.eager:
            self._eager_rows = []
        else:
            self.slot.assign(0)

    def epoch_rows(self, batches: int) -> list[list[float]]:
        """The norms of this epoch's first `batches` batches, a row a batch (labels order)."""
        if self.eager:
            return [list(row) for row in self._eager_rows[:batches]]
        rows = self._keras.ops.convert_to_numpy(self.rows)[:min(batches, self.steps)]
        return [[float(v) for v in row] for row in rows]

    def latest(self, batch: int | None = None) -> list[float]:
        """The norms of 0-based `batch` of this epoch (None: the last written), in `labels`
        order."""
        if self.eager:
            rows = self._eager_rows
            at = len(rows) - 1 if batch is None else min(batch, len(rows) - 1)
            return list(rows[at]) if rows else [0.0] * len(self.labels)
        if batch is None:
            batch = int(self._keras.ops.convert_to_numpy(self.slot)) - 1
        row = min(max(batch, 0), self.steps - 1)
        return [float(v) for v in self._keras.ops.convert_to_numpy(self.rows)[row]]

    def read(self) -> list[float]:
        return self.latest()

    def detach(self) -> None:
        """Give the optimizer its own `apply` back."""
        if self.optimizer.__dict__.get("apply") is not None:
            del self.optimizer.apply


def why_not_watched(backend_name: str, replicas: int) -> str | None:
    """Why gradient norms cannot be recorded here, or None when they can."""
    if backend_name == "jax":
        return ("gradient norms are not recorded on the jax backend (its optimizer step is "
                "stateless); tensorflow and torch record them")
    if replicas > 1:
        return "gradient norms are not recorded when training on several devices"
    return None
