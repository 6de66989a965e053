"""One rule for leaks: a task whose targets are the next step of its own input refuses
bidirectional=true, in every front end (they all go through Task.hparams)."""

from __future__ import annotations

import pytest

from rnntui.config import ConfigError
from rnntui.tasks import TASKS, get_task
from tests.robust_support import assert_clear_error, call_main

LEAKY = {("poems", ()), ("dice", (("mode", "next"),))}


@pytest.mark.parametrize("task_id", list(TASKS))
def test_bidirectional_is_refused_exactly_where_targets_are_the_next_input(task_id):
    task = get_task(task_id)
    for extra in ((), (("mode", "next"),)):
        if extra and task_id != "dice":
            continue
        overrides = {"bidirectional": "true", **dict(extra)}
        if (task_id, extra) in LEAKY:
            with pytest.raises(ConfigError) as refused:
                task.hparams(overrides)
            assert refused.value.key == "bidirectional"
            assert "the very token it must predict" in refused.value.message
            assert task.next_step_targets(task.hparams(dict(extra)))
        else:
            assert task.hparams(overrides).bidirectional
            assert not task.next_step_targets(task.hparams(dict(extra)))


def test_the_cli_refuses_a_bidirectional_language_model_with_the_reason():
    code, out, err = call_main(["train", "poems", "--set", "bidirectional=true"])
    assert_clear_error(err, code)
    assert "bidirectional=true" in err and "next step of the input" in err
    code, out, err = call_main(["runs"])
    assert "poems" not in out  # refused before a run was made


async def test_the_form_names_the_leak_under_the_switch_and_refuses_to_train():
    from textual.widgets import Button

    from rnntui.ui.app import make_app
    from tests.ui_support import FakeFactory, screen_text

    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_task("poems")
        await pilot.pause()
        form = app.screen
        form.fields()["bidirectional"].control.value = True
        await pilot.pause()
        assert "bidirectional" in form.errors
        assert "the very token it must predict" in str(form.errors["bidirectional"])
        assert "✗ bidirectional=true" in screen_text(app)
        assert form.query_one("#train", Button).disabled
        assert factory.trainers == []
