"""`?` / F1: the keys of the screen underneath, with what each does."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from rnntui.ui.keys import in_field

_GENERAL = (
    ("↑ ↓ pgup pgdn", "move in a list, a table or the log"),
    ("tab / shift+tab", "next / previous field or pane"),
    ("ctrl+p", "command palette: open a task, train, stop, compare, theme"),
)
# What the keyboard model (rnntui.ui.keys) says about fields, shown while one has focus.
_IN_FIELD = (
    ("any printable key", "types into the field (letters, digits, ? and q too): never a "
                          "command; what the field cannot use is refused under it"),
    ("escape", "leave the field: the single keys below work again"),
    ("f1 / ctrl+q", "this help / quit, from the field too"),
)
# Room the scroll pane's vertical scrollbar takes when the list is longer than the box.
_SCROLLBAR = 2


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
        """Key and what it does, one per line, continuation lines indented under the text;
        while a field has focus, first what works in it, then what works once Esc left it.

        Plain text wrapped here rather than a Rich table: Textual measures a Static's
        content several times while laying it out, and a table re-renders on each (~5 ms).
        """
        screen = self.target
        now = self._rows(screen.active_bindings.values())
        sections: list[tuple[str | None, list[tuple[str, str]]]]
        if in_field(screen):
            shown_now = {key for key, _ in now}
            later = [row for row in self._rows(outside_field_bindings(screen))
                     if row[0] not in shown_now]
            sections = [("in the field", [*_IN_FIELD, *now]),
                        ("outside a field (escape first)", later),
                        (None, list(_GENERAL))]
        else:
            sections = [(None, [*now, *_GENERAL])]
        rows = [row for _, part in sections for row in part]
        key_width = max(len(key) for key, _ in rows) + 2
        box = min(76, int(self.app.size.width * 0.95)) - 4 - _SCROLLBAR  # border, padding
        text_width = max(20, box - key_width)
        text = Text()
        for title, part in sections:
            if title and part:
                text.append(title + "\n", style="bold underline")
            for key, what in part:
                lines = textwrap.wrap(what, text_width) or [""]
                text.append(key.ljust(key_width), style="bold")
                text.append(lines[0] + "\n")
                for more in lines[1:]:
                    text.append(" " * key_width + more + "\n")
        text.rstrip()
        return text

    def _rows(self, actives: Iterable[ActiveBinding]) -> list[tuple[str, str]]:
        keys: dict[tuple[str, str], list[str]] = {}  # (action, text) → its keys, in order
        for active in actives:
            binding = active.binding
            # rnntui's own keys carry ids; widgets' navigation keys are summed up below.
            if not binding.id or not binding.description or binding.system:
                continue
            what = binding.tooltip or binding.description
            what = what if active.enabled else f"{what} (not now)"
            shown = keys.setdefault((binding.action, what), [])
            display = self.app.get_key_display(binding)
            if display not in shown:
                shown.append(display)  # ? and F1: one row, "? / F1"
        return [(" / ".join(shown), what) for (_, what), shown in keys.items()]


def outside_field_bindings(screen: Screen) -> list[ActiveBinding]:
    """The bindings of `screen` and the app that work once no field has focus (those the
    focused field hides, and the rest), as `Screen.active_bindings` gives them."""
    app = screen.app
    found: dict[str, ActiveBinding] = {}
    for namespace in (screen, app):
        for key, binding in namespace._bindings:
            if key in found or binding.action == "leave_field":
                continue
            state = app._check_action_state(binding.action, namespace)
            if state is False:
                continue
            found[key] = ActiveBinding(namespace, binding, bool(state), binding.tooltip)
    return list(found.values())
