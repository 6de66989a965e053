"""`rnntui train`: training headless, with Ctrl+C (or a dropped SSH session) keeping the
last complete epoch."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from rnntui import paths
from rnntui.cli import seeding
from rnntui.seeds import SeedError, seeds_from
from rnntui.cli.common import (EXIT_NAN, UserError, add_backend_option, choose_backend, fail,
                               fmt, fmt_figure, print_json)
from rnntui.config import SCHEMA, parse_assignments
from rnntui.outcome import epochs as epochs_text
from rnntui.runs import RunError, RunStore
from rnntui.tasks import TASKS, DataSource, DataUnavailable, get_task

_SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}


def register(sub: Any) -> None:
    train = sub.add_parser("train", help="train a task (or resume a run) headless")
    train.add_argument("task", nargs="?", help=f"one of: {', '.join(TASKS)}")
    train.add_argument("--set", dest="overrides", action="append", default=[],
                       metavar="KEY=VALUE", help="change a hyperparameter (repeatable)")
    train.add_argument("--recipe", action="store_true",
                       help="start from the seed tutorial's own recipe instead of the defaults")
    train.add_argument("--epochs", type=int, help="train up to this many epochs in all")
    train.add_argument("--resume", metavar="RUN", help="continue a saved run")
    train.add_argument("--data", metavar="FILE", help="imdb: an .npz in Keras's layout; "
                       "sine: a CSV file of your own series (with --column NAME)")
    train.add_argument("--column", metavar="NAME", help="sine: the CSV column to forecast")
    train.add_argument("--corpus", metavar="FILE",
                       help="poems: a UTF-8 text or chinese-poetry JSON file")
    train.add_argument("--json", action="store_true",
                       help="end with one JSON line: run, epochs, metrics and quality")
    _add_devices_option(train)
    add_backend_option(train)
    seeding.add_option(train)
    train.set_defaults(handler=cmd_train)

    compare = sub.add_parser("compare", help="train several cells with otherwise equal "
                             "settings and compare them, or compare saved runs (--runs)")
    compare.add_argument("task", help=f"one of: {', '.join(TASKS)}")
    compare.add_argument("--cells", help="comma-separated cells (default: simple,lstm,gru)")
    compare.add_argument("--runs", metavar="A,B",
                         help="compare these saved runs of the task instead of training "
                         "('all': every run of the task)")
    compare.add_argument("--baseline", metavar="RUN",
                         help="show the other runs' figures as differences from this run")
    compare.add_argument("--set", dest="overrides", action="append", default=[],
                         metavar="KEY=VALUE", help="change a hyperparameter for all (repeatable)")
    compare.add_argument("--recipe", action="store_true", help="start from the seed's recipe")
    compare.add_argument("--epochs", type=int, help="epochs for each")
    compare.add_argument("--data", metavar="FILE", help="imdb: an .npz in Keras's layout; "
                         "sine: a CSV file of your own series (with --column NAME)")
    compare.add_argument("--column", metavar="NAME", help="sine: the CSV column to forecast")
    compare.add_argument("--corpus", metavar="FILE", help="poems: a text or JSON corpus")
    compare.add_argument("--json", action="store_true", help="print one JSON object")
    compare.add_argument("--seeds", type=int, metavar="N", help="train each cell N times, "
                         "one per seed, one after another; each cell's figures as mean ± sd")
    _add_devices_option(compare)
    add_backend_option(compare)
    compare.set_defaults(handler=cmd_compare)


def _add_devices_option(parser: Any) -> None:
    parser.add_argument("--devices", type=int, default=1, metavar="N",
                        help="train data-parallel on N devices (the first N GPUs; without a "
                        "GPU, N virtual CPU devices, which only test the path). A new run's "
                        "batch_size is per device: the global batch is N times it")


def cmd_train(args: argparse.Namespace) -> int:
    choose_backend(getattr(args, "backend", None))
    store = RunStore()
    overrides = parse_assignments(args.overrides)
    if args.epochs is not None:
        overrides["epochs"] = str(args.epochs)
    if args.resume:
        if args.seeds is not None:
            raise UserError("--seeds trains new runs: give a task, not --resume")
        if args.task or args.data or args.corpus or args.column or args.recipe \
                or set(overrides) - {"epochs"}:
            raise UserError("--resume continues a run as it was: give only --epochs with it")
        run = store.open(args.resume)
        from rnntui.runs.lock import writing

        # Held from before the config changes to the last save: a second writer of the
        # run is refused (exit 2) before it touches anything.
        with writing(run.path):
            target, done = run.hparams.epochs, run.epochs_done
            if "epochs" in overrides:
                run.set_epochs(SCHEMA["epochs"].parse(overrides["epochs"]))
            try:
                if run.epochs_done >= run.hparams.epochs:
                    raise UserError(f"{run.name} has done {epochs_text(run.epochs_done)}; ask "
                                    f"for more with --epochs N (N > {run.epochs_done})")
                return _train_run(run, as_json=args.json, devices=args.devices)
            except BaseException:
                # Refused (or stopped) before an epoch was kept: the run keeps its target.
                if run.hparams.epochs != target and run.epochs_done == done:
                    run.set_epochs(target)
                raise
    else:
        if not args.task:
            raise UserError(f"which task? one of: {', '.join(TASKS)}")
        task = get_task(args.task)
        task.hparams(overrides, recipe=args.recipe)  # a bad setting before the file is read
        _check_data_flags(task, args)
        source = DataSource(data=args.data, corpus=args.corpus,
                            column=getattr(args, "column", None))
        _check_source_flags(task, source)
        _check_source(task, source)
        hp = task.hparams(overrides, recipe=args.recipe, source=source)  # the file's vocabulary
        if args.seeds is not None:  # one run per seed (cli/seeding.py)
            return seeding.train_seeds(task, args, source, hp, session=_Session(args.devices),
                                       scale=_scale_batch, forget=_forget_if_empty)
        hp = _scale_batch(hp, args.devices)
        run = store.create(task.id, hp, source)
    try:
        return _train_run(run, as_json=args.json, devices=args.devices)
    except (DataUnavailable, UserError, SystemExit):  # no data, no devices, a failure
        # before the first epoch was kept: a new run with nothing in it is not listed
        _forget_if_empty(store, run)
        raise


def _forget_if_empty(store: RunStore, run: Any) -> None:
    """A run whose data never loaded has nothing worth keeping: don't litter the list."""
    if not run.has_checkpoint:
        store.delete(run.name)


def _check_data_flags(task: Any, args: argparse.Namespace) -> None:
    """--data only for a task that reads a data file; --column only with --data."""
    if args.data and not task.takes_data:
        takers = ", ".join(f"{t.id} ({t.takes_data})" for t in TASKS.values() if t.takes_data)
        raise UserError(f"--data: task {task.id} reads no data file; --data is for {takers}")
    if getattr(args, "column", None) and not args.data:
        raise UserError("--column names a column of the --data file: give --data too")


def _check_source_flags(task: Any, source: DataSource) -> None:
    """A file flag only for a task that reads that file (--corpus for poems, say)."""
    for name in source.to_dict():
        if not task.reads_source(name):
            readers = [t.id for t in TASKS.values() if t.reads_source(name)]
            raise UserError(f"--{name.replace('_', '-')} is for the {' and '.join(readers)} task")


def _check_source(task: Any, source: DataSource) -> None:
    """Read the user's file before anything heavy starts, so a bad path fails at once."""
    if source.corpus:
        from rnntui.tasks.corpus import read_poems

        read_poems(source.corpus)
    task.check_source(source)


class _Session:
    """Headless training with signals turned into a cooperative stop.

    The first Ctrl+C, SIGTERM or SIGHUP stops after the current batch and keeps the last
    complete epoch; a second Ctrl+C leaves the epoch and the figures at once, and the last
    complete epoch is still saved (later ones wait for that save).
    """

    def __init__(self, devices: int = 1) -> None:
        from rnntui.engine.control import TrainControl

        self.control = TrainControl()
        self.devices = devices
        self.replicas: Any = None  # backend.Replicas, made once: devices are fixed per process
        self.received: list[int] = []
        self.current = ""
        self.log_warned = False  # an unwritable rnntui.log is said once, not a run
        self.hurried = False  # a second Ctrl+C was turned into KeyboardInterrupt
        for signum in _SIGNAL_EXIT:
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: Any) -> None:
        if self.received and signum == signal.SIGINT:
            if self.hurried:  # the last whole epoch is being saved: a kill would lose it
                print("\nsaving the last complete epoch; one moment", file=sys.stderr)
                return
            self.hurried = True
            # A second Ctrl+C: out now, past the rest of the epoch and the figures; the
            # trainer still saves the last complete epoch and says which.
            raise KeyboardInterrupt
        self.received.append(signum)
        self.control.stop()
        print(f"\nstopping after this batch; the last complete epoch of {self.current} is "
              "kept", file=sys.stderr)

    def _replicas(self) -> Any:
        from rnntui.engine.backend import BackendError, data_parallel

        if self.replicas is None:
            try:
                self.replicas = data_parallel(self.devices)
            except BackendError as exc:
                raise UserError(str(exc)) from None
        return self.replicas

    @property
    def exit_code(self) -> int | None:
        return _SIGNAL_EXIT[self.received[0]] if self.received else None

    def leave(self, code: int) -> int:
        """The command's exit: a signal's when one came (Ctrl+C: 130), else `code`. After a
        signal a further Ctrl+C is ignored from here: at exit Python puts the default
        handler back, and one more press then would end the process by the signal (-2)
        after the run was kept and said so."""
        if not self.received:
            return code
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        return _SIGNAL_EXIT[self.received[0]]

    def train(self, run: Any, printer: Any) -> Any:
        """Train `run`; a failure becomes one line (exit 2), the log keeps the details."""
        from rnntui.engine import backend
        from rnntui.engine.events import TrainingFailed

        self.current = run.name
        log = paths.log_file()
        problem = paths.log_file_problem()
        if problem and not self.log_warned:
            print(f"warning: {problem}", file=sys.stderr)
            self.log_warned = True
        with backend.native_stderr_to(log):
            backend.route_logs(log)
            from rnntui.engine.train import train

            replicas = self._replicas()
            if replicas.count > 1:
                from rnntui.engine.distribute import plan_for

                print(plan_for(run.hparams, replicas.count).describe(replicas.kind))
            with replicas.scope():
                result = train(run, emit=printer, control=self.control)
        if isinstance(result, TrainingFailed):
            if result.detail and not problem:
                _append_to_log(log, result.detail)
            fail(f"{result.message}" + ("" if problem else f" (details in {log})"))
        if result.message:
            print(result.message, file=sys.stderr)
        return result


def _append_to_log(log: Any, text: str) -> None:
    """The traceback of a failure, for the "details in" the one line points at (best effort:
    the line on stderr is what matters)."""
    from datetime import datetime

    try:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{datetime.now():%Y-%m-%d %H:%M:%S} rnntui training failed\n{text}\n")
    except OSError:
        pass


def _scale_batch(hp: Any, devices: int) -> Any:
    """A new run on N devices: batch_size per device, N times it in all (see distribute)."""
    if devices < 1:
        raise UserError(f"--devices {devices}: must be at least 1")
    from rnntui.engine.distribute import scale_batch

    return scale_batch(hp, devices)


def _train_run(run: Any, as_json: bool, devices: int = 1) -> int:
    session = _Session(devices)
    result = session.train(run, _Printer(run.hparams))
    summary = {"run": str(run.path), "name": run.name, "task": run.task_id,
               "status": result.status, "epochs": result.epochs, "metrics": result.metrics,
               **result.quality, "baselines": result.baselines,
               "best_epoch": result.best_epoch, "stopped_early": result.stopped_early,
               "seconds": round(result.seconds, 3)}
    if result.confusion is not None:  # a classifier: its confusion matrix on held-out data
        summary["confusion"] = result.confusion
    if as_json:
        print_json(summary)
    else:
        figures = ", ".join(f"{k} {fmt_figure(k, v)}" for k, v in result.quality.items())
        from rnntui.outcome import headline

        print(f"{headline(result)} ({run.name})" + (f"; {figures}" if figures else ""))
        line = _standing(run.task_id, run.hparams.cell, result.quality, result.baselines)
        if line:
            print(line)
        _print_confusion(result.confusion)
    return session.leave(EXIT_NAN if result.status in ("nan", "diverged") else 0)


def _print_confusion(record: dict | None) -> None:
    from rnntui.confusion import Confusion, describe

    confusion = Confusion.from_dict(record) if record is not None else None
    if confusion is not None:
        print("\n".join(describe(confusion)))


def _standing(task_id: str, cell: str, quality: dict[str, float],
              baselines: dict[str, float]) -> str:
    """The one-sentence standing of a run against its task's baselines ('' without)."""
    from rnntui.standing import network_name, standing

    task = get_task(task_id)
    return standing(network_name(cell), quality.get(task.quality.name), baselines,
                    task.quality)


def cmd_compare(args: argparse.Namespace) -> int:
    from rnntui.runs.compare import summarize

    task = get_task(args.task)
    if args.runs is not None:
        return _compare_saved(task, args)
    choose_backend(getattr(args, "backend", None))
    # Each name as the schema reads it (LSTM is lstm) before duplicates are looked for:
    # a cell named twice trains once.
    cells_text = "simple,lstm,gru" if args.cells is None else args.cells
    named = [SCHEMA["cell"].parse(c.strip()) for c in cells_text.split(",") if c.strip()]
    cells = list(dict.fromkeys(named))
    if len(cells) < len(named):
        print(f"note: each cell trains once: {', '.join(cells)}", file=sys.stderr)
    overrides = parse_assignments(args.overrides)
    if args.epochs is not None:
        overrides["epochs"] = str(args.epochs)
    if "cell" in overrides:
        raise UserError("compare sets the cell itself: give the cells with --cells")
    if not cells:
        raise UserError("--cells: name the cells to compare, e.g. --cells simple,lstm,gru")
    _check_data_flags(task, args)
    source = DataSource(data=args.data, corpus=args.corpus, column=args.column)
    _check_source_flags(task, source)
    for cell in cells:  # a bad setting is said before the file is read
        task.hparams({**overrides, "cell": cell}, recipe=args.recipe)
    _check_source(task, source)
    hps = [_scale_batch(task.hparams({**overrides, "cell": cell}, recipe=args.recipe,
                                     source=source), args.devices) for cell in cells]
    if args.seeds is not None:  # each cell once per seed: grouped as mean ± sd at the end
        try:
            hps = [task.hparams({**hp.to_dict(), "seed": seed}) for hp in hps
                   for seed in seeds_from(hp.seed, args.seeds)]
        except SeedError as exc:
            raise UserError(str(exc)) from None
    store = RunStore()
    session = _Session(args.devices)
    rows, runs = [], []
    for hp in hps:
        run = store.create(task.id, hp, source)
        runs.append(run)
        if not args.json:
            print(f"-- {hp.cell}" + (f", seed {hp.seed}" if args.seeds is not None else ""))
        try:
            session.train(run, _Printer(hp))
        except (DataUnavailable, UserError):
            _forget_if_empty(store, run)
            raise
        rows.append(summarize(store.open(run.path)))
        if session.exit_code is not None:
            break
    _report_comparison(task.id, runs[:len(rows)], rows, args)
    return session.leave(0)


def _compare_saved(task: Any, args: argparse.Namespace) -> int:
    """`rnntui compare TASK --runs A,B`: runs already trained, nothing trains."""
    from rnntui.runs.compare import summarize

    if args.cells or args.overrides or args.recipe or args.epochs is not None or args.data \
            or args.corpus or args.column or args.seeds is not None:
        raise UserError("--runs compares saved runs as they are: give no training options "
                        "(--cells, --set, --recipe, --epochs, --seeds, --data …) with it")
    store = RunStore()
    skipped: list[str] = []
    if args.runs.strip() == "all":
        infos = list(reversed(store.list()))
        runs = [i.run for i in infos if i.run is not None and i.run.task_id == task.id]
        skipped = [i.name for i in infos if i.run is None]  # damaged: each read on its own
    else:
        names = list(dict.fromkeys(n.strip() for n in args.runs.split(",") if n.strip()))
        # One run named twice (by name and by path) is compared once, not with itself.
        runs = list({run.path.resolve(): run for run in map(store.open, names)}.values())
    for run in runs:
        if run.task_id != task.id:
            raise UserError(f"{run.name} is a run of {run.task_id}, not of {task.id}")
    if len(runs) < 2:
        also = (f"; {len(skipped)} that cannot be opened skipped: {', '.join(skipped)[:80]}"
                if skipped else "")
        raise UserError(f"--runs: name at least two runs of {task.id} to compare "
                        f"(found {len(runs)}{also}; see `rnntui runs`)")
    _report_comparison(task.id, runs, [summarize(run) for run in runs], args)
    return 0


def _report_comparison(task_id: str, runs: list[Any], rows: list[Any],
                       args: argparse.Namespace) -> None:
    """Print the comparison (table or JSON), with the hyperparameters that differ and, with
    --baseline, the others' figures as differences from that run."""
    from rnntui.runs.compare import differing_hparams

    differing = differing_hparams(runs)
    baseline = None
    if args.baseline:
        # By name or by folder, as --runs takes them.
        try:
            pinned = RunStore().resolve(args.baseline).resolve()
        except RunError:
            pinned = None
        matches = [row for row, run in zip(rows, runs)
                   if row.name == args.baseline or run.path.resolve() == pinned]
        if not matches:
            raise UserError(f"--baseline {args.baseline}: not one of the compared runs "
                            f"({', '.join(r.name for r in rows)})")
        baseline = matches[0]
    # Runs that differ only in their seed, as groups with mean ± sd (cli/seeding.py).
    groups = seeding.seed_groups(rows)
    grouped = any(len(group) > 1 for group in groups)
    if args.json:
        print_json({"task": task_id, "differing": differing,
                    "baseline": baseline.name if baseline else None,
                    "runs": [r.to_dict() for r in rows],
                    "groups": [{"runs": [r.name for r in group],
                                "seeds": [r.hparams.get("seed") for r in group],
                                "mean_sd": {k: v.to_dict() for k, v in
                                            seeding.group_rows(group).items()}}
                               for group in groups]})
    else:
        _print_comparison(rows, differing, baseline)
        if grouped:
            seeding.print_groups(groups, differing)


def _print_comparison(rows: list[Any], differing: list[str], baseline: Any = None) -> None:
    """A table a run a row: its name, a column for each hyperparameter that differs (equal
    ones hidden), then its final figures, as differences from `baseline` when given."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from rnntui.confusion import per_class_text
    from rnntui.runs.compare import difference, hparam_text

    quality = get_task(rows[0].task).quality.name if rows else "quality"
    what = ", ".join(differing) if differing else "nothing in their settings"
    # Runs are numbered in the table and named beneath it, with short headings: the
    # settings that differ and the figures then fit in 80 columns, and no name is cut.
    table = Table(title=f"{rows[0].task if rows else ''}: runs compared (differ in: {what})",
                  caption=f"differences from #{rows.index(baseline) + 1} (pinned)"
                  if baseline else None, box=box.SIMPLE_HEAD)
    # Classifiers: accuracy class by class, in a column up to 4 classes (imdb, dice), else a
    # line a run under the table (letters, recall: a column of 5-26 would crowd 80 columns).
    per_class = (any(row.per_class for row in rows)
                 and max(len(row.per_class) for row in rows) <= 4)
    for column in ("#", *differing, "params", quality, "best val", "epochs", "time",
                   *(("per class",) if per_class else ())):
        table.add_column(column, justify="left" if column in ("#", "cell", "per class")
                         else "right")
    for number, row in enumerate(rows, start=1):
        pinned = baseline is not None and row is not baseline
        value = row.quality.get(quality)
        shown = (difference(value, baseline.quality.get(quality)) if pinned
                 else fmt_figure(quality, value if value is not None else float("nan")))
        if row.best_val is None:
            best = "–"
        elif pinned:
            best = f"{difference(row.best_val, baseline.best_val)} ({row.best_val_name})"
        else:
            best = f"{fmt(row.best_val)} ({row.best_val_name})"
        seconds = "–" if row.train_seconds is None else f"{row.train_seconds:.1f} s"
        params = "–" if row.params is None else f"{row.params:,}"
        kept = f" (best: {row.best_epoch})" if row.best_epoch is not None else ""
        table.add_row(f"#{number}", *(hparam_text(row.hparams.get(k)) for k in differing),
                      params, shown, best, f"{row.epochs}{kept}", seconds,
                      *((per_class_text(row.per_class, many=4),) if per_class else ()))
    console = Console()
    console.print(table)
    for number, row in enumerate(rows, start=1):  # one line each
        pinned = " (pinned)" if row is baseline else ""
        ended = f": {row.outcome}" if row.outcome else ""
        console.print(f"#{number} {row.name}{pinned}{ended}", highlight=False, soft_wrap=True)
    for number, row in enumerate(rows, start=1):  # what a short cell could not hold
        if len(row.per_class) > 4:
            console.print(f"#{number} accuracy per class: "
                          f"{per_class_text(row.per_class, many=len(row.per_class))}",
                          highlight=False, soft_wrap=True)
    for row in rows:
        if row.standing:
            console.print(row.standing, highlight=False, soft_wrap=True)


class _Printer:
    """Prints epoch lines; a live progress line too when stdout is a terminal."""

    def __init__(self, hp: Any):
        self.hp = hp
        self.epochs = hp.epochs
        self.live = sys.stdout.isatty()

    def __call__(self, event: Any) -> None:
        from rnntui.engine import events as ev

        if isinstance(event, ev.TrainingStarted):
            start = f", resuming after epoch {event.initial_epoch}" if event.initial_epoch else ""
            print(f"{event.task}: {event.model} ({event.params:,} parameters) on "
                  f"{event.device}{start}")
            self.epochs = event.epochs
            from rnntui.fastpath import off_fast_path

            path = off_fast_path(self.hp, event.device)
            if path is not None:
                print(f"note: {path.notice or path.reason}", file=sys.stderr)
        elif isinstance(event, ev.BatchEnded) and self.live:
            print(f"\repoch {event.epoch}/{self.epochs} batch {event.batch}/{event.steps} "
                  f"loss {fmt(event.loss)}  {event.samples_per_second:,.0f} samples/s  "
                  f"ETA {event.eta_seconds:,.0f} s ", end="", flush=True)
        elif isinstance(event, ev.EpochEnded):
            figures = "  ".join(f"{k} {fmt(v)}" for k, v in event.metrics.items())
            clear = "\r\x1b[K" if self.live else ""
            print(f"{clear}epoch {event.epoch}/{self.epochs}  {figures}  "
                  f"({event.seconds:.2f} s)")
        elif isinstance(event, ev.EpochSampled):
            from rnntui.engine.samples import describe

            print("\n".join(describe(event)))
        elif isinstance(event, ev.LogLine) and event.level != "info":
            print(event.text, file=sys.stderr)
