"""Two beliefs over time, one above the other: the network's and the exact model's.

Steps are columns (three cells each), labelled by the roll each step read; below the rolls
come the true dice (when known), one row per class for the network, the same rows for the
exact model, and Viterbi's dice. A cell's shade says the probability (`·░▒▓█`, so it reads
the same with NO_COLOR) and its colour follows the gate heatmap's sequential palette. The
columns shown follow the cursor step, which is also drawn reversed in the header.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from rnntui.ui.widgets.heatmap import SEQUENTIAL

CELL = 3
LABEL = 12
SHADES = "·░▒▓█"


def shade(p: float) -> str:
    """Two characters for probability `p`: ·· below 10%, then ░ ▒ ▓ █ by quarters."""
    if p < 0.1:
        return SHADES[0] * 2
    return SHADES[min(4, 1 + int(p * 4))] * 2


def first_step(cursor: int, steps: int, fit: int, start: int = 0) -> int:
    """The first step shown: `start` again while the cursor's column stays on screen,
    else scrolled just far enough to show it, as an editor scrolls."""
    if steps <= fit:
        return 0
    if cursor < start:
        start = cursor
    elif cursor >= start + fit:
        start = cursor - fit + 1
    return min(max(0, start), steps - fit)


class BeliefMap(Widget):
    """Rolls, true dice, the network's and the exact model's beliefs, and Viterbi's dice."""

    DEFAULT_CSS = """
    BeliefMap {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.rolls: tuple[int, ...] = ()
        self.classes_: tuple[str, ...] = ()
        self.rows: list[tuple[str, np.ndarray]] = []  # (name, (T, C) beliefs)
        self.marks: list[tuple[str, Sequence[str]]] = []  # (name, a label per step)
        self.cursor = 0
        self.start = 0  # the first step shown

    def show(self, rolls: Sequence[int], classes: Sequence[str],
             beliefs: Sequence[tuple[str, np.ndarray]],
             marks: Sequence[tuple[str, Sequence[str]]], cursor: int) -> None:
        """Draw these beliefs (name, (T, C) array) and label rows (name, T labels)."""
        self.rolls, self.classes_ = tuple(rolls), tuple(classes)
        self.rows, self.marks = list(beliefs), list(marks)
        self.cursor = cursor
        self.refresh(layout=True)

    def move(self, cursor: int) -> None:
        self.cursor = cursor
        self.refresh()

    def get_content_height(self, container, viewport, width: int) -> int:
        return 2 + len(self.marks) + len(self.rows) * len(self.classes_)

    def render(self) -> Text:
        steps = len(self.rolls)
        if not steps:
            return Text("…", style="dim")
        fit = max(1, (self.size.width - LABEL) // CELL)
        start = self.start = first_step(self.cursor, steps, fit, self.start)
        shown = range(start, min(steps, start + fit))
        text = Text(no_wrap=True, overflow="crop")
        no_color = getattr(self.app, "no_color", False)

        def header(label: str, cells: Sequence[str], strong: bool = False) -> None:
            text.append(label.ljust(LABEL), style="bold" if strong else "dim")
            for t, cell in zip(shown, cells):
                style = "reverse bold" if t == self.cursor else ("bold" if strong else "")
                text.append(cell.rjust(CELL - 1), style=style)
                text.append(" ")
            text.append("\n")

        more = "…" if start else ""
        header(f"step{more}", [str(t + 1)[-2:] for t in shown])
        header("roll", [str(self.rolls[t]) for t in shown], strong=True)
        for name, labels in self.marks:
            header(name, [labels[t] for t in shown])
        for block, (name, beliefs) in enumerate(self.rows):
            for k, cls in enumerate(self.classes_):
                label = f"{name if k == 0 else '':<8}{cls:>3} "
                text.append(label[:LABEL].ljust(LABEL), style="bold" if k == 0 else "")
                for t in shown:
                    p = float(beliefs[t, k])
                    colour = SEQUENTIAL[min(len(SEQUENTIAL) - 1, int(p * len(SEQUENTIAL)))]
                    style = Style(color=None if no_color else colour,
                                  bold=bool(beliefs[t].argmax() == k))
                    text.append(shade(p), style=style)
                    text.append(" ")
                if block < len(self.rows) - 1 or k < len(self.classes_) - 1:
                    text.append("\n")
        return text
