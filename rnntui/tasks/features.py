"""What a task's inputs say at each step, for the unit views: the features a unit may track.

Each task declares a few features (`Task.unit_features`), each computed from the input alone
(what each step reads) or, for a hidden cause the data was made from (the dice), from what the
task knew when it made the data. Plain Python here (no NumPy, no Keras): a feature is a list
of floats, one per step; `rnntui.units` ranks the units against them.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UnitFeature:
    """A named feature of a task's inputs, per step.

    Attributes:
        name: its name on the command line and the screens ("line_position").
        about: what it is, in a sentence.
        known_only: computed from how the data was made, not from the input (the hidden
            die): only the task's own held-out data has it, not a typed text.
    """

    name: str
    about: str
    known_only: bool = False


@dataclass(frozen=True)
class UnitText:
    """One input as the unit views read it.

    Attributes:
        x: the network's input for this one sequence (ids, one-hot or values).
        steps: what each step reads, in order: a token (text) or a number.
        known: per-step values the data was made from (feature name → one value a step).
    """

    x: Any
    steps: tuple
    known: Mapping[str, Sequence[float]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.steps)


def is_mark(token: str) -> bool:
    """A punctuation mark (，。？！、 and ASCII marks): Unicode category P*."""
    return len(token) == 1 and unicodedata.category(token).startswith("P")


def line_positions(tokens: Sequence[str], special: frozenset[str]) -> list[float]:
    """At the step that reads a character, how many characters of the current line have been
    read, that one included; 0 at punctuation marks and at the start and end tokens (and a
    mark or one of `special` ends the line)."""
    out, count = [], 0
    for tok in tokens:
        if tok in special or is_mark(tok) or tok.isspace():
            count = 0
            out.append(0.0)
        else:
            count += 1
            out.append(float(count))
    return out


def line_numbers(tokens: Sequence[str], special: frozenset[str]) -> list[float]:
    """The line a step is in (1 for the first), a mark counting in the line it ends; 0 at the
    start and end tokens."""
    out, line = [], 1
    for tok in tokens:
        if tok in special or tok.isspace():
            out.append(0.0)
            line = 1
            continue
        out.append(float(line))
        if is_mark(tok):
            line += 1
    return out


def next_is_mark(tokens: Sequence[str]) -> list[float]:
    """1 where the next step reads a punctuation mark, else 0 (0 at the last step)."""
    return [1.0 if i + 1 < len(tokens) and is_mark(tokens[i + 1]) else 0.0
            for i in range(len(tokens))]


def positions(tokens: Sequence[str], skip: frozenset[str]) -> list[float]:
    """How many tokens not in `skip` have been read, this one included (0 at those in
    `skip`: padding, the start token)."""
    out, count = [], 0
    for tok in tokens:
        if tok in skip:
            out.append(0.0)
        else:
            count += 1
            out.append(float(count))
    return out


def inside_negation(tokens: Sequence[str], words: frozenset[str] = frozenset(
        {"not", "never", "no"}), reach: int = 3) -> list[float]:
    """1 at a negation word (not, never, no) and at the `reach` words after it, else 0."""
    out, left = [], 0
    for tok in tokens:
        if tok.lower().rstrip("?") in words:
            left = reach + 1
        out.append(1.0 if left > 0 else 0.0)
        left = max(left - 1, 0)
    return out


def cycle_places(tokens: Sequence[str], alphabet: str) -> list[float]:
    """The letter's place in the alphabet (a = 0); NaN for what is not one of its letters."""
    return [float(alphabet.index(t)) if len(t) == 1 and t in alphabet else math.nan
            for t in tokens]


def sine_phases(values: Sequence[float], step: float) -> list[float]:
    """Where in its cycle each sample of sin(t) (sampled every `step`) is, as a fraction of a
    turn in [0, 1): the angle of (cos, sin) read from the input alone, sin t = x_t and
    cos t ≈ (x_t − x_{t−1}) / step (the next difference at step 0)."""
    if len(values) < 2:
        return [math.nan] * len(values)
    slopes = [values[1] - values[0]] + [values[i] - values[i - 1]
                                        for i in range(1, len(values))]
    return [(math.atan2(v, s / step) / (2 * math.pi)) % 1.0 for v, s in zip(values, slopes)]


def slope_signs(values: Sequence[float]) -> list[float]:
    """+1 where the curve rises into this sample (x_t > x_{t−1}), −1 where it falls, 0 flat;
    at step 0 the sign of the next difference."""
    if len(values) < 2:
        return [0.0] * len(values)
    diffs = [values[1] - values[0]] + [values[i] - values[i - 1]
                                       for i in range(1, len(values))]
    return [float((d > 0) - (d < 0)) for d in diffs]
