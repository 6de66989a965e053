"""The terminal: 80×24 and 60×20 lay out, smaller says "too small", resizing while training
loses nothing, NO_COLOR still tells curves apart, and a burst of training events does not
become a burst of redraws (a slow SSH link pays for every one). Long runs keep the app's
memory and the plots' work bounded.

(Snapshots of 80×24 screens and of the too-small message are in test_ui_snapshots.py.)
"""

from __future__ import annotations

import re
import time

import pytest

from rnntui.engine import events as ev
from rnntui.ui import session as session_mod
from rnntui.ui.app import make_app
from rnntui.ui.screens.too_small import TooSmallScreen
from rnntui.ui.screens.training import TrainingScreen
from rnntui.ui.widgets.plots import CurvePlot
from tests.ui_support import FakeFactory, epoch, screen_text, start_training, wait_for


async def _training(pilot, factory: FakeFactory, epochs: int = 2000):
    from rnntui.tasks import get_task

    return await start_training(pilot, factory, "onehot4",
                                get_task("onehot4").hparams({"epochs": epochs}))


def _batch(n: int, steps: int = 4) -> ev.BatchEnded:
    return ev.BatchEnded(n // steps + 1, n % steps + 1, steps, 1.0 / (n + 1), 500.0, 9.0)


async def test_resizing_while_training_loses_nothing_and_60x20_still_lays_out():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await _training(pilot, factory)
        trainer.feed(*[epoch(n, 1 / n, 0.5) for n in range(1, 4)])
        await wait_for(pilot, lambda: app.service.session.epochs_done == 3)
        for size in [(59, 24), (80, 19), (40, 10), (1, 1)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert isinstance(app.screen, TooSmallScreen), size
            if size[0] >= 40:  # (at 1×1 there is no room for a word, but no crash either)
                assert "terminal too small (need 60×20)" in screen_text(app)
            trainer.feed(epoch(app.service.session.epochs_done + 1, 0.1, 0.9))
            await wait_for(pilot, lambda: app.service.session.epochs_done >= 4)
        await pilot.resize_terminal(60, 20)
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen))
        await pilot.pause(0.4)  # a coalesced redraw
        done = app.service.session.epochs_done
        assert done == 7 and re.search(rf"epoch +{done + 1}/2000", screen_text(app))
        for plot in app.screen.query(CurvePlot):
            assert plot.size.height >= 5 and plot.size.width >= 20, plot.size
            assert len(plot.drawn["loss" if plot.id == "loss-plot" else "accuracy"]) == done
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen) and app.is_running


async def test_no_color_keeps_curves_and_switches_apart(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await _training(pilot, factory)
        trainer.feed(*[ev.EpochEnded(n, {"loss": 1 / n, "val_loss": 1.2 / n, "accuracy": 0.5,
                                          "val_accuracy": 0.4}, 0.01, 500.0)
                       for n in range(1, 6)])
        await wait_for(pilot, lambda: app.service.session.epochs_done == 5)
        await pilot.pause(0.4)
        for plot in app.screen.query(CurvePlot):
            markers = [series.marker for series in plot.series]
            assert len(markers) >= 2 and len(set(markers)) == len(markers), markers
        # what reaches the terminal is greys only (Textual's monochrome filter)
        background = app.screen.styles.background
        for strip in app.screen._compositor.render_strips():
            for line_filter in app._filters:
                strip = strip.apply_filter(line_filter, background)
            for segment in strip:
                for color in (segment.style.color, segment.style.bgcolor) if segment.style \
                        else ():
                    if color is not None and color.triplet is not None:
                        red, green, blue = color.triplet
                        assert red == green == blue, segment


async def test_a_burst_of_training_events_is_drawn_a_few_times_not_each_time(monkeypatch):
    draws = []
    original = CurvePlot.draw

    def counted(self):
        draws.append(self.id)
        original(self)

    monkeypatch.setattr(CurvePlot, "draw", counted)
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await _training(pilot, factory)
        await pilot.pause(0.4)
        draws.clear()
        started_at = time.monotonic()
        events = []
        for n in range(400):  # 100 epochs of 4 batches
            events.append(_batch(n))
            if n % 4 == 3:
                events.append(epoch(n // 4 + 1, 1 / (n + 1), 0.5))
        trainer.feed(*events)
        await wait_for(pilot, lambda: app.service.session.epochs_done == 100, timeout=30)
        await pilot.pause(0.6)
        elapsed = time.monotonic() - started_at
        # Redraws are coalesced to four a second at most, whatever the rate of events:
        # 500 events here, on any machine a handful of plot draws.
        allowed = 2 * (4 * elapsed + 2)  # two plots
        assert len(draws) <= allowed, (len(draws), elapsed)
        assert len(draws) < 100


@pytest.mark.slow  # a long run: 1,000 epochs through the app
async def test_a_thousand_epochs_keep_the_app_bounded():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await _training(pilot, factory, epochs=100_000)
        events = []
        for n in range(1000):
            events += [ev.BatchEnded(n + 1, b, 30, 1.0 / (n + 1), 500.0, 9.0)
                       for b in range(1, 31)]
            events.append(epoch(n + 1, 1 / (n + 1), 0.5))
        trainer.feed(*events)
        await wait_for(pilot, lambda: app.service.session.epochs_done == 1000, timeout=120)
        await pilot.pause(0.6)
        session = app.service.session
        assert len(session.batch_losses) <= session_mod.BATCH_POINTS
        assert len(session.log) <= session_mod.LOG_LINES
        for plot in app.screen.query(CurvePlot):
            width = max(plot.size.width, 20)
            assert all(len(points) <= 2 * width for points in plot.drawn.values()), \
                {k: len(v) for k, v in plot.drawn.items()}
        assert len(app.screen.query_one("#log").lines) <= 500
