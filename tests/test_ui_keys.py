"""Typing never triggers a command and a command key never types: the characters a field
leaves to its screen come from the screen's bindings and what the field can hold."""

from __future__ import annotations

from textual.widgets import Input

from rnntui.ui.app import make_app
from rnntui.ui.keys import bound_characters, command_characters
from rnntui.ui.screens.dice import DiceScreen
from rnntui.ui.screens.gates import GatesScreen
from rnntui.ui.screens.hparams import HparamsScreen
from tests.ui_host import HostApp, fixed_run, settle
from tests.ui_support import FakeFactory, screen_text

SIZE = (100, 30)


def test_bound_characters_come_from_the_bindings():
    assert {"/", "[", "]", "d"} <= bound_characters(GatesScreen.BINDINGS)
    assert {"t", "C", "R", "D"} <= bound_characters(HparamsScreen.BINDINGS)
    assert command_characters(HparamsScreen.BINDINGS, str.isdigit) >= {"t", "C", "R", "D"}


async def test_gates_slash_edits_in_a_letters_field_and_brackets_never_type_in_sine():
    for kind, keys, typed in (("onehot4", ("a", "b", "slash"), "ab"),
                              ("sine", ("0", "right_square_bracket", "left_square_bracket"),
                               "0")):
        app = HostApp(lambda run=fixed_run(kind): GatesScreen(run))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            field = app.screen.query_one("#gates-input", Input)
            field.focus()
            field.value = ""
            await pilot.press(*keys)
            await settle(pilot)
            assert field.value == typed, kind


async def test_form_number_field_passes_C_and_text_field_passes_D_but_types_t():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=SIZE) as pilot:
        app.open_task("dice")
        await pilot.pause()
        form = app.screen
        units = form.query_one("#input-units", Input)
        units.focus()
        await pilot.press("end", "D")  # defaults: not typed
        await pilot.pause()
        assert "D" not in units.value
        table = form.query_one("#input-transitions", Input)
        table.focus()
        table.value = ""
        await pilot.press("s", "t", "D")
        await pilot.pause()
        assert table.value in ("st", "sticky")  # t typed; D filled the defaults instead
        units.focus()
        await pilot.press("C")  # three cells: trains, and C is not typed
        await pilot.pause()
        assert "C" not in units.value and app.cells is not None


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
