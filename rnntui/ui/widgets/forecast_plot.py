"""The sine forecast plot: the true held-out curve against the network's forecasts.

Each curve has its own marker as well as its own colour, so the legend still tells them
apart with NO_COLOR. Curves are thinned to twice the plot's width (plotext costs ~9 µs a
point on every redraw).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual_plotext import PlotextPlot

from rnntui.ui.theme import SERIES_COLOURS

Points = list[tuple[float, float]]


def thin(xs: Sequence[float], ys: Sequence[float], limit: int) -> Points:
    """At most `limit` evenly spread points, first and last kept."""
    points = list(zip((float(x) for x in xs), (float(y) for y in ys)))
    n = len(points)
    if limit < 2 or n <= limit:
        return points
    step = (n - 1) / (limit - 1)
    return [points[round(i * step)] for i in range(limit)]


class ForecastPlot(PlotextPlot):
    """A few labelled curves over t; `drawn` holds what was handed to plotext, per label."""

    DEFAULT_CSS = """
    ForecastPlot {
        height: 1fr;
        min-height: 6;
    }
    """

    MARKERS = ("braille", "dot", "x", "hd")

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.title = ""
        self.xlabel = "t"
        self.curves: list[tuple[str, Sequence[float], Sequence[float]]] = []
        self.drawn: dict[str, Points] = {}

    def show(self, curves: Sequence[tuple[str, Sequence[float], Sequence[float]]],
             title: str = "", xlabel: str = "t") -> None:
        """Replace the curves: (label, xs, ys) each."""
        self.curves = [c for c in curves if len(c[1])]
        self.title, self.xlabel = title, xlabel
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.title(self.title)
        plt.xlabel(self.xlabel)
        limit = 2 * max(self.size.width, 20)
        self.drawn = {}
        for k, (label, xs, ys) in enumerate(self.curves):
            points = thin(xs, ys, limit)
            self.drawn[label] = points
            plt.plot([x for x, _ in points], [y for _, y in points], label=label,
                     color=SERIES_COLOURS[k % len(SERIES_COLOURS)],
                     marker=self.MARKERS[k % len(self.MARKERS)])
        self.refresh()
