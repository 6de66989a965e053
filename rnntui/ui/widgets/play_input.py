"""An Input that leaves a few characters to the screen's keys.

Textual drops every binding whose key the focused Input could type, priority bindings
included, so `+` or `<` bound on a screen never fire while its Input has focus. The predict
screen needs them for temperature and length while the user types a poem line; this Input
says it will not consume those characters, and the screen's priority bindings take them.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import Input


class PlayInput(Input):
    """An Input whose `passthrough` characters go to the screen's bindings instead."""

    def __init__(self, *args, passthrough: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.passthrough = frozenset(passthrough)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character is not None and character in self.passthrough:
            return False
        return super().check_consume_key(key, character)
