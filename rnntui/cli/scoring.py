"""`rnntui score RUN [FILE]`: a trained poems run's per-token perplexity on a poem file (or on
its own held-out poems), beside the Kneser-Ney 5-gram fitted on its training poems, through
the NumPy mirror (no TensorFlow)."""

from __future__ import annotations

import argparse
from typing import Any

from rnntui.cli.common import UserError, print_json


def register(sub: Any) -> None:
    score = sub.add_parser("score", help="poems: a run's perplexity on a poem file, beside "
                           "a Kneser-Ney 5-gram of its training poems")
    score.add_argument("run", help="a poems run name or folder")
    score.add_argument("file", nargs="?", default=None,
                       help="poems to score (text or chinese-poetry JSON; default: the "
                       "run's own held-out poems)")
    score.add_argument("--samples", type=int, default=100, metavar="N", help="poems of "
                       "characters: quatrains written for the form, rhyme (平水韵) and tone "
                       "figures, alone and with the rules, beside the scored poems' (0: none)")
    score.add_argument("--seed", type=int, default=0, help="the sampling seed of --samples")
    score.add_argument("--json", action="store_true", help="print JSON")
    from rnntui.cli.units import add_ablate_options

    add_ablate_options(score)
    score.set_defaults(handler=cmd_score)


def cmd_score(args: argparse.Namespace) -> int:
    from rnntui.nn import MirrorError, load_network
    from rnntui.poetry.scoring import read_scored_poems, score_poems
    from rnntui.runs import RunStore
    from rnntui.tasks import get_task

    run = RunStore().open(args.run)
    task = get_task(run.task_id)
    if not hasattr(task, "training_poems"):
        raise UserError(f"{run.name} is a {run.task_id} run: score reads poems runs")
    if not run.has_checkpoint:
        raise UserError(f"{run.name} has no trained epoch yet: train it first")
    vocab = run.vocab()
    train, held_out, origin = task.training_poems(run.hparams, run.source, vocab)
    script = run.hparams.get("script") if "script" in run.hparams else None
    poems = read_scored_poems(args.file, script) if args.file else held_out
    try:
        net = load_network(run.model_path)
    except MirrorError as exc:
        raise UserError(f"{run.name}: {exc}") from None
    targets = task.training_targets(run.hparams, train, vocab)

    def scored() -> Any:
        return score_poems(net, vocab, train, targets, poems, run.hparams.tokens)

    score = scored()
    what = args.file or f"its {len(held_out):,} held-out test poems"
    if args.ablate:
        return _score_ablated(run, args, net, scored, score, what)
    if args.samples < 0:
        raise UserError(f"--samples {args.samples}: must be 0 (none) or more")
    verse = {}
    if args.samples and run.hparams.tokens == "char" and net.can_step:
        from rnntui.poetry.conformance import verse_figures
        from rnntui.poetry.writing import PoemWriter

        writer = PoemWriter(net, vocab, script)
        verse = verse_figures(writer, poems, task.temperature, args.samples, args.seed)
    if args.json:
        print_json({"run": run.name, "file": args.file, "corpus": origin, **score.to_dict(),
                    **({"verse": verse, "samples": args.samples, "temperature":
                        task.temperature} if verse else {})})
        return 0
    print(f"{run.name} on {what}: {score.poems:,} poems, {score.events:,} events "
          f"({score.unknown:,} {'<unk>'})")
    print(f"perplexity per token: network {score.perplexity:.1f}   Kneser-Ney 5-gram "
          f"{score.baseline:.1f} (ratio {score.perplexity / score.baseline:.2f})   3-gram "
          f"{score.baselines['kneser_ney_3gram']:.1f}   bigram "
          f"{score.baselines['kneser_ney_2gram']:.1f}")
    if score.in_training:
        print(f"note: {score.in_training:,} of these poems are training poems of the run")
    if verse:
        print(f"{args.samples} quatrains written from nothing at temperature "
              f"{task.temperature:g} (seed {args.seed}), beside the scored poems:")
        print(f"  {'':24} {'in form':>8} {'rhyme':>8} {'tones fit':>10} {'tone places':>12}")
        names = {"network": "network alone", "rules": "form + rhyme rules",
                 "rules_tones": "form + rhyme + tones", "real": f"scored poems ({score.poems})"}
        for key, label in names.items():
            f = verse[key]
            print(f"  {label:24} {f['in_form']:8.0%} {f['rhymed']:8.0%} {f['tones']:10.0%} "
                  f"{f['tone_places']:12.0%}")
    return 0


def _score_ablated(run: Any, args: argparse.Namespace, net: Any, scored: Any, intact: Any,
                   what: str) -> int:
    """The perplexity with `--ablate`'s units pinned, beside the intact network's."""
    from rnntui.cli.units import pins_for
    from rnntui.play import open_play
    from rnntui.units.ablation import ablated, describe
    from rnntui.units.source import UnitsRun

    units = UnitsRun(open_play(run))
    units.net = net  # the network being scored
    pinned, means = pins_for(units, args.ablate, args.ablate_mode)
    with ablated(net, pinned, args.ablate_mode, means):
        changed = scored()
    label = describe(pinned, args.ablate_mode)
    if args.json:
        print_json({"run": run.name, "file": args.file, "ablate": [str(u) for u in pinned],
                    "mode": args.ablate_mode, "intact": intact.to_dict(),
                    "ablated": changed.to_dict()})
        return 0
    print(f"{run.name} on {what}: {intact.events:,} events")
    print(f"perplexity per token: intact {intact.perplexity:.1f}, {label} "
          f"{changed.perplexity:.1f} (Kneser-Ney 5-gram {intact.baseline:.1f})")
    return 0
