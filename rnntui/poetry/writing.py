"""Writing a poem from a first line, as poem generators do: the form of the first line,
rhyme on lines 2 and 4 (and 6 and 8), an acrostic (藏头诗), a mood prefix read but not written,
and top-k / top-p beside temperature.

Everything runs on the NumPy mirror, one `Network.step` per character. The state a poem is
written from is a `PoemStart`; the candidate bars of a front end come from that same object
(`candidates`), so what is shown is exactly what the first written character is drawn from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnntui.nn.generate import pick_id
from rnntui.nn.network import Network
from rnntui.poetry.rhyme import rhyme_classes
from rnntui.poetry.script import to_script
from rnntui.tasks.corpus import END, LINE_ENDS, UNK, poem_lines


class WritingError(ValueError):
    """A request the writer cannot honour (a character outside the vocabulary, a bad
    setting); the message says which."""


@dataclass(frozen=True)
class WritingOptions:
    """How to write.

    Attributes:
        temperature: sampling temperature; 0 means the likeliest character each time.
        top_k: sample among the k likeliest (None or 0: all).
        top_p: nucleus sampling, the likeliest whose probabilities sum to p (None: all).
        lines: end after this many lines, counting the typed ones (None: at END).
        length: the most characters written.
        rhyme: make the last character of lines 2, 4, 6 and 8 share a 十三辙 class (line 2's
            class, chosen freely, sets it) when the line has the first line's length.
        acrostic: characters that start lines 1, 2, 3 … in turn (藏头诗).
        prefix: text read before the poem (as if it were the poem before) but not written.
        whole_first_line: a typed start with no mark is the whole first line: the mark that
            ends it comes next (the network picks which), so 床前明月光 stays five
            characters; False lets the network go on with the line.
    """

    temperature: float = 0.6
    top_k: int | None = None
    top_p: float | None = None
    lines: int | None = 4
    length: int = 96
    rhyme: bool = True
    acrostic: str = ""
    prefix: str = ""
    whole_first_line: bool = True


@dataclass
class PoemStart:
    """The state a poem is written from: after the prefix, END and the typed start."""

    tokens: list[str]  # the typed start, as tokens in the run's script
    logits: np.ndarray  # the next character's logits
    state: Any  # the network's state


@dataclass(frozen=True)
class WrittenPoem:
    """A written poem.

    Attributes:
        text: the typed start and what was written.
        written: what the network wrote (acrostic characters included).
        lines: the poem's lines, each with its mark.
        rhymed: whether lines 2 and 4 (and 6 and 8) end in one class; None for fewer than
            4 lines.
        rhyme_class: the classes line 2's last character set (empty without rhyme).
        steps: the probability the network gave each written character (acrostic
            characters, forced, keep theirs).
    """

    text: str
    written: str
    lines: list[str]
    rhymed: bool | None
    rhyme_class: frozenset[str] = frozenset()
    steps: list[float] = field(default_factory=list)


def even_lines_rhyme(lines: Sequence[str]) -> bool | None:
    """Whether lines 2, 4 (, 6, 8) end on characters sharing a 十三辙 class (None: fewer than
    4 lines)."""
    ends = [line.rstrip(LINE_ENDS)[-1:] for line in lines[1:8:2]]
    if len(lines) < 4 or not all(ends):
        return None if len(lines) < 4 else False
    common = rhyme_classes(ends[0])
    for char in ends[1:]:
        common = common & rhyme_classes(char)
    return bool(common)


class PoemWriter:
    """A trained poems network and its vocabulary, ready to write.

    Args:
        net: a steppable network with a softmax head.
        vocab: the run's vocabulary (END first, then UNK, then characters).
        script: the run's script ("simplified" or "traditional"): typed text is converted
            to it; None leaves text as it is typed (a run from before scripts).
    """

    def __init__(self, net: Network, vocab: Sequence[str], script: str | None = "simplified"):
        if not net.can_step:
            raise WritingError("a bidirectional network reads the whole text at once; it "
                               "cannot write one character at a time")
        self.net = net
        self.vocab = list(vocab)
        self.index = {t: i for i, t in enumerate(self.vocab)}
        self.script = script
        self._marks = {self.index[m] for m in LINE_ENDS if m in self.index}
        self._classes: list[frozenset[str]] | None = None

    # -- reading -----------------------------------------------------------------------
    def tokens(self, text: str) -> list[str]:
        """Typed text as the run's tokens: in its script, unknown characters as UNK."""
        text = to_script(text, self.script) if self.script else text
        return [c if c in self.index else UNK for c in text if not c.isspace()]

    def start(self, first: str = "", prefix: str = "") -> PoemStart:
        """The state after reading `prefix`, END (a poem begins) and the typed `first`.

        Args:
            first: the typed start of the poem (any script).
            prefix: a mood text read before the poem, not written.

        Returns:
            The start, with the next character's logits.
        """
        tokens = self.tokens(first)
        ids = [self.index.get(t, self.index.get(UNK, 0)) for t in self.tokens(prefix)]
        ids += [self.index[END]] + [self.index[t] for t in tokens]
        state = self.net.initial_state()
        logits = None
        for token in ids:
            logits, state = self.net.step_logits(token, state)
        return PoemStart(tokens, np.asarray(logits, dtype=np.float64), state)

    def candidates(self, start: PoemStart, k: int = 5,
                   options: WritingOptions = WritingOptions()) -> list[tuple[str, float]]:
        """The k likeliest next characters from `start`, as `write` draws its first one:
        the network's probabilities (before temperature) over what it may write there (no
        `<unk>`; only a mark after a whole typed first line), renormalized. At temperature 0
        the poem's next character is the first of these."""
        tokens = list(start.tokens)
        lines = token_lines(tokens)
        done = sum(1 for ln in lines if ln[-1] in LINE_ENDS)
        current = lines[-1] if lines and lines[-1][-1] not in LINE_ENDS else []
        masked = self._allowed(start.logits, start, options, lines, done, current, frozenset(),
                               self._banned(options))
        probs = _softmax(masked)
        top = [i for i in np.argsort(-probs, kind="stable")[:k] if probs[i] > 0]
        return [(self.vocab[i], float(probs[i])) for i in top]

    # -- writing -----------------------------------------------------------------------
    def write(self, first: str = "", options: WritingOptions = WritingOptions(),
              rng: np.random.Generator | None = None,
              start: PoemStart | None = None) -> WrittenPoem:
        """Write a poem from a typed first line (or part of one, or nothing).

        Args:
            first: the typed start (any script); ignored when `start` is given.
            options: how to write.
            rng: the random generator (default: a fresh one).
            start: the state to write from (`start(first, options.prefix)`), e.g. the one
                whose candidates a front end showed.

        Returns:
            The poem.

        Raises:
            WritingError: an acrostic character outside the vocabulary, or a bad setting.
        """
        self._check(options)
        rng = rng if rng is not None else np.random.default_rng()
        start = start if start is not None else self.start(first, options.prefix)
        acrostic = self.tokens(options.acrostic)
        unknown = [c for c, t in zip(options.acrostic.replace(" ", ""), acrostic) if t == UNK]
        if unknown:
            raise WritingError(f"the network does not know {''.join(unknown)}: choose other "
                               "characters to start the lines with")
        banned = self._banned(options)
        tokens = list(start.tokens)
        logits, state = start.logits, start.state
        written: list[str] = []
        steps: list[float] = []
        line_target: frozenset[str] = frozenset()
        for _ in range(options.length):
            lines = token_lines(tokens)  # tokens, not text: UNK is one token, five letters
            done = sum(1 for ln in lines if ln[-1] in LINE_ENDS)
            if options.rhyme and done >= 2 and not line_target and len(lines[1]) > 1:
                line_target = rhyme_classes(lines[1][-2])
            if options.lines is not None and done >= options.lines:
                break
            current = lines[-1] if lines and lines[-1][-1] not in LINE_ENDS else []
            if not current and done < len(acrostic):
                token = self.index[acrostic[done]]
                probs = _softmax(logits)  # forced: what the network thought of it
            else:
                masked = self._allowed(logits, start, options, lines, done, current,
                                       line_target, banned)
                token = pick_id(masked, options.temperature, options.top_k or None, rng,
                                options.top_p)
                probs = _softmax(masked)  # as the bars show it: over what may come
            char = self.vocab[token]
            steps.append(float(probs[token]))
            if token == self.index[END]:
                break
            tokens.append(char)
            written.append(char)
            logits, state = self.net.step_logits(token, state)
        if options.rhyme and not line_target:
            complete = [ln for ln in token_lines(tokens) if ln[-1] in LINE_ENDS]
            if len(complete) >= 2 and len(complete[1]) > 1:
                line_target = rhyme_classes(complete[1][-2])
        lines = poem_lines("".join(tokens))
        return WrittenPoem("".join(tokens), "".join(written), lines, even_lines_rhyme(lines),
                           line_target, steps)

    # -- helpers -----------------------------------------------------------------------
    def _banned(self, options: WritingOptions) -> list[int]:
        """Ids never written: the unknown token (it names no character), and the end of the
        poem when `options.lines` says where the poem ends."""
        banned = [self.index[UNK]] if UNK in self.index else []
        if options.lines is not None:
            banned.append(self.index[END])  # the poem ends at its last line, not sooner
        return banned

    def _allowed(self, logits: np.ndarray, start: PoemStart, options: WritingOptions,
                 lines: Sequence[Sequence[str]], done: int, current: Sequence[str],
                 line_target: frozenset[str], banned: Sequence[int]) -> np.ndarray:
        """The logits with what may not come next at -inf: the banned ids; anything but a
        mark right after a whole typed first line; a non-rhyming last character of an even
        line. The one rule for the bars and for writing."""
        masked = np.array(logits, dtype=np.float64)
        masked[list(banned)] = -np.inf
        if (options.whole_first_line and done == 0 and start.tokens
                and len(current) == len(start.tokens) and self._marks):
            marks = np.asarray(sorted(self._marks), dtype=np.int64)
            keep = np.full(masked.shape, -np.inf)
            keep[marks] = masked[marks]
            masked = keep
        size = self._line_size(lines)
        if (options.rhyme and done in (3, 5, 7) and size
                and len(current) == size - 1 and line_target):
            allowed = self._rhyming_ids(line_target)
            if allowed.size:  # else the network's choice stands
                keep = np.full(masked.shape, -np.inf)
                keep[allowed] = masked[allowed]
                masked = keep
        return masked

    @staticmethod
    def _check(options: WritingOptions) -> None:
        if not 0 <= options.temperature <= 10:
            raise WritingError("temperature must be from 0 to 10")
        if options.top_k is not None and options.top_k < 0:
            raise WritingError("top_k must be 0 (every character) or more")
        if options.top_p is not None and not 0 < options.top_p <= 1:
            raise WritingError("top_p must be above 0 and at most 1")
        if options.lines is not None and options.lines < 1:
            raise WritingError("lines must be 1 or more")
        if not 1 <= options.length <= 5000:
            raise WritingError("length must be from 1 to 5000")

    @staticmethod
    def _line_size(lines: Sequence[Sequence[str]]) -> int | None:
        """The characters of the first complete line (without its mark): the poem's form."""
        for line in lines:
            if line[-1] in LINE_ENDS:
                return len(line) - 1
        return None

    def _rhyming_ids(self, target: frozenset[str]) -> np.ndarray:
        if self._classes is None:  # ~0.1 s for a few thousand characters, once
            self._classes = [rhyme_classes(t) if len(t) == 1 else frozenset()
                             for t in self.vocab]
        return np.asarray([i for i, c in enumerate(self._classes) if c & target],
                          dtype=np.int64)


def token_lines(tokens: Sequence[str]) -> list[list[str]]:
    """A poem's tokens cut into lines, each ending with its mark (the last one may be
    unfinished)."""
    lines: list[list[str]] = [[]]
    for token in tokens:
        lines[-1].append(token)
        if token in LINE_ENDS:
            lines.append([])
    return [line for line in lines if line]


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()
