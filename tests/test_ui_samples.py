"""The training screen's sample pane: the newest epoch's sample while training, the cursor's
epoch once the cursor is placed, and a finished run's samples read from its folder."""

from __future__ import annotations

from rnntui.engine import events as ev
from rnntui.engine.samples import FILE, append
from rnntui.ui.app import make_app
from rnntui.ui.session import RUNNING
from rnntui.ui.widgets.sample_log import SampleLog
from tests.ui_support import FakeFactory, epoch, finished, screen_text, start_training, wait_for


async def test_the_pane_shows_the_newest_sample_and_the_cursor_reads_older_ones():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory, "onehot4")
        await wait_for(pilot, lambda: app.service.session.state == RUNNING)
        assert not app.screen.query_one(SampleLog).display  # nothing sampled yet
        trainer.feed(epoch(1, 1.0, 0.4), ev.EpochSampled(1, ("3/5 windows right",)),
                     epoch(2, 0.6, 0.8), ev.EpochSampled(2, ("5/5 windows right",)))
        await wait_for(pilot, lambda: 2 in app.service.session.samples)
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "5/5 windows right" in text and "sample · epoch 2 (newest; 2 kept)" in text
        await pilot.press("left")  # the cursor on the last epoch, then one back
        await pilot.press("left")
        text = screen_text(app)
        assert "3/5 windows right" in text and "sample · epoch 1 (at the cursor" in text
        trainer.feed(finished(2))
        await pilot.pause(0.3)


async def test_a_finished_runs_samples_show_on_its_training_screen():
    from tests.ui_support import saved_run

    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        run = saved_run(app.store, "onehot4", [{"loss": 1.0, "accuracy": 0.2}],
                        {"status": "completed", "epochs": 1})
        append(run.path / FILE, ev.EpochSampled(1, ("2/5 windows right", "abcd→e")))
        app.open_run(run)
        await wait_for(pilot, lambda: app.screen.query(SampleLog))
        await pilot.pause(0.2)
        assert "2/5 windows right" in screen_text(app)
