"""Gate saturation by epoch (Karpathy, Johnson & Fei-Fei 2015): per layer, a scatter of every
unit's left (< 0.1) against right (> 0.9) saturated fraction of held-out steps, one marker a
gate; ←→ scrub the epochs the training recorded, `a` every layer at once, [ ] the layer.

The figures come from the run's `saturation.json` (rnntui.units.saturation), written at each
epoch's end while it trained; read in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from rnntui.runs import Run
from rnntui.ui.widgets.saturation_plot import SaturationPlot


def layer_title(layer: dict) -> str:
    side = f" {layer['direction']}" if "direction" in layer else ""
    return f"layer {layer['layer']}{side} {layer['kind']}"


def describe(layer: dict) -> str:
    """'f: 5/16 units mostly > 0.9, 0/16 mostly < 0.1' for each gate."""
    parts = []
    for gate, sides in layer["gates"].items():
        n = len(sides["left"])
        parts.append(f"{gate}: {sum(v > 0.5 for v in sides['right'])}/{n} mostly > 0.9, "
                     f"{sum(v > 0.5 for v in sides['left'])}/{n} mostly < 0.1")
    return "; ".join(parts) or "no gates (SimpleRNN)"


class SaturationScreen(Screen[None]):
    """Saturation of `run`'s gates, epoch by epoch."""

    DEFAULT_CSS = """
    SaturationScreen #saturation-info { height: auto; padding: 0 1; color: $text-muted; }
    SaturationScreen #saturation-plots { height: 1fr; grid-gutter: 0 1; }
    SaturationScreen #saturation-plots:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="saturation.back"),
        Binding("left", "epoch(-1)", "Epoch", id="saturation.epoch_prev", key_display="←→",
                tooltip="the epoch before (→ the next)"),
        Binding("right", "epoch(1)", "Epoch", id="saturation.epoch_next", show=False),
        Binding("left_square_bracket", "layer(-1)", "Layer", id="saturation.layer_prev",
                key_display="[]", tooltip="the layer before (] the next)"),
        Binding("right_square_bracket", "layer(1)", "Layer", id="saturation.layer_next",
                show=False),
        Binding("a", "all", "All layers", id="saturation.all",
                tooltip="every layer at once, or one at a time"),
    ]

    @dataclass
    class Loaded(Message, bubble=False):
        epochs: list
        error: str = ""

    def __init__(self, run: Run):
        super().__init__()
        self.run = run
        self.epochs: list = []
        self.index = -1
        self.layer_number = 0
        self.all_layers = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{self.run.name}: reading…", id="saturation-info")
        grid = Grid(id="saturation-plots")
        grid.can_focus = True
        yield grid
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"saturation · {self.run.name}"
        self.query_one("#saturation-plots").focus()
        self._load()

    @work(thread=True, exclusive=True, group="saturation", exit_on_error=False,
          description="read the saturation")
    def _load(self) -> None:
        from rnntui.units.saturation import SaturationError, at_epoch, read

        try:
            at_epoch(self.run.path)
            self.post_message(self.Loaded(read(self.run.path)))
        except SaturationError as exc:
            self.post_message(self.Loaded([], str(exc)))

    def on_saturation_screen_loaded(self, message: Loaded) -> None:
        if message.error:
            self.query_one("#saturation-info", Static).update(f"{self.run.name}: "
                                                              f"{message.error}")
            return
        self.epochs = message.epochs
        self.index = len(self.epochs) - 1
        self._draw()

    @property
    def recorded_layers(self) -> list:
        return self.epochs[self.index]["layers"] if self.epochs else []

    def _draw(self) -> None:
        if not self.epochs:
            return
        entry = self.epochs[self.index]
        layers = self.recorded_layers
        shown = layers if self.all_layers else layers[self.layer_number % len(layers):][:1]
        grid = self.query_one("#saturation-plots", Grid)
        grid.styles.grid_size_columns = min(len(shown), 2)
        grid.remove_children()
        plots = [SaturationPlot() for _ in shown]
        grid.mount(*plots)
        for plot, layer in zip(plots, shown):
            plot.show(layer["gates"], f"{layer_title(layer)}, epoch {entry['epoch']}")
        lines = [Text.assemble((self.run.name, "bold"),
                               f" · epoch {entry['epoch']} ({self.index + 1} of "
                               f"{len(self.epochs)} recorded) · {entry.get('steps', 0):,} "
                               f"held-out steps · measured in {entry.get('seconds', 0):.3f} s")]
        lines += [Text(f"{layer_title(layer)}: {describe(layer)}") for layer in shown]
        info = Text("\n").join(lines)
        self.query_one("#saturation-info", Static).update(info)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "epoch":
            return len(self.epochs) > 1
        if action in ("layer", "all"):
            return len(self.recorded_layers) > 1 and (action == "all" or not self.all_layers)
        return True

    def action_epoch(self, delta: int) -> None:
        self.index = (self.index + delta) % len(self.epochs)
        self._draw()

    def action_layer(self, delta: int) -> None:
        self.layer_number = (self.layer_number + delta) % len(self.recorded_layers)
        self._draw()

    def action_all(self) -> None:
        self.all_layers = not self.all_layers
        self._draw()

    def action_back(self) -> None:
        self.app.pop_screen()
