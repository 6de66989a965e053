"""What the predict screens share: the run opened in a worker, the typed input, the line that
names what the run was trained on, and (for the token kinds) the likeliest next tokens.

There is one predict screen per play kind the task declares (`Task.play_input(hp).kind`),
chosen from `rnntui.ui.screen_map.PLAY_SCREENS`; `predict_screen(run)` makes the right one:

- letters (`letters.py`): the next letter as bars; enter continues the sequence.
- sequence (`sequence.py`): the network's answer for the whole sequence, and what is wrong
  with an input of another length.
- poem (`poem.py`): the next characters; enter writes a poem (rhyme, acrostic, top-p).
- forecast (`forecast.py`): the held-out series against the one-step and free-running
  forecasts, with the baselines.
- review (`review.py`): P(positive) of a typed review, unknown words marked.

All network work runs in thread workers on the NumPy mirror: a letter prediction takes well
under a millisecond, a 300-sample free-running forecast of two LSTM(30) layers ~0.2 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static

from rnntui.play import LENGTHS, Play
from rnntui.play import TEMPERATURE_KEYS_MAX as TEMPERATURE_MAX
from rnntui.runs import Run
from rnntui.ui import messages
from rnntui.tasks import get_task
from rnntui.ui.keys import Body, in_field
from rnntui.ui.screen_map import PLAY_SCREENS, screen_class
from rnntui.ui.screens.play_screen import PlayScreen
from rnntui.ui.widgets.footer import KeyFooter
from rnntui.ui.widgets.inline_message import InlineMessage
from rnntui.ui.widgets.probability_bars import ProbabilityBars

__all__ = ["TEMPERATURE_MAX", "BarsScreen", "PredictScreen", "WritingScreen", "predict_screen"]


def predict_screen(run: Run, *, seed: int | None = None) -> PredictScreen:
    """The predict screen of `run`'s play kind (from `rnntui.ui.screen_map.PLAY_SCREENS`).

    Args:
        run: a run of a task whose play kind has a predict screen (every kind but dice).
        seed: fixes the sampling generator (tests, snapshots); None draws a fresh one.

    Raises:
        ValueError: the run's kind is played on a screen of its own (dice).
    """

    cls = screen_class(*PLAY_SCREENS[get_task(run.task_id).play_input(run.hparams).kind])
    if not issubclass(cls, PredictScreen):
        raise ValueError(f"{run.task_id} runs play on {cls.__name__}, not a predict screen")
    return cls(run, seed=seed)


class PredictScreen(PlayScreen):
    """A trained run played with typed input; a subclass per play kind."""

    HELP_TITLE = "predict"
    PREFIX = "predict"
    BODY = "#predict-body"
    INFO: ClassVar[str] = ""
    """The line above the input: what to type and what the screen answers."""
    LABEL: ClassVar[str] = "input"
    PLACEHOLDER: ClassVar[str] = ""
    DEFAULT_CSS = """
    PredictScreen #predict-trained {
        height: auto;  /* a long one wraps rather than losing its end at 80 columns */
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
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="predict.back",
                tooltip="back to the previous screen"),
        # Not in the footer (it would push the play keys off at 80 columns); ? lists it.
        Binding("ctrl+t", "units", "Units", id="predict.units", key_display="^t", show=False,
                tooltip="what each unit learned: text coloured by a unit, units ranked"),
        Binding("ctrl+r", "reload", "Reload", id="predict.reload",
                tooltip="read the newest checkpoint (while the run trains)"),
    ]

    @dataclass
    class Opened(Message, bubble=False):
        """The run is open; `text` is the input to start with."""

        text: str

    def __init__(self, run: Run, *, seed: int | None = None):
        """`seed` fixes the sampling generator (tests, snapshots); None draws a fresh one."""
        super().__init__(run)
        self.run_task = get_task(run.task_id)
        self.kind = self.reads.kind
        self.rng = np.random.default_rng(seed)

    def compose(self) -> ComposeResult:
        yield from self.compose_input(
            self.INFO.format(length=self.reads.length), self.LABEL,
            Input(placeholder=self.PLACEHOLDER.format(length=self.reads.length),
                  id="predict-input", compact=True))
        with Body(id="predict-body"):  # where Esc leaves the field for (rnntui.ui.keys)
            yield Static(f"trained on {self.reads.trained_on}", id="predict-trained",
                         classes="play-info")
            yield from self.compose_body()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        """The kind's own widgets, between the trained-on line and the footer."""
        yield from ()

    def on_mount(self) -> None:
        self.sub_title = f"predict · {self.run.name}"
        self.field.focus()
        self._open()

    # -- opening -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="predict", exit_on_error=False,
          description="open the run")
    def _open(self) -> None:
        with self.reporting(f"could not open {self.run.name}"):  # e.g. a damaged vocabulary
            play = self.handle.get()
            self.post_message(self.Opened(play.default_text()))
            self.opened(play)

    def opened(self, play: Play) -> None:
        """In the opening worker's thread, once the run is open: the kind's first work."""

    def on_predict_screen_opened(self, message: Opened) -> None:
        field = self.field
        if not field.value:
            field.value = message.text  # posts Changed: answers for it
        if self.handle.missing is not None:
            self.query_one(InlineMessage).error(str(self.handle.missing))
            self.offer_file()

    def replay(self) -> None:
        self.typed(self.field.value)

    # -- typing ------------------------------------------------------------------------------
    @on(Input.Changed, "#predict-input")
    def _typed(self, event: Input.Changed) -> None:
        self.typed(event.value)

    @on(Input.Submitted, "#predict-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.submitted(event.value)

    def typed(self, text: str) -> None:
        """The input changed to `text`."""

    def submitted(self, text: str) -> None:
        """Enter in the input."""

    # -- reload ------------------------------------------------------------------------------
    def action_units(self) -> None:
        self.post_message(messages.RunScreenAsked(self.run, "units"))

    def action_reload(self) -> None:
        self.before_reload()
        self.handle.reload()
        self.notify("reading the newest checkpoint", timeout=2)
        self._open()
        if self.field.value:
            self.typed(self.field.value)

    def before_reload(self) -> None:
        """Forget what came from the old weights."""


class BarsScreen(PredictScreen):
    """A token kind: the likeliest next tokens (or answers) as bars, updated as you type."""

    SECTION: ClassVar[str] = "next, most likely first"

    @dataclass
    class Predicted(Message, bubble=False):
        text: str
        pairs: list[tuple[str, float]]
        note: str
        warning: str = ""

    def __init__(self, run: Run, *, seed: int | None = None):
        super().__init__(run, seed=seed)
        self.pairs: list[tuple[str, float]] = []

    def compose_bars(self) -> ComposeResult:
        yield Static(self.SECTION, classes="section")
        yield ProbabilityBars(empty="…", id="predict-bars")

    def compose_body(self) -> ComposeResult:
        yield from self.compose_bars()

    def typed(self, text: str) -> None:
        self._predict(text)

    @work(thread=True, exclusive=True, group="predict", exit_on_error=False,
          description="predict the next tokens")
    def _predict(self, text: str) -> None:
        with self.reporting("could not predict", text):
            play = self.handle.get()
            pairs = self.next_tokens(play, text)
            encoded = play.encode(text)
            self.post_message(self.Predicted(text, pairs, encoded.note, encoded.warning))

    def next_tokens(self, play: Any, text: str) -> list[tuple[str, float]]:
        """In a worker: the bars for `text`."""
        return play.next_tokens(text, 5)

    def clear_answer(self) -> None:
        self.pairs = []
        self.query_one("#predict-bars", ProbabilityBars).show([])

    def on_bars_screen_predicted(self, message: Predicted) -> None:
        if message.text != self.field.value:
            return  # typed on since: a newer prediction is on its way
        self.pairs = message.pairs
        self.query_one("#predict-bars", ProbabilityBars).show(message.pairs)
        self.query_one(InlineMessage).say(message.note, message.warning)


class WritingScreen(BarsScreen):
    """A kind that writes on (letters, poems): a temperature and a length, on keys."""

    UNIT: ClassVar[str] = "tokens"
    """What the length counts, for the settings line."""
    DEFAULT_CSS = """
    WritingScreen #predict-settings {
        height: 1;
        padding: 0 1;
    }
    """
    TEMPERATURE = Binding.Group("Temp", compact=True)
    LENGTH = Binding.Group("Length", compact=True)
    BINDINGS = [
        Binding("minus", "temperature(-1)", "Cooler", id="predict.cooler", key_display="-",
                group=TEMPERATURE,
                tooltip="lower the sampling temperature by 0.1 (safer; 0 takes the likeliest)"),
        Binding("plus,equals_sign", "temperature(1)", "Warmer", id="predict.warmer",
                key_display="+", group=TEMPERATURE,
                tooltip="raise the sampling temperature by 0.1 (bolder, up to 2)"),
        Binding("less_than_sign", "length(-1)", "Shorter", id="predict.shorter",
                key_display="<", group=LENGTH, tooltip="generate fewer tokens"),
        Binding("greater_than_sign", "length(1)", "Longer", id="predict.longer",
                key_display=">", group=LENGTH, tooltip="generate more tokens"),
    ]

    def __init__(self, run: Run, *, seed: int | None = None):
        super().__init__(run, seed=seed)
        self.temperature = self.run_task.temperature  # letters: the likeliest; poems: 0.6
        self.length = LENGTHS[self.kind][0]

    def compose_body(self) -> ComposeResult:
        yield Static(id="predict-settings")
        yield from self.compose_bars()

    def on_mount(self) -> None:
        super().on_mount()
        self.draw_settings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "temperature":
            # Textual cannot tell that "minus" and "plus" are printable keys, so it keeps
            # them in the footer while the field types them: hide them there by hand.
            return not in_field(self)
        return super().check_action(action, parameters)

    def action_temperature(self, direction: int) -> None:
        value = round(self.temperature + 0.1 * direction, 1)
        self.temperature = min(max(value, 0.0), TEMPERATURE_MAX)
        self.draw_settings()

    def action_length(self, direction: int) -> None:
        _, step, low, high = LENGTHS[self.kind]
        self.length = min(max(self.length + step * direction, low), high)
        self.draw_settings()

    def settings(self) -> Text:
        """The settings line: temperature and length, and what the kind adds."""
        temp = f"{self.temperature:.1f}" + (" (likeliest)" if self.temperature == 0 else "")
        return Text.assemble(
            ("temperature ", "dim"), (temp, "bold"), ("  −/+   ", "dim"),
            ("length ", "dim"), (f"{self.length} {self.UNIT}", "bold"), ("  </>", "dim"))

    def draw_settings(self) -> None:
        self.query_one("#predict-settings", Static).update(self.settings())
