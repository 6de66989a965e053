"""A heatmap of units × time steps for every gate and state of one recurrent layer.

Time steps are columns, labelled by the token each step read; units are rows, one block per
gate. Above the blocks, pinned while the body scrolls, a bar per step shows the input's
influence on the last output (memory through time). The label column is pinned too, so
long inputs scroll sideways under it.

It is a Line API widget (`ScrollView`): only the rows and columns on screen are drawn, so a
2,000-step trace of a 128-unit LSTM (1.5 million cells) costs what the visible 20 × 25 cells
cost, well under a millisecond a line.

Colours come from two palettes of xterm-256 entries (so they survive a 256-colour terminal
over SSH): a sequential one for sigmoid gates (0…1) and a diverging one, blue through white
to orange, for tanh-range values. With NO_COLOR the cells carry the value in characters
instead: a sign and a shade (`-▓▓`, `+░░`, ` ··`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

CELL = 3  # columns per time step: room for a CJK character or a 3-letter word stub
# Numbers (sine's samples) take 3 columns and a space between them, or "-.5.25" runs together.
NUMBER_CELL = 4
PINNED = 4  # header row + 3 rows of influence bars
BAR_ROWS = PINNED - 1

# Sigmoid gates, 0 → 1: dark blue → teal → green → yellow (xterm 17, 24, 30, 36, 71, 149,
# 185, 228).
SEQUENTIAL = ("#00005f", "#005f87", "#008787", "#00af87", "#5faf5f", "#afd75f", "#d7d75f",
              "#ffff87")
# Tanh range, −1 → 0 → 1: blue → near-white → orange (xterm 25, 32, 74, 153, 255, 223,
# 215, 208, 166).
DIVERGING = ("#005faf", "#0087d7", "#5fafd7", "#afd7ff", "#eeeeee", "#ffd7af", "#ffaf5f",
             "#ff8700", "#d75f00")
SHADES = "·░▒▓█"  # NO_COLOR: magnitude 0 → 1
BAR_EIGHTHS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class GateBlock:
    """One gate or state of a layer, as the heatmap draws it.

    Attributes:
        name: the short name ("i", "f", "h", "candidate").
        title: what it is ("input gate").
        values: (T, units) values.
        diverging: True for tanh-range values (diverging palette around 0), False for
            sigmoid gates (sequential palette from 0 to 1).
        scale: the value drawn at full colour (1 for bounded values; the largest magnitude
            for unbounded ones such as c and a SimpleRNN's pre-activation).
    """

    name: str
    title: str
    values: np.ndarray
    diverging: bool
    scale: float = 1.0

    @property
    def label(self) -> str:
        return "h~" if self.name == "candidate" else self.name

    @property
    def range_text(self) -> str:
        if not self.diverging:
            return "0…1"
        return "−1…1" if self.scale == 1.0 else f"±{self.scale:.3g}"


def level(value: float, diverging: bool, scale: float = 1.0) -> int:
    """The palette index of `value`."""
    if not np.isfinite(value):
        return len(DIVERGING) - 1 if diverging else len(SEQUENTIAL) - 1
    if diverging:
        frac = (max(-1.0, min(1.0, value / scale)) + 1.0) / 2.0
        return int(round(frac * (len(DIVERGING) - 1)))
    frac = max(0.0, min(1.0, value / scale))
    return int(round(frac * (len(SEQUENTIAL) - 1)))


def glyphs(value: float, diverging: bool, scale: float = 1.0) -> str:
    """The NO_COLOR cell text: sign and shade for diverging values, shade for gates."""
    if not np.isfinite(value):
        return "nan"
    mag = min(1.0, abs(value) / scale)
    shade = SHADES[int(round(mag * (len(SHADES) - 1)))]
    if not diverging:
        return f"{shade * 2} "
    sign = " " if shade == SHADES[0] else ("-" if value < 0 else "+")
    return f"{sign}{shade * 2}"


@lru_cache(maxsize=64)
def _cell_style(background: str) -> Style:
    """Cell colour with a legible foreground for the cursor mark."""
    r, g, b = (int(background[i:i + 2], 16) for i in (1, 3, 5))
    dark = 0.299 * r + 0.587 * g + 0.114 * b < 140
    return Style(bgcolor=background, color="#ffffff" if dark else "#000000")


def step_label(token: str, width: int = CELL) -> str:
    """A token shortened to a column: numbers as '-.5', words cut, CJK kept."""
    text = token.replace("\n", "⏎").replace(" ", "␣")
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None and cell_len(text) > width:
        for digits in (2, 1, 0):
            short = f"{number:.{digits}f}".replace("0.", ".", 1)
            if cell_len(short) <= width:
                return short
        return "#"
    while cell_len(text) > width:
        text = text[:-1]
    return text


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _centre(text: str, width: int) -> str:
    pad = width - cell_len(text)
    left = pad // 2
    return " " * left + text + " " * (pad - left)


class GateHeatmap(ScrollView, can_focus=True):
    """Units × steps heatmaps of one layer's gates, with a step and unit cursor."""

    DEFAULT_CSS = """
    GateHeatmap {
        height: 1fr;
        width: 1fr;
        background: $surface;
    }
    GateHeatmap:focus {
        background-tint: $foreground 4%;
    }
    """

    STEP = Binding.Group("Step", compact=True)
    UNIT = Binding.Group("Unit", compact=True)
    BINDINGS = [
        Binding("left", "step(-1)", "Step back", id="heatmap.step_back", key_display="←",
                group=STEP, tooltip="move the cursor one time step back"),
        Binding("right", "step(1)", "Step on", id="heatmap.step_on", key_display="→",
                group=STEP, tooltip="move the cursor one time step forward"),
        Binding("up", "unit(-1)", "Unit up", id="heatmap.unit_up", key_display="↑",
                group=UNIT, tooltip="select the unit above, for the numbers and the check"),
        Binding("down", "unit(1)", "Unit down", id="heatmap.unit_down", key_display="↓",
                group=UNIT, tooltip="select the unit below"),
        Binding("pageup", "block(-1)", "Gate before", id="heatmap.gate_up",
                key_display="pgup", show=False, tooltip="scroll to the gate above"),
        Binding("pagedown", "block(1)", "Gate after", id="heatmap.gate_down",
                key_display="pgdn", show=False, tooltip="scroll to the gate below"),
        Binding("home", "step_to(0)", "First step", id="heatmap.first", show=False),
        Binding("end", "step_to(-1)", "Last step", id="heatmap.last", show=False),
    ]

    @dataclass
    class CursorMoved(Message):
        """The step or unit under the cursor changed."""

        heatmap: GateHeatmap
        step: int
        unit: int

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.tokens: tuple[str, ...] = ()
        self.blocks: tuple[GateBlock, ...] = ()
        self.influence: np.ndarray | None = None
        self.step = 0
        self.unit = 0
        self._rows: list[tuple[GateBlock, int]] = []  # (block, unit); unit −1: title row
        self.cell = CELL
        """Columns a step takes: CELL, or NUMBER_CELL when every token is a number."""

    # -- data --------------------------------------------------------------------------------
    @property
    def steps(self) -> int:
        return len(self.tokens)

    @property
    def units(self) -> int:
        return self.blocks[0].values.shape[1] if self.blocks else 0

    @property
    def label_width(self) -> int:
        longest = max((cell_len(b.label) for b in self.blocks), default=1)
        return max(7, longest + 1 + len(str(max(self.units, 1))) + 1)

    def show(self, tokens: Sequence[str], blocks: Sequence[GateBlock],
             influence: np.ndarray | None = None) -> None:
        """Draw new data; the cursor stays where it was when it still fits."""
        self.tokens = tuple(tokens)
        self.blocks = tuple(blocks)
        self.influence = influence
        self._rows = [(b, u) for b in self.blocks for u in range(-1, b.values.shape[1])]
        self.step = min(self.step, max(self.steps - 1, 0))
        self.unit = min(self.unit, max(self.units - 1, 0))
        self.cell = NUMBER_CELL if self.tokens and all(_is_number(t) for t in self.tokens) \
            else CELL
        self.virtual_size = Size(self.label_width + self.steps * self.cell,
                                 PINNED + len(self._rows))
        self.refresh()
        self._follow_cursor()
        self.post_message(self.CursorMoved(self, self.step, self.unit))

    def set_influence(self, influence: np.ndarray | None) -> None:
        self.influence = influence
        self.refresh()

    def clear(self) -> None:
        self.show((), ())

    # -- cursor ------------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        self.move_to(self.step + delta, self.unit)

    def action_step_to(self, step: int) -> None:
        self.move_to(step if step >= 0 else self.steps - 1, self.unit)

    def action_unit(self, delta: int) -> None:
        self.move_to(self.step, self.unit + delta)

    def action_block(self, delta: int) -> None:
        """Scroll so the next (previous) gate's title row is at the top of the body."""
        if not self._rows:
            return
        block_rows = 1 + self.units
        top = int(self.scroll_offset.y) // block_rows
        target = max(0, min(top + delta, len(self.blocks) - 1))
        self.scroll_to(y=target * block_rows, animate=False, immediate=True)

    def move_to(self, step: int, unit: int) -> None:
        if not self.steps:
            return
        step = max(0, min(step, self.steps - 1))
        unit = max(0, min(unit, self.units - 1))
        if (step, unit) == (self.step, self.unit):
            return
        unit_moved = unit != self.unit
        self.step, self.unit = step, unit
        self.refresh()
        self._follow_cursor(vertical=unit_moved)
        self.post_message(self.CursorMoved(self, step, unit))

    def _follow_cursor(self, vertical: bool = True) -> None:
        """Scroll so the cursor's column shows and, when the unit moved, its row in the
        block at the top of the view (the block the user is looking at)."""
        width = self.scrollable_content_region.width - self.label_width
        height = self.scrollable_content_region.height - PINNED
        if width <= 0 or height <= 0:
            return
        x, y = self.scroll_offset
        cell = self.cell
        left = self.step * cell
        if left < x:
            x = left
        elif left + cell > x + width:
            x = left + cell - width
        if vertical and self._rows:
            block_rows = 1 + self.units
            row = min(y, len(self._rows) - 1) // block_rows * block_rows + 1 + self.unit
            if row < y:
                y = row
            elif row >= y + height:
                y = row - height + 1
        self.scroll_to(x, y, animate=False, immediate=True)

    # -- drawing -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        # Every segment gets a style under it: Textual's NO_COLOR filter fails on None.
        return self._line(y).apply_style(self.rich_style)

    def _line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        label_w = self.label_width
        scroll_x, scroll_y = self.scroll_offset
        no_color = self.app.no_color
        if not self.blocks:
            text = "no trace yet" if y == 0 else ""
            return Strip([Segment(text)]).adjust_cell_length(width, self.rich_style)
        if y == 0:
            label, cells = self._header_row()
        elif y < PINNED:
            label, cells = self._bar_row(BAR_ROWS - y)
        else:
            index = y - PINNED + scroll_y
            if index >= len(self._rows):
                return Strip.blank(width, self.rich_style)
            block, unit = self._rows[index]
            if unit < 0:
                return self._title_row(block, width, no_color)
            label, cells = self._unit_row(block, unit, no_color)
        visible = max(width - label_w, 0)
        cell = self.cell
        first = scroll_x // cell
        last = min(self.steps, (scroll_x + visible) // cell + 1)
        segments = [Segment(segment.text.ljust(cell), segment.style) if cell > CELL
                    else segment for segment in cells(first, last)]
        strip = Strip(segments).crop(scroll_x - first * cell, scroll_x - first * cell + visible)
        if 2 <= y < PINNED:  # the label column's free rows: the steps off screen, each side
            label = self._off_screen_label(y, first, scroll_x + visible)
        head = Strip(label).adjust_cell_length(label_w, self.rich_style)
        return Strip.join([head, strip]).adjust_cell_length(width, self.rich_style)

    def off_screen(self, width: int | None = None) -> tuple[int, int]:
        """How many steps lie left and right of the view (wholly out of it)."""
        if width is None:
            width = self.scrollable_content_region.width
        visible = max(width - self.label_width, 0)
        scroll_x = int(self.scroll_offset.x)
        left = -(-scroll_x // self.cell)  # a step cut at the edge counts as shown
        right = max(0, self.steps - (scroll_x + visible) // self.cell)
        return min(left, self.steps), right

    def _off_screen_label(self, y: int, first: int, end: int) -> list[Segment]:
        left, right = self.off_screen()
        text = (f"◀{left}" if left else "") if y == 2 else (f"{right}▶" if right else "")
        return [Segment(text[:self.label_width], Style(bold=True, color="#d7af5f"))]

    def _header_row(self):
        label = [Segment("read".ljust(self.label_width), Style(dim=True))]

        def cells(first: int, last: int) -> list[Segment]:
            out = []
            for t in range(first, last):
                short = step_label(self.tokens[t])
                text = _centre(short, CELL)
                if t == self.step:
                    style = Style(bold=True, reverse=True)
                elif len(short) >= CELL and t % 2:
                    # Labels that fill their column (-.5 -.5 …) would run together as one
                    # string: every other one is dim and underlined, so each stands apart.
                    style = Style(dim=True, underline=True)
                else:
                    style = Style(bold=True)
                out.append(Segment(text, style))
            return out
        return label, cells

    def _bar_row(self, row: int):
        """Influence bars, three rows tall (row 0 is the bottom)."""
        name = "memory" if row == BAR_ROWS - 1 else ""
        label = [Segment(name.ljust(self.label_width), Style(dim=True))]
        influence = self.influence
        colour = Style(color="#5fafd7")
        cursor = Style(color="#d7af5f", bold=True)

        def cells(first: int, last: int) -> list[Segment]:
            if influence is None or len(influence) != self.steps:
                mark = "…" if row == 0 else " "
                return [Segment(_centre(mark, CELL)) for _ in range(first, last)]
            out = []
            for t in range(first, last):
                eighths = int(round(float(np.clip(influence[t], 0, 1)) * 8 * BAR_ROWS))
                fill = max(0, min(8, eighths - 8 * row))
                if row == 0 and eighths == 0:
                    bar = "▁▁"  # nothing: still show the step has a bar
                else:
                    bar = BAR_EIGHTHS[fill] * 2
                out.append(Segment(bar + " ", cursor if t == self.step else colour))
            return out
        return label, cells

    def _title_row(self, block: GateBlock, width: int, no_color: bool) -> Strip:
        """The block's name, its colour scale (low end, palette, high end) and its title."""
        palette = DIVERGING if block.diverging else SEQUENTIAL
        low = f"−{block.scale:.3g}" if block.diverging else "0"
        segments = [Segment(f"{block.label:<2} ", Style(bold=True)),
                    Segment(f"{low} ", Style(dim=True))]
        for k, colour in enumerate(palette):
            if no_color:
                frac = k / (len(palette) - 1)
                value = (2 * frac - 1) * block.scale if block.diverging else frac
                segments.append(Segment(glyphs(value, block.diverging, block.scale)[-1]))
            else:
                segments.append(Segment(" ", Style(bgcolor=colour)))
        segments.append(Segment(f" {block.scale:.3g}  ", Style(dim=True)))
        segments.append(Segment(block.title, Style(italic=True)))
        return Strip(segments).adjust_cell_length(width, self.rich_style)

    def _unit_row(self, block: GateBlock, unit: int, no_color: bool):
        digits = len(str(max(self.units, 1)))
        text = f"{block.label:<2} {unit + 1:>{digits}}"
        at_unit = unit == self.unit
        label = [Segment(text.ljust(self.label_width),
                         Style(bold=True, reverse=True) if at_unit else Style(dim=True))]
        values = block.values[:, unit]

        def cells(first: int, last: int) -> list[Segment]:
            out = []
            for t in range(first, last):
                value = float(values[t])
                at_cursor = at_unit and t == self.step
                if no_color:
                    text = glyphs(value, block.diverging, block.scale)
                    style = Style(reverse=True, bold=True) if at_cursor else Style()
                    out.append(Segment(text, style))
                else:
                    palette = DIVERGING if block.diverging else SEQUENTIAL
                    style = _cell_style(palette[level(value, block.diverging, block.scale)])
                    out.append(Segment(" ◆ " if at_cursor else "   ", style))
            return out
        return label, cells
