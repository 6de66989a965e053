"""One form field per hyperparameter: its control, its help and range, and its error line.

The control follows the schema: a Select for choices, a Switch for booleans, an Input for
numbers. The field only shows values and errors; the hyperparameters screen validates.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch

from rnntui.architecture import CELL_NAMES
from rnntui.config import Param

_CHOICE_LABELS = {"cell": dict(CELL_NAMES)}  # shown as Keras names them


def value_text(value: Any) -> str:
    """A value as the user would type it (repr keeps 0.001 and 1e-05 exact)."""
    if value is None:  # an optional setting that is off (config.Param.optional)
        return "off"
    if isinstance(value, float):
        return repr(value)
    return str(value)


class ParamField(Vertical):
    """Name, control and allowed range on one line; help, and any error, underneath."""

    DEFAULT_CSS = """
    ParamField {
        height: auto;
        padding: 0 1 0 0;
    }
    ParamField > Horizontal {
        height: auto;
    }
    ParamField .name {
        width: 19;
        padding: 0 1 0 1;
    }
    ParamField .control {
        width: 16;
    }
    ParamField .allowed {
        width: 1fr;
        padding-left: 2;
        color: $text-muted;
    }
    ParamField Horizontal.control {
        height: 1;
    }
    ParamField Switch {
        border: none;
        height: 1;
        padding: 0;
        width: 8;
    }
    ParamField Switch:focus {
        border: none;
    }
    ParamField .help {
        padding-left: 19;
        color: $text-muted;
    }
    ParamField.-invalid .name {
        color: $text-error;
        text-style: bold;
    }
    """

    def __init__(self, param: Param, value: Any):
        super().__init__(id=f"field-{param.key}")
        self.param = param
        self.initial = value
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        param = self.param
        with Horizontal():
            yield Label(param.key, classes="name")
            yield self._control(self.initial)
            yield Static(Text(param.allowed(), style="italic"), classes="allowed")
        # Errors join the help line rather than a widget of their own: each widget costs a
        # few milliseconds to mount, and the form has a dozen fields.
        yield Static(Text(param.help), classes="help")

    def _control(self, value: Any) -> Widget:
        param, ident = self.param, f"input-{self.param.key}"
        if param.choices:
            labels = _CHOICE_LABELS.get(param.key, {})
            return ChoiceField([(labels.get(c, c), c) for c in param.choices], value=value,
                               allow_blank=False, compact=True, id=ident, classes="control")
        if param.kind is bool:
            return Horizontal(SwitchField(value=bool(value), id=ident),
                              Label(_on_off(bool(value)), classes="switch-state"),
                              classes="control")
        # Numbers and free text (the dice tables) alike: every key types (rnntui.ui.keys), and
        # what does not parse is refused under the field by the form's check.
        return Input(value_text(value), id=ident, classes="control", compact=True,
                     select_on_focus=True)

    @on(Switch.Changed)
    def _switched(self, event: Switch.Changed) -> None:
        # The words, not only the knob: a switch's position is colour alone under NO_COLOR.
        self.query_one(".switch-state", Label).update(_on_off(event.value))

    @property
    def control(self) -> Widget:
        return self.query_one(f"#input-{self.param.key}")

    @property
    def raw(self) -> Any:
        """What the user chose or typed (a string for numbers), for `Param.parse`."""
        control = self.control
        if isinstance(control, Select):
            return control.value
        if isinstance(control, Switch):
            return control.value
        assert isinstance(control, Input)
        return control.value

    def set_value(self, value: Any) -> None:
        control = self.control
        if isinstance(control, Select):
            control.value = value
        elif isinstance(control, Switch):
            control.value = bool(value)
        elif isinstance(control, Input):
            control.value = value_text(value)

    def show_error(self, message: str | None) -> None:
        if message == self.error:
            return  # every keystroke revalidates the whole form: touch only what changed
        self.error = message
        # Content parts, not markup: the message quotes what the user typed, brackets included.
        help_text = Content(self.param.help)
        if message:
            help_text = Content.assemble(help_text, "\n", (f"✗ {message}", "$text-error bold"))
        self.query_one(".help", Static).update(help_text)
        self.set_class(bool(message), "-invalid")


def _on_off(value: bool) -> str:
    return " on" if value else " off"


def _typed(character: str | None) -> bool:
    """A printable key other than space (space opens a choice and flips a switch)."""
    return character is not None and character.isprintable() and character != " "


class ChoiceField(Select):
    """A form's choice. A field in the keyboard model (rnntui.ui.keys): a printable key is
    never a command here; it picks the next option whose name starts with it, as a native
    select does (`l` on the cell: LSTM)."""

    TYPES_KEYS = True

    def __init__(self, options: list[tuple[str, Any]], **kwargs: Any):
        super().__init__(options, **kwargs)
        self.choices = list(options)  # (label, value), as given

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return _typed(character)

    def on_key(self, event: events.Key) -> None:
        if not _typed(event.character) or self.expanded:
            return
        event.stop()
        event.prevent_default()
        options = self.choices
        values = [value for _, value in options]
        start = values.index(self.value) + 1 if self.value in values else 0
        for label, value in options[start:] + options[:start]:
            if label.lower().startswith(event.character.lower()):
                self.value = value
                return
        self.app.bell()


class SwitchField(Switch):
    """A form's switch. A field in the keyboard model: space flips it, and another
    printable key does nothing (never a command)."""

    TYPES_KEYS = True

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return _typed(character)

    def on_key(self, event: events.Key) -> None:
        if _typed(event.character):
            event.stop()
            event.prevent_default()
