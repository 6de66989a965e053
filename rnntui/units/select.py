"""Select and match, after LSTMVis (Strobelt et al. 2018): the units of h on across a span of
a text (above a threshold at every step of it), and the spans of the held-out data whose
on-units are most like them.

A window's score is LSTMVis's: the selected units it shares, minus the units it has on that
the selection does not (shared rewarded, extra penalised). Every window of the span's length
of every held-out text is scored; the best ones that do not overlap are kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnntui.units.states import States, UnitId

DEFAULT_THRESHOLD = 0.3
DEFAULT_TOP = 10
_SPAN = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s*$")


class SpanError(ValueError):
    """A span that is not START:END inside the text, in one line."""


def parse_span(spec: str, steps: int) -> tuple[int, int]:
    """`START:END` (0-based steps, END excluded) checked against a text of `steps` steps.

    Raises:
        SpanError: malformed, empty, or outside the text.
    """
    match = _SPAN.match(spec)
    if not match:
        raise SpanError(f"span {spec!r}: give START:END, steps counted from 0, END not "
                        "included (e.g. 2:5)")
    start, end = int(match.group(1)), int(match.group(2))
    return check_span(start, end, steps)


def check_span(start: int, end: int, steps: int) -> tuple[int, int]:
    if end <= start:
        raise SpanError(f"span {start}:{end} is empty: END must be after START")
    if end > steps:
        raise SpanError(f"span {start}:{end} is outside the text: it has {steps} steps "
                        f"(0:{steps} is all of it)")
    return start, end


@dataclass(frozen=True)
class Selection:
    """The units on across a span.

    Attributes:
        span: (start, end) steps of the text, end excluded.
        threshold: a unit is on at a step when its h is above this.
        units: the column indices (into the States) of the selected units.
        names: what they are.
    """

    span: tuple[int, int]
    threshold: float
    units: tuple[int, ...]
    names: tuple[UnitId, ...]


def select(values: np.ndarray, units: Sequence[UnitId], span: tuple[int, int],
           threshold: float) -> Selection:
    """The units whose value is above `threshold` at every step of `span`.

    Args:
        values: (T, units) of one text (h only: the unit views select on h).
        units: what each column is.
        span: (start, end), end excluded, already checked.
        threshold: the on level.
    """
    start, end = span
    on = np.all(values[start:end] > threshold, axis=0)
    chosen = tuple(int(i) for i in np.flatnonzero(on))
    return Selection(span, float(threshold), chosen, tuple(units[i] for i in chosen))


@dataclass(frozen=True)
class Match:
    """A held-out window like the selection.

    Attributes:
        text: which held-out text.
        span: (start, end) in it.
        shared: selected units on across it.
        extra: units on across it that the selection does not have.
        score: shared − extra.
    """

    text: int
    span: tuple[int, int]
    shared: int
    extra: int

    @property
    def score(self) -> int:
        return self.shared - self.extra


def on_across(values: np.ndarray, length: int, threshold: float) -> np.ndarray:
    """(T − length + 1, units): whether each unit is above `threshold` at every step of each
    window of `length` steps (a running count of the steps it is off)."""
    off = np.concatenate([np.zeros((1, values.shape[1]), np.int64),
                          np.cumsum(values <= threshold, axis=0)])
    return (off[length:] - off[:-length]) == 0


def match(states: States, selection: Selection, top: int = DEFAULT_TOP) -> list[Match]:
    """The `top` held-out windows (of the selection's length) with the best score, best
    first, no two overlapping in one text.

    Args:
        states: h of the held-out texts (the same columns as the selection's).
        selection: what to match.
        top: how many to keep.
    """
    length = selection.span[1] - selection.span[0]
    chosen = np.zeros(states.values.shape[1], dtype=bool)
    chosen[list(selection.units)] = True
    candidates: list[tuple[int, int, int, int, int]] = []  # (-score, text, start, sh, ex)
    for index in range(len(states.offsets) - 1):
        values = states.text(index)
        if len(values) < length:
            continue
        on = on_across(values, length, selection.threshold)
        shared = on[:, chosen].sum(axis=1)
        extra = on[:, ~chosen].sum(axis=1)
        score = shared - extra
        # The best few of each text are enough to fill the top (overlaps are dropped).
        best = np.argsort(-score, kind="stable")[:max(top, 1) * 2]
        candidates.extend((-int(score[s]), index, int(s), int(shared[s]), int(extra[s]))
                          for s in best if shared[s] > 0)
    candidates.sort()
    kept: list[Match] = []
    taken: dict[int, list[tuple[int, int]]] = {}
    for _, index, start, shared, extra in candidates:
        spans = taken.setdefault(index, [])
        if any(start < e and s < start + length for s, e in spans):
            continue
        spans.append((start, start + length))
        kept.append(Match(index, (start, start + length), shared, extra))
        if len(kept) >= top:
            break
    return kept


def context(steps: Sequence, span: tuple[int, int], around: int = 8) -> tuple[str, str, str]:
    """(before, the span, after) of a text's steps, `around` steps each side, as text."""
    def joined(part: Sequence) -> str:
        tokens = [_shown(t) for t in part]
        wide = any(len(t) > 1 for t in tokens)
        return (" " if wide else "").join(tokens)

    start, end = span
    return (joined(steps[max(0, start - around):start]), joined(steps[start:end]),
            joined(steps[end:end + around]))


def _shown(step: object) -> str:
    if isinstance(step, float):
        return f"{step:.3g}"
    text = str(step)
    return "⏎" if text == "\n" else text
