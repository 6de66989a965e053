"""What the gates, predict and dice screens share: workers that report, and the error line."""

from __future__ import annotations

import pytest

from rnntui.play import InputError
from rnntui.runs import RunError, RunStore
from rnntui.tasks import get_task
from rnntui.ui.keys import in_field
from rnntui.ui.screens.dice import DiceScreen
from rnntui.ui.screens.gates import GatesScreen
from rnntui.ui.screens.play_screen import PlayScreen
from rnntui.ui.screens.predict import predict_screen
from rnntui.ui.widgets.inline_message import InlineMessage
from tests.ui_host import HostApp, screen_text, settle


def _untrained(tmp_path, task_id: str, **values):
    """A run with no checkpoint: created, never trained (no Keras needed)."""
    return RunStore(tmp_path / "runs").create(task_id, get_task(task_id).hparams(values))


def test_reporting_turns_what_a_worker_meets_into_messages(tmp_path):
    screen = GatesScreen(_untrained(tmp_path, "onehot4"))
    posted = []
    screen.post_message = posted.append
    with screen.reporting("could not look", "ab9"):
        raise InputError("unknown letter '9' at position 3", 2)
    with screen.reporting("could not look"):  # no typed text: nothing to refuse
        raise InputError("forecasts are for the sine task")
    with screen.reporting("could not look", "ab"):
        raise RunError("no trained epoch yet")
    with screen.reporting("could not look", "ab"):
        raise KeyError("vocab")  # a bug: its type says so
    with screen.reporting("could not look", "ab"):
        pass
    assert posted == [
        PlayScreen.Refused("ab9", "unknown letter '9' at position 3", 2),
        PlayScreen.Failed("forecasts are for the sine task"),
        PlayScreen.Failed("no trained epoch yet"),
        PlayScreen.Failed("could not look: KeyError: 'vocab'"),
    ]


@pytest.mark.parametrize("make", [
    lambda tmp_path: GatesScreen(_untrained(tmp_path, "onehot4")),
    lambda tmp_path: predict_screen(_untrained(tmp_path, "onehot4")),
    lambda tmp_path: DiceScreen(_untrained(tmp_path, "dice"), seed=1),
], ids=["gates", "predict", "dice"])
async def test_a_run_with_no_checkpoint_is_an_error_line_not_a_dead_screen(tmp_path, make):
    screen = make(tmp_path)
    app = HostApp(lambda: screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        message = screen.query_one(InlineMessage)
        assert message.is_error and "has no trained epoch yet: train it first" in message.text
        if isinstance(screen, GatesScreen):  # its own handler runs beside PlayScreen's
            assert "nothing to show" in screen_text(app)
        if in_field(screen):
            await pilot.press("escape")  # leave the field first
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen
