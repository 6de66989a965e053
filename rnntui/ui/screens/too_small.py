"""Shown instead of any layout while the terminal is smaller than the app can draw."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 60, 20


class TooSmallScreen(Screen[None]):
    """A plain message; the app pops it once the terminal is big enough again."""

    BINDINGS = [Binding("q", "app.quit", "Quit", id="small.quit")]

    def compose(self) -> ComposeResult:
        yield Static(f"terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT})\n"
                     "make the window larger, or press q to quit", id="too-small")

    def on_screen_resume(self) -> None:
        # Uncovered by a popped screen after the terminal grew: nothing left to cover.
        width, height = self.app.size
        if width >= MIN_WIDTH and height >= MIN_HEIGHT and self.app.screen is self:
            self.dismiss()
