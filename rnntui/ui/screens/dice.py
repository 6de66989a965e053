"""The three dice at play: the network's belief beside the exact hidden Markov model's.

Rolls are typed (`1635273524`, `1,6,3`) or rolled fresh from the run's own dice (enter); for
fresh rolls the true dice are known too. At every step the map shows what the network
believes (which die, or which roll comes next) above what the forward algorithm knows
exactly, with Viterbi's most likely dice; `<` and `>` pick the step whose numbers show as
bars. Below: how often the two agree, the mean KL divergence between them, and on fresh
held-out sequences how often each is right.

All the work runs in thread workers on the NumPy mirror: a sequence of 50 rolls takes about a
millisecond; the held-out figures (300 sequences) are computed once, when the run opens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static

from rnntui.play.dice import DiceReading, HeldOut
from rnntui.runs import Run
from rnntui.tasks.dice import DICE, EXACT, exact_kind
from rnntui.ui.screens.play_screen import PlayScreen
from rnntui.ui.widgets.belief_map import BeliefMap
from rnntui.ui.widgets.inline_message import InlineMessage
from rnntui.ui.widgets.probability_bars import ProbabilityBars
from rnntui.ui.widgets.footer import KeyFooter


class DiceScreen(PlayScreen):
    """Rolls in; the network's and the exact model's beliefs out, step by step."""

    HELP_TITLE = "dice"
    BODY = "#dice-map-pane"  # Esc leaves the field for it (rnntui.ui.keys)
    PREFIX = "dice"
    DEFAULT_CSS = """
    DiceScreen #dice-map-pane {
        height: 1fr;
        padding: 0 1;
    }
    DiceScreen #dice-step {
        height: 1;
        padding: 0 1;
        text-style: bold;
    }
    DiceScreen #dice-bars {
        height: auto;
        max-height: 4;
        padding: 0 1;
    }
    DiceScreen #dice-bars > Vertical {
        height: auto;
        width: 1fr;
        padding-right: 2;
    }
    DiceScreen #dice-bars Label {
        color: $text-muted;
    }
    DiceScreen #dice-scores {
        height: auto;
        padding: 0 1;
    }
    /* below 24 rows the map keeps the room: the step's numbers stay on their line */
    DiceScreen.-short #dice-bars, DiceScreen.-short #dice-info {
        display: none;
    }
    """
    STEP = Binding.Group("Step", compact=True)
    BINDINGS = [
        Binding("escape", "back", "Back", id="dice.back", tooltip="back to the previous screen"),
        Binding("enter", "roll", "Roll", id="dice.roll", priority=True,
                tooltip="roll fresh dice from the run's hidden Markov model (true dice known)"),
        Binding("less_than_sign", "step(-1)", "Step", id="dice.left", key_display="<",
                group=STEP, tooltip="the step before (its numbers show as bars)"),
        Binding("greater_than_sign", "step(1)", "Step", id="dice.right", key_display=">",
                group=STEP, tooltip="the step after"),
        Binding("ctrl+r", "reload", "Reload", id="dice.reload",
                tooltip="read the newest checkpoint (while the run trains)"),
    ]

    @dataclass
    class Opened(Message, bubble=False):
        held_out: HeldOut

    @dataclass
    class Rolled(Message, bubble=False):
        text: str
        dice: np.ndarray

    @dataclass
    class Read(Message, bubble=False):
        text: str
        reading: DiceReading

    def __init__(self, run: Run, *, seed: int | None = None):
        """`seed` fixes the dice rolled here (tests, snapshots); None draws fresh ones."""
        super().__init__(run)
        self.mode = run.hparams.get("mode", "die")
        self.rng = np.random.default_rng(seed)
        self.rolled: tuple[str, np.ndarray] | None = None  # the last fresh rolls, and dice
        self.reading: DiceReading | None = None
        self.held_out: HeldOut | None = None
        self.cursor = -1  # the step shown as bars; -1 follows the last one

    @property
    def exact_name(self) -> str:
        return EXACT[exact_kind(self.run.hparams)][0]

    def compose(self) -> ComposeResult:
        what = "which die made each roll" if self.mode == "die" else "the next roll"
        yield from self.compose_input(
            f"network vs exact model: {what} · enter rolls fresh dice", "rolls",
            Input(placeholder="e.g. 1635273524 (1–8; enter rolls fresh dice)",
                  id="dice-input", compact=True))
        with VerticalScroll(id="dice-map-pane"):
            yield BeliefMap(id="dice-map")
        yield Static(id="dice-step")
        with Horizontal(id="dice-bars"):
            with Vertical():
                yield Label("network")
                yield ProbabilityBars(empty="…", id="dice-rnn-bars")
            with Vertical():
                yield Label(EXACT[exact_kind(self.run.hparams)][1])
                yield ProbabilityBars(empty="…", id="dice-exact-bars")
        yield Static(id="dice-scores")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"dice · {self.run.name}"
        self.field.focus()
        self._open()

    # -- opening -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="dice-open", exit_on_error=False,
          description="open the run")
    def _open(self, roll: bool = True) -> None:
        with self.reporting(f"could not open {self.run.name}"):
            play = self.handle.get()
            held_out = play.dice_held_out()
            rolled = play.roll_dice(rng=self.rng) if roll else None
            self.post_message(self.Opened(held_out))
            if rolled is not None:
                self.post_message(self.Rolled(*rolled))

    def on_dice_screen_opened(self, message: Opened) -> None:
        self.held_out = message.held_out
        self._draw_scores()

    # -- rolls -------------------------------------------------------------------------------
    def action_roll(self) -> None:
        self._roll()

    @work(thread=True, exclusive=True, group="dice-roll", exit_on_error=False,
          description="roll fresh dice")
    def _roll(self) -> None:
        with self.reporting("could not roll"):
            self.post_message(self.Rolled(*self.handle.get().roll_dice(rng=self.rng)))

    def on_dice_screen_rolled(self, message: Rolled) -> None:
        self.rolled = (message.text, message.dice)
        self.cursor = -1
        field = self.field
        if field.value == message.text:
            self._read(message.text, message.dice)
        else:
            field.value = message.text  # posts Changed: reads it
            field.cursor_position = len(message.text)

    @on(Input.Changed, "#dice-input")
    def _typed(self, event: Input.Changed) -> None:
        dice = self.rolled[1] if self.rolled and self.rolled[0] == event.value else None
        self._read(event.value, dice)

    @work(thread=True, exclusive=True, group="dice-read", exit_on_error=False,
          description="read the rolls")
    def _read(self, text: str, dice: np.ndarray | None) -> None:
        with self.reporting("could not read the rolls", text):
            self.post_message(self.Read(text, self.handle.get().dice(text, dice)))

    def on_dice_screen_read(self, message: Read) -> None:
        if message.text != self.field.value:
            return  # typed on since: a newer reading is on its way
        reading = self.reading = message.reading
        if self.cursor >= reading.steps:
            self.cursor = -1
        marks: list[tuple[str, list[str]]] = []
        if reading.dice is not None:
            marks.append(("true die", [DICE[i] for i in reading.dice]))
        marks.append(("Viterbi", [DICE[i] for i in reading.viterbi]))
        self.query_one(BeliefMap).show(
            reading.rolls, reading.classes,
            [("network", reading.rnn), (self.exact_name, reading.exact)], marks, self.step)
        self.query_one(InlineMessage).note(self._agreement_text(reading))
        self._draw_step()
        self._draw_scores()

    @property
    def step(self) -> int:
        """The step shown as bars (0-based)."""
        steps = self.reading.steps if self.reading else 0
        return steps - 1 if self.cursor < 0 else min(self.cursor, max(steps - 1, 0))

    def action_step(self, direction: int) -> None:
        if self.reading is None:
            return
        self.cursor = min(max(self.step + direction, 0), self.reading.steps - 1)
        self.query_one(BeliefMap).move(self.step)
        self._draw_step()

    def clear_answer(self) -> None:
        self.reading = None
        self.cursor = -1
        self.query_one(BeliefMap).show([], (), [], [], 0)
        self.query_one("#dice-step", Static).update("")
        for widget_id in ("#dice-rnn-bars", "#dice-exact-bars"):
            self.query_one(widget_id, ProbabilityBars).show([])
        self._draw_scores()

    # -- drawing -----------------------------------------------------------------------------
    def _agreement_text(self, reading: DiceReading) -> str:
        return (f"agrees with {self.exact_name} at {reading.agreement:.0%} of "
                f"{reading.steps} steps · mean KL {float(reading.kl.mean()):.3f} nats")

    def _draw_step(self) -> None:
        reading = self.reading
        if reading is None:
            return
        t = self.step
        parts = [(f"step {t + 1} of {reading.steps}", "bold"), "   roll ",
                 (str(reading.rolls[t]), "bold")]
        if reading.dice is not None:
            parts += ["   true ", (DICE[int(reading.dice[t])], "bold")]
        parts += ["   Viterbi ", (DICE[int(reading.viterbi[t])], "bold"),
                  f"   KL {float(reading.kl[t]):.3f}"]
        self.query_one("#dice-step", Static).update(Text.assemble(*parts))
        for widget_id, beliefs in (("#dice-rnn-bars", reading.rnn),
                                   ("#dice-exact-bars", reading.exact)):
            pairs = list(zip(reading.classes, beliefs[t].tolist()))
            if len(pairs) > 3:  # next roll: the three likeliest faces
                pairs = sorted(pairs, key=lambda pair: -pair[1])[:3]
            self.query_one(widget_id, ProbabilityBars).show(pairs)

    def _draw_scores(self) -> None:
        text = Text()
        reading = self.reading
        accuracy = reading.accuracy() if reading is not None else {}
        if accuracy:
            text.append("these rolls: ", style="dim")
            text.append(f"network {accuracy['rnn']:.0%}  {self.exact_name} "
                        f"{accuracy['exact']:.0%}")
            if "viterbi" in accuracy:
                text.append(f"  Viterbi {accuracy['viterbi']:.0%}")
            text.append("\n")
        held = self.held_out
        if held is not None:
            text.append(f"{held.sequences} held out: ", style="dim")
            text.append(f"network {held.rnn:.1%}  {self.exact_name} {held.exact:.1%}",
                        style="bold")
            if held.viterbi is not None:
                text.append(f"  Viterbi {held.viterbi:.1%}")
            text.append(f"  gap {100 * (held.exact - held.rnn):.1f} pts", style="bold")
        self.query_one("#dice-scores", Static).update(text)

    # -- other keys --------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.handle.reload()
        self.notify("reading the newest checkpoint", timeout=2)
        self._open(roll=False)
        self._typed(Input.Changed(self.field, self.field.value))
