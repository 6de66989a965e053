"""The forward pass of a tiny RNN by hand (seeds 002 §6 and 004), one step at a time.

A form holds the inputs and every weight (the seeds' numbers by default) and a switch for
the activation, tanh or linear; the steps below show each formula with the numbers put in:

    before = state·W_state + x·W_input + b
           = [0.0, 0.0]·[[0.1, 0.2], [0.3, 0.4]] + 1·[0.5, 0.6] + [0.1, -0.1] = [0.6, 0.5]
    state  = tanh(before) = [0.53704957, 0.46211716]
    output = state·W_out + b_out = … = 1.56128388

Every edit recomputes at once (a few microseconds); a field that does not parse, or whose
shape does not fit the others, says so beside itself and the last good steps stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static, Switch

from rnntui.explain import (SEED_B, SEED_B_OUT, SEED_INPUTS, SEED_W_INPUT, SEED_W_OUT,
                            SEED_W_STATE, FieldError, HandStep, fmt, forward_by_hand,
                            parse_numbers)
from rnntui.ui.keys import typing_ahead
from rnntui.ui.widgets.inline_message import InlineMessage
from rnntui.ui.widgets.footer import KeyFooter

# (field id, label, the name forward_by_hand's messages use, the seed's value)
FIELDS: tuple[tuple[str, str, str, Any], ...] = (
    ("inputs", "inputs", "inputs", SEED_INPUTS),
    ("w_state", "W_state", "W_state", SEED_W_STATE),
    ("w_input", "W_input", "W_input", SEED_W_INPUT),
    ("b", "b", "b", SEED_B),
    ("w_out", "W_out", "W_out", SEED_W_OUT),
    ("b_out", "b_out", "b_out", SEED_B_OUT),
)
FIELD_HINTS = {
    "inputs": "one number per step",
    "w_state": "units × units; rows split by ;",
    "w_input": "one per unit",
    "b": "one per unit",
    "w_out": "one per unit",
    "b_out": "a number",
}


def shown(value: Any) -> str:
    """A seed value as the form shows it: `1, 2`, `0.1 0.2; 0.3 0.4`, `0.1`."""
    if isinstance(value, (int, float)):
        return str(value)
    if value and isinstance(value[0], (list, tuple)):
        return "; ".join(" ".join(str(v) for v in row) for row in value)
    separator = ", " if all(isinstance(v, int) for v in value) else " "
    return separator.join(str(v) for v in value)


def field_of(message: str) -> str | None:
    """Which field a forward_by_hand error is about, from the name it starts with."""
    for field_id, _, name, _ in sorted(FIELDS, key=lambda f: -len(f[2])):
        if message.startswith(name + " ") or message.startswith(name + ":"):
            return field_id
    if message.startswith("the initial state"):
        return "w_state"
    return None


def _aligned(text: str, lines: int) -> list[str]:
    """'name = formula = numbers = result' broken before its later equals signs, into at
    most `lines` lines, the way a hand calculation is written down."""
    name, _, rest = text.partition(" = ")
    parts = rest.split(" = ")
    indent = " " * len(name)
    head, tail = parts[0], parts[1:]
    if lines < 3 and len(tail) > 1:
        tail = [" = ".join(tail)]
    return [f"{name} = {head}"] + [f"{indent} = {part}" for part in tail]


def step_view(step: HandStep, total: int) -> Group:
    """One step's formulas, numbers substituted, one equals sign a line."""
    head = Text.assemble((f"step {step.t + 1} of {total}", "bold"), f" (t = {step.t}): ",
                         ("x", "bold"), f" = {fmt(step.x)}, state before = {fmt(step.state_in)}")
    lines = [head]
    lines += [Text(line) for line in _aligned(step.before_text, 3)]
    lines.append(Text(f"  where {step.parts_text}", style="dim"))
    lines.append(Text(step.state_text))
    lines += [Text(line) for line in _aligned(step.output_text, 2)]
    return Group(*lines)


# Rows of the steps table around the current step: a table of every step costs ~1 ms a row
# to lay out, on each key typed (300 values: a third of a second a key, and the app falls
# behind the typing).
TABLE_ROWS = 21


def steps_table(steps: Sequence[HandStep], current: int, rows: int = TABLE_ROWS) -> Group:
    """The steps around `current` as a table, and how many more there are either side."""
    start = max(0, min(current - rows // 2, len(steps) - rows))
    shown = steps[start:start + rows]
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, pad_edge=False,
                  header_style="bold underline")
    for name in ("t", "x", "before", "state", "output"):
        table.add_column(name, no_wrap=True, justify="right" if name in "tx" else "left")
    for step in shown:
        table.add_row(str(step.t), fmt(step.x), fmt(step.before), fmt(step.state),
                      fmt(step.output), style="reverse bold" if step.t == current else None)
    parts: list[Any] = []
    if start:
        parts.append(Text(f"… {start} earlier step{'s' if start != 1 else ''} (b / ←)",
                          style="dim"))
    parts.append(table)
    after = len(steps) - start - len(shown)
    if after:
        parts.append(Text(f"… {after} later step{'s' if after != 1 else ''} (n / →)",
                          style="dim"))
    return Group(*parts)


class ExplainScreen(Screen[None]):
    """Inputs and weights in a form; the forward pass worked out step by step below."""

    HELP_TITLE = "forward pass by hand"
    BODY = "#explain-steps-pane"  # Esc leaves a field for it (rnntui.ui.keys)
    DEFAULT_CSS = """
    ExplainScreen #explain-intro {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    ExplainScreen .field-row {
        height: 1;
        padding: 0 1;
    }
    ExplainScreen .field-row > Label {
        width: 11;
        color: $text-accent;
    }
    ExplainScreen .field-row > Input {
        width: 26;
        margin-right: 1;
    }
    ExplainScreen .field-row > InlineMessage {
        width: 1fr;
        height: 1;
    }
    ExplainScreen #explain-activation {
        border: none;
        height: 1;
        padding: 0;
        margin-right: 1;
    }
    ExplainScreen #explain-activation-name {
        width: 1fr;
        color: $text;
    }
    ExplainScreen #explain-steps-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-style: bold;
    }
    ExplainScreen #explain-steps-title.-refused {
        color: $text-error;
    }
    ExplainScreen #explain-steps-pane {
        height: 1fr;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="explain.back",
                tooltip="back to the previous screen"),
        Binding("n", "step(1)", "Next step", id="explain.next",
                tooltip="show the next time step (also → outside the fields)"),
        Binding("b", "step(-1)", "Step back", id="explain.back_step",
                tooltip="show the previous time step (also ← outside the fields)"),
        Binding("right", "step(1)", "Next step", id="explain.next_arrow", show=False),
        Binding("left", "step(-1)", "Step back", id="explain.back_arrow", show=False),
        Binding("ctrl+r", "reset", "Seed's numbers", id="explain.reset",
                tooltip="put the seeds' inputs and weights back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[HandStep] = []
        self.current = 0
        self.errors: dict[str, str] = {}
        """Field id → what is wrong with it, for every field that is refused now."""
        self._stale = False  # typed into while keys were queued: recompute when they end

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("a 2-unit RNN by hand (seeds 002 §6, 004): edit a number; "
                     "esc, then n / b step", id="explain-intro")
        for field_id, label, _, value in FIELDS:
            with Horizontal(classes="field-row"):
                yield Label(label)
                yield Input(shown(value), id=f"explain-{field_id}", compact=True,
                            select_on_focus=False)
                yield InlineMessage(id=f"explain-{field_id}-message")
        with Horizontal(classes="field-row"):
            yield Label("activation")
            yield Switch(True, id="explain-activation")
            yield Static("tanh (space: linear)", id="explain-activation-name")
        yield Static("steps: n next, b back (outside a field)", id="explain-steps-title")
        with VerticalScroll(id="explain-steps-pane", can_focus=True):
            yield Static(id="explain-steps")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "forward pass by hand"
        for field_id, *_ in FIELDS:
            self.query_one(f"#explain-{field_id}-message", InlineMessage).note(
                FIELD_HINTS[field_id])
        self.query_one("#explain-inputs", Input).focus()
        self.recompute()

    # -- computing ---------------------------------------------------------------------------
    @property
    def activation(self) -> str:
        return "tanh" if self.query_one("#explain-activation", Switch).value else "linear"

    def recompute(self) -> None:
        """Read the form; show the steps, or say which field is wrong and keep the last."""
        self._stale = False
        values: dict[str, Any] = {}
        errors: dict[str, tuple[str, int | None]] = {}
        for field_id, *_ in FIELDS:
            text = self.query_one(f"#explain-{field_id}", Input).value
            try:
                values[field_id] = parse_numbers(text)
            except FieldError as exc:
                errors[field_id] = (str(exc), exc.position)
        steps = None
        if not errors:
            inputs = values["inputs"]
            if not isinstance(inputs, list):
                inputs = [inputs]  # one step
            try:
                steps = forward_by_hand(inputs, values["w_state"], values["w_input"],
                                        values["b"], values["w_out"], values["b_out"],
                                        activation=self.activation)
            except ValueError as exc:
                errors[field_of(str(exc)) or "inputs"] = (str(exc), None)
            except Exception as exc:  # numbers NumPy cannot combine: a message, never a crash
                errors["inputs"] = (f"cannot compute this: {type(exc).__name__}: {exc}", None)
        self._show_errors(errors)
        if steps is not None:
            self.steps = steps
            self.current = min(self.current, len(steps) - 1)
            self._draw_steps()

    def _show_errors(self, errors: dict[str, tuple[str, int | None]]) -> None:
        self.errors = {field: message for field, (message, _) in errors.items()}
        for field_id, *_ in FIELDS:
            message = self.query_one(f"#explain-{field_id}-message", InlineMessage)
            if field_id in errors:
                text, position = errors[field_id]
                message.error(text if position is None else f"{text} (character {position + 1})")
            else:
                message.note(FIELD_HINTS[field_id])
        title = self.query_one("#explain-steps-title", Static)
        title.set_class(bool(errors), "-refused")
        title.update("✗ a field is refused: these are the last good steps" if errors
                     else "steps: n next, b back (outside a field)")

    def _draw_steps(self) -> None:
        if not self.steps:
            return
        step = self.steps[self.current]
        self.query_one("#explain-steps", Static).update(Group(
            step_view(step, len(self.steps)),
            steps_table(self.steps, self.current),
        ))

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        if typing_ahead(self.app):  # a burst of keys: compute once, for the last of them
            self._stale = True
            self.set_timer(0.1, self._recompute_if_stale)
            return
        self.recompute()

    def _recompute_if_stale(self) -> None:
        if self._stale and not typing_ahead(self.app):
            self.recompute()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    @on(Switch.Changed, "#explain-activation")
    def _switched(self, event: Switch.Changed) -> None:
        other = "linear" if event.value else "tanh"
        self.query_one("#explain-activation-name", Static).update(
            f"{self.activation} (space: {other})")
        self.recompute()

    # -- keys --------------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        if not self.steps:
            return
        self.current = max(0, min(self.current + delta, len(self.steps) - 1))
        self._draw_steps()

    def action_reset(self) -> None:
        for field_id, _, _, value in FIELDS:
            field = self.query_one(f"#explain-{field_id}", Input)
            with field.prevent(Input.Changed):
                field.value = shown(value)
        switch = self.query_one("#explain-activation", Switch)
        with switch.prevent(Switch.Changed):
            switch.value = True
        self.query_one("#explain-activation-name", Static).update("tanh (space: linear)")
        self.current = 0
        self.recompute()

    def action_back(self) -> None:
        self.app.pop_screen()
