"""The training screen's gradient-norm plot (n): every batch's norm, live and kept, each
recurrent kernel's, and the clipnorm threshold; n again gives the metric back."""

from __future__ import annotations

from rnntui.engine import events as ev
from rnntui.ui.app import make_app
from rnntui.ui.screens.training import TrainingScreen
from rnntui.ui.widgets.plots import CurvePlot
from tests.ui_support import FakeFactory, epoch, screen_text, start_training, wait_for


async def test_n_shows_the_batch_norms_with_the_clip_threshold_on_a_log_scale():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        from rnntui.tasks import get_task

        hp = get_task("onehot4").hparams({"clipnorm": "0.5"})
        trainer = await start_training(pilot, factory, hparams=hp, steps=2)
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        trainer.feed(ev.BatchEnded(1, 1, 2, 1.2, 250.0, 3.0, grad_norm=2.0),
                     ev.BatchEnded(1, 2, 2, 1.1, 250.0, 3.0, grad_norm=1.0), epoch(1, 1.0, 0.4),
                     ev.GradientsRecorded(1, 2, {"global": [2.0, 1.0],
                                                 "rnn_1/kernel": [0.3, 0.2],
                                                 "rnn_1/recurrent_kernel": [0.8, 0.4]}),
                     ev.BatchEnded(2, 1, 2, 0.9, 250.0, 3.0, grad_norm=0.7))
        # (batch messages replace each other: only the newest needs to arrive)
        session = app.service.session
        await wait_for(pilot, lambda: len(session.norms) == 1 and session.last_batch
                       is not None and session.last_batch.epoch == 2)
        await pilot.press("n")
        await pilot.pause(0.3)
        plot = screen.query_one("#metric-plot", CurvePlot)
        assert plot.plot_title == "gradient norm per batch" and plot.log_y
        # the kept epoch's batches, then the live batch of epoch 2
        assert list(plot.drawn["all weights"]) == [(0.5, 2.0), (1.0, 1.0), (1.5, 0.7)]
        assert list(plot.drawn["rnn_1 recurrent"]) == [(0.5, 0.8), (1.0, 0.4)]
        assert list(plot.drawn["clipnorm 0.5"]) == [(0.5, 0.5), (1.5, 0.5)]
        assert "gradient norm per batch" in screen_text(app)
        await pilot.press("n")
        await pilot.pause(0.3)
        assert plot.plot_title == "accuracy" and not plot.log_y
