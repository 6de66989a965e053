"""The unit view: a text drawn with each step coloured by one unit's value (Karpathy's cell
view), the units ranked by how well they track a feature of the task's inputs, LSTMVis's
select and match, and ablation beside the intact network.

Keys (outside the text field): ←→ step, ↑↓ unit (in the order shown), [ ] layer (all layers
in one list once sorted by a feature), f the feature to sort by, n / p the next / previous
held-out item, a / b the start / end of a selection at the cursor, t / T the threshold,
m match, 1-9 jump to a match, x pin the unit (or the selection) to 0, / type a text, Esc
leaves the field (then goes back).

Everything is computed in one named thread worker on the NumPy mirror (`rnntui.units`); the
screen only draws what the worker posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from rnntui.runs import Run
from rnntui.ui import messages
from rnntui.ui.keys import in_field
from rnntui.ui.screens.play_screen import PlayScreen
from rnntui.ui.widgets.inline_message import InlineMessage

THRESHOLD_STEP = 0.1
TOP = 9  # matches (keys 1-9) and units listed


def value_style(value: float, scale: float = 1.0) -> Style:
    """A background for a unit's value: red above 0, blue below, white-ish near 0."""
    v = float(np.clip(value / (scale or 1.0), -1.0, 1.0))
    if v >= 0:
        rgb = (255, int(255 * (1 - v)), int(255 * (1 - v)))
    else:
        rgb = (int(255 * (1 + v)), int(255 * (1 + v)), 255)
    return Style(bgcolor=f"rgb({rgb[0]},{rgb[1]},{rgb[2]})", color="black")


def coloured(steps: tuple, values: np.ndarray, cursor: int,
             span: tuple[int, int] | None = None) -> Text:
    """The text's steps, each on the colour of its value; the cursor underlined and bold,
    a selected span overlined."""
    text = Text()
    for i, step in enumerate(steps):
        token = "⏎" if step == "\n" else (f"{step:.2f} " if isinstance(step, float) else
                                          str(step) + (" " if len(str(step)) > 1 else ""))
        style = value_style(values[i])
        if span is not None and span[0] <= i < span[1]:
            style += Style(overline=True, italic=True)
        if i == cursor:
            style += Style(bold=True, underline=True, reverse=True)
        text.append(token, style)
    return text


class UnitText(Static, can_focus=True):
    """The screen's body: the coloured text (focusable, so Esc leaves the field here)."""

    DEFAULT_CSS = """
    UnitText { height: auto; padding: 0 1; }
    UnitText:focus { background: $boost; }
    """


class UnitsScreen(PlayScreen):
    """What each unit learned, on `run`."""

    PREFIX = "units"
    BODY = "#units-text"  # the focus starts there, and Esc leaves the field for it (rnntui.ui.keys)
    DEFAULT_CSS = """
    UnitsScreen #units-body { height: 1fr; }
    UnitsScreen #units-left { width: 1fr; height: 1fr; }
    UnitsScreen #units-value { height: auto; padding: 0 1; }
    UnitsScreen #units-side-pane { width: 46; max-width: 50%; height: 1fr; padding: 0 1;
                                   background: $panel; }
    """
    BINDINGS = [
        Binding("escape", "leave", "Back", id="units.back",
                tooltip="leave the field, else back to the previous screen"),
        Binding("left", "step(-1)", "Step", id="units.step_prev", key_display="←→",
                tooltip="move along the text"),
        Binding("right", "step(1)", "Step", id="units.step_next", show=False),
        Binding("up", "unit(-1)", "Unit", id="units.unit_prev", key_display="↑↓",
                tooltip="the unit before in the order shown"),
        Binding("down", "unit(1)", "Unit", id="units.unit_next", show=False),
        Binding("left_square_bracket", "layer(-1)", "Layer", id="units.layer_prev",
                key_display="[]", tooltip="the layer before (unsorted view)"),
        Binding("right_square_bracket", "layer(1)", "Layer", id="units.layer_next",
                show=False),
        Binding("f", "feature", "Feature", id="units.feature",
                tooltip="sort the units by |r| with the next feature of the task's inputs"),
        Binding("c", "state", "h/c", id="units.state",
                tooltip="LSTM: colour by the cell c instead of h (and back)"),
        Binding("n", "item(1)", "Next item", id="units.next_item",
                tooltip="the next item of the run's held-out data"),
        Binding("p", "item(-1)", "Previous item", id="units.prev_item", show=False),
        Binding("a", "mark(0)", "Span start", id="units.span_start",
                tooltip="select: the span starts at the cursor"),
        Binding("b", "mark(1)", "Span end", id="units.span_end",
                tooltip="select: the span ends at the cursor (included)"),
        Binding("t", "threshold(1)", "Threshold", id="units.threshold_up",
                tooltip="select: raise the threshold (T lowers it)"),
        Binding("T", "threshold(-1)", "Threshold down", id="units.threshold_down",
                show=False),
        Binding("m", "match", "Match", id="units.match",
                tooltip="held-out spans whose on-units are most like the selection's"),
        *[Binding(str(k), f"jump({k})", f"Match {k}", id=f"units.jump{k}", show=False)
          for k in range(1, TOP + 1)],
        Binding("x", "ablate", "Ablate", id="units.ablate",
                tooltip="pin the unit (or the selection's units) to 0: the held-out "
                        "figures and the answer beside the intact network's"),
        Binding("s", "saturation", "Saturation", id="units.saturation",
                tooltip="gate saturation per layer, epoch by epoch"),
        Binding("slash", "edit", "Type", id="units.edit", key_display="/",
                tooltip="type a text of your own"),
    ]

    @dataclass
    class Shown(Message, bubble=False):
        """The worker read a text: its steps and the states of every unit."""

        label: str
        steps: tuple
        states: Any  # rnntui.units.states.States of this one text
        features: tuple
        answer: str

    @dataclass
    class Ranked(Message, bubble=False):
        feature: str
        ranking: Any
        lines: tuple[str, ...]

    @dataclass
    class Matched(Message, bubble=False):
        selection: Any
        matches: tuple
        lines: tuple[str, ...]

    @dataclass
    class Ablated(Message, bubble=False):
        lines: tuple[str, ...]

    def __init__(self, run: Run):
        super().__init__(run)
        self.units: Any = None  # rnntui.units.source.UnitsRun, opened by the worker
        self.steps: tuple = ()
        self.states: Any = None
        self.features: tuple = ()
        self.feature_index = -1  # -1: units in their order, no feature
        self.ranking: Any = None
        self.order: list[int] = []  # columns of the states, in the order shown
        self.position = 0  # in self.order
        self.layer_number = 0
        self.state_name = "h"
        self.cursor = 0
        self.item = 0
        self.label = ""
        self.answer = ""
        self.span_marks: list[int | None] = [None, None]
        self.threshold = 0.3
        self.selection: Any = None
        self.matches: tuple = ()
        self.side: tuple[str, ...] = ()

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield from self.compose_input(
            f"{self.run.name}: opening…", "text",
            Input(placeholder="type a text and press enter (n: the held-out items)",
                  id="units-input", compact=True))
        with Horizontal(id="units-body"):
            with Vertical(id="units-left"):
                with ScrollableContainer(can_focus=False):
                    yield UnitText(id="units-text")
                yield Static(id="units-value")
            with ScrollableContainer(id="units-side-pane", can_focus=False):
                yield Static(id="units-side")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"units · {self.run.name}"
        self.query_one(UnitText).focus()
        self._show(None)

    # -- the worker --------------------------------------------------------------------------
    def replay(self) -> None:
        # what the run lacked (a review run's word index) was given in the offered field
        self.units = None
        self._show(None)

    def _open(self) -> Any:
        from rnntui.units.source import UnitsRun

        if self.units is None:
            self.units = UnitsRun(self.handle.get())
        return self.units

    @work(thread=True, exclusive=True, group="units", exit_on_error=False,
          description="read the units")
    def _show(self, text: str | None, item: int = 0) -> None:
        """Read a typed text (None: held-out item `item`) and post every unit's states."""
        from rnntui.units.source import UnitsError

        with self.reporting("could not read the units", text):
            try:
                units = self._open()
                if text is None:
                    held = units.held_out
                    chosen = held[item % len(held)]
                    label = f"held-out item {item % len(held) + 1} of {len(held):,}"
                else:
                    chosen = units.typed(text)
                    label = "typed text"
                states = units.states([chosen])
                answer = _answer(units, chosen)
            except UnitsError as exc:
                self.post_message(self.Failed(str(exc)))
                return
            if not get_current_worker().is_cancelled:
                self.post_message(self.Shown(label, chosen.steps, states, units.features,
                                             answer))

    @work(thread=True, exclusive=True, group="units-rank", exit_on_error=False,
          description="rank the units")
    def _rank(self, feature: str) -> None:
        from rnntui.units.source import UnitsError

        with self.reporting("could not rank the units"):
            units = self._open()
            try:
                ranking = units.rank(feature)
            except UnitsError as exc:
                self.post_message(self.Failed(str(exc)))
                return
            self.post_message(self.Ranked(feature, ranking, tuple(ranking.summary(5))))

    @work(thread=True, exclusive=True, group="units-match", exit_on_error=False,
          description="match the selection")
    def _match(self, selection: Any) -> None:
        from rnntui.units.select import context, match

        with self.reporting("could not match the selection"):
            units = self._open()
            held = units.states(units.held_out, names=("h",))
            found = tuple(match(held, selection, TOP))
            lines = [f"{len(selection.units)} units on across the span; held-out spans "
                     "most like it (shared − extra):"]
            for k, m in enumerate(found, 1):
                before, inside, after = context(units.held_out[m.text].steps, m.span, 4)
                lines.append(f"{k}. {m.score:+d} item {m.text + 1}: {before}[{inside}]{after}")
            if not found:
                lines.append("no held-out span has these units on together")
            self.post_message(self.Matched(selection, found, tuple(lines)))

    @work(thread=True, exclusive=True, group="units-ablate", exit_on_error=False,
          description="ablate units")
    def _ablate(self, pinned: tuple, steps: Any) -> None:
        from rnntui.units.ablation import ablated, describe

        with self.reporting("could not ablate"):
            units = self._open()
            intact = units.held_out_figures()
            intact_answer = _answer(units, steps)
            with ablated(units.net, pinned, "zero"):
                changed = units.held_out_figures()
                changed_answer = _answer(units, steps)
            lines = [f"{describe(pinned, 'zero')}:", "held-out figures, intact → pinned:"]
            lines += [f"  {k}: {intact[k]:.4g} → {changed[k]:.4g}" for k in intact]
            lines += ["answer after this text:", f"  intact  {intact_answer}",
                      f"  pinned  {changed_answer}"]
            self.post_message(self.Ablated(tuple(lines)))

    # -- results -----------------------------------------------------------------------------
    def on_units_screen_shown(self, message: Shown) -> None:
        self.steps, self.states, self.features = message.steps, message.states, message.features
        self.label, self.answer = message.label, message.answer
        self.cursor = min(self.cursor, max(len(self.steps) - 1, 0))
        self.selection = None
        self.span_marks = [None, None]
        self.query_one(InlineMessage).clear()
        if not self.order:
            self._unsorted()
        self._draw()

    def on_units_screen_ranked(self, message: Ranked) -> None:
        if self.feature_index < 0 or self.features[self.feature_index].name != message.feature:
            return
        self.ranking = message.ranking
        column = {u: i for i, u in enumerate(self.states.units)}
        self.order = [column[r.unit] for r in message.ranking.units if r.unit in column]
        self.position = 0
        self.side = message.lines
        self._draw()

    def on_units_screen_matched(self, message: Matched) -> None:
        self.matches = message.matches
        self.side = message.lines
        self._draw()

    def on_units_screen_ablated(self, message: Ablated) -> None:
        self.side = message.lines
        self._draw()

    # -- drawing -----------------------------------------------------------------------------
    @property
    def column(self) -> int | None:
        if not self.order:
            return None
        return self.order[self.position % len(self.order)]

    def _unsorted(self) -> None:
        """Units of one layer and state, in their order."""
        if self.states is None:
            return
        cols = self.states.columns(self.state_name, self.layer_number)
        if not len(cols):
            cols = self.states.columns("h", self.layer_number)
        self.order = [int(c) for c in cols]
        self.position = min(self.position, max(len(self.order) - 1, 0))

    def _draw(self) -> None:
        info = self.query_one(f"#{self.PREFIX}-info", Static)
        column = self.column
        if self.states is None or column is None:
            return
        unit = self.states.units[column]
        values = self.states.values[:, column]
        span = self.selection.span if self.selection is not None else None
        self.query_one(UnitText).update(coloured(self.steps, values, self.cursor, span))
        layers = len({u.layer for u in self.states.units})
        feature = (self.features[self.feature_index].name if self.feature_index >= 0
                   else "unit order")
        info.update(Text.assemble((self.run.name, "bold"), f" · {self.label} · "
                                  f"{unit.words(self._both)} ({self.position + 1}/"
                                  f"{len(self.order)}, sorted by {feature}) · {layers} layer"
                                  f"{'s' if layers != 1 else ''}"))
        step = self.steps[self.cursor] if self.steps else ""
        shown = "⏎" if step == "\n" else step
        value_line = [Text.assemble((f"step {self.cursor} of {len(self.steps)}", "bold"),
                                    f": reads {shown!r}; {unit.words(self._both)} = "
                                    f"{values[self.cursor]:+.6f}")]
        other = self._other_state(unit)
        if other is not None:
            value_line.append(Text(f"   its {other[0]} = {other[1][self.cursor]:+.6f} "
                                   "(c: press c to colour by it)", style="dim"))
        if self.ranking is not None and self.feature_index >= 0:
            r = next((x.r for x in self.ranking.units if x.unit == unit), None)
            if r is not None:
                value_line.append(Text(f"r with {self.ranking.feature} = {r:+.3f} over "
                                       f"{self.ranking.steps:,} held-out steps (chance "
                                       f"{self.ranking.chance:.2f})"))
        marks = self.span_marks
        if self.selection is not None:
            value_line.append(Text(f"selected {self.selection.span[0]}:"
                                   f"{self.selection.span[1]} at threshold {self.threshold:.1f}:"
                                   f" {len(self.selection.units)} units on across it "
                                   "(m: match)"))
        elif marks[0] is not None:
            value_line.append(Text(f"span starts at step {marks[0]} (b: end it at the cursor)"))
        if self.answer:
            value_line.append(Text(f"answer after this text: {self.answer}", style="dim"))
        self.query_one("#units-value", Static).update(Group(*value_line))
        side = list(self.side) or self._top_units()
        self.query_one("#units-side", Static).update(Text("\n".join(side)))
        self.refresh_bindings()

    def _top_units(self) -> list[str]:
        if self.features:
            names = ", ".join(f.name for f in self.features)
            return [f"f sorts the units by |r| with a feature of the inputs: {names}", "",
                    "a, b: select a span at the cursor; t/T threshold; m: match; x: pin the "
                    "unit to 0"]
        return ["this task declares no features of its inputs"]

    @property
    def _both(self) -> bool:
        return self.units is not None and self.units.bidirectional

    def _other_state(self, unit: Any) -> tuple[str, np.ndarray] | None:
        other = "c" if unit.state == "h" else "h"
        for i, u in enumerate(self.states.units):
            if u.layer == unit.layer and u.direction == unit.direction and u.unit == unit.unit \
                    and u.state == other:
                return other, self.states.values[:, i]
        return None

    # -- keys --------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":  # typing already: "/" goes into the field (rnntui.ui.keys)
            return not in_field(self)
        if action in ("step", "unit", "feature", "item", "mark", "threshold", "ablate",
                      "layer", "state"):
            if self.states is None:
                return False
        if action == "layer":
            return self.feature_index < 0 and len({u.layer for u in self.states.units}) > 1
        if action == "state":
            return any(u.state == "c" for u in self.states.units)
        if action == "match":
            return self.selection is not None and len(self.selection.units) > 0
        if action == "jump":
            return bool(self.matches)
        return True

    def action_leave(self) -> None:
        if self.field.has_focus:
            self.query_one(UnitText).focus()
        else:
            self.app.pop_screen()

    def action_edit(self) -> None:
        self.field.focus()

    def action_saturation(self) -> None:
        self.post_message(messages.RunScreenAsked(self.run, "saturation"))

    def action_step(self, delta: int) -> None:
        if self.steps:
            self.cursor = (self.cursor + delta) % len(self.steps)
            self._draw()

    def action_unit(self, delta: int) -> None:
        if self.order:
            self.position = (self.position + delta) % len(self.order)
            self.side = self.side if self.ranking is not None else ()
            self._draw()

    def action_layer(self, delta: int) -> None:
        layers = sorted({u.layer for u in self.states.units})
        self.layer_number = layers[(layers.index(self.layer_number) + delta) % len(layers)]
        self.position = 0
        self._unsorted()
        self._draw()

    def action_state(self) -> None:
        column = self.column
        if column is None:
            return
        unit = self.states.units[column]
        self.state_name = "c" if unit.state == "h" else "h"
        other = self._other_state(unit)
        if other is None:
            return
        target = next(i for i, u in enumerate(self.states.units)
                      if (u.layer, u.direction, u.unit, u.state)
                      == (unit.layer, unit.direction, unit.unit, other[0]))
        if target in self.order:
            self.position = self.order.index(target)
        else:
            self._unsorted()
            self.position = self.order.index(target) if target in self.order else 0
        self._draw()

    def action_feature(self) -> None:
        if not self.features:
            self.notify("this task declares no features of its inputs", timeout=3)
            return
        self.feature_index += 1
        if self.feature_index >= len(self.features):
            self.feature_index = -1
            self.ranking = None
            self.side = ()
            self._unsorted()
            self._draw()
            return
        name = self.features[self.feature_index].name
        self.side = (f"ranking every unit by |r| with {name} over the held-out data…",)
        self._draw()
        self._rank(name)

    def action_item(self, delta: int) -> None:
        self.item += delta
        self._show(None, self.item)

    def action_mark(self, end: int) -> None:
        self.span_marks[end] = self.cursor
        self._select()

    def action_threshold(self, delta: int) -> None:
        self.threshold = round(self.threshold + delta * THRESHOLD_STEP, 2)
        self._select()

    def _select(self) -> None:
        from rnntui.units.select import select

        start, end = self.span_marks
        if start is None or end is None:
            self._draw()
            return
        if end < start:
            start, end = end, start
        h = self.states.columns("h")
        chosen = select(self.states.values[:, h], [self.states.units[i] for i in h],
                        (start, end + 1), self.threshold)
        # The selection's columns are into h-only States, as the match reads h only.
        self.selection = chosen
        self.matches = ()
        self.side = (f"{len(chosen.units)} units of h above {self.threshold:.1f} at every "
                     f"step of {start}:{end + 1}",
                     *(u.words(self._both) for u in chosen.names[:20]))
        self._draw()

    def action_match(self) -> None:
        self.side = ("matching against the held-out data…",)
        self._draw()
        self._match(self.selection)

    def action_jump(self, number: int) -> None:
        if number > len(self.matches):
            return
        found = self.matches[number - 1]
        self.item = found.text
        self.cursor = found.span[0]
        self._show(None, found.text)

    def action_ablate(self) -> None:
        from rnntui.units.ablation import Pinned

        if self.selection is not None and self.selection.units:
            names = self.selection.names
        else:
            names = (self.states.units[self.column],)
        widths: dict[tuple[int, str], int] = {}
        offset: dict[int, int] = {}
        for u in self.states.units:
            if u.state == "h" and (u.layer, u.direction) not in widths:
                widths[(u.layer, u.direction)] = offset.get(u.layer, 0)
                offset[u.layer] = offset.get(u.layer, 0) + sum(
                    1 for v in self.states.units if v.state == "h" and v.layer == u.layer
                    and v.direction == u.direction)
        pinned = tuple(sorted({Pinned(u.layer, widths[(u.layer, u.direction)] + u.unit)
                               for u in names}))
        self.side = ("pinning and measuring on the held-out data…",)
        self._draw()
        self._ablate(pinned, self._current_text())

    def _current_text(self) -> Any:
        """The shown text as the units code reads it (re-encoded by the worker)."""
        return ("typed", self.field.value) if self.label == "typed text" else ("item", self.item)

    @on(Input.Submitted, "#units-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.query_one(UnitText).focus()
        self._show(event.value)


def _answer(units: Any, text: Any) -> str:
    """The network's answer after a text, in a few words (the top 3 for a softmax head)."""
    if isinstance(text, tuple) and len(text) == 2 and text[0] in ("typed", "item"):
        text = (units.typed(text[1]) if text[0] == "typed"
                else units.held_out[text[1] % len(units.held_out)])
    out = np.asarray(units.net.forward(text.x))
    last = out[-1] if out.ndim == 2 else out
    if units.net.output_activation == "softmax":
        labels = units.play.step_labels() or []
        top = np.argsort(-last)[:3]
        names = [labels[i] if i < len(labels) else str(i) for i in top]
        if len(labels) < len(last):  # dice mode die: the dice, not the rolls
            names = [str(i) for i in top]
        return "  ".join(f"{'⏎' if n == chr(10) else n} {last[i]:.1%}"
                         for n, i in zip(names, top))
    return "  ".join(f"{v:.4g}" for v in np.ravel(last)[:3])

