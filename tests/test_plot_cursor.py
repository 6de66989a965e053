"""The plot cursor: ←→ walk the epochs that have points and read each curve's exact value."""

from __future__ import annotations

from textual.app import App, ComposeResult

from rnntui.ui.columns import Points
from rnntui.ui.widgets.plots import CurvePlot, Series


class _PlotApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CurvePlot("loss", id="plot")


async def test_the_cursor_walks_epochs_and_reads_exact_values():
    app = _PlotApp()
    async with app.run_test(size=(60, 16)) as pilot:
        plot = app.query_one(CurvePlot)
        plot.show([Series("train", Points([(1, 0.9), (2, 0.5), (3, 0.25)])),
                   Series("val", Points([(2, 0.7), (3, 0.6)]))])
        plot.move_cursor(-1)  # the first press lands on the last epoch
        assert plot.cursor == 3
        assert plot.values_at(plot.cursor) == {"train": 0.25, "val": 0.6}
        plot.move_cursor(-1)
        plot.move_cursor(-1)
        plot.move_cursor(-1)  # stops at the first epoch
        assert plot.cursor == 1
        assert plot.values_at(1) == {"train": 0.9}  # val has no point there
        await pilot.pause()
        lines = [plot.render_line(y).text for y in range(plot.size.height)]
        assert any("loss" in line for line in lines)
        plot.hide_cursor()
        assert plot.cursor is None


async def test_no_curves_no_cursor():
    app = _PlotApp()
    async with app.run_test(size=(60, 16)):
        plot = app.query_one(CurvePlot)
        plot.move_cursor(1)
        assert plot.cursor is None
