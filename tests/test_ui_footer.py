"""The footer's keys: rebuilt only when they change, and back once the app has focus."""

from __future__ import annotations

from textual import events

from rnntui.ui.app import make_app
from tests.ui_support import FakeFactory, screen_text, wait_for


async def test_keys_come_back_when_a_served_page_gets_focus():
    """A served app can start out of focus (its page not clicked yet): Textual's footer
    then draws no keys. Once the page has focus, they must appear."""
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "q Quit" in screen_text(app))
        app.post_message(events.AppBlur())
        await pilot.pause()
        app.open_task("onehot4")  # a screen, and its footer, made while out of focus
        await wait_for(pilot, lambda: "hyperparameters" in screen_text(app).lower())
        await pilot.pause(0.2)
        assert "esc Back" not in screen_text(app)
        app.post_message(events.AppFocus())
        await wait_for(pilot, lambda: "esc Back" in screen_text(app))
