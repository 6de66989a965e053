"""What every way of playing a trained run shares: opening it, reading typed input, and the
network's gates and input influence for that input.

Everything runs on the NumPy mirror (`rnntui.nn`), so it answers in milliseconds and never
imports TensorFlow. Each play kind (see `rnntui.tasks.PLAY_KINDS`) is a subclass in this
package; `rnntui.play.open_play` picks it from the run's task.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from rnntui.config import shown  # noqa: F401  (re-exported: the play modules' name)
from rnntui.nn import InputInfluence, MirrorError, Network, Trace, input_influence, load_network
from rnntui.runs import Run, RunError
from rnntui.tasks import DataUnavailable, PlayInput, SourceField, Task, get_task
from rnntui.tasks.corpus import END

MAX_INPUT = 2000  # tokens: a trace of more would not fit any screen and costs seconds
# Sampling bounds, for the CLI's flags and the app's keys alike.
TEMPERATURE_MAX = 10.0  # the most `generate` accepts
TEMPERATURE_KEYS_MAX = 2.0  # the most the app's +/- keys reach (beyond, text is noise)
LENGTH_MAX = 5000  # tokens one generation may write
# How many tokens a kind that writes writes by default, and the app's steps and bounds for
# it: (default, step, lowest, highest), by play kind.
LENGTHS = {"letters": (5, 1, 1, 40), "poem": (48, 8, 8, 400)}


class InputError(ValueError):
    """Typed input the network cannot read; `position` points at the offending character."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class Encoded:
    """A typed input as the network reads it."""

    tokens: tuple[str, ...]  # what each step reads, for labels ("a", "床", "0.123", "movie")
    x: np.ndarray  # the network's input for one sequence
    note: str = ""  # e.g. "reads the last 4 letters"
    warning: str = ""  # the input is not what the network was trained on, and how


class Play:
    """A saved run opened for play; `rnntui.play.open_play(run)` makes the right subclass."""

    kind: ClassVar[str]
    """The play kind this class serves (a value of `PlayInput.kind`)."""

    def __init__(self, run: Run, net: Network, vocab: list[str] | None):
        self.run = run
        self.net = net
        self.task: Task = get_task(run.task_id)
        self.hp = run.hparams
        self.reads: PlayInput = self.task.play_input(self.hp)
        self.vocab = vocab
        self.index = {tok: i for i, tok in enumerate(vocab)} if vocab else {}

    @classmethod
    def load(cls, run: Run) -> Play:
        """Read the run's weights and vocabulary.

        Raises:
            RunError: for a run with no checkpoint, unreadable weights, or a model that
                does not fit the run's config and vocabulary.
        """
        if not run.has_checkpoint:
            raise RunError(f"{run.name} has no trained epoch yet: train it first")
        from rnntui.runs.fit import fit_for

        vocab = run.vocab()
        try:  # refuses a model that is not this run's (copied in, or its vocab.json changed)
            net = load_network(run.model_path, expect=fit_for(run, vocab))
        except MirrorError as exc:
            raise RunError(f"{run.name}: {exc}") from None
        return cls(run, net, vocab)

    @property
    def embedded(self) -> bool:
        return self.hp.embedding_dim > 0

    @property
    def trained_on(self) -> str:
        """What the run was trained on, in words (screens show it above the input)."""
        return self.reads.trained_on

    @property
    def lines(self) -> int | None:
        """After how many lines a piece written from a typed start ends by default."""
        return self.task.lines_for(self.hp)

    def missing(self) -> DataUnavailable | None:
        """What the run lacks to be played from this machine (e.g. a word index), or None."""
        return None

    def wanted_file(self) -> SourceField | None:
        """The task's file field whose file gives what `missing` lacks (a screen offers it
        as a field), or None when no file can."""
        return None

    def supply_file(self, path: str) -> None:
        """Read `path` for what `missing` lacks, and keep it with the run.

        Raises:
            DataUnavailable: the file cannot give it (the message says why).
        """
        raise DataUnavailable(f"{self.run.name} reads no file to be played")

    def default_text(self) -> str:
        """An input the network can read, to show something before the user types."""
        return ""

    def step_labels(self) -> list[str] | None:
        """Token id → what it reads as, for labelling held-out data (None: values)."""
        return self.vocab

    def encode(self, text: str) -> Encoded:
        """The network's input for `text`.

        Raises:
            InputError: for input this run cannot read, saying why.
        """
        raise NotImplementedError

    # -- inside the network --------------------------------------------------------------
    def gates(self, text: str) -> tuple[Encoded, Trace]:
        """Every gate and state of every layer at every step of `text`."""
        encoded = self.encode(text)
        _, trace = self.net.forward(encoded.x, trace=True)
        return encoded, trace

    def influence(self, text: str) -> tuple[Encoded, InputInfluence]:
        """How much the last output depends on each input step (‖∂y_T/∂x_t‖)."""
        encoded = self.encode(text)
        outputs = None
        if self.vocab and len(self.vocab) > 32:
            # differentiate the few most likely outputs only: cost grows with their number
            out = np.asarray(self.net.forward(encoded.x))
            outputs = np.argsort(-(out[-1] if out.ndim == 2 else out))[:8].tolist()
        return encoded, input_influence(self.net, encoded.x, outputs=outputs)


def describe_prediction(pairs: list[tuple[str, float]]) -> str:
    """'e 97.1%  a 1.2%  ...' with END shown as ⏎."""
    return "  ".join(f"{'⏎' if tok == END else tok} {p:.1%}" for tok, p in pairs)




def jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value
