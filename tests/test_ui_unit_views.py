"""The unit view and the saturation view alone, on tiny runs with fixed weights (no
training): colouring by a unit, sorting by a feature, select and match, ablation, keys."""

from __future__ import annotations

import numpy as np

from rnntui.units.saturation import record
from rnntui.ui.screens.saturation import SaturationScreen
from rnntui.ui.screens.units import UnitsScreen, UnitText, coloured, value_style
from tests.ui_host import HostApp, fixed_run, screen_text, settle

SIZE = (100, 30)


def test_value_style_is_red_above_zero_blue_below():
    assert value_style(1.0).bgcolor.triplet == (255, 0, 0)
    assert value_style(-1.0).bgcolor.triplet == (0, 0, 255)
    assert value_style(0.0).bgcolor.triplet == (255, 255, 255)
    text = coloured(("a", "b"), np.array([0.5, -0.5]), cursor=1)
    assert text.plain == "ab" and text.spans[1].style.underline


async def test_units_screen_colours_sorts_selects_matches_and_ablates():
    app = HostApp(lambda: UnitsScreen(fixed_run("dice")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.query_one(UnitText).has_focus  # the body, not the field
        assert screen.states is not None and len(screen.steps) == 50  # a held-out sequence
        assert "held-out item 1 of" in screen_text(app)
        await pilot.press("right", "right")
        assert screen.cursor == 2 and "step 2 of 50" in screen_text(app)
        first = screen.column
        await pilot.press("down")
        assert screen.column != first
        await pilot.press("f")  # sort by the first feature: the hidden die
        await settle(pilot)
        assert screen.ranking is not None and screen.ranking.feature == "die"
        assert "tracks die (r = " in screen_text(app)
        best = screen.ranking.units[0].unit
        assert screen.states.units[screen.column] == best
        await pilot.press("a", "right", "right", "b", "t", "T")
        assert screen.selection is not None and screen.selection.span == (2, 5)
        if screen.selection.units:
            await pilot.press("m")
            await settle(pilot)
            assert "held-out spans" in screen_text(app)
        await pilot.press("x")
        await settle(pilot)
        assert "held-out figures, intact → pinned" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert "held-out item 2 of" in screen_text(app)
        await pilot.press("slash")
        assert screen.field.has_focus
        await pilot.press("1", ",", "6", "f")  # typed: a command letter is text in the field
        assert screen.field.value == "1,6f"
        await pilot.press("backspace", "enter")
        await settle(pilot)
        assert screen.steps == ("1", "6") and "typed text" in screen_text(app)
        await pilot.press("slash", "escape")
        assert screen.query_one(UnitText).has_focus


async def test_saturation_screen_scrubs_the_recorded_epochs():
    run = fixed_run("dice")
    for epoch in (1, 2):
        record(run.path, epoch, {"steps": 100, "layers": [
            {"layer": 0, "kind": "GRU", "gates": {
                "z": {"left": [0.1 * epoch, 0.0], "right": [0.6, 0.9]},
                "r": {"left": [0.0, 0.7], "right": [0.2, 0.1]}}}]}, 0.01)
    app = HostApp(lambda: SaturationScreen(run))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "epoch 2 (2 of 2 recorded)" in text
        assert "z: 2/2 mostly > 0.9" in text and "r: 0/2 mostly > 0.9, 1/2 mostly < 0.1" in text
        await pilot.press("left")
        await settle(pilot)
        assert "epoch 1 (1 of 2 recorded)" in screen_text(app)


async def test_the_units_of_a_review_run_without_its_word_index_take_it_in_a_field(tmp_path):
    """Issue 21 §5, as on the predict and gates screens: the offered word-index field, then
    the units of a held-out review."""
    import json

    from tests.ui_host import TINY_WORD_INDEX

    given = tmp_path / "words.json"
    given.write_text(json.dumps(TINY_WORD_INDEX))
    app = HostApp(lambda: UnitsScreen(fixed_run("imdb")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.states is None and "word index" in screen_text(app)
        screen.query_one("#input-file-word_index").focus()
        await pilot.press(*str(given), "enter")
        await settle(pilot)
        assert screen.states is not None and "held-out item 1" in screen_text(app)
