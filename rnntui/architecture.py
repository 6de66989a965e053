"""How a task's network is assembled from its hyperparameters, as plain data.

The plan is the single rule for the model's shape: the Keras builder (`engine.model`) turns it
into layers, and the form counts parameters and describes the model from it without importing
TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rnntui.config import HParams

CELL_NAMES = {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
# Weight blocks per cell: SimpleRNN has one, LSTM four (i, f, c, o), GRU three (z, r, h).
_GATES = {"simple": 1, "lstm": 4, "gru": 3}


@dataclass(frozen=True)
class ModelSpec:
    """What a task needs from the network: its inputs and its head.

    Attributes:
        inputs: "tokens" (integer ids; one-hot or embedded) or "values" (real numbers).
        vocab_size: number of token ids, for token inputs.
        features: numbers per time step, for value inputs.
        outputs: size of the final Dense layer.
        activation: the final Dense activation: softmax, sigmoid or linear.
        loss: the Keras loss name.
        metrics: Keras metric names reported during training.
        per_step: predict at every time step (the last recurrent layer returns sequences).
        hidden_dense: units of a ReLU Dense before the head (0: none).
        output_bias: the head's starting bias, one value per output (None: zeros); e.g. the
            log unigram frequencies of a language model's training targets.
    """

    inputs: str
    outputs: int
    activation: str
    loss: str
    metrics: tuple[str, ...]
    vocab_size: int = 0
    features: int = 1
    per_step: bool = False
    hidden_dense: int = 0
    output_bias: tuple[float, ...] | None = None


@dataclass(frozen=True)
class LayerPlan:
    """One layer: its kind ("onehot", "embedding", "rnn", "dropout", "dense"), a name and its
    settings."""

    kind: str
    name: str
    units: int
    params: int
    settings: dict = field(default_factory=dict)

    def describe(self) -> str:
        s = self.settings
        if self.kind == "onehot":
            return f"one-hot({self.units})"
        if self.kind == "embedding":
            return f"Embedding({s['vocab_size']}, {self.units})"
        if self.kind == "dropout":
            return f"Dropout({s['rate']:g})"
        if self.kind == "pool":
            return f"{s['mode']} over time"
        if self.kind == "rnn":
            text = f"{CELL_NAMES[s['cell']]}({self.units})"
            return f"Bidirectional({text})" if s["bidirectional"] else text
        act = s["activation"]
        return f"Dense({self.units})" if act == "linear" else f"Dense({self.units}, {act})"


def plan_model(spec: ModelSpec, hp: HParams) -> list[LayerPlan]:
    """The layers, in order, with their parameter counts (equal to Keras's count_params)."""
    layers: list[LayerPlan] = []
    if spec.inputs == "tokens":
        if hp.embedding_dim > 0:
            width = hp.embedding_dim
            layers.append(LayerPlan("embedding", "embedding", width, spec.vocab_size * width,
                                    {"vocab_size": spec.vocab_size}))
        else:
            width = spec.vocab_size
            layers.append(LayerPlan("onehot", "onehot", width, 0, {}))
    else:
        width = spec.features
    directions = 2 if hp.bidirectional else 1
    # A whole-sequence answer may read every step's hidden state, pooled over time, rather
    # than the last one: the head then sees a word wherever it stood in the review.
    readout = hp.get("readout", "last")
    pooled = readout != "last" and not spec.per_step
    for index in range(hp.layers):
        last = index == hp.layers - 1
        params = directions * rnn_params(hp.cell, width, hp.units)
        layers.append(LayerPlan("rnn", f"rnn_{index + 1}", hp.units, params, {
            "cell": hp.cell,
            "bidirectional": hp.bidirectional,
            "return_sequences": (not last) or spec.per_step or pooled,
            "dropout": hp.dropout,
            "recurrent_dropout": hp.recurrent_dropout,
        }))
        width = directions * hp.units
    if pooled:
        layers.append(LayerPlan("pool", "readout", width, 0, {"mode": readout}))
    if hp.dropout > 0:
        # Dropout between layers applies before the head too: the softmax's weights
        # (units × vocabulary) are where a small corpus overfits first.
        layers.append(LayerPlan("dropout", "dropout", width, 0, {"rate": hp.dropout}))
    if spec.hidden_dense:
        layers.append(LayerPlan("dense", "hidden", spec.hidden_dense,
                                (width + 1) * spec.hidden_dense, {"activation": "relu"}))
        width = spec.hidden_dense
    layers.append(LayerPlan("dense", "output", spec.outputs, (width + 1) * spec.outputs,
                            {"activation": spec.activation}))
    return layers


def rnn_params(cell: str, inputs: int, units: int) -> int:
    """Trainable parameters of one recurrent layer (Keras defaults: bias on, GRU reset_after)."""
    blocks = _GATES[cell]
    biases = 2 if cell == "gru" else 1  # reset_after=True keeps an input and a recurrent bias
    return blocks * units * (inputs + units + biases)


def count_params(plan: list[LayerPlan]) -> int:
    return sum(layer.params for layer in plan)


def describe(plan: list[LayerPlan]) -> str:
    """'Embedding(26, 2) → SimpleRNN(5) → Dense(26, softmax)'."""
    return " → ".join(layer.describe() for layer in plan)
