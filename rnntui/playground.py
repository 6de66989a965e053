"""Playing with a trained run: prediction, generation, forecasts, sentiment and gate traces.

Everything runs on the NumPy mirror (`rnntui.nn`), so it answers in milliseconds and never
imports TensorFlow. The app's gates and predict screens and the CLI's `predict` and `gates`
commands both sit on this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from rnntui.nn import InputInfluence, MirrorError, Network, Trace, input_influence, load_network
from rnntui.nn.generate import sample_stream
from rnntui.runs import Run, RunError
from rnntui.tasks import encode_tokens, get_task
from rnntui.tasks.corpus import END, LINE_ENDS, UNK, tokenize

if TYPE_CHECKING:
    from rnntui.dice_play import DiceReading, HeldOut

LETTER_TASKS = ("onehot1", "onehot4", "embed4")
MAX_INPUT = 2000  # tokens: a trace of more would not fit any screen and costs seconds


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


@dataclass(frozen=True)
class Forecast:
    """Sine forecasts on the held-out curve."""

    t: np.ndarray  # time of each forecast sample
    truth: np.ndarray
    one_step: np.ndarray  # each sample forecast from the true window before it
    rollout: np.ndarray  # each sample forecast from the network's own previous forecasts
    rmse_one_step: float
    rmse_rollout: float


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


class Playground:
    """A saved run opened for play. `Playground.open(run)` reads its weights and vocabulary."""

    def __init__(self, run: Run, net: Network, vocab: list[str] | None):
        self.run = run
        self.net = net
        self.task = get_task(run.task_id)
        self.hp = run.hparams
        self.vocab = vocab
        self.index = {tok: i for i, tok in enumerate(vocab)} if vocab else {}
        self._word_index: dict[str, int] | None = None

    @classmethod
    def open(cls, run: Run) -> Playground:
        """Raises RunError for a run with no checkpoint, unreadable weights, or a model that
        does not fit the run's config and vocabulary."""
        if not run.has_checkpoint:
            raise RunError(f"{run.name} has no trained epoch yet: train it first")
        from rnntui.fit import fit_for

        vocab = run.vocab()
        try:  # refuses a model that is not this run's (copied in, or its vocab.json changed)
            net = load_network(run.model_path, expect=fit_for(run, vocab))
        except MirrorError as exc:
            raise RunError(f"{run.name}: {exc}") from None
        return cls(run, net, vocab)

    @property
    def embedded(self) -> bool:
        return self.hp.embedding_dim > 0

    # -- encoding ------------------------------------------------------------------------
    def encode(self, text: str) -> Encoded:
        """The network's input for `text`.

        Raises:
            InputError: for empty input, unknown characters, or numbers that aren't.
        """
        if self.task.id == "sine":
            return self._encode_numbers(text)
        if self.task.id == "dice":
            ids = np.asarray(self._rolls(text), dtype=np.int32) - 1
            return Encoded(tuple(str(i + 1) for i in ids),
                           encode_tokens(ids, len(self.vocab), self.embedded))
        if self.task.id == "imdb":
            ids, words = self._encode_review(text)
            return Encoded(tuple(["<start>"] + [w if ok else f"{w}?" for w, ok in words]),
                           np.asarray(ids[-MAX_INPUT:], dtype=np.int32))
        return self._encode_tokens(text)

    def _encode_tokens(self, text: str) -> Encoded:
        tokens = tokenize(text, self.hp.tokens) if "tokens" in self.hp else list(text)
        if self.task.id in LETTER_TASKS:
            tokens = [t for t in tokens if not t.isspace()]
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
                     else f"{len(self.vocab) - 1} {self._token_word()}s")
            more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
            raise InputError(f"unknown {self._token_word()} {shown} at position {pos + 1}"
                             f"{more}: this network knows {known}", position=pos)
        note = ""
        if self.task.id in LETTER_TASKS and len(tokens) > self.hp.seq_len:
            tokens = tokens[-self.hp.seq_len:]
            note = f"reads the last {self.hp.seq_len} letters, as it was trained"
        elif len(tokens) > MAX_INPUT:
            tokens = tokens[-MAX_INPUT:]
            note = f"reads the last {MAX_INPUT} {self._token_word()}s"
        ids = np.asarray([self.index[t] for t in tokens], dtype=np.int32)
        x = ids if self.embedded else encode_tokens(ids, len(self.vocab), embedded=False)
        return Encoded(tuple(tokens), x, "; ".join(n for n in (unk_note, note) if n))

    def _token_word(self) -> str:
        if self.task.id in LETTER_TASKS:
            return "letter"
        return "character" if self.hp.get("tokens", "char") == "char" else "word"

    def _encode_numbers(self, text: str) -> Encoded:
        from rnntui.tasks.sine import TRAIN_POINTS, sine_curve

        if not text.strip():
            values = sine_curve(TRAIN_POINTS, self.hp.seq_len).astype(np.float64)
            note = f"the first {self.hp.seq_len} held-out samples of sin(t)"
        else:
            values_list = []
            for pos, part in enumerate(text.replace(",", " ").split()):
                try:
                    value = float(part)
                except ValueError:
                    raise InputError(f"{part!r} (number {pos + 1}) is not a number",
                                     position=text.find(part)) from None
                if not np.isfinite(value) or abs(value) > 1e6:
                    raise InputError(f"{part!r} (number {pos + 1}) must be a finite number "
                                     "of reasonable size", position=text.find(part))
                values_list.append(value)
            if not values_list:
                raise InputError("type numbers separated by spaces or commas")
            values = np.asarray(values_list[-MAX_INPUT:], dtype=np.float64)
            note = "" if len(values) == self.hp.seq_len else (
                f"trained on windows of {self.hp.seq_len} samples; reading {len(values)}")
        return Encoded(tuple(f"{v:.3f}" for v in values), values[:, None], note)

    def _encode_review(self, text: str) -> tuple[list[int], list[tuple[str, bool]]]:
        from rnntui.tasks.imdb import encode_review, load_word_index

        if not text.strip():
            raise InputError("type a review first")
        if self._word_index is None:
            self._word_index = load_word_index()
        return encode_review(text, self._word_index, self.hp.num_words)

    def use_word_index(self, word_index: dict[str, int]) -> None:
        """Use this word index for typed reviews (tests, --word-index)."""
        self._word_index = word_index

    # -- predictions ---------------------------------------------------------------------
    def next_tokens(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The k most likely next tokens after `text`, with their probabilities."""
        self._need_softmax()
        probs = self._last_probs(self.encode(text).x)
        top = np.argsort(-probs)[:k]
        return [(self.vocab[i], float(probs[i])) for i in top]

    def _last_probs(self, x: np.ndarray) -> np.ndarray:
        out = np.asarray(self.net.forward(x))
        return out[-1] if out.ndim == 2 else out  # per-step models: the last step

    def _need_softmax(self) -> None:
        if not self.vocab:
            raise InputError(f"task {self.task.id} does not predict tokens")

    @property
    def lines(self) -> int | None:
        """After how many lines a piece written from a typed start ends by default (poems of
        characters: a quatrain)."""
        return self.task.lines_for(self.hp)

    def generate(self, seed: str, length: int = 48, temperature: float = 0.8,
                 top_k: int | None = None, rng: np.random.Generator | None = None,
                 lines: int | None = None) -> Iterator[str]:
        """Tokens after `seed`, one by one.

        Poems carry the LSTM state from token to token (no window re-run) and stop at the end
        of the poem; the letter tasks slide their trained window. With `lines` (e.g. 4 for a
        quatrain), a poem stops after the mark that ends its `lines`-th line, counting the
        seed's, and the network may not end it sooner.
        """
        self._need_softmax()
        if not 1 <= length <= 5000:
            raise InputError("length must be from 1 to 5000")
        if not 0 <= temperature <= 10:
            raise InputError("temperature must be from 0 to 10")
        if top_k is not None and top_k < 0:
            raise InputError("top_k must be 0 (every token) or more")
        # Checked now, not when the first token is asked for: a caller that prints as the
        # tokens come must learn of a bad seed before it prints anything.
        encoded = self.encode(seed)
        if self.task.id not in LETTER_TASKS and not self.net.can_step:
            raise InputError("a bidirectional network reads the whole text at once; it "
                             "cannot write one token at a time")
        if lines is not None and lines < 1:
            raise InputError("lines must be 1 or more")
        return self._tokens_after(encoded, length, temperature, top_k,
                                  rng or np.random.default_rng(), lines)

    def _tokens_after(self, encoded: Encoded, length: int, temperature: float,
                      top_k: int | None, rng: np.random.Generator,
                      lines: int | None = None) -> Iterator[str]:
        ids = [self.index[t] for t in encoded.tokens]
        if self.task.id in LETTER_TASKS:
            yield from self._slide(ids, length, temperature, top_k, rng)
            return
        # The unknown token is never written: it names no character.
        banned = (self.index[UNK],) if UNK in self.index else ()
        # A typed first line starts a poem: in training every poem came after END, and the
        # state after END is where the network knows it is at line 1, character 1 (on
        # tang300, P(， | END 春眠不覺曉) = 0.97 against 0.06 from a blank state).
        ids = [self.index[END], *ids]
        marks = {self.index[m] for m in LINE_ENDS if m in self.index}
        done = sum(t in LINE_ENDS for t in encoded.tokens)
        if lines is not None:
            banned = (*banned, self.index[END])
        for token_id in sample_stream(self.net, ids, length, temperature, top_k, rng,
                                      stop_ids=(self.index[END],), banned_ids=banned):
            yield self.vocab[token_id]
            done += token_id in marks
            if lines is not None and done >= lines:
                return

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

    def sentiment(self, text: str) -> tuple[float, list[tuple[str, bool]]]:
        """P(positive) for a typed review, and its words marked known or out-of-vocabulary."""
        from rnntui.tasks.base import pad_sequences

        ids, words = self._encode_review(text)
        # Padded (and cut) as in training: a network that pools over every step has seen
        # the padding's states in every review.
        window = pad_sequences([ids], self.hp.seq_len)[0]
        prob = float(np.asarray(self.net.forward(window)).ravel()[0])
        return prob, words

    def forecast(self, steps: int = 300) -> Forecast:
        """One-step and free-running forecasts of the held-out curve, with their RMSE."""
        from rnntui.tasks.sine import STEP, TEST_POINTS, TRAIN_POINTS, sine_curve, windows

        if self.task.id != "sine":
            raise InputError("forecasts are for the sine task")
        steps = max(1, min(steps, TEST_POINTS - self.hp.seq_len))
        curve = sine_curve(TRAIN_POINTS, TEST_POINTS).astype(np.float64)
        x, y = windows(curve, self.hp.seq_len)
        one_step = np.asarray(self.net.forward(x[:steps])).reshape(-1)
        rollout = self.rollout(curve[:self.hp.seq_len], steps)
        truth = y[:steps, 0]
        t = (TRAIN_POINTS + self.hp.seq_len + np.arange(steps)) * STEP
        return Forecast(t, truth, one_step, rollout, _rmse(one_step, truth),
                        _rmse(rollout, truth))

    def rollout(self, window: np.ndarray, steps: int) -> np.ndarray:
        """The network running on its own forecasts: each one is fed back as the newest
        sample of a window as long as the given one."""
        history = [float(v) for v in np.asarray(window, dtype=np.float64).ravel()]
        size = len(history)
        out = []
        for _ in range(steps):
            x = np.asarray(history[-size:], dtype=np.float64)[:, None]
            nxt = float(np.asarray(self.net.forward(x)).ravel()[0])
            out.append(nxt)
            history.append(nxt)
        return np.asarray(out)

    # -- the three dice ------------------------------------------------------------------
    def _rolls(self, text: str) -> list[int]:
        from rnntui.dice_play import RollsError, parse_rolls

        try:
            return parse_rolls(text, MAX_INPUT)
        except RollsError as exc:
            raise InputError(str(exc), exc.position) from None

    def dice(self, text: str, dice: np.ndarray | None = None) -> DiceReading:
        """The network's belief beside the exact model's at every step of typed rolls
        (`dice`: the true dice, when the rolls were generated)."""
        from rnntui.dice_play import ImpossibleObservations, read

        if self.task.id != "dice":
            raise InputError("beliefs about dice are for the dice task")
        rolls = self._rolls(text)
        try:
            return read(self.net, self.hp, rolls,
                        dice if dice is not None and len(dice) == len(rolls) else None)
        except ImpossibleObservations as exc:
            raise InputError(f"roll {rolls[exc.step]} at step {exc.step + 1} cannot happen "
                             f"with these dice (emissions={self.hp.emissions})") from None

    def roll_dice(self, length: int | None = None, rng: np.random.Generator | None = None
                  ) -> tuple[str, np.ndarray]:
        """Fresh rolls from the run's hidden Markov model (as typed text) and their dice."""
        from rnntui.dice_play import roll
        from rnntui.tasks.dice import dice_model

        length = length or self.hp.seq_len
        if not 1 <= length <= MAX_INPUT:
            raise InputError(f"length must be from 1 to {MAX_INPUT}")
        rolls, dice = roll(dice_model(self.hp), length, rng or np.random.default_rng())
        return "".join(str(r) for r in rolls), dice

    def dice_held_out(self, count: int = 300) -> HeldOut:
        """The network and the exact model on fresh sequences of the run's model."""
        from rnntui.dice_play import held_out

        return held_out(self.net, self.hp, count)

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
            outputs = np.argsort(-self._last_probs(encoded.x))[:8].tolist()
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
