"""The forecast screen (sine): the run's own held-out series (its waves and noise, or its
CSV) against the one-step forecast (each from the true window) and the free-running one (fed
its own forecasts), with both RMSEs and the baselines measured when the run trained. Typing
numbers forecasts on from that window instead."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from rnntui.play import Forecast, Play
from rnntui.play.forecast import FREE_STEPS
from rnntui.ui.screens.predict import PredictScreen
from rnntui.ui.widgets.forecast_plot import ForecastPlot
from rnntui.ui.widgets.inline_message import InlineMessage

CONTINUE_STEPS = 100  # samples a typed window is continued by


class ForecastScreen(PredictScreen):
    """One-step and free-running forecasts of the held-out series."""

    INFO = "numbers to forecast on from; empty: the held-out series"
    LABEL = "window"
    PLACEHOLDER = "e.g. 0 0.1 0.2 0.3 0.39 0.48 0.56 0.64 0.72 0.78 (empty: held-out)"
    DEFAULT_CSS = """
    ForecastScreen #predict-rmse {
        height: auto;
        padding: 0 1;
    }
    """

    @dataclass
    class Forecasted(Message, bubble=False):
        forecast: Forecast
        baselines: dict[str, float]

    @dataclass
    class WindowContinued(Message, bubble=False):
        text: str
        window: np.ndarray
        continuation: np.ndarray
        note: str

    def __init__(self, run, *, seed: int | None = None):
        super().__init__(run, seed=seed)
        self.forecast: Forecast | None = None
        self.baselines: dict[str, float] = {}

    def compose_body(self) -> ComposeResult:
        yield ForecastPlot(id="predict-plot")
        yield Static("forecasting the held-out series…", id="predict-rmse")

    def opened(self, play: Play) -> None:
        with self.reporting("could not forecast"):
            self.post_message(self.Forecasted(play.forecast(FREE_STEPS), play.baselines()))

    def on_predict_screen_opened(self, message: PredictScreen.Opened) -> None:
        super().on_predict_screen_opened(message)
        if not message.text:
            self._held_out_note()

    def _held_out_note(self) -> None:
        self.query_one(InlineMessage).note(
            f"the held-out series: {FREE_STEPS} samples after the first window")

    def on_forecast_screen_forecasted(self, message: Forecasted) -> None:
        self.forecast, self.baselines = message.forecast, message.baselines
        if not self.field.value.strip():
            self._show_forecast(message.forecast)

    def _show_forecast(self, fc: Forecast) -> None:
        self.query_one(ForecastPlot).show([
            ("true series", fc.t, fc.truth),
            ("free-running", fc.t, fc.rollout),
            ("one-step", fc.t, fc.one_step),
        ], title="held-out series", xlabel="t" if not self.run.source.data else "step")
        text = Text.assemble(
            ("free-running RMSE ", "bold"), (f"{fc.rmse_rollout:.4f}", "bold"),
            f" over {len(fc.truth)} steps (from its own forecasts)   one-step ",
            (f"{fc.rmse_one_step:.4f}", "bold"), " (each from the true window)")
        if self.baselines:
            text.append("\none-step RMSE on the whole test part, when it trained: ", "dim")
            text.append(", ".join(f"{name} {value:.4g}" for name, value in
                                  self.baselines.items()))
        self.query_one("#predict-rmse", Static).update(text)

    def typed(self, text: str) -> None:
        if text.strip():
            self._continue_window(text)
        elif self.forecast is not None:
            self._show_forecast(self.forecast)
            self._held_out_note()

    @work(thread=True, exclusive=True, group="predict", exit_on_error=False,
          description="continue the window")
    def _continue_window(self, text: str) -> None:
        with self.reporting("could not forecast", text):
            play = self.handle.get()
            encoded = play.encode(text)
            note = encoded.warning or encoded.note
            window, continuation = play.continue_window(text, CONTINUE_STEPS)
            self.post_message(self.WindowContinued(text, window, continuation, note))

    def on_forecast_screen_window_continued(self, message: WindowContinued) -> None:
        if message.text != self.field.value:
            return
        n = len(message.window)
        self.query_one(ForecastPlot).show([
            ("your window", np.arange(-n + 1, 1), message.window),
            ("network goes on", np.arange(1, len(message.continuation) + 1),
             message.continuation),
        ], title="from your window", xlabel="step")
        nxt = message.continuation[0] if len(message.continuation) else float("nan")
        self.query_one("#predict-rmse", Static).update(Text.assemble(
            ("next sample ", "bold"), (f"{nxt:.4f}", "bold"),
            f"   then {len(message.continuation) - 1} more, each from its own forecasts"))
        self.query_one(InlineMessage).note(message.note)

    def clear_answer(self) -> None:
        # The plot stays to compare with, titled as the last window read, not the field's.
        plot = self.query_one(ForecastPlot)
        if plot.curves and not plot.title.startswith("✗"):
            plot.show(plot.curves, title=f"✗ {plot.title}: the last input read, not the "
                      "field's", xlabel=plot.xlabel)
        self.query_one("#predict-rmse", Static).update(
            Text("✗ no forecast for the field's window (the plot is the last one read)",
                 style="bold"))

    def before_reload(self) -> None:
        self.forecast = None
