"""`rnntui`: the app with no arguments; the same work headless with subcommands.

Every error is one clear line on stderr and exit status 2; Ctrl+C while training keeps the
last complete epoch and exits 130.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from rnntui.cli.common import UserError, choose_backend, fail


class _Intermixed(argparse.ArgumentParser):
    """A command's parser that takes its words before and after options alike:
    `predict imdb --word-index F "good movie"` reads the review (argparse's plain parsing
    gives an optional positional its default when an option follows the first word, then
    refuses the text as "unrecognized")."""

    _mixing = False

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        if self._mixing:  # parse_known_intermixed_args calls back here, twice
            return super().parse_known_args(args, namespace)
        self._mixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._mixing = False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnntui", description="A terminal playground for recurrent neural networks. "
        "With no command, opens the app.")
    import rnntui
    from rnntui.cli import (doctor, gradients, listing, opening, play, samples, scoring,
                            serving, training, units, verse)
    from rnntui.cli.common import add_backend_option

    parser.add_argument("--version", action="version", version=f"rnntui {rnntui.__version__}")
    add_backend_option(parser, default=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Intermixed)
    for module in (listing, training, play, scoring, opening, verse, serving, samples,
                   doctor, units, gradients):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    _plain_streams()
    if not argv:  # the app: skip building every subcommand's parser (and its imports)
        return open_app()
    if sys.stdout is None:  # started with `>&-`: every answer would vanish without a word
        print("rnntui: standard output is closed: nowhere to write the answer",
              file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    if args.backend:
        try:  # the app's training process inherits the choice through $KERAS_BACKEND
            choose_backend(args.backend)
        except UserError as exc:
            fail(str(exc))
    if args.command is None:
        return open_app()
    from rnntui.config import ConfigError
    from rnntui.play import InputError
    from rnntui.runs import RunError
    from rnntui.tasks import DataUnavailable, UnknownTask

    try:
        code = args.handler(args)
        sys.stdout.flush()  # a reader that went away shows here rather than at exit
        return code
    except (UserError, ConfigError, RunError, DataUnavailable, UnknownTask, InputError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to say to it
        _drop_stdout()
        return 141  # as a shell reports a process ended by SIGPIPE
    except OSError as exc:
        if exc.filename is None:  # no file named: the output (`> /dev/full`, `ulimit -f`)
            _drop_stdout()
            fail(f"cannot write the output ({exc.strerror or exc})")
        where = f"{exc.filename}: " if exc.filename else ""
        fail(f"{where}{exc.strerror or exc}")


def _plain_streams() -> None:
    """Text a terminal's encoding cannot show (`PYTHONIOENCODING=ascii`, a C locale) is
    written escaped (→ as \\u2192), never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass  # closed, or not a text file of the io module


def _drop_stdout() -> None:
    """Point standard output at the null device: what is still buffered would fail again at
    exit, as "Exception ignored" lines."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def open_app() -> int:
    # A pipe or a file is no terminal to draw on: the app would wait for keys that never
    # come and write escape codes into the file. textual-serve's web driver is the exception.
    if "TEXTUAL_DRIVER" not in os.environ and not _is_terminal():
        print("rnntui: the app needs a terminal (standard input and output are not both "
              "one); for scripts, use a command: rnntui --help", file=sys.stderr)
        return 2
    # Textual is a dependency: an ImportError here is a broken install, and must show as
    # one (it once printed the help and exited 0, hiding the breakage).
    import gc

    gc.disable()  # until the first frame is drawn: see run_app
    from rnntui.ui.app import run_app

    return run_app(gc_paused=True)


def _is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdout is not None \
            and sys.stdin.isatty() and sys.stdout.isatty()
    except (ValueError, OSError):
        return False
