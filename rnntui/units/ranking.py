"""Which units track a feature: every unit ranked by |Pearson r| between its values over the
text and the feature, with the number of steps and the chance level beside it (the best |r|
of an untrained network of the same shape on the same text)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnntui.units.states import States, UnitId


@dataclass(frozen=True)
class RankedUnit:
    unit: UnitId
    r: float


@dataclass(frozen=True)
class Ranking:
    """Units best first by |r|.

    Attributes:
        feature: the feature's name.
        steps: the steps r is computed over (those where the feature is defined).
        chance: the best |r| of an untrained network of the same shape, same text, same
            feature (None when not measured).
        units: every unit, best first.
        bidirectional: the network has a backward direction (its units say which).
    """

    feature: str
    steps: int
    chance: float | None
    units: tuple[RankedUnit, ...]
    bidirectional: bool = False

    def to_dict(self, top: int | None = None) -> dict:
        units = self.units if top is None else self.units[:top]
        return {"feature": self.feature, "steps": self.steps,
                "chance": None if self.chance is None else round(self.chance, 6),
                "units": [{**r.unit.to_dict(self.bidirectional), "r": round(r.r, 6)}
                          for r in units]}

    def sentence(self, ranked: RankedUnit) -> str:
        """'layer 1 unit 17 tracks line_position (r = 0.93)'."""
        return (f"{ranked.unit.words(self.bidirectional)} tracks {self.feature} "
                f"(r = {ranked.r:.2f})")

    def summary(self, top: int = 5) -> list[str]:
        """The top units in words, then the steps and the chance level."""
        lines = [self.sentence(r) for r in self.units[:top]]
        chance = "" if self.chance is None else (
            f"; an untrained network of the same shape reaches |r| = {self.chance:.2f}")
        lines.append(f"over {self.steps:,} steps{chance}")
        return lines


def pearson(values: np.ndarray, feature: np.ndarray) -> tuple[np.ndarray, int]:
    """Pearson r of every column of `values` with `feature`, over the rows where the feature
    is finite; a column that does not vary has r = 0.

    Args:
        values: (steps, units).
        feature: (steps,).

    Returns:
        r per unit (units,), and the number of steps used.

    Raises:
        ValueError: a feature with no finite value, or one that does not vary over the text
            (r is undefined).
    """
    feature = np.asarray(feature, dtype=np.float64)
    keep = np.isfinite(feature)
    steps = int(keep.sum())
    if steps < 2:
        raise ValueError("the feature is defined at fewer than 2 steps of this text")
    f = feature[keep] - feature[keep].mean()
    f_norm = np.sqrt(f @ f)
    if f_norm == 0:
        raise ValueError("the feature does not vary over this text: no unit can track it "
                         "(give a longer or another text)")
    x = values[keep] if not keep.all() else values
    x = x - x.mean(axis=0)
    norms = np.sqrt(np.einsum("ij,ij->j", x, x))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (f @ x) / (norms * f_norm)
    return np.where(norms > 1e-12, np.clip(r, -1.0, 1.0), 0.0), steps


def rank(states: States, feature: np.ndarray, name: str, chance: float | None = None,
         bidirectional: bool = False) -> Ranking:
    """Every unit of `states` by |r| with `feature`, best first (ties: in unit order)."""
    r, steps = pearson(states.values, feature)
    order = np.argsort(-np.abs(r), kind="stable")
    return Ranking(name, steps, chance,
                   tuple(RankedUnit(states.units[i], float(r[i])) for i in order),
                   bidirectional)


def best_abs_r(states: States, feature: np.ndarray) -> float:
    """The best |r| of any unit: the chance level when `states` are an untrained network's."""
    r, _ = pearson(states.values, feature)
    return float(np.abs(r).max()) if len(r) else 0.0
