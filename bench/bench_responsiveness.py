"""Responsiveness while training: key press → screen shows it, with `sine` really training.

Starts `rnntui` in a 100×30 pseudo-terminal, opens sine's hyperparameters, asks for 100
epochs and trains (a real child process: TensorFlow running on the same CPU as the UI).
Then, while it trains, presses in turn: `space` (pause: wait for the "‖ paused" badge),
`space` (resume: wait for "● training"), `?` (the help opens: wait for its title) and `?`
again (it closes: wait for the training screen's footer to be drawn again). Each press is
timed from the key written to the marker read back. (Escape would close the help too, but
a lone ESC byte is held ESCDELAY = 100 ms by the terminal input parser, in case an escape
sequence follows; `--escape` times that path as well.) Prints p50/p95 per key and over all
presses (goal: p95 ≤ 100 ms), then quits with Ctrl+Q, which stops training and keeps the
last complete epoch.

Run: ``python bench/bench_responsiveness.py [--presses 60]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from ptyterm import PtyProgram  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RNNTUI = [sys.executable, "-c", "import sys; from rnntui.cli import main; sys.exit(main([]))"]
SETTLE = 0.15  # seconds to let a redraw finish before the next key


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def card_marker(task_id: str) -> str:
    """The parameter count on a task's card: drawn once the card shows that task."""
    from rnntui.tasks import get_task

    task = get_task(task_id)
    return f"{task.preview(task.hparams())[1]:,} parameters"


def drive(app: PtyProgram, presses: int, close_key: str) -> dict[str, list[float]]:
    """Open sine's form, train 100 epochs, then time the keys while it trains."""
    app.wait_for(card_marker("onehot1"))
    app.send("\x1b[B" * 3)  # down to sine
    app.wait_for(card_marker("sine"))
    app.send("\r")  # its hyperparameters
    app.wait_for("trainable parameters")
    app.send("\t" * 11)  # cell → … → epochs
    app.drain(0.5)
    app.send("100t")  # 100 epochs, train
    app.wait_for("● training", timeout=120)  # TensorFlow loaded, batches flowing
    app.drain(2.0)
    cycle = (("pause", " ", "‖ paused"), ("resume", " ", "● training"),
             ("open help", "?", "Keys: training"), ("close help", close_key, "space Pause"))
    times: dict[str, list[float]] = {what: [] for what, _, _ in cycle}
    for index in range(presses):
        what, key, marker = cycle[index % len(cycle)]
        app.clear()
        sent = app.send(key)
        times[what].append(app.wait_for(marker, timeout=10) - sent)
        app.drain(SETTLE)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=64, help="keys to time (≥ 50)")
    parser.add_argument("--escape", action="store_true", help="close the help with escape")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        app = PtyProgram(RNNTUI, size=(100, 30), env={"RNNTUI_HOME": home,
                                                      "PYTHONPATH": str(ROOT)})
        try:
            times = drive(app, args.presses, "\x1b" if args.escape else "?")
            still_training = app.process.poll() is None
        finally:  # whatever happened, leave no app (nor training child) running
            code = app.close(grace=15)
    every = [t for values in times.values() for t in values]
    for what, values in times.items():
        print(f"{what:>10}: p50 {statistics.median(values) * 1000:6.1f} ms  "
              f"p95 {percentile(values, 0.95) * 1000:6.1f} ms  (n={len(values)})")
    p95 = percentile(every, 0.95)
    print(f"{'all keys':>10}: p50 {statistics.median(every) * 1000:6.1f} ms  "
          f"p95 {p95 * 1000:6.1f} ms  max {max(every) * 1000:6.1f} ms  (n={len(every)})")
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"goal p95 ≤ 100 ms: {'met' if p95 <= 0.1 else 'NOT met'}; "
          f"training was running throughout: {still_training}; "
          f"Ctrl+Q exit status {code}; load average {load}")


if __name__ == "__main__":
    main()
