"""Seed 003's comparison in one key: C trains SimpleRNN, LSTM and GRU in turn, then compares."""

from __future__ import annotations

from rnntui.runs import RunStore
from rnntui.ui.app import make_app
from rnntui.ui.screens.compare import CompareScreen
from rnntui.ui.screens.hparams import HparamsScreen
from tests.ui_support import FakeFactory, epoch, finished, screen_text, started, wait_for


async def test_three_cells_train_in_turn_then_open_compared():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "enter")  # onehot4's form
        assert isinstance(app.screen, HparamsScreen)
        app.screen.fields()["units"].control.value = "5"
        await pilot.pause()
        await pilot.press("C")
        for n, cell in enumerate(("simple", "lstm", "gru"), start=1):
            await wait_for(pilot, lambda n=n: len(factory.trainers) == n)
            trainer = factory.last
            assert trainer.run.hparams.cell == cell
            assert trainer.run.hparams.units == 5  # the form's values, for every cell
            assert f"cell {n} of 3" in screen_text(app)
            trainer.feed(started(trainer.run), epoch(1, 1.0, 0.5), finished(1))
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        assert app.screen.asked == [t.run.name for t in factory.trainers]
        assert len(RunStore().list()) == 3


async def test_a_stopped_cell_ends_the_comparison_and_leaves_no_empty_runs():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "C")  # from the tasks screen: onehot4's defaults
        await wait_for(pilot, lambda: len(factory.trainers) == 1)
        factory.last.feed(started(factory.last.run), epoch(1, 1.0, 0.5))
        await pilot.pause()
        await pilot.press("s")  # stop the SimpleRNN on its training screen
        await wait_for(pilot, lambda: app.cells is None)
        await pilot.pause(0.2)
        assert len(factory.trainers) == 1  # LSTM and GRU never started
        assert "stopped after cell 1 of 3" in screen_text(app)
        assert [info.name for info in RunStore().list()] == [factory.last.run.name]
