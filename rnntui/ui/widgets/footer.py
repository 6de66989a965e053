"""The footer of rnntui's screens: Textual's, rebuilt only when its keys really change, and
never cut mid-word: keys that do not fit the width are left to `?` (issue 21 §6)."""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

# Kept however narrow the screen: the way to every other key.
_KEEP = {"help", "app.help", "leave_field", "app.leave_field"}
_PALETTE = 13  # "▏^p palette" and its margin


def _entry_width(app, entries: list[list[tuple[Binding, bool, str]]]) -> int:
    """Columns one footer entry takes (a grouped entry: its keys and the group's label)."""
    first = entries[0][0][0]
    if first.group is not None and len(entries) > 1:
        keys = sum(cell_len(app.get_key_display(e[0][0])) + 1 for e in entries)
        return keys + cell_len(first.group.description) + 2
    return cell_len(app.get_key_display(first)) + cell_len(first.description) + 3


class KeyFooter(Footer):
    """Textual's Footer rebuilds all its keys on every bindings refresh (each focus change,
    each screen shown again), ~10 ms each on a slow machine; this one skips the rebuild
    when the keys it would show are the same. Keys that would run past the right edge are
    dropped from the end (Help stays): `?` lists them all."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        # Footer draws nothing while the app is out of focus (a served app's page before its
        # first click): the focus is part of what is shown, or the keys never came back.
        shown = (screen.app.app_focus, screen.app.size.width,
                 *((key, active.binding.action, active.binding.description,
                    active.binding.show, active.enabled)
                   for key, active in screen.active_bindings.items()))
        if shown == self._shown:
            return
        self._shown = shown
        super().bindings_changed(screen)

    def on_resize(self) -> None:
        self._shown = None
        self.bindings_changed(self.screen)

    def _key(self, *args: Any, **kwargs: Any) -> FooterKey:
        """A key bound to the footer's `compact`, as Footer.compose makes it, but born with
        the footer's value: a FooterKey starts compact and the binding then sets the
        footer's, each a restyle of the key (26 on the tasks screen before its first frame,
        ~20 ms of CPU)."""
        key = FooterKey(*args, **kwargs)
        key.set_reactive(FooterKey.compact, self.compact)
        return key.data_bind(compact=Footer.compact)

    def compose(self) -> ComposeResult:
        # Footer.compose (Textual 8.2), with the entries that do not fit left out.
        if not self._bindings_ready:
            return
        app = self.app
        active_bindings = self.screen.active_bindings
        action_to_bindings: defaultdict[str, list[tuple[Binding, bool, str]]]
        action_to_bindings = defaultdict(list)
        for _, binding, enabled, tooltip in active_bindings.values():
            if binding.show:
                action_to_bindings[binding.action].append((binding, enabled, tooltip))
        entries = list(action_to_bindings.values())
        # Items as drawn: a group of keys under one label, or one key and its description.
        items: list[list[list[tuple[Binding, bool, str]]]] = []
        for group, run in groupby(entries, lambda e: e[0][0].group):
            run = list(run)
            items.extend([run] if group is not None and len(run) > 1 else [[e] for e in run])
        room = (self.size.width or app.size.width) - _PALETTE
        while sum(_entry_width(app, item) for item in items) > room:
            droppable = [i for i, item in enumerate(items)
                         if item[0][0][0].action not in _KEEP]
            if not droppable:
                break
            del items[droppable[-1]]
        self.styles.grid_size_columns = sum(len(item) for item in items)
        for item in items:
            group = item[0][0][0].group
            if len(item) > 1:
                assert group is not None
                with KeyGroup(classes="-compact" if group.compact else ""):
                    for entry in item:
                        binding, enabled, tooltip = entry[0]
                        yield self._key(binding.key, app.get_key_display(binding), "",
                                        binding.action, disabled=not enabled,
                                        tooltip=tooltip or binding.description,
                                        classes="-grouped")
                yield FooterLabel(group.description)
            else:
                binding, enabled, tooltip = item[0][0]
                yield self._key(binding.key, app.get_key_display(binding),
                                binding.description, binding.action, disabled=not enabled,
                                tooltip=tooltip)
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            try:
                _node, binding, enabled, tooltip = active_bindings[app.COMMAND_PALETTE_BINDING]
            except KeyError:
                pass
            else:
                yield FooterKey(binding.key, app.get_key_display(binding), binding.description,
                                binding.action,
                                # compact, as Footer's, from the start (no restyle: see _key)
                                classes="-command-palette -compact",
                                disabled=not enabled,
                                tooltip=binding.tooltip or binding.description)
