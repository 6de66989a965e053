"""Where a trained network stands against the simple baselines of its task, in one sentence.

"LSTM 0.820 vs bag-of-words 0.816: +0.4 points" tells a learner what "test accuracy 0.82"
alone cannot. The training result panel, the compare view and `rnntui compare` all print
this one sentence, so the wording is decided here only. No Keras, no Textual.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from rnntui.tasks.base import Quality

CELL_NAMES = {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def figure(value: float, quality: Quality | None = None) -> str:
    """A figure as the sentence shows it: 3 significant decimals for fractions, else 3-4
    significant digits ("0.816", "0.00341", "12.4"); a perplexity to one decimal ("121.4")."""
    if not math.isfinite(value):
        return str(value)
    if quality is not None and quality.name == "perplexity":
        return f"{value:,.1f}"
    if value == 0:
        return "0"
    if abs(value) <= 1:  # accuracies and the like, 1.0 included
        return f"{value:.3f}" if abs(value) >= 0.1 else f"{value:.3g}"
    return f"{value:.4g}"


def gap(value: float, baseline: float, quality: Quality) -> str:
    """How far `value` is from `baseline`, in the words that fit the figure.

    Accuracies differ in points ("+0.4 points"); errors and perplexities, which span orders
    of magnitude, as a ratio ("2.1× lower", "3.0× higher"), or in percent when close ("2%
    higher").
    """
    if not (math.isfinite(value) and math.isfinite(baseline)):
        return "not comparable"
    if "accuracy" in quality.name:
        points = (value - baseline) * 100
        return f"{points:+.1f} points"
    if value == baseline:
        return "equal"
    low, high = sorted((value, baseline))
    if low <= 0:
        return "lower" if value < baseline else "higher"
    ratio = high / low
    side = "lower" if value < baseline else "higher"
    if ratio < 1.5:  # close: "2% higher" says more than "1.0× higher"
        return f"{abs(value - baseline) / baseline:.0%} {side}"
    shown = f"{ratio:.1f}" if ratio < 10 else f"{ratio:,.0f}"  # 2.1×, 14×, 53,404×
    return f"{shown}× {side}"


def standing(network: str, value: float | None, baselines: Mapping[str, float],
             quality: Quality) -> str:
    """One sentence: the network's figure beside every baseline, with the gap to each.

    Args:
        network: what to call the network ("LSTM", "GRU").
        value: its quality figure (None: not measured yet).
        baselines: baseline name → figure on the same data and metric.
        quality: the task's quality figure (says whether higher is better).

    Returns:
        e.g. "LSTM 0.820 vs bag-of-words 0.816: +0.4 points; vs TF-IDF + word pairs 0.841:
        -2.1 points", or "" when there is nothing to compare.
    """
    if value is None or not baselines:
        return ""
    parts = [f"{baseline_name(name)} {figure(base, quality)}: {gap(value, base, quality)}"
             for name, base in baselines.items()]
    return f"{network} {figure(value, quality)} vs " + "; vs ".join(parts)


_NGRAM = re.compile(r"kneser_ney_(\d+)gram")


def baseline_name(key: str) -> str:
    """A baseline's name as a learner reads it: `kneser_ney_5gram` (the key kept in JSON and
    status.json) is "Kneser-Ney 5-gram"; names already in words stay as they are."""
    match = _NGRAM.fullmatch(key)
    return f"Kneser-Ney {match.group(1)}-gram" if match else key


def network_name(cell: str) -> str:
    """The display name of a cell id ("lstm" → "LSTM")."""
    return CELL_NAMES.get(cell, cell)
