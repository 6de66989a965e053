"""How numbers read on screen: the one place that formats metrics, counts, times and speeds."""

from __future__ import annotations

import math
from collections.abc import Mapping

from rnntui.tasks import Task


def figure(value: float | None) -> str:
    """A metric as the CLI prints it: four decimals, thousands for huge values, and three
    significant digits for tiny ones (a sine's loss of 2e-05 is not '0.0000')."""
    if value is None:
        return "—"
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value and abs(value) < 0.001:
        return f"{value:.2e}"
    return f"{value:.4f}" if abs(value) < 1000 else f"{value:,.0f}"


def named(name: str, value: float | None) -> str:
    """A quality figure by its name: a perplexity to one decimal (121.4; its digits beyond
    say nothing), anything else as `figure`."""
    if name == "perplexity" and value is not None and math.isfinite(value):
        return f"{value:,.1f}"
    return figure(value)


def count(value: int) -> str:
    return f"{value:,}"


def duration(seconds: float | None) -> str:
    """'45 s', '3 min 20 s', '2 h 05 min'; '—' when unknown."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def speed(samples_per_second: float | None) -> str:
    if samples_per_second is None or not math.isfinite(samples_per_second):
        return "— samples/s"
    return f"{samples_per_second:,.0f} samples/s"


def metrics_line(metrics: Mapping[str, float]) -> str:
    """'loss 0.0123  accuracy 1.0000  val_loss …' in the order Keras logged them."""
    return "  ".join(f"{key} {figure(value)}" for key, value in metrics.items())


def quality_line(task: Task, quality: Mapping[str, float]) -> str:
    """The quality figure with its goal: 'accuracy 1.0000 (goal ≥ 1: reached)'."""
    if not quality:
        return "no quality figure (no complete epoch)"
    parts = []
    for name, value in quality.items():
        # a perplexity to one decimal (121.4, not 121.4376): its digits beyond say nothing
        text = (f"{name} {value:,.1f}" if name == "perplexity" and math.isfinite(value)
                else f"{name} {figure(value)}")
        goal = task.quality.goal if name == task.quality.name else None
        if goal is not None:
            sign = "≥" if task.quality.higher_is_better else "≤"
            verdict = "reached" if task.quality.reached(value) else "not reached"
            text += f" (goal {sign} {goal:g}: {verdict})"
        parts.append(text)
    return "  ".join(parts)
