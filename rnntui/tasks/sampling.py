"""Small helpers the tasks' epoch samples share: answers from outputs, a sparkline.

No Keras, no Textual; NumPy is imported inside the functions (the task list loads without it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SPARKS = "▁▂▃▄▅▆▇█"


def answers(outputs: np.ndarray) -> np.ndarray:
    """The class each output names: the likeliest of a softmax, or 1 where a single sigmoid
    output is at least 0.5."""
    import numpy as np

    outputs = np.asarray(outputs)
    if outputs.shape[-1] == 1:
        return (outputs[..., 0] >= 0.5).astype(np.int64)
    return outputs.argmax(-1)


def sparkline(values: Sequence[float], low: float, high: float) -> str:
    """`values` as block characters on the scale [low, high] (shared by the curves drawn
    beside each other, so heights compare)."""
    span = high - low
    out = []
    for value in values:
        share = 0.5 if span <= 0 else (float(value) - low) / span
        out.append(SPARKS[min(len(SPARKS) - 1, max(0, int(share * len(SPARKS))))])
    return "".join(out)


def mark(right: bool) -> str:
    return "✓" if right else "✗"
