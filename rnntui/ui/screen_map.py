"""Which screen class shows what: the one place a screen is chosen by name.

Below the App and every screen, so both import it: the App pushes what it picks here, and a
screen that makes another (the predict screen of a play kind) asks the same map.
"""

from __future__ import annotations

import importlib
from typing import Any

# The screen that plays a run, by its task's play kind (rnntui.play.PLAYS has the same keys):
# the one place a play screen is chosen.
PLAY_SCREENS = {"letters": ("letters", "LettersScreen"), "sequence": ("sequence", "SequenceScreen"),
                "poem": ("poem", "PoemScreen"), "forecast": ("forecast", "ForecastScreen"),
                "review": ("review", "ReviewScreen"), "dice": ("dice", "DiceScreen")}

# Screens that show one run and take only it, by the name a screen asks for (RUN_SCREENS).
RUN_VIEWS = {"gates": ("gates", "GatesScreen"), "units": ("units", "UnitsScreen"),
             "saturation": ("saturation", "SaturationScreen")}


def screen_class(module: str, name: str) -> Any:
    """A screen class from `rnntui.ui.screens.<module>`, imported when first needed.

    Only the tasks screen is imported at startup: the others bring plotext and a dozen
    widget modules, ~0.1 s before anything could be drawn.
    """
    return getattr(importlib.import_module(f"rnntui.ui.screens.{module}"), name)
