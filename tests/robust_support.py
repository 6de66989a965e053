"""What the robustness tests (`test_robust_*.py`) share: hostile inputs, hypothesis settings,
the CLI run in-process or as a child, and the checks every error message must pass.

Not a test module (no test_ prefix); tests import it as `tests.robust_support`.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

RNNTUI = [sys.executable, "-m", "rnntui.cli"]


def examples(n: int) -> settings:
    """Deterministic hypothesis settings with `n` examples (no database, no deadline: the
    box is a shared 2-core machine and the tests must not depend on its speed)."""
    return settings(max_examples=n, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


# Inputs people (and pasted text, and dropped SSH sessions) actually produce.
HOSTILE = [
    "", " ", "\t", "\n", "\r\n", "\x00", "\x07", "\x1b[2J\x1b[H", "\x1b]0;title\x07", "\x7f",
    "😀", "👩‍👩‍👧", "🇫🇷", "שלום", "مرحبا", "\u202eabc", "\u200b", "\ufeff", "ＡＢＣ", "Ⅻ",
    "٣", "१२", "é", "e\u0301", "床前明月光",
    "nan", "-nan", "inf", "-inf", "1e309", "-0", "0x10", "1_000", "1e-400", "+5", "5.",
    ".5", "1,5", "1 5", "True", "none", "null", "[1]", "{}", "${HOME}", "$(id)", "`id`",
    "'; DROP TABLE runs; --", "../../etc/passwd", "/", "~", "%s%n", "{0}", "[bold]x[/]",
]
HUGE = ["a" * 10_000, "abcd" * 50_000, "1" * 5000, "床前明月光" * 5000, "0.1 " * 5000]

# Characters from every corner: controls, surrogate-free astral emoji, right-to-left, combining.
_CHARS = st.characters(codec="utf-8")
TEXT = st.one_of(
    st.text(_CHARS, max_size=60),
    st.sampled_from(HOSTILE),
    st.integers(0, len(HUGE) - 1).map(HUGE.__getitem__),  # (not sampled_from: its repr)
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.from_regex(r"[-+]?[0-9_]{0,6}(\.[0-9]{0,4})?([eE][-+]?[0-9]{1,4})?", fullmatch=True),
)
# Python values a saved config.json could hold, as well as text.
VALUE = st.one_of(TEXT, st.integers(), st.floats(), st.booleans(), st.none(),
                  st.lists(st.integers(), max_size=3))


def call_main(args: list[str]) -> tuple[int, str, str]:
    """`rnntui ARGS` in this process: (exit status, stdout, stderr)."""
    from rnntui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exit_info:
            code = exit_info.code if isinstance(exit_info.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def run_cli(*args: str, timeout: float = 180, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`rnntui ARGS` as a child process with the test's environment."""
    return subprocess.run([*RNNTUI, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=cwd)


def assert_clear_error(err: str, code: int) -> None:
    """An error as the CLI must give it: exit 2, one printable line, no traceback."""
    assert code == 2, (code, err)
    assert "Traceback" not in err, err
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("rnntui: "), err
    assert lines[0].isprintable(), repr(err)


def assert_clear_message(message: str) -> None:
    """A message shown where something was typed: one line, nothing that drives a terminal."""
    assert message and "\n" not in message and "\x1b" not in message, repr(message)
    assert "Traceback" not in message
