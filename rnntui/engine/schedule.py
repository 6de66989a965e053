"""The learning rate of each epoch, from the run's hyperparameters and its history alone.

A pure function, so a resumed run gets the very rate it would have had without the stop
(plateau included: its cuts are replayed from the history's losses), and the trainer sets it
on the optimizer at each epoch's start. No Keras here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

LR_KEY = "learning_rate"  # the history's column (the name Keras's own schedulers log)
# Reduce on plateau counts an epoch as better only by more than this (Keras's min_delta).
MIN_DELTA = 1e-4


def learning_rate_at(hp: Mapping[str, Any], epoch: int,
                     history: Sequence[Mapping[str, float]] = ()) -> float:
    """The learning rate of 0-based `epoch`.

    Args:
        hp: the run's hyperparameters (learning_rate, lr_schedule, lr_decay, lr_patience,
            epochs).
        epoch: the epoch about to be trained, 0 for the first.
        history: the epochs trained before it (only plateau reads it: val_loss, else loss).
    """
    start = float(hp["learning_rate"])
    schedule = hp.get("lr_schedule", "constant")
    decay = float(hp.get("lr_decay", 0.9))
    if schedule == "exponential":
        return start * decay ** epoch
    if schedule == "cosine":
        # Half a cosine over the run's epochs: the first epoch at the full rate, the last
        # still above 0 (a last epoch at rate 0 would be wasted).
        return start * 0.5 * (1.0 + math.cos(math.pi * min(epoch, hp["epochs"]) /
                                             max(int(hp["epochs"]), 1)))
    if schedule == "plateau":
        return start * decay ** plateau_cuts(history[:epoch], int(hp.get("lr_patience", 2)))
    return start


def plateau_cuts(history: Sequence[Mapping[str, float]], patience: int) -> int:
    """How many times reduce-on-plateau has cut the rate after these epochs (as Keras's
    ReduceLROnPlateau: no cooldown, the wait starts again after a cut)."""
    cuts, wait, best = 0, 0, math.inf
    for record in history:
        loss = record.get("val_loss", record.get("loss", math.nan))
        if not math.isfinite(loss):
            continue
        if loss < best - MIN_DELTA:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                cuts, wait = cuts + 1, 0
    return cuts
