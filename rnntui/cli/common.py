"""What every command shares: one-line errors, JSON output, number formatting."""

from __future__ import annotations

import json
import math
import sys
from typing import Any, NoReturn

EXIT_ERROR = 2
EXIT_NAN = 3


class UserError(Exception):
    """Something the user can fix; printed as one line, exit 2."""


def fail(message: str) -> NoReturn:
    print(f"rnntui: {message}", file=sys.stderr)
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
