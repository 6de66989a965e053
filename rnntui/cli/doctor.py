"""`rnntui doctor [--json] [--run RUN]`: what this machine gives rnntui, with fixes."""

from __future__ import annotations

import argparse
import time
from typing import Any


def register(sub: Any) -> None:
    doctor = sub.add_parser("doctor", help="check Python, the backends and their GPUs, the "
                            "terminal, the run store, the data caches and the network")
    doctor.add_argument("--json", action="store_true", help="one JSON object")
    doctor.add_argument("--run", action="append", default=[], metavar="RUN",
                        help="also check this run's hyperparameters for the fused cuDNN "
                        "kernel (repeatable)")
    doctor.add_argument("--no-devices", action="store_true",
                        help="do not import the backends (no device check: under a second)")
    doctor.add_argument("--timeout", type=_seconds, default=None,
                        help="seconds the backends may take to import and list their devices "
                        "(default 30)")
    doctor.set_defaults(handler=cmd_doctor)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError("between 0 and 600 seconds")
    return value


def cmd_doctor(args: argparse.Namespace) -> int:
    from rnntui.doctor import DEVICE_TIMEOUT, as_json, as_text, run_doctor
    from rnntui.runs import RunStore

    started = time.monotonic()
    store = RunStore()
    runs = {}
    for name in args.run:
        run = store.open(name)  # a bad name: one line, exit 2
        runs[f"run {run.name}"] = dict(run.hparams)
    findings = run_doctor(runs, devices=not args.no_devices,
                          timeout=args.timeout or DEVICE_TIMEOUT)
    seconds = time.monotonic() - started
    if args.json:
        print(as_json(findings, seconds))
    else:
        print(as_text(findings))
        print(f"({seconds:.1f} s)")
    return 0
