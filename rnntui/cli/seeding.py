"""`rnntui train TASK --seeds N`: one run per seed, then the figures as mean ± sd.

Runs train in parallel child processes where the cores allow (rnntui.seeds.parallel_workers:
two cores a run), else one after another in this process; either way one progress line
says where each stands. `compare --runs` groups such runs again (rnntui.seeds).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from rnntui import paths
from rnntui.cli.common import EXIT_NAN, UserError, fmt, fmt_figure, print_json
from rnntui.seeds import SeedError, figure_spreads, parallel_workers, seeds_from


def add_option(parser: Any) -> None:
    parser.add_argument("--seeds", type=int, metavar="N",
                        help="train N runs, one per seed (the run's seed, +1, +2 …), in "
                        "parallel where the cores allow; report each figure as mean ± sd")


def train_seeds(task: Any, args: argparse.Namespace, source: Any, base: Any, *,
                session: Any, scale: Callable[[Any, int], Any],
                forget: Callable[[Any, Any], None]) -> int:
    """Create and train one run per seed of `base` (checked hyperparameters).

    Args:
        session: cli.training's headless session (signals become a cooperative stop).
        scale: the batch size per device (cli.training._scale_batch).
        forget: drops a run that never saved an epoch (cli.training._forget_if_empty).
    """
    from rnntui.runs import RunStore

    try:
        seeds = seeds_from(base.seed, args.seeds)
    except SeedError as exc:
        raise UserError(str(exc)) from None
    store = RunStore()
    hps = [scale(task.hparams({**base.to_dict(), "seed": seed}), args.devices)
           for seed in seeds]
    runs = [store.create(task.id, hp, source) for hp in hps]
    workers = 1 if args.devices > 1 else parallel_workers(len(runs))
    how = (f"{workers} at a time in child processes" if workers > 1
           else "one after another (too few cores to train two at once)")
    print(f"{task.id}: {len(runs)} seeds ({', '.join(map(str, seeds))}), {how}",
          file=sys.stderr)
    if len(runs) == 1:
        print("one seed: a plain run, no mean ± sd (a spread needs two or more seeds)",
              file=sys.stderr)
    progress = SeedProgress(seeds, [hp.epochs for hp in hps])
    if workers > 1:
        from rnntui.engine.seed_runs import train_in_parallel

        results = train_in_parallel([run.path for run in runs], workers, paths.log_file(),
                                    progress, lambda: session.control.stop_requested)
    else:
        results = []
        for index, run in enumerate(runs):
            if session.control.stop_requested:
                break
            results.append(session.train(run, lambda event, i=index: progress(i, event)))
    progress.close()
    for run in runs:
        if not run.has_checkpoint:
            forget(store, run)
    kept = [run for run in runs if run.has_checkpoint]
    report_group(task.id, [store.open(run.path) for run in kept], args.json)
    bad = any(getattr(r, "status", "") in ("nan", "diverged") for r in results)
    return session.leave(EXIT_NAN if bad else 0)


class SeedProgress:
    """One progress line for several runs: 'seed 0 epoch 3/15 · seed 1 epoch 2/15 …'
    rewritten in place on a terminal; elsewhere a line as each run ends."""

    def __init__(self, seeds: list[int], epochs: list[int]):
        self.seeds = seeds
        self.state = ["waiting"] * len(seeds)
        self.epochs = epochs
        self.live = sys.stdout.isatty()

    def __call__(self, index: int, event: Any) -> None:
        from rnntui.engine import events as ev

        seed = self.seeds[index]
        if isinstance(event, ev.TrainingStarted):
            self.epochs[index] = event.epochs
            self.state[index] = f"epoch {event.initial_epoch}/{event.epochs}"
        elif isinstance(event, ev.EpochEnded):
            loss = event.metrics.get("loss")
            shown = f" loss {fmt(loss)}" if loss is not None else ""
            self.state[index] = f"epoch {event.epoch}/{self.epochs[index]}{shown}"
        elif isinstance(event, ev.TrainingFinished):
            self.state[index] = f"{event.status} ({event.epochs} epochs)"
            figures = ", ".join(f"{k} {fmt_figure(k, v)}" for k, v in event.quality.items())
            self._line(f"seed {seed}: {event.status} after {event.epochs} epochs"
                       + (f"; {figures}" if figures else ""))
        elif isinstance(event, ev.TrainingFailed):
            self.state[index] = "failed"
            self._line(f"seed {seed}: failed: {event.message}")
        elif isinstance(event, ev.LogLine) and event.level != "info":
            self._line(f"seed {seed}: {event.text}", sys.stderr)
        else:
            return
        if self.live:
            print("\r\x1b[K" + self.text(), end="", flush=True)

    def text(self) -> str:
        return " · ".join(f"seed {s} {state}" for s, state in zip(self.seeds, self.state))

    def _line(self, text: str, stream: Any = None) -> None:
        clear = "\r\x1b[K" if self.live else ""
        print(clear + text, file=stream or sys.stdout, flush=True)

    def close(self) -> None:
        if self.live:
            print("\r\x1b[K", end="", flush=True)


def group_rows(summaries: list[Any]) -> dict[str, Any]:
    """The figures of runs of one setting as mean ± sd: quality, best validation, training
    time and per-class accuracy (name → Spread)."""
    rows = []
    for row in summaries:
        figures: dict[str, float | None] = dict(row.quality)
        if row.best_val_name:
            figures[f"best {row.best_val_name}"] = row.best_val
        figures["train_seconds"] = row.train_seconds
        figures.update({f"class {k}": v for k, v in row.per_class.items()})
        rows.append(figures)
    return figure_spreads(rows)


def report_group(task_id: str, runs: list[Any], as_json: bool) -> None:
    """Print the seeds' runs and their figures as mean ± sd (JSON with --json)."""
    from rnntui.runs.compare import summarize

    summaries = [summarize(run) for run in runs]
    spreads = group_rows(summaries)
    if as_json:
        print_json({"task": task_id, "seeds": [r.hparams.get("seed") for r in summaries],
                    "runs": [r.to_dict() for r in summaries],
                    "mean_sd": {k: v.to_dict() for k, v in spreads.items()}})
        return
    for row in summaries:
        print(f"  seed {row.hparams.get('seed')}: {row.name}")
    if len(summaries) > 1:
        print(f"over {len(summaries)} seeds, mean ± sd:")
        for line in spread_lines(spreads):
            print(f"  {line}")


def spread_lines(spreads: dict[str, Any]) -> list[str]:
    """A figure a line, the per-class accuracies together on one."""
    lines, classes = [], []
    for name, value in spreads.items():
        if name.startswith("class "):
            classes.append(f"{name.removeprefix('class ')} {value.text(2)}")
        elif name == "train_seconds":
            lines.append(f"time {value.mean:.1f} ± {value.sd:.1f} s")
        else:
            lines.append(f"{name} {value.text()}")
    if classes:
        lines.append("accuracy per class: " + ", ".join(classes))
    return lines


def seed_groups(summaries: list[Any]) -> list[list[Any]]:
    """Compared runs (RunSummary) in groups of one setting, differing only in seed."""
    from rnntui.seeds import group_by_setting, setting_key

    return group_by_setting(summaries, lambda r: setting_key(
        r.task, r.hparams, r.source))


def print_groups(groups: list[list[Any]], differing: list[str]) -> None:
    """The compared runs a group a row: its settings that differ, how many seeds, and
    each figure as mean ± sd over them."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from rnntui.runs.compare import hparam_text

    shown = [k for k in differing if k != "seed"]
    table = Table(title="runs of the same settings grouped: mean ± sd over their seeds",
                  box=box.SIMPLE_HEAD)
    for column in ("group", *shown, "seeds", "figures (mean ± sd)"):
        table.add_column(column)
    for number, group in enumerate(groups, start=1):
        spreads = group_rows(group)
        seeds = ", ".join(str(r.hparams.get("seed")) for r in group)
        table.add_row(f"G{number}", *(hparam_text(group[0].hparams.get(k)) for k in shown),
                      f"{len(group)} ({seeds})", "\n".join(spread_lines(spreads)))
    console = Console()
    console.print(table)
    for number, group in enumerate(groups, start=1):
        console.print(f"G{number}: " + ", ".join(r.name for r in group), highlight=False,
                      soft_wrap=True)
