"""The poem screen: type a first line (either script), the bars show the next characters, and
enter writes a poem through the run's `PoemWriter`: rhyme on lines 2 and 4 (on/off), an
acrostic (藏头诗), top-p beside temperature.

The bars and the poem come from one `PoemStart`, so at temperature 0 the poem's next
character is the top bar. The poem is written in a thread worker and shown character by
character; typing again stops it. A run of words (an English text) samples word by word
instead: rhyme, acrostic and top-p do not apply to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from rnntui.play import InputError
from rnntui.tasks.corpus import END, LINE_ENDS, poem_lines
from rnntui.ui.keys import in_field
from rnntui.ui.screens.predict import WritingScreen
from rnntui.ui.widgets.inline_message import InlineMessage

_BREAK_AFTER = frozenset(LINE_ENDS)  # a new line after these in a Chinese poem
# The top-p values the [ and ] keys step through (None: off, every character may come).
TOP_P_STEPS = (None, 0.95, 0.9, 0.8, 0.7, 0.5)


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


# Lines a poem of characters can have (`l`): a quatrain (绝句) or eight lines (律诗).
LINE_CHOICES = (4, 8)


class PoemScreen(WritingScreen):
    """A first line in, a poem out."""

    INFO = "type a first line · enter writes the poem · typing stops it"
    LABEL = "first line"
    PLACEHOLDER = "e.g. 床前明月光"
    UNIT = "characters at most"
    token_pause = 0.0
    """Seconds between shown characters (0: at once; tests slow it to catch a poem in
    flight)."""
    DEFAULT_CSS = """
    PoemScreen #poem-acrostic-row {
        height: 1;
        padding: 0 1;
        display: none;
    }
    PoemScreen #poem-acrostic-row.-editing, PoemScreen #poem-acrostic-row.-set {
        display: block;
    }
    PoemScreen #poem-acrostic-row > Label {
        width: auto;
        padding-right: 1;
        color: $text-accent;
    }
    PoemScreen #poem-acrostic {
        width: 1fr;
    }
    """
    TOP_P = Binding.Group("Top-p", compact=True)
    BINDINGS = [
        Binding("left_square_bracket", "top_p(1)", "Narrower", id="poem.narrower",
                key_display="[", group=TOP_P,
                tooltip="top-p lower: sample among fewer of the likeliest characters"),
        Binding("right_square_bracket", "top_p(-1)", "Wider", id="poem.wider",
                key_display="]", group=TOP_P,
                tooltip="top-p higher (off: every character may come)"),
        Binding("slash", "rhyme", "Rhyme", id="poem.rhyme", key_display="/",
                tooltip="rhyme lines 2 and 4 (and 6 and 8) on or off"),
        Binding("l", "lines", "Lines", id="poem.lines",
                tooltip="how many lines a poem has: 4 (a quatrain, 绝句) or 8 (律诗)"),
        Binding("ctrl+o", "acrostic", "Acrostic", id="poem.acrostic",
                tooltip="type characters that start the lines in turn (藏头诗)"),
    ]

    @dataclass
    class TokenGenerated(Message, bubble=False):
        generation: int
        token: str

    @dataclass
    class GenerationEnded(Message, bubble=False):
        generation: int
        rhyme: str = ""  # whether the written poem rhymes, in words ("" for words)

    def __init__(self, run, *, seed: int | None = None):
        super().__init__(run, seed=seed)
        self.lines = self.run_task.lines_for(run.hparams)  # a quatrain, then stop
        self.by_character = run.hparams.get("tokens", "char") == "char"
        self.top_p: float | None = None
        self.rhyme = True
        self.acrostic = ""
        self.generation = 0
        self.generating = False
        self.poem_seed = ""
        self.poem_tokens: list[str] = []
        self.poem_status = ""

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        with Horizontal(id="poem-acrostic-row"):
            yield Label("acrostic", id="poem-acrostic-label")
            yield Input(placeholder="e.g. 春夏秋冬 (enter: use, empty: none)",
                        id="poem-acrostic", compact=True)
        yield Static("poem (enter writes one)", classes="section", id="predict-output-title")
        with VerticalScroll(id="predict-output-pane"):
            yield Static(id="predict-output")

    # -- settings ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("top_p", "rhyme", "acrostic", "lines"):
            # A run of words has no rhyme, no acrostic, no top-p; "slash" (/) is a printable
            # key Textual does not know as one: hidden by hand while a field types it.
            return self.by_character and not (action == "rhyme" and in_field(self))
        return super().check_action(action, parameters)

    def action_top_p(self, direction: int) -> None:
        at = TOP_P_STEPS.index(self.top_p)
        self.top_p = TOP_P_STEPS[min(max(at + direction, 0), len(TOP_P_STEPS) - 1)]
        self.draw_settings()

    def action_lines(self) -> None:
        self.lines = LINE_CHOICES[(LINE_CHOICES.index(self.lines) + 1) % len(LINE_CHOICES)
                                  if self.lines in LINE_CHOICES else 0]
        self.draw_settings()

    def action_rhyme(self) -> None:
        self.rhyme = not self.rhyme
        self.draw_settings()

    def action_acrostic(self) -> None:
        row = self.query_one("#poem-acrostic-row")
        field = self.query_one("#poem-acrostic", Input)
        row.add_class("-editing")
        field.value = self.acrostic
        field.focus()

    @on(Input.Submitted, "#poem-acrostic")
    def _acrostic_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.acrostic = "".join(event.value.split())
        row = self.query_one("#poem-acrostic-row")
        row.remove_class("-editing")
        row.set_class(bool(self.acrostic), "-set")  # it stays in view while it is used
        self.field.focus()
        self.draw_settings()
        self.query_one(InlineMessage).note(
            f"acrostic {self.acrostic}: enter writes a poem whose lines start with them"
            if self.acrostic else "no acrostic")

    def settings(self) -> Text:
        # One line of 80 columns: the settings and their keys, tersely.
        temp = f"{self.temperature:.1f}" + (" (likeliest)" if self.temperature == 0 else "")
        text = Text.assemble(("temperature ", "dim"), (temp, "bold"), (" −/+  ", "dim"))
        if self.by_character:
            top_p = "off" if self.top_p is None else f"{self.top_p:g}"
            text.append_text(Text.assemble(
                ("top-p ", "dim"), (top_p, "bold"), (" []  ", "dim"),
                ("rhyme ", "dim"), ("on" if self.rhyme else "off", "bold"), (" /  ", "dim")))
        text.append_text(Text.assemble(("length ", "dim"), (f"≤{self.length}", "bold"),
                                       (" <>", "dim")))
        if self.lines:
            text.append_text(Text.assemble(("  ", "dim"), (f"{self.lines} lines", "bold"),
                                           (" l", "dim")))
        return text

    # -- writing -----------------------------------------------------------------------------
    def typed(self, text: str) -> None:
        if self.generating:
            self._stop_generation("stopped: the first line changed")
        if not text.strip() and self.acrostic:  # the acrostic writes every line: no error
            self.query_one(InlineMessage).note(f"enter writes lines starting {self.acrostic}")
            super().clear_answer()  # the bars were the last line's
            return
        super().typed(text)

    def submitted(self, text: str) -> None:
        self.start_poem(text)

    def start_poem(self, seed: str) -> None:
        """Write a poem after `seed`; a running one is cancelled first."""
        if self.generating:
            self._stop_generation("")
        self.generation += 1
        self.generating = True
        self.poem_seed, self.poem_tokens, self.poem_status = seed, [], "writing…"
        self._draw_poem()
        self._generate(self.generation, seed)

    def _stop_generation(self, status: str) -> None:
        self.workers.cancel_group(self, "generate")
        self.generation += 1  # tokens already posted by the old worker are ignored
        self.generating = False
        if status:
            self.poem_status = status
            self._draw_poem()

    @work(thread=True, exclusive=True, group="generate", exit_on_error=False,
          description="write a poem")
    def _generate(self, generation: int, seed: str) -> None:
        worker = get_current_worker()
        post = self.post_message
        rhyme = ""
        with self.reporting("generation failed", seed):
            play = self.handle.get()
            if self.by_character:
                from rnntui.play.tokens import ended, rhyme_words
                from rnntui.poetry.writing import WritingOptions

                if not seed.strip() and not self.acrostic:
                    raise InputError("type a first line (or give an acrostic: ctrl+o)")
                options = WritingOptions(temperature=self.temperature, top_p=self.top_p,
                                         lines=self.lines, length=self.length,
                                         rhyme=self.rhyme, acrostic=self.acrostic)
                # the very state the bars were read from
                poem = play.write(seed, options, self.rng, play.start(seed))
                tokens = [*poem.written, *([END] if ended(poem) else [])]
                rhyme = rhyme_words(poem)
            else:
                tokens = play.generate(seed, self.length, self.temperature, rng=self.rng,
                                       lines=self.lines)
            for token in tokens:
                if worker.is_cancelled:
                    return
                post(self.TokenGenerated(generation, token))
                if self.token_pause and worker.cancelled_event.wait(self.token_pause):
                    return
        post(self.GenerationEnded(generation, rhyme))

    def on_poem_screen_token_generated(self, message: TokenGenerated) -> None:
        if message.generation != self.generation:
            return
        self.poem_tokens.append(message.token)
        self._draw_poem()

    def on_poem_screen_generation_ended(self, message: GenerationEnded) -> None:
        if message.generation != self.generation:
            return
        self.generating = False
        written = poem_lines(self.poem_seed + "".join(self.poem_tokens))
        if self.poem_tokens and self.poem_tokens[-1] == END:
            status = f"ended by the network after {len(self.poem_tokens) - 1} characters"
        elif self.lines and len(written) >= self.lines and written[-1][-1:] in LINE_ENDS:
            status = f"{self.lines} lines, as asked"
        elif self.poem_tokens:
            status = f"stopped at the length, {len(self.poem_tokens)} characters"
        else:
            status = ""
        self.poem_status = " · ".join(s for s in (status, message.rhyme) if s)
        self._draw_poem()

    def on_play_screen_refused(self, message) -> None:
        # A refused poem (no first line, an acrostic it cannot write) is not in flight.
        if self.generating:
            self._stop_generation(" ")
        super().on_play_screen_refused(message)

    def clear_answer(self) -> None:
        super().clear_answer()  # the bars
        if self.poem_tokens or self.poem_seed:  # a poem written from an earlier first line
            self.poem_status = f"✗ written after {self.poem_seed!r}, not the field's line"
            self._draw_poem()

    def _draw_poem(self) -> None:
        separator = "" if self.by_character else " "
        text = poem_text(self.poem_seed, self.poem_tokens, separator)
        if self.poem_status.strip():
            text.append(f"\n\n{self.poem_status}", style="dim italic")
        self.query_one("#predict-output", Static).update(text)

    def before_reload(self) -> None:
        if self.generating:
            self._stop_generation("stopped: reloading the weights")

