"""The three dice: does the trained RNN name the hidden die as often as the exact model?

Trains the `dice` task with rnntui's defaults (plus any `--set key=value`) through rnntui's
own engine, once per seed; then, on fresh held-out sequences drawn from the same hidden Markov
model (a generator seed no training data used), compares per-step accuracy in naming the die:

- the RNN (the NumPy mirror of the trained network, its likeliest die at each step),
- the forward algorithm's likeliest die (the best any left-to-right reader can do),
- Viterbi's most likely die sequence (it reads the whole sequence, so it may beat both),

and the mean KL divergence from the forward posterior to the RNN's belief. Prints each seed
and the medians; the goal is an RNN within 2 percentage points of the forward algorithm.

    .venv/bin/python bench/bench_dice.py [--seeds 3] [--set epochs=20 ...]

Measured on the 2-core CPU box (2026-11-23), defaults (GRU(32), 8 epochs, sticky 0.9, fair):

    forward algorithm 73.13%   Viterbi 77.25%
    seed      RNN     gap  KL nats  train s
       0   72.94%   0.19p   0.0037     21.2
       1   72.69%   0.44p   0.0062     26.3
       2   73.11%   0.02p   0.0030     26.3
    median: RNN 72.94%, gap 0.19 points (within 2), KL 0.0037 nats, 26 s to train

Other cells (2 seeds each, --set cell=...): LSTM(32) 15 epochs 72.97% (gap 0.15), SimpleRNN(32)
15 epochs 73.02% (gap 0.11); GRU(32) 15 epochs 72.97% (gap 0.16, 3 seeds); GRU(16) 10 epochs
72.92% (gap 0.21).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from rnntui.config import parse_assignments  # noqa: E402
from rnntui.play.dice import held_out  # noqa: E402
from rnntui.engine import backend  # noqa: E402
from rnntui.engine.train import train  # noqa: E402
from rnntui.nn import load_network  # noqa: E402
from rnntui.runs import RunStore  # noqa: E402
from rnntui.tasks import get_task  # noqa: E402

HELD_OUT = 2000  # sequences, from the generator seed held_out keeps for fresh ones


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="training seeds 0…n-1")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a default (repeatable)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    task = get_task("dice")
    overrides = parse_assignments(args.set)
    hp0 = task.hparams(overrides)
    if hp0.mode != "die":
        raise SystemExit("bench_dice measures mode=die (naming the die)")
    print(f"dice, {HELD_OUT} held-out sequences of {hp0.seq_len} rolls; "
          f"{', '.join(f'{k}={v}' for k, v in hp0.items() if k != 'seed')}")
    root = Path(tempfile.mkdtemp(prefix="bench-dice-"))
    store = RunStore(root / "runs")
    rows = []
    with backend.native_stderr_to(root / "tf.log"):  # TensorFlow's chatter, off the screen
        backend.route_logs(root / "tf.log")
        for seed in range(args.seeds):
            hp = task.hparams({**overrides, "seed": seed})
            run = store.create("dice", hp)
            started = time.perf_counter()
            result = train(run)
            seconds = time.perf_counter() - started
            if result.status != "completed":
                raise SystemExit(f"seed {seed}: {result.status}: {result.message}")
            scores = held_out(load_network(run.model_path), hp, HELD_OUT)
            if seed == 0:  # the exact model's figures are the same for every seed
                forward_acc, viterbi_acc = scores.exact, scores.viterbi
                print(f"forward algorithm {forward_acc:.2%}   Viterbi {viterbi_acc:.2%}")
                print(f"{'seed':>4} {'RNN':>8} {'gap':>7} {'KL nats':>8} {'train s':>8}")
            rnn_acc, kl = scores.rnn, scores.mean_kl
            rows.append((rnn_acc, kl, seconds))
            print(f"{seed:>4} {rnn_acc:>8.2%} {100 * (forward_acc - rnn_acc):>6.2f}p "
                  f"{kl:>8.4f} {seconds:>8.1f}", flush=True)
    rnn = statistics.median(r[0] for r in rows)
    kl = statistics.median(r[1] for r in rows)
    seconds = statistics.median(r[2] for r in rows)
    gap = 100 * (forward_acc - rnn)
    print(f"median: RNN {rnn:.2%}, forward {forward_acc:.2%}, Viterbi {viterbi_acc:.2%}; "
          f"gap {gap:.2f} points ({'within' if gap <= 2 else 'NOT within'} 2), "
          f"KL {kl:.4f} nats, {seconds:.0f} s to train")
    if args.json:
        print(json.dumps({"rnn": rnn, "forward": forward_acc, "viterbi": viterbi_acc,
                          "gap_points": gap, "kl": kl, "train_seconds": seconds,
                          "hparams": hp0.to_dict()}))


if __name__ == "__main__":
    main()
