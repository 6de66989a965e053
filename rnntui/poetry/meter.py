"""平仄 and rhyme of regulated verse (近体诗) by the 平水韵: each character's tone class, the
regulated patterns of 五绝, 七绝, 五律 and 七律 (平起 or 仄起, first line rhymed or not,
一三五不论) with the positions that break them, and the rhyme of lines 2, 4 (6, 8) and, where
the poem rhymes there, line 1.

The four line types of five characters (the seven-character ones put two characters of the
opposite class before them):

    A 仄仄平平仄   B 平平仄仄平   C 平平平仄仄   D 仄仄仄平平

A poem's pattern follows from its first line: a couplet's second line is the first's
opposite (对: A→B, C→D; a rhymed first line B→D, D→B), and the next couplet's first line has
the class of the line before at its second place (粘: B→C, D→A). So A B C D (A B C D), C D A B,
D B C D and B D A B are the quatrains. The 1st and 3rd (and 5th of seven) characters are free
(一三五不论); the last character never is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rnntui.poetry.pingshui import (EITHER, PING, ZE, line_traditional, ping_groups,
                                    resolved_class, rhyme_groups, tone_class)
from rnntui.tasks.corpus import LINE_ENDS, poem_lines

FIVE = {"A": "仄仄平平仄", "B": "平平仄仄平", "C": "平平平仄仄", "D": "仄仄仄平平"}
_OPPOSITE = {PING: ZE, ZE: PING}
PAIR = {"A": "B", "C": "D", "B": "D", "D": "B"}  # 对: the couplet's second line
STICK = {"B": "C", "D": "A"}  # 粘: the next couplet's first line
FORM_NAMES = {(5, 4): "五绝", (7, 4): "七绝", (5, 8): "五律", (7, 8): "七律"}
FORMS = {name: key for key, name in FORM_NAMES.items()}  # 五绝 → (5, 4)


class MeterError(ValueError):
    """Text whose tones cannot be read as asked; the message says why."""


def line_type(kind: str, size: int) -> str:
    """The tones of line type `kind` (A-D) for lines of `size` (5 or 7) characters."""
    five = FIVE[kind]
    return five if size == 5 else _OPPOSITE[five[0]] * 2 + five


def line_kinds(first: str, lines: int) -> list[str]:
    """The line types of a poem of `lines` lines whose first line is of type `first`."""
    kinds = [first]
    while len(kinds) < lines:
        prev = kinds[-1]
        kinds.append(PAIR[prev] if len(kinds) % 2 == 1 else STICK[prev])
    return kinds


def free_positions(size: int) -> frozenset[int]:
    """0-based places whose class is free (一三五不论): odd places but the last."""
    return frozenset(i for i in range(0, size - 1, 2))


@dataclass(frozen=True)
class Pattern:
    """A regulated pattern: size, lines, first line type."""

    size: int
    lines: int
    first: str

    @property
    def kinds(self) -> list[str]:
        return line_kinds(self.first, self.lines)

    @property
    def tones(self) -> list[str]:
        return [line_type(k, self.size) for k in self.kinds]

    @property
    def name(self) -> str:
        """e.g. 五绝 仄起 首句不入韵 (起: the class of line 1's second character)."""
        start = "平起" if self.tones[0][1] == PING else "仄起"
        rhymed = "首句入韵" if self.first in "BD" else "首句不入韵"
        return f"{FORM_NAMES[(self.size, self.lines)]} {start} {rhymed}"


def patterns(size: int, lines: int) -> list[Pattern]:
    """The four regulated patterns of a form.

    Raises:
        MeterError: a size other than 5 or 7, or lines other than 4 or 8.
    """
    if size not in (5, 7) or lines not in (4, 8):
        raise MeterError(f"regulated patterns are for 4 or 8 lines of 5 or 7 characters, "
                         f"not {lines} of {size}")
    return [Pattern(size, lines, k) for k in "ABCD"]


def has_han(text: str) -> bool:
    """Whether `text` holds a Chinese character."""
    return any(_is_han(c) for c in text)


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or (
        "\U00020000" <= char <= "\U0002ffff")


def line_classes(line: str) -> list[str]:
    """Each character's class in a line (no marks): 平, 仄, 平仄 (either) or ''."""
    trad = line_traditional(line)
    return [tone_class(c, t) for c, t in zip(line, trad)]


@dataclass(frozen=True)
class Fit:
    """A poem read against a regulated pattern.

    Attributes:
        pattern: the pattern that fits best (fewest breaks; None: not a regulated form).
        breaks: (line, place), both 0-based, where a character's class is not the pattern's.
        checked: places compared (not free, class known).
    """

    pattern: Pattern | None
    breaks: tuple[tuple[int, int], ...] = ()
    checked: int = 0

    @property
    def fits(self) -> bool:
        return self.pattern is not None and not self.breaks

    def describe(self, lines: int) -> str:
        """The pattern's name, and which of its lines were read when not all."""
        if self.pattern is None:
            return ""
        part = "" if lines == self.pattern.lines else (
            " (line 1)" if lines == 1 else f" (lines 1-{lines})")
        return self.pattern.name + part


def fit(lines: Sequence[str], classes: Sequence[Sequence[str]] | None = None,
        first_rhymed: bool | None = None, form: str | None = None) -> Fit:
    """The regulated pattern `lines` (without their marks) fit best.

    A character that fits either class never breaks; an unknown one is not checked. Between
    patterns with as few breaks, the one whose first line rhymes as `first_rhymed` says.
    """
    size = len(lines[0]) if lines else 0
    if not 1 <= len(lines) <= 8 or size not in (5, 7) or any(len(ln) != size for ln in lines):
        return Fit(None)
    classes = classes if classes is not None else [line_classes(ln) for ln in lines]
    free = free_positions(size)
    best: Fit | None = None
    # fewer lines than a 绝句 (a couplet, say): the first lines of the patterns
    total = FORMS[form][1] if form else (4 if len(lines) <= 4 else 8)
    for pattern in patterns(size, total):
        breaks, checked = [], 0
        for n, (want, got) in enumerate(zip(pattern.tones, classes)):
            for i, (w, g) in enumerate(zip(want, got)):
                if i in free or not g:
                    continue
                checked += 1
                if g != EITHER and g != w:
                    breaks.append((n, i))
        candidate = Fit(pattern, tuple(breaks), checked)
        if best is None or len(candidate.breaks) < len(best.breaks) or (
                len(candidate.breaks) == len(best.breaks) and first_rhymed is not None
                and (pattern.first in "BD") == first_rhymed
                and (best.pattern.first in "BD") != first_rhymed):
            best = candidate
    return best


@dataclass(frozen=True)
class Rhyme:
    """The rhyme of a poem's rhyme lines by the 平水韵.

    Attributes:
        rhymed: whether they end in one 平声 group, no character twice (None: under 4 lines).
        group: the group they share (the first the book lists, if several), or ''.
        lines: the 0-based lines that must rhyme (1, 3 (5, 7), and 0 where line 1 ends 平).
        repeated: a rhyme character used twice.
    """

    rhymed: bool | None
    group: str = ""
    lines: tuple[int, ...] = ()
    repeated: bool = False


def rhyme(lines: Sequence[str], repeat: bool = False) -> Rhyme:
    """Lines 2, 4 (6, 8), and line 1 where it ends on a 平 character, end in one 平声 group.

    Args:
        lines: the poem's lines, with or without their marks.
        repeat: allow one character to end two rhyme lines.
    """
    bare = [ln.rstrip(LINE_ENDS) for ln in lines]
    if len(bare) < 4:
        return Rhyme(None)
    even = tuple(range(1, min(len(bare), 8), 2))
    first = bare[0][-1:]
    if first and ping_groups(first, line_traditional(bare[0])[-1:]) and (
            resolved_class(first) == PING or tone_class(first) == EITHER):
        with_first = _rhyme_of(bare, (0, *even), repeat)
        if with_first.group:  # line 1 rhymes there; else 2, 4 (6, 8) are judged alone
            return with_first
    return _rhyme_of(bare, even, repeat)


def _rhyme_of(bare: Sequence[str], rhyme_lines: tuple[int, ...], repeat: bool) -> Rhyme:
    ends = [bare[n][-1:] for n in rhyme_lines]
    if not all(ends):
        return Rhyme(False, lines=rhyme_lines)
    # a group every end is listed under, and the usual one of at least one of them
    common = rhyme_groups([(char, line_traditional(bare[n])[-1:])
                           for n, char in zip(rhyme_lines, ends)])
    repeated = len(set(ends)) < len(ends)
    ok = bool(common) and (repeat or not repeated)
    return Rhyme(ok, common[0] if common else "", rhyme_lines, repeated)


@dataclass(frozen=True)
class Reading:
    """The tones of a text: each line's classes and the pattern it fits.

    Attributes:
        lines: the lines without marks.
        classes: each character's class (平, 仄, 平仄, '').
        shown: each line's classes as one string, a polyphone resolved by the pattern where
            one fits it, else by its most common reading; ？ for an unknown character.
        fit: the pattern read against.
        rhyme: the rhyme of the rhyme lines.
    """

    lines: list[str]
    classes: list[list[str]]
    shown: list[str]
    fit: Fit
    rhyme: Rhyme = field(default_factory=lambda: Rhyme(None))

    def to_dict(self) -> dict:
        pattern = self.fit.pattern
        return {"lines": self.lines, "tones": self.shown,
                "pattern": self.fit.describe(len(self.lines)) or None,
                "pattern_tones": pattern.tones[:len(self.lines)] if pattern else None,
                "fits": self.fit.fits,
                "breaks": [{"line": n + 1, "position": i + 1} for n, i in self.fit.breaks],
                "polyphonic": [{"line": n + 1, "position": i + 1}
                               for n, row in enumerate(self.classes)
                               for i, c in enumerate(row) if c == EITHER],
                "rhymed": self.rhyme.rhymed, "rhyme_group": self.rhyme.group or None}


def read_tones(text: str, form: str | None = None) -> Reading:
    """The tones of a poem (any script): each line's classes, the pattern, the rhyme.

    Args:
        text: the poem, or some of its lines.
        form: read against this form's patterns only (五绝, 七绝, 五律, 七律; None: the one
            its lines fit).

    Raises:
        MeterError: text with no Chinese character, or a form its lines cannot fit.
    """
    if form is not None and form not in FORMS:
        raise MeterError(f"unknown form {form!r}: one of {', '.join(FORMS)}")
    if not has_han(text):
        raise MeterError("no Chinese character in the text: type a line of a poem, e.g. "
                         "白日依山尽，黄河入海流。")
    lines = [ln.rstrip(LINE_ENDS) for ln in poem_lines("".join(text.split()))]
    lines = ["".join(c for c in ln if _is_han(c)) for ln in lines]
    lines = [ln for ln in lines if ln]
    if form is not None:
        size, total = FORMS[form]
        if any(len(ln) != size for ln in lines):
            raise MeterError(f"a {form} has lines of {size} characters; these have "
                             + ", ".join(sorted({str(len(ln)) for ln in lines})))
        if len(lines) > total:
            raise MeterError(f"a {form} has {total} lines; the text has {len(lines)}")
    classes = [line_classes(ln) for ln in lines]
    rhymes = rhyme(lines)
    found = fit(lines, classes, (0 in rhymes.lines) if rhymes.rhymed else None, form)
    shown = []
    for n, (line, row) in enumerate(zip(lines, classes)):
        want = found.pattern.tones[n] if found.pattern and n < found.pattern.lines else ""
        shown.append("".join(
            (want[i] if want else resolved_class(ch)) if c == EITHER else (c or "？")
            for i, (ch, c) in enumerate(zip(line, row))))
    return Reading(lines, classes, shown, found, rhymes)


def check_uniform(lines: Sequence[str]) -> None:
    """Refuse lines of mixed lengths (in one message).

    Raises:
        MeterError: lines of different lengths.
    """
    sizes = [len(ln) for ln in lines]
    if len(set(sizes)) > 1:
        raise MeterError("mixed line lengths (" + ", ".join(str(s) for s in sizes)
                         + " characters): regulated verse has lines of one length")
