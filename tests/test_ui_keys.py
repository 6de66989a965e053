"""The keyboard model (rnntui.ui.keys): in a field every printable key is text, never a
command; Esc leaves the field for the screen's body, where the single keys work; Ctrl+Q quits
from anywhere; keys typed faster than the app reacts are handled in the order typed."""

from __future__ import annotations

from contextlib import asynccontextmanager

from textual import events
from textual.widgets import Input

from rnntui.ui.app import make_app
from rnntui.ui.keys import in_field
from rnntui.ui.screens.dice import DiceScreen
from rnntui.ui.screens.explain import ExplainScreen
from rnntui.ui.screens.gates import GatesScreen
from rnntui.ui.screens.hparams import HparamsScreen
from rnntui.ui.screens.predict import predict_screen
from tests.ui_host import HostApp, fixed_run, settle
from tests.ui_support import FakeFactory, screen_text

SIZE = (100, 30)


def type_fast(app, *keys: str) -> None:
    """Put every key in the app's queue at once, as a fast typist (or a paste of keys, or
    tmux send-keys) does: none waits for the one before to be handled."""
    for key in keys:
        char = key if len(key) == 1 else {"space": " "}.get(key)
        app.post_message(events.Key(key, char))


async def test_q_typed_into_a_letters_field_is_a_letter_and_the_app_runs_on():
    app = HostApp(lambda: predict_screen(fixed_run("onehot4"), seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.screen.field
        assert field.has_focus
        field.value = ""
        await pilot.press("a", "q", "?", "t")
        await settle(pilot)
        assert app.is_running and field.value == "aq?t"
        assert "unknown letter" in screen_text(app)


async def test_ctrl_q_quits_from_a_field():
    app = HostApp(lambda: predict_screen(fixed_run("onehot4"), seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.field.has_focus
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_escape_leaves_the_field_for_the_body_where_q_quits():
    app = HostApp(lambda: predict_screen(fixed_run("onehot4"), seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.focused.id == "predict-body"
        await pilot.press("minus")  # cooler: a command now, not a character
        await pilot.pause()
        assert screen.field.value.count("-") == 0 and screen.temperature == 0.0
        await pilot.press("plus")
        await pilot.pause()
        assert screen.temperature == 0.1
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


@asynccontextmanager
async def onehot4_form():
    """The app on onehot4's form, with a trainer factory that only counts: (app, pilot,
    form, factory)."""
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        app.open_task("onehot4")
        await pilot.pause()
        yield app, pilot, app.screen, factory


async def test_a_number_field_types_t_and_C_and_says_what_is_wrong_no_training():
    async with onehot4_form() as (app, pilot, form, factory):
        assert form.focused.id == "form"  # the body first: t trains from here
        units = form.query_one("#input-units", Input)
        units.focus()
        await pilot.press("end", "t", "C", "R", "D")
        await settle(pilot)
        assert units.value.endswith("tCRD")
        assert factory.trainers == [] and app.cells is None
        assert "units" in form.errors and "whole number" in screen_text(app)
        await pilot.press("escape")  # leaves the field: the form's keys work
        await pilot.pause()
        assert isinstance(app.screen, HparamsScreen) and form.focused.id == "form"
        await pilot.press("D")  # defaults put units right again
        await pilot.pause()
        assert form.errors == {}
        await pilot.press("t")
        await pilot.pause()
        assert len(factory.trainers) == 1


async def test_the_forms_choices_and_switches_are_fields_too_where_no_key_is_a_command():
    """Tab from the form's body lands on the cell, a choice: `q` there once quit the app
    and `t` trained. Now a letter picks the choice it starts, and a switch ignores it."""
    async with onehot4_form() as (app, pilot, form, factory):
        await pilot.press("tab")
        cell = form.query_one("#input-cell")
        assert form.focused is cell and in_field(form)
        await pilot.press("q", "t", "C", "question_mark", "6", "l")
        await settle(pilot)
        assert app.is_running and app.screen is form and cell.value == "lstm"
        assert factory.trainers == [] and app.cells is None
        await pilot.press("g", "s")  # from gru, s: the next starting with s (cycling)
        assert cell.value == "simple"
        switch = form.query_one("#input-bidirectional")
        switch.focus()
        await pilot.press("q", "t", "C", "question_mark", "6")
        await settle(pilot)
        assert app.is_running and switch.value is False and factory.trainers == []
        await pilot.press("space")  # space still flips it
        assert switch.value is True
        await pilot.press("escape", "t")  # the body's keys work again
        await pilot.pause()
        assert len(factory.trainers) == 1


async def test_a_path_typed_into_a_field_starts_nothing():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        app.open_task("imdb")
        await pilot.pause()
        form = app.screen
        field = form.query_one("#input-units", Input)
        field.focus()
        type_fast(app, *"/tmp/data/imdb.npz")
        await settle(pilot)
        assert factory.trainers == [] and app.screen is form
        assert field.value.endswith("/tmp/data/imdb.npz")


async def test_six_four_tab_two_typed_fast_gives_units_64_and_layers_2():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=SIZE) as pilot:
        app.open_task("onehot4")
        await pilot.pause()
        form = app.screen
        units = form.query_one("#input-units", Input)
        units.focus()
        await pilot.pause()
        keys = ["6", "4", "tab", "2"]
        # the field after units, whichever it is, gets the 2
        following = form.focus_chain[form.focus_chain.index(units) + 1]
        type_fast(app, *keys)
        await settle(pilot)
        assert units.value == "64"
        assert following.has_focus
        assert isinstance(following, Input) and following.value == "2", following.id


async def test_enter_then_more_keys_typed_fast_submit_what_was_typed_before_enter():
    app = HostApp(lambda: predict_screen(fixed_run("onehot4"), seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.field.value = ""
        await settle(pilot)
        type_fast(app, "a", "b", "enter", "escape", "plus")
        await settle(pilot)
        output = screen.query_one("#predict-output").render()
        assert str(output).startswith("ab")
        assert screen.temperature == 0.1  # the + after escape was a command


async def test_three_hundred_values_typed_fast_into_the_forward_pass_all_arrive():
    app = HostApp(ExplainScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#explain-inputs", Input)
        assert field.has_focus
        field.value = ""
        keys = []
        for n in range(300):
            keys += [*str(n % 10), "comma", "space"]
        type_fast(app, *[{"comma": ","}.get(k, k) for k in keys])
        await settle(pilot, rounds=5)
        assert field.value.count(",") == 300
        await pilot.press("backspace", "x")
        await settle(pilot)
        assert field.value.endswith("x")  # still taking keys


async def test_gates_start_on_the_heatmap_and_slash_edits():
    app = HostApp(lambda: GatesScreen(fixed_run("onehot4")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.focused.id == "gates-heatmap" and not in_field(screen)
        await pilot.press("slash")
        await pilot.pause()
        assert screen.field.has_focus
        await pilot.press("end", "q", "slash", "bracketleft")
        await settle(pilot)
        assert app.is_running and screen.field.value.endswith("q/")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.focused.id == "gates-heatmap"


async def test_dice_rolls_field_keeps_the_focus_after_enter():
    app = HostApp(lambda: DiceScreen(fixed_run("dice"), seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.screen.field
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert field.has_focus and field.value.endswith("3"), screen_text(app)


async def test_the_footer_drops_single_keys_while_a_field_has_focus():
    app = HostApp(lambda: predict_screen(fixed_run("onehot4"), seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = set(app.screen.active_bindings)
        assert "minus" not in keys and "q" not in keys
        assert app.screen.active_bindings["escape"].binding.action == "leave_field"
        await pilot.press("escape")
        await pilot.pause()
        keys = set(app.screen.active_bindings)
        assert {"minus", "q"} <= keys
        assert app.screen.active_bindings["escape"].binding.action == "back"


async def test_recipe_says_which_fields_it_changed():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=SIZE) as pilot:
        app.open_task("sine")
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        text = " ".join(str(n.message) for n in app._notifications)
        assert "changed" in text and "optimizer adam → adagrad" in text


async def test_the_form_shows_every_refused_dice_table_at_once():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=SIZE) as pilot:
        app.open_task("dice")
        await pilot.pause()
        form = app.screen
        form.query_one("#input-transitions", Input).value = "nonsense"
        form.query_one("#input-emissions", Input).value = "rubbish"
        await settle(pilot)
        assert {"transitions", "emissions"} <= set(form.errors)
