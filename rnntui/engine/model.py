"""Turn a task's layer plan (`rnntui.architecture`) into a compiled Keras model."""

from __future__ import annotations

from typing import Any

from rnntui.architecture import CELL_NAMES, ModelSpec, plan_model
from rnntui.config import HParams
from rnntui.engine.backend import active_replicas, import_keras

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
            cell = getattr(layers, CELL_NAMES[s["cell"]])(
                layer.units, return_sequences=s["return_sequences"], dropout=s["dropout"],
                recurrent_dropout=s["recurrent_dropout"], name=layer.name)
            if s["bidirectional"]:
                cell = layers.Bidirectional(cell, merge_mode="concat", name=f"{layer.name}_bi")
            stack.append(cell)
        elif layer.kind == "pool":
            pool = (layers.GlobalMaxPooling1D if s["mode"] == "max"
                    else layers.GlobalAveragePooling1D)
            stack.append(pool(name=layer.name))
        elif layer.kind == "dropout":
            stack.append(layers.Dropout(s["rate"], name=layer.name))
        elif layer.kind == "dense":
            stack.append(layers.Dense(layer.units, activation=s["activation"], name=layer.name))
    model = keras.Sequential(stack, name="rnntui")
    if spec.output_bias is not None:
        # Assigned, not a Constant initialiser: the saved model's config stays small.
        model.get_layer("output").bias.assign(
            keras.ops.convert_to_tensor(spec.output_bias, dtype="float32"))
    compile_model(model, spec, hp)
    return model


def make_optimizer(hp: HParams) -> Any:
    """The run's optimizer, clipping as asked (Keras takes one of clipnorm and clipvalue;
    the schema refuses both)."""
    keras = import_keras()
    clip = {key: hp.get(key) for key in ("clipnorm", "clipvalue") if hp.get(key) is not None}
    return getattr(keras.optimizers, _OPTIMIZERS[hp.optimizer])(
        learning_rate=hp.learning_rate, **clip)


def compile_model(model: Any, spec: ModelSpec, hp: HParams) -> None:
    keras = import_keras()
    metrics = [keras.metrics.RootMeanSquaredError(name="rmse") if m == "rmse" else m
               for m in spec.metrics]
    model.compile(optimizer=make_optimizer(hp), loss=spec.loss, metrics=metrics)


# Tiny runs reach their first results sooner eagerly. Measured on 2 shared CPU cores
# (TensorFlow 2.21, Keras 3.15; medians): in graph mode the first epoch of the letter tasks
# costs ~0.8-0.9 s (tracing the train step, half of it the optimizer update, then Grappler on
# the first call), eagerly ~0.19 s; a later one-step epoch costs ~55 ms in graph mode and
# ~80-110 ms eagerly (in both, much of it is tf.data making the epoch's iterator). Through
# `train()`: onehot1/onehot4 defaults (15 one-step epochs) reach 100% in 0.45-0.57 s eagerly
# against 1.00-1.07 s in graph mode, with the whole run even (1.7-2.2 s either way); embed4
# with 25 epochs reaches it in 1.24 vs 1.39 s but its whole run takes 3.85 vs 2.61 s. Hence
# eager mode only up to 16 steps in a session: beyond, eager steps cost too much (sine's
# 2×LSTM(30) takes 85-90 ms a step of 90 eagerly against 9-10 ms traced). Never eagerly on
# several devices: TensorFlow's MirroredStrategy then runs each replica's step op by op.
EAGER_MAX_STEPS = 16


def choose_execution(model: Any, steps: int) -> bool:
    """Run `model` eagerly when this training session has at most EAGER_MAX_STEPS steps.

    `steps` = batches per epoch × epochs left. Call it just before `fit`; it sets only the
    attribute, not the compile config, so a saved checkpoint does not carry the choice and a
    resumed run decides again. Returns the choice.
    """
    eager = steps <= EAGER_MAX_STEPS and active_replicas() == 1
    if model.run_eagerly != eager:
        model.run_eagerly = eager
        model.train_function = model.test_function = model.predict_function = None
    return eager


def load_checkpoint(path: Any) -> Any:
    """A saved model with its optimizer state. `safe_mode` refuses to run code stored in it."""
    import zipfile
    from pathlib import Path

    from rnntui.runs import RunError

    path = Path(path)
    # Keras says "File not found" for a file that is there but cut short (a full disk, a
    # copy that stopped): name what is wrong instead.
    if not zipfile.is_zipfile(path):
        raise RunError(f"{path.parent.name}: the checkpoint {path.name} is damaged (not a "
                       "complete .keras archive); this run cannot go on: train a new one")
    keras = import_keras()
    # Keras on PyTorch saves its optimizer under a torch-only module
    # (keras.src.backend.torch.optimizers...), which another backend would then load and
    # fail in: name the optimizers so that each backend builds its own.
    optimizers = {name: getattr(keras.optimizers, name) for name in _OPTIMIZERS.values()}
    try:
        return keras.saving.load_model(path, compile=True, safe_mode=True,
                                       custom_objects=optimizers)
    except (ValueError, TypeError) as exc:  # safe_mode's refusal of code, a foreign layer
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RunError(f"{path.parent.name}: the checkpoint {path.name} cannot be loaded "
                       f"({why})") from None
