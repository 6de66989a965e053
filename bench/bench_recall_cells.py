"""Does the recall lesson hold? Best validation accuracy of each cell over several seeds.

The recall task (remember the first letter through `seq_len − 1` distractors) teaches that the
gated cells (LSTM, GRU) carry the letter to the end and a SimpleRNN does not. This trains the
task's defaults (or `--set key=value` overrides) once per cell and seed through rnntui's own
engine — `train(RunStore(tmp).create("recall", hp), ...)`, as `rnntui compare recall` does —
and prints, per cell and seed, the best validation accuracy of any epoch, the accuracy of the
epoch kept (on the test set, the run's figure), the epoch of the best, whether the run
diverged, and its seconds; then the median over the seeds, beside the two baselines measured
on the same data by the task itself: chance (1/8) and the best rule without the first letter
(the letter most often first in training, on the test set).

A cell "remembers" when its median best validation accuracy is at least 0.9; "does not" when
it stays under 0.5 (far from the 0.9, near chance). Exit status 1 when the lesson fails (a
gated cell does not remember, or the SimpleRNN does).

Run: ``python bench/bench_recall_cells.py`` (the defaults, seeds 0,1,2; about 15 minutes on
one busy core), ``--seeds 0,1,2``, ``--cells lstm,gru``, ``--set learning_rate=0.005 --set epochs=60``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnntui.engine.backend import native_stderr_to  # noqa: E402

# TensorFlow writes its start-up lines to fd 2 whatever the log level: away for the whole run.
_QUIET = native_stderr_to(Path(os.devnull))  # kept referenced: collecting it would restore fd 2
_QUIET.__enter__()

from rnntui.config import parse_assignments  # noqa: E402
from rnntui.engine.train import train  # noqa: E402
from rnntui.runs import RunStore  # noqa: E402
from rnntui.tasks import get_task  # noqa: E402

REMEMBERS, FORGETS = 0.9, 0.5
NAMES = {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def one(store: RunStore, cell: str, seed: int, overrides: dict[str, str]) -> dict:
    task = get_task("recall")
    hp = task.hparams({**overrides, "cell": cell, "seed": str(seed)})
    run = store.create("recall", hp)
    started = time.monotonic()
    result = train(run)
    seconds = time.monotonic() - started
    history = store.open(run.path).history()  # cut to the kept epoch, when one was kept
    status = run.status()
    vals = [h.get("val_accuracy", float("nan")) for h in history]
    best_at = max(range(len(vals)), key=vals.__getitem__) if vals else -1
    return {"cell": cell, "seed": seed, "status": getattr(result, "status", "failed"),
            "best_val": vals[best_at] if vals else float("nan"), "best_epoch": best_at + 1,
            "kept": status.quality.get("accuracy", float("nan")),
            "trained": getattr(result, "trained_epochs", None) or len(history),
            "baselines": status.baselines, "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--cells", default="simple,lstm,gru")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE")
    args = parser.parse_args()
    overrides = parse_assignments(args.overrides)
    seeds = [int(s) for s in args.seeds.split(",")]
    cells = [c.strip() for c in args.cells.split(",")]
    task = get_task("recall")
    shown = task.hparams(overrides)
    print("recall:", ", ".join(f"{k}={shown.to_dict()[k]}" for k in
                               ("units", "seq_len", "optimizer", "learning_rate", "batch_size",
                                "epochs", "patience")),
          "+ " + " ".join(args.overrides) if args.overrides else "")
    print(f"{'cell':<10}{'seed':>5}{'best val acc':>14}{'at epoch':>10}{'kept (test)':>13}"
          f"{'trained':>9}  {'status':<10}{'seconds':>8}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(Path(tmp))
        for cell in cells:
            for seed in seeds:
                row = one(store, cell, seed, overrides)
                rows.append(row)
                print(f"{NAMES[cell]:<10}{seed:>5}{row['best_val']:>14.3f}"
                      f"{row['best_epoch']:>10}{row['kept']:>13.3f}{row['trained']:>9}  "
                      f"{row['status']:<10}{row['seconds']:>8.1f}", flush=True)
    baselines = rows[0]["baselines"]
    rule = statistics.median(r["baselines"].get("best rule without the first letter", 0.0)
                             for r in rows)
    print(f"\nbaselines (same data): chance {baselines.get('chance', 0.125):.3f}; best rule "
          f"without the first letter (median over seeds) {rule:.3f}")
    ok = True
    for cell in cells:
        mine = [r for r in rows if r["cell"] == cell]
        best = statistics.median(r["best_val"] for r in mine)
        kept = statistics.median(r["kept"] for r in mine)
        secs = statistics.median(r["seconds"] for r in mine)
        verdict = ("remembers" if best >= REMEMBERS else
                   "does not remember" if best < FORGETS else "half-remembers")
        print(f"median {NAMES[cell]:<10} best val acc {best:.3f}  kept (test) {kept:.3f}  "
              f"{secs:.1f} s  → {verdict}")
        ok &= (verdict == "does not remember") if cell == "simple" else verdict == "remembers"
    print("lesson holds" if ok else "lesson FAILS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
