"""The poem screen: type a first line (either script), the bars show the next characters
(and the network's chance of a 平 or a 仄 one), and enter writes a poem through the run's
`PoemWriter`: the form, 平水韵 rhyme and tone rules (each on/off), 4 or 8 lines of 5 or 7
characters, an acrostic (藏头诗), a mood prefix, top-p beside temperature. Under each written
line its 平仄, the places that break the regulated pattern marked; `n` offers five candidate
next lines (a beam search in a worker), `1`-`5` takes one.

The bars and the poem come from one `PoemStart`, so at temperature 0 the poem's next
character is the top bar. The poem is written in a thread worker and shown character by
character; typing again stops it. A run of words (an English text) samples word by word
instead: rhyme, acrostic and top-p do not apply to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

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
from rnntui.ui.widgets.probability_bars import ProbabilityBars

_BREAK_AFTER = frozenset(LINE_ENDS)  # a new line after these in a Chinese poem
# The top-p values the [ and ] keys step through (None: off, every character may come).
TOP_P_STEPS = (None, 0.95, 0.9, 0.8, 0.7, 0.5)
# The sizes the c key steps through (None: the first line's).
SIZE_STEPS = (None, 5, 7)
CANDIDATES = 5


def tones_text(reading, poem: str = "", ping: Sequence[Sequence[float | None]] = ()) -> Text:
    """Each line of a `rnntui.poetry.meter.Reading` (with its mark, from `poem`) and its 平仄
    under it, the places that break the pattern in reverse, then (`ping`, a line's written
    characters) the network's P(平) in percent under each, then the pattern's name."""
    text = Text()
    breaks = set(reading.fit.breaks)
    written = poem_lines(poem) if poem else []
    for n, (line, shown) in enumerate(zip(reading.lines, reading.shown)):
        mark = written[n][-1] if n < len(written) and written[n][-1] in LINE_ENDS else ""
        text.append(line + mark + "\n", style="bold")
        for i, tone in enumerate(shown):
            text.append(tone, style="reverse red" if (n, i) in breaks else "dim")
        row = list(ping[n]) if n < len(ping) else []
        if any(p is not None for p in row):  # the network's odds of a 平, a character
            text.append("   network P(平) % " + " ".join(
                "··" if p is None else f"{min(round(100 * p), 99):2d}" for p in row[:len(line)]),
                style="dim italic")
        text.append("\n")
    described = reading.fit.describe(len(reading.lines))
    if reading.fit.pattern is None:
        text.append("no regulated pattern (lines of 5 or 7, at most 8)", style="dim italic")
    elif reading.fit.fits:
        text.append(f"fits {described}", style="italic")
    else:
        text.append(f"nearest {described}: {len(reading.fit.breaks)} place"
                    f"{'s' * (len(reading.fit.breaks) != 1)} break it (marked)", style="italic")
    return text


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


def ping_rows(poem) -> list[list[float | None]]:
    """A written poem's P(平) per character, by line (None: a typed character)."""
    from rnntui.poetry.meter import has_han

    values = iter(poem.ping)
    typed = len(poem.text) - len(poem.written)
    rows: list[list[float | None]] = [[]]
    for i, ch in enumerate(poem.text):
        value = next(values, None) if i >= typed else None
        if ch in LINE_ENDS:
            rows.append([])
        elif has_han(ch) or i >= typed:
            rows[-1].append(value)
    return [row for row in rows if row] if rows else []


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
    PoemScreen .poem-row {
        height: 1;
        padding: 0 1;
        display: none;
    }
    PoemScreen .poem-row.-editing, PoemScreen .poem-row.-set {
        display: block;
    }
    PoemScreen #poem-acrostic-message {
        display: none;
        padding: 0 1;
    }
    PoemScreen #poem-acrostic-message.-error {
        display: block;
    }
    PoemScreen .poem-row > Label {
        width: auto;
        padding-right: 1;
        color: $text-accent;
    }
    PoemScreen #poem-acrostic, PoemScreen #poem-prefix {
        width: 1fr;
    }
    PoemScreen #predict-settings {
        height: 2;  /* the sampling settings, then the rules */
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
        Binding("ctrl+o", "acrostic", "Acrostic", id="poem.acrostic",
                tooltip="type characters that start the lines in turn (藏头诗)"),
        Binding("p", "prefix", "Mood", id="poem.prefix",
                tooltip="a mood text the network reads before the poem but does not write"),
        Binding("f", "form", "Form", id="poem.form",
                tooltip="the form rule on or off (off: the network alone keeps the form)"),
        Binding("t", "tones", "Tones", id="poem.tones",
                tooltip="the tone rule on or off (the regulated pattern line 1 sets)"),
        Binding("l", "lines", "Lines", id="poem.lines", tooltip="4 or 8 lines (绝句 or 律诗)"),
        Binding("c", "size", "Chars", id="poem.size",
                tooltip="characters a line: the first line's, 5 or 7"),
        Binding("n,ctrl+n", "candidates", "Next lines", id="poem.candidates",
                tooltip="five candidate next lines to choose from (1-5 takes one)"),
        Binding("w", "write", "Write", id="poem.write",
                tooltip="write the rest of the poem (enter, from the field)"),
        *[Binding(str(k), f"pick({k})", f"Line {k}", id=f"poem.pick{k}", show=False,
                  tooltip=f"take candidate line {k}") for k in range(1, CANDIDATES + 1)],
    ]

    @dataclass
    class TokenGenerated(Message, bubble=False):
        generation: int
        token: str

    @dataclass
    class GenerationEnded(Message, bubble=False):
        generation: int
        rhyme: str = ""  # whether the written poem rhymes, in words ("" for words)
        reading: object = None  # its tones (rnntui.poetry.meter.Reading), characters only
        kept: str = ""  # what the network alone gave the rules, in words
        ping: list = field(default_factory=list)  # per line, the network's P(平) a character

    @dataclass
    class CandidatesFound(Message, bubble=False):
        text: str  # the typed text they follow
        lines: list  # rnntui.poetry.writing.CandidateLine

    @dataclass
    class ToneSplit(Message, bubble=False):
        text: str
        ping: float
        ze: float

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
        self.prefix = ""
        self.form = True
        self.tones = False
        self.chars: int | None = None  # characters a line (None: the first line's)
        self.reading = None  # the written poem's tones, once it is whole
        self.ping: list = []  # per line, the network's P(平) at each written character
        self.candidate_lines: list = []

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        with Horizontal(id="poem-acrostic-row", classes="poem-row"):
            yield Label("acrostic", id="poem-acrostic-label")
            yield Input(placeholder="e.g. 春夏秋冬 (enter: use, empty: none)",
                        id="poem-acrostic", compact=True)
        # The acrostic's own message line, under the field where the heads are typed.
        yield InlineMessage(id="poem-acrostic-message", classes="play-message")
        with Horizontal(id="poem-prefix-row", classes="poem-row"):
            yield Label("mood", id="poem-prefix-label")
            yield Input(placeholder="e.g. 秋风 (read before the poem, not written; enter: "
                        "use, empty: none)", id="poem-prefix", compact=True)
        yield Static("poem (enter writes one)", classes="section", id="predict-output-title")
        with VerticalScroll(id="predict-output-pane"):
            yield Static(id="predict-output")

    # -- settings ----------------------------------------------------------------------------
    POEM_ACTIONS = ("top_p", "rhyme", "acrostic", "prefix", "form", "tones", "lines", "size",
                    "candidates", "pick")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.POEM_ACTIONS:
            # a run of words has no rhyme, no acrostic, no top-p, no form
            if not self.by_character:
                return False
            if action == "pick":
                return bool(self.candidate_lines) or None
            if action == "rhyme" and in_field(self):
                return False  # "slash" (/): printable, but Textual does not know it as such
        return super().check_action(action, parameters)

    def _options(self, lines: int | None = None):
        """The writer's options as the screen's settings say."""
        from rnntui.poetry.writing import WritingOptions

        return WritingOptions(temperature=self.temperature, top_p=self.top_p,
                              lines=self.lines if lines is None else lines,
                              length=self.length, rhyme=self.rhyme, acrostic=self.acrostic,
                              prefix=self.prefix, form=self.form, size=self.chars,
                              tones=self.tones)

    def _rules_changed(self) -> None:
        self.candidate_lines = []
        self.draw_settings()
        if self.field.value:
            self.typed(self.field.value)  # the bars follow the rules

    def action_form(self) -> None:
        self.form = not self.form
        self._rules_changed()

    def action_tones(self) -> None:
        self.tones = not self.tones
        self._rules_changed()

    def action_lines(self) -> None:
        self.lines = 8 if self.lines == 4 else 4
        self._rules_changed()

    def action_size(self) -> None:
        self.chars = SIZE_STEPS[(SIZE_STEPS.index(self.chars) + 1) % len(SIZE_STEPS)]
        self._rules_changed()

    def action_write(self) -> None:
        self.start_poem(self.field.value)

    def action_prefix(self) -> None:
        row = self.query_one("#poem-prefix-row")
        field = self.query_one("#poem-prefix", Input)
        row.add_class("-editing")
        field.value = self.prefix
        field.focus()

    @on(Input.Submitted, "#poem-prefix")
    def _prefix_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.prefix = event.value.strip()
        row = self.query_one("#poem-prefix-row")
        row.remove_class("-editing")
        row.set_class(bool(self.prefix), "-set")
        self.field.focus()
        self._rules_changed()
        self.query_one(InlineMessage).note(
            f"mood {self.prefix}: read before the poem, not written" if self.prefix
            else "no mood text")

    def action_top_p(self, direction: int) -> None:
        at = TOP_P_STEPS.index(self.top_p)
        self.top_p = TOP_P_STEPS[min(max(at + direction, 0), len(TOP_P_STEPS) - 1)]
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
        heads = "".join(event.value.split())
        unknown = self._unknown_heads(heads)
        said = self.query_one("#poem-acrostic-message", InlineMessage)
        if unknown:  # said where it was typed; the field keeps what was typed
            said.error(f"the network does not know {unknown}: choose other characters to "
                       "start the lines with")
            return
        said.clear()
        self.acrostic = heads
        row = self.query_one("#poem-acrostic-row")
        row.remove_class("-editing")
        row.set_class(bool(self.acrostic), "-set")  # it stays in view while it is used
        self.field.focus()
        self.draw_settings()
        self.query_one(InlineMessage).note(
            f"acrostic {self.acrostic}: enter writes a poem whose lines start with them"
            if self.acrostic else "no acrostic")
        self.candidate_lines = []
        if self.field.value.strip():  # a typed first line must start with the first head
            self.typed(self.field.value)

    def _unknown_heads(self, heads: str) -> str:
        """The characters of `heads` the run's vocabulary lacks (in its script)."""
        from rnntui.poetry.script import to_script

        script = self.run.hparams.get("script")
        converted = to_script(heads, script) if script and heads else heads
        try:
            known = set(self.run.vocab() or ())
        except (OSError, ValueError):  # a damaged vocabulary is said when the run opens
            return ""
        if not known:
            return ""
        return "".join(c for c, t in zip(heads, converted) if t not in known)

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
            text.append_text(Text.assemble(("  ", "dim"), (f"{self.lines} lines", "bold")))
        if self.by_character:
            size = "first line's" if self.chars is None else str(self.chars)
            text.append_text(Text.assemble(
                (" l\n", "dim"), ("chars ", "dim"), (size, "bold"), (" c  ", "dim"),
                ("form ", "dim"), ("on" if self.form else "off", "bold"), (" f  ", "dim"),
                ("tones ", "dim"), ("on" if self.tones else "off", "bold"), (" t", "dim")))
        return text

    # -- the bars, with the rules and the 平/仄 split --------------------------------------
    def next_tokens(self, play, text: str) -> list[tuple[str, float]]:
        if not self.by_character:
            return play.next_tokens(text, 5)
        options = self._options()
        pairs = play.next_tokens(text, 5, self.prefix, options)
        play.check(text, options)  # a start the rules refuse: said where it was typed
        ping, ze = play.writer.tone_split(play.start(text, self.prefix), options)
        self.post_message(self.ToneSplit(text, ping, ze))
        return pairs

    def on_poem_screen_tone_split(self, message: ToneSplit) -> None:
        if message.text != self.field.value:
            return
        title = self.query("#predict-bars-title")
        words = (f"next, most likely first · the network: 平 {message.ping:.0%}  仄 "
                 f"{message.ze:.0%}" if message.ping or message.ze
                 else "next, most likely first · a mark comes next")
        for widget in title:
            widget.update(words)

    def compose_bars(self) -> ComposeResult:
        yield Static(self.SECTION, classes="section", id="predict-bars-title")
        yield ProbabilityBars(empty="…", id="predict-bars")

    # -- candidate lines -----------------------------------------------------------------
    def action_candidates(self) -> None:
        text = self.field.value
        if not text.strip() and not self.acrostic:
            self.query_one(InlineMessage).error("type a first line (or give an acrostic: "
                                                "ctrl+o) first")
            return
        self.query_one("#predict-output-pane").focus()  # 1-5 take a line, not type it
        if self.generating:
            self._stop_generation("")
        self.poem_seed, self.poem_tokens, self.reading = text, [], None
        self.poem_status = "finding five next lines…"
        self._draw_poem()
        self._find_candidates(text)

    @work(thread=True, exclusive=True, group="candidates", exit_on_error=False,
          description="find candidate next lines")
    def _find_candidates(self, text: str) -> None:
        with self.reporting("could not find candidate lines", text):
            play = self.handle.get()
            options = self._options()
            play.check(text, options)
            lines = play.next_lines(play.start(text, self.prefix), CANDIDATES, options)
            self.post_message(self.CandidatesFound(text, lines))

    def on_poem_screen_candidates_found(self, message: CandidatesFound) -> None:
        if message.text != self.field.value:
            return
        self.candidate_lines = message.lines
        self.poem_status = ""
        self.refresh_bindings()
        self._draw_poem()

    def action_pick(self, k: int) -> None:
        if not 1 <= k <= len(self.candidate_lines):
            return
        from rnntui.poetry.script import to_script

        chosen = self.candidate_lines[k - 1]
        typed = "".join(self.field.value.split())
        script = self.run.hparams.get("script")
        typed = to_script(typed, script) if script else typed
        if typed and typed[-1] not in LINE_ENDS and not chosen.line.startswith(typed[-1:]):
            # a whole typed line: the candidate follows its mark
            typed += "，"
        self.candidate_lines = []
        self.refresh_bindings()
        self.field.value = typed + chosen.line  # the bars follow (Changed)
        self.poem_seed, self.poem_tokens = self.field.value, []
        self.poem_status = f"took line {k}: n for the next, w writes the rest"
        self._draw_poem()

    # -- writing -----------------------------------------------------------------------------
    def typed(self, text: str) -> None:
        if self.generating:
            self._stop_generation("stopped: the first line changed")
        if self.candidate_lines and text != self.poem_seed:
            self.candidate_lines = []
            self.refresh_bindings()
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
        self.reading, self.candidate_lines = None, []
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
        rhyme = kept = ""
        reading = None
        ping: list = []
        with self.reporting("generation failed", seed):
            play = self.handle.get()
            if self.by_character:
                from rnntui.play.tokens import ended, kept_words, rhyme_words
                from rnntui.poetry.meter import MeterError, read_tones

                if not seed.strip() and not self.acrostic:
                    raise InputError("type a first line (or give an acrostic: ctrl+o)")
                options = self._options()
                play.check(seed, options)
                # the very state the bars were read from
                poem = play.write(seed, options, self.rng, play.start(seed, self.prefix))
                tokens = [*poem.written, *([END] if ended(poem) else [])]
                rhyme, kept = rhyme_words(poem), kept_words(poem)
                try:
                    reading = read_tones(poem.text)
                except MeterError:
                    reading = None
                ping = ping_rows(poem)
            else:
                tokens = play.generate(seed, self.length, self.temperature, rng=self.rng,
                                       lines=self.lines)
            for token in tokens:
                if worker.is_cancelled:
                    return
                post(self.TokenGenerated(generation, token))
                if self.token_pause and worker.cancelled_event.wait(self.token_pause):
                    return
        post(self.GenerationEnded(generation, rhyme, reading, kept, ping))

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
        if message.kept:
            self.poem_status += f"\n{message.kept} (f turns the form rule off)"
        self.reading = message.reading
        self.ping = message.ping
        self._draw_poem()

    def on_play_screen_refused(self, message) -> None:
        # A refused poem (no first line, an acrostic it cannot write) is not in flight.
        if self.generating:
            self._stop_generation(" ")
        super().on_play_screen_refused(message)

    def clear_answer(self) -> None:
        super().clear_answer()  # the bars
        for title in self.query("#predict-bars-title"):  # the split was the last line's
            title.update(self.SECTION)
        if not self.poem_tokens and self.poem_seed == self.field.value:
            # the refused line itself, nothing written after it: the message says why
            self.poem_seed, self.poem_status, self.reading = "", "", None
            self._draw_poem()
        elif self.poem_tokens or self.poem_seed:  # a poem written from an earlier first line
            self.poem_status = f"✗ written after {self.poem_seed!r}, not the field's line"
            self._draw_poem()

    def _draw_poem(self) -> None:
        separator = "" if self.by_character else " "
        if self.reading is not None and not self.generating:
            # the whole poem, its 平仄 under each line
            text = tones_text(self.reading, self.poem_seed + "".join(
                t for t in self.poem_tokens if t != END), self.ping)
        else:
            text = poem_text(self.poem_seed, self.poem_tokens, separator)
        if self.candidate_lines:
            text.append("\n\ncandidate next lines (1-5 takes one):\n", style="bold")
            for k, c in enumerate(self.candidate_lines, 1):
                marks = []
                if c.rhymes is not None:
                    marks.append(f"韵 {c.rhyme_group}" if c.rhymes else "does not rhyme")
                if c.breaks:
                    marks.append("breaks at " + ",".join(str(b + 1) for b in c.breaks))
                text.append(f"{k}  {c.line}  ", style="bold")
                text.append(f"log p {c.log_probability:.1f}  {c.tones}"
                            + (f"  {' · '.join(marks)}" if marks else "") + "\n", style="dim")
        if self.poem_status.strip():
            text.append(f"\n\n{self.poem_status}", style="dim italic")
        self.query_one("#predict-output", Static).update(text)

    def before_reload(self) -> None:
        if self.generating:
            self._stop_generation("stopped: reloading the weights")

