"""Compare runs of one task: the checkbox list, the overlaid curves, the figures table."""

from __future__ import annotations

from textual.widgets import DataTable, SelectionList

from rnntui.runs import RunStore
from rnntui.ui.app import make_app
from rnntui.ui.screens.compare import CompareScreen
from rnntui.ui.widgets.plots import CurvePlot
from tests.ui_support import FakeFactory, saved_run, screen_text


def two_runs():
    store = RunStore()
    simple = saved_run(store, "onehot4", [{"loss": 1.6 - i / 10, "accuracy": i / 10}
                                          for i in range(6)],
                       status={"status": "completed", "epochs": 6,
                               "quality": {"accuracy": 0.6}, "metrics": {}}, units=3)
    lstm = saved_run(store, "onehot4", [{"loss": 1.0 / (i + 1), "accuracy": 1.0}
                                        for i in range(4)],
                     status={"status": "completed", "epochs": 4,
                             "quality": {"accuracy": 1.0}, "metrics": {}},
                     cell="lstm", units=8)
    saved_run(store, "sine", [{"loss": 0.1, "rmse": 0.3}])  # another task: not listed
    return simple, lstm


def _box(text: str, label: str) -> str:
    """What is inside the check box on the list line whose run label starts `label`."""
    line = next(row for row in text.splitlines() if f"▌ {label}" in row)
    return line[line.index(f"▌ {label}") - 1]


async def test_two_runs_overlaid_with_their_figures():
    simple, lstm = two_runs()
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "c")  # onehot4 highlighted
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        runs = screen.query_one(SelectionList)
        assert runs.option_count == 2
        assert set(runs.selected) == {simple.name, lstm.name}
        number = {run.name: f"#{i + 1}" for i, run in enumerate(screen.runs)}
        simple_label, lstm_label = f"{number[simple.name]} simple3", f"{number[lstm.name]} lstm8"
        loss = screen.query_one("#compare-loss", CurvePlot)
        assert sorted(loss.drawn) == sorted([simple_label, lstm_label])
        assert len(loss.drawn[simple_label]) == 6 and len(loss.drawn[lstm_label]) == 4
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        row = [str(c) for c in table.get_row(lstm.name)]
        # LSTM(8) on one-hot(5): 4·8·(5+8+1) = 448, Dense(5): 45
        assert row[:5] == [number[lstm.name], "lstm", "8", "493", "4/15"]
        assert row[-2] == "1.0000"  # quality; no validation (best val) or time was saved
        assert row[-3] == row[-1] == "—"
        text = screen_text(app)
        assert "#1" in text and "#2" in text and "accuracy" in text
        first, second = screen.runs[0].name, screen.runs[1].name
        assert _box(text, "#1 ") == _box(text, "#2 ") == "X"
        await pilot.press("space")  # untick the first run in the list
        await pilot.pause()
        assert len(loss.drawn) == 1
        assert table.row_count == 1
        # Ticked or not reads without colour (NO_COLOR): an unticked box is empty.
        text = screen_text(app)
        assert _box(text, "#1 ") == " " and _box(text, "#2 ") == "X"
        assert set(runs.selected) == {second} and first not in runs.selected
        await pilot.press("escape")
        assert not isinstance(app.screen, CompareScreen)


async def test_compare_with_no_runs_says_what_to_do():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        app.compare("sine")
        await pilot.pause()
        assert "No runs of sine yet" in screen_text(app)


async def test_c_then_t_moves_to_the_next_tasks_comparison():
    # The tasks screen's `c`, then compare's own `t`: it once died with NoMatches on the
    # DataTable, which a redraw queued by the cleared list looked for mid-swap.
    two_runs()
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "c")
        await pilot.pause()
        assert app.screen.task_id == "onehot4"
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.task_id == "sine"
        assert app.is_running and "runs of sine" in screen_text(app)
        await pilot.press("t")  # and round to onehot4 again
        await pilot.pause()
        assert screen.task_id == "onehot4" and screen.query_one(DataTable).row_count == 2


async def test_m_never_shows_two_loss_columns():
    # issue 21 §6: m cycled to "loss", beside the loss column already there
    two_runs()
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "c")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        for _ in range(3):
            labels = [str(c.label) for c in screen.table.columns.values()]
            assert labels.count("loss") == 1, labels
            await screen.action_next_metric()
            await pilot.pause()
        assert "loss" not in screen.metrics()
