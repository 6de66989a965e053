"""Fast typing: 300 values ("0, 1, 2, …", 900 keys) put in the app's queue at once, as a
paste of keys or tmux send-keys does, into the forward pass's inputs field; beside it the
same keys into a bare Input on a screen of its own, in the same app. The clock stops when the
field holds every value. Medians of 3 runs each (issue 21 §1: the field once fell minutes
behind and seemed to refuse every key).

Run: ``python bench/bench_fast_typing.py [--runs 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KEYS = [key for n in range(300) for key in (str(n % 10), ",", "space")]


async def time_typing(make_screen, field_id: str) -> float:
    from textual import events
    from textual.widgets import Input

    from tests.ui_host import HostApp

    app = HostApp(make_screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        field = app.screen.query_one(f"#{field_id}", Input)
        field.focus()
        field.value = ""
        await pilot.pause()
        start = time.perf_counter()
        for key in KEYS:
            app.post_message(events.Key(key, " " if key == "space" else key))
        while field.value.count(",") < 300:
            await pilot.pause(0.01)
            if time.perf_counter() - start > 300:
                raise RuntimeError("the field fell more than 5 minutes behind")
        return time.perf_counter() - start


def bare_screen():
    from textual.screen import Screen
    from textual.widgets import Input

    class Bare(Screen):
        def compose(self):
            yield Input(id="bare")

    return Bare()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import os

    os.environ.setdefault("RNNTUI_HOME", tempfile.mkdtemp(prefix="rnntui-bench-"))
    from rnntui.ui.screens.explain import ExplainScreen

    explain, bare = [], []
    for _ in range(args.runs):
        explain.append(asyncio.run(time_typing(ExplainScreen, "explain-inputs")))
        bare.append(asyncio.run(time_typing(bare_screen, "bare")))
    print(f"forward pass inputs: 900 keys in, median {statistics.median(explain):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in explain)})")
    print(f"bare Input:          900 keys in, median {statistics.median(bare):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in bare)})")
    print(f"ratio {statistics.median(explain) / statistics.median(bare):.2f}×")


if __name__ == "__main__":
    main()
