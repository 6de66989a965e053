"""Horizontal probability bars: one row per candidate token, longest first.

Bars are drawn with block characters (eighths), so they read the same with NO_COLOR; the
colour only adds emphasis. The widget keeps the pairs it shows in `pairs`, which tests read.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget

from rnntui.tasks.corpus import END

EIGHTHS = " ▏▎▍▌▋▊▉█"


def token_text(token: str) -> str:
    """A token as a label: END as ⏎, spaces and tabs made visible."""
    if token == END:
        return "⏎"
    return token.replace(" ", "␣").replace("\t", "⇥")


def bar(fraction: float, width: int) -> str:
    """A bar of `width` cells filled to `fraction`, to an eighth of a cell."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = int(round(fraction * width * 8))
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part and full < width else "")
    return text.ljust(width)


class ProbabilityBars(Widget):
    """Token, bar and percentage per row."""

    DEFAULT_CSS = """
    ProbabilityBars {
        height: auto;
        min-height: 1;
        width: 1fr;
    }
    """

    def __init__(self, *, empty: str = "", id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.pairs: list[tuple[str, float]] = []
        """What the bars show: (token, probability), as given."""
        self.empty = empty

    def show(self, pairs: Sequence[tuple[str, float]]) -> None:
        self.pairs = [(str(tok), float(p)) for tok, p in pairs]
        self.refresh(layout=True)

    def clear(self) -> None:
        self.show([])

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.pairs))

    def render(self) -> Content:
        if not self.pairs:
            return Content.styled(self.empty, "dim")
        labels = [_fit(token_text(tok), 16) for tok, _ in self.pairs]
        label_w = max(cell_len(lbl) for lbl in labels)
        width = max(self.size.width - label_w - 9, 4)  # label, spaces, " 100.0%"
        parts: list[str | tuple[str, str]] = []
        for row, (label, (_, prob)) in enumerate(zip(labels, self.pairs)):
            if row:
                parts.append("\n")
            parts.append((label + " " * (label_w - cell_len(label)), "bold"))
            parts.append(" ")
            parts.append((bar(prob, width), "bold $accent" if row == 0 else "$primary"))
            parts.append(f" {prob:6.1%}")
        return Content.assemble(*parts)


def _fit(text: str, width: int) -> str:
    while cell_len(text) > width:
        text = text[:-2] + "…"
    return text
