"""Karpathy's saturation scatter: per unit, the fraction of steps a gate is below 0.1 (x)
against above 0.9 (y), one marker a gate, drawn with plotext through textual-plotext."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual_plotext import PlotextPlot

# A marker and a colour a gate, so gates stay apart without colour (NO_COLOR) too.
GATE_LOOK = {"i": ("i", "cyan"), "f": ("f", "red"), "o": ("o", "green"),
             "z": ("z", "magenta"), "r": ("r", "yellow")}


class SaturationPlot(PlotextPlot):
    """One layer's gates on the unit square."""

    DEFAULT_CSS = """
    SaturationPlot { height: 1fr; min-height: 8; }
    """

    def show(self, gates: Mapping[str, Mapping[str, Sequence[float]]], title: str) -> None:
        """Draw `gates` (gate → {"left": per unit, "right": per unit})."""
        plt = self.plt
        plt.clear_data()
        plt.title(title)
        plt.xlabel("fraction of steps < 0.1 (left saturated)")
        plt.ylabel("> 0.9")
        plt.xlim(0, 1)
        plt.ylim(0, 1)
        for gate, sides in gates.items():
            marker, color = GATE_LOOK.get(gate, ("dot", "default"))
            plt.scatter(list(sides["left"]), list(sides["right"]), label=gate, marker=marker,
                        color=color)
        self.refresh()
