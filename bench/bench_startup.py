"""Startup: from starting `rnntui` to the tasks screen drawn, against a minimal Textual app.

Both run in a pseudo-terminal of 80×24 as a user's terminal would, and the clock stops when
the output shows a marker only the finished first screen has (the task card's parameter
count for rnntui; the app's one line for the minimal one). Medians of 7 runs each,
interleaved so machine noise hits both alike. Goal: ≤ 0.5 s and ≤ 1.5× the minimal app
(issue 21 §8).

Run: ``python bench/bench_startup.py [--runs 7]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from ptyterm import PtyProgram  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
RNNTUI = [PYTHON, "-c", "import sys; from rnntui.cli import main; sys.exit(main([]))"]
MINIMAL = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("minimal app ready")
        yield Footer()

Minimal().run()
"""


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far (Linux's /proc; nan elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_to_marker(argv: list[str], marker: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds to the marker, and the CPU seconds the program had used by then (less
    moved by other jobs on a shared machine than the wall time)."""
    program = PtyProgram(argv, size=(80, 24), env=env)
    try:
        shown = program.wait_for(marker, timeout=30)
        cpu = cpu_seconds(program.process.pid)
    finally:  # never leave an app running, even when the marker never shows
        program.close()
    return shown - program.started, cpu


def card_marker() -> str:
    """The parameter count on the first task's card: drawn once the tasks screen is ready."""
    from rnntui.tasks import TASKS

    task = next(iter(TASKS.values()))
    return f"{task.preview(task.hparams())[1]:,} parameters"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    marker = card_marker()
    with tempfile.TemporaryDirectory() as home:
        env = {"RNNTUI_HOME": home, "PYTHONPATH": str(ROOT)}
        # An installed rnntui starts from its .pyc files. With PYTHONDONTWRITEBYTECODE set
        # (some shells and CI set it) the warm-up below writes none, and every run compiles
        # rnntui's ~70 modules from source again (~50 ms that no user pays): both programs
        # start here with bytecode written and read, as they would once installed.
        env["PYTHONDONTWRITEBYTECODE"] = ""
        time_to_marker(RNNTUI, marker, env)  # warm the OS file cache and .pyc files
        time_to_marker([PYTHON, "-c", MINIMAL], "minimal app ready", env)
        app, minimal, app_cpu, minimal_cpu = [], [], [], []
        for _ in range(args.runs):
            wall, cpu = time_to_marker(RNNTUI, marker, env)
            app.append(wall)
            app_cpu.append(cpu)
            wall, cpu = time_to_marker([PYTHON, "-c", MINIMAL], "minimal app ready", env)
            minimal.append(wall)
            minimal_cpu.append(cpu)
    app_median, minimal_median = statistics.median(app), statistics.median(minimal)
    print(f"rnntui tasks screen drawn: median {app_median:.3f} s "
          f"(runs: {', '.join(f'{t:.3f}' for t in app)})")
    print(f"minimal Textual app drawn: median {minimal_median:.3f} s "
          f"(runs: {', '.join(f'{t:.3f}' for t in minimal)})")
    cpu_app, cpu_minimal = statistics.median(app_cpu), statistics.median(minimal_cpu)
    print(f"CPU seconds by then: rnntui median {cpu_app:.3f} s, minimal {cpu_minimal:.3f} s "
          f"(ratio {cpu_app / cpu_minimal:.2f}×; 10 ms ticks)")
    ratio = app_median / minimal_median
    verdict = "met" if app_median <= 0.5 and ratio <= 1.5 else "NOT met"
    print(f"ratio {ratio:.2f}× (goal ≤ 0.5 s and ≤ 1.5×: {verdict})")


if __name__ == "__main__":
    main()
