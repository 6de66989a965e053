"""The app's export key: a run's history as CSV, written into the run's folder."""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen

from rnntui.runs.history_csv import write_history_csv


def export_history(screen: Screen, name: str, history: list[dict[str, float]],
                   folder: Path) -> Path | None:
    """Write a run's history as CSV into its folder and say where in a notification (the
    compare and training screens' export key).

    Returns:
        The file written, or None (nothing to write, or it could not be: notified).
    """
    if not history:
        screen.notify(f"{name} has no complete epoch yet: nothing to export.",
                      severity="warning")
        return None
    try:
        path = write_history_csv(history, folder)
    except OSError as exc:
        screen.notify(f"cannot write {folder}: {exc.strerror or exc}", title="Export",
                      severity="error")
        return None
    screen.notify(f"Wrote {path}", title=f"{name}: history as CSV")
    return path
