"""The app's export key: a run's history as CSV, written into the run's folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual.screen import Screen

from rnntui.runs import Run, RunError
from rnntui.runs.history_csv import run_history, write_history_csv


def export_history(screen: Screen, run: Run,
                   shown: Sequence[dict[str, float]] = ()) -> Path | None:
    """Write a run's history as CSV into its folder and say where in a notification (the
    compare and training screens' export key): every epoch on disk, the kept one marked
    after an early stop; `shown`, a training's epochs on screen, when it is ahead of disk.

    Returns:
        The file written, or None (nothing to write, or it could not be: notified).
    """
    try:
        history, kept = run_history(run)
    except RunError as exc:
        screen.notify(str(exc), title="Export", severity="error")
        return None
    if len(shown) > len(history):  # a training between two checkpoints
        history, kept = list(shown), None
    if not history:
        screen.notify(f"{run.name} has no complete epoch yet: nothing to export.",
                      severity="warning")
        return None
    try:
        path = write_history_csv(history, run.path, kept)
    except OSError as exc:
        screen.notify(f"cannot write {run.path}: {exc.strerror or exc}", title="Export",
                      severity="error")
        return None
    screen.notify(f"Wrote {path}", title=f"{run.name}: history as CSV")
    return path
