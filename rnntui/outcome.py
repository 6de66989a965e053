"""How a training ended, in the words a learner reads: the training screen's result box, the
cell queue's notes, `rnntui train` and the compare view all say it with `headline`.

"✓ completed after 1 epochs" after four were trained hid that epoch 1 was kept; these words
say how many epochs were trained and which one was kept. No Keras, no Textual.
"""

from __future__ import annotations

from typing import Any

MARKS = {"completed": "✓", "stopped": "■", "nan": "✗", "diverged": "✗", "failed": "✗"}


def epochs(n: int) -> str:
    """'1 epoch', '4 epochs'."""
    return f"{n} epoch{'' if n == 1 else 's'}"


_epochs = epochs


def headline(ended: Any) -> str:
    """One line for a run's end, from a `TrainingFinished` or a `RunStatus` (anything with
    `status`, `epochs`, and optionally `trained_epochs`, `best_epoch`, `diverged_at`).

    Returns:
        e.g. "✓ completed: trained 4 epochs, kept epoch 1",
        "✗ diverged at epoch 38, best epoch 9 kept", "■ stopped: trained 3 epochs".
    """
    status = ended.status
    kept = int(ended.epochs or 0)
    trained = getattr(ended, "trained_epochs", None) or kept
    best = getattr(ended, "best_epoch", None)
    mark = MARKS.get(status, "·")
    kept_text = f", kept epoch {kept}" if kept != trained else ""
    if status == "diverged":
        at = getattr(ended, "diverged_at", None)
        where = f" at epoch {at}" if at else ""
        which = f"best epoch {kept} kept" if best is not None else f"last epoch {kept} kept"
        return f"{mark} diverged{where}, {which}"
    if status == "nan":
        which = ((f"best epoch {kept} kept" if best is not None and kept != trained
                  else f"last good epoch {kept} kept") if kept else "nothing kept")
        return f"{mark} loss became NaN in epoch {trained + 1}, {which}"
    if status in ("completed", "stopped"):
        return f"{mark} {status}: trained {_epochs(trained)}{kept_text}"
    return f"{mark} {status}: {_epochs(kept)}"
