"""Help, the command palette, and a terminal too small for any layout."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input

from rnntui.ui.app import make_app
from rnntui.ui.screens.compare import CompareScreen
from rnntui.ui.screens.help import HelpScreen
from rnntui.ui.screens.hparams import HparamsScreen
from rnntui.ui.screens.tasks import TasksScreen
from rnntui.ui.screens.too_small import TooSmallScreen
from tests.ui_support import FakeFactory, screen_text, wait_for


async def test_help_lists_the_keys_of_the_current_screen():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Keys: tasks" in text
        assert "train the highlighted task with its default" in text
        assert "ctrl+p" in text
        await pilot.press("escape")
        assert isinstance(app.screen, TasksScreen)
        await pilot.press("enter", "f1")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Keys: hyperparameters" in text and "seed tutorial's recipe" in text


async def run_command(pilot, query: str, shown: str) -> None:
    """Open the palette, search, and run the first hit (which must read `shown`)."""
    app = pilot.app
    await pilot.press("ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    # Typed at once: key by key, each press waits for the palette's search to settle.
    app.screen.query_one(Input).value = query
    await wait_for(pilot, lambda: shown in screen_text(app))
    await pilot.press("enter")


async def test_the_palette_offers_the_app_commands():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(pilot, "compare", "Compare runs")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        await pilot.press("escape")
        await run_command(pilot, "task: sine", "Open task: sine")
        await wait_for(pilot, lambda: isinstance(app.screen, HparamsScreen))
        assert app.screen.rnn_task.id == "sine"
        await run_command(pilot, "toggle theme", "Toggle theme")
        await wait_for(pilot, lambda: app.theme == "rnntui-light")


async def test_a_tiny_terminal_gets_a_clear_message_instead_of_a_layout():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "terminal too small (need 60×20)" in screen_text(app)
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: isinstance(app.screen, TasksScreen))
        await pilot.resize_terminal(59, 30)
        await wait_for(pilot, lambda: isinstance(app.screen, TooSmallScreen))
