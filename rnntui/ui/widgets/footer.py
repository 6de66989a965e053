"""The footer of rnntui's screens: Textual's, rebuilt only when its keys really change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer rebuilds all its keys on every bindings refresh (each focus change,
    each screen shown again), ~10 ms each on a slow machine; this one skips the rebuild
    when the keys it would show are the same."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        # Footer draws nothing while the app is out of focus (a served app's page before its
        # first click): the focus is part of what is shown, or the keys never came back.
        shown = (screen.app.app_focus,
                 *((key, active.binding.action, active.binding.description,
                    active.binding.show, active.enabled)
                   for key, active in screen.active_bindings.items()))
        if shown == self._shown:
            return
        self._shown = shown
        super().bindings_changed(screen)
