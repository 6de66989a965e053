"""Runs that read tokens and answer with tokens: the letter tasks (next letter, and on), the
sequence tasks (a whole sequence in, one letter out) and poems (a first line in, a poem out).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

import numpy as np

from rnntui.nn.generate import sample_stream
from rnntui.play.base import LENGTH_MAX, MAX_INPUT, TEMPERATURE_MAX, Encoded, InputError, Play
from rnntui.poetry.script import to_script
from rnntui.poetry.writing import (CandidateLine, PoemStart, PoemWriter, WritingError,
                                   WritingOptions, WrittenPoem)
from rnntui.tasks import encode_tokens
from rnntui.tasks.corpus import END, LINE_ENDS, UNK, tokenize

# Seed 004's seed text first, then other famous first lines: a run whose corpus lacks a
# character of one (or held its poem out) starts from the next it can read.
FIRST_LINES = ("床前明月光", "白日依山尽", "春眠不觉晓", "红豆生南国", "千山鸟飞绝", "牀前明月光")


class TokenPlay(Play):
    """What the token kinds share: typed text as vocabulary ids, and the likeliest next."""

    def _split(self, text: str) -> list[str]:
        return list(text)

    def encode(self, text: str) -> Encoded:
        tokens = self._split(text)
        if not tokens:
            raise InputError("type something first")
        unknown = [(i, t) for i, t in enumerate(tokens) if t not in self.index]
        unk_note = ""
        if unknown and UNK in self.index:
            # A language model with an unknown token reads what it does not know as that
            # token, as it read the rare characters of its corpus in training.
            shown = "".join(t for _, t in unknown[:5]) + ("…" if len(unknown) > 5 else "")
            unk_note = f"reads {shown} as {UNK}, unknown to this network"
            tokens = [UNK if t not in self.index else t for t in tokens]
            unknown = []
        if unknown:
            pos, tok = unknown[0]
            shown = repr(tok) if tok.isprintable() else f"U+{ord(tok[0]):04X}"
            known = ("".join(v for v in self.vocab if v != END) if len(self.vocab) <= 30
                     else f"{len(self.vocab) - 1} {self.reads.unit}s")
            more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
            raise InputError(f"unknown {self.reads.unit} {shown} at position {pos + 1}"
                             f"{more}: this network knows {known}", position=pos)
        tokens, note = self._fit(tokens)
        ids = np.asarray([self.index[t] for t in tokens], dtype=np.int32)
        x = ids if self.embedded else encode_tokens(ids, len(self.vocab), embedded=False)
        return Encoded(tuple(tokens), x, "; ".join(n for n in (unk_note, note) if n),
                       self._warning(tokens))

    def _fit(self, tokens: list[str]) -> tuple[list[str], str]:
        """The tokens the network reads of those typed, and a note when they differ."""
        if len(tokens) > MAX_INPUT:
            return tokens[-MAX_INPUT:], f"reads the last {MAX_INPUT} {self.reads.unit}s"
        return tokens, ""

    def _warning(self, tokens: list[str]) -> str:
        """Tokens the network never read in training (seen in its vocabulary all the same)."""
        seen = self.reads.seen
        if seen is None:
            return ""
        never = sorted({t for t in tokens if t not in seen})
        if not never:
            return ""
        return (f"{', '.join(never)} never came in as input in training "
                f"({self.trained_on}): the answer is a guess")

    def next_tokens(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The k most likely next tokens after `text`, with their probabilities."""
        probs = self._last_probs(self.encode(text).x)
        top = np.argsort(-probs)[:k]
        return [(self.vocab[i], float(probs[i])) for i in top]

    def _last_probs(self, x: np.ndarray) -> np.ndarray:
        out = np.asarray(self.net.forward(x))
        return out[-1] if out.ndim == 2 else out  # per-step models: the last step

    @staticmethod
    def _check_sampling(length: int, temperature: float, top_k: int | None) -> None:
        if not 1 <= length <= LENGTH_MAX:
            raise InputError(f"length must be from 1 to {LENGTH_MAX}")
        if not 0 <= temperature <= TEMPERATURE_MAX:
            raise InputError(f"temperature must be from 0 to {TEMPERATURE_MAX:g}")
        if top_k is not None and top_k < 0:
            raise InputError("top_k must be 0 (every token) or more")


class LettersPlay(TokenPlay):
    """The next letter after a window of letters; enter slides the window on."""

    kind = "letters"

    def _split(self, text: str) -> list[str]:
        return [t for t in text if not t.isspace()]

    def default_text(self) -> str:
        return (self.reads.seen or "".join(self.vocab or ()))[: self.hp.seq_len]

    def _fit(self, tokens: list[str]) -> tuple[list[str], str]:
        if len(tokens) > self.hp.seq_len:
            return (tokens[-self.hp.seq_len:],
                    f"reads the last {self.hp.seq_len} letters, as it was trained")
        return tokens, ""

    def _warning(self, tokens: list[str]) -> str:
        """A window shorter than training's, or one training never fed it (onehot4 answered
        `a` and `aaaa` as if it knew them)."""
        length = self.reads.length
        unit = self.reads.unit
        if length is not None and len(tokens) < length:
            return (f"{len(tokens)} {unit}{'s' if len(tokens) != 1 else ''}: it was trained "
                    f"on windows of exactly {length}, so this answer is a guess")
        never = super()._warning(tokens)  # a letter it never read says more: first
        if never:
            return never
        windows = self.reads.windows
        window = "".join(tokens)
        if windows is not None and window not in windows:
            named = ", ".join(windows[:6]) + (", …" if len(windows) > 6 else "")
            return (f"{window} is none of the {len(windows)} windows it was trained on "
                    f"({named}): the answer is a guess")
        return ""

    def embedding_points(self) -> list[tuple[str, float, float]]:
        """Each letter at its learned 2-d embedding (empty: no 2-d Embedding layer)."""
        embedding = self.net.embedding
        if embedding is None or embedding.table.shape[1] != 2 or not self.vocab:
            return []
        return [(letter, float(row[0]), float(row[1]))
                for letter, row in zip(self.vocab, embedding.table)]

    def generate(self, seed: str, length: int = 5, temperature: float = 0.0,
                 top_k: int | None = None, rng: np.random.Generator | None = None,
                 lines: int | None = None) -> Iterator[str]:
        """Letters after `seed`, one by one, each read from the trained window before it."""
        self._check_sampling(length, temperature, top_k)
        encoded = self.encode(seed)  # now, so a bad seed is refused before any output
        return self._slide([self.index[t] for t in encoded.tokens], length, temperature,
                           top_k, rng or np.random.default_rng())

    def _slide(self, ids: list[int], length: int, temperature: float, top_k: int | None,
               rng: np.random.Generator) -> Iterator[str]:
        from rnntui.nn import pick_id

        window = list(ids)
        for _ in range(length):
            x = np.asarray(window[-self.hp.seq_len:], dtype=np.int32)
            x = x if self.embedded else encode_tokens(x, len(self.vocab), embedded=False)
            probs = np.clip(self._last_probs(x), 1e-12, 1.0)
            token_id = pick_id(np.log(probs), temperature, top_k, rng)
            window.append(token_id)
            yield self.vocab[token_id]


class SequencePlay(TokenPlay):
    """A whole sequence in, one answer out (recall: the first letter, after all the rest)."""

    kind = "sequence"

    def _split(self, text: str) -> list[str]:
        return [t for t in text if not t.isspace()]

    def default_text(self) -> str:
        # A sequence as training drew them (its own generator), so the long-memory demo
        # shows from the start: the first letter, then seq_len − 1 distractors.
        alphabet = self.reads.seen or "".join(self.vocab or ())
        rng = np.random.default_rng(7)
        return "".join(alphabet[i] for i in rng.integers(0, len(alphabet), self.hp.seq_len))

    def _warning(self, tokens: list[str]) -> str:
        length = self.reads.length
        if length is not None and self.reads.exact and len(tokens) != length:
            return (f"{len(tokens)} {self.reads.unit}s: it was trained to answer after "
                    f"exactly {length}, so this answer is not its own")
        return super()._warning(tokens)

    def answer(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The network's answer for the whole sequence (the likeliest first)."""
        return self.next_tokens(text, k)


class PoemPlay(TokenPlay):
    """A first line in, a poem out: the LSTM state carried from token to token.

    A run of characters writes through `rnntui.poetry.PoemWriter` (rhyme, acrostic, prefix,
    top-k / top-p, typed text in the run's script); a run of words (an English text) samples
    token by token (`sample_stream`), as rhyme and script mean nothing there.
    """

    kind = "poem"

    @property
    def by_character(self) -> bool:
        """Whether the run reads characters (a Chinese poem) rather than words."""
        return self.hp.get("tokens", "char") == "char"

    @property
    def script(self) -> str | None:
        """The run's script (typed text is converted to it); None: words, or a run from
        before scripts."""
        return self.hp.get("script") if self.by_character else None

    @cached_property
    def writer(self) -> PoemWriter:
        """The writer for this run's network, vocabulary and script.

        Raises:
            InputError: a bidirectional network, which cannot write one token at a time.
        """
        try:
            return PoemWriter(self.net, self.vocab or [], self.script)
        except WritingError as exc:
            raise InputError(str(exc)) from None

    def encode(self, text: str) -> Encoded:
        encoded = super().encode(text)
        if self.script:
            typed = "".join(text.split())
            converted = to_script(typed, self.script)
            if converted != typed:  # said, so a learner knows what the network read
                from dataclasses import replace

                note = f"read as {converted} ({self.script} script, converted by OpenCC)"
                encoded = replace(encoded, note="; ".join(n for n in (note, encoded.note)
                                                          if n))
        return encoded

    def _split(self, text: str) -> list[str]:
        if self.script:  # 白日依山盡 reads as 白日依山尽 on a simplified run, and back
            text = to_script(text, self.script)
        return tokenize(text, self.hp.get("tokens", "char"))

    def default_text(self) -> str:
        known = set(self.vocab or ())
        for line in FIRST_LINES:
            if all(ch in known for ch in self._split(line)):
                return line
        tokens = [t for t in (self.vocab or ()) if t not in (END, UNK) and not t.isspace()]
        return ("".join(tokens[:5]) if self.by_character else " ".join(tokens[:3]))

    def start_ids(self, encoded: Encoded) -> list[int]:
        """The ids a poem's state is read from: END, then the typed start.

        In training every poem came after END, and the state after END is where the network
        knows it is at line 1, character 1 (on tang300, P(， | END 春眠不覺曉) = 0.97 against
        0.06 from a blank state). The next-token bars and the poem both start here, so at
        temperature 0 the poem's next character is the top bar.
        """
        return [self.index[END], *(self.index[t] for t in encoded.tokens)]

    def start(self, text: str, prefix: str = "") -> PoemStart:
        """The state a character poem is written from: after `prefix`, END and `text`
        (both in any script). Its `candidates` are the bars; `write(start=...)` writes
        from the very same state.

        Raises:
            InputError: for a run of words, or a bidirectional network.
        """
        if not self.by_character:
            raise InputError("a prefix and rhyme are for poems of characters; this run "
                             "reads words")
        return self.writer.start(text, prefix)

    def check(self, text: str, options: WritingOptions = WritingOptions()) -> None:
        """Refuse, in one line, a typed start the writer's rules cannot go on from (no
        Chinese character, mixed line lengths, a length the form cannot fit, an acrostic it
        does not start with, a head the run never saw).

        Raises:
            InputError: with the writer's message.
        """
        if not self.by_character:
            return
        try:
            self.writer.check(text, options)
        except WritingError as exc:
            raise InputError(str(exc)) from None

    def next_lines(self, start: PoemStart, k: int = 5,
                   options: WritingOptions = WritingOptions()) -> list[CandidateLine]:
        """The k likeliest next lines after `start` (beam search under the rules).

        Raises:
            InputError: a start or setting the rules refuse, or a whole poem.
        """
        try:
            return self.writer.next_lines(start, k, options)
        except WritingError as exc:
            raise InputError(str(exc)) from None

    def next_tokens(self, text: str, k: int = 5, prefix: str = "",
                    options: WritingOptions | None = None) -> list[tuple[str, float]]:
        """The k likeliest next tokens after END, `prefix` (characters only) and `text`:
        the state the poem is written from (under `options`' rules, default ones)."""
        encoded = self.encode(text)  # refuses empty input, as every kind does
        if self.by_character and self.net.can_step:
            from rnntui.poetry.meter import has_han

            if not has_han(text):
                raise InputError("no Chinese character in the first line: type one, e.g. "
                                 "床前明月光")
            return self.writer.candidates(self.start(text, prefix), k,
                                          options or WritingOptions())
        ids = np.asarray(self.start_ids(encoded), dtype=np.int32)
        x = ids if self.embedded else encode_tokens(ids, len(self.vocab), embedded=False)
        probs = np.array(self._last_probs(x), dtype=np.float64)
        if UNK in self.index:  # never written (it names no word): not a candidate either
            probs[self.index[UNK]] = 0.0
            probs /= probs.sum()
        top = np.argsort(-probs)[:k]
        return [(self.vocab[i], float(probs[i])) for i in top]

    def write(self, text: str, options: WritingOptions = WritingOptions(),
              rng: np.random.Generator | None = None,
              start: PoemStart | None = None) -> WrittenPoem:
        """A character poem after `text` (any script), written as `options` say.

        Args:
            text: the typed start (may be empty with an acrostic).
            options: rhyme, acrostic, prefix, sampling and length.
            rng: the random generator (default: a fresh one).
            start: the state to write from (`start(text, options.prefix)`), e.g. the one
                whose candidates were shown.

        Returns:
            The poem, with whether lines 2 and 4 rhyme and the rhyme class.

        Raises:
            InputError: a run of words, a bidirectional network, an acrostic character the
                network does not know, or a setting out of bounds.
        """
        if options.temperature > TEMPERATURE_MAX:
            raise InputError(f"temperature must be from 0 to {TEMPERATURE_MAX:g}")
        if options.length > LENGTH_MAX:
            raise InputError(f"length must be from 1 to {LENGTH_MAX}")
        if start is None:
            start = self.start(text, options.prefix)
        try:
            return self.writer.write(text, options, rng, start)
        except WritingError as exc:
            raise InputError(str(exc)) from None

    def as_typed(self, text: str, poem: WrittenPoem) -> str:
        """`poem` with its typed start as typed (in the run's script, spaces dropped), where
        the writer reads a character it does not know as <unk>."""
        start = to_script(text, self.script) if self.script else text
        return "".join(start.split()) + poem.written

    def generate(self, seed: str, length: int = 48, temperature: float = 0.8,
                 top_k: int | None = None, rng: np.random.Generator | None = None,
                 lines: int | None = None) -> Iterator[str]:
        """Tokens after `seed`, one by one, stopping at the end of the poem (END, the last
        token, when the network ended it).

        With `lines` (e.g. 4 for a quatrain), the poem stops after the mark that ends its
        `lines`-th line, counting the seed's, and the network may not end it sooner. A run
        of characters writes through the PoemWriter with its defaults (rhyme on, the typed
        line whole); `write` takes every option.
        """
        self._check_sampling(length, temperature, top_k)
        # Checked now, not when the first token is asked for: a caller that prints as the
        # tokens come must learn of a bad seed before it prints anything.
        encoded = self.encode(seed)
        if not self.net.can_step:
            raise InputError("a bidirectional network reads the whole text at once; it "
                             "cannot write one token at a time")
        if lines is not None and lines < 1:
            raise InputError("lines must be 1 or more")
        if self.by_character:
            poem = self.write(seed, WritingOptions(temperature=temperature, top_k=top_k,
                                                   lines=lines, length=length), rng)
            return iter([*poem.written, *([END] if ended(poem) else [])])
        return self._tokens_after(encoded, length, temperature, top_k,
                                  rng or np.random.default_rng(), lines)

    def _tokens_after(self, encoded: Encoded, length: int, temperature: float,
                      top_k: int | None, rng: np.random.Generator,
                      lines: int | None = None) -> Iterator[str]:
        # The unknown token is never written: it names no character.
        banned = (self.index[UNK],) if UNK in self.index else ()
        marks = {self.index[m] for m in LINE_ENDS if m in self.index}
        done = sum(t in LINE_ENDS for t in encoded.tokens)
        if lines is not None:
            banned = (*banned, self.index[END])
        for token_id in sample_stream(self.net, self.start_ids(encoded), length, temperature,
                                      top_k, rng, stop_ids=(self.index[END],),
                                      banned_ids=banned):
            yield self.vocab[token_id]
            done += token_id in marks
            if lines is not None and done >= lines:
                return


def ended(poem: WrittenPoem) -> bool:
    """Whether the network ended `poem` itself (picked END): the writer keeps the
    probability of every pick, END's too, but writes END nowhere."""
    return len(poem.steps) > len(poem.written)


def rhyme_words(poem: WrittenPoem) -> str:
    """Whether `poem`'s rhyme lines rhyme by the 平水韵, naming the group ("" under 4
    lines)."""
    from rnntui.poetry.meter import rhyme

    if poem.rhymed is None:
        return ""
    found = rhyme(poem.lines)
    which = "/".join(str(n + 1) for n in found.lines) or "2/4"
    if poem.rhymed:
        return f"lines {which} rhyme in {next(iter(poem.rhyme_class), found.group)} (平水韵)"
    return f"lines {which} do not rhyme (平水韵)" + (
        ": a character repeats" if found.repeated else "")


def kept_words(poem: WrittenPoem) -> str:
    """What the network alone gave the rules, in words: the share of its probability on
    what they allow, on average and at the lowest step ("" when the rules cut nothing)."""
    cut = [k for k in poem.kept if k < 1.0]
    if not poem.kept or not cut:
        return ""
    mean = sum(poem.kept) / len(poem.kept)
    return (f"network alone: {mean:.0%} of its probability a step on what the rules allow, "
            f"{min(poem.kept):.0%} at the lowest")
