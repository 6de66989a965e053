"""Tang poems, seed 004: the model's per-character perplexity on held-out poems against a
smoothed character-bigram baseline trained on the same poems.

Trains the poems task (its defaults, or `--set key=value`) on ../shared/data/tang300.txt
with the task's own 10% of poems held out; then measures both models on those poems,
statefully from the start of each poem (END as the first context, END as the last target).
The bigram interpolates with an add-one unigram, P(c|p) = (n(p,c) + α·P(c)) / (n(p) + α),
its α chosen on a tenth of the training poems (not on the held-out ones).

    .venv/bin/python bench/bench_poems.py [--set dropout=0.3 ...]
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "tang300.txt"


def pairs(poems, end):
    for poem in poems:
        prev = end
        for char in [*poem, end]:
            yield prev, char
            prev = char


def bigram_perplexity(train, test, end, vocab_size):
    """Held-out perplexity of the interpolated bigram; α tuned on part of `train`."""
    def fit(poems):
        uni = Counter(c for _, c in pairs(poems, end))
        return uni, Counter(pairs(poems, end)), Counter(p for p, _ in pairs(poems, end))

    def perplexity(model, poems, alpha):
        uni, big, ctx = model
        total = sum(uni.values())
        nll = n = 0
        for p, c in pairs(poems, end):
            pu = (uni[c] + 1) / (total + vocab_size)
            nll -= math.log((big[(p, c)] + alpha * pu) / (ctx[p] + alpha))
            n += 1
        return math.exp(nll / n)

    cut = len(train) // 10
    tuning = fit(train[cut:])
    alpha = min((1, 2, 5, 10, 20, 50, 100, 200), key=lambda a: perplexity(tuning, train[:cut], a))
    return perplexity(fit(train), test, alpha), alpha


def network_perplexity(net, vocab, test, end):
    import numpy as np

    index = {t: i for i, t in enumerate(vocab)}
    nll = n = 0
    for poem in test:
        ids = [index[end], *(index[c] for c in poem), index[end]]
        probs = np.asarray(net.forward(np.asarray(ids[:-1], dtype=np.int32)))
        nll -= float(np.log(probs[np.arange(len(ids) - 1), ids[1:]]).sum())
        n += len(ids) - 1
    return math.exp(nll / n)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    args = parser.parse_args()
    if not CORPUS.is_file():
        raise SystemExit(f"needs the reference data at {CORPUS}")
    from rnntui.config import parse_assignments
    from rnntui.engine import backend
    from rnntui.engine.train import train
    from rnntui.nn import load_network
    from rnntui.runs import RunStore
    from rnntui.tasks import DataSource, get_task
    from rnntui.tasks.corpus import END, read_poems
    from rnntui.tasks.poems import split_poems

    task = get_task("poems")
    hp = task.hparams(parse_assignments(args.overrides))
    poems = read_poems(CORPUS)
    train_poems, test_poems = split_poems(poems, hp.seed)
    root = Path(tempfile.mkdtemp())
    run = RunStore(root / "runs").create("poems", hp, DataSource(corpus=str(CORPUS)))
    started = time.perf_counter()
    with backend.native_stderr_to(root / "tf.log"):
        backend.route_logs(root / "tf.log")
        result = train(run)
    seconds = time.perf_counter() - started
    vocab = run.vocab()
    ours = network_perplexity(load_network(run.model_path), vocab, test_poems, END)
    base, alpha = bigram_perplexity(train_poems, test_poems, END, len(vocab))
    print(f"tang300: {len(train_poems)} poems to train, {len(test_poems)} held out; "
          f"{len(vocab)} tokens; {hp.epochs} epochs in {seconds:.0f} s")
    print(f"network perplexity (stateful, whole poems): {ours:8.1f}   "
          f"(windowed, as training reports it: {result.quality.get('perplexity', float('nan')):.1f})")
    print(f"bigram baseline (alpha {alpha}):               {base:8.1f}")
    print(f"goal: network below the bigram: {'met' if ours < base else 'NOT met'}")


if __name__ == "__main__":
    main()
