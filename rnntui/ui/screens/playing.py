"""What the gates and predict screens share: opening a run for play, and default inputs.

No Textual here. Opening a run reads its weights (tens of milliseconds for a big model), so
the screens call `open_playground` from a thread worker.
"""

from __future__ import annotations

import threading

from rnntui.playground import LETTER_TASKS, Playground
from rnntui.runs import Run
from rnntui.tasks import DataUnavailable
from rnntui.tasks.corpus import END, UNK

# Seed 004's seed text first, then other famous first lines: a run whose corpus lacks a
# character of one (or held its poem out) starts from the next it can read.
FIRST_LINES = ("床前明月光", "白日依山尽", "春眠不觉晓", "红豆生南国", "千山鸟飞绝", "牀前明月光")
SAMPLE_REVIEW = "this movie was wonderful and the acting was great"


class PlayHandle:
    """A run opened once, on first use, from whichever worker thread asks first.

    For imdb it also loads Keras's word index, from the cache only: downloading would import
    Keras (and TensorFlow, ~3 s and C++ logs on the terminal) into the UI process. When the
    index is not cached, `words_missing` holds DataUnavailable's message and `need_words`
    raises it, so no call ever reaches the Playground's downloading path.
    """

    def __init__(self, run: Run):
        self.run = run
        self._play: Playground | None = None
        self._lock = threading.Lock()
        self._words: dict[str, int] | None = None
        self.words_missing: DataUnavailable | None = None

    def get(self) -> Playground:
        """The opened run. Raises RunError (no checkpoint, unreadable weights)."""
        with self._lock:
            if self._play is None:
                play = Playground.open(self.run)
                if play.task.id == "imdb":
                    self._load_words(play)
                self._play = play
            return self._play

    def reload(self) -> None:
        """Forget the opened weights: the next `get` reads the newest checkpoint."""
        with self._lock:
            self._play = None

    def _load_words(self, play: Playground) -> None:
        from rnntui.tasks.imdb import load_word_index

        try:
            words = self._words if self._words is not None else load_word_index(download=False)
        except DataUnavailable as exc:
            self.words_missing = exc
            return
        play.use_word_index(words)
        self.words_missing = None

    def use_words(self, word_index: dict[str, int]) -> None:
        """Use this word index instead of Keras's cached one (tests, a --word-index file)."""
        with self._lock:
            self._words = dict(word_index)
            if self._play is not None:
                self._play.use_word_index(self._words)
                self.words_missing = None

    def need_words(self) -> None:
        if self.words_missing is not None:
            raise self.words_missing


def default_text(play: Playground) -> str:
    """An input the network can read, to show something before the user types."""
    task_id = play.task.id
    if task_id in LETTER_TASKS:
        alphabet = getattr(play.task, "alphabet", "abcde")
        return alphabet[: play.hp.seq_len]
    if task_id == "sine":
        return ""  # the first held-out window
    if task_id == "imdb":
        return SAMPLE_REVIEW
    if task_id == "dice":
        from rnntui.dice_play import SEED_ROLLS

        return SEED_ROLLS
    known = set(play.vocab or ())
    for line in FIRST_LINES:
        if all(ch in known for ch in line):
            return line
    tokens = [t for t in (play.vocab or ()) if t not in (END, UNK) and not t.isspace()]
    return "".join(tokens[:5]) if play.hp.get("tokens", "char") == "char" else " ".join(tokens[:3])
