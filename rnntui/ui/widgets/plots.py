"""Line plots of training curves, drawn with plotext through textual-plotext."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from textual.reactive import reactive
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual_plotext import PlotextPlot

from rnntui.ui.columns import Point, Points
from rnntui.ui.curves import downsample, epoch_ticks

KEPT_POINTS = 1000  # enough for a plot 500 columns wide (it draws two points a column)


@dataclass(frozen=True)
class Series:
    """One curve: a legend label, its points, a colour and a marker.

    Markers differ between series as well as colours, so the legend still tells curves apart
    under NO_COLOR.
    """

    label: str
    points: Sequence[Point]
    color: tuple[int, int, int] | str = "default"
    marker: str = "hd"
    scatter: bool = False  # points only (not joined): e.g. one a unit, in no order


class CurvePlot(PlotextPlot):
    """A titled plot of a few curves against epochs; thins them to twice its width."""

    DEFAULT_CSS = """
    CurvePlot {
        height: 1fr;
        min-height: 5;
    }
    """

    plot_title: reactive[str] = reactive("", init=False)
    """Title drawn inside the plot frame (e.g. 'loss', 'accuracy (validation)')."""

    def __init__(self, plot_title: str = "", *, xlabel: str = "epoch", log_y: bool = False,
                 id: str | None = None, classes: str | None = None):
        """`log_y`: a logarithmic y axis whenever every value is positive. Losses fall by
        orders of magnitude; on a linear axis everything after the first epochs is flat."""
        super().__init__(id=id, classes=classes)
        self.set_reactive(CurvePlot.plot_title, plot_title)
        self.xlabel = xlabel
        self.log_y = log_y
        self.series: list[Series] = []
        self.drawn: dict[str, Points] = {}
        """The points last handed to plotext, per label (after thinning): what is on screen."""
        self._version = 0  # bumped by each draw: the rendered plot is kept until it changes
        self._strips: list[Strip] = []
        self._strips_key: tuple | None = None
        self._loaded = False  # the curves were handed to plotext and not built since
        self.cursor: float | None = None
        """The epoch the cursor stands on (a vertical line), or None: no cursor."""

    def show(self, series: Sequence[Series], title: str | None = None) -> None:
        """Replace the curves and redraw.

        A plot keeps at most KEPT_POINTS points a curve (for redraws at another width), as
        columns of floats: the whole history of a 100,000-epoch run would otherwise stay in
        memory twice.
        """
        self.series = [replace(s, points=downsample(s.points, KEPT_POINTS))
                       for s in series if len(s.points)]
        if title is not None:
            self.set_reactive(CurvePlot.plot_title, title)
        self.draw()

    def epochs(self) -> list[float]:
        """Every epoch some curve has a point at, in order: where the cursor can stand."""
        return sorted({x for s in self.series for x in s.points.xs})

    def move_cursor(self, step: int) -> None:
        """Put the cursor on the last epoch (first press), then move it `step` epochs that
        have points; it stops at either end."""
        epochs = self.epochs()
        if not epochs:
            return
        if self.cursor is None or self.cursor not in epochs:
            index = len(epochs) - 1
        else:
            index = min(max(epochs.index(self.cursor) + step, 0), len(epochs) - 1)
        self.cursor = epochs[index]
        self.draw()

    def place_cursor(self, epoch: float | None) -> None:
        """Stand the cursor on `epoch` (None: no cursor): another plot's cursor, followed."""
        if epoch != self.cursor:
            self.cursor = epoch
            self.draw()

    def hide_cursor(self) -> None:
        self.cursor = None
        self.draw()

    def values_at(self, epoch: float) -> dict[str, float]:
        """Each curve's exact value at `epoch` (from its kept points, not the thinned ones
        on screen); curves with no point there are left out."""
        out = {}
        for series in self.series:
            xs = series.points.xs
            for i, x in enumerate(xs):
                if x == epoch:
                    out[series.label] = series.points.ys[i]
                    break
        return out

    def watch_plot_title(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()  # the thinning depends on the width

    def draw(self) -> None:
        self._load()
        self._loaded = True
        self._version += 1
        self.refresh()

    def _load(self) -> None:
        """Hand the curves to plotext. Needed before every build: plotext takes the log of
        the data in place when it builds a log-scale plot, so building twice (a resize or a
        theme change with no new data) would take it twice: a wrong plot, or a crash on
        values below 1."""
        plt = self.plt
        plt.clear_data()
        log = self.log_y and bool(self.series) and min(min(s.points.ys) for s in self.series) > 0
        plt.yscale("log" if log else "linear")
        plt.title(f"{self.plot_title} (log scale)" if log else self.plot_title)
        plt.xlabel(self.xlabel)
        self._epoch_ticks()
        limit = 2 * max(self.size.width, 20)
        self.drawn = {}
        for series in self.series:
            if series.scatter:  # every point: thinning a scatter would drop units
                points = self.drawn[series.label] = series.points
                plt.scatter(list(points.xs), list(points.ys), label=series.label,
                            color=series.color, marker=series.marker)
                continue
            points = self.drawn[series.label] = downsample(series.points, limit)
            plt.plot(list(points.xs), list(points.ys), label=series.label,
                     color=series.color, marker=series.marker)
        if self.cursor is not None and self.series:
            plt.vline(self.cursor, "gray")

    def render_line(self, y: int) -> Strip:
        """A line of the plot, from strips made once per change of data, size or theme.

        Building a plotext figure, reading its ANSI back and turning that into strips
        costs ~30 ms for a plot of this size. Textual renders every widget again whenever
        the screen is redrawn (a dialog closing, say); without this cache every such key
        would wait for both plots to be rebuilt.
        """
        key = (self._version, self.size, self.app.theme, self.theme, self.visual_style)
        if self._strips_key != key:
            if not self._loaded:  # built before: plotext's copy of the data is spent
                self._load()
            self._loaded = False
            width, height = self.size
            visual = visualize(self, PlotextPlot.render(self))
            self._strips = Visual.to_strips(self, visual, width, height, self.visual_style)
            self._strips_key = key
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _epoch_ticks(self) -> None:
        """Whole-epoch ticks (plotext would label epochs 1.00, 1.25 …), about one per eight
        columns."""
        if not self.series:
            return  # nothing drawn: the axes have no ticks to set
        low = math.floor(min(min(s.points.xs) for s in self.series))
        high = math.ceil(max(max(s.points.xs) for s in self.series))
        self.plt.xticks(epoch_ticks(low, high, slots=max(2, self.size.width // 8)))
