"""The training screen's sample pane: what the network did at the end of an epoch.

The newest epoch's sample while training (char-rnn's habit); the epoch under the plots'
cursor once the cursor is placed (← →), so a finished run's samples read epoch by epoch.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from rnntui.engine.events import EpochSampled


class SampleLog(Static):
    """One epoch's sample (its lines), titled with the epoch it is of."""

    DEFAULT_CSS = """
    SampleLog {
        height: auto;
        max-height: 5;
        padding: 0 1;
        border-top: round $primary 50%;  /* a titled rule, no box: the plots keep the rows */
        overflow-y: auto;
    }
    """

    def show(self, sample: EpochSampled | None, epochs: int, at_cursor: bool = False) -> None:
        """Show `sample` (None: nothing sampled yet, or not at that epoch).

        Args:
            sample: the sample to show.
            epochs: how many epochs have a sample (for the title).
            at_cursor: it is the cursor's epoch, not the newest.
        """
        self.display = sample is not None or epochs > 0
        if sample is None:
            self.border_title = "sample"
            self.update(Text("no sample at this epoch", style="italic"))
            return
        where = "at the cursor" if at_cursor else "newest"
        self.border_title = f"sample · epoch {sample.epoch} ({where}; {epochs} kept)"
        self.update(Text("\n".join(sample.lines)))
