"""Time to 0.5x the Kneser-Ney 5-gram: the poems task's default beside the defaults before it
(issue 26, item 8), side by side in one run, on the same corpus and split.

Each configuration trains through the engine (`rnntui.engine.train.train`, what `rnntui train
poems` runs) and, after every epoch, its network is scored as the finished run reports it: the
test poems, each from its start, every character and mark, then END, through the NumPy mirror
(`PoemsTask.extra_figures`), beside the Kneser-Ney 5-gram fitted on the same training poems
with the same vocabulary (`PoemsTask.baselines`). Scoring happens between epochs and is not
counted as training time. A configuration stops at the first epoch at or below the target
ratio, or when its training time passes `--max-seconds`.

Printed for each: seconds and epochs to the target (training time: the epochs' own seconds,
validation included, the first epoch's graph compiling too), the seconds an epoch, and the
ratio after every epoch. On a shared CPU these times are upper bounds; the epochs to the
target do not depend on the load.

    python bench/bench_poems_speed.py                         # today's default vs the earlier
    python bench/bench_poems_speed.py --max-seconds 900 --config "gru:cell=gru"
    python bench/bench_poems_speed.py --only default --only cut2 --config "cut2:min_count=2"
    python bench/bench_poems_speed.py --only default --set max_poems=500 --max-seconds 30

`--config "NAME:key=value,key=value"` adds a configuration (the default's hyperparameters with
these changed). Two keys are this benchmark's, not hyperparameters: `stride_div` (windows start
every seq_len/stride_div tokens; the task's default is rnntui.tasks.poems.STRIDE_DIV) and
`min_count` (the vocabulary's cut, rnntui.tasks.poems.MIN_COUNT), so that the defaults before
this change can be run beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "tang_poems.txt"

# The defaults of rnntui/tasks/poems.py before issue 26 item 8 (LSTM(256), embedding 128,
# windows of 32 overlapping by half, batch 32, Adam 0.005, dropout 0.5, MIN_COUNT 2).
PREVIOUS = ("previous:cell=lstm,units=256,embedding_dim=128,seq_len=32,batch_size=32,"
            "learning_rate=0.005,lr_schedule=constant,dropout=0.5,stride_div=2,min_count=2")
# The default of the last landing (2026-12-08): the same, with the cut at 5, windows side by
# side, dropout 0.2 and a constant Adam 0.005, before the learning rate that is halved each
# epoch.
CONSTANT = "constant:learning_rate=0.005,lr_schedule=constant"
BENCH_KEYS = ("stride_div", "min_count")


def parse_config(text: str) -> tuple[str, dict[str, str]]:
    name, _, body = text.partition(":")
    pairs = dict(item.split("=", 1) for item in body.split(",") if item)
    return name, pairs


def run_config(name: str, pairs: dict[str, str], common: list[str], corpus: str,
               target: float, max_seconds: float, root: Path) -> dict:
    """Train one configuration until `target` or `max_seconds`; return its figures."""
    import rnntui.engine.train as engine
    import rnntui.tasks.poems as poems
    from rnntui.config import parse_assignments
    from rnntui.engine import backend
    from rnntui.engine.mirror import predictor
    from rnntui.runs import RunStore
    from rnntui.tasks import DataSource, get_task

    saved = (poems.STRIDE_DIV, poems.MIN_COUNT)
    poems.STRIDE_DIV = int(pairs.pop("stride_div", poems.STRIDE_DIV))
    poems.MIN_COUNT = int(pairs.pop("min_count", poems.MIN_COUNT))
    task = get_task("poems")
    hp = task.hparams(parse_assignments(
        ["epochs=50", *common, *(f"{k}={v}" for k, v in pairs.items()), "patience=0"]))
    source = DataSource(corpus=corpus)
    data = task.load(hp, source)
    baseline = task.baselines(data, hp)["kneser_ney_5gram"]
    rows: list[tuple[int, float, float]] = []  # (epoch, cumulative seconds, ratio)
    clock = {"train": 0.0}
    original = engine.Trainer.after_epoch

    def after_epoch(self, model, epoch, logs):
        before = len(self.history)
        original(self, model, epoch, logs)
        if len(self.history) == before:
            return
        clock["train"] = self.train_seconds
        figures = task.extra_figures(predictor(backend.import_keras(), model), data,
                                     self.hp)
        ratio = figures["perplexity"] / baseline
        rows.append((len(self.history), self.train_seconds, ratio))
        print(f"  {name}: epoch {len(self.history)}  {self.train_seconds:7.1f} s  "
              f"perplexity {figures['perplexity']:.1f} = {ratio:.3f}x KN 5-gram", flush=True)
        if ratio <= target or self.train_seconds >= max_seconds:
            model.stop_training = True

    engine.Trainer.after_epoch = after_epoch
    try:
        run = RunStore(root / name / "runs").create("poems", hp, source)
        with backend.native_stderr_to(root / "tf.log"):
            backend.route_logs(root / "tf.log")
            engine.train(run)
    finally:
        engine.Trainer.after_epoch = original
        poems.STRIDE_DIV, poems.MIN_COUNT = saved
    hit = next(((e, s) for e, s, r in rows if r <= target), None)
    per_epoch = [b - a for a, b in zip([0.0] + [s for _, s, _ in rows], [s for _, s, _ in rows])]
    return {"name": name, "hp": dict(hp), "vocab": len(data.vocab), "windows": len(data.x_train),
            "baseline": baseline, "rows": rows, "hit": hit,
            "epoch_s": statistics.median(per_epoch[1:] or per_epoch) if per_epoch else None,
            "first_epoch_s": per_epoch[0] if per_epoch else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--config", action="append", default=[],
                        help="NAME:key=value,... (more configurations beside the two)")
    parser.add_argument("--only", action="append", default=[],
                        help="run only the configurations of these names")
    parser.add_argument("--set", dest="common", action="append", default=[],
                        help="key=value for every configuration (e.g. max_poems=500)")
    parser.add_argument("--target", type=float, default=0.5)
    parser.add_argument("--max-seconds", type=float, default=600.0,
                        help="stop a configuration after this much training")
    args = parser.parse_args()
    if not Path(args.corpus).is_file():
        raise SystemExit(f"needs the reference data at {args.corpus}")
    configs = ([parse_config(PREVIOUS), parse_config(CONSTANT), ("default", {})]
               + [parse_config(c) for c in args.config])
    if args.only:
        configs = [c for c in configs if c[0] in args.only]
    root = Path(tempfile.mkdtemp(prefix="bench-poems-speed-"))
    os.environ.setdefault("RNNTUI_HOME", str(root / "home"))
    results = []
    for name, pairs in configs:
        print(f"{name}: training ({pairs or 'the task defaults'})", flush=True)
        results.append(run_config(name, dict(pairs), args.common, args.corpus, args.target,
                                  args.max_seconds, root))
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print(f"\ncorpus {args.corpus}; target {args.target}x the Kneser-Ney 5-gram on the test "
          f"poems; load average at the end {load:.1f} on {os.cpu_count()} cores (times are "
          "upper bounds on a shared machine)")
    print(f"{'config':<12}{'vocab':>7}{'windows':>9}{'KN5':>8}{'s/epoch':>9}{'1st s':>8}"
          f"{'best':>8}{'epochs to':>11}{'s to':>8}")
    for r in results:
        best = min((x for _, _, x in r["rows"]), default=float("nan"))
        epochs, seconds = r["hit"] if r["hit"] else ("-", float("nan"))
        print(f"{r['name']:<12}{r['vocab']:>7,}{r['windows']:>9,}{r['baseline']:>8.1f}"
              f"{r['epoch_s'] or float('nan'):>9.1f}{r['first_epoch_s'] or float('nan'):>8.1f}"
              f"{best:>8.3f}{str(epochs):>11}{seconds:>8.0f}")
    for r in results:
        print(f"{r['name']}: " + "  ".join(f"e{e} {s:.0f}s {x:.3f}" for e, s, x in r["rows"]))
        print(f"  {r['hp']}")


if __name__ == "__main__":
    main()
