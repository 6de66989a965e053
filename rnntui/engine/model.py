"""Turn a task's layer plan (`rnntui.architecture`) into a compiled Keras model."""

from __future__ import annotations

from typing import Any

from rnntui.architecture import ModelSpec, plan_model
from rnntui.config import HParams
from rnntui.engine.backend import import_keras

_CELLS = {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
_OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad"}


def build_model(spec: ModelSpec, hp: HParams) -> Any:
    """A compiled `keras.Sequential` for this task and these hyperparameters.

    Layer names follow the plan ("embedding", "rnn_1", ..., "output"), so the NumPy mirror
    and the gate view can name them the same way.
    """
    keras = import_keras()
    layers = keras.layers
    if spec.inputs == "tokens" and hp.embedding_dim > 0:
        stack: list[Any] = [keras.Input(shape=(hp.seq_len,), dtype="int32", name="tokens")]
    elif spec.inputs == "tokens":  # one-hot vectors, made by the task's data
        stack = [keras.Input(shape=(hp.seq_len, spec.vocab_size), name="onehot")]
    else:
        stack = [keras.Input(shape=(hp.seq_len, spec.features), name="values")]
    for layer in plan_model(spec, hp):
        s = layer.settings
        if layer.kind == "embedding":
            stack.append(layers.Embedding(s["vocab_size"], layer.units, name=layer.name))
        elif layer.kind == "rnn":
            cell = getattr(layers, _CELLS[s["cell"]])(
                layer.units, return_sequences=s["return_sequences"], dropout=s["dropout"],
                recurrent_dropout=s["recurrent_dropout"], name=layer.name)
            if s["bidirectional"]:
                cell = layers.Bidirectional(cell, merge_mode="concat", name=f"{layer.name}_bi")
            stack.append(cell)
        elif layer.kind == "dense":
            stack.append(layers.Dense(layer.units, activation=s["activation"], name=layer.name))
    model = keras.Sequential(stack, name="rnntui")
    compile_model(model, spec, hp)
    return model


def make_optimizer(hp: HParams) -> Any:
    keras = import_keras()
    return getattr(keras.optimizers, _OPTIMIZERS[hp.optimizer])(learning_rate=hp.learning_rate)


def compile_model(model: Any, spec: ModelSpec, hp: HParams) -> None:
    keras = import_keras()
    metrics = [keras.metrics.RootMeanSquaredError(name="rmse") if m == "rmse" else m
               for m in spec.metrics]
    model.compile(optimizer=make_optimizer(hp), loss=spec.loss, metrics=metrics)


def load_checkpoint(path: Any) -> Any:
    """A saved model with its optimizer state. `safe_mode` refuses to run code stored in it."""
    keras = import_keras()
    return keras.saving.load_model(path, compile=True, safe_mode=True)
