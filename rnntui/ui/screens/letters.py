"""The letters screen: type letters, the bars show the next one; enter continues the sequence
with `length` letters sampled at `temperature` (0: always the likeliest). A run with a 2-d
embedding (embed4) shows each letter where its embedding puts it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from rnntui.play import Play
from rnntui.ui.screens.predict import WritingScreen
from rnntui.ui.widgets.embedding_plot import EmbeddingPlot


class LettersScreen(WritingScreen):
    """The next letter, and the sequence continued."""

    INFO = "type letters: the bars show the next one · enter continues"
    LABEL = "letters"
    PLACEHOLDER = "e.g. abcd"
    UNIT = "letters"

    @dataclass
    class Embedded(Message, bubble=False):
        """Letters at their learned 2-d embedding."""

        points: list[tuple[str, float, float]]

    @dataclass
    class Continued(Message, bubble=False):
        """`tokens` continue `text`."""

        text: str
        tokens: list[str]

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        yield Static("continued (enter)", classes="section", id="predict-output-title")
        with VerticalScroll(id="predict-output-pane"):
            yield Static(id="predict-output")
        if self.run.hparams.embedding_dim == 2:
            yield EmbeddingPlot(id="predict-embedding")

    def opened(self, play: Play) -> None:
        points = play.embedding_points()
        if points:
            self.post_message(self.Embedded(points))

    def on_letters_screen_embedded(self, message: Embedded) -> None:
        self.query_one(EmbeddingPlot).show(message.points)

    def clear_answer(self) -> None:
        super().clear_answer()
        self.query_one("#predict-output", Static).update("")

    def submitted(self, text: str) -> None:
        self._continue_letters(text, self.length, self.temperature)

    @work(thread=True, exclusive=True, group="generate", exit_on_error=False,
          description="continue the letters")
    def _continue_letters(self, text: str, length: int, temperature: float) -> None:
        with self.reporting("could not continue", text):
            play = self.handle.get()
            tokens = list(play.generate(text, length, temperature, rng=self.rng))
            self.post_message(self.Continued(text, tokens))

    def on_letters_screen_continued(self, message: Continued) -> None:
        field = self.field
        if field.value != message.text:
            return
        added = "".join(message.tokens)
        output = Text.assemble((message.text, "bold"), (added, "reverse"))
        self.query_one("#predict-output", Static).update(output)
        field.value = message.text + added  # the bars follow the new end
        field.cursor_position = len(field.value)
