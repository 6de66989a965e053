"""A trained run opened for the unit views: its mirror, its task's features, its held-out
texts (or a typed one, or a file's), and a held-out figure for ablations."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from rnntui.play import Play, open_play
from rnntui.runs import Run
from rnntui.tasks import DataUnavailable
from rnntui.tasks.base import Dataset
from rnntui.tasks.features import UnitFeature, UnitText
from rnntui.units import ranking
from rnntui.units.states import States, collect, is_bidirectional, untrained_like

# Held-out texts read by default: all of them up to this many steps (about 1,000 poems),
# the first ones in the task's order (the held-out split is already a seeded draw).
MAX_STEPS = 25_000


class UnitsError(ValueError):
    """What the user asked of the unit views cannot be done; the message says why."""


class UnitsRun:
    """A run opened for the unit views.

    Args:
        play: the run opened for play (its mirror, vocabulary and input encoding).
    """

    def __init__(self, play: Play):
        self.play = play
        self.net = play.net
        self.task = play.task
        self.hp = play.hp
        self.run: Run = play.run
        if not self.net.recurrent_layers:
            raise UnitsError(f"{self.run.name}: its network has no recurrent layer, so it "
                             "has no units to look at")

    @classmethod
    def open(cls, run: Run) -> UnitsRun:
        return cls(open_play(run))

    @property
    def bidirectional(self) -> bool:
        return is_bidirectional(self.net)

    @property
    def features(self) -> tuple[UnitFeature, ...]:
        return tuple(self.task.unit_features)

    def feature(self, name: str) -> UnitFeature:
        """The task's feature called `name`.

        Raises:
            UnitsError: not one of them (the message lists them).
        """
        for feature in self.features:
            if feature.name == name:
                return feature
        names = ", ".join(f.name for f in self.features) or "none"
        raise UnitsError(f"unknown feature {name!r} for {self.task.id}; its features: {names}")

    # -- texts -----------------------------------------------------------------------------
    @cached_property
    def data(self) -> Dataset:
        """The task's data, as the run was trained on (read or made again)."""
        return self.task.load(self.hp, self.run.source)

    @cached_property
    def held_out(self) -> list[UnitText]:
        """The held-out texts (up to MAX_STEPS steps in all).

        Raises:
            DataUnavailable: the run's data cannot be had (offline, moved file).
        """
        texts = self.task.unit_texts(self.hp, self.data, self.play.step_labels())
        kept, steps = [], 0
        for text in texts:
            if steps + len(text) > MAX_STEPS and kept:
                break
            kept.append(text)
            steps += len(text)
        if not kept:
            raise DataUnavailable(f"{self.run.name}: its held-out data is empty")
        return kept

    def typed(self, text: str) -> UnitText:
        """A typed text as the network reads it (the play's encoding).

        Raises:
            UnitsError: an empty text. InputError: one the network cannot read.
        """
        if not text.strip():
            raise UnitsError("the text is empty: type or give something to read")
        encoded = self.play.encode(text)
        return self.task.typed_unit_text(self.hp, UnitText(encoded.x, tuple(encoded.tokens)),
                                         self.play.step_labels())

    def from_file(self, path: str | Path) -> list[UnitText]:
        """Each non-empty line of a UTF-8 file as one text.

        Raises:
            UnitsError: a missing, unreadable or empty file.
        """
        path = Path(path).expanduser()
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except FileNotFoundError:
            raise UnitsError(f"--text {path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UnitsError(f"--text {path}: cannot read it as UTF-8 text ({exc})") from None
        texts = [self.typed(line) for line in lines if line.strip()]
        if not texts:
            raise UnitsError(f"--text {path}: the text is empty")
        return texts

    # -- reading units ---------------------------------------------------------------------
    def states(self, texts: Sequence[UnitText], names: Sequence[str] | None = None) -> States:
        try:
            return collect(self.net, texts, names)
        except ValueError as exc:
            raise UnitsError(str(exc)) from None

    def feature_values(self, name: str, texts: Sequence[UnitText]) -> np.ndarray:
        """Feature `name` at every step of `texts`, text after text.

        Raises:
            UnitsError: an unknown feature, or one the texts cannot give (the hidden die of
                a typed text).
        """
        feature = self.feature(name)
        parts = []
        for text in texts:
            if feature.known_only and name not in text.known:
                raise UnitsError(f"{name} is known only for the run's own held-out data "
                                 f"({feature.about})")
            parts.append(np.asarray(self.task.feature_values(self.hp, name, text), float))
        return np.concatenate(parts) if parts else np.zeros(0)

    def rank(self, name: str, texts: Sequence[UnitText] | None = None,
             chance: bool = True) -> ranking.Ranking:
        """Every unit by |r| with feature `name` over `texts` (default: the held-out ones),
        with the chance level of an untrained network of the same shape (seeded with the
        run's seed) on the same texts.

        Raises:
            UnitsError: an unknown feature, an empty text, a feature that does not vary.
        """
        texts = self.held_out if texts is None else texts
        feature = self.feature_values(name, texts)
        states = self.states(texts)
        level = None
        try:
            if chance:
                fresh = collect(untrained_like(self.net, self.hp.seed), texts)
                level = ranking.best_abs_r(fresh, feature)
            return ranking.rank(states, feature, name, level, self.bidirectional)
        except ValueError as exc:
            raise UnitsError(f"{name}: {exc}") from None

    # -- a held-out figure -----------------------------------------------------------------
    def held_out_figures(self) -> dict[str, float]:
        """The network's figures on the task's held-out split, through the mirror (so they
        move with an ablation): accuracy for a softmax or sigmoid head, RMSE for a linear
        one, and the task's own figures that need the network (poems: perplexity per
        event of the test poems)."""
        x, y = self.task.quality_split(self.data)
        out = np.concatenate([np.asarray(self.net.forward(x[i:i + 512]))
                              for i in range(0, len(x), 512)])
        y = np.asarray(y)
        head = self.net.output_activation
        figures: dict[str, float] = {}
        if head == "softmax":
            figures["accuracy"] = float((out.argmax(-1) == y.reshape(out.shape[:-1])).mean())
        elif head == "sigmoid":
            figures["accuracy"] = float(((out.reshape(-1) > 0.5) == (y.reshape(-1) > 0.5))
                                        .mean())
        else:
            figures["rmse"] = float(np.sqrt(np.mean((out.reshape(-1) - y.reshape(-1)) ** 2)))
        figures.update(self.task.extra_figures(self.net.forward, self.data, self.hp))
        return figures
