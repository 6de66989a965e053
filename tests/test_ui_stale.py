"""Answers never go stale (issue 21 §2): after input a play screen refuses, no answer on
screen belongs to the earlier input: it is cleared, or marked as the earlier input's."""

from __future__ import annotations

from rnntui.ui.screens.dice import DiceScreen
from rnntui.ui.screens.predict import predict_screen
from rnntui.ui.widgets.belief_map import BeliefMap
from tests.ui_host import HostApp, fixed_run, settle
from tests.ui_support import screen_text

SIZE = (100, 30)


async def _type(pilot, text: str) -> None:
    field = pilot.app.screen.field
    field.value = text
    await settle(pilot)


async def test_onehot1_unknown_letter_clears_the_bars_of_the_letter_before():
    app = HostApp(lambda: predict_screen(fixed_run("onehot1"), seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _type(pilot, "a")
        assert app.screen.pairs
        await _type(pilot, "z")
        assert "unknown letter 'z'" in screen_text(app)
        assert app.screen.pairs == [] and "%" not in screen_text(app)


async def test_dice_rejected_rolls_clear_the_map_of_the_rolls_before():
    app = HostApp(lambda: DiceScreen(fixed_run("dice"), seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _type(pilot, "1234561234")
        assert app.screen.reading is not None and app.screen.query_one(BeliefMap).rolls
        await _type(pilot, "12x9")
        assert app.screen.reading is None and app.screen.query_one(BeliefMap).rolls == ()
        assert "agrees with" not in screen_text(app)


async def test_poem_empty_line_leaves_no_bars_of_the_line_before():
    app = HostApp(lambda: predict_screen(fixed_run("poems"), seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _type(pilot, "月光")
        assert app.screen.pairs
        before = list(app.screen.pairs)
        await _type(pilot, "")
        # the bars are the empty line's (the start of a poem), or none: never 月光's
        assert app.screen.pairs != before or not app.screen.pairs
