"""The learned 2-d embedding of a letter task (embed4) as a scatter of its letters: seed
000 §4.4 says the embedding orders the alphabet, and this is where it can be seen."""

from __future__ import annotations

from textual_plotext import PlotextPlot


class EmbeddingPlot(PlotextPlot):
    """Each letter drawn at its 2-d embedding; `drawn` holds the points handed to plotext."""

    DEFAULT_CSS = """
    EmbeddingPlot {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.drawn: list[tuple[str, float, float]] = []

    def show(self, points: list[tuple[str, float, float]]) -> None:
        """Draw `points` (letter, x, y)."""
        self.drawn = list(points)
        plt = self.plt
        plt.clear_data()
        if points:
            xs = [x for _, x, _ in points]
            ys = [y for _, _, y in points]
            plt.scatter(xs, ys, marker=" ")  # the letters themselves are the markers
            for letter, x, y in points:
                plt.text(letter, x, y)
        plt.title("the learned 2-d letter embedding")
        self.refresh()
