"""The --ablate options `predict`, `score` and `cells` share, below those commands' modules
(so cli/play.py and cli/units.py need not import each other)."""

from __future__ import annotations

import argparse
from typing import Any

from rnntui.cli.common import UserError


def add_ablate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ablate", metavar="LAYER:UNIT[,...]", default=None,
                        help="pin these units of h (recurrent layer from 0, unit) at every "
                        "step, and show the result beside the intact network's")
    parser.add_argument("--ablate-mode", choices=("zero", "mean"), default="zero",
                        help="--ablate: pin to 0 (default) or to each unit's mean over the "
                        "held-out data")


def pins_for(units: Any, spec: str, mode: str) -> tuple[Any, dict | None]:
    """The units `--ablate` names, and their means for --ablate-mode mean."""
    from rnntui.units.ablation import AblationError, parse_units, unit_means

    try:
        pinned = parse_units(spec, units.net)
    except AblationError as exc:
        raise UserError(str(exc)) from None
    means = unit_means(units.net, units.held_out, pinned) if mode == "mean" else None
    return pinned, means
