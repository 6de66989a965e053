"""The gate inspector: every gate and state of a trained network for an input the user types.

A heatmap of units × time steps per gate (i, f, g, o, c, h for an LSTM; z, r, candidate, h for
a GRU; pre and h for a SimpleRNN), the exact numbers of the step under the cursor, and the
cell's own equation checked with those numbers for the selected unit (c_t = f·c_{t−1} + i·g).
Bars above the heatmap show how much the last output depends on each step: a SimpleRNN's
fade within a few steps, an LSTM's reach much further back.

Keys: type, enter to inspect; ←/→ step, ↑/↓ unit, [ and ] layer, d direction, / edit.
The trace and the influence come from a thread worker (the NumPy mirror: about a millisecond
for short inputs, tens of milliseconds for 2,000-step ones), so typing never waits on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from rnntui.nn import InputInfluence, LayerTrace, Trace
from rnntui.play import Encoded
from rnntui.runs import Run
from rnntui.ui import messages
from rnntui.ui.screens.play_screen import PlayScreen
from rnntui.ui.widgets.heatmap import GateBlock, GateHeatmap
from rnntui.ui.widgets.inline_message import InlineMessage
from rnntui.ui.widgets.footer import KeyFooter

SIGMOID_GATES = frozenset({"i", "f", "o", "z", "r"})
UNBOUNDED = frozenset({"c", "pre"})  # coloured against their own largest magnitude
GATE_TITLES = {
    "LSTM": {"i": "input gate", "f": "forget gate", "g": "candidate", "o": "output gate",
             "c": "cell state", "h": "output o·tanh(c)"},
    "GRU": {"z": "update gate", "r": "reset gate", "candidate": "candidate",
            "h": "state z·h+(1−z)·h~"},
    "SimpleRNN": {"pre": "before tanh", "h": "state tanh(pre)"},
}


def gate_blocks(layer: LayerTrace, direction: str) -> list[GateBlock]:
    """The heatmap blocks of one direction of a layer, in the trace's gate order."""
    titles = GATE_TITLES.get(layer.kind, {})
    blocks = []
    for name, values in layer.gates[direction].items():
        values = np.asarray(values, dtype=np.float64)
        diverging = name not in SIGMOID_GATES
        scale = 1.0
        if name in UNBOUNDED and values.size:
            peak = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
            scale = max(1.0, peak)
        blocks.append(GateBlock(name, titles.get(name, name), values, diverging, scale))
    return blocks


def fit5(value: float) -> str:
    """A number in five cells: '+.912', '-.457', '12.34', '-1e+3'."""
    if not np.isfinite(value):
        return f"{value:>5}"[:5]
    if abs(value) < 1:
        text = f"{value:+.3f}".replace("0.", ".", 1)
        return "+.000" if text == "-.000" else text
    for digits in (2, 1, 0):
        text = f"{value:.{digits}f}"
        if len(text) <= 5:
            return text.rjust(5)
    return f"{value:.0e}".replace("e+0", "e+").rjust(5)[:5]


def _n(value: float) -> str:
    """A number inside an equation: 4 decimals, negatives in brackets."""
    text = f"{value:.4f}"
    return f"({text})" if value < 0 else text


def equation(layer: LayerTrace, direction: str, step: int, unit: int) -> list[Text]:
    """The cell's update for one unit at one step, with its numbers, checked against the trace.

    A backward direction reads right to left, so its previous state is at step + 1.
    """
    gates = layer.gates[direction]
    back = direction == "backward"
    prev = step + 1 if back else step - 1
    prev_name = "(t+1)" if back else "(t−1)"
    steps = len(next(iter(gates.values())))

    def value(name: str, t: int) -> float:
        return float(gates[name][t, unit]) if 0 <= t < steps else 0.0

    lines: list[Text] = []

    def check(label: str, formula: str, numbers: str, got: float, want: float) -> None:
        ok = abs(got - want) <= 1e-6 * max(1.0, abs(want))
        lines.append(Text.assemble((label, "bold"), f" = {formula}"))
        mark = ("✓", "bold green") if ok else ("✗ trace says " + f"{want:.6f}", "bold red")
        lines.append(Text.assemble(f"  = {numbers}", "\n", f"  = {got:.6f} ", mark))

    if layer.kind == "LSTM":
        f, i, g, o = (value(n, step) for n in "figo")
        c_prev, c, h = value("c", prev), value("c", step), value("h", step)
        c_new = f * c_prev + i * g
        check("c_t", f"f·c_{prev_name} + i·g", f"{_n(f)}×{_n(c_prev)} + {_n(i)}×{_n(g)}",
              c_new, c)
        check("h_t", "o·tanh(c_t)", f"{_n(o)}×tanh({c:.4f})", o * np.tanh(c), h)
    elif layer.kind == "GRU":
        z, cand, h = value("z", step), value("candidate", step), value("h", step)
        h_prev = value("h", prev)
        check("h_t", f"z·h_{prev_name} + (1−z)·h~", f"{_n(z)}×{_n(h_prev)} + "
              f"{_n(1 - z)}×{_n(cand)}", z * h_prev + (1 - z) * cand, h)
    elif layer.kind == "SimpleRNN":
        pre, h = value("pre", step), value("h", step)
        check("h_t", "tanh(pre_t)", f"tanh({pre:.4f})", float(np.tanh(pre)), h)
    if not 0 <= prev < steps:
        lines.append(Text(f"  {prev_name} is before the first step: 0", style="dim"))
    return lines


def step_table(layer: LayerTrace, direction: str, step: int, unit: int) -> Table:
    """Every unit's value of every gate at one step (the selected unit marked ▶)."""
    gates = layer.gates[direction]
    table = Table(box=None, padding=(0, 0, 0, 1), show_edge=False, pad_edge=False)
    table.add_column("unit", justify="right", no_wrap=True, style="dim")
    for name in gates:
        table.add_column("h~" if name == "candidate" else name, justify="right", no_wrap=True)
    for u in range(layer.units):
        cells = [fit5(float(gates[name][step, u])) for name in gates]
        marker = "▶" if u == unit else " "
        table.add_row(f"{marker}{u + 1}", *cells,
                      style="bold reverse" if u == unit else None)
    return table


class GatesScreen(PlayScreen):
    """Inside a trained run: gates and states per step for a typed input."""

    HELP_TITLE = "gates"
    BODY = "#gates-heatmap"  # Esc leaves the field for it (rnntui.ui.keys)
    PREFIX = "gates"
    DEFAULT_CSS = """
    GatesScreen #gates-body {
        height: 1fr;
    }
    GatesScreen #gates-numbers-pane {
        width: 44;
        max-width: 55%;
        height: 1fr;
        padding: 0 1;
        background: $panel;
        overflow-x: auto;
        overflow-y: auto;
    }
    GatesScreen #gates-numbers {
        width: auto;
    }
    """

    LAYER = Binding.Group("Layer", compact=True)
    BINDINGS = [
        Binding("escape", "back", "Back", id="gates.back", tooltip="back to the previous screen"),
        Binding("left_square_bracket", "layer(-1)", "Layer before", id="gates.layer_prev",
                key_display="[", group=LAYER,
                tooltip="show the layer before (nearer the input)"),
        Binding("right_square_bracket", "layer(1)", "Layer after", id="gates.layer_next",
                key_display="]", group=LAYER,
                tooltip="show the next layer (nearer the output)"),
        Binding("d", "direction", "Direction", id="gates.direction",
                tooltip="bidirectional layers: show the forward or the backward reading"),
        Binding("slash", "edit", "Edit", id="gates.edit", key_display="/",
                tooltip="type another input"),
        Binding("ctrl+t", "units", "Units", id="gates.units", key_display="^t",
                tooltip="what each unit learned: text coloured by a unit, units ranked"),
        Binding("ctrl+r", "reload", "Reload", id="gates.reload", show=False,
                tooltip="read the newest checkpoint (while the run trains)"),
    ]

    @dataclass
    class Traced(Message, bubble=False):
        """The worker traced `text`; influence follows in Measured."""

        text: str
        encoded: Encoded
        trace: Trace
        chosen: bool = False  # the screen picked the text: put it in the input

    @dataclass
    class Measured(Message, bubble=False):
        text: str
        influence: InputInfluence

    def __init__(self, run: Run):
        super().__init__(run)
        self.encoded: Encoded | None = None
        self.trace: Trace | None = None
        self.influence: InputInfluence | None = None
        self.shown_text: str | None = None
        self.layer_index = 0
        self.direction_index = 0

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield from self.compose_input(
            f"{self.run.name}: opening…", "input",
            Input(placeholder="type an input for the network, enter to inspect",
                  id="gates-input", compact=True))
        with Horizontal(id="gates-body"):
            yield GateHeatmap(id="gates-heatmap")
            with ScrollableContainer(id="gates-numbers-pane", can_focus=False):
                yield Static(id="gates-numbers")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"gates · {self.run.name}"
        # The heatmap first: its arrows, the layer keys and help work at once; / edits.
        self.query_one(GateHeatmap).focus()
        self._trace(None)

    # -- computing ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="gates", exit_on_error=False,
          description="trace the gates")
    def _trace(self, text: str | None) -> None:
        """Open the run (first time), trace `text` (None: a default input), then measure."""
        worker = get_current_worker()
        post = self.post_message
        with self.reporting("could not trace this input", text):
            play = self.handle.get()
            chosen = text is None
            if text is None:
                text = play.default_text()
            self.handle.need()
            encoded, trace = play.gates(text)
            if worker.is_cancelled:
                return
            post(self.Traced(text, encoded, trace, chosen))
            _, influence = play.influence(text)
            if not worker.is_cancelled:
                post(self.Measured(text, influence))

    def replay(self) -> None:
        self._trace(self.field.value or None)

    def _set_input(self, text: str) -> None:
        field = self.field
        with field.prevent(Input.Changed):
            field.value = text

    @on(Input.Changed, "#gates-input")
    def _typed(self, event: Input.Changed) -> None:
        self._trace(event.value)

    @on(Input.Submitted, "#gates-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.trace is not None:
            self.query_one(GateHeatmap).focus()

    # -- results -----------------------------------------------------------------------------
    def on_gates_screen_traced(self, message: Traced) -> None:
        if message.chosen:
            self._set_input(message.text)
        elif message.text != self.field.value:
            return  # an older worker finished late: a newer input is on its way
        if message.text != self.shown_text:
            self.influence = None  # the bars of the old input would mislead: wait for new ones
        self.encoded, self.trace = message.encoded, message.trace
        self.shown_text = message.text
        self.layer_index = min(self.layer_index, max(len(message.trace.layers) - 1, 0))
        self.query_one(InlineMessage).note(message.encoded.note)
        self._draw()

    def on_gates_screen_measured(self, message: Measured) -> None:
        if message.text != self.shown_text:
            return
        self.influence = message.influence
        self.query_one(GateHeatmap).set_influence(message.influence.normalised)
        self._draw_numbers()

    def clear_answer(self) -> None:
        # The heatmap stays to be explored, marked as the last input read, not this one.
        if self.shown_text is not None:
            self.query_one("#gates-info", Static).update(Text.assemble(
                ("✗ still showing ", "bold"), (repr(self.shown_text), "bold"),
                ", the last input read (the field's is refused)"))

    def on_play_screen_failed(self, message: PlayScreen.Failed) -> None:
        # PlayScreen's handler shows the message; this one says the view is empty
        if self.trace is None:
            self.query_one("#gates-info", Static).update(f"{self.run.name}: nothing to show")

    # -- drawing -----------------------------------------------------------------------------
    @property
    def layer(self) -> LayerTrace | None:
        if self.trace is None or not self.trace.layers:
            return None
        return self.trace.layers[self.layer_index]

    @property
    def direction(self) -> str:
        layer = self.layer
        if layer is None:
            return "forward"
        return layer.directions[min(self.direction_index, len(layer.directions) - 1)]

    def _draw(self) -> None:
        layer, encoded = self.layer, self.encoded
        heatmap = self.query_one(GateHeatmap)
        if layer is None or encoded is None:
            heatmap.clear()
            return
        influence = self.influence.normalised if self.influence is not None else None
        heatmap.show(encoded.tokens, gate_blocks(layer, self.direction), influence)
        self._draw_info()
        self.refresh_bindings()

    def _draw_info(self) -> None:
        layer, trace = self.layer, self.trace
        if layer is None or trace is None:
            return
        parts = [f"layer {self.layer_index + 1}/{len(trace.layers)} {layer.kind}({layer.units})"]
        if len(layer.directions) > 1:
            parts.append(f"{self.direction} ({self.direction_index + 1}/{len(layer.directions)})")
        parts.append(f"{trace.steps} step{'s' * (trace.steps != 1)}")
        self.query_one("#gates-info", Static).update(
            Text.assemble((self.run.name, "bold"), " · ", " · ".join(parts)))

    def on_gate_heatmap_cursor_moved(self, message: GateHeatmap.CursorMoved) -> None:
        self._draw_numbers()

    @staticmethod
    def _off_screen_text(heatmap: GateHeatmap) -> list[Text]:
        left, right = heatmap.off_screen()
        if not (left or right):
            return []
        sides = [f"{left} before ◀" if left else "", f"{right} after ▶" if right else ""]
        return [Text(f"steps off screen: {', '.join(s for s in sides if s)} "
                     "(←→ scroll to them, Home/End: first/last)", style="dim")]

    def _draw_numbers(self) -> None:
        layer, encoded = self.layer, self.encoded
        target = self.query_one("#gates-numbers", Static)
        heatmap = self.query_one(GateHeatmap)
        if layer is None or encoded is None or not encoded.tokens:
            target.update("")
            return
        step, unit = heatmap.step, heatmap.unit
        token = encoded.tokens[step].replace("\n", "⏎")
        parts: list = [
            Text.assemble((f"step {step + 1} of {len(encoded.tokens)}", "bold"),
                          f": read {token!r}"),
            *self._off_screen_text(heatmap),
            Text.assemble((f"unit {unit + 1} of {layer.units}", "bold"), " (↑↓)"),
        ]
        parts.extend(equation(layer, self.direction, step, unit))
        if self.influence is not None and step < len(self.influence.norms):
            parts.append(Text.assemble(
                ("memory", "bold"), f" ‖∂y_T/∂x_t‖ = {self.influence.norms[step]:.3g},",
                f" {self.influence.normalised[step]:.2f} of the largest"))
        else:
            parts.append(Text("memory: measuring…", style="dim"))
        parts.append(Text(""))
        parts.append(step_table(layer, self.direction, step, unit))
        # The table must not be squeezed: unit column, 6 cells a gate, padding, scrollbar.
        width = max(38, 5 + 6 * len(layer.gates[self.direction]))
        self.query_one("#gates-numbers-pane").styles.width = width + 4
        target.update(Group(*parts))

    # -- keys --------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "layer":
            # None, not False: shown (dimmed, "not now" in ?) so a learner knows the keys
            return True if self.trace is not None and len(self.trace.layers) > 1 else None
        if action == "direction":
            layer = self.layer
            return True if layer is not None and len(layer.directions) > 1 else None
        if action == "edit":  # typing already: "/" goes into the field
            return not self.field.has_focus
        return True

    def action_layer(self, delta: int) -> None:
        if self.trace is None or not self.trace.layers:
            return
        self.layer_index = (self.layer_index + delta) % len(self.trace.layers)
        self._draw()

    def action_direction(self) -> None:
        layer = self.layer
        if layer is None:
            return
        self.direction_index = (self.direction_index + 1) % len(layer.directions)
        self._draw()

    def action_edit(self) -> None:
        self.field.focus()

    def action_units(self) -> None:
        self.post_message(messages.RunScreenAsked(self.run, "units"))

    def action_reload(self) -> None:
        self.handle.reload()
        self._trace(self.field.value)
        self.notify("reading the newest checkpoint", timeout=2)
