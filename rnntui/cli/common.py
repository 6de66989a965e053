"""What every command shares: one-line errors, JSON output, number formatting."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any, NoReturn

EXIT_ERROR = 2
EXIT_NAN = 3


class UserError(Exception):
    """Something the user can fix; printed as one line, exit 2."""


def fail(message: str) -> NoReturn:
    from rnntui.config import shown  # a run's folder name or a lock holder may hold escapes

    print(f"rnntui: {shown(message)}", file=sys.stderr)
    sys.exit(EXIT_ERROR)


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=_jsonable))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def fmt(value: float) -> str:
    """A figure for a terminal line: 4 decimals, or thousands separators when large."""
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4f}" if abs(value) < 1000 else f"{value:,.0f}"


def fmt_figure(name: str, value: float) -> str:
    """A named figure: a perplexity to one decimal (121.4), anything else as `fmt`."""
    if name == "perplexity" and math.isfinite(value):
        return f"{value:,.1f}"
    return fmt(value)


BACKEND_HELP = ("Keras backend: tensorflow (default), jax or torch; also read from "
                "$KERAS_BACKEND")


def add_backend_option(parser: Any, default: Any = argparse.SUPPRESS) -> None:
    """`--backend`, before the subcommand (`rnntui --backend jax train sine`, default None)
    and on it (`rnntui train sine --backend jax`), where SUPPRESS keeps a value given
    before."""
    from rnntui.engine.backend import BACKENDS  # plain Python: no backend is imported

    parser.add_argument("--backend", choices=BACKENDS, default=default, help=BACKEND_HELP)


def choose_backend(name: str | None) -> str:
    """Fix Keras's backend for this process (and the processes it starts) before Keras loads.

    Raises:
        UserError: for a backend that is not installed.
    """
    from rnntui.engine.backend import BackendError, select_backend

    try:
        return select_backend(name)
    except BackendError as exc:
        raise UserError(str(exc)) from None
