"""The line under a pair of plots that reads them at the cursor's epoch (← →)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

from rnntui.ui import figures


class CursorLine(Static):
    """'epoch 3 │ loss: #1 lstm8 0.2160 · #2 simple3 0.9830 │ accuracy: …'; hidden until the
    cursor is first moved."""

    DEFAULT_CSS = """
    CursorLine {
        height: auto;
        max-height: 2;
        padding: 0 1;
        display: none;
    }
    """

    def show(self, epoch: float, groups: Sequence[tuple[str, Mapping[str, float]]]) -> None:
        """Show each plot's values at `epoch`.

        Args:
            epoch: where the cursor stands.
            groups: (plot title or '', {curve label: value}) for each plot, in screen order.
        """
        text = Text.assemble(("epoch ", "bold"), (f"{epoch:g}", "bold"))
        for title, values in groups:
            shown = " · ".join(f"{label} {figures.figure(value)}"
                               for label, value in values.items()) or "no value"
            text.append(" │ ")
            if title:  # '' when the curves' labels name their figure already
                text.append(f"{title}: ", style="italic")
            text.append(shown)
        self.update(text)
        self.display = True

    def hide_values(self) -> None:
        self.update("")
        self.display = False
