"""Curves for the plots: the one place that turns histories into points and thins them.

plotext costs ~9 µs a point per redraw, and a terminal plot cannot show more than about two
points per column anyway, so long histories are thinned to twice the plot's width.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping, Sequence
from functools import lru_cache

from rnntui.tasks import get_task
from rnntui.ui.columns import EpochTable, Point, Points


def spread(n: int, limit: int) -> range | list[int]:
    """Indices of at most `limit` of `n` items, evenly spread, the first and the last
    always among them."""
    if limit < 2 or n <= limit:
        return range(n)
    step = (n - 1) / (limit - 1)
    return [round(i * step) for i in range(limit)]


def downsample(points: Sequence[Point], limit: int) -> Points:
    """At most `limit` points, evenly spread, always keeping the first and the last.

    A copy, in time that grows with `limit`, not with the length of `points` (when they are
    `Points`): a redraw late in a long run costs what it cost once the plot was full.
    """
    points = points if isinstance(points, Points) else Points(points)
    picks = spread(len(points), limit)
    if isinstance(picks, range):  # every point: copied at C speed
        return points[:]
    xs, ys = points.xs, points.ys
    return Points.from_columns(array("d", [xs[i] for i in picks]),
                               array("d", [ys[i] for i in picks]))


def epoch_curve(history: Sequence[Mapping[str, float]], key: str,
                limit: int | None = None) -> Points:
    """(epoch, value) for every epoch that logged a finite `key`; epochs count from 1.

    With `limit`, at most that many points, evenly spread. From an `EpochTable` whose every
    epoch logged `key` (the usual case) that takes time that grows with `limit`, not with
    the epochs: a plot late in a 100,000-epoch run is drawn as fast as early on.
    """
    if isinstance(history, EpochTable):
        if key not in history.keys():  # e.g. val_loss of a task without validation
            return Points()
        column = history.column(key)
        if history.complete(key):
            picks = spread(len(column), limit or len(column))
            if isinstance(picks, range):  # every epoch: copied at C speed
                return Points.from_columns(array("d", range(1, len(column) + 1)),
                                           array("d", column))
            return Points.from_columns(array("d", [i + 1 for i in picks]),
                                       array("d", [column[i] for i in picks]))
        values: Sequence[object] = column
    else:
        values = [record.get(key) for record in history]
    points = Points()
    for index, value in enumerate(values, start=1):
        if isinstance(value, (int, float)) and math.isfinite(value):
            points.append(float(index), float(value))
    return downsample(points, limit) if limit else points


def epoch_ticks(low: int, high: int, slots: int) -> list[int]:
    """At most about `slots` whole-epoch ticks from `low` to `high`, a round step apart
    (1, 2, 5, 10, 20, 50 …) on its multiples, and `low` itself when there is room:
    1, 100, 200, 300, 400 rather than 1, 68, 135, 202, 269, 336 for 400 epochs."""
    raw = max(1, math.ceil(max(high - low, 1) / max(slots, 1)))
    scale = 10 ** (len(str(raw)) - 1)
    step = next(m * scale for m in (1, 2, 5, 10) if m * scale >= raw)
    first = (low // step + 1) * step  # the first multiple past `low`
    ticks = list(range(first, high + 1, step))
    if not ticks or first - low >= step / 2 or low % step == 0:
        ticks.insert(0, low)
    return ticks


@lru_cache(maxsize=None)  # the poems task reads its corpus for the spec (~3 ms)
def metric_key(task_id: str) -> str:
    """The Keras metric a task logs besides the loss ('accuracy', 'rmse')."""
    task = get_task(task_id)
    try:
        metrics = task.model_spec(task.hparams()).metrics
    except Exception:  # a task whose spec needs data it cannot read: fall back to its quality
        metrics = ()
    return metrics[0] if metrics else task.quality.metric


def smooth(values: Sequence[float], weight: float) -> list[float]:
    """Exponential moving average as TensorBoard's smoothing slider draws it: weight 0 is the
    curve itself, 0.99 nearly flat; debiased, so the first points are not pulled to zero.
    Non-finite values are passed through and do not enter the average."""
    if not 0 <= weight < 1:
        raise ValueError(f"smoothing weight {weight} is not in [0, 1)")
    out: list[float] = []
    last = 0.0
    seen = 0
    for value in values:
        if not math.isfinite(value):
            out.append(value)
            continue
        last = last * weight + (1 - weight) * value
        seen += 1
        out.append(last / (1 - weight ** seen) if weight else last)
    return out


SMOOTHING_WEIGHTS = (0.0, 0.6, 0.9)  # what the compare view's smoothing key cycles through


def smoothed(points: Points, weight: float) -> Points:
    """`points` with their values smoothed by `smooth` (the same points when weight is 0)."""
    if not weight:
        return points
    return Points.from_columns(array("d", points.xs), array("d", smooth(points.ys, weight)))
