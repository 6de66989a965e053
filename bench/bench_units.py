"""Ranking every unit of an LSTM(256) by a feature over 1,000 poems (~24,000 steps), beside one
forward pass of the same network over the same steps.

The network is the poems task's default shape, Embedding(V, 128) → LSTM(256) → Dense(V,
softmax), V the characters of the poems read, with seeded random weights (the timing does not
depend on what the weights learned). The poems are the first 1,000 five-character quatrains
of ../shared/data/tang_poems.txt (or --corpus FILE), each read from its start as the unit
views read held-out poems: END, then its characters and marks.

Times (median of --repeats runs each, same process, same steps):
  forward  ``Network.forward`` of every poem (batched by length, as the units code does),
           the softmax head included: what one pass of the network over these steps costs;
  rank     ``rnntui.units``: every unit's h and c at every step (the mirror's recorded
           gates), the feature, and |Pearson r| of all 512 states, best first;
  chance   the chance level beside it: the same for an untrained network of the same shape.

Run: ``python bench/bench_units.py`` (``--repeats 5``, ``--poems 1000``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnntui.nn.cells import LSTMCell  # noqa: E402
from rnntui.nn.layers import Dense, Embedding, Recurrent  # noqa: E402
from rnntui.nn.network import Network  # noqa: E402
from rnntui.tasks import get_task  # noqa: E402
from rnntui.tasks.features import UnitText  # noqa: E402
from rnntui.units import ranking  # noqa: E402
from rnntui.units.states import collect, untrained_like  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tang_poems.txt"
END = "\n"


def poems(path: Path, count: int) -> list[str]:
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if len(line) == 24 and line[5] == "，" and line[11] == "。":
            kept.append(line)
            if len(kept) == count:
                break
    return kept


def network(vocab: int, units: int = 256, embed: int = 128, seed: int = 0) -> Network:
    rng = np.random.default_rng(seed)
    cell = LSTMCell(rng.normal(0, 0.1, (embed, 4 * units)),
                    rng.normal(0, 0.1, (units, 4 * units)), np.zeros(4 * units))
    return Network([Embedding("embedding", rng.normal(0, 0.05, (vocab, embed))),
                    Recurrent("lstm", cell, return_sequences=True),
                    Dense("dense", rng.normal(0, 0.05, (units, vocab)), np.zeros(vocab),
                          "softmax")])


def median_time(work, repeats: int) -> tuple[float, float, object]:
    """Median wall time and median CPU time of this process (on a CPU shared with other
    jobs the wall time includes waiting for a core; the CPU time does not)."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DATA)
    parser.add_argument("--poems", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"no corpus at {args.corpus}: give --corpus FILE")
    chosen = poems(args.corpus, args.poems)
    vocab = [END, *sorted({ch for p in chosen for ch in p})]
    index = {t: i for i, t in enumerate(vocab)}
    texts = [UnitText(np.asarray([0, *(index[c] for c in p)], dtype=np.int32),
                      (END, *p)) for p in chosen]
    steps = sum(len(t) for t in texts)
    net = network(len(vocab))
    task = get_task("poems")
    hp = task.hparams()

    def forward():
        batch = np.stack([t.x for t in texts])  # one length: one shape
        return [net.forward(batch[i:i + 128]) for i in range(0, len(batch), 128)]

    def rank():
        feature = np.concatenate([task.feature_values(hp, "line_position", t)
                                  for t in texts])
        return ranking.rank(collect(net, texts), feature, "line_position")

    fresh = untrained_like(net, seed=0)

    def chance():
        feature = np.concatenate([task.feature_values(hp, "line_position", t)
                                  for t in texts])
        return ranking.best_abs_r(collect(fresh, texts), feature)

    t_forward, c_forward, _ = median_time(forward, args.repeats)
    t_rank, c_rank, result = median_time(rank, args.repeats)
    t_chance, c_chance, level = median_time(chance, args.repeats)
    print(f"{len(texts):,} poems, {steps:,} steps, LSTM(256), vocabulary {len(vocab):,}; "
          f"median of {args.repeats} (wall s / CPU s of this process)")
    print(f"  one forward pass (softmax head included): {t_forward:.3f} / {c_forward:.3f}")
    print(f"  rank all {len(result.units)} states (h and c) by |r| with line_position: "
          f"{t_rank:.3f} / {c_rank:.3f} (goal ≤ 2 s)")
    print(f"  chance level (untrained network, same steps): {t_chance:.3f} / {c_chance:.3f}; "
          f"rank + chance {t_rank + t_chance:.3f} / {c_rank + c_chance:.3f}")
    print(f"  best |r| {abs(result.units[0].r):.3f} (random weights), chance {level:.3f}")


if __name__ == "__main__":
    main()
