"""The compare view's tools: columns and legends for what differs, a pinned baseline, the
metric switch, smoothing, log scale, the plot cursor and the CSV export."""

from __future__ import annotations

import csv

import pytest
from textual.widgets import DataTable, SelectionList

from rnntui.runs import RunStore
from rnntui.ui.app import make_app
from rnntui.ui.screens.compare import CompareScreen
from rnntui.ui.widgets.cursor_line import CursorLine
from rnntui.ui.widgets.plots import CurvePlot
from tests.ui_support import FakeFactory, saved_run, screen_text


def lr_runs():
    """Two LSTMs of 8 units that differ only in the learning rate, with validation."""
    store = RunStore()
    slow = saved_run(store, "onehot4", [{"loss": 1.0 - i / 10, "accuracy": i / 10,
                                         "val_loss": 1.2 - i / 10, "val_accuracy": i / 20}
                                        for i in range(5)],
                     status={"status": "completed", "quality": {"accuracy": 0.5}},
                     cell="lstm", units=8, learning_rate=0.01)
    fast = saved_run(store, "onehot4", [{"loss": 1.0 / (i + 1), "accuracy": 1.0,
                                         "val_loss": 2.0 / (i + 1), "val_accuracy": 0.75}
                                        for i in range(5)],
                     status={"status": "completed", "quality": {"accuracy": 1.0}},
                     cell="lstm", units=8, learning_rate=0.05)
    return slow, fast


async def _open(pilot, app) -> CompareScreen:
    app.compare("onehot4")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CompareScreen)
    return screen


def _numbers(screen: CompareScreen) -> dict[str, str]:
    return {run.name: f"#{i + 1}" for i, run in enumerate(screen.runs)}


async def test_legends_and_columns_name_what_differs():
    slow, fast = lr_runs()
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot, app)
        number = _numbers(screen)
        loss = screen.query_one("#compare-loss", CurvePlot)
        assert sorted(loss.drawn) == sorted([f"{number[slow.name]} lstm8 lr=0.01",
                                             f"{number[fast.name]} lstm8 lr=0.05"])
        table = screen.query_one(DataTable)
        headings = [str(c.label) for c in table.columns.values()]
        assert "lr" in headings and "cell" not in headings  # equal ones hidden
        assert "differ in learning_rate" in screen_text(app)  # the full name, once
        assert [str(c) for c in table.get_row(fast.name)][1] == "0.05"


async def test_pin_shows_the_others_as_differences():
    slow, fast = lr_runs()
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot, app)
        runs_list = screen.query_one(SelectionList)
        runs_list.highlighted = screen.runs.index(slow)
        await pilot.press("b")
        await pilot.pause()
        assert screen.pinned == slow.name
        table = screen.query_one(DataTable)
        keys = [k.value for k in table.columns]
        fast_row = dict(zip(keys, (str(c) for c in table.get_row(fast.name))))
        slow_row = dict(zip(keys, (str(c) for c in table.get_row(slow.name))))
        assert fast_row["quality"] == "+0.5000" and slow_row["quality"] == "0.5000"
        assert slow_row["#"].endswith("◆")
        # the last losses: 0.2 for the fast run, 0.6 for the slow one
        assert fast_row["loss"] == "-0.4000"
        assert "pinned" in screen_text(app)
        await pilot.press("b")  # again: unpinned
        await pilot.pause()
        assert screen.pinned is None
        assert str(table.get_row(fast.name)[keys.index("quality")]) == "1.0000"


async def test_metric_switch_smoothing_and_log_scale():
    lr_runs()
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot, app)
        metric = screen.query_one("#compare-metric", CurvePlot)
        assert screen.shown == "val_accuracy" and metric.plot_title == "val_accuracy"
        await pilot.press("m")
        await pilot.pause()
        assert screen.shown != "val_accuracy" and metric.plot_title == screen.shown
        headings = [str(c.label) for c in screen.query_one(DataTable).columns.values()]
        assert screen.shown in headings
        raw = {label: list(points.ys) for label, points in metric.drawn.items()}
        await pilot.press("s")  # weight 0.6
        await pilot.pause()
        assert metric.plot_title.endswith("smoothed 0.6")
        after = {label: list(points.ys) for label, points in metric.drawn.items()}
        assert any(after[k] != raw[k] for k in raw)
        assert all(after[k][0] == pytest.approx(raw[k][0]) for k in raw)  # debiased start
        await pilot.press("s", "s")  # 0.9, then back to none
        await pilot.pause()
        assert {label: list(points.ys) for label, points in metric.drawn.items()} == raw
        loss = screen.query_one("#compare-loss", CurvePlot)
        assert loss.log_y and not metric.log_y
        await pilot.press("l")
        assert not loss.log_y and metric.log_y


async def test_cursor_reads_exact_values_at_an_epoch():
    slow, fast = lr_runs()
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot, app)
        line = screen.query_one(CursorLine)
        assert not line.display
        await pilot.press("right")  # first press: the last epoch
        await pilot.pause()
        plots = list(screen.query(CurvePlot))
        assert [p.cursor for p in plots] == [5.0, 5.0]
        await pilot.press("left", "left")
        await pilot.pause()
        assert [p.cursor for p in plots] == [3.0, 3.0]
        number = _numbers(screen)
        text = str(line.render())
        assert line.display and "epoch 3" in text
        assert f"{number[fast.name]} 0.3333" in text  # loss 1/3 at epoch 3
        assert f"{number[slow.name]} 0.8000" in text
        await pilot.press("s")  # smoothing changes the curves, not what the cursor reads
        await pilot.pause()
        assert f"{number[fast.name]} 0.3333" in str(line.render())


async def test_export_writes_the_highlighted_runs_history():
    slow, fast = lr_runs()
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot, app)
        screen.query_one(SelectionList).highlighted = screen.runs.index(fast)
        await pilot.press("e")
        await pilot.pause()
        rows = list(csv.DictReader((fast.path / "history.csv").open()))
        assert len(rows) == 5 and float(rows[1]["loss"]) == 0.5
        assert not (slow.path / "history.csv").exists()
