"""`rnntui open RUN [--screen ...]`: the app, started on one run's screen (as `harlequin
FILE` opens a database)."""

from __future__ import annotations

import argparse
from typing import Any

from rnntui.runs import RunStore

SCREENS = ("training", "gates", "predict", "compare", "units", "saturation")  # ui.messages.RUN_SCREENS, without Textual


def register(sub: Any) -> None:
    opener = sub.add_parser("open", help="open the app on a run's screen")
    opener.add_argument("run", help="a run name (see `rnntui runs`) or folder")
    opener.add_argument("--screen", choices=SCREENS, default="training",
                        help="which of the run's screens (default: training)")
    opener.set_defaults(handler=cmd_open)


def cmd_open(args: argparse.Namespace) -> int:
    run = RunStore().open(args.run)  # a bad name fails here, in one line, before the app
    from rnntui.ui.app import run_app

    return run_app(start=(run, args.screen))
