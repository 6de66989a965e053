"""A SelectionList whose boxes read ticked or not without colour."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist


class TickList(SelectionList[str]):
    """Textual draws the same `X` in every box and tells a ticked one by its colour alone,
    so under NO_COLOR (or a monochrome terminal) every run looked ticked. Here an unticked
    box is empty."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        if option.value in self.selected:
            return line
        segments = list(line)
        # The box is [left side, inner mark, right side, space, prompt…] (Textual 8).
        if len(segments) > 1 and segments[1].text.strip():
            mark = segments[1]
            segments[1] = Segment(" " * len(mark.text), mark.style, mark.control)
        return Strip(segments, line.cell_length)
