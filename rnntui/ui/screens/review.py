"""The review screen (imdb): P(positive) of a typed review, with the words the network
cannot know (outside its vocabulary) marked. The word index is the run's copy or Keras's
cached one; when neither is there the screen says so and what to do."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from rnntui.ui.screens.predict import PredictScreen
from rnntui.ui.widgets.inline_message import InlineMessage
from rnntui.ui.widgets.probability_bars import ProbabilityBars


class ReviewScreen(PredictScreen):
    """Positive or negative, word by word."""

    INFO = "type a review in English: positive or negative?"
    LABEL = "review"
    PLACEHOLDER = "e.g. this movie was wonderful"
    DEFAULT_CSS = """
    ReviewScreen #predict-words {
        height: auto;
    }
    """

    @dataclass
    class Judged(Message, bubble=False):
        text: str
        probability: float | None  # None: no known word, so no label
        words: list[tuple[str, bool]]

    def __init__(self, run, *, seed: int | None = None):
        super().__init__(run, seed=seed)
        self.probability: float | None = None
        self.words: list[tuple[str, bool]] = []

    def compose_body(self) -> ComposeResult:
        yield Static("sentiment", classes="section")
        yield ProbabilityBars(empty="…", id="predict-bars")
        with VerticalScroll(id="predict-output-pane"):
            yield Static(id="predict-words")

    def typed(self, text: str) -> None:
        self._judge(text)

    @work(thread=True, exclusive=True, group="predict", exit_on_error=False,
          description="judge the review")
    def _judge(self, text: str) -> None:
        with self.reporting("could not judge", text):
            play = self.handle.get()
            self.handle.need()
            probability, words = play.sentiment(text)
            self.post_message(self.Judged(text, probability, words))

    def on_review_screen_judged(self, message: Judged) -> None:
        if message.text != self.field.value:
            return
        self.probability, self.words = message.probability, message.words
        p = message.probability
        if p is None:  # no word it knows: a sentence, not a label
            self.query_one("#predict-bars", ProbabilityBars).clear()
            self.query_one("#predict-words", Static).update("")
            self.query_one(InlineMessage).say("", self.handle.get().no_label(message.words))
            return
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
