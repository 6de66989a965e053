"""A mirrored network: the layers in order, a full forward pass, and one-step generation."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from rnntui.nn.cells import State
from rnntui.nn.errors import MirrorError
from rnntui.nn.layers import (Bidirectional, Dense, Embedding, Layer, PassThrough, Recurrent,
                              TimePooling)
from rnntui.nn.trace import Trace, layer_trace

# Above this many float64 entries (64 MiB) the token → first-layer projection table is not
# precomputed and each step multiplies the embedding vector instead (a 64×512 product, ~5 µs).
_MAX_TOKEN_TABLE = 8_000_000


class Network:
    """A Keras Sequential RNN rebuilt in NumPy (float64).

    Args:
        layers: the layers in order; an Embedding may only come first.
        input_shape: the input shape without the batch axis, as the Keras model declares it:
            (T,) for token ids, (T, F) for vectors; T may be None. Only used for summaries.
        name: the model's name.

    Raises:
        MirrorError: no layers, or an Embedding that is not the first layer.
    """

    def __init__(self, layers: Sequence[Layer], input_shape: tuple | None = None,
                 name: str = "model") -> None:
        self.layers = list(layers)
        if not self.layers:
            raise MirrorError("a network needs at least one layer")
        if any(isinstance(layer, Embedding) for layer in self.layers[1:]):
            raise MirrorError("the mirror supports an Embedding only as the first layer")
        self.name = name
        self.embedding = self.layers[0] if isinstance(self.layers[0], Embedding) else None
        self.body = self.layers[1:] if self.embedding is not None else list(self.layers)
        # What step() runs: the body without the pass-through (dropout) layers.
        self._step_layers = [layer for layer in self.body if not isinstance(layer, PassThrough)]
        if input_shape is None:
            input_shape = (None,) if self.embedding is not None else (None, self.input_dim)
        self.input_shape = tuple(input_shape)
        self._token_table: np.ndarray | None = None

    def __repr__(self) -> str:
        kinds = " → ".join(layer.kind for layer in self.layers)
        return f"<Network {self.name!r}: {kinds}>"

    # -- what the network is ---------------------------------------------------------------

    @property
    def recurrent_layers(self) -> list[Recurrent | Bidirectional]:
        """The recurrent and Bidirectional layers, input to output."""
        return [layer for layer in self.layers if isinstance(layer, (Recurrent, Bidirectional))]

    @property
    def input_dim(self) -> int | None:
        """Features per input step (the embedding width for token models; None if unknown)."""
        if self.embedding is not None:
            return self.embedding.dim
        first = self._step_layers[0] if self._step_layers else None
        if isinstance(first, Recurrent):
            return first.cell.input_dim
        if isinstance(first, Bidirectional):
            return first.forward_layer.cell.input_dim
        if isinstance(first, Dense):
            return first.kernel.shape[0]
        return None

    @property
    def output_activation(self) -> str:
        """The last layer's activation ("softmax", "sigmoid", "linear", ...)."""
        last = self._step_layers[-1] if self._step_layers else None
        return last.activation_name if isinstance(last, Dense) else "linear"

    @property
    def can_step(self) -> bool:
        """Whether ``step`` works: every recurrent layer reads forwards only, and the head
        reads the last step (not a pool over every step)."""
        return all(isinstance(layer, Recurrent) and not layer.go_backwards
                   for layer in self.recurrent_layers) \
            and not any(isinstance(layer, TimePooling) for layer in self.body)

    # -- whole sequences -------------------------------------------------------------------

    def as_batch(self, x: Any) -> tuple[np.ndarray, bool]:
        """Bring one sequence or a batch to the batch layout the layers take.

        Args:
            x: token ids (T,) or (B, T) for embedding models; vectors (T, F) or (B, T, F)
                otherwise, and (T,) when F is 1.

        Returns:
            The batch and whether ``x`` was a single sequence.

        Raises:
            ValueError: an input of the wrong rank.
        """
        x = np.asarray(x)
        if self.embedding is not None:
            if x.ndim in (1, 2):
                return (x[None], True) if x.ndim == 1 else (x, False)
            raise ValueError(f"this network takes token ids shaped (T,) or (batch, T); "
                             f"got {x.shape}")
        x = x.astype(np.float64)
        if x.ndim == 1 and self.input_dim == 1:
            return x[None, :, None], True
        if x.ndim in (2, 3):
            return (x[None], True) if x.ndim == 2 else (x, False)
        raise ValueError(f"this network takes vectors shaped (T, {self.input_dim}) or "
                         f"(batch, T, {self.input_dim}); got {x.shape}")

    def input_vectors(self, batch: np.ndarray) -> np.ndarray:
        """The vectors the first recurrent layer reads: embeddings of ids, or ``batch``."""
        return self.embedding.forward(batch) if self.embedding is not None else batch

    def run_body(self, vectors: np.ndarray, caches: list[dict] | None = None) -> np.ndarray:
        """Run every layer after the embedding.

        Args:
            vectors: (B, T, F) input vectors.
            caches: one dict per body layer to fill for traces and backprop, or None.

        Returns:
            The network output for the batch.
        """
        value = vectors
        for index, layer in enumerate(self.body):
            value = layer.forward(value, None if caches is None else caches[index])
        return value

    def forward(self, x: Any, trace: bool = False) -> np.ndarray | tuple[np.ndarray, Trace]:
        """The network's output, as ``model.predict`` gives it (float64).

        Args:
            x: one sequence or a batch (see ``as_batch``).
            trace: also return the gate trace (one sequence only).

        Returns:
            The output ((out,) or (T, out) for one sequence; a leading batch axis for a
            batch), and with ``trace=True`` the pair (output, Trace).

        Raises:
            ValueError: a badly shaped input, token ids out of range, or a trace asked for a
                batch.
        """
        batch, single = self.as_batch(x)
        if trace and not single:
            raise ValueError("trace=True takes one sequence, not a batch")
        caches = [{} for _ in self.body] if trace else None
        output = self.run_body(self.input_vectors(batch), caches)
        output = output[0] if single else output
        if not trace:
            return output
        traces = (layer_trace(layer, cache) for layer, cache in zip(self.body, caches))
        return output, Trace(batch.shape[1], tuple(t for t in traces if t is not None), output)

    def forward_piece(self, x: Any, state: Sequence[State] | None = None, head: bool = True
                      ) -> tuple[np.ndarray, list[State]]:
        """The output for one piece of a longer batch of sequences, read on from `state`
        (the state the piece before returned; None: from the start), and the state after it.
        Reading a sequence piece by piece gives the outputs `forward` gives for the whole.
        With `head=False` the last Dense layer is left out (the caller applies it in slices:
        its output is as wide as the vocabulary).

        Raises:
            MirrorError: a network that cannot step (it reads backwards or pools over
                time), or one whose inner recurrent layer passes on only its last state.
        """
        self._check_steppable()
        if not all(layer.return_sequences for layer in self.recurrent_layers[:-1]):
            raise MirrorError("this network cannot be read in pieces: an inner recurrent "
                              "layer passes on only its last state")
        batch, _ = self.as_batch(x)
        value = self.input_vectors(batch)
        states = list(state) if state is not None else [None] * len(self.recurrent_layers)
        new_state: list[State] = []
        layers = self.body if head or not isinstance(self.body[-1], Dense) else self.body[:-1]
        for layer in layers:
            if isinstance(layer, Recurrent):
                value, layer_state = layer.run(value, states[len(new_state)])
                new_state.append(layer_state)
            else:
                value = layer.forward(value)
        return value, new_state

    # -- one step at a time ----------------------------------------------------------------

    def _check_steppable(self) -> None:
        if not self.can_step:
            why = ("its head reads a pool over every step" if any(
                isinstance(layer, TimePooling) for layer in self.body)
                else "it reads its input backwards too (Bidirectional)")
            raise MirrorError(f"this network cannot be stepped one input at a time: {why}; "
                              "run forward() on the whole sequence instead")

    def initial_state(self) -> list[State]:
        """The all-zero state of every recurrent layer, for ``step``.

        Raises:
            MirrorError: a bidirectional network (it cannot step).
        """
        self._check_steppable()
        return [layer.cell.zero_state() for layer in self.recurrent_layers]

    def _projected_tokens(self) -> np.ndarray | None:
        """embedding @ kernel + bias of the first recurrent layer, one row per token.

        Turns the first layer's input product into a row lookup. Built on first use; None
        when there is no embedding, the embedding does not feed a recurrent layer directly,
        or the table would be too large.
        """
        if self._token_table is None and self.embedding is not None:
            first = self._step_layers[0]
            if isinstance(first, Recurrent) and \
                    self.embedding.vocab_size * first.cell.kernel.shape[1] <= _MAX_TOKEN_TABLE:
                self._token_table = first.cell.project(self.embedding.table)
        return self._token_table

    def _step_input(self, x: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(vector, projected) for one input: exactly one of them is not None."""
        if self.embedding is not None:
            if isinstance(x, (int, np.integer)) and 0 <= x < self.embedding.vocab_size:
                token = int(x)  # the common case, without the array checks (~5 µs a step)
            else:
                token = int(self.embedding.check_ids(np.asarray(x)).reshape(()))
            table = self._projected_tokens()
            if table is not None:
                return None, table[token]
            return self.embedding.table[token], None
        x = np.asarray(x)
        if x.ndim == 0 and np.issubdtype(x.dtype, np.integer):
            # An id for a one-hot model: its one-hot vector.
            if not 0 <= int(x) < self.input_dim:
                raise ValueError(f"id {int(x)} out of range for {self.input_dim} one-hot inputs")
            vector = np.zeros(self.input_dim)
            vector[int(x)] = 1.0
            return vector, None
        vector = x.astype(np.float64).reshape(-1)
        if vector.shape != (self.input_dim,):
            raise ValueError(f"step takes a vector of {self.input_dim} numbers, got {x.shape}")
        return vector, None

    def step_logits(self, x: Any, state: Sequence[State]) -> tuple[np.ndarray, list[State]]:
        """Read one input and carry the state on, without the final activation.

        Args:
            x: a token id (embedding models); a vector (F,), or an int meaning its one-hot
                vector, otherwise.
            state: the previous state (``initial_state()`` or a state ``step`` returned); it
                is not modified.

        Returns:
            The last layer's pre-activation (out,) and the new state.

        Raises:
            MirrorError: a bidirectional network.
            ValueError: a bad input or a state of the wrong length.
        """
        self._check_steppable()
        if len(state) != len(self.recurrent_layers):
            raise ValueError(f"state has {len(state)} layers, the network "
                             f"{len(self.recurrent_layers)}")
        value, projected = self._step_input(x)
        new_state: list[State] = []
        last = len(self._step_layers) - 1
        for index, layer in enumerate(self._step_layers):
            if isinstance(layer, Recurrent):
                xp = projected if projected is not None else layer.cell.project(value)
                projected = None
                layer_state = layer.pin(layer.cell.step(xp, state[len(new_state)]))
                new_state.append(layer_state)
                value = layer_state[0]
            elif isinstance(layer, Dense) and index == last:
                value = layer.logits(value)
            else:
                value = layer.forward(value)
        return value, new_state

    def step(self, x: Any, state: Sequence[State]) -> tuple[np.ndarray, list[State]]:
        """Read one input and carry the state on (for generation and typing).

        Args:
            x: as in ``step_logits``.
            state: as in ``step_logits``.

        Returns:
            The output after this input (probabilities for a softmax head), and the new state.
        """
        logits, new_state = self.step_logits(x, state)
        last = self._step_layers[-1]
        return (last.activate(logits) if isinstance(last, Dense) else logits), new_state
