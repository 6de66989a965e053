"""An Input that leaves its screen's command characters to the screen.

Textual drops every binding whose key the focused Input could type, priority bindings
included, so `+` or `<` bound on a screen never fire while its Input has focus. This Input
is told what it may hold (`types`), and each character bound on its screen or the app
that it could never hold goes to that binding (see `rnntui.ui.keys`).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input

from rnntui.ui.keys import command_characters


def any_text(char: str) -> bool:
    return True


class CommandInput(Input):
    """An Input whose screen's command characters it cannot hold go to the screen."""

    def __init__(self, *args, types: Callable[[str], bool] = any_text, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = types
        self._commands: frozenset[str] | None = None

    @property
    def commands(self) -> frozenset[str]:
        """The characters this field leaves to its screen's and the app's bindings."""
        if self._commands is None:
            # A screen inherits its bases' bindings (a poem screen: the writing screen's
            # -/+ and </>), and BINDINGS names only the class's own.
            bindings = [binding for cls in type(self.screen).__mro__
                        for binding in cls.__dict__.get("BINDINGS", ())]
            bindings += self.app.BINDINGS
            self._commands = command_characters(bindings, self.types)
        return self._commands

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character is not None and character in self.commands:
            return False
        return super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character in self.commands:
            # Skip Input's handler (it would type the key) but let the event bubble up to
            # the screen's and the app's bindings.
            event.prevent_default()

