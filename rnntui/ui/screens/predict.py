"""The playground of a trained run: type an input, see what the network makes of it.

One screen, a face per play kind the task declares (`Task.play_input(hp).kind`):

- letters: the five most likely next letters as bars, updated as you type; enter continues
  the sequence with `length` letters sampled at `temperature` (0: always the most likely).
- sequence: the network's answer for the whole typed sequence as bars, and a warning when
  its length is not the one it was trained on.
- poem: the most likely next characters; enter writes a poem after the typed first line,
  streamed character by character from a thread worker; typing again cancels it.
- forecast: the true held-out curve against the one-step and the free-running forecasts,
  with both RMSEs; typing numbers forecasts on from that window instead.
- review: P(positive) of a typed review, with the words the network cannot know (out of
  its vocabulary) highlighted. The word index is the run's copy or Keras's cached one;
  when neither is there the screen says so and what to do.

Every face names what the run was trained on, and warns when the input does not match it.

All network work runs in thread workers on the NumPy mirror: a letter prediction takes well
under a millisecond, a 300-sample free-running forecast of two LSTM(30) layers ~0.2 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from rnntui.play import TEMPERATURE_KEYS_MAX as TEMPERATURE_MAX
from rnntui.play import LENGTHS, Forecast, ForecastPlay
from rnntui.runs import Run
from rnntui.tasks import get_task
from rnntui.tasks.corpus import END, LINE_ENDS, poem_lines
from rnntui.ui.screens.play_screen import PlayScreen
from rnntui.ui.widgets.embedding_plot import EmbeddingPlot
from rnntui.ui.widgets.forecast_plot import ForecastPlot
from rnntui.ui.widgets.inline_message import InlineMessage
from rnntui.ui.widgets.command_input import CommandInput
from rnntui.ui.widgets.probability_bars import ProbabilityBars

FORECAST_STEPS = 300  # held-out samples forecast (of 990); the plot shows them all
CONTINUE_STEPS = 100  # samples a typed window is continued by
WRITES = tuple(LENGTHS)  # the kinds with a temperature and a length (rnntui.play.LENGTHS)
BARS = ("letters", "sequence", "poem")  # the kinds that show the likeliest next tokens
_BREAK_AFTER = frozenset("，。？！；")  # a new line after these in a Chinese poem


def continue_window(play: ForecastPlay, text: str, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """A typed sine window and the network's free-running continuation of it (see
    `ForecastPlay.continue_window`)."""
    return play.continue_window(text, steps)


def poem_text(seed: str, tokens: Sequence[str], separator: str = "") -> Text:
    """The seed line and what the network wrote after it, broken into lines after Chinese
    punctuation; the end-of-poem token shows as ⏎."""
    text = Text()
    text.append(seed, style="bold")
    ended = False
    previous = seed[-1:] if seed else ""
    for token in tokens:
        if token == END:
            ended = True
            break
        if previous in _BREAK_AFTER:
            text.append("\n")
        text.append(separator + token if separator and previous else token)
        previous = token
    if ended:
        text.append(" ⏎", style="dim")
    return text


class PredictScreen(PlayScreen):
    """Prediction, generation, forecasts or sentiment, as the run's task has it."""

    HELP_TITLE = "predict"
    PREFIX = "predict"
    token_pause = 0.0
    """Seconds between generated tokens (0: as fast as the network goes; tests slow it to
    catch a generation in flight)."""
    DEFAULT_CSS = """
    PredictScreen #predict-settings {
        height: 1;
        padding: 0 1;
    }
    PredictScreen .section {
        height: 1;
        padding: 0 1;
        margin-top: 1;
        text-style: bold;
    }
    PredictScreen ProbabilityBars {
        padding: 0 1;
    }
    PredictScreen #predict-output-pane {
        height: 1fr;
        padding: 0 1;
    }
    PredictScreen #predict-rmse {
        height: auto;
        padding: 0 1;
    }
    PredictScreen #predict-words {
        height: auto;
    }
    """

    TEMPERATURE = Binding.Group("Temp", compact=True)
    LENGTH = Binding.Group("Length", compact=True)
    BINDINGS = [
        Binding("escape", "back", "Back", id="predict.back",
                tooltip="back to the previous screen"),
        Binding("minus", "temperature(-1)", "Cooler", id="predict.cooler", key_display="-",
                priority=True, group=TEMPERATURE,
                tooltip="lower the sampling temperature by 0.1 (safer; 0 takes the likeliest)"),
        Binding("plus,equals_sign", "temperature(1)", "Warmer", id="predict.warmer",
                key_display="+", priority=True, group=TEMPERATURE,
                tooltip="raise the sampling temperature by 0.1 (bolder, up to 2)"),
        Binding("less_than_sign", "length(-1)", "Shorter", id="predict.shorter",
                key_display="<", priority=True, group=LENGTH, tooltip="generate fewer tokens"),
        Binding("greater_than_sign", "length(1)", "Longer", id="predict.longer",
                key_display=">", priority=True, group=LENGTH, tooltip="generate more tokens"),
        Binding("ctrl+r", "reload", "Reload", id="predict.reload",
                tooltip="read the newest checkpoint (while the run trains)"),
    ]

    # -- messages from the workers -----------------------------------------------------------
    @dataclass
    class Opened(Message, bubble=False):
        """The run is open; `text` is the input to start with."""

        text: str

    @dataclass
    class Embedded(Message, bubble=False):
        """Letters at their learned 2-d embedding."""

        points: list[tuple[str, float, float]]

    @dataclass
    class Predicted(Message, bubble=False):
        text: str
        pairs: list[tuple[str, float]]
        note: str
        warning: str = ""

    @dataclass
    class Continued(Message, bubble=False):
        """Letters: `tokens` continue `text`."""

        text: str
        tokens: list[str]

    @dataclass
    class TokenGenerated(Message, bubble=False):
        generation: int
        token: str

    @dataclass
    class GenerationEnded(Message, bubble=False):
        generation: int

    @dataclass
    class Forecasted(Message, bubble=False):
        forecast: Forecast

    @dataclass
    class WindowContinued(Message, bubble=False):
        text: str
        window: np.ndarray
        continuation: np.ndarray
        note: str

    @dataclass
    class Judged(Message, bubble=False):
        text: str
        probability: float
        words: list[tuple[str, bool]]

    # -- setup -------------------------------------------------------------------------------
    def __init__(self, run: Run, *, seed: int | None = None):
        """`seed` fixes the sampling generator (tests, snapshots); None draws a fresh one."""
        super().__init__(run)
        task = get_task(run.task_id)
        self.kind = self.reads.kind
        self.rng = np.random.default_rng(seed)
        self.temperature = task.temperature  # letters: the likeliest; poems: 0.6
        self.lines = task.lines_for(run.hparams)  # poems: a quatrain, then stop
        self.length = LENGTHS.get(self.kind, LENGTHS["poem"])[0]
        self.pairs: list[tuple[str, float]] = []
        self.generation = 0
        self.generating = False
        self.poem_seed = ""
        self.poem_tokens: list[str] = []
        self.poem_status = ""
        self.forecast: Forecast | None = None
        self.probability: float | None = None
        self.words: list[tuple[str, bool]] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_input(
            self._info_text(), self._input_label(),
            CommandInput(placeholder=self._placeholder(), id="predict-input", compact=True,
                         types=self.reads.types))
        yield Static(f"trained on {self.reads.trained_on}", id="predict-trained",
                     classes="play-info")
        if self.kind in BARS:
            if self.kind in WRITES:
                yield Static(id="predict-settings")
            section = ("its answer, most likely first" if self.kind == "sequence"
                       else "next, most likely first")
            yield Static(section, classes="section")
            yield ProbabilityBars(empty="…", id="predict-bars")
            if self.kind in WRITES:
                title = ("continued (enter)" if self.kind == "letters"
                         else "poem (enter writes one)")
                yield Static(title, classes="section", id="predict-output-title")
                with VerticalScroll(id="predict-output-pane"):
                    yield Static(id="predict-output")
            if self.kind == "letters" and self.run.hparams.embedding_dim == 2:
                yield EmbeddingPlot(id="predict-embedding")
        elif self.kind == "forecast":
            yield ForecastPlot(id="predict-plot")
            yield Static("forecasting the held-out curve…", id="predict-rmse")
        else:
            yield Static("sentiment", classes="section")
            yield ProbabilityBars(empty="…", id="predict-bars")
            with VerticalScroll(id="predict-output-pane"):
                yield Static(id="predict-words")
        yield Footer()

    def _info_text(self) -> str:
        return {
            "letters": "type letters: the bars show the next one · enter continues",
            "sequence": f"type {self.reads.length} letters: the bars show the network's answer",
            "poem": "type a first line · enter writes the poem · typing stops it",
            "forecast": "numbers to forecast on from; empty: the held-out curve",
            "review": "type a review in English: positive or negative?",
        }[self.kind]

    def _input_label(self) -> str:
        return {"letters": "letters", "sequence": "sequence", "poem": "first line",
                "forecast": "window", "review": "review"}[self.kind]

    def _placeholder(self) -> str:
        return {"letters": "e.g. abcd", "sequence": f"{self.reads.length} letters",
                "poem": "e.g. 床前明月光",
                "forecast": "e.g. 0 0.1 0.2 0.3 0.39 0.48 0.56 0.64 0.72 0.78 (empty: held-out)",
                "review": "e.g. this movie was wonderful"}[self.kind]

    def on_mount(self) -> None:
        self.sub_title = f"predict · {self.run.name}"
        self.field.focus()
        self._draw_settings()
        self._open()

    # -- opening -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="predict", exit_on_error=False,
          description="open the run")
    def _open(self) -> None:
        with self.reporting(f"could not open {self.run.name}"):  # e.g. a damaged vocabulary
            play = self.handle.get()
            self.post_message(self.Opened(play.default_text()))
            points = getattr(play, "embedding_points", lambda: [])()
            if points:
                self.post_message(self.Embedded(points))
            if self.kind == "forecast":
                self._forecast_held_out()

    def on_predict_screen_embedded(self, message: Embedded) -> None:
        self.query_one(EmbeddingPlot).show(message.points)

    def on_predict_screen_opened(self, message: Opened) -> None:
        field = self.field
        if not field.value:
            field.value = message.text  # posts Changed: predicts for it
        if self.kind == "forecast" and not message.text:
            self.query_one(InlineMessage).note(
                f"the held-out curve: {FORECAST_STEPS} samples after t = 100")
        if self.handle.missing is not None:
            self.query_one(InlineMessage).error(str(self.handle.missing))

    # -- typing ------------------------------------------------------------------------------
    @on(Input.Changed, "#predict-input")
    def _typed(self, event: Input.Changed) -> None:
        if self.kind == "poem" and self.generating:
            self._stop_generation("stopped: the first line changed")
        if self.kind in BARS:
            self._predict(event.value)
        elif self.kind == "forecast":
            if event.value.strip():
                self._continue_window(event.value)
            elif self.forecast is not None:
                self._show_forecast(self.forecast)
                self.query_one(InlineMessage).note(
                    f"the held-out curve: {FORECAST_STEPS} samples after t = 100")
        else:
            self._judge(event.value)

    @on(Input.Submitted, "#predict-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.kind == "letters":
            self._continue_letters(event.value, self.length, self.temperature)
        elif self.kind == "poem":
            self.start_poem(event.value)

    # -- letters and poems: next-token bars ----------------------------------------------------
    @work(thread=True, exclusive=True, group="predict", exit_on_error=False,
          description="predict the next tokens")
    def _predict(self, text: str) -> None:
        with self.reporting("could not predict", text):
            play = self.handle.get()
            pairs = play.next_tokens(text, 5)
            encoded = play.encode(text)
            self.post_message(self.Predicted(text, pairs, encoded.note, encoded.warning))

    def on_predict_screen_predicted(self, message: Predicted) -> None:
        if message.text != self.field.value:
            return  # typed on since: a newer prediction is on its way
        self.pairs = message.pairs
        self.query_one("#predict-bars", ProbabilityBars).show(message.pairs)
        self.query_one(InlineMessage).say(message.note, message.warning)

    # -- letters: continue -------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="generate", exit_on_error=False,
          description="continue the letters")
    def _continue_letters(self, text: str, length: int, temperature: float) -> None:
        with self.reporting("could not continue", text):
            play = self.handle.get()
            tokens = list(play.generate(text, length, temperature, rng=self.rng))
            self.post_message(self.Continued(text, tokens))

    def on_predict_screen_continued(self, message: Continued) -> None:
        field = self.field
        if field.value != message.text:
            return
        added = "".join(message.tokens)
        output = Text.assemble((message.text, "bold"), (added, "reverse"))
        self.query_one("#predict-output", Static).update(output)
        field.value = message.text + added  # the bars follow the new end
        field.cursor_position = len(field.value)

    # -- poems: generation -------------------------------------------------------------------
    def start_poem(self, seed: str) -> None:
        """Write a poem after `seed`, streamed; a running one is cancelled first."""
        if self.generating:
            self._stop_generation("")
        self.generation += 1
        self.generating = True
        self.poem_seed, self.poem_tokens, self.poem_status = seed, [], "writing…"
        self._draw_poem()
        self._generate(self.generation, seed, self.length, self.temperature)

    def _stop_generation(self, status: str) -> None:
        self.workers.cancel_group(self, "generate")
        self.generation += 1  # tokens already posted by the old worker are ignored
        self.generating = False
        if status:
            self.poem_status = status
            self._draw_poem()

    @work(thread=True, exclusive=True, group="generate", exit_on_error=False,
          description="write a poem")
    def _generate(self, generation: int, seed: str, length: int, temperature: float) -> None:
        worker = get_current_worker()
        post = self.post_message
        with self.reporting("generation failed", seed):
            play = self.handle.get()
            for token in play.generate(seed, length, temperature, rng=self.rng,
                                       lines=self.lines):
                if worker.is_cancelled:
                    return
                post(self.TokenGenerated(generation, token))
                if self.token_pause and worker.cancelled_event.wait(self.token_pause):
                    return
        post(self.GenerationEnded(generation))

    def on_predict_screen_token_generated(self, message: TokenGenerated) -> None:
        if message.generation != self.generation:
            return
        self.poem_tokens.append(message.token)
        self._draw_poem()

    def on_predict_screen_generation_ended(self, message: GenerationEnded) -> None:
        if message.generation != self.generation:
            return
        self.generating = False
        written = poem_lines(self.poem_seed + "".join(self.poem_tokens))
        if self.poem_tokens and self.poem_tokens[-1] == END:
            self.poem_status = f"ended by the network after {len(self.poem_tokens) - 1} characters"
        elif self.lines and len(written) >= self.lines and written[-1][-1:] in LINE_ENDS:
            self.poem_status = f"{self.lines} lines, as asked"
        elif self.poem_tokens:
            self.poem_status = f"stopped at the length, {len(self.poem_tokens)} characters"
        else:
            self.poem_status = ""
        self._draw_poem()

    def _draw_poem(self) -> None:
        separator = "" if self.run.hparams.get("tokens", "char") == "char" else " "
        text = poem_text(self.poem_seed, self.poem_tokens, separator)
        if self.poem_status:
            text.append(f"\n\n{self.poem_status}", style="dim italic")
        self.query_one("#predict-output", Static).update(text)

    # -- temperature and length ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("temperature", "length"):
            return self.kind in WRITES  # the other kinds type these characters
        return True

    def action_temperature(self, direction: int) -> None:
        value = round(self.temperature + 0.1 * direction, 1)
        self.temperature = min(max(value, 0.0), TEMPERATURE_MAX)
        self._draw_settings()

    def action_length(self, direction: int) -> None:
        _, step, low, high = LENGTHS[self.kind]
        self.length = min(max(self.length + step * direction, low), high)
        self._draw_settings()

    def _draw_settings(self) -> None:
        if self.kind not in WRITES:
            return
        temp = f"{self.temperature:.1f}" + (" (likeliest)" if self.temperature == 0 else "")
        unit = "letters" if self.kind == "letters" else "characters at most"
        settings = Text.assemble(
            ("temperature ", "dim"), (temp, "bold"), ("  −/+   ", "dim"),
            ("length ", "dim"), (f"{self.length} {unit}", "bold"), ("  </>", "dim"))
        if self.lines:
            settings.append_text(Text.assemble(("   ends after ", "dim"),
                                               (f"{self.lines} lines", "bold")))
        self.query_one("#predict-settings", Static).update(settings)

    # -- sine ----------------------------------------------------------------------------------
    def _forecast_held_out(self) -> None:
        """In the opening worker's thread: forecasts of the held-out curve."""
        with self.reporting("could not forecast"):
            self.post_message(self.Forecasted(self.handle.get().forecast(FORECAST_STEPS)))

    def on_predict_screen_forecasted(self, message: Forecasted) -> None:
        self.forecast = message.forecast
        if not self.field.value.strip():
            self._show_forecast(message.forecast)

    def _show_forecast(self, fc: Forecast) -> None:
        self.query_one(ForecastPlot).show([
            ("true sin(t)", fc.t, fc.truth),
            ("one-step", fc.t, fc.one_step),
            ("free-running", fc.t, fc.rollout),
        ], title="held-out curve", xlabel="t")
        self.query_one("#predict-rmse", Static).update(Text.assemble(
            ("RMSE ", "bold"), "one-step ", (f"{fc.rmse_one_step:.4f}", "bold"),
            " (each from the true window)   free-running ",
            (f"{fc.rmse_rollout:.4f}", "bold"), " (from its own forecasts)"))

    @work(thread=True, exclusive=True, group="predict", exit_on_error=False,
          description="continue the window")
    def _continue_window(self, text: str) -> None:
        with self.reporting("could not forecast", text):
            play = self.handle.get()
            encoded = play.encode(text)
            note = encoded.warning or encoded.note
            window, continuation = continue_window(play, text, CONTINUE_STEPS)
            self.post_message(self.WindowContinued(text, window, continuation, note))

    def on_predict_screen_window_continued(self, message: WindowContinued) -> None:
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

    # -- imdb ----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="predict", exit_on_error=False,
          description="judge the review")
    def _judge(self, text: str) -> None:
        with self.reporting("could not judge", text):
            play = self.handle.get()
            self.handle.need()
            probability, words = play.sentiment(text)
            self.post_message(self.Judged(text, probability, words))

    def on_predict_screen_judged(self, message: Judged) -> None:
        if message.text != self.field.value:
            return
        self.probability, self.words = message.probability, message.words
        p = message.probability
        self.query_one("#predict-bars", ProbabilityBars).show(
            [("positive", p), ("negative", 1 - p)])
        unknown = [w for w, known in message.words if not known]
        text = Text.assemble(("reads ", "dim"))
        for k, (word, known) in enumerate(message.words):
            if k:
                text.append(" ")
            text.append(word if known else f"{word}?",
                        style="" if known else "bold reverse")
        num_words = self.run.hparams.get("num_words", 0)
        text.append(f"\n\n{len(unknown)} of {len(message.words)} words unknown", style="dim")
        text.append(f" (outside the {num_words:,} most frequent: read as one"
                    " out-of-vocabulary mark)", style="dim")
        self.query_one("#predict-words", Static).update(text)
        verdict = "positive" if p >= 0.5 else "negative"
        self.query_one(InlineMessage).note(f"{verdict}: P(positive) = {p:.3f}")

    # -- other keys ----------------------------------------------------------------------------
    def action_reload(self) -> None:
        if self.generating:
            self._stop_generation("stopped: reloading the weights")
        self.handle.reload()
        self.forecast = None
        self.notify("reading the newest checkpoint", timeout=2)
        self._open()
        field = self.field
        if field.value:
            self._typed(Input.Changed(field, field.value))
