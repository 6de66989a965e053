"""`rnntui tones TEXT`: each line's 平仄 by the 平水韵 and the regulated pattern it fits, or
the positions that break it (no run needed, no TensorFlow)."""

from __future__ import annotations

import argparse
from typing import Any

from rnntui.cli.common import UserError, print_json


def register(sub: Any) -> None:
    tones = sub.add_parser("tones", help="poems: each line's 平仄 (平水韵) and the regulated "
                           "pattern (五绝/七绝/五律/七律) it fits or breaks")
    tones.add_argument("text", help="a poem or some of its lines, e.g. 白日依山尽，黄河入海流。")
    tones.add_argument("--form", choices=("五绝", "七绝", "五律", "七律"), default=None,
                       help="read against this form's patterns only (default: the one the "
                       "lines fit)")
    tones.add_argument("--json", action="store_true", help="print JSON")
    tones.set_defaults(handler=cmd_tones)


def cmd_tones(args: argparse.Namespace) -> int:
    from rnntui.poetry.meter import MeterError, check_uniform, read_tones

    try:
        reading = read_tones(args.text)
        check_uniform(reading.lines)
        if args.form:
            reading = read_tones(args.text, args.form)
    except MeterError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print_json(reading.to_dict())
        return 0
    breaks = set(reading.fit.breaks)
    for n, (line, shown) in enumerate(zip(reading.lines, reading.shown)):
        marks = "".join("^" if (n, i) in breaks else "　" for i in range(len(line)))
        print(f"{line}  {shown}" + (f"  {marks.rstrip('　')}" if marks.strip("　") else ""))
    pattern = reading.fit.pattern
    if pattern is None:
        size = len(reading.lines[0])
        print(f"no regulated pattern: lines of {size} characters (the patterns are for "
              "lines of 5 or 7, at most 8 lines)")
    elif reading.fit.fits:
        print(f"fits {reading.fit.describe(len(reading.lines))} (一三五不论)")
    else:
        where = ", ".join(f"line {n + 1} place {i + 1}" for n, i in reading.fit.breaks)
        print(f"nearest {reading.fit.describe(len(reading.lines))}: breaks at {where}")
    if pattern is not None:
        print("pattern: " + "，".join(pattern.tones[:len(reading.lines)]) + "。")
    if reading.rhyme.rhymed is not None:
        lines = "/".join(str(n + 1) for n in reading.rhyme.lines)
        print(f"rhyme (平水韵): lines {lines} "
              + (f"rhyme in {reading.rhyme.group}" if reading.rhyme.rhymed
                 else "do not rhyme" + (" (a character repeats)" if reading.rhyme.repeated
                                        else "")))
    return 0
