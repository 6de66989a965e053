"""Every task, on every screen a run of it can be opened on, with every key its footer
shows pressed in turn: the app stays alive and the screen keeps saying something about the
run. The runs are tiny networks with fixed weights (made once per test process)."""

from __future__ import annotations

import json

import pytest

from rnntui.tasks import TASKS
from rnntui.ui import messages
from rnntui.ui.app import make_app
from tests.ui_host import TINY_WORD_INDEX, fixed_run, settle
from tests.ui_support import FakeFactory, screen_text

SIZE = (100, 30)
# Keys that end the app, or whose screen is the one under test (escape is pressed last).
NOT_PRESSED = {"q", "ctrl+q", "escape", "ctrl+p"}


def _run(task_id: str):
    run = fixed_run(task_id)
    if task_id == "imdb":  # the run's own copy of the word index: plays offline
        (run.path / "imdb_word_index.json").write_text(json.dumps(TINY_WORD_INDEX))
    return run


async def _settle(pilot, factory: FakeFactory) -> None:
    """Let the key's work end: a training it started (r, C) is stopped, so its worker ends."""
    for trainer in factory.trainers:
        trainer.stop()
    await settle(pilot)


def _footer_keys(app) -> list[str]:
    """The keys the footer shows for the focused pane, each once."""
    keys = []
    for key, active in app.screen.active_bindings.items():
        if active.binding.show and active.enabled and key not in NOT_PRESSED:
            keys.append(key)
    return list(dict.fromkeys(keys))


def _meaningful(app, run, screen: str) -> None:
    text = screen_text(app)
    assert app.is_running
    assert "Traceback" not in text and "KeyError" not in text, text
    expected = {"training": run.name, "gates": run.name, "compare": f"runs of {run.task_id}",
                "units": run.name, "saturation": run.name,
                "predict": "trained on" if run.task_id != "dice" else "network"}[screen]
    assert expected in text, (screen, run.task_id, text)


@pytest.mark.parametrize("task_id", list(TASKS))
async def test_every_screen_of_every_task_takes_every_footer_key(task_id):
    run = _run(task_id)
    for screen in messages.RUN_SCREENS:
        factory = FakeFactory()
        app = make_app(trainer_factory=factory, start=(run, screen))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            home = app.screen
            depth = len(app.screen_stack)
            _meaningful(app, run, screen)
            keys = _footer_keys(app)
            for key in keys:
                await pilot.press(key)
                await _settle(pilot, factory)
                assert app.is_running, (task_id, screen, key)
                while len(app.screen_stack) > depth:  # a key that opened another screen
                    app.pop_screen()
                    await _settle(pilot, factory)
                if app.screen is not home:
                    break  # the key left the screen (a dialog answered, or back)
                _meaningful(app, run, screen)
            await pilot.press("escape")
            await settle(pilot)
            assert app.is_running
