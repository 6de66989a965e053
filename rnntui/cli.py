"""`rnntui`: the app with no arguments; the same work headless with subcommands.

Every error is one clear line on stderr and exit status 2; Ctrl+C while training keeps the
last complete epoch and exits 130.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from rnntui import __version__, paths
from rnntui.config import SCHEMA, ConfigError, parse_assignments
from rnntui.runs import RunError, RunStore
from rnntui.tasks import TASKS, DataSource, DataUnavailable, UnknownTask, get_task

EXIT_ERROR = 2
EXIT_NAN = 3
_SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}


class UserError(Exception):
    """Something the user can fix; printed as one line, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnntui", description="A terminal playground for recurrent neural networks. "
        "With no command, opens the app.")
    parser.add_argument("--version", action="version", version=f"rnntui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    tasks = sub.add_parser("tasks", help="list the tasks and their default hyperparameters")
    tasks.add_argument("--json", action="store_true", help="print JSON")

    train = sub.add_parser("train", help="train a task (or resume a run) headless")
    train.add_argument("task", nargs="?", help=f"one of: {', '.join(TASKS)}")
    train.add_argument("--set", dest="overrides", action="append", default=[],
                       metavar="KEY=VALUE", help="change a hyperparameter (repeatable)")
    train.add_argument("--recipe", action="store_true",
                       help="start from the seed tutorial's own recipe instead of the defaults")
    train.add_argument("--epochs", type=int, help="train up to this many epochs in all")
    train.add_argument("--resume", metavar="RUN", help="continue a saved run")
    train.add_argument("--data", metavar="FILE.npz", help="imdb: an .npz in Keras's layout")
    train.add_argument("--corpus", metavar="FILE",
                       help="poems: a UTF-8 text or chinese-poetry JSON file")
    train.add_argument("--json", action="store_true",
                       help="end with one JSON line: run, epochs, metrics and quality")

    runs = sub.add_parser("runs", help="list saved runs")
    runs.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return open_app()
    handler: Callable[[argparse.Namespace], int] = {
        "tasks": cmd_tasks, "train": cmd_train, "runs": cmd_runs,
    }[args.command]
    try:
        return handler(args)
    except (UserError, ConfigError, RunError, DataUnavailable, UnknownTask) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def fail(message: str) -> NoReturn:
    print(f"rnntui: {message}", file=sys.stderr)
    sys.exit(EXIT_ERROR)


def open_app() -> int:
    try:
        from rnntui.ui.app import run_app
    except ImportError:
        build_parser().print_help()
        return 0
    return run_app()


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=_jsonable))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)


# -- tasks ---------------------------------------------------------------------------------
def cmd_tasks(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    rows = []
    for task in TASKS.values():
        hp = task.hparams()
        rows.append({"id": task.id, "title": task.title, "learns": task.learns,
                     "data": task.data_text, "expect": task.expect, "from": task.seed_ref,
                     "defaults": hp.to_dict(), "recipe": task.hparams(recipe=True).to_dict()})
    if args.json:
        print_json(rows)
        return 0
    table = Table(title="rnntui tasks", show_lines=True)
    for column in ("id", "what it learns", "data", "expect"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["id"], f"{row['title']}: {row['learns']}", row["data"], row["expect"])
    Console().print(table)
    return 0


# -- train ---------------------------------------------------------------------------------
def cmd_train(args: argparse.Namespace) -> int:
    store = RunStore()
    overrides = parse_assignments(args.overrides)
    if args.epochs is not None:
        overrides["epochs"] = str(args.epochs)
    if args.resume:
        if args.task or args.data or args.corpus or args.recipe or set(overrides) - {"epochs"}:
            raise UserError("--resume continues a run as it was: give only --epochs with it")
        run = store.open(args.resume)
        if "epochs" in overrides:
            run.set_epochs(SCHEMA["epochs"].parse(overrides["epochs"]))
        if run.epochs_done >= run.hparams.epochs:
            raise UserError(f"{run.name} has done its {run.epochs_done} epochs; ask for more "
                            f"with --epochs N (N > {run.epochs_done})")
    else:
        if not args.task:
            raise UserError(f"which task? one of: {', '.join(TASKS)}")
        task = get_task(args.task)
        hp = task.hparams(overrides, recipe=args.recipe)
        if args.data and task.id != "imdb":
            raise UserError("--data is for the imdb task")
        if args.corpus and task.id != "poems":
            raise UserError("--corpus is for the poems task")
        source = DataSource(data=args.data, corpus=args.corpus)
        _check_source(task.id, source)
        run = store.create(task.id, hp, source)
    return _train_run(run, as_json=args.json)


def _check_source(task_id: str, source: DataSource) -> None:
    """Read the user's file before anything heavy starts, so a bad path fails at once."""
    if source.corpus:
        from rnntui.tasks.corpus import read_poems

        read_poems(source.corpus)
    if source.data:
        from rnntui.tasks.imdb import load_npz

        load_npz(source.data)


def _train_run(run: Any, as_json: bool) -> int:
    from rnntui.engine import backend
    from rnntui.engine.control import TrainControl

    control = TrainControl()
    received: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        if received and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl+C: the user really wants out
        received.append(signum)
        control.stop()
        print(f"\nstopping after this batch; the last complete epoch of {run.name} is kept",
              file=sys.stderr)

    for signum in _SIGNAL_EXIT:
        signal.signal(signum, on_signal)
    printer = _Printer(run.hparams.epochs)
    log = paths.log_file()
    with backend.native_stderr_to(log):
        backend.route_logs(log)
        from rnntui.engine.train import train

        result = train(run, emit=printer, control=control)
    from rnntui.engine.events import TrainingFailed

    if isinstance(result, TrainingFailed):
        fail(f"{result.message} (details in {log})")
    summary = {"run": str(run.path), "name": run.name, "task": run.task_id,
               "status": result.status, "epochs": result.epochs, "metrics": result.metrics,
               **result.quality, "seconds": round(result.seconds, 3)}
    if result.message:
        print(result.message, file=sys.stderr)
    if as_json:
        print_json(summary)
    else:
        figures = ", ".join(f"{k} {_fmt(v)}" for k, v in result.quality.items())
        print(f"{result.status}: {run.name} after {result.epochs} epochs"
              + (f"; {figures}" if figures else ""))
    if received:
        return _SIGNAL_EXIT[received[0]]
    return EXIT_NAN if result.status == "nan" else 0


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4f}" if abs(value) < 1000 else f"{value:,.0f}"


class _Printer:
    """Prints epoch lines; a live progress line too when stdout is a terminal."""

    def __init__(self, epochs: int):
        self.epochs = epochs
        self.live = sys.stdout.isatty()

    def __call__(self, event: Any) -> None:
        from rnntui.engine import events as ev

        if isinstance(event, ev.TrainingStarted):
            start = f", resuming after epoch {event.initial_epoch}" if event.initial_epoch else ""
            print(f"{event.task}: {event.model} ({event.params:,} parameters) on "
                  f"{event.device}{start}")
            self.epochs = event.epochs
        elif isinstance(event, ev.BatchEnded) and self.live:
            print(f"\repoch {event.epoch}/{self.epochs} batch {event.batch}/{event.steps} "
                  f"loss {_fmt(event.loss)}  {event.samples_per_second:,.0f} samples/s  "
                  f"ETA {event.eta_seconds:,.0f} s ", end="", flush=True)
        elif isinstance(event, ev.EpochEnded):
            figures = "  ".join(f"{k} {_fmt(v)}" for k, v in event.metrics.items())
            clear = "\r\x1b[K" if self.live else ""
            print(f"{clear}epoch {event.epoch}/{self.epochs}  {figures}  "
                  f"({event.seconds:.2f} s)")
        elif isinstance(event, ev.LogLine) and event.level != "info":
            print(event.text, file=sys.stderr)


# -- runs ----------------------------------------------------------------------------------
def cmd_runs(args: argparse.Namespace) -> int:
    infos = RunStore().list()
    rows = []
    for info in infos:
        if info.run is None:
            rows.append({"name": info.name, "path": str(info.path), "error": info.error})
            continue
        run = info.run
        status = run.status()
        rows.append({"name": run.name, "path": str(run.path), "task": run.task_id,
                     "created": run.created, "epochs": run.epochs_done,
                     "target_epochs": run.hparams.epochs,
                     "status": status.get("status", "new"),
                     "quality": status.get("quality", {})})
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(f"no runs yet in {RunStore().root}; start one with `rnntui train onehot4`")
        return 0
    for row in rows:
        if "error" in row:
            print(f"{row['name']}  cannot open: {row['error']}")
            continue
        quality = ", ".join(f"{k} {_fmt(v)}" for k, v in row["quality"].items())
        print(f"{row['name']}  {row['task']}  {row['epochs']}/{row['target_epochs']} epochs  "
              f"{row['status']}  {quality}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
