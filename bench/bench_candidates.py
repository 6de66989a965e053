"""Poems: how long do five candidate next lines take (goal: ≤ 1 s on this CPU)?

`PoemWriter.next_lines` is a beam search of width K under the form, rhyme (and tone) rules on
the NumPy mirror. Timed on an LSTM(256) of the poems task's default shape (Embedding 128,
LSTM 256, a softmax over the vocabulary): a trained run (`--run`), or the same shape with
random weights and a vocabulary of the real corpus's size (`--vocab`, default 4,200 of the
commonest characters of the rhyme book: what the default run's softmax spans). Beside it, in
the same run: one whole quatrain written by `write` (the poem enter writes), and K lines
sampled one by one (the other way to offer candidates). Medians of `--repeats` runs, after
one warm-up (which builds the rhyme-book table of the vocabulary, once a writer).

    .venv/bin/python bench/bench_candidates.py [--run RUN] [--k 5] [--repeats 7] [--tones]
"""

from __future__ import annotations

import argparse
import statistics
import time


def random_writer(vocab_size: int, seed: int = 0):
    import numpy as np

    from rnntui.nn import Network
    from rnntui.nn.cells import LSTMCell
    from rnntui.nn.layers import Dense, Embedding, Recurrent
    from rnntui.poetry.pingshui import table
    from rnntui.poetry.script import to_script
    from rnntui.poetry.writing import PoemWriter
    from rnntui.tasks.corpus import END, UNK

    chars = sorted({to_script(c, "simplified") for c in table()})
    chars = [c for c in chars if len(c) == 1][: max(vocab_size - 4, 1)]
    vocab = [END, UNK, "，", "。", *chars]
    rng = np.random.default_rng(seed)
    v, e, u = len(vocab), 128, 256

    def weights(*shape: int, scale: float = 0.1) -> np.ndarray:
        return rng.normal(0, scale, shape).astype(np.float32)  # float32, as Keras saves them

    cell = LSTMCell(weights(e, 4 * u), weights(u, 4 * u), np.zeros(4 * u, np.float32))
    net = Network([Embedding("emb", weights(v, e, scale=1.0)), Recurrent("lstm", cell, False),
                   Dense("out", weights(u, v), np.zeros(v, np.float32), "softmax")])
    return PoemWriter(net, vocab, "simplified"), f"random LSTM(256), vocabulary {v:,}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", help="a trained poems run (default: random weights)")
    parser.add_argument("--vocab", type=int, default=4200)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--first", default="白日依山尽，")
    parser.add_argument("--tones", action="store_true", help="the tone rule on too")
    args = parser.parse_args()
    import numpy as np

    from rnntui.poetry.writing import WritingOptions

    if args.run:
        from rnntui.play import open_play
        from rnntui.runs import RunStore

        play = open_play(RunStore().open(args.run))
        writer, what = play.writer, f"run {play.run.name}, vocabulary {len(play.vocab):,}"
    else:
        writer, what = random_writer(args.vocab)
    options = WritingOptions(tones=args.tones)
    start = writer.start(args.first)
    writer.next_lines(start, args.k, options)  # warm-up: the rhyme-book table, once

    def timed(job) -> float:
        times = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            job()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    rng = np.random.default_rng(0)
    beam = timed(lambda: writer.next_lines(start, args.k, options))
    # the same search with OpenBLAS's default threads (what it took before one_blas_thread)
    threaded = timed(lambda: writer._next_lines(start, args.k, options))
    poem = timed(lambda: writer.write(options=options, rng=rng, start=start))
    one_line = WritingOptions(tones=args.tones, lines=2)
    samples = timed(lambda: [writer.write(options=one_line, rng=rng, start=start)
                             for _ in range(args.k)])
    print(f"{what}; after {args.first}; tone rule {'on' if args.tones else 'off'}; "
          f"medians of {args.repeats}")
    print(f"  {args.k} candidate lines, beam search: {beam:.3f} s  (goal ≤ 1 s)")
    print(f"  the same, BLAS's default threads:   {threaded:.3f} s")
    print(f"  {args.k} lines sampled one by one:      {samples:.3f} s")
    print(f"  one whole quatrain (write):         {poem:.3f} s")


if __name__ == "__main__":
    main()
