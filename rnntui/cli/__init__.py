"""`rnntui`: the app with no arguments; the same work headless with subcommands.

Every error is one clear line on stderr and exit status 2; Ctrl+C while training keeps the
last complete epoch and exits 130.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from rnntui.cli.common import UserError, choose_backend, fail


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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (listing, training, play, scoring, opening, verse, serving, samples,
                   doctor, units, gradients):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:  # the app: skip building every subcommand's parser (and its imports)
        return open_app()
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
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a process ended by SIGPIPE


def open_app() -> int:
    # Textual is a dependency: an ImportError here is a broken install, and must show as
    # one (it once printed the help and exited 0, hiding the breakage).
    import gc

    gc.disable()  # until the first frame is drawn: see run_app
    from rnntui.ui.app import run_app

    return run_app(gc_paused=True)
