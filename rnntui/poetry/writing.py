"""Writing a poem from a first line, as poem generators do, with the rules of regulated verse
as rules of the writer (constrained sampling: at each step the network's distribution is cut
to what the rules allow, then renormalized):

- form: lines of the first line's length (5 or 7, or the size asked), `，` after lines 1, 3,
  5, 7 and `。` after 2, 4, 6, 8, 4 or 8 lines, the end after the last, whatever the model;
- rhyme by the 平水韵: the last characters of lines 2, 4 (6, 8), and line 1's where it ends on
  a 平 character, share a 平声 group, no character twice (unless asked);
- tones (off by default): every character not free (一三五不论) of the class of the regulated
  pattern line 1 sets (`rnntui.poetry.meter`);
- an acrostic (藏头诗) that keeps the form; a mood prefix read but not written; top-k / top-p
  beside temperature.

Everything runs on the NumPy mirror, one `Network.step` per character. The state a poem is
written from is a `PoemStart`; the candidate bars of a front end come from that same object
(`candidates`), so what is shown is exactly what the first written character is drawn from.
`next_lines` is a beam search over the next line under the same rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from rnntui.nn.generate import pick_id
from rnntui.nn.network import Network
from rnntui.poetry import meter
from rnntui.poetry.pingshui import (EITHER, PING, ZE, ping_groups, resolved_class, tone_class,
                                    usual_group)
from rnntui.poetry.script import to_script
from rnntui.tasks.corpus import END, LINE_ENDS, UNK, poem_lines

SIZES = (5, 7)
FORM_LINES = (4, 8)
COMMA, STOP = "，", "。"


class WritingError(ValueError):
    """A request the writer cannot honour (a character outside the vocabulary, a bad
    setting, a first line that cannot keep the form); the message says which."""


@dataclass(frozen=True)
class WritingOptions:
    """How to write.

    Attributes:
        temperature: sampling temperature; 0 means the likeliest character each time.
        top_k: sample among the k likeliest (None or 0: all).
        top_p: nucleus sampling, the likeliest whose probabilities sum to p (None: all).
        lines: end after this many lines, counting the typed ones (None: at END; with the
            form rule, 4).
        length: the most characters written (under the form rule, at least what its
            lines need: a 七律 is 64 characters).
        rhyme: the rhyme rule (平水韵, see the module).
        acrostic: characters that start lines 1, 2, 3 … in turn (藏头诗).
        prefix: text read before the poem (as if it were the poem before) but not written.
        whole_first_line: a typed start with no mark is the whole first line: the mark that
            ends it comes next, so 床前明月光 stays five characters (under the form rule, a
            typed start shorter than 5 goes on to the form's size); False lets the network
            go on with the line.
        form: the form rule (see the module); False: the network alone.
        size: characters a line under the form rule (5 or 7; None: the first line's, or
            the network's choice of 5 or 7 when no first line is typed).
        tones: the tone rule (the regulated pattern line 1 sets).
        repeat_rhyme: let one character end two rhyme lines.
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
    form: bool = True
    size: int | None = None
    tones: bool = False
    repeat_rhyme: bool = False

    @property
    def rules_off(self) -> WritingOptions:
        """The same options with every rule off (the network alone)."""
        return replace(self, form=False, rhyme=False, tones=False)


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
        rhymed: whether its rhyme lines end in one 平声 group (None: fewer than 4 lines).
        rhyme_class: the 平声 group they share (empty when they do not).
        steps: the probability each written character had where it was drawn from (the
            network's, cut to the rules and renormalized; acrostic characters, forced, keep
            the network's own).
        kept: at each step, the share of the network's probability the rules left (1.0
            everywhere with every rule off): what the network alone had learnt of them.
        ping: at each step, the network's probability (its own, before the rules) that
            the character is 平 rather than 仄, over the Chinese characters (a character
            that reads either way by its usual reading); None where it wrote a mark.
    """

    text: str
    written: str
    lines: list[str]
    rhymed: bool | None
    rhyme_class: frozenset[str] = frozenset()
    steps: list[float] = field(default_factory=list)
    kept: list[float] = field(default_factory=list)
    ping: list[float | None] = field(default_factory=list)


@dataclass(frozen=True)
class CandidateLine:
    """One candidate next line.

    Attributes:
        line: its characters and mark.
        log_probability: the network's natural-log probability of them (its own
            distribution, before the rules and temperature).
        tones: its characters' classes (平, 仄, ？ for a character not in the book).
        breaks: 0-based places that break the poem's pattern (empty with no pattern).
        rhyme_group: the 平声 group of its last character where it is a rhyme line ('' if
            not, or if it does not rhyme).
        rhymes: whether it rhymes as its place asks (None: not a rhyme line).
    """

    line: str
    log_probability: float
    tones: str
    breaks: tuple[int, ...] = ()
    rhyme_group: str = ""
    rhymes: bool | None = None

    def to_dict(self) -> dict:
        return {"line": self.line, "log_probability": self.log_probability,
                "tones": self.tones, "breaks": [b + 1 for b in self.breaks],
                "rhyme_group": self.rhyme_group or None, "rhymes": self.rhymes}


def even_lines_rhyme(lines: Sequence[str]) -> bool | None:
    """Whether lines 2, 4 (, 6, 8), and line 1 where it rhymes, end in one 平声 group of the
    平水韵, no character twice (None: fewer than 4 lines)."""
    return meter.rhyme(lines).rhymed


@dataclass
class _Where:
    """Where the poem is: its lines so far and what the rules make of them."""

    lines: list[list[str]]
    done: int  # complete lines
    current: list[str]  # the line being written (without a mark)
    size: int | None  # characters a line, once known
    total: int | None  # lines the poem ends after
    target: tuple[str, ...]  # 平声 groups the next rhyme character must share ('' : any)
    used: frozenset[str]  # rhyme characters already used
    first_kinds: tuple[tuple[str, int], ...]  # line types (and sizes) line 1 may still be
    # the groups of `target` that are the usual group of a rhyme character already written:
    # any character of these may rhyme; in the others only a character usually read there
    anchored: frozenset[str] = frozenset()


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
        self._book: dict[str, Any] | None = None
        # A vocabulary of words (an English text read word by word) has no lines of 5 or 7
        # characters: the form and tone rules do not apply to it.
        self.verse = any(len(t) == 1 and meter.has_han(t) for t in self.vocab)

    def _for_vocab(self, options: WritingOptions) -> WritingOptions:
        """`options` with the form and tone rules off for a vocabulary of no Chinese
        character."""
        if self.verse or not (options.form or options.tones):
            return options
        return replace(options, form=False, tones=False)

    # -- the vocabulary in the rhyme book -------------------------------------------------
    def book(self) -> dict[str, Any]:
        """Per vocabulary id: Chinese or not, tone class, 平声 groups (~0.2 s once)."""
        if self._book is None:
            v = len(self.vocab)
            han = np.zeros(v, dtype=bool)
            ping = np.zeros(v, dtype=bool)
            ze = np.zeros(v, dtype=bool)
            groups: dict[str, np.ndarray] = {}
            usual_groups: dict[str, np.ndarray] = {}  # by the group of its usual reading
            rhyming = np.zeros(v, dtype=bool)
            usual = np.zeros(v, dtype=bool)  # 平 by its only or most common reading
            for i, t in enumerate(self.vocab):
                if len(t) != 1 or not meter.has_han(t):
                    continue
                han[i] = True
                cls = tone_class(t)
                ping[i] = cls in (PING, EITHER)
                ze[i] = cls in (ZE, EITHER)
                usual[i] = resolved_class(t) == PING
                for g in ping_groups(t):
                    groups.setdefault(g, np.zeros(v, dtype=bool))[i] = True
                    rhyming[i] = True
                if rhyming[i]:
                    usual_groups.setdefault(usual_group(t), np.zeros(v, dtype=bool))[i] = True
            self._book = {"han": han, "ping": ping, "ze": ze, "groups": groups,
                          "usual_groups": usual_groups, "rhyming": rhyming,
                          "usual_ping": usual}
        return self._book

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
        `<unk>`, only what the rules allow), renormalized. At temperature 0 the poem's next
        character is the first of these; where an acrostic's head starts the next line, it
        alone (it is written whatever the network says). A typed start the rules refuse
        gives the network's own bars (`check` says why)."""
        options = self._for_vocab(options)
        try:
            heads = self._heads(options)
            where = self._where(list(start.tokens), options, heads, typed=len(start.tokens))
            if not where.current and where.done < len(heads):
                return [(heads[where.done], 1.0)]  # the acrostic's head comes next, forced
            masked, _ = self._masked(start.logits, start, list(start.tokens), options, heads,
                                     where)
        except WritingError:
            masked, _ = self._masked(start.logits, start, list(start.tokens),
                                     options.rules_off, [])
        probs = _softmax(masked)
        top = [i for i in np.argsort(-probs, kind="stable")[:k] if probs[i] > 0]
        return [(self.vocab[i], float(probs[i])) for i in top]

    def tone_split(self, start: PoemStart, options: WritingOptions = WritingOptions()
                   ) -> tuple[float, float]:
        """The network's probability that the next character is 平 and that it is 仄,
        over the Chinese characters it may write next (a character that reads either way
        counts by its most common reading); (0, 0) where a mark comes next."""
        try:
            masked, _ = self._masked(start.logits, start, list(start.tokens), options,
                                     self._heads(options))
        except WritingError:
            masked = self._network_logits(start.logits, options)
        if not (np.isfinite(masked) & self.book()["han"]).any():
            return 0.0, 0.0  # the rules put a mark next
        p = self._ping_share(start.logits, options)
        return (0.0, 0.0) if p is None else (p, 1.0 - p)

    def _ping_share(self, logits: np.ndarray, options: WritingOptions) -> float | None:
        book = self.book()
        probs = _softmax(self._network_logits(logits, options))
        total = float(probs[book["han"]].sum())
        if total <= 0:
            return None
        return float(probs[book["han"] & book["usual_ping"]].sum()) / total

    def check(self, first: str, options: WritingOptions = WritingOptions()) -> None:
        """Refuse, in one line, a typed start or setting the rules cannot write from.

        Raises:
            WritingError: see `write`.
        """
        options = self._for_vocab(options)
        self._check(options)
        if first.strip() and not meter.has_han(first):
            raise WritingError("no Chinese character in the first line: type one, e.g. "
                               "床前明月光")
        heads = self._heads(options)
        self._where(self.tokens(first), options, heads, typed=len(self.tokens(first)))

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
            WritingError: an acrostic character outside the vocabulary, a bad setting, a
                first line with no Chinese character, or (with the form rule) typed lines
                of mixed lengths, of a length other than 5 or 7 or the size asked, or an
                acrostic the typed lines do not start with.
        """
        with one_blas_thread():
            return self._write(first, options, rng, start)

    def _write(self, first: str, options: WritingOptions, rng: np.random.Generator | None,
               start: PoemStart | None) -> WrittenPoem:
        options = self._for_vocab(options)
        self._check(options)
        if start is None and first.strip() and not meter.has_han(first):
            raise WritingError("no Chinese character in the first line: type one, e.g. "
                               "床前明月光")
        rng = rng if rng is not None else np.random.default_rng()
        start = start if start is not None else self.start(first, options.prefix)
        heads = self._heads(options)
        tokens = list(start.tokens)
        self._where(tokens, options, heads, typed=len(start.tokens))  # refuses early
        logits, state = start.logits, start.state
        written: list[str] = []
        steps: list[float] = []
        kept: list[float] = []
        ping: list[float | None] = []
        length = options.length
        if options.form:  # the form's lines, whatever the length (8 of 7: 64 characters)
            length = max(length, (options.lines or 4) * (max(SIZES) + 1))
        for _ in range(length):
            where = self._where(tokens, options, heads, typed=len(start.tokens))
            if where.total is not None and where.done >= where.total:
                break
            if not where.current and where.done < len(heads):
                token = self.index[heads[where.done]]
                probs = _softmax(logits)  # forced: what the network thought of it
                kept.append(1.0)
            else:
                masked, share = self._masked(logits, start, tokens, options, heads, where)
                token = pick_id(masked, options.temperature, options.top_k or None, rng,
                                options.top_p)
                probs = _softmax(masked)  # as the bars show it: over what may come
                kept.append(share)
            char = self.vocab[token]
            steps.append(float(probs[token]))
            if token == self.index[END]:
                break
            ping.append(self._ping_share(logits, options) if char not in LINE_ENDS else None)
            tokens.append(char)
            written.append(char)
            logits, state = self.net.step_logits(token, state)
        lines = poem_lines("".join(tokens))
        rhyme = meter.rhyme(lines, options.repeat_rhyme)
        return WrittenPoem("".join(tokens), "".join(written), lines, rhyme.rhymed,
                           frozenset({rhyme.group}) if rhyme.group else frozenset(), steps,
                           kept, ping)

    def next_lines(self, start: PoemStart, k: int = 5,
                   options: WritingOptions = WritingOptions()) -> list[CandidateLine]:
        """The k likeliest next lines after `start` under the rules: a beam search of width
        k over the network's own log-probabilities (before temperature), kept diverse (the
        best line of each start of two characters first, `_diverse`), each line ended by
        its mark, with its tones and rhyme.

        Raises:
            WritingError: as `write`; also when the poem is already whole.
        """
        with one_blas_thread():
            return self._next_lines(start, k, options)

    def _next_lines(self, start: PoemStart, k: int,
                    options: WritingOptions) -> list[CandidateLine]:
        options = self._for_vocab(options)
        self._check(options)
        if k < 1:
            raise WritingError("candidates must be 1 or more")
        heads = self._heads(options)
        typed = len(start.tokens)
        where = self._where(list(start.tokens), options, heads, typed=typed)
        if where.total is not None and where.done >= where.total:
            raise WritingError(f"the poem has its {where.total} lines: no next line")
        tokens, logits, state, lp = list(start.tokens), start.logits, start.state, 0.0
        masked, _ = self._masked(logits, start, tokens, options, heads, where)
        allowed = {self.vocab[i] for i in np.flatnonzero(np.isfinite(masked))}
        if where.current and allowed and allowed <= set(LINE_ENDS):
            # a typed whole line: its mark (the likeliest allowed), then the next line
            mark = int(np.argmax(masked))
            lp = float(_log_softmax(logits)[mark])
            tokens.append(self.vocab[mark])
            logits, state = self.net.step_logits(mark, state)
            where = self._where(tokens, options, heads, typed=typed)
            if where.total is not None and where.done >= where.total:
                raise WritingError(f"the poem has its {where.total} lines: no next line")
        beams = [(tokens, logits, state, lp)]
        line_at = len(tokens)  # where the candidate line starts
        finished: list[tuple[list[str], float]] = []
        for _ in range(16):
            grown = []
            for tokens, logits, state, lp in beams:
                here = self._where(tokens, options, heads, typed=typed)
                network = _log_softmax(logits)  # the network's own, before any rule
                if not here.current and here.done < len(heads):
                    ids = [self.index[heads[here.done]]]
                else:
                    masked, _ = self._masked(logits, start, tokens, options, heads, here)
                    allowed = np.flatnonzero(np.isfinite(masked))
                    ids = allowed[np.argsort(-network[allowed], kind="stable")[:k]]
                for i in ids:
                    grown.append((lp + float(network[i]), tokens, int(i), state))
            grown.sort(key=lambda g: -g[0])
            beams = []
            for lp, tokens, i, state in _diverse(grown, k - len(finished), line_at,
                                                 self.vocab):
                char = self.vocab[i]
                if i == self.index[END] or char in LINE_ENDS:
                    finished.append(([*tokens, char] if char in LINE_ENDS else tokens, lp))
                    continue
                logits2, state2 = self.net.step_logits(i, state)
                beams.append(([*tokens, char], logits2, state2, lp))
            if len(finished) >= k or not beams:
                break
        finished.sort(key=lambda f: -f[1])
        return [self._mark_line(tokens, lp, where, options) for tokens, lp in finished[:k]]

    def _mark_line(self, tokens: list[str], lp: float, where: _Where,
                   options: WritingOptions) -> CandidateLine:
        """A candidate line with its tones, the places that break the poem's pattern, and
        its rhyme (`where`: the poem before it)."""
        n = where.done
        lines = poem_lines("".join(tokens))
        line = lines[n] if n < len(lines) else lines[-1]
        bare = line.rstrip(LINE_ENDS)
        classes = meter.line_classes(bare)
        breaks: tuple[int, ...] = ()
        first = lines[0].rstrip(LINE_ENDS) if lines else ""
        size = len(first)
        total = max(options.lines or 4, n + 1)
        kind = self._first_kind(first)
        want = ""
        if kind and len(bare) == size and n < total:
            want = meter.line_type(meter.line_kinds(kind, total)[n], size)
            free = meter.free_positions(size)
            breaks = tuple(i for i, (w, g) in enumerate(zip(want, classes))
                           if i not in free and g and g != EITHER and g != w)
        # a character that reads either way reads as its place in the pattern asks (长 in
        # a rhyme place: cháng, 平), else by its usual reading
        tones = "".join((want[i] if want else resolved_class(c)) if cls == EITHER
                        else (cls or "？") for i, (c, cls) in enumerate(zip(bare, classes)))
        rhymes, group = None, ""
        if n % 2 == 1 and bare:
            groups = ping_groups(bare[-1])
            shared = [g for g in groups if g in where.target] if where.target else list(groups)
            if where.target:  # a group usual to it or to a rhyme character before it
                shared = [g for g in shared
                          if g in where.anchored or g == usual_group(bare[-1])]
            else:
                shared.sort(key=lambda g: g != usual_group(bare[-1]))
            rhymes = bool(shared) and (options.repeat_rhyme or bare[-1] not in where.used)
            group = shared[0] if shared else ""
        return CandidateLine(line, lp, tones, breaks, group, rhymes)

    # -- the rules ---------------------------------------------------------------------
    def _heads(self, options: WritingOptions) -> list[str]:
        heads = self.tokens(options.acrostic)
        unknown = [c for c, t in zip(options.acrostic.replace(" ", ""), heads) if t == UNK]
        if unknown:
            raise WritingError(f"the network does not know {''.join(unknown)}: choose other "
                               "characters to start the lines with")
        total = options.lines if options.lines is not None else (4 if options.form else None)
        if total is not None and len(heads) > total:
            raise WritingError(f"{len(heads)} acrostic characters for a poem of {total} "
                               f"lines: give at most {total} (or ask for 8 lines)")
        return heads

    def _first_kind(self, line: str) -> str | None:
        """The line type (A-D) line 1 fits best (fewest breaks), or None."""
        size = len(line)
        if size not in SIZES:
            return None
        classes = meter.line_classes(line)
        free = meter.free_positions(size)
        best, fewest = None, None
        for kind in "ABCD":
            want = meter.line_type(kind, size)
            breaks = sum(1 for i, (w, g) in enumerate(zip(want, classes))
                         if i not in free and g and g != EITHER and g != w)
            if fewest is None or breaks < fewest:
                best, fewest = kind, breaks
        return best

    def _where(self, tokens: list[str], options: WritingOptions, heads: Sequence[str],
               typed: int) -> _Where:
        """Where the poem is; with the form rule, refuses typed lines it cannot go on."""
        lines = token_lines(tokens)
        done = sum(1 for ln in lines if ln[-1] in LINE_ENDS)
        current = lines[-1] if lines and lines[-1][-1] not in LINE_ENDS else []
        complete = [ln[:-1] for ln in lines if ln[-1] in LINE_ENDS]
        total = options.lines
        if options.form and total is None:
            total = 4
        size = options.size or (len(complete[0]) if complete else None)
        if options.form and typed:
            self._check_typed(tokens[:typed], options, heads)
        if options.form and size is None and current and options.whole_first_line \
                and len(tokens) == typed and len(current) in SIZES:
            size = len(current)  # a typed whole first line: the mark comes next
        target: tuple[str, ...] = ()
        used: set[str] = set()
        usual: set[str] = set()
        if options.rhyme and complete:
            ends = [(n, ln[-1]) for n, ln in enumerate(complete)
                    if ln and (n % 2 == 1 or n == 0)]
            for n, ch in ends:
                groups = ping_groups(ch)
                if n == 0 and not (groups and resolved_class(ch) == PING):
                    continue  # line 1 rhymes only where it ends 平
                used.add(ch)
                shared = tuple(g for g in target if g in groups) if target else groups
                if shared and target and not ({usual_group(ch)} | usual) & set(shared):
                    shared = ()  # only by readings none of them usually has (还 平: 一先)
                if not shared:  # typed lines that do not rhyme: the latest sets
                    shared, usual = groups, set()
                target = shared
                usual.add(usual_group(ch))
        first_kinds: tuple[tuple[str, int], ...] = ()
        if options.tones:
            sizes = (size,) if size else SIZES
            first_line = complete[0] if complete else current
            kinds = []
            best = self._first_kind(_text(complete[0])) if complete else None
            if best and size in SIZES:
                sizes = ()  # line 1 is whole: the type it fits best rules the poem
                kinds.append((best, size))
            for s in sizes:
                if s not in SIZES:
                    continue
                classes = meter.line_classes(_text(first_line)) if first_line else []
                free = meter.free_positions(s)
                for kind in "ABCD":
                    want = meter.line_type(kind, s)
                    if all(i in free or not g or g == EITHER or g == want[i]
                           for i, g in enumerate(classes[:s])):
                        kinds.append((kind, s))
            first_kinds = tuple(kinds)
        return _Where(lines, done, current, size, total, target, frozenset(used), first_kinds,
                      frozenset(usual) & frozenset(target))

    def _check_typed(self, typed: list[str], options: WritingOptions,
                     heads: Sequence[str]) -> None:
        lines = token_lines(typed)
        complete = [ln[:-1] for ln in lines if ln[-1] in LINE_ENDS]
        sizes = [len(ln) for ln in complete]
        if len(set(sizes)) > 1:
            raise WritingError("mixed line lengths (" + ", ".join(map(str, sizes))
                               + " characters): a poem in form has lines of one length")
        current = lines[-1] if lines and lines[-1][-1] not in LINE_ENDS else []
        size = options.size or (sizes[0] if sizes else None)
        if sizes and sizes[0] not in SIZES:
            raise WritingError(f"the first line has {sizes[0]} characters: the form rule "
                               "writes lines of 5 or 7 (or turn it off)")
        if options.size and sizes and sizes[0] != options.size:
            raise WritingError(f"lines of {sizes[0]} characters cannot fit a form of "
                               f"{options.size}: type a line of {options.size}, or ask for "
                               f"{sizes[0]}")
        if (options.size and not sizes and options.whole_first_line and current
                and len(current) in SIZES and len(current) != options.size):
            raise WritingError(f"a first line of {len(current)} characters cannot fit a form "
                               f"of {options.size}: type a line of {options.size}, or ask "
                               f"for {len(current)}")
        limit = size or max(SIZES)
        if len(current) > limit:
            raise WritingError(f"the line has {len(current)} characters: the form asks for "
                               f"{limit}")
        if (not sizes and options.whole_first_line and current and len(current) > 5
                and len(current) not in SIZES and not options.size):
            raise WritingError(f"the first line has {len(current)} characters: the form "
                               "rule writes lines of 5 or 7 (or turn it off)")
        total = options.lines if options.lines is not None else 4
        if len(complete) > total:
            raise WritingError(f"{len(complete)} lines typed for a poem of {total}")
        starts = [ln for ln in lines if ln]
        for n, (line, head) in enumerate(zip(starts, heads)):
            if line[0] != head:
                raise WritingError(f"line {n + 1} must start with {head}, the acrostic's "
                                   f"{'first character' if n == 0 else f'character {n + 1}'}")

    def _network_logits(self, logits: np.ndarray, options: WritingOptions) -> np.ndarray:
        """The logits without what is never written: `<unk>`, and END before the last line
        where `lines` says where the poem ends."""
        masked = np.array(logits, dtype=np.float64)
        masked[self._banned(options)] = -np.inf
        return masked

    def _masked(self, logits: np.ndarray, start: PoemStart, tokens: list[str],
                options: WritingOptions, heads: Sequence[str],
                where: _Where | None = None) -> tuple[np.ndarray, float]:
        """The logits with what may not come next at -inf, and the share of the network's
        probability (without `<unk>` and an early end) the rules left. The one rule for the
        bars, for writing and for candidate lines."""
        where = where or self._where(tokens, options, heads, typed=len(start.tokens))
        base = self._network_logits(logits, options)
        allow = np.isfinite(base)
        ruled = False
        # In order: form, rhyme, tones; a rule that would leave nothing the network can
        # write here (no character of the vocabulary fits it and the ones before) gives way.
        for mask in self._rule_masks(start, tokens, options, where):
            narrowed = allow & mask
            if narrowed.any():
                allow, ruled = narrowed, True
        if not ruled:
            return base, 1.0
        share = float(_softmax(base)[allow].sum())
        return np.where(allow, base, -np.inf), share

    def _rule_masks(self, start: PoemStart, tokens: list[str], options: WritingOptions,
                    where: _Where) -> list[np.ndarray]:
        """Boolean masks of what each rule allows next, in order (form, rhyme, tones)."""
        v = len(self.vocab)
        p = len(where.current)
        line_n = where.done
        masks: list[np.ndarray] = []
        if (options.whole_first_line and where.done == 0 and start.tokens
                and len(where.current) == len(start.tokens) and self._marks
                and not options.form):
            mark_mask = np.zeros(v, dtype=bool)
            mark_mask[sorted(self._marks)] = True
            masks.append(mark_mask)
        if options.form:
            book = self.book()
            mark = COMMA if line_n % 2 == 0 else STOP
            if where.total is not None and line_n == where.total - 1:
                mark = STOP  # a poem ends on 。, also when asked for an odd number of lines
            mark_mask = np.zeros(v, dtype=bool)
            if mark in self.index:
                mark_mask[self.index[mark]] = True
            size = where.size
            if size is not None:
                masks.append(mark_mask if p >= size else book["han"])
            elif p < min(SIZES):
                masks.append(book["han"])
            elif p in SIZES and p < max(SIZES):
                masks.append(book["han"] | mark_mask)
            elif p < max(SIZES):
                masks.append(book["han"])
            else:
                masks.append(mark_mask)
        size = where.size
        if options.rhyme and size and p == size - 1 and line_n % 2 == 1:
            book = self.book()
            if where.target:
                mask = np.zeros(v, dtype=bool)
                for g in where.target:  # see _Where.anchored
                    members = book["groups" if g in where.anchored else "usual_groups"]
                    if g in members:
                        mask |= members[g]
            else:
                mask = book["rhyming"].copy()
            if not options.repeat_rhyme:
                for ch in where.used:
                    if ch in self.index:
                        mask[self.index[ch]] = False
            masks.append(mask)
        if options.tones and where.first_kinds:
            book = self.book()
            want: set[str] = set()
            total = max(where.total or 4, line_n + 1)
            for kind, s in where.first_kinds:
                if p >= s:
                    continue  # a line of 5 that goes on is one of 7
                if p in meter.free_positions(s):
                    want = {PING, ZE}
                    break
                kinds = meter.line_kinds(kind, total)
                if line_n < len(kinds):
                    want.add(meter.line_type(kinds[line_n], s)[p])
            if want and want != {PING, ZE}:
                masks.append(book["ping"] if PING in want else book["ze"])
        return masks

    def _banned(self, options: WritingOptions) -> list[int]:
        """Ids never written: the unknown token (it names no character), and the end of the
        poem when `options.lines` (or the form rule) says where the poem ends."""
        banned = [self.index[UNK]] if UNK in self.index else []
        if options.lines is not None or options.form:
            banned.append(self.index[END])  # the poem ends at its last line, not sooner
        return banned

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
        if options.size is not None and options.size not in SIZES:
            raise WritingError(f"lines of {options.size} characters: regulated verse has "
                               "lines of 5 or 7")
        if not 1 <= options.length <= 5000:
            raise WritingError("length must be from 1 to 5000")


def _diverse(grown: list, width: int, line_at: int, vocab: Sequence[str]) -> list:
    """The `width` best of a beam's expansions (sorted best first), one a line's first two
    characters where there are enough: a plain beam's lines differ in a character or two
    (头头头头霜, 头头头头乡), which gives a learner little to choose from; the best line
    of each start is kept first, then the best of the rest fill the width."""
    picked, starts, rest = [], set(), []
    for g in grown:
        _, tokens, i, _ = g
        start = tuple([*tokens[line_at:], vocab[i]][:2])
        if start in starts:
            rest.append(g)
            continue
        starts.add(start)
        picked.append(g)
        if len(picked) == width:
            return picked
    return sorted(picked + rest[:width - len(picked)], key=lambda g: -g[0])


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """One BLAS thread while a poem is written: each step is one small matrix-vector
    product, which OpenBLAS splits across threads from a vocabulary of a few thousand up,
    and on a busy 2-core CPU the threads' hand-offs cost 35× the product (a 256 × 4,200
    float32 product: 17 ms with its threads, 0.5 ms with one; bench_candidates.py)."""
    try:
        from threadpoolctl import threadpool_limits  # scikit-learn's dependency
    except ImportError:  # pragma: no cover - comes with scikit-learn
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def token_lines(tokens: Sequence[str]) -> list[list[str]]:
    """A poem's tokens cut into lines, each ending with its mark (the last one may be
    unfinished)."""
    lines: list[list[str]] = [[]]
    for token in tokens:
        lines[-1].append(token)
        if token in LINE_ENDS:
            lines.append([])
    return [line for line in lines if line]


def _text(tokens: Sequence[str]) -> str:
    """Tokens as one character each (`<unk>` as □, which has no tone)."""
    return "".join(t if len(t) == 1 else "□" for t in tokens)


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64)
    m = z[np.isfinite(z)].max() if np.isfinite(z).any() else 0.0
    return z - (m + math.log(np.exp(z - m).sum()))
