"""Soak: 1,000 epochs of onehot4 in the app, with the training screen and its plots live.

Runs the real app headless (Textual's run_test, 80×24) with its real training child, and
measures at epoch 10 and at epoch 1,000, side by side:

- resident memory (RSS) of the app process and of the training child;
- the time to draw the two plots from the session's data (CurvePlot.draw, then building the
  terminal lines: what the training screen pays on each redraw), median of 7.

Memory should stay flat and the draw as fast at the end as at the start: the session holds
its epochs and a self-thinning trail of batch losses as columns of floats, the log pane keeps
200 lines, and plots thin their curves to twice their width. Since the start is noisy on a
shared machine, the bench also draws the plots from the first epochs' data and from all of
it, alternating, at the end of the run.

    .venv/bin/python bench/bench_soak.py            # 1,000 epochs (~1-2 minutes)
    .venv/bin/python bench/bench_soak.py --epochs 300 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def rss_mib(pid: int | None = None) -> float:
    """Resident memory of a process in MiB (Linux /proc)."""
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def time_plots(screen: object, repeats: int = 7) -> float:
    """Median milliseconds to redraw both plots from the session and build their lines."""
    from rnntui.ui.widgets.plots import CurvePlot

    plots = list(screen.query(CurvePlot))  # type: ignore[attr-defined]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        screen._draw_plots()  # type: ignore[attr-defined]
        for plot in plots:
            plot.render_line(0)  # builds the plotext figure and its strips
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def as_at(session: object, epochs: int) -> object:
    """A copy of `session` as it stood after `epochs` epochs (its history and batches)."""
    from dataclasses import replace

    from rnntui.ui.columns import EpochTable, Trail
    from rnntui.ui.session import BATCH_POINTS

    batches = Trail(BATCH_POINTS)
    for x, y in session.batch_losses:  # type: ignore[attr-defined]
        if x < epochs:
            batches.append(x, y)
    return replace(session, history=EpochTable(session.history[:epochs]),  # type: ignore
                   batches=batches)


def time_plots_side_by_side(screen: object, epochs: tuple[int, ...], rounds: int = 9
                            ) -> list[float]:
    """Median ms to draw the plots as they were after each of `epochs` and as they are
    now, in turn, round after round: the noise of a shared machine falls on all alike."""
    live = screen.session  # type: ignore[attr-defined]
    sessions = [as_at(live, n) for n in epochs] + [live]
    times: list[list[float]] = [[] for _ in sessions]
    try:
        for _ in range(rounds):
            for session, kept in zip(sessions, times):
                screen.session = session  # type: ignore[attr-defined]
                kept.append(time_plots(screen, repeats=1))
    finally:
        screen.session = live  # type: ignore[attr-defined]
        screen._draw_plots()  # type: ignore[attr-defined]
    return [statistics.median(kept) for kept in times]


async def soak(epochs: int, checkpoints: tuple[int, ...]) -> dict:
    from rnntui.runs import RunStore
    from rnntui.tasks import get_task
    from rnntui.ui.app import make_app
    from rnntui.ui.screens.training import TrainingScreen
    from rnntui.ui.widgets.plots import CurvePlot

    app = make_app(store=RunStore())
    figures: dict[int, dict] = {}
    trace: list[tuple[int, float]] = []  # (epoch, app RSS) every 100 epochs
    async with app.run_test(size=(80, 24)) as pilot:
        # A little past the last measurement, so the child is still there to be measured.
        app.train("onehot4", get_task("onehot4").hparams({"epochs": epochs + 100}))
        started = time.monotonic()
        for target in checkpoints:
            while (app.service.session is None or app.service.session.epochs_done < target):
                if app.service.session is not None and not app.service.session.active:
                    raise RuntimeError(f"training ended early: {app.service.session.failure}")
                if time.monotonic() - started > 1800:
                    raise TimeoutError("training took over 30 minutes")
                done = app.service.session.epochs_done if app.service.session else 0
                if done >= 100 * (len(trace) + 1):
                    trace.append((done, rss_mib()))
                await pilot.pause(0.05)
            screen = app.screen
            assert isinstance(screen, TrainingScreen)
            child = app.service.trainer._process.pid  # type: ignore[union-attr]
            if target == checkpoints[-1]:
                # The start, and the epoch from which the plots draw as many points as
                # they ever will (two a column): from there on a draw should cost the same.
                width = min(plot.size.width for plot in screen.query(CurvePlot))
                full = min(2 * max(width, 20), target)
                side_by_side = dict(zip(
                    ("start", "full", "now"),
                    time_plots_side_by_side(screen, (checkpoints[0], full))))
                side_by_side["full_epoch"] = full
            figures[target] = {
                "epoch": app.service.session.epochs_done,
                "app_rss_mib": rss_mib(),
                "child_rss_mib": rss_mib(child) if Path(f"/proc/{child}").exists() else None,
                "plot_draw_ms": time_plots(screen),
                "plot_points": sum(len(points) for plot in screen.query(CurvePlot)
                                   for points in plot.drawn.values()),
                "batch_losses": len(app.service.session.batch_losses),
                "seconds": time.monotonic() - started,
            }
        figures[checkpoints[-1]]["side_by_side_ms"] = side_by_side
        app.service.stop()
        while app.service.busy:
            await pilot.pause(0.1)
    return {"epochs": epochs, "at": figures, "app_rss_every_100_epochs": trace}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    os.environ.setdefault("RNNTUI_HOME", tempfile.mkdtemp(prefix="rnntui-soak-"))
    first = min(10, args.epochs)
    result = asyncio.run(soak(args.epochs, (first, args.epochs)))
    if args.json:
        print(json.dumps(result))
        return 0
    early, late = result["at"][first], result["at"][args.epochs]
    rows = [("app RSS (MiB)", "app_rss_mib", "{:.1f}"),
            ("training child RSS (MiB)", "child_rss_mib", "{:.1f}"),
            ("plot draw, both plots (ms)", "plot_draw_ms", "{:.1f}"),
            ("points on the plots", "plot_points", "{:d}"),
            ("batch losses kept", "batch_losses", "{:d}"),
            ("seconds since start", "seconds", "{:.1f}")]
    print(f"onehot4, {args.epochs} epochs, the training screen live at 80×24 "
          f"({os.cpu_count()} CPUs)")
    print(f"{'':30}{'epoch ' + str(early['epoch']):>14}{'epoch ' + str(late['epoch']):>14}")
    for label, key, form in rows:
        values = [early[key], late[key]]
        cells = ["–" if v is None else form.format(v) for v in values]
        print(f"{label:30}{cells[0]:>14}{cells[1]:>14}")
    trace = result["app_rss_every_100_epochs"]
    print("app RSS every 100 epochs (MiB): " + " ".join(f"{rss:.1f}" for _, rss in trace))
    half = [(epoch, rss) for epoch, rss in trace if epoch >= args.epochs // 2]
    if half:  # the second half of the run: from the first figure past it to the last
        (e0, r0), (e1, r1) = half[0], (late["epoch"], late["app_rss_mib"])
        print(f"app RSS from epoch {e0} to {e1}: {r1 - r0:+.1f} MiB "
              f"({(r1 - r0) * 1024 * 1024 / max(e1 - e0, 1):.0f} bytes an epoch)")
    side = late["side_by_side_ms"]
    print(f"plot draw side by side at epoch {late['epoch']}, medians of 9 rounds (ms): the "
          f"curves of epoch {first} {side['start']:.1f}, of epoch {side['full_epoch']} "
          f"(plots full) {side['full']:.1f}, of all {late['epoch']} epochs {side['now']:.1f}"
          f" (×{side['now'] / side['full']:.2f} the full plot's, "
          f"×{side['now'] / side['start']:.2f} the start's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
