"""The line every screen's header shows while a run trains in the background.

Training goes on when its screen is left (the service owns the worker): without this line
nothing on the tasks, compare or play screens says that a run is still training, nor how
far it is. No Textual here: the app puts the text in its title, which every Header shows.
"""

from __future__ import annotations

from rnntui.ui import figures
from rnntui.ui.session import PAUSED, TrainingSession

_BADGES = {PAUSED: "‖"}  # paused; anything else active reads as training (●)


def status_text(session: TrainingSession | None) -> str:
    """'● NAME 3/15 loss 0.1234' while `session` is active (‖ when paused), else ''.

    Short: the header of an 80-column terminal has about 60 columns for it and the
    screen's own name."""
    if session is None or not session.active:
        return ""
    parts = [f"{_BADGES.get(session.state, '●')} {session.name}",
             f"{session.epochs_done}/{session.epochs_target}"]
    if len(session.history):
        loss = session.history[-1].get("loss")
        if loss is not None:
            parts.append(f"loss {figures.figure(loss)}")
    return " ".join(parts)
