"""`rnntui samples RUN`: what a run's network did at the end of each epoch (its samples)."""

from __future__ import annotations

import argparse
from typing import Any

from rnntui.cli.common import UserError, print_json
from rnntui.runs import RunStore


def register(sub: Any) -> None:
    samples = sub.add_parser("samples", help="show what a run's network did at each epoch's "
                             "end (letters' answers, a quatrain, a forecast …)")
    samples.add_argument("run", help="a run name or folder")
    samples.add_argument("--epoch", type=int, metavar="N", help="only epoch N's sample")
    samples.add_argument("--json", action="store_true",
                         help="print JSON: one object a sample (epoch, lines, figures, seconds)")
    samples.set_defaults(handler=cmd_samples)


def cmd_samples(args: argparse.Namespace) -> int:
    from rnntui.engine.samples import describe, read, to_record

    run = RunStore().open(args.run)
    kept = read(run.path)
    if args.epoch is not None:
        if args.epoch < 1:
            raise UserError(f"--epoch {args.epoch}: epochs count from 1")
        kept = [s for s in kept if s.epoch == args.epoch]
        if not kept:
            raise UserError(f"{run.name} has no sample of epoch {args.epoch}"
                            + _which(read(run.path)))
    if args.json:
        print_json({"run": run.name, "task": run.task_id,
                    "samples": [to_record(s) for s in kept]})
        return 0
    if not kept:
        print(f"{run.name}: no samples (trained before rnntui kept them, or its task shows "
              "none)")
        return 0
    for sample in kept:
        print("\n".join(describe(sample)))
    return 0


def _which(kept: list) -> str:
    if not kept:
        return " (it has none)"
    return f" (it has epochs {kept[0].epoch}–{kept[-1].epoch})"
