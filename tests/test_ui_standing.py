"""A finished run beside its baselines, and the epoch kept: the training result panel and the
compare view (fake trainer and saved runs, no TensorFlow)."""

from __future__ import annotations

from rnntui.engine import events as ev
from rnntui.runs import RunStore
from rnntui.ui.app import make_app
from rnntui.ui.screens.compare import CompareScreen
from rnntui.ui.session import FINISHED
from textual.widgets import Static
from tests.ui_support import FakeFactory, saved_run, screen_text, start_training, wait_for

BASELINES = {"chance": 0.125, "best rule without the first letter": 0.13}


async def test_the_result_panel_says_where_the_network_stands_and_which_epoch_was_kept():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(120, 30)) as pilot:
        trainer = await start_training(pilot, factory, "recall")
        trainer.feed(ev.TrainingFinished(
            "completed", 3, {"accuracy": 0.9, "loss": 0.3, "val_loss": 0.2},
            {"accuracy": 0.9}, "validation loss rising since epoch 4: overfitting; stopped "
            "at epoch 6, epoch 3 kept", 2.0, baselines=BASELINES, best_epoch=3,
            stopped_early=True, trained_epochs=6))
        await wait_for(pilot, lambda: app.service.session.state == FINISHED)
        text = screen_text(app)
        assert "LSTM 0.900 vs chance 0.125: +77.5 points" in text
        assert "validation loss rising since epoch 4: overfitting" in text
        assert "epoch 3 kept" in text
        # issue 21 §6: not "✓ completed after 3 epochs" after 6 were trained
        assert "✓ completed: trained 6 epochs, kept epoch 3" in text


async def test_a_diverged_run_is_not_called_completed():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(120, 30)) as pilot:
        trainer = await start_training(pilot, factory, "onehot4")
        trainer.feed(ev.TrainingFinished(
            "diverged", 15, {"accuracy": 0.6, "loss": 31.6}, {"accuracy": 0.4},
            "the training loss rose from 2.022 (epoch 1) to 31.62 (epoch 15): training "
            "diverged; try learning_rate=1.", 2.0, diverged_at=12))
        await wait_for(pilot, lambda: app.service.session.state == FINISHED)
        text = screen_text(app)
        assert "✗ diverged at epoch 12, last epoch 15 kept" in text and "completed" not in text
        assert "try learning_rate=1." in text


async def test_the_compare_view_puts_each_run_beside_its_baselines():
    store = RunStore()
    for cell, accuracy in (("simple", 0.2), ("lstm", 1.0)):
        saved_run(store, "recall", [{"loss": 1.0, "accuracy": accuracy}],
                  status={"status": "completed", "epochs": 1, "metrics": {},
                          "quality": {"accuracy": accuracy}, "baselines": BASELINES,
                          "best_epoch": 1}, cell=cell)
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CompareScreen("recall"))
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        await wait_for(pilot, lambda: app.screen.query_one("#compare-standing", Static).display)
        lines = str(app.screen.query_one("#compare-standing", Static).render()).splitlines()
        assert lines[0].startswith("#1 LSTM 1.000 vs ") and "chance 0.125: +87.5 points" in lines[0]
        assert lines[1].startswith("#2 SimpleRNN 0.200 vs ") and "+7.5 points" in lines[1]
        assert all(line.endswith("best epoch 1 kept") for line in lines)


async def test_the_result_box_time_is_the_compare_views():
    # issue 21 §6: the box said the session's time (loading, compiling), compare the epochs'
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(120, 30)) as pilot:
        trainer = await start_training(pilot, factory, "onehot4")
        trainer.feed(ev.TrainingFinished("completed", 2, {"accuracy": 1.0, "loss": 0.1},
                                         {"accuracy": 1.0}, "", 95.0, train_seconds=62.4))
        await wait_for(pilot, lambda: app.service.session.state == FINISHED)
        text = screen_text(app)
        assert "trained 2 epochs in 1 min 02 s" in text and "1 min 35 s" not in text
