"""The training screen's plot cursor and export, and the status line every screen shows
while a run trains."""

from __future__ import annotations

import csv
import subprocess
import sys

from rnntui.runs.notes import RunNotes, read_notes
from rnntui.runs import RunStore
from rnntui.ui.app import make_app
from rnntui.ui.screens.dialogs import NotesScreen, RenameScreen
from rnntui.ui.screens.tasks import TasksScreen
from rnntui.ui.screens.training import TrainingScreen
from rnntui.ui.session import FINISHED
from rnntui.ui.widgets.cursor_line import CursorLine
from rnntui.ui.widgets.plots import CurvePlot
from tests.ui_support import (FakeFactory, epoch, finished, saved_run, screen_text,
                              start_training, wait_for)


async def test_cursor_reads_the_training_plots_and_the_log_does_not_take_the_keys():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory)
        trainer.feed(epoch(1, 1.0, 0.4), epoch(2, 0.6, 0.8), epoch(3, 0.25, 1.0))
        await wait_for(pilot, lambda: app.service.session.epochs_done == 3)
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        screen.query_one("#log").focus()  # a focused log scrolls with ← → otherwise
        await pilot.press("right", "left")
        await pilot.pause()
        plots = [screen.query_one("#loss-plot", CurvePlot),
                 screen.query_one("#metric-plot", CurvePlot)]
        assert [p.cursor for p in plots] == [2.0, 2.0]
        line = str(screen.query_one(CursorLine).render())
        assert "epoch 2" in line and "loss 0.6000" in line and "accuracy 0.8000" in line
        await pilot.press("left", "left")  # stops at the first epoch
        assert [p.cursor for p in plots] == [1.0, 1.0]
        trainer.feed(finished(3))
        await wait_for(pilot, lambda: app.service.session.state == FINISHED)
        await pilot.press("e")
        await pilot.pause()
        rows = list(csv.DictReader((trainer.run.path / "history.csv").open()))
        assert [float(r["loss"]) for r in rows] == [1.0, 0.6, 0.25]


async def test_status_line_on_every_screen_while_training_and_a_notice_at_the_end():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory)
        name = trainer.run.name
        trainer.feed(epoch(1, 0.5, 0.4))
        await wait_for(pilot, lambda: app.service.session.epochs_done == 1)
        await pilot.press("space")  # paused: the line says so
        await pilot.pause()
        assert f"‖ {name} 1/15" in screen_text(app)
        await pilot.press("space")
        await pilot.press("escape")  # back to the tasks screen: training goes on
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        text = screen_text(app)
        assert f"● {name} 1/15 loss 0.5000" in text
        app.compare("onehot4")
        await pilot.pause()
        trainer.feed(epoch(2, 0.25, 0.8))
        await wait_for(pilot, lambda: app.service.session.epochs_done == 2)
        await pilot.pause()
        assert f"{name} 2/15 loss 0.2500" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        trainer.feed(finished(2))
        await wait_for(pilot, lambda: app.service.session.state == FINISHED)
        await pilot.pause()
        text = screen_text(app)
        assert f"● {name}" not in text and "rnntui" in text
        assert any(name in str(n.title) for n in app._notifications)


async def test_notes_and_tags_are_written_shown_and_found_by_the_filter():
    store = RunStore()
    first = saved_run(store, "onehot4", [{"loss": 0.5, "accuracy": 0.5}])
    second = saved_run(store, "onehot4", [{"loss": 0.4, "accuracy": 0.75}], units=9)
    app = make_app(trainer_factory=FakeFactory(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        screen.focus_runs()
        table = screen.query_one("#run-table")
        table.move_cursor(row=table.get_row_index(first.name))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        await pilot.press(*"wider", "tab", *"lr,first")
        await pilot.press("enter")
        await pilot.pause()
        assert read_notes(first.path) == RunNotes("wider", ("lr", "first"))
        assert "#lr #first · wider" in screen_text(app)
        await pilot.press("slash", *"first")  # a tag, in no name
        await pilot.pause()
        assert table.row_count == 1 and first.name in table.rows
        await pilot.press("escape")  # leaves the filter for the runs: it stays
        await pilot.pause()
        assert table.row_count == 1 and table.has_focus
        await pilot.press("escape")  # clears it
        await pilot.pause()
        assert table.row_count == 2 and second.name in table.rows


async def test_rename_renames_and_is_refused_with_the_locks_message_while_trained():
    store = RunStore()
    run = saved_run(store, "onehot4", [{"loss": 0.5, "accuracy": 0.5}])
    app = make_app(trainer_factory=FakeFactory(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.focus_runs()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, RenameScreen)
        await pilot.press(*"wide-lr")  # select_on_focus: typing replaces the name
        await pilot.press("enter")
        await pilot.pause()
        assert not run.path.exists() and (store.root / "wide-lr").is_dir()
        table = app.screen.query_one("#run-table")
        assert "wide-lr" in table.rows
        holder = subprocess.Popen(
            [sys.executable, "-c", "import sys, time\nfrom rnntui.runs.lock import writing\n"
             "with writing(sys.argv[1], role='rnntui train onehot4'):\n print('held', "
             "flush=True)\n time.sleep(60)\n", str(store.root / "wide-lr")],
            stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "held"
            await pilot.press("m", "end", *"-2", "enter")
            await pilot.pause()
            assert (store.root / "wide-lr").is_dir()
            messages = [str(n.message) for n in app._notifications]
            assert any("is being written by" in m and "rnntui train onehot4" in m
                       for m in messages)
        finally:
            holder.kill()
            holder.wait()


async def test_a_filter_with_no_match_says_so_not_no_runs_yet():
    # issue 21 §6: the detail line said "No runs yet" with two runs in the store
    store = RunStore()
    saved_run(store, "onehot4", [{"loss": 0.5, "accuracy": 0.5}])
    saved_run(store, "onehot4", [{"loss": 0.4, "accuracy": 0.75}], units=9)
    app = make_app(trainer_factory=FakeFactory(), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.focus_runs()
        await pilot.press("slash", *"zzzz")
        await pilot.pause()
        text = screen_text(app)
        assert "No run matches “zzzz” (2 runs in all)" in text
        assert "No runs yet" not in text
