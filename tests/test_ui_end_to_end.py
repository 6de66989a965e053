"""The real thing once: onehot1 trained for 3 epochs through the app, in a child process."""

from __future__ import annotations

import pytest

from rnntui.ui.app import make_app
from rnntui.ui.screens.training import TrainingScreen
from rnntui.ui.session import FINISHED
from tests.ui_support import screen_text, wait_for


@pytest.mark.slow
async def test_onehot1_trains_for_real_and_shows_its_accuracy():
    app = make_app()  # the default trainer: a spawned TrainingProcess
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # onehot1's hyperparameters
        epochs = app.screen.fields()["epochs"].control
        epochs.focus()
        await pilot.press("3", "escape", "t")  # in the field `t` is text: Esc leaves it
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen))
        session = app.service.session
        await wait_for(pilot, lambda: not session.active, timeout=120)
        assert session.state == FINISHED, session.failure
        assert session.finished.status == "completed" and session.finished.epochs == 3
        assert "accuracy" in session.finished.quality
        assert session.device  # TrainingStarted said where it trained
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "✓ completed: trained 3 epochs" in text
        assert "accuracy " in text and "goal ≥ 1" in text
        assert app.store.open(session.name).epochs_done == 3
