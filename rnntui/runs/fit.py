"""Whether a run's files fit together: its config, its vocabulary and its `model.keras`.

A model copied in from another run (onehot4's into an embed4 run), or a `vocab.json` that no
longer matches the model, used to end in a ValueError deep in the mirror, or worse, be used
and trained on. So each checkpoint records what it was built for (task, input shape,
vocabulary size and a hash of the vocabulary, cell, layers), and whoever loads it (the
mirror for predict/gates/export and the app, Keras for a resume) checks it here first and
refuses a misfit with one line. Checkpoints from before the record are checked by their
shapes against what the task's spec says the run's model must look like.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Sequence

from rnntui.runs.store import Run

from rnntui.nn.loading import FIT_ENTRY  # the entry of model.keras that holds the record


def vocab_hash(vocab: Sequence[str] | None) -> str | None:
    """A short fingerprint of a vocabulary, order included (ids are positions)."""
    if vocab is None:
        return None
    text = json.dumps(list(vocab), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def keras_shape(model: Any) -> dict[str, Any]:
    """What a Keras model looks like from outside, as `Fit.misfit` takes it (read through its
    public attributes: no Keras import)."""
    rows = None
    named = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Embedding":
            rows = rows if rows is not None else int(layer.input_dim)
            named.append(f"Embedding({int(layer.input_dim)}, {int(layer.output_dim)})")
        elif kind == "Bidirectional":
            inner = layer.forward_layer
            named.append(f"Bidirectional({type(inner).__name__}({int(inner.units)}))")
        elif kind in ("SimpleRNN", "LSTM", "GRU", "Dense"):
            named.append(f"{kind}({int(layer.units)})")
    output = model.output_shape
    return {"input_shape": tuple(model.input_shape[1:]),
            "outputs": output[-1] if output else None, "embedding_rows": rows,
            "layers": tuple(named)}


def planned_layers(plan: Sequence[Any]) -> tuple[str, ...]:
    """The layers with weights of a model plan (`architecture.plan_model`), named as
    `keras_shape` and the mirror's `network_layers` name a loaded model's."""
    from rnntui.architecture import CELL_NAMES

    named = []
    for layer in plan:
        if layer.kind == "embedding":
            named.append(f"Embedding({layer.settings['vocab_size']}, {layer.units})")
        elif layer.kind == "rnn":
            cell = f"{CELL_NAMES[layer.settings['cell']]}({layer.units})"
            named.append(f"Bidirectional({cell})" if layer.settings["bidirectional"] else cell)
        elif layer.kind == "dense":
            named.append(f"Dense({layer.units})")
    return tuple(named)


@dataclass(frozen=True)
class Fit:
    """What a run's model must be: read from the run's config and vocabulary."""

    task: str
    cell: str
    layers: int
    input_shape: tuple
    outputs: int
    embedding_rows: int | None
    vocab_size: int | None
    vocab_hash: str | None
    layer_names: tuple[str, ...] = ()  # those with weights, in order (`planned_layers`)
    task_tokens: int | None = None  # the tokens the task's network reads, as its spec says

    def record(self, input_shape: Sequence) -> str:
        """The text saved in the checkpoint of this run's model (which reads `input_shape`)."""
        return json.dumps({
            "task": self.task, "cell": self.cell, "layers": self.layers,
            "input_shape": list(input_shape), "vocab_size": self.vocab_size,
            "vocab_hash": self.vocab_hash})

    def misfit(self, record: str | None, input_shape: Sequence, outputs: int | None,
               embedding_rows: int | None, layers: Sequence[str] | None = None) -> str | None:
        """Why a model does not fit the run, in one line, or None when it fits.

        Args:
            record: the text its checkpoint holds (`record()`), None for an older one.
            input_shape: its input shape without the batch axis.
            outputs: the width of its last layer.
            embedding_rows: rows of its embedding table (None: no Embedding layer).
            layers: its layers with weights, named as `planned_layers` names them (None:
                not checked). Only sizes may differ (units, embedding width): a model
                copied from a run with other units reads and answers like a good one.
        """
        if self.vocab_size is not None and self.task_tokens is not None \
                and self.vocab_size != self.task_tokens:
            # another run's vocab.json: the model may fit, the letters it names do not
            return (f"vocab.json does not fit this run: it holds {self.vocab_size} tokens, "
                    f"and this run's {self.task} reads {self.task_tokens}; was it copied "
                    "from another run?")
        saved = _parse(record)
        if saved is not None:
            for key, what in (("task", "task"), ("cell", "cell"), ("layers", "layers")):
                if saved.get(key) != getattr(self, key):
                    return self._refuse(f"made for {what} {saved.get(key)}, not this run's "
                                        f"{getattr(self, key)}")
            if saved.get("vocab_size") != self.vocab_size:
                return self._refuse(f"made for a vocabulary of {saved.get('vocab_size')}, "
                                    f"and vocab.json holds {self.vocab_size}")
            if saved.get("vocab_hash") != self.vocab_hash:
                return self._refuse("made with another vocabulary than vocab.json (same "
                                    "size, other tokens or order)")
        if tuple(input_shape) != self.input_shape:
            return self._refuse(f"reads inputs of shape {_shape(input_shape)}, and this "
                                f"run's {self.task} gives {_shape(self.input_shape)}")
        if embedding_rows != self.embedding_rows:
            return self._refuse(f"embeds {embedding_rows} tokens, and this run's "
                                f"{self.task} has {self.embedding_rows}")
        if outputs != self.outputs:
            return self._refuse(f"has {outputs} outputs, and this run's {self.task} "
                                f"needs {self.outputs}")
        if layers is not None and self.layer_names and tuple(layers) != self.layer_names:
            return self._refuse(_layers_differ(tuple(layers), self.layer_names))
        return None

    def _refuse(self, why: str) -> str:
        # Without the run's name: each caller puts it first, as its other errors do.
        return (f"model.keras does not fit this run: it was {why}; was it copied from "
                "another run? Train this run anew")


def _parse(record: str | None) -> dict | None:
    if record is None:
        return None
    try:
        data = json.loads(record)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _layers_differ(loaded: tuple[str, ...], planned: tuple[str, ...]) -> str:
    """'built as …, and this run's config makes …', naming the first layer that differs."""
    for index, (have, want) in enumerate(zip(loaded, planned), start=1):
        if have != want:
            return (f"built with {have} as layer {index}, where this run's config makes "
                    f"{want} ({' → '.join(loaded)} against {' → '.join(planned)})")
    return (f"built with {len(loaded)} layers with weights, where this run's config makes "
            f"{len(planned)} ({' → '.join(loaded)} against {' → '.join(planned)})")


def _shape(shape: Sequence) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ")"


def fit_for(run: Run, vocab: Sequence[str] | None = None) -> Fit:
    """What `run`'s model must look like, from its config and its vocabulary.

    Args:
        run: the run.
        vocab: its vocabulary (default: read from vocab.json).

    Raises:
        RunError: a damaged vocab.json.
    """
    import numpy as np

    from rnntui.architecture import plan_model
    from rnntui.tasks import Dataset, get_task

    if vocab is None:
        vocab = run.vocab()
    task, hp = get_task(run.task_id), run.hparams
    # Tasks whose shape follows their data (poems) read the size from the vocabulary; the
    # others ignore the data: no corpus is read here.
    data = None if vocab is None else Dataset(np.zeros(0), np.zeros(0), vocab=tuple(vocab))
    spec = task.model_spec(hp, data)
    embedded = spec.inputs == "tokens" and hp.embedding_dim > 0
    if embedded:
        input_shape: tuple = (hp.seq_len,)
    elif spec.inputs == "tokens":
        input_shape = (hp.seq_len, spec.vocab_size)
    else:
        input_shape = (hp.seq_len, spec.features)
    plan = plan_model(spec, hp)
    return Fit(task=task.id, cell=hp.cell, layers=hp.layers,
               input_shape=input_shape, outputs=plan[-1].units,
               embedding_rows=spec.vocab_size if embedded else None,
               vocab_size=None if vocab is None else len(vocab), vocab_hash=vocab_hash(vocab),
               layer_names=planned_layers(plan),
               task_tokens=spec.vocab_size if spec.inputs == "tokens" else None)
