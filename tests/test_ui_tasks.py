"""The tasks screen: the task cards, training with the defaults, and the runs list."""

from __future__ import annotations

from rnntui.runs import RunStore
from rnntui.tasks import TASKS
from rnntui.ui.app import make_app
from rnntui.ui.screens.dialogs import ConfirmScreen, EpochsScreen
from rnntui.ui.screens.hparams import HparamsScreen
from rnntui.ui.screens.tasks import TasksScreen
from rnntui.ui.screens.training import TrainingScreen
from rnntui.ui.widgets.plots import CurvePlot
from tests.ui_support import FakeFactory, saved_run, screen_text, wait_for

HISTORY = [{"loss": 1.0 - i / 10, "accuracy": i / 5} for i in range(5)]


def preview(task_id: str) -> tuple[str, int]:
    """The model text and parameter count of a task's defaults (what its card shows)."""
    task = TASKS[task_id]
    return task.preview(task.hparams())


async def test_every_task_is_listed_with_its_card():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        text = screen_text(app)
        for task_id in TASKS:
            assert task_id in text
        model, params = preview("onehot1")
        assert model in text and f"{params:,} parameters" in text
        await pilot.press("down", "down", "down")  # sine
        text = screen_text(app)
        assert "Sine forecast" in text and preview("sine")[0] in text
        assert app.current_task_id == "sine"


async def test_imdb_says_it_needs_a_download_when_not_cached():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "down", "down", "down")  # imdb
        text = screen_text(app)
        assert "first training downloads it" in text
        assert "--data" in text


async def test_enter_opens_the_hyperparameters_and_escape_comes_back():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        assert isinstance(app.screen, HparamsScreen)
        assert app.screen.rnn_task.id == "onehot4"
        await pilot.press("escape")
        assert isinstance(app.screen, TasksScreen)


async def test_t_trains_the_highlighted_task_with_its_defaults():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "t")
        await wait_for(pilot, lambda: factory.trainers and "start" in factory.last.calls)
        run = factory.last.run
        assert run.task_id == "onehot4"
        assert run.hparams == TASKS["onehot4"].hparams()
        assert isinstance(app.screen, TrainingScreen)


async def test_damaged_runs_are_listed_with_their_error():
    store = RunStore()
    saved_run(store, "onehot4", HISTORY)
    broken = store.root / "broken-run"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one("#run-table")
        assert table.row_count == 2
        app.screen.focus_runs()
        table.move_cursor(row=table.get_row_index("broken-run"))
        await pilot.pause()
        text = screen_text(app)
        assert "damaged" in text and "the run's config is damaged" in text
        await pilot.press("enter")  # opening it says why, it does not crash
        assert isinstance(app.screen, TasksScreen)


async def test_open_a_run_shows_its_history_plotted():
    run = saved_run(RunStore(), "onehot4", HISTORY,
                    status={"status": "completed", "epochs": 5, "quality": {"accuracy": 1.0},
                            "metrics": HISTORY[-1]})
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "tab", "enter")
        assert isinstance(app.screen, TrainingScreen)
        assert app.screen.session.name == run.name
        loss = app.screen.query_one("#loss-plot", CurvePlot)
        assert len(loss.drawn["loss"]) == 5
        assert "accuracy 1.0000" in screen_text(app)


async def test_delete_asks_first():
    store = RunStore()
    run = saved_run(store, "onehot4", HISTORY)
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.focus_runs()
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert run.path.exists()
        await pilot.press("d")
        await pilot.press("y")
        await pilot.pause()
        assert not run.path.exists()
        assert app.screen.query_one("#run-table").row_count == 0


async def test_resume_a_finished_run_asks_how_many_epochs_in_all():
    factory = FakeFactory()
    run = saved_run(RunStore(), "onehot4", HISTORY, epochs=5)
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.focus_runs()
        await pilot.press("r")
        assert isinstance(app.screen, EpochsScreen)
        await pilot.press("3")  # replaces the selected suggestion; not more than 5: refused
        await pilot.press("enter")
        assert isinstance(app.screen, EpochsScreen)
        assert "more than the 5" in screen_text(app)
        await pilot.press("backspace", "1", "2", "enter")
        await wait_for(pilot, lambda: factory.trainers and "start" in factory.last.calls)
        assert factory.last.run.path == run.path
        assert RunStore().open(run.name).hparams.epochs == 12
        assert isinstance(app.screen, TrainingScreen)


def _four_runs():
    store = RunStore()
    done = {"status": "completed", "epochs": 1, "metrics": {}}
    for task_id, accuracy in (("onehot4", 0.5), ("sine", None), ("onehot4", 0.9),
                              ("dice", 0.7)):
        quality = {"accuracy": accuracy} if accuracy is not None else {"rmse": 0.1}
        saved_run(store, task_id, [{"loss": 1.0}], status={**done, "quality": quality})


def _names(screen) -> list[str]:
    from rnntui.ui.screens.tasks import RunTable

    table = screen.query_one(RunTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_runs_list_home_end_filter_order_and_cursor_after_delete():
    from rnntui.ui.screens.tasks import RunTable

    _four_runs()
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        screen.focus_runs()
        await pilot.pause()
        table = screen.query_one(RunTable)
        await pilot.press("end")
        assert table.cursor_row == 3
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("slash", *"sine")
        await pilot.pause()
        assert len(_names(screen)) == 1 and _names(screen)[0].startswith("sine")
        assert "1 of 4" in screen_text(app)
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert len(_names(screen)) == 4
        await pilot.press("o")  # by task: the runs of a task together
        await pilot.pause()
        tasks = [name.split("-")[0] for name in _names(screen)]
        assert tasks == sorted(tasks) and "by task" in screen_text(app)
        # delete the second row: the cursor stays on the second row, not the top
        await pilot.press("home", "down", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert len(_names(screen)) == 3 and table.cursor_row == 1


async def test_the_training_row_follows_each_epoch():
    from tests.ui_support import epoch, started

    from rnntui.ui.screens.tasks import RunTable

    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("t")  # train onehot1: the training screen comes up
        await wait_for(pilot, lambda: bool(factory.trainers))
        run = factory.last.run
        app.pop_screen()  # back to the runs list while it trains
        await pilot.pause()
        factory.last.feed(started(run, epochs=40), epoch(1, 1.0, 0.2), epoch(2, 0.9, 0.4))
        table = app.screen.query_one(RunTable)
        await wait_for(pilot, lambda: str(table.get_cell(run.name, "epochs")) == "2/40")
        factory.last.stop()


async def test_the_runs_footer_follows_the_filter_and_the_rows_it_leaves():
    """A filter that hides every run takes the run keys off the footer; clearing it brings
    them back and takes 'Clear filter' away (it stayed, and they stayed away)."""
    _four_runs()
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        screen.focus_runs()
        await pilot.pause()

        def footer() -> str:
            return screen_text(app).splitlines()[-1]

        assert "Rename" in footer() and "Clear filter" not in footer()
        await pilot.press("slash", "z", "z", "escape")
        await pilot.pause()
        assert "Clear filter" in footer() and "Rename" not in footer()
        await pilot.press("escape")  # clears the filter
        await pilot.pause()
        assert len(_names(screen)) == 4
        assert "Rename" in footer() and "Clear filter" not in footer()


async def test_the_runs_list_gives_a_perplexity_to_one_decimal(capsys):
    """Issue 21 §6: a perplexity reads 121.4, in the runs list as in the result box, and in
    `rnntui runs`."""
    from rnntui.cli import main

    saved_run(RunStore(), "poems", [{"loss": 4.8}],
              status={"status": "completed", "epochs": 1, "metrics": {},
                      "quality": {"perplexity": 121.4376}})
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "perplexity 121.4 " in text and "121.4376" not in text
    assert main(["runs"]) == 0
    out = capsys.readouterr().out
    assert "perplexity 121.4" in out and "121.4376" not in out


async def test_the_resume_dialog_of_a_one_epoch_run_says_1_epoch_and_types_every_key():
    """'has done its 1 epochs' read wrong (issue 21 §6); its field types q, t, C and ?
    as text, refused in place, and Esc cancels with nothing trained."""
    factory = FakeFactory()
    saved_run(RunStore(), "onehot4", HISTORY[:1], epochs=1)
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.focus_runs()
        await pilot.press("r")
        dialog = app.screen
        assert isinstance(dialog, EpochsScreen)
        assert "has done 1 epoch." in screen_text(app)
        await pilot.press("q", "t", "C", "question_mark")
        await pilot.pause()
        assert app.is_running and app.screen is dialog
        assert "must be a whole number" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, EpochsScreen) and factory.trainers == []
