"""Several seeds of one setting: runs that differ only in their seed, as one group with a
mean and a standard deviation, so a difference between two settings can be told from the
spread a seed alone makes.

Used by `rnntui train TASK --seeds N`, `rnntui compare --runs` and the compare view. No Keras,
no Textual.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from rnntui.config import Param

# The form's seeds field: not a hyperparameter of a run (each run has one seed) but how many
# runs the form trains.
SEEDS = Param("seeds", int, "runs to train, one per seed (seed, seed+1 …); 2 or more: the "
              "compare view opens on them with their mean ± sd as a band", low=1, high=20)
CORES_PER_RUN = 2  # a training uses two cores well (TensorFlow's threads); more runs share
T = TypeVar("T")


class SeedError(ValueError):
    """A request for seeds that cannot be honoured; the message says why."""


def check_count(count: int, flag: str = "--seeds") -> int:
    """`count` when it is a number of runs (1 or more).

    Raises:
        SeedError: for 0 or less, saying what the number means.
    """
    if count < 1:
        raise SeedError(f"{flag} {count}: the number of runs to train, one per seed, must be "
                        "at least 1 (--seeds 3 trains seeds s, s+1 and s+2 of the run's seed s)")
    return count


def seeds_from(first: int, count: int) -> list[int]:
    """The seeds of `count` runs, from the run's own seed up."""
    return [first + i for i in range(check_count(count))]


def parallel_workers(count: int, cores: int | None = None) -> int:
    """How many of `count` runs to train at once: one per CORES_PER_RUN cores, at least one
    (then one after another)."""
    cores = cores if cores is not None else (os.cpu_count() or 1)
    return max(1, min(count, cores // CORES_PER_RUN))


def setting_key(task_id: str, hparams: dict[str, Any], source: dict[str, Any]) -> str:
    """What runs of one setting share: the task, every hyperparameter but the seed, and the
    data they read."""
    rest = {k: v for k, v in hparams.items() if k != "seed"}
    return json.dumps([task_id, rest, source], sort_keys=True, default=str)


def group_by_setting(items: Sequence[T], key: Callable[[T], str]) -> list[list[T]]:
    """`items` in groups of equal `key` (runs that differ only in their seed), in the order
    each group first appears; a group may hold one item."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.values())


def run_key(run: Any) -> str:
    """`setting_key` of a saved run (rnntui.runs.Run)."""
    return setting_key(run.task_id, run.hparams.to_dict(), run.source.to_dict())


@dataclass(frozen=True)
class Spread:
    """The mean and sample standard deviation of one figure over a group's runs."""

    mean: float
    sd: float
    n: int

    def text(self, digits: int = 4) -> str:
        """'0.9812 ± 0.0103' ('–' when no run has the figure)."""
        if self.n == 0 or not math.isfinite(self.mean):
            return "–"
        mean = f"{self.mean:.{digits}g}"
        return f"{mean} ± {self.sd:.2g}" if self.n > 1 else mean

    def to_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "sd": self.sd, "n": self.n}


def spread(values: Iterable[float | None]) -> Spread:
    """Mean ± sample standard deviation (n − 1) of the finite values (sd 0 for one)."""
    kept = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not kept:
        return Spread(math.nan, math.nan, 0)
    mean = sum(kept) / len(kept)
    if len(kept) == 1:
        return Spread(mean, 0.0, 1)
    sd = math.sqrt(sum((v - mean) ** 2 for v in kept) / (len(kept) - 1))
    return Spread(mean, sd, len(kept))


def band(histories: Sequence[Sequence[dict[str, float]]], key: str
         ) -> tuple[list[float], list[float], list[float]]:
    """Mean ± one standard deviation of `key` epoch by epoch over several runs' histories,
    at the epochs every run reached (a band that thinned to one run would claim a spread it
    does not have).

    Returns:
        epochs (1-based), means, standard deviations.

    Raises:
        SeedError: for fewer than two histories: a band of one run is no spread.
    """
    if len(histories) < 2:
        raise SeedError(f"a seed band needs two or more runs of the same settings; "
                        f"{len(histories)} given (one run has no spread to draw)")
    epochs, means, sds = [], [], []
    for index in range(min(len(h) for h in histories)):
        values = [h[index].get(key) for h in histories]
        if any(v is None or not math.isfinite(v) for v in values):
            continue
        figure = spread(values)
        epochs.append(float(index + 1))
        means.append(figure.mean)
        sds.append(figure.sd)
    return epochs, means, sds


def figure_spreads(rows: Sequence[dict[str, float | None]]) -> dict[str, Spread]:
    """Each figure's spread over a group's rows (name → value dicts), in first-seen order."""
    names = list(dict.fromkeys(k for row in rows for k in row))
    return {name: spread(row.get(name) for row in rows) for name in names}
