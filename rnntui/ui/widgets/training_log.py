"""The training screen's log pane: a RichLog that keeps a bounded, small amount of memory."""

from __future__ import annotations

from textual.cache import LRUCache
from textual.widgets import RichLog

CROPPED_LINES = 128  # lines kept cropped to the pane: more than any terminal shows at once


class TrainingLog(RichLog):
    """The last `max_lines` lines of a training session's log, newest at the bottom.

    RichLog keeps the last 1,024 lines it cropped to its width, each with its own caches of
    styled copies (~2.5 KB a line). A log that scrolls one line an epoch fills that over
    thousands of epochs: the app's memory grew by ~1 KB an epoch in a 1,000-epoch soak. The
    pane shows a few dozen lines at most, so it keeps the cropped copies of CROPPED_LINES.
    """

    def __init__(self, *, max_lines: int, id: str | None = None):
        super().__init__(id=id, max_lines=max_lines, wrap=True, markup=False, auto_scroll=True)
        # A private cache of RichLog's (Textual 8): tests/test_ui_training.py checks the size.
        self._line_cache = LRUCache(CROPPED_LINES)
