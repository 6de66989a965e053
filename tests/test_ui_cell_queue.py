"""The app's three-cell comparison (C) goes on after a diverged cell (issue 21 §3)."""

from __future__ import annotations

from rnntui.engine import events as ev
from rnntui.ui.app import make_app
from rnntui.ui.cell_queue import CellQueue
from tests.ui_support import FakeFactory, finished, started, wait_for


def test_a_diverged_or_nan_cell_is_a_result_a_stop_or_failure_is_not():
    assert all(CellQueue.goes_on_after(s) for s in ("completed", "diverged", "nan"))
    assert not any(CellQueue.goes_on_after(s) for s in ("stopped", "failed"))


async def test_a_diverged_cell_is_a_result_and_the_next_cell_trains():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(120, 30)) as pilot:
        assert app.train_cells("recall")
        await wait_for(pilot, lambda: factory.trainers and "start" in factory.last.calls)
        first = factory.last
        assert first.run.hparams.cell == "simple"
        first.feed(started(first.run), ev.TrainingFinished(
            "diverged", 9, {"accuracy": 0.7, "loss": 0.8}, {"accuracy": 0.747},
            "…: training diverged at epoch 38; the best epoch (9) is kept.", 2.0,
            best_epoch=9, trained_epochs=40, diverged_at=38))
        await wait_for(pilot, lambda: len(factory.trainers) == 2
                       and "start" in factory.last.calls)
        assert factory.last.run.hparams.cell == "lstm"
        log = [line.text for line in app.service.session.log]
        # the diverged cell is a result, said on the next cell's training screen
        assert any("cell 1 (simple) ✗ diverged at epoch 38, best epoch 9 kept" in line
                   for line in log), log
        for cell in ("lstm", "gru"):
            trainer = factory.last
            assert trainer.run.hparams.cell == cell
            trainer.feed(started(trainer.run), finished(3))
            if cell == "lstm":
                await wait_for(pilot, lambda: len(factory.trainers) == 3
                               and "start" in factory.last.calls)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CompareScreen")
