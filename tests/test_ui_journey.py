"""A learner's journey through each task (issue 21 §7), in the slow lane: open the task, edit
two fields, train briefly (the fake trainer), then on a trained run of the task open every
screen the training footer offers, type into its field, go back; at each step the screen
says the figures it should (parameter count, epoch and loss, bars, RMSE, agreement)."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input

from rnntui.runs import RunStore
from rnntui.tasks import TASKS, get_task
from rnntui.ui.app import make_app
from rnntui.ui.keys import in_field
from rnntui.ui.screens.hparams import HparamsScreen
from rnntui.ui.screens.training import TrainingScreen
from tests.ui_host import TINY_WORD_INDEX, fixed_run, settle
from tests.ui_support import FakeFactory, epoch, finished, screen_text, started, wait_for

SIZE = (100, 30)
# What each play kind's screen shows once it answered (words or figures a learner reads).
ANSWERS = {"letters": "%", "sequence": "%", "poem": "%", "forecast": "RMSE",
           "review": "P(positive)", "dice": "agrees with"}
TYPED = {"letters": "abq", "sequence": "abcq", "poem": "春q", "forecast": "0.1 0.2 q",
         "review": "great movie q", "dice": "12q"}


async def _form_and_fake_training(pilot, app, factory, task_id: str) -> None:
    task = get_task(task_id)
    screen = app.screen
    screen.query_one("#task-list").highlighted = list(TASKS).index(task_id)
    await pilot.press("enter")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, HparamsScreen)
    defaults = task.hparams()
    assert f"{task.preview(defaults)[1]:,} trainable parameters" in screen_text(app)
    units = form.query_one("#input-units", Input)
    epochs = form.query_one("#input-epochs", Input)
    for field, value in ((units, defaults.units + 1), (epochs, 2)):
        field.focus()
        await pilot.pause()
        await pilot.press(*str(value))  # replaces the selected value
        await pilot.pause()
    assert form.errors == {}, form.errors
    hp = defaults.replace(units=defaults.units + 1, epochs=2)
    assert f"{task.preview(hp)[1]:,} trainable parameters" in screen_text(app)
    await pilot.press("escape", "t")
    await wait_for(pilot, lambda: factory.trainers and "start" in factory.last.calls)
    trainer = factory.last
    assert trainer.run.hparams.units == hp.units
    trainer.feed(started(trainer.run), epoch(1, 0.9, 0.5), epoch(2, 0.4321, 0.75),
                 finished(2, 0.75))
    await wait_for(pilot, lambda: "0.4321" in screen_text(app))
    assert isinstance(app.screen, TrainingScreen)
    await pilot.press("escape")
    await pilot.pause()


async def _every_screen_of_a_trained_run(pilot, app, run) -> None:
    kind = get_task(run.task_id).play_input(run.hparams).kind
    training = app.screen
    assert isinstance(training, TrainingScreen) and run.name in screen_text(app)
    keys = [key for key, active in training.active_bindings.items()
            if active.binding.show and active.enabled and key in ("g", "p", "c")]
    assert keys, training.active_bindings.keys()
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
        screen = app.screen
        assert screen is not training, key
        text = screen_text(app)
        if key == "g":
            assert "layer 1/" in text, text
        elif key == "p":
            assert ANSWERS[kind] in text, (kind, text)
        else:
            assert f"runs of {run.task_id}" in text, text
        fields = [f for f in screen.query(Input) if f.display and f.focusable]
        if fields:
            fields[0].focus()
            await pilot.press("end", *TYPED[kind])
            await settle(pilot)
            assert fields[0].value.endswith(TYPED[kind]) and app.screen is screen
        if in_field(screen):
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is training, key


@pytest.mark.slow
@pytest.mark.parametrize("task_id", list(TASKS))
async def test_a_learners_journey_through_the_task(task_id, tmp_path):
    factory = FakeFactory()
    app = make_app(trainer_factory=factory, store=RunStore(tmp_path / "runs"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _form_and_fake_training(pilot, app, factory, task_id)
    run = fixed_run(task_id)
    if task_id == "imdb":  # the run's own word index: plays offline
        (run.path / "imdb_word_index.json").write_text(json.dumps(TINY_WORD_INDEX))
    app = make_app(trainer_factory=FakeFactory(), start=(run, "training"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _every_screen_of_a_trained_run(pilot, app, run)
        assert app.is_running
