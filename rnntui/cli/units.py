"""`rnntui cells` and `rnntui saturation`: what each unit of a trained run learned, through
the NumPy mirror (no TensorFlow).

    rnntui cells RUN --feature NAME [--text FILE] [--json]     units ranked by |r|
    rnntui cells RUN --select TEXT START:END [--threshold T]   LSTMVis's select and match
    rnntui cells RUN --ablate 0:17[,0:3] [--mode zero|mean]    the held-out figure, pinned
    rnntui saturation RUN [--epoch N] [--json]                 Karpathy's gate saturation
"""

from __future__ import annotations

import argparse
from typing import Any

from rnntui.cli.ablation import add_ablate_options, pins_for
from rnntui.cli.common import UserError, print_json


def register(sub: Any) -> None:
    cells = sub.add_parser("cells", help="what each unit learned: units ranked by a feature "
                           "of the input, select and match, ablation")
    cells.add_argument("run", help="a run name or folder")
    cells.add_argument("--feature", metavar="NAME", help="rank every unit by |Pearson r| "
                       "with this feature of the task's inputs (unknown: the list)")
    cells.add_argument("--text", metavar="FILE", help="read these texts (one a line) instead "
                       "of the run's held-out data")
    cells.add_argument("--select", nargs=2, metavar=("TEXT", "START:END"),
                       help="the units of h on across steps START..END-1 of TEXT, and the "
                       "held-out spans most like them")
    cells.add_argument("--threshold", type=float, default=None,
                       help="select: a unit is on above this (default 0.3)")
    cells.add_argument("--top", type=int, default=10, help="units or matches to show")
    add_ablate_options(cells)
    cells.add_argument("--word-index", metavar="FILE", help="imdb: a word → rank JSON file")
    cells.add_argument("--json", action="store_true", help="print JSON")
    cells.set_defaults(handler=cmd_cells)

    saturation = sub.add_parser("saturation", help="per gate and unit, the fraction of "
                                "held-out steps below 0.1 and above 0.9, by epoch")
    saturation.add_argument("run", help="a run name or folder")
    saturation.add_argument("--epoch", type=int, default=None, help="that epoch (default: the "
                            "last recorded)")
    saturation.add_argument("--json", action="store_true", help="print JSON")
    saturation.set_defaults(handler=cmd_saturation)


def _units_run(name: str, word_index: str | None = None) -> Any:
    from rnntui.cli.play import _playground
    from rnntui.units.source import UnitsError, UnitsRun

    try:
        return UnitsRun(_playground(name, word_index))
    except UnitsError as exc:
        raise UserError(str(exc)) from None


def cmd_cells(args: argparse.Namespace) -> int:
    from rnntui.units.ablation import AblationError
    from rnntui.units.select import SpanError
    from rnntui.units.source import UnitsError

    if args.feature and args.select:
        raise UserError("give --feature or --select, not both")
    units = _units_run(args.run, args.word_index)
    try:
        if not args.feature and not args.select and not args.ablate:
            return _list_features(units, args)
        out: dict[str, Any] = {}
        lines: list[str] = []
        if args.feature:
            texts = units.from_file(args.text) if args.text else None
            ranking = units.rank(args.feature, texts)
            out.update(ranking.to_dict())
            lines += [f"{units.run.name}: which units track {args.feature} "
                      f"({units.feature(args.feature).about})"]
            lines += ranking.summary(args.top)
        elif args.select:
            result = _select(units, args)
            out.update(result[0])
            lines += result[1]
        if args.ablate:
            held, held_lines = _ablated_figures(units, args)
            out["held_out"] = held
            lines += held_lines
    except (UnitsError, SpanError, AblationError) as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print_json(out)
    else:
        print("\n".join(lines))
    return 0


def _list_features(units: Any, args: argparse.Namespace) -> int:
    features = [{"name": f.name, "about": f.about} for f in units.features]
    if args.json:
        print_json({"features": features})
        return 0
    print(f"{units.run.name} ({units.task.id}): features to rank units by "
          "(--feature NAME):")
    for f in features:
        print(f"  {f['name']:<14} {f['about']}")
    return 0


def _select(units: Any, args: argparse.Namespace) -> tuple[dict, list[str]]:
    from rnntui.units.select import (DEFAULT_THRESHOLD, context, match, parse_span, select)

    text, span_spec = args.select
    typed = units.typed(text)
    span = parse_span(span_spec, len(typed))
    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    states = units.states([typed], names=("h",))
    chosen = select(states.text(0), states.units, span, threshold)
    both = units.bidirectional
    out: dict[str, Any] = {
        "text": list(typed.steps), "span": list(span), "threshold": threshold,
        "count": len(chosen.units),
        "selected": [u.to_dict(both) for u in chosen.names]}
    shown = "".join(context(typed.steps, span, 0)[1])
    lines = [f"{len(chosen.units)} unit{'s' if len(chosen.units) != 1 else ''} of h above "
             f"{threshold:g} at every step of {span[0]}:{span[1]} ({shown}): "
             + (", ".join(u.words(both) for u in chosen.names[:12])
                + (" …" if len(chosen.units) > 12 else "") if chosen.units else
                "none (lower --threshold or shorten the span)")]
    matches = []
    if chosen.units:
        held = units.states(units.held_out, names=("h",))
        found = match(held, chosen, args.top)
        lines.append(f"held-out spans most like it (of {len(units.held_out):,} texts; score = "
                     "shared − extra units):")
        for m in found:
            before, inside, after = context(units.held_out[m.text].steps, m.span)
            matches.append({"text": m.text, "span": list(m.span), "shared": m.shared,
                            "extra": m.extra, "score": m.score, "before": before,
                            "match": inside, "after": after})
            lines.append(f"  {m.score:>4}  ({m.shared} shared, {m.extra} extra)  text {m.text} "
                         f"{m.span[0]}:{m.span[1]}  {before}[{inside}]{after}")
    out["matches"] = matches
    return out, lines


def _ablated_figures(units: Any, args: argparse.Namespace) -> tuple[dict, list[str]]:
    from rnntui.units.ablation import ablated, describe

    pinned, means = pins_for(units, args.ablate, args.ablate_mode)
    intact = units.held_out_figures()
    with ablated(units.net, pinned, args.ablate_mode, means):
        changed = units.held_out_figures()
    what = describe(pinned, args.ablate_mode)
    lines = [f"held-out figures, intact → {what}:"]
    lines += [f"  {name}: {intact[name]:.4g} → {changed[name]:.4g}" for name in intact]
    return {"ablate": [str(u) for u in pinned], "mode": args.ablate_mode,
            "intact": intact, "ablated": changed}, lines


def cmd_saturation(args: argparse.Namespace) -> int:
    from rnntui.runs import RunStore
    from rnntui.units.saturation import SaturationError, at_epoch, read

    run = RunStore().open(args.run)
    try:
        entry = at_epoch(run.path, args.epoch)
    except SaturationError as exc:
        raise UserError(f"{run.name}: {exc}") from None
    if args.json:
        print_json({"epoch": entry["epoch"], "steps": entry.get("steps"),
                    "layers": entry["layers"]})
        return 0
    epochs = [e["epoch"] for e in read(run.path)]
    print(f"{run.name}: gate saturation at epoch {entry['epoch']} (recorded: "
          f"{', '.join(map(str, epochs))}), over {entry.get('steps', 0):,} held-out steps")
    print("per gate: units mostly below 0.1 (left) / above 0.9 (right), of all units; "
          "mean fraction of steps left / right")
    for layer in entry["layers"]:
        side = f" {layer['direction']}" if "direction" in layer else ""
        if not layer["gates"]:
            print(f"  layer {layer['layer']}{side} ({layer['kind']}): no gates")
        for gate, sides in layer["gates"].items():
            left, right = sides["left"], sides["right"]
            n = len(left)
            print(f"  layer {layer['layer']}{side} {gate}: {sum(v > 0.5 for v in left)}/{n} "
                  f"left, {sum(v > 0.5 for v in right)}/{n} right; mean "
                  f"{sum(left) / n:.2f} / {sum(right) / n:.2f}")
    return 0
