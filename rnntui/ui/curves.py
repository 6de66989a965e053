"""Curves for the plots: the one place that turns histories into points and thins them.

plotext costs ~9 µs a point per redraw, and a terminal plot cannot show more than about two
points per column anyway, so long histories are thinned to twice the plot's width.
"""

from __future__ import annotations

import math
from functools import lru_cache
from collections.abc import Mapping, Sequence

from rnntui.tasks import get_task

Point = tuple[float, float]


def downsample(points: Sequence[Point], limit: int) -> list[Point]:
    """At most `limit` points, evenly spread, always keeping the first and the last."""
    n = len(points)
    if limit < 2 or n <= limit:
        return list(points)
    step = (n - 1) / (limit - 1)
    return [points[round(i * step)] for i in range(limit)]


def epoch_curve(history: Sequence[Mapping[str, float]], key: str) -> list[Point]:
    """(epoch, value) for every epoch that logged a finite `key`; epochs count from 1."""
    points = []
    for index, record in enumerate(history, start=1):
        value = record.get(key)
        if isinstance(value, (int, float)) and math.isfinite(value):
            points.append((float(index), float(value)))
    return points


@lru_cache(maxsize=None)  # the poems task reads its corpus for the spec (~3 ms)
def metric_key(task_id: str) -> str:
    """The Keras metric a task logs besides the loss ('accuracy', 'rmse')."""
    task = get_task(task_id)
    try:
        metrics = task.model_spec(task.hparams()).metrics
    except Exception:  # a task whose spec needs data it cannot read: fall back to its quality
        metrics = ()
    return metrics[0] if metrics else task.quality.metric
