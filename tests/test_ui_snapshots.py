"""Snapshots of the four main screens at 80×24 with fixed fake data (the compare view at
120×40 too, with its tools in use).

The runs are pinned (names, dates, hyperparameters); the tasks and hyperparameters screens
also show each task's defaults, so changing a default changes those two snapshots.
Regenerate with `pytest tests/test_ui_snapshots.py --snapshot-update`, then look at the SVGs
in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from typing import Any

from rnntui.runs import Run, RunStore
from rnntui.ui.app import RnntuiApp, make_app
from tests.ui_support import FakeFactory, saved_run

SIZE = (80, 24)


def fixed_run(store: RunStore, name: str, task_id: str, history: list[dict[str, float]],
              status: dict[str, Any], **overrides: Any) -> Run:
    """A saved run with a fixed name and creation time, so the screenshot never changes."""
    run = saved_run(store, task_id, history, status=status, **overrides)
    target = store.root / name
    run.path.rename(target)
    run = store.open(name)
    run.created = "2025-01-02T03:04:05"
    run._write_config()
    return run


def app_with_runs() -> RnntuiApp:
    store = RunStore()
    fixed_run(store, "onehot4-simple3-a", "onehot4",
              [{"loss": 1.6 * 0.8 ** i, "accuracy": min(1.0, 0.2 + i / 10)} for i in range(15)],
              {"status": "completed", "epochs": 15, "quality": {"accuracy": 1.0},
               "metrics": {}}, cell="simple", units=3, learning_rate=0.05)
    fixed_run(store, "onehot4-lstm8-b", "onehot4",
              [{"loss": 1.6 * 0.6 ** i, "accuracy": min(1.0, 0.4 + i / 5)} for i in range(10)],
              {"status": "stopped", "epochs": 10, "quality": {"accuracy": 1.0}, "metrics": {},
               "message": "stopped after epoch 10"}, cell="lstm", units=8, learning_rate=0.05)
    app = make_app(trainer_factory=FakeFactory(), store=store)
    app.animation_level = "none"
    return app


def test_tasks_screen(snap_compare):
    assert snap_compare(app_with_runs(), press=["down"], terminal_size=SIZE)


def test_hyperparameters_screen_with_an_error(snap_compare):
    def open_form(pilot):
        pilot.app.open_task("onehot4")

    assert snap_compare(app_with_runs(), run_before=open_form,
                        press=["tab", "0", "tab", "tab"], terminal_size=SIZE)


def test_training_screen_of_a_finished_run(snap_compare):
    def open_run(pilot):
        app = pilot.app
        app.open_run(app.store.open("onehot4-simple3-a"))

    assert snap_compare(app_with_runs(), run_before=open_run, terminal_size=SIZE)


def test_compare_screen(snap_compare):
    def compare(pilot):
        pilot.app.compare("onehot4")

    assert snap_compare(app_with_runs(), run_before=compare, terminal_size=SIZE)


def test_compare_screen_pinned_smoothed_with_cursor_at_120x40(snap_compare):
    """The compare view's tools at once: #1 pinned (the other's figures as differences),
    smoothing 0.6, and the cursor reading both plots at epoch 5."""

    async def compare(pilot):
        pilot.app.compare("onehot4")
        await pilot.pause()
        await pilot.press("b", "s", "right", *["left"] * 5)

    assert snap_compare(app_with_runs(), run_before=compare, terminal_size=(120, 40))


def test_help_screen(snap_compare):
    assert snap_compare(app_with_runs(), press=["question_mark"], terminal_size=SIZE)


def test_too_small_terminal(snap_compare):
    assert snap_compare(app_with_runs(), terminal_size=(50, 16))
