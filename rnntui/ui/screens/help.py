"""`?` / F1: the keys of the screen underneath, with what each does."""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

_GENERAL = (
    ("↑ ↓ pgup pgdn", "move in a list, a table or the log"),
    ("tab / shift+tab", "move between panes and fields"),
    ("ctrl+p", "command palette: open a task, train, stop, compare, theme"),
)


class HelpScreen(ModalScreen[None]):
    """A modal listing every key that works on `screen` right now.

    The app makes one and shows it again for each screen (`show_for`): building a screen
    costs more than updating two texts, and `?` should answer at once even while training.
    """

    BINDINGS = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, screen: Screen):
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(self.title_text(), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(self.keys_text(), id="help-keys")
            yield Static("escape or ? closes", id="help-hint")

    def show_for(self, screen: Screen) -> None:
        """List the keys of `screen` (before the app shows this help again)."""
        self.target = screen
        if self.is_mounted:
            self.query_one("#help-title", Static).update(self.title_text())
            self.query_one("#help-keys", Static).update(self.keys_text())
            self.query_one("#help-body", VerticalScroll).scroll_home(animate=False)

    def title_text(self) -> Text:
        return Text(f"Keys: {self.target_title()}", style="bold")

    def target_title(self) -> str:
        return getattr(self.target, "HELP_TITLE", None) or type(self.target).__name__

    def keys_text(self) -> Text:
        """Key and what it does, one per line, continuation lines indented under the text.

        Plain text wrapped here rather than a Rich table: Textual measures a Static's
        content several times while laying it out, and a table re-renders on each (~5 ms).
        """
        rows: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for active in self.target.active_bindings.values():
            binding = active.binding
            # rnntui's own keys carry ids; widgets' navigation keys are summed up below.
            if not binding.id or not binding.description or binding.system:
                continue
            shown = self.app.get_key_display(binding)
            if (shown, binding.description) in seen:
                continue
            seen.add((shown, binding.description))
            what = binding.tooltip or binding.description
            rows.append((shown, what if active.enabled else f"{what} (not now)"))
        rows.extend(_GENERAL)
        key_width = max(len(key) for key, _ in rows) + 2
        box = min(76, int(self.app.size.width * 0.95)) - 4  # border and padding
        text_width = max(20, box - key_width)
        text = Text()
        for key, what in rows:
            lines = textwrap.wrap(what, text_width) or [""]
            text.append(key.ljust(key_width), style="bold")
            text.append(lines[0] + "\n")
            for more in lines[1:]:
                text.append(" " * key_width + more + "\n")
        text.rstrip()
        return text
