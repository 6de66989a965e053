"""Tang poems, seed 004: the network's per-token perplexity on held-out poems beside the
interpolated Kneser-Ney 5-gram, 3-gram and bigram, on the same events, as `rnntui score`
reports it.

Trains the poems task with its defaults (or `--set key=value`) on a corpus file, prepared as
every run is (rnntui.poetry.prepare): converted to the run's script, exact duplicates removed,
the run's form kept (default: 5- and 7-character quatrains and regulated verse), a seeded
subset of max_poems (default 10,000), and 10% held out with no line shared with the training
poems, half of them (validation) picking the kept epoch. Then scores the other half (test)
through the NumPy mirror: each poem from its start (END as the first context), every
character and mark, then END; characters outside the run's vocabulary are UNK for every
model. The n-grams are fitted on the run's training poems as the network learnt them (the
run's vocabulary, and in a small corpus the same characters-seen-once read as UNK targets).
Also prints the per-epoch time and the figures the training result itself reported.

    .venv/bin/python bench/bench_poems.py                         # ../shared/data/tang_poems.txt
    .venv/bin/python bench/bench_poems.py --set epochs=3 --keep /tmp/poems
    .venv/bin/python bench/bench_poems.py --run /tmp/poems/runs/poems-...   # score a kept run
    .venv/bin/python bench/bench_poems.py --corpus starter         # the built-in corpus

`--keep DIR` keeps the trained run (bench/bench_poem_form.py --run DIR/runs/... reuses it).
Figures measured are in the README (section "Poems: figures").
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "tang_poems.txt"


def train_poems(overrides, corpus: str | None, keep: str | None = None):
    """Train the poems task; returns (run, seconds, result)."""
    from rnntui.config import parse_assignments
    from rnntui.engine import backend
    from rnntui.engine.train import train
    from rnntui.runs import RunStore
    from rnntui.tasks import DataSource, get_task

    task = get_task("poems")
    hp = task.hparams(parse_assignments(overrides))
    root = Path(keep) if keep else Path(tempfile.mkdtemp())
    root.mkdir(parents=True, exist_ok=True)
    run = RunStore(root / "runs").create("poems", hp, DataSource(corpus=corpus))
    started = time.perf_counter()
    with backend.native_stderr_to(root / "tf.log"):
        backend.route_logs(root / "tf.log")
        result = train(run, emit=lambda e: print(e) if type(e).__name__ == "EpochEnded"
                       else None)
    return RunStore(root / "runs").open(run.path), time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--corpus", default=str(CORPUS),
                        help="a poem file, or 'starter' for the built-in corpus")
    parser.add_argument("--keep", help="keep the trained run under this folder")
    parser.add_argument("--run", help="score this trained run instead of training one")
    args = parser.parse_args()
    from rnntui.nn import load_network
    from rnntui.poetry.scoring import score_poems
    from rnntui.runs import RunStore
    from rnntui.tasks import get_task

    corpus = None if args.corpus == "starter" else args.corpus
    if corpus and not Path(corpus).is_file():
        raise SystemExit(f"needs the reference data at {corpus}")
    if args.run:
        run = RunStore(Path(args.run).parent).open(Path(args.run))
        seconds, status = float("nan"), "kept run"
    else:
        run, seconds, result = train_poems(args.overrides, corpus, args.keep)
        status = result.status
    hp = run.hparams
    task = get_task("poems")
    train, held, origin = task.training_poems(hp, run.source, run.vocab())
    score = score_poems(load_network(run.model_path), run.vocab(), train,
                        task.training_targets(hp, train, run.vocab()), held, hp.tokens)
    print(f"{origin}: {len(train):,} poems to train, {len(held):,} test poems (no shared line); "
          f"{score.events:,} events, {score.unknown:,} of them <unk>; "
          f"{len(run.vocab()):,} tokens; {run.epochs_done} epochs in {seconds:.0f} s "
          f"({status})")
    print(f"hyperparameters: {dict(hp)}")
    print(f"held-out perplexity per token: network {score.perplexity:.1f}   "
          f"Kneser-Ney 5-gram {score.baseline:.1f}   3-gram "
          f"{score.baselines['kneser_ney_3gram']:.1f}   bigram "
          f"{score.baselines['kneser_ney_2gram']:.1f}")
    print(f"network / KN 5-gram = {score.perplexity / score.baseline:.3f}; "
          f"network / KN 3-gram = {score.perplexity / score.baselines['kneser_ney_3gram']:.3f}")
    status = run.status()
    if status.train_seconds:
        nan = float("nan")
        print(f"training: {status.train_seconds:.0f} s in fit; kept epoch {status.best_epoch}; "
              f"its result reported perplexity {status.quality.get('perplexity', nan):.1f}, "
              f"KN 5-gram {status.baselines.get('kneser_ney_5gram', nan):.1f}")
    print(f"run: {run.path}")


if __name__ == "__main__":
    main()
