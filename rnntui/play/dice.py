"""The dice task at play: a trained network's belief beside the exact hidden Markov model's.

For rolls typed or generated, every step gets the network's distribution (over the three
dice, or over the next roll) and the exact one from the true parameters (the forward
posterior, or the predictive distribution of the next roll), Viterbi's most likely dice,
and when the rolls were generated the true dice. NumPy only; `Playground.dice` is the way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnntui.hmm import HMM, ImpossibleObservations, kl_divergence
from rnntui.play.base import MAX_INPUT, Encoded, InputError, Play
from rnntui.tasks.dice import DICE, ROLLS, dice_model, exact_beliefs, exact_kind, sequences

SEPARATORS = frozenset(" ,;、，\t\n")
SEED_ROLLS = "1635273524"  # seed 004's ten rolls: 1、6、3、5、2、7、3、5、2、4


class RollsError(ValueError):
    """Typed rolls that are not rolls; `position` is the offending character's index."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


def parse_rolls(text: str, limit: int) -> list[int]:
    """Faces 1…8 from '1,6,3', '1 6 3' or '163' (each digit one roll).

    Raises:
        RollsError: for an empty text, a character that is no roll, or too many rolls.
    """
    rolls: list[int] = []
    for pos, ch in enumerate(text):
        if ch in SEPARATORS:
            continue
        if ch.isascii() and ch.isdigit() and ch in ROLLS:
            rolls.append(int(ch))
            continue
        shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
        raise RollsError(f"{shown} at position {pos + 1} is not a roll: the dice show "
                         f"1 to {len(ROLLS)}", position=pos)
    if not rolls:
        raise RollsError("type some rolls first, e.g. 1635273524")
    if len(rolls) > limit:
        raise RollsError(f"{len(rolls)} rolls: at most {limit}")
    return rolls


@dataclass(frozen=True)
class DiceReading:
    """One sequence of rolls, read by the network and by the exact model.

    Attributes:
        rolls: the faces (1…8).
        mode: "die" (which die made each roll) or "next" (the roll after each one).
        classes: what the beliefs are over: the dice, or the faces.
        rnn: (T, C) the network's belief at each step.
        exact: (T, C) the exact model's (see `tasks.dice.EXACT`): the forward posterior,
            forward-backward's for a bidirectional network, or the next roll's predictive.
        viterbi: (T,) the most likely dice (indices into DICE).
        dice: (T,) the true dice, when the rolls were generated; None when typed.
        exact_kind: which exact answer `exact` is (a key of `tasks.dice.EXACT`).
    """

    rolls: tuple[int, ...]
    mode: str
    classes: tuple[str, ...]
    rnn: np.ndarray
    exact: np.ndarray
    viterbi: np.ndarray
    dice: np.ndarray | None = None
    exact_kind: str = "forward"

    @property
    def steps(self) -> int:
        return len(self.rolls)

    @property
    def kl(self) -> np.ndarray:
        """KL(exact ‖ network) at each step, in nats: how far the belief is from the truth."""
        return kl_divergence(self.exact, self.rnn)

    @property
    def agreement(self) -> float:
        """How often the network's likeliest class is the exact model's."""
        return float((self.rnn.argmax(-1) == self.exact.argmax(-1)).mean())

    def truth(self) -> np.ndarray | None:
        """The right answer at each step it is known: the true die, or the roll that came
        next (one step fewer)."""
        if self.mode == "next":
            return np.asarray(self.rolls[1:]) - 1
        return self.dice

    def accuracy(self) -> dict[str, float]:
        """Per-step accuracy of the network, the exact model and (dice) Viterbi, where the
        right answers are known; empty otherwise."""
        truth = self.truth()
        if truth is None or not len(truth):
            return {}
        steps = len(truth)
        out = {"rnn": float((self.rnn[:steps].argmax(-1) == truth).mean()),
               "exact": float((self.exact[:steps].argmax(-1) == truth).mean())}
        if self.mode == "die":
            out["viterbi"] = float((self.viterbi == truth).mean())
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"rolls": list(self.rolls), "mode": self.mode, "exact_kind": self.exact_kind,
                "classes": list(self.classes),
                "rnn": self.rnn.tolist(), "exact": self.exact.tolist(),
                "viterbi": [DICE[i] for i in self.viterbi],
                "dice": None if self.dice is None else [DICE[i] for i in self.dice],
                "kl": self.kl.tolist(), "mean_kl": float(self.kl.mean()),
                "agreement": self.agreement, "accuracy": self.accuracy()}


def read(net: Any, hp: Any, rolls: list[int], dice: np.ndarray | None = None) -> DiceReading:
    """The network's and the exact model's beliefs for these rolls, for a run's
    hyperparameters `hp` (its dice, its mode, whether its network reads both ways).

    Raises:
        ImpossibleObservations: rolls the model cannot produce (with its own emissions).
    """
    from rnntui.tasks import encode_tokens

    model, kind = dice_model(hp), exact_kind(hp)
    ids = np.asarray(rolls, dtype=np.int32) - 1
    x = encode_tokens(ids, len(ROLLS), hp.embedding_dim > 0)
    rnn = np.asarray(net.forward(x), dtype=np.float64)
    exact = exact_beliefs(model, ids, kind)
    path, _ = model.viterbi(ids)
    classes = DICE if hp.mode == "die" else ROLLS
    return DiceReading(tuple(rolls), hp.mode, classes, rnn, exact, path, dice, kind)


def roll(model: HMM, length: int, rng: np.random.Generator) -> tuple[list[int], np.ndarray]:
    """`length` fresh rolls (faces) and the hidden dice that made them."""
    dice, obs = model.sample(1, length, rng)
    return (obs[0] + 1).tolist(), dice[0]


@dataclass(frozen=True)
class HeldOut:
    """The network and the exact model on fresh sequences, per step (see `held_out`)."""

    sequences: int
    steps: int
    rnn: float
    exact: float
    viterbi: float | None
    mean_kl: float


def held_out(net: Any, hp: Any, count: int = 300, seed: int = 10_000) -> HeldOut:
    """Accuracy of the network and of the exact model on `count` fresh sequences of the
    run's length from its model (a generator seed its training data never used)."""
    from rnntui.tasks import encode_tokens

    model = dice_model(hp)
    x, labels, dice = sequences(model, count, hp.seq_len, hp.mode, np.random.default_rng(seed))
    rnn = np.asarray(net.forward(encode_tokens(x, len(ROLLS), hp.embedding_dim > 0)))
    exact = exact_beliefs(model, x, exact_kind(hp))
    viterbi = None
    if hp.mode == "die":
        path, _ = model.viterbi(x)
        viterbi = float((path == dice).mean())
    return HeldOut(count, hp.seq_len, float((rnn.argmax(-1) == labels).mean()),
                   float((exact.argmax(-1) == labels).mean()), viterbi,
                   float(kl_divergence(exact, rnn).mean()))


class DicePlay(Play):
    """Rolls in (typed, or fresh from the run's dice), beliefs about the dice out."""

    kind = "dice"

    def default_text(self) -> str:
        return SEED_ROLLS

    def _rolls(self, text: str) -> list[int]:
        try:
            return parse_rolls(text, MAX_INPUT)
        except RollsError as exc:
            raise InputError(str(exc), exc.position) from None

    def encode(self, text: str) -> Encoded:
        from rnntui.tasks import encode_tokens

        ids = np.asarray(self._rolls(text), dtype=np.int32) - 1
        return Encoded(tuple(str(i + 1) for i in ids),
                       encode_tokens(ids, len(ROLLS), self.embedded))

    def dice(self, text: str, dice: np.ndarray | None = None) -> DiceReading:
        """The network's belief beside the exact model's at every step of typed rolls
        (`dice`: the true dice, when the rolls were generated)."""
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
        length = length or self.hp.seq_len
        if not 1 <= length <= MAX_INPUT:
            raise InputError(f"length must be from 1 to {MAX_INPUT}")
        rolls, dice = roll(dice_model(self.hp), length, rng or np.random.default_rng())
        return "".join(str(r) for r in rolls), dice

    def dice_held_out(self, count: int = 300) -> HeldOut:
        """The network and the exact model on fresh sequences of the run's model."""
        return held_out(self.net, self.hp, count)


__all__ = ["DicePlay", "DiceReading", "HeldOut", "ImpossibleObservations", "RollsError",
           "SEED_ROLLS", "held_out", "parse_rolls", "read", "roll"]
