"""Training through the app with a fake trainer the test advances epoch by epoch."""

from __future__ import annotations

from rnntui.engine import events as ev
from rnntui.ui.app import make_app
from rnntui.ui.screens.tasks import TasksScreen
from rnntui.ui.screens.training import TrainingScreen
from rnntui.ui.session import FAILED, FINISHED, PAUSED, RUNNING
from rnntui.ui.widgets.plots import CurvePlot
from tests.ui_support import FakeFactory, epoch, finished, screen_text, start_training, started, wait_for


async def test_plots_follow_epochs_and_batches_and_the_outcome_shows_the_quality():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory)
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        params = started(trainer.run).params
        assert "CPU (fake)" in screen_text(app) and f"{params:,} parameters" in screen_text(app)
        trainer.feed(ev.BatchEnded(1, 1, 1, 1.2, 250.0, 3.0), epoch(1, 1.0, 0.4),
                     ev.BatchEnded(2, 1, 1, 0.7, 260.0, 2.0), epoch(2, 0.6, 0.8))
        await wait_for(pilot, lambda: app.service.session.epochs_done == 2)
        await pilot.pause(0.3)  # plots redraw at most four times a second
        loss = screen.query_one("#loss-plot", CurvePlot)
        metric = screen.query_one("#metric-plot", CurvePlot)
        assert loss.drawn["loss"] == [(1.0, 1.0), (2.0, 0.6)]
        assert "batch" not in loss.drawn  # one batch an epoch: the epoch curve says it all
        assert metric.drawn["accuracy"] == [(1.0, 0.4), (2.0, 0.8)]
        assert "epoch 2/15" in screen_text(app)
        trainer.feed(finished(2))
        await wait_for(pilot, lambda: app.service.session.state == FINISHED)
        text = screen_text(app)
        assert "✓ completed: trained 2 epochs" in text
        assert "accuracy 1.0000 (goal ≥ 1: reached)" in text
        assert "g Gates" in text and "p Predict" in text and "c Compare" in text


async def test_space_pauses_and_resumes_and_s_stops():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory)
        await pilot.press("space")
        assert trainer.calls[-1] == "pause"
        assert app.service.session.state == PAUSED
        assert "paused" in screen_text(app)
        await pilot.press("space")
        assert trainer.calls[-1] == "resume"
        assert app.service.session.state == RUNNING
        trainer.feed(epoch(1, 1.0, 0.4))
        await pilot.press("s")
        assert "stop" in trainer.calls
        await wait_for(pilot, lambda: app.service.session.state == FINISHED)
        assert "■ stopped: trained 1 epoch" in screen_text(app)
        assert not app.service.busy


async def test_batch_losses_are_drawn_when_an_epoch_has_several_batches():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory, steps=4)
        trainer.feed(*(ev.BatchEnded(1, b, 4, 1.0 / b, 250.0, 3.0) for b in range(1, 5)),
                     epoch(1, 0.5, 0.5), ev.BatchEnded(2, 1, 4, 0.2, 250.0, 3.0))
        # Batch progress waiting in the queue gives way to newer: some batches are skipped.
        await wait_for(pilot, lambda: app.service.session.batch_losses[-1:] == [(1.25, 0.2)])
        await pilot.pause(0.6)  # the batch curve redraws at most twice a second
        drawn = app.screen.query_one("#loss-plot", CurvePlot).drawn
        assert drawn["batch"] == app.service.session.batch_losses
        assert drawn["loss"] == [(1.0, 0.5)]


async def test_the_log_pane_keeps_its_scrollback_and_a_small_cache():
    """Memory for long runs: the pane keeps LOG_LINES lines, and RichLog's cache of lines
    cropped to the pane is the small one TrainingLog gives it (the cache RichLog really
    uses: a Textual that renamed it would leave it empty)."""
    from rnntui.ui.session import LOG_LINES
    from rnntui.ui.widgets.training_log import CROPPED_LINES, TrainingLog

    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory)
        trainer.feed(*(epoch(n, 1.0 / n, 0.5) for n in range(1, LOG_LINES + 21)))
        await wait_for(pilot, lambda: app.service.session.epochs_done == LOG_LINES + 20)
        await pilot.pause(0.3)
        log = app.screen.query_one(TrainingLog)
        assert len(log.lines) == LOG_LINES
        assert f"epoch {LOG_LINES + 20}/" in log.lines[-1].text
        assert 0 < len(log._line_cache) <= log._line_cache.maxsize == CROPPED_LINES


async def test_leaving_the_screen_does_not_stop_training():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory)
        await pilot.press("escape")
        assert isinstance(app.screen, TasksScreen)
        trainer.feed(epoch(1, 1.0, 0.4), epoch(2, 0.5, 0.9))
        await wait_for(pilot, lambda: app.service.session.epochs_done == 2)
        assert app.service.busy and "stop" not in trainer.calls
        assert "training" in screen_text(app)  # the run's row says so
        app.show_training()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        assert len(screen.query_one("#loss-plot", CurvePlot).drawn["loss"]) == 2
        trainer.feed(finished(2))
        await wait_for(pilot, lambda: not app.service.busy)


async def test_a_failure_is_a_message_on_screen_not_a_crash():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        app.train("imdb")
        await wait_for(pilot, lambda: factory.trainers and "start" in factory.last.calls)
        offline = ("IMDb data is not on this machine and could not be downloaded (no network)."
                   " Connect to the internet once so Keras can download and cache it, or give "
                   "a file in Keras's layout with --data FILE.npz")
        factory.last.feed(ev.TrainingFailed(offline))
        await wait_for(pilot, lambda: app.service.session.state == FAILED)
        text = screen_text(app).replace("\n", " ")
        assert "✗ training failed" in text
        assert "IMDb data is not on this machine" in text
        # Nothing was saved, so the run is not left behind in the list (as the CLI does).
        assert not factory.last.run.path.exists()
        assert "r Train on" not in text


async def test_one_training_at_a_time():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_training(pilot, factory)
        assert app.train("sine") is False
        assert len(factory.trainers) == 1


async def test_quitting_while_training_stops_the_trainer_first():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory)
        trainer.feed(epoch(1, 1.0, 0.4))
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, timeout=8)
    assert "stop" in trainer.calls
    assert app.return_code == 0


async def test_gates_and_predict_are_offered_once_trained():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory)
        screen = app.screen
        assert screen.check_action("gates", ()) is False
        trainer.feed(epoch(1, 1.0, 0.4), finished(1))
        await wait_for(pilot, lambda: app.service.session.state == FINISHED)
        assert screen.check_action("gates", ()) is True
        assert screen.check_action("predict", ()) is True
        assert screen.check_action("stop", ()) is False


async def test_a_saved_stopped_run_says_press_r_and_no_batch_figures():
    from rnntui.runs import RunStore
    from tests.ui_support import saved_run

    run = saved_run(RunStore(), "onehot4", [{"loss": 1.0, "accuracy": 0.5}] * 3,
                    status={"status": "stopped", "epochs": 3, "metrics": {}, "quality": {},
                            "message": f"stopped after epoch 3; resume with `rnntui train "
                                       f"--resume x`"})
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_run(run)
        await pilot.pause()
        text = screen_text(app)
        assert "press r to train on" in text and "rnntui train --resume" not in text
        assert "batch 1/1" not in text and "— samples/s" not in text
