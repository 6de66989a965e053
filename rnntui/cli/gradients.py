"""`rnntui gradients RUN`: the gradient through time, ‖∂L/∂h_t‖ at every step of a held-out
sequence for each recurrent layer (rnntui.engine.through_time), and `rnntui norms RUN`:
the gradient norms recorded at every batch of training (rnntui.engine.gradients)."""

from __future__ import annotations

import argparse
import math
from typing import Any

from rnntui import paths
from rnntui.cli.common import UserError, print_json
from rnntui.runs import RunStore

BAR = 30  # columns of the widest bar


def register(sub: Any) -> None:
    grads = sub.add_parser("gradients", help="the gradient through time: ‖∂L/∂h_t‖ at every "
                           "step of a held-out sequence, per recurrent layer (log scale)")
    grads.add_argument("run", help="a run name or folder")
    grads.add_argument("--item", type=int, default=0, metavar="N",
                       help="which held-out sequence (default 0, the first)")
    grads.add_argument("--text", metavar="TEXT", help="read this input instead, as predict "
                       "reads it (no target: L is the loss of the network's own answer, or "
                       "for a forecast the forecast itself)")
    grads.add_argument("--word-index", metavar="FILE", help="imdb --text: a word → rank JSON")
    grads.add_argument("--json", action="store_true", help='print JSON: {"steps": T, '
                       '"layers": [{"layer": 0, "norms": [‖∂L/∂h_1‖, …]}]}')
    grads.set_defaults(handler=cmd_gradients)

    norms = sub.add_parser("norms", help="the gradient norms of every batch of training "
                           "(all weights together and each kernel), epoch by epoch")
    norms.add_argument("run", help="a run name or folder")
    norms.add_argument("--json", action="store_true", help="print JSON: a record an epoch")
    norms.set_defaults(handler=cmd_norms)

    hists = sub.add_parser("histograms", help="each weight's histogram and its last "
                           "gradient's, epoch by epoch (also in TensorBoard's Histograms tab)")
    hists.add_argument("run", help="a run name or folder")
    hists.add_argument("--epoch", type=int, metavar="N", help="that epoch (default: the last)")
    hists.add_argument("--weight", metavar="LABEL", help="one weight, e.g. rnn_1/kernel "
                       "(default: every one, as a line of figures each)")
    hists.add_argument("--kind", choices=("weights", "gradients"), default="weights")
    hists.add_argument("--json", action="store_true", help="print JSON: edges and counts")
    hists.set_defaults(handler=cmd_histograms)


def cmd_gradients(args: argparse.Namespace) -> int:
    run = RunStore().open(args.run)
    if not run.model_path.exists():
        raise UserError(f"{run.name} has no model file ({run.model_path.name}): nothing to "
                        "take gradients of; train it first")
    from rnntui.engine import backend
    from rnntui.tasks import get_task

    task = get_task(run.task_id)
    if args.text is not None:
        from rnntui.cli.play import _playground

        if not args.text.strip():
            raise UserError("--text is empty: give an input to read")
        encoded = _playground(run.name, args.word_index).encode(args.text)
        x, y = encoded.x[None], None
        what = f"the text given ({len(encoded.tokens)} steps)"
    log = paths.log_file()
    with backend.native_stderr_to(log):
        backend.route_logs(log)
        if args.text is None:
            data = task.load(run.hparams, run.source)
            held_x, held_y = task.quality_split(data)
            if not 0 <= args.item < len(held_x):
                raise UserError(f"--item {args.item}: the held-out data has {len(held_x)} "
                                f"sequences (0 to {len(held_x) - 1})")
            x, y = held_x[args.item:args.item + 1], held_y[args.item:args.item + 1]
            what = f"held-out sequence {args.item}"
        from rnntui.engine.model import load_checkpoint
        from rnntui.engine.through_time import gradient_through_time

        model = load_checkpoint(run.model_path)
        try:
            result = gradient_through_time(model, x, y)
        except ValueError as exc:
            raise UserError(f"{run.name}: {exc}") from None
    against = ("the last step's loss" if y is not None else
               "the last step's loss of its own answer" if "entropy" in str(model.loss)
               else "the last step's output itself")
    if args.json:
        print_json({"run": run.name, "task": run.task_id,
                    "item": args.item if args.text is None else None,
                    "text": args.text, "loss_of": against, "cell": run.hparams.cell,
                    **result.to_dict()})
        return 0
    print(f"{run.name}: ‖∂L/∂h_t‖ on {what}; L = {against}, {result.loss:.4g}")
    if args.text is not None and encoded.warning:
        print(f"note: {encoded.warning}")
    for layer in result.layers:
        print(f"layer {layer.layer} ({layer.name}):")
        print("\n".join(describe(layer.norms)))
    return 0


def describe(norms: list[float], rows: int = 12) -> list[str]:
    """A few steps' norms with a bar on a log scale, and the first step's norm against the
    last's in words."""
    finite = [n for n in norms if n > 0 and math.isfinite(n)]
    if not finite:
        return ["  every norm is 0: the loss does not depend on this layer's states"]
    low, high = math.log10(min(finite)), math.log10(max(finite))
    span = max(high - low, 1e-12)
    picks = sorted({round(i * (len(norms) - 1) / max(rows - 1, 1)) for i in range(rows)})
    lines = []
    for t in picks:
        value = norms[t]
        width = (1 + round((BAR - 1) * (math.log10(value) - low) / span)
                 if value > 0 and math.isfinite(value) else 0)
        lines.append(f"  t={t + 1:>4}  {value:10.3e}  {'█' * width}")
    first, last = norms[0], norms[-1]
    if last > 0 and first >= 0:
        ratio = first / last
        verdict = ("the gradient vanishes toward the start" if ratio < 1e-2 else
                   "the gradient grows toward the start (exploding)" if ratio > 1e2 else
                   "the gradient reaches the start")
        lines.append(f"  step 1 gets {ratio:.2e} of the last step's gradient: {verdict}")
    return lines


def cmd_norms(args: argparse.Namespace) -> int:
    from rnntui.engine.gradients import read_norms

    run = RunStore().open(args.run)
    records = read_norms(run.path, run.epochs_done or None)
    if args.json:
        print_json({"run": run.name, "clipnorm": run.hparams.get("clipnorm"),
                    "epochs": [r.to_dict() for r in records]})
        return 0
    if not records:
        print(f"{run.name}: no gradient norms (log_gradients was off, or it was trained "
              "before rnntui kept them)")
        return 0
    clip = run.hparams.get("clipnorm")
    print(f"{run.name}: gradient norms per epoch (median and largest of its batches)"
          + (f"; clipnorm {clip:g} clips each kernel above it" if clip else ""))
    for record in records:
        parts = []
        for label, values in record.norms.items():
            ordered = sorted(v for v in values if math.isfinite(v))
            if ordered:
                parts.append(f"{label} {ordered[len(ordered) // 2]:.3g}/{ordered[-1]:.3g}")
        print(f"epoch {record.epoch}: " + "  ".join(parts))
    return 0


def cmd_histograms(args: argparse.Namespace) -> int:
    from rnntui.runs import histograms

    run = RunStore().open(args.run)
    kept = histograms.read(run.path, run.epochs_done or None)
    if not kept:
        raise UserError(f"{run.name} has no histograms (log_gradients was off, or it was "
                        "trained before rnntui kept them)")
    if args.epoch is not None:
        chosen = [h for h in kept if h.epoch == args.epoch]
        if not chosen:
            raise UserError(f"--epoch {args.epoch}: {run.name} has histograms of epochs "
                            f"{kept[0].epoch}–{kept[-1].epoch}")
        record = chosen[0]
    else:
        record = kept[-1]
    hists = record.kinds.get(args.kind, {})
    if args.weight is not None and args.weight not in hists:
        raise UserError(f"--weight {args.weight}: {args.kind} of {run.name} are kept for "
                        f"{', '.join(hists) or 'no weight'}")
    shown = {args.weight: hists[args.weight]} if args.weight else hists
    if args.json:
        print_json({"run": run.name, "epoch": record.epoch, "kind": args.kind,
                    "histograms": {k: h.to_dict() for k, h in shown.items()}})
        return 0
    for label, h in shown.items():
        print(f"{run.name} epoch {record.epoch}: {args.kind} of {label} ({h.count:,} values)")
        if args.weight:
            print("\n".join(histograms.bars(h)))
        else:
            mean = h.total / max(h.count, 1)
            print(f"  from {h.edges[0]:+.4g} to {h.edges[-1]:+.4g}, mean {mean:+.4g}")
    return 0
