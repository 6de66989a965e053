"""What every task provides: its data, its defaults, the seed's recipe and its quality figure.

No Textual and no Keras here: tasks are plain NumPy so the app can list and describe them
without loading TensorFlow.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from typing import TYPE_CHECKING

# numpy (~50 ms to import) is imported inside the functions that make data, so the app can
# list the tasks without it before its first frame.
if TYPE_CHECKING:
    import numpy as np

from rnntui.architecture import ModelSpec, count_params, describe, plan_model
from rnntui.config import ConfigError, HParams
from rnntui.tasks.features import UnitFeature, UnitText


class DataUnavailable(RuntimeError):
    """The task's data cannot be had (offline, missing or unreadable file); the message says
    what to do."""


@dataclass(frozen=True)
class DataSource:
    """Where a task reads its data from, when the user points somewhere.

    Attributes:
        data: an `.npz` in Keras's IMDb layout (imdb), a CSV file (sine).
        corpus: a UTF-8 text or chinese-poetry JSON file (poems).
        word_index: Keras's IMDb word → rank JSON (imdb), for typing reviews offline.
        column: the CSV column to read (sine).
    """

    data: str | None = None
    corpus: str | None = None
    word_index: str | None = None
    column: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("data", self.data), ("corpus", self.corpus),
                                  ("word_index", self.word_index), ("column", self.column))
                if v}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None) -> DataSource:
        values = values or {}
        return cls(data=values.get("data"), corpus=values.get("corpus"),
                   word_index=values.get("word_index"), column=values.get("column"))


@dataclass(frozen=True)
class SourceField:
    """A DataSource field a task reads, as the form shows it.

    Attributes:
        name: the DataSource field ("data", "corpus", "word_index", "column").
        label: its name on the form.
        help: what it holds, and what an empty field means.
        is_path: a file path (completed and checked as typed), else free text.
    """

    name: str
    label: str
    help: str
    is_path: bool = True


@dataclass(frozen=True)
class Dataset:
    """Arrays ready for `model.fit`, and the vocabulary that decodes token ids.

    `validation_split` is used when there is no explicit validation set (Keras takes the last
    fraction of the training arrays, as seed 003 does).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    validation_split: float = 0.0
    vocab: tuple[str, ...] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Where the reported figure comes from when it is not data the network never saw (a
    # corpus too small to hold any out): the result line says it, not only the log.
    figure_note: str = ""

    @property
    def samples(self) -> int:
        return len(self.x_train)


@dataclass(frozen=True)
class Quality:
    """The one figure that says how good a trained run is, and the goal for it."""

    name: str  # "accuracy", "rmse", "test_accuracy", "perplexity"
    goal: float | None  # None: no fixed target (the figure depends on the data given)
    higher_is_better: bool
    metric: str  # the Keras metric it is read from ("accuracy", "rmse", "loss")

    def reached(self, value: float | None) -> bool:
        if self.goal is None or value is None or not math.isfinite(value):
            return False
        return value >= self.goal if self.higher_is_better else value <= self.goal


@dataclass(frozen=True)
class Probe:
    """The network as it is now, for a task's epoch sample (no Keras: the NumPy mirror).

    Attributes:
        predict: a batch of inputs → the network's outputs (NumPy).
        network: the NumPy mirror itself (rnntui.nn.network.Network), for a task that steps
            it one token at a time (poems); None when the mirror cannot build the model.
    """

    predict: Callable[[np.ndarray], np.ndarray]
    network: Any = None


@dataclass(frozen=True)
class EpochSample:
    """What the network does now on a few fixed inputs, shown at each epoch's end
    (char-rnn's habit): the lines to show, and the figures they hold.

    Attributes:
        lines: a few short lines of text, e.g. "abcd→e ✓ bcde→a ✓" or a quatrain.
        figures: name → number, e.g. {"right": 5, "windows": 5} or {"rmse_free_30": 0.02}.
    """

    lines: tuple[str, ...]
    figures: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Classes:
    """The classes of a classification task, for its confusion matrix.

    Attributes:
        names: class id → name, in id order ("a", "b" …; "negative", "positive").
        binary: the network has one sigmoid output (P(class 1)), not one per class.
    """

    names: tuple[str, ...]
    binary: bool = False


PLAY_KINDS = ("letters", "sequence", "poem", "forecast", "review", "dice")


@dataclass(frozen=True)
class PlayInput:
    """How a trained run of a task is played, and the input it reads.

    Attributes:
        kind: one of PLAY_KINDS: "letters" (the next letter after a window, and on),
            "sequence" (a whole sequence in, one letter out), "poem" (a first line in, a
            poem out), "forecast" (numbers in, the next ones out), "review" (a text in, its
            sentiment out), "dice" (rolls in, beliefs about the dice out).
        unit: what one step reads, in words ("letter", "character", "word", "sample", "roll").
        length: the input length it was trained on (None: any length).
        exact: an input of another length is read wrongly (it learned to answer after
            exactly `length` steps); False: a longer one is cut to its last `length`.
        seen: the tokens training ever fed it as input (None: all of its vocabulary);
            typed ones outside it get a warning.
        trained_on: what the run was trained on, in words, for the play screens.
        windows: every input window training fed it, when they are few (None: too many to
            name, or any); a typed window outside them gets a warning.
    """

    kind: str
    unit: str
    length: int | None = None
    exact: bool = False
    seen: str | None = None
    trained_on: str = ""
    windows: tuple[str, ...] | None = None


class Task(ABC):
    """A classic sequence task from the seeds.

    Subclasses set the class attributes and implement `load` and `model_spec`.
    """

    id: str
    title: str
    learns: str  # what the network learns, in a sentence
    data_text: str  # where the data comes from and how big it is
    expect: str  # what a learner should see
    seed_ref: str  # where in the seeds it comes from
    defaults: Mapping[str, Any]
    recipe: Mapping[str, Any]  # the seed's own recipe, reachable as hyperparameters
    quality: Quality
    # The sampling temperature a trained network of the task writes with (see lines_for).
    temperature: float = 0.8
    # The fields of DataSource this task reads, as the form shows them (a path field with
    # completion for a file, a text field for a setting of one); other tasks ignore them.
    source_fields: tuple[SourceField, ...] = ()
    # What `--data FILE` may be for this task, in words ("": the task reads no data file).
    takes_data: str = ""
    # Why the defaults leave the GPU's fused cuDNN LSTM/GRU kernel, where they do on purpose
    # ("": they take it, as every task's should unless its lesson needs otherwise).
    off_fast_path: str = ""

    def hparams(self, overrides: Mapping[str, Any] | None = None,
                recipe: bool = False, source: DataSource | None = None) -> HParams:
        """Checked hyperparameters: the defaults (or the seed's recipe), then what the
        data file in `source` sets (`source_defaults`), then the overrides."""
        base = dict(self.defaults)
        if recipe:
            base.update(self.recipe)
        if source is not None:
            base.update(self.source_defaults(source))
        hp = HParams.for_task(self.id, base, overrides)
        self._check_leak(hp)
        self.check(hp)
        return hp

    def next_step_targets(self, hp: HParams) -> bool:
        """Whether the targets are the next step of the input itself (a language model,
        dice in mode next): step t's answer is what step t+1 reads."""
        return False

    def _check_leak(self, hp: HParams) -> None:
        # The one rule, for every task and every front end (form, CLI, saved runs): a
        # backward reader of such a task sees at step t the very token it must predict,
        # and its loss or perplexity is then fake (poems: 33.9 against 211 one-way).
        if hp.bidirectional and self.next_step_targets(hp):
            raise ConfigError("bidirectional", "bidirectional=true: reading backwards, the "
                              "network would see the very token it must predict (each "
                              "target here is the next step of the input); train it left "
                              "to right")

    def own_source(self, source: DataSource) -> DataSource:
        """The part of `source` this task reads (the rest would only confuse its runs)."""
        return DataSource(**{f.name: getattr(source, f.name) for f in self.source_fields})

    def reads_source(self, name: str) -> bool:
        """Whether the DataSource field `name` means something to this task."""
        return any(f.name == name for f in self.source_fields)

    def source_defaults(self, source: DataSource) -> dict[str, Any]:
        """Settings the user's data file decides unless the user sets them (IMDb's word
        ids: `num_words`, so the vocabulary the run names is the one the file has); {} for
        none.

        Raises:
            DataUnavailable: the file cannot be read.
        """
        return {}

    def data_note(self, source: DataSource) -> str | None:
        """What a user should know about the data before training (a download), or None."""
        return None

    def lines_for(self, hp: HParams) -> int | None:
        """After how many lines a piece written from a typed start ends by default (None:
        at the end token or the length asked for)."""
        return None

    def check(self, hp: HParams) -> None:
        """Task-specific limits beyond the schema's ranges; raise ConfigError."""

    def check_source(self, source: DataSource) -> None:
        """Read the user's data file (`source.data`) cheaply before training starts, so a
        bad path fails at once.

        Raises:
            DataUnavailable: saying what is wrong with the file.
        """

    @abstractmethod
    def play_input(self, hp: HParams) -> PlayInput:
        """How a run of this task trained with `hp` is played, and what input it reads."""

    @abstractmethod
    def load(self, hp: HParams, source: DataSource = DataSource()) -> Dataset:
        """Make or read the data for these hyperparameters.

        Raises:
            DataUnavailable: with a message that says what to do.
        """

    @abstractmethod
    def model_spec(self, hp: HParams, data: Dataset | None = None) -> ModelSpec:
        """The inputs and head the network needs; `data` None means "work it out cheaply"
        (the form calls this on every keystroke)."""

    def preview(self, hp: HParams, source: DataSource = DataSource()) -> tuple[str, int]:
        """The model in words and its parameter count, without building it."""
        plan = plan_model(self.model_spec(hp, self._preview_data(hp, source)), hp)
        return describe(plan), count_params(plan)

    def _preview_data(self, hp: HParams, source: DataSource) -> Dataset | None:
        """Just enough data for `model_spec` (tasks whose shape depends on their data)."""
        return None

    def quality_split(self, data: Dataset) -> tuple[np.ndarray, np.ndarray]:
        """The arrays the quality figure is measured on (the test set where there is one)."""
        if data.x_test is not None:
            return data.x_test, data.y_test
        return data.x_train, data.y_train

    def quality_value(self, evaluated: Mapping[str, float]) -> float:
        """The quality figure from `model.evaluate(..., return_dict=True)` on quality_split."""
        return float(evaluated[self.quality.metric])

    def extra_figures(self, predict: Callable[[np.ndarray], np.ndarray], data: Dataset,
                      hp: HParams) -> dict[str, float]:
        """Figures beyond `quality` that need the trained network itself (name → figure),
        reported beside it; empty by default.

        Args:
            predict: the trained network, batch of inputs → outputs (NumPy).
            data: the data it was trained and scored on.
            hp: the run's hyperparameters.
        """
        return {}

    def epoch_sample(self, probe: Probe, data: Dataset, hp: HParams) -> EpochSample | None:
        """What the network does now, in a few lines, at the end of an epoch; None: the task
        shows no sample. It must be cheap (a few milliseconds against an epoch's seconds):
        fixed inputs, the NumPy mirror, no Keras call.

        Args:
            probe: the network as it is at the end of this epoch.
            data: the data it trains on (as `load` made it).
            hp: the run's hyperparameters.
        """
        return None

    def classes(self, hp: HParams) -> Classes | None:
        """The classes its network names, for a confusion matrix; None: not a classifier."""
        return None

    def confusion_split(self, data: Dataset) -> tuple[np.ndarray, np.ndarray, str]:
        """The arrays a confusion matrix is counted on, and what they are in words: the test
        set, else the validation set, else (no held-out data) the training data, said so."""
        if data.x_test is not None:
            return data.x_test, data.y_test, "test"
        if data.x_val is not None:
            return data.x_val, data.y_val, "validation"
        return data.x_train, data.y_train, "training (no held-out data: all of it is trained on)"

    # -- the unit views (rnntui.units) ---------------------------------------------------
    # The features of its inputs a unit may be found to track, computed per step.
    unit_features: tuple[UnitFeature, ...] = ()

    def feature_values(self, hp: HParams, name: str, text: UnitText) -> list[float]:
        """Feature `name` (one of `unit_features`) at every step of `text`.

        Raises:
            KeyError: not one of this task's features.
        """
        raise KeyError(name)

    def typed_unit_text(self, hp: HParams, text: UnitText,
                        labels: Sequence[str] | None) -> UnitText:
        """A typed text as the unit views read it, so that it is read as the held-out texts
        are (default: as typed)."""
        return text

    def unit_texts(self, hp: HParams, data: Dataset,
                   labels: Sequence[str] | None) -> list[UnitText]:
        """The held-out inputs the unit views read by default: each row of the quality
        split (the test set where there is one), one sequence each.

        Args:
            hp: the run's hyperparameters.
            data: the task's data.
            labels: token id → what it reads as (the vocabulary), or None for values.
        """
        import numpy as np

        x = np.asarray(self.quality_split(data)[0])
        texts = []
        for row in x:
            if row.ndim == 1 and labels is not None:  # token ids
                steps = tuple(labels[int(i)] for i in row)
            elif row.ndim == 2 and row.shape[-1] > 1 and labels is not None:  # one-hot
                steps = tuple(labels[int(i)] for i in row.argmax(-1))
            else:  # values
                steps = tuple(float(v) for v in row.reshape(len(row), -1)[:, 0])
            texts.append(UnitText(row, steps))
        return texts

    def baselines(self, data: Dataset, hp: HParams) -> dict[str, float]:
        """Figures of simple baselines on the same split and metric as `quality` (name →
        figure), measured in the training run. Empty when the task has none.

        Args:
            data: the very data the network was trained and scored on.
            hp: the run's hyperparameters.

        Returns:
            Baseline name (as shown to the user) → figure, in the order to show them.
        """
        return {}


def encode_tokens(ids: np.ndarray, vocab_size: int, embedded: bool) -> np.ndarray:
    """Token ids as the network reads them: the ids themselves for an Embedding layer,
    one-hot float vectors otherwise (the seed's 独热码)."""
    import numpy as np
    ids = np.asarray(ids, dtype=np.int32)
    if embedded:
        return ids
    return np.eye(vocab_size, dtype=np.float32)[ids]


def pad_sequences(sequences: list[list[int]], maxlen: int) -> np.ndarray:
    """Pad with 0 and cut to `maxlen`, both at the front, as Keras's pad_sequences does."""
    import numpy as np
    out = np.zeros((len(sequences), maxlen), dtype=np.int32)
    for row, seq in enumerate(sequences):
        tail = list(seq)[-maxlen:]
        if tail:
            out[row, -len(tail):] = tail
    return out
