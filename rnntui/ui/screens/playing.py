"""What the gates and predict screens share: a run opened for play, once, from a worker.

No Textual here. Opening a run reads its weights (tens of milliseconds for a big model), so
the screens call `PlayHandle.get` from a thread worker.
"""

from __future__ import annotations

import threading

from rnntui.play import Play, ReviewPlay, open_play
from rnntui.runs import Run
from rnntui.tasks import DataUnavailable, SourceField


class PlayHandle:
    """A run opened once, on first use, from whichever worker thread asks first.

    What the run lacks to be played here (a review run's word index: the app never
    downloads it, as that is the CLI's to do) is in `missing` after `get`, and `need`
    raises it, so a screen says so instead of answering.
    """

    def __init__(self, run: Run):
        self.run = run
        self._play: Play | None = None
        self._lock = threading.Lock()
        self._words: dict[str, int] | None = None
        self._supplied: str | None = None  # a file typed on the screen, read again on reload
        self.missing: DataUnavailable | None = None

    def get(self) -> Play:
        """The opened run. Raises RunError (no checkpoint, unreadable weights)."""
        with self._lock:
            if self._play is None:
                play = open_play(self.run)
                if self._words is not None and isinstance(play, ReviewPlay):
                    play.use_word_index(self._words)
                if self._supplied is not None and play.missing() is not None:
                    play.supply_file(self._supplied)
                self.missing = play.missing()
                self._play = play
            return self._play

    def reload(self) -> None:
        """Forget the opened weights: the next `get` reads the newest checkpoint."""
        with self._lock:
            self._play = None

    def use_words(self, word_index: dict[str, int]) -> None:
        """Use this word index instead of the run's or Keras's (tests, a file given)."""
        with self._lock:
            self._words = dict(word_index)
            if isinstance(self._play, ReviewPlay):
                self._play.use_word_index(self._words)
                self.missing = None

    @property
    def wanted(self) -> SourceField | None:
        """The file field that would give what the run lacks (None: nothing lacks, or no
        file gives it)."""
        with self._lock:
            play = self._play
        return play.wanted_file() if play is not None and self.missing is not None else None

    def supply(self, path: str) -> None:
        """Read `path` for what the run lacks (from a worker: it reads a file).

        Raises:
            DataUnavailable: the file does not give it; RunError: the run cannot be opened.
        """
        play = self.get()
        with self._lock:
            play.supply_file(path)
            self._supplied = path
            self.missing = play.missing()

    def need(self) -> None:
        """Raise what the run lacks to be played here, if anything."""
        if self.missing is not None:
            raise self.missing
