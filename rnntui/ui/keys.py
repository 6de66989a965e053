"""One keyboard model for every screen (issue 21), the convention of Textual apps such as
Posting and Harlequin. Read this before adding a screen.

Where the focus is decides what a key does:

- **In a field** (a Textual `Input`, or a form's choice or switch: `is_field`): every
  printable key is text (a choice picks the next option starting with it; a switch ignores
  it). The field types it; what
  the field cannot use is refused in place by the screen's own check, with the field's
  message under it ("a whole number", "unknown letter 'q'"). A printable key is never a
  command there: Textual itself drops every binding whose key the focused Input would
  consume (`Input.check_consume_key`), `priority=True` ones included, so nothing is needed
  for this but a plain `Input`. Esc leaves the field (focus goes to the screen's body);
  Tab / Shift+Tab move to the next / previous field.
- **On the body** (any other widget, or none): the screen's single-key bindings work, and Esc
  does the screen's own escape (usually back).
- **Anywhere**: Ctrl and function keys (Ctrl+Q quits, F1 help, Ctrl+P the palette). `q` and
  `?` are single keys: they quit / open help only outside a field.
- **In a dialog** (a ModalScreen) Esc cancels the dialog, from its field too.

A screen takes part by binding its single-letter commands on the screen (no `priority`) and
naming its body in `BODY`, a selector of a focusable widget (a scroll pane, the heatmap, a
list). Without one, Esc leaves the focus nowhere, which also lets the screen's keys work.
One exception: Textual does not know "minus", "plus" and "slash" as printable
(`textual.keys.key_to_character` gives None), so it leaves a binding on `-`, `+` or `/` in
the footer while a field types the key; such a screen returns `not in_field(self)` from
`check_action` for that action (WritingScreen, PoemScreen, GatesScreen do). Otherwise the
footer and `?` follow by themselves: Textual's footer lists the bindings that work
with the focus where it is (the field drops the letters), and the help screen lists those
and, while a field has focus, the ones that work once Esc has left it.

Keys in the order typed: Textual hands a key to the widget focused when the App reads it,
and a Tab (or Enter, or Esc) moves the focus only once it has travelled up from that widget
to the bindings, a few message hops later. A key typed right behind it (`6 4 Tab 2` within
100 ms) would reach the old field. `KeyOrder` (a mixin for the App) holds each key until the
one before it has been handled, wherever it ends up.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input

# A key nobody reports handled (its widget went away under it) releases the next after this.
_KEY_TIMEOUT = 0.5


def typing_ahead(app: Any) -> bool:
    """Whether more typed keys wait behind the one being handled: work that follows a field
    (a recompute on every change) can wait for the last of them."""
    return bool(getattr(app, "_keys_waiting", None))


def in_field(screen: Screen) -> bool:
    """Whether printable keys are text on `screen` now: a field of a full screen has focus
    (a dialog's Esc cancels it instead of leaving its field)."""
    return is_field(screen.focused) and not isinstance(screen, ModalScreen)


def is_field(widget: Widget | None) -> bool:
    """Whether `widget` is a field: a text box, or a form's choice or switch that marks
    itself one (`TYPES_KEYS`: it takes printable keys, so none of them is a command)."""
    return isinstance(widget, Input) or bool(getattr(widget, "TYPES_KEYS", False))


def body_of(screen: Screen) -> Widget | None:
    """The widget that takes the focus when Esc leaves a field: `screen.BODY`, if any."""
    selector = getattr(screen, "BODY", None)
    if not selector:
        return None
    found = screen.query(selector)
    widget = found.first() if found else None
    return widget if widget is not None and widget.focusable else None


def leave_field(screen: Screen) -> None:
    """Move the focus from a field to `screen`'s body (or nowhere)."""
    screen.set_focus(body_of(screen))


# The App's part: Esc leaves a field before the screen's own Esc (back) is looked at.
LEAVE_FIELD = Binding("escape", "leave_field", "Leave field", id="app.leave_field",
                      priority=True, tooltip="leave the field: the screen's keys work again")


class OrderedKey(events.Key):
    """A key the App follows through the DOM until someone handles it."""

    def __init__(self, key: str, character: str | None) -> None:
        super().__init__(key, character)
        self.holder: Any = None
        """The node the key last bubbled to."""

    def _bubble_to(self, widget: Any) -> None:
        self.holder = widget
        super()._bubble_to(widget)


OrderedKey.handler_name = events.Key.handler_name  # handled as a Key (on_key, key_x methods)


class KeyOrder:
    """App mixin: each key is handled, wherever it goes, before the next one is read.

    A key is done when a widget stops it, when it reaches the App's bindings, when a priority
    binding takes it, or after `_KEY_TIMEOUT`. Keys that arrive meanwhile wait in order.
    """

    _key_in_flight: OrderedKey | None = None
    _keys_waiting: deque[events.Key]

    def _ensure_queue(self) -> deque[events.Key]:
        if "_keys_waiting" not in self.__dict__:
            self._keys_waiting = deque()
        return self._keys_waiting

    async def on_event(self, event: events.Event) -> None:
        if (isinstance(event, events.Key) and not isinstance(event, OrderedKey)
                and not event.is_forwarded):
            waiting = self._ensure_queue()
            waiting.append(event)
            if self._key_in_flight is None:
                await self._next_key()
            return
        await super().on_event(event)  # type: ignore[misc]
        if event is self._key_in_flight:  # it bubbled up to the App: its bindings have run
            await self._key_done(event)

    async def _next_key(self) -> None:
        app: Any = self
        waiting = self._ensure_queue()
        while waiting and self._key_in_flight is None:
            raw = waiting.popleft()
            key = OrderedKey(raw.key, raw.character)
            key.set_sender(app)
            self._key_in_flight = key
            await super().on_event(key)  # type: ignore[misc]
            if key is not self._key_in_flight:
                continue  # already done (handled on the way)
            if not key.is_forwarded:  # a priority binding took it
                self._key_in_flight = None
                continue
            target = app.focused or app.screen
            target.call_later(self._follow_key, key, target)
            app.set_timer(_KEY_TIMEOUT, lambda key=key: self._key_done(key))

    def _follow_key(self, key: OrderedKey, node: Any) -> None:
        """In `node`'s task, after it handled `key`: done, or follow it to where it went."""
        app: Any = self
        if key is not self._key_in_flight:
            return
        moved = key.holder is not None and key.holder is not node
        if key._stop_propagation or not moved:
            app.call_later(self._key_done, key)
        elif key.holder is not app:  # at the App, its bindings end it (on_event)
            key.holder.call_later(self._follow_key, key, key.holder)

    async def _key_done(self, key: OrderedKey) -> None:
        if key is self._key_in_flight:
            self._key_in_flight = None
            await self._next_key()

    # -- Esc leaves a field ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":
            return in_field(self.screen)  # type: ignore[attr-defined]
        return super().check_action(action, parameters)  # type: ignore[misc]

    def action_leave_field(self) -> None:
        screen = self.screen  # type: ignore[attr-defined]
        if not in_field(screen):
            raise SkipAction()
        leave_field(screen)


class Body(Vertical, can_focus=True):
    """A screen's body when it has no focusable pane of its own: it takes the focus when Esc
    leaves a field, so the screen's single keys work (and ↑ ↓ Tab go on from it)."""

    DEFAULT_CSS = """
    Body:focus {
        background-tint: $foreground 3%;
    }
    """
