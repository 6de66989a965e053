"""One line under a field for what is wrong with it (or a quiet note when nothing is).

An error can point at a character of the field above with a caret, when the column is known
and the message still fits; the message itself always says where, for screen readers and
NO_COLOR terminals.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static


class InlineMessage(Static):
    """An error or a note; `text` and `is_error` say what it shows (tests read them)."""

    DEFAULT_CSS = """
    InlineMessage {
        height: auto;
        min-height: 1;
        width: 1fr;
        color: $text-muted;
    }
    InlineMessage.-error {
        color: $text-error;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__("", id=id, classes=classes)
        self.text = ""
        self.is_error = False

    def error(self, message: str, column: int | None = None) -> None:
        """Show `message`; with `column`, a caret ↑ under that column of the field above."""
        self.text, self.is_error = message, True
        self.add_class("-error")
        width = self.size.width or 80
        if column is not None and 0 <= column and column + 2 + len(message) <= width:
            self.update(Content.assemble(" " * column, ("↑ ", "bold"), message))
        else:
            self.update(Content.assemble(("✗ ", "bold"), message))

    def error_at(self, field: Widget, text: str, position: int | None, message: str) -> None:
        """Show `message` with a caret under character `position` of `text` in `field`
        (an Input directly above), when `text` is still what the field holds."""
        column = None
        if position is not None and getattr(field, "value", None) == text:
            content_x = field.content_region.x
            scroll = round(getattr(field, "scroll_x", 0))
            column = content_x - self.content_region.x + cell_len(text[:position]) - scroll
        self.error(message, column)

    def warn(self, message: str) -> None:
        """Show `message` as a warning: the answer stands, but the input is not what the
        network was trained on."""
        self.text, self.is_error = message, False
        self.remove_class("-error")
        self.update(Content.assemble(("⚠ ", "bold"), message))

    def say(self, note: str, warning: str = "") -> None:
        """The warning when there is one, else the note."""
        if warning:
            self.warn(warning)
        else:
            self.note(note)

    def note(self, message: str) -> None:
        self.text, self.is_error = message, False
        self.remove_class("-error")
        self.update(Content(message))

    def clear(self) -> None:
        self.note("")
