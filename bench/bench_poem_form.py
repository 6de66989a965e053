"""Tang poems, seed 004: do generated quatrains keep the form of their first line?

From 床前明月光 and five other well-known first lines (three of five characters, three of
seven), the trained network writes the rest of a quatrain, many times per line with fixed
seeds, through `Playground.generate` as the app does. A generated line keeps the form when it
has as many characters as the seed line and ends with the right mark: ， on lines 1 and 3,
。 on lines 2 and 4 (tang300's convention; a question or exclamation mark, ？ or ！, which
the corpus also uses to end a couplet, counts as right on lines 2 and 4). Lines 2 to 4 are
the generated lines.

The seed line is given as a learner types it, without punctuation: the network writes line
1's mark itself (its figure is reported apart; 床 is not in tang300, which writes 牀, so that
seed starts with UNK), then lines 2 to 4. Generation asks for a quatrain,
`Playground.generate(..., lines=4)`: it stops after the fourth line's mark and the network
may not end the poem (END) sooner; the sampling otherwise is the app's, from the state after
END (the start of a poem), the unknown token never written.

    .venv/bin/python bench/bench_poem_form.py                  # trains with the task defaults
    .venv/bin/python bench/bench_poem_form.py --run RUN_DIR    # a run kept by bench_poems.py
    .venv/bin/python bench/bench_poem_form.py --run RUN_DIR --temperature 0.6 --samples 200

Measured with the task defaults (100 quatrains per seed line): 96.8% of generated lines keep
the form at temperature 0.3, 92.9% at 0.5, 91.8% at 0.6 (the task's temperature), 88.7% at
0.8, 85.3% at 1.0. Five of the six seed lines' poems are among the training poems, and at
low temperatures the network sometimes recites them; 床前明月光's is not (93-96% up to 0.8).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Well-known first lines, in tang300's traditional script: 李白 靜夜思, 王之渙 登鸛雀樓,
# 孟浩然 春曉, 李白 早發白帝城, 張繼 楓橋夜泊, 王昌齡 出塞.
SEEDS = ("床前明月光", "白日依山盡", "春眠不覺曉", "朝辭白帝彩雲間", "月落烏啼霜滿天",
         "秦時明月漢時關")
RIGHT_MARKS = ("，", "。？！", "，", "。？！")  # lines 1 to 4


def quatrain(play, seed: str, temperature: float, rng, lines: int | None = 4) -> list[str]:
    """The first four lines after `seed` (fewer if the network ends the poem sooner, which
    `lines=4` forbids)."""
    from rnntui.tasks.corpus import poem_lines

    text = seed + "".join(play.generate(seed, length=4 * (len(seed) + 1) + 16,
                                        temperature=temperature, rng=rng, lines=lines))
    return poem_lines(text)[:4]


def line_ok(lines: list[str], n: int, size: int) -> bool:
    if n >= len(lines):
        return False
    line = lines[n]
    return len(line) == size + 1 and line[-1] in RIGHT_MARKS[n]


def measure(play, temperature: float, samples: int) -> dict:
    import numpy as np

    per_seed = {}
    for k, seed in enumerate(SEEDS):
        first = good = whole = 0
        examples = []
        for s in range(samples):
            lines = quatrain(play, seed, temperature, np.random.default_rng(1000 * k + s))
            oks = [line_ok(lines, n, len(seed)) for n in range(4)]
            first += lines[0].startswith(seed) and oks[0]
            good += sum(oks[1:])
            whole += all(oks)
            if s < 2:
                examples.append("".join(lines))
        per_seed[seed] = {"line1_mark": first / samples, "lines2to4": good / (3 * samples),
                          "whole": whole / samples, "examples": examples}
    total = sum(v["lines2to4"] for v in per_seed.values()) / len(per_seed)
    return {"temperature": temperature, "lines2to4": total, "per_seed": per_seed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", help="a trained poems run (default: train one on tang300)")
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--temperature", type=float, nargs="+",
                        default=[0.3, 0.5, 0.6, 0.8, 1.0])
    parser.add_argument("--samples", type=int, default=100, help="quatrains per seed line")
    args = parser.parse_args()
    from rnntui.playground import Playground
    from rnntui.runs import RunStore
    from rnntui.tasks.corpus import read_poems
    from rnntui.tasks.poems import split_poems

    if args.run:
        run = RunStore(Path(args.run).parent).open(Path(args.run))
    else:
        from bench_poems import train_on_tang300
        run, _, seconds, _ = train_on_tang300(args.overrides)
        print(f"trained {run.path} in {seconds:.0f} s")
    play = Playground.open(run)
    corpus = run.source.corpus
    if corpus:
        train, held = split_poems(read_poems(corpus), run.hparams.seed)
        for seed in SEEDS:
            where = ("is in the training poems" if any(seed in p for p in train) else
                     "is in the held-out poems" if any(seed in p for p in held) else
                     "is not in the corpus")
            print(f"{seed}: its poem {where}")
    for temperature in args.temperature:
        result = measure(play, temperature, args.samples)
        print(f"\ntemperature {temperature}: {result['lines2to4']:.1%} of generated lines "
              f"(lines 2-4, {args.samples} quatrains per seed line) keep the seed line's "
              f"length and the right mark; goal 90%: "
              f"{'met' if result['lines2to4'] >= 0.9 else 'NOT met'}")
        for seed, v in result["per_seed"].items():
            print(f"  {seed}: lines 2-4 {v['lines2to4']:6.1%}   line 1's mark "
                  f"{v['line1_mark']:6.1%}   whole quatrain {v['whole']:6.1%}   e.g. "
                  f"{v['examples'][0]}")


if __name__ == "__main__":
    main()
