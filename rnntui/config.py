"""The hyperparameter schema: the one place every front end (form, CLI flags, saved runs)
goes through to turn what a user typed into checked values.

A `Param` knows its type, its range or choices and how to read a typed string; a task only
chooses defaults (see `rnntui.tasks`). A bad value raises `ConfigError` naming the key, the
value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

OFF_WORDS = ("off", "none", "")  # what turns an optional setting off
_TRUE = {"true", "yes", "on", "1", "y", "t"}
_FALSE = {"false", "no", "off", "0", "n", "f"}


class ConfigError(ValueError):
    """A hyperparameter value that is refused; `key` says which field to point at.

    `errors` holds every field refused at once (field → message), the first being
    `key`'s: a form shows them all, the CLI the first.
    """

    def __init__(self, key: str, message: str, more: dict[str, str] | None = None):
        super().__init__(message)
        self.key = key
        self.message = message
        self.errors = {key: message, **(more or {})}

    @classmethod
    def gather(cls, *checks: Any) -> None:
        """Run every check (a no-argument callable); raise one ConfigError naming all the
        fields they refused."""
        errors: dict[str, str] = {}
        for check in checks:
            try:
                check()
            except ConfigError as exc:
                for key, message in exc.errors.items():
                    errors.setdefault(key, message)
        if errors:
            key, message = next(iter(errors.items()))
            raise cls(key, message, errors)


@dataclass(frozen=True)
class Param:
    """One hyperparameter: its type, what is allowed, and a line of help."""

    key: str
    kind: type  # int, float, bool or str
    help: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # True when `low` itself is not allowed (learning_rate > 0)
    choices: tuple[str, ...] = ()
    tasks: frozenset[str] | None = None  # None: every task has it
    hint: str = ""  # what free text may say (a str without choices); the task checks it
    optional: bool = False  # "off" (or empty) is allowed too and reads as None

    def is_off(self, value: Any) -> bool:
        """Whether `value` turns an optional setting off ("off", "none", empty, None)."""
        if not self.optional:
            return False
        return value is None or (isinstance(value, str) and value.strip().lower() in OFF_WORDS)

    def allowed(self) -> str:
        """What is allowed, in words, for error messages and the form's hints."""
        if self.hint:
            return self.hint
        if self.optional:
            return dataclasses.replace(self, optional=False).allowed() + ", or off"
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.kind is bool:
            return "true or false"
        what = "a whole number" if self.kind is int else "a number"
        low = _fmt(self.low)
        high = _fmt(self.high)
        if self.low_open:
            return f"{what} greater than {low} and at most {high}"
        return f"{what} from {low} to {high}"

    def parse(self, value: Any) -> Any:
        """Turn a typed string (or a Python value) into a checked value.

        Raises:
            ConfigError: when the value has the wrong type or lies outside the range.
        """
        if self.is_off(value):
            return None
        text = value.strip() if isinstance(value, str) else value
        try:
            if self.kind is bool:
                parsed = _parse_bool(text)
            elif self.kind is int:
                parsed = _parse_int(text)
            elif self.kind is float:
                parsed = _parse_float(text)
            else:
                parsed = str(text).lower() if isinstance(text, str) else None
                if parsed is None:
                    raise ValueError
        except (TypeError, ValueError):
            raise self._refuse(value) from None
        if self.choices and parsed not in self.choices:
            raise self._refuse(value)
        if self.kind in (int, float):
            too_low = parsed <= self.low if self.low_open else parsed < self.low
            if too_low or parsed > self.high:
                raise self._refuse(value)
        return parsed

    def _refuse(self, value: Any) -> ConfigError:
        return ConfigError(self.key, f"{self.key}={quoted(value)}: must be {self.allowed()}")


def shown(text: str) -> str:
    """`text` safe to print on a terminal: control characters written as escapes (`\\x1b`),
    so a typed input, a note, a folder's name or a lock holder's command can never move the
    cursor, clear the screen or restyle it."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def quoted(value: Any) -> str:
    """A typed value as a refusal quotes it: at most 40 characters, on one line."""
    shown = value if isinstance(value, str) else repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    if not shown.isprintable():  # a newline or an escape would break the one-line
        shown = repr(shown)[1:-1]  # message, or restyle the terminal it is printed on
    return shown


def _fmt(number: float | None) -> str:
    if number is None:
        return "?"
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise ValueError(value)


def _parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        cleaned = value.replace("_", "")
        if cleaned.lstrip("+-").isdigit() and cleaned.isascii():
            return int(cleaned)
    raise ValueError(value)


def _parse_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(value)  # accepts "0.01", "1e-3", ints
    if not math.isfinite(number):
        raise ValueError(value)
    return number


SCHEMA: dict[str, Param] = {
    p.key: p
    for p in (
        Param("cell", str, "recurrent cell: SimpleRNN, LSTM or GRU",
              choices=("simple", "lstm", "gru")),
        Param("units", int, "memory units in each recurrent layer", 1, 1024),
        Param("layers", int, "stacked recurrent layers (return_sequences between them)", 1, 8),
        Param("bidirectional", bool, "read the sequence both ways and concatenate"),
        Param("dropout", float, "dropout on each layer's inputs (between layers, not across time)",
              0.0, 0.9),
        Param("recurrent_dropout", float, "dropout on the state carried across time steps "
              "(leaves the fused cuDNN path)", 0.0, 0.9),
        Param("embedding_dim", int, "size of the learned token vectors; 0 feeds one-hot vectors",
              0, 1024),
        Param("seq_len", int, "time steps the network reads for each prediction", 1, 2000),
        Param("optimizer", str, "the update rule", choices=("sgd", "adam", "rmsprop", "adagrad")),
        Param("learning_rate", float, "step size of the optimizer", 0.0, 10.0, low_open=True),
        Param("batch_size", int, "samples per gradient step", 1, 8192),
        Param("epochs", int, "passes over the training data", 1, 100_000),
        Param("seed", int, "random seed for weights, shuffling and data", 0, 2**31 - 1),
        Param("patience", int, "with validation data: stop once the validation loss has "
              "not improved for this many epochs and keep the best epoch's weights "
              "(0: train every epoch, keep the last)", 0, 10_000),
        Param("clipnorm", float, "clip each weight's gradient to at most this norm before "
              "each update (Keras clipnorm): an exploding gradient takes a bounded step; "
              "off: no clipping", 0.0, 1e6, low_open=True, optional=True),
        Param("clipvalue", float, "clip every element of every gradient to ±this (Keras "
              "clipvalue); off: no clipping", 0.0, 1e6, low_open=True, optional=True),
        Param("lr_schedule", str, "the learning rate epoch by epoch: constant; cosine "
              "(decays along half a cosine to near 0 at the last epoch); exponential (× "
              "lr_decay each epoch); plateau (× lr_decay once the validation loss, else the "
              "training loss, has not improved for lr_patience epochs)",
              choices=("constant", "cosine", "exponential", "plateau")),
        Param("lr_decay", float, "exponential and plateau schedules: the factor the learning "
              "rate is multiplied by", 0.0, 1.0, low_open=True),
        Param("lr_patience", int, "plateau schedule: epochs without improvement before the "
              "learning rate is cut", 1, 1000),
        Param("log_gradients", bool, "record every batch's gradient norms (all weights "
              "together and each kernel) for the gradient plot and TensorBoard"),
        Param("readout", str, "what the head reads: the last step's hidden state (the "
              "seeds), or the max or mean of every step's", choices=("last", "max", "mean"),
              tasks=frozenset({"imdb", "recall"})),
        Param("num_words", int, "vocabulary size: the most frequent words kept, the rest "
              "become out-of-vocabulary", 10, 100_000, tasks=frozenset({"imdb"})),
        Param("tokens", str, "what one step reads: a character or a word",
              choices=("char", "word"), tasks=frozenset({"poems"})),
        Param("waves", int, "sine: how many sines of different periods are summed (1: "
              "sin(t) alone, which a 2-term linear rule continues exactly)", 1, 5,
              tasks=frozenset({"sine"})),
        Param("noise", float, "sine: standard deviation of Gaussian noise added to every "
              "sample (0: a clean curve)", 0.0, 1.0, tasks=frozenset({"sine"})),
        Param("script", str, "the script poems are read and written in (the corpus and "
              "typed text are converted to it)", choices=("simplified", "traditional"),
              tasks=frozenset({"poems"})),
        Param("form", str, "which poems to train on: any, regulated (5- or 7-character "
              "quatrains and regulated verse), or only the 5- or 7-character ones",
              choices=("any", "regulated", "5-char", "7-char"), tasks=frozenset({"poems"})),
        Param("max_poems", int, "the most poems to train and hold out (a seeded random "
              "subset; 0: all)", 0, 10_000_000, tasks=frozenset({"poems"})),
        # The three dice of seed 004 (rnntui.tasks.dice reads and checks the tables).
        Param("mode", str, "what the network names at each step: the hidden die, or the "
              "next roll", choices=("die", "next"), tasks=frozenset({"dice"})),
        Param("transitions", str, "how the next die is picked, rows from D4, D6, D8: "
              "sticky (kept with probability stay), uniform (the seed's 1/3), d6-no-d4 "
              "(the seed's variant), or 9 numbers, e.g. 0.8 0.1 0.1; 0.1 0.8 0.1; 0 0.5 0.5",
              tasks=frozenset({"dice"}),
              hint="sticky, uniform, d6-no-d4, or 3 rows of 3 (rows ';')"),
        Param("stay", float, "sticky transitions: probability that the same die is kept",
              0.0, 1.0, tasks=frozenset({"dice"})),
        Param("emissions", str, "what each die rolls, rows D4, D6, D8: fair, loaded-d6 (the "
              "seed's D6 that rolls 1 half the time), or 4, 6 and 8 numbers, e.g. "
              "1/4 1/4 1/4 1/4; 1/2 1/10 1/10 1/10 1/10 1/10; 1/8 1/8 1/8 1/8 1/8 1/8 1/8 1/8",
              tasks=frozenset({"dice"}),
              hint="fair, loaded-d6, or rows of 4, 6 and 8 (rows ';')"),
    )
}


# Keys every task has with the same default (a task may still set its own): runs saved
# before a key existed read as these.
COMMON_DEFAULTS: dict[str, Any] = {
    "clipnorm": None, "clipvalue": None, "lr_schedule": "constant", "lr_decay": 0.9,
    "lr_patience": 2, "log_gradients": True,
}


# Other names users know a key by (seed 003 and Keras call the sequence length `maxlen`).
ALIASES = {"maxlen": "seq_len"}


def suggest(key: str, known: Iterable[str]) -> str:
    """' (did you mean ...?)' for a misspelt key, or ''."""
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


class HParams(Mapping[str, Any]):
    """A checked, immutable set of hyperparameters for one task.

    Build one with `HParams.for_task(task, overrides)`; read it like a dict or by attribute
    (`hp.units`). `replace()` returns a new checked copy.
    """

    __slots__ = ("_task_id", "_values")

    def __init__(self, task_id: str, values: Mapping[str, Any]):
        self._task_id = task_id
        self._values = dict(values)

    @classmethod
    def for_task(cls, task_id: str, defaults: Mapping[str, Any],
                 overrides: Mapping[str, Any] | None = None) -> HParams:
        """The task's defaults with `overrides` applied, every value checked.

        Raises:
            ConfigError: for an unknown key, a key the task has no use for, or a bad value.
        """
        keys = params_for(task_id)
        values = {}
        for key in keys:
            if key not in defaults and key not in COMMON_DEFAULTS:
                raise ConfigError(key, f"task {task_id} has no default for {key}")
            values[key] = SCHEMA[key].parse(defaults.get(key, COMMON_DEFAULTS.get(key)))
        for key, raw in (overrides or {}).items():
            if key in ALIASES:
                canonical = ALIASES[key]
                if canonical in keys:
                    values[canonical] = dataclasses.replace(SCHEMA[canonical], key=key).parse(raw)
                    continue
                key = canonical
            if key not in SCHEMA:
                raise ConfigError(key, f"unknown hyperparameter {key!r}{suggest(key, keys)}; "
                                       f"known: {', '.join(keys)}")
            if key not in keys:
                raise ConfigError(key, f"{key} does not apply to task {task_id}")
            values[key] = SCHEMA[key].parse(raw)
        _check_together(values)
        return cls(task_id, values)

    @property
    def task_id(self) -> str:
        return self._task_id

    def replace(self, **changes: Any) -> HParams:
        return HParams.for_task(self._task_id, self._values, changes)

    def to_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"HParams({self._task_id!r}, {self._values!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HParams):
            return NotImplemented
        return self._task_id == other._task_id and self._values == other._values

    def __hash__(self) -> int:
        return hash((self._task_id, tuple(sorted(self._values.items()))))


def _check_together(values: Mapping[str, Any]) -> None:
    """Rules between keys, whatever the task."""
    if values.get("clipnorm") is not None and values.get("clipvalue") is not None:
        raise ConfigError("clipvalue", f"clipvalue={values['clipvalue']:g}: set clipnorm or "
                          "clipvalue, not both (Keras clips one way at a time); the other: off")


def params_for(task_id: str) -> list[str]:
    """The schema keys a task has, in schema order."""
    return [k for k, p in SCHEMA.items() if p.tasks is None or task_id in p.tasks]


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """Read CLI `--set key=value` items into a dict (values still strings).

    Raises:
        ConfigError: for an item without '='.
    """
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(key or item, f"--set {item!r}: write it as KEY=VALUE, e.g. units=32")
        out[key] = value
    return out
