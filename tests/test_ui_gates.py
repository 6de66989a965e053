"""The gates screen alone, on tiny runs: steps, cursor, layers, directions, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from rnntui.runs import RunStore
from rnntui.tasks import get_task
from rnntui.ui.screens.gates import GatesScreen, equation, fit5, gate_blocks
from rnntui.ui.widgets.heatmap import GateHeatmap, glyphs, level, step_label
from rnntui.ui.widgets.inline_message import InlineMessage
from tests.ui_host import (HostApp, fixed_run, screen_text, settle, settle_still,
                           trained_run)

SIZE = (80, 24)


def _host(run, **kwargs) -> HostApp:
    return HostApp(lambda: GatesScreen(run), **kwargs)


async def _type(pilot, text: str) -> None:
    await pilot.click("#gates-input")
    await pilot.press("end", "ctrl+u", *text)
    await settle(pilot)


async def test_abcd_shows_four_steps_and_the_cursor_moves():
    app = _host(trained_run("onehot4"))
    async with app.run_test(size=SIZE) as pilot:
        await _type(pilot, "abcd")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        heatmap = screen.query_one(GateHeatmap)
        assert heatmap.has_focus
        assert heatmap.tokens == ("a", "b", "c", "d") and heatmap.steps == 4
        assert [b.name for b in heatmap.blocks] == ["pre", "h"]
        assert heatmap.render_line(0).text.split() == ["read", "a", "b", "c", "d"]
        assert "step 1 of 4: read 'a'" in screen_text(app)

        before = screen.query_one("#gates-numbers").content
        await pilot.press("right", "right")
        assert heatmap.step == 2 and "step 3 of 4: read 'c'" in screen_text(app)
        await pilot.press("right", "right", "right")  # stops at the last step
        assert heatmap.step == 3
        await pilot.press("down")
        units = heatmap.blocks[0].values.shape[1]
        assert heatmap.unit == 1 and f"unit 2 of {units}" in screen_text(app)
        assert screen.query_one("#gates-numbers").content is not before
        # the check of the SimpleRNN update holds for the unit and step under the cursor
        assert "h_t = tanh(pre_t)" in screen_text(app) and "✓" in screen_text(app)
        # memory through time: one bar per step, the largest normalised to 1
        assert heatmap.influence is not None and len(heatmap.influence) == 4
        assert np.isclose(heatmap.influence.max(), 1.0)
        # one layer, one direction: those keys are shown but off ("not now" in ?)
        assert screen.check_action("layer", (1,)) is None
        assert screen.check_action("direction", ()) is None


async def test_a_bad_letter_says_where_and_keeps_the_view():
    app = _host(trained_run("onehot4"))
    async with app.run_test(size=SIZE) as pilot:
        await _type(pilot, "abcd")
        await pilot.press("left", "z")
        await settle(pilot)
        message = app.screen.query_one(InlineMessage)
        assert message.is_error
        assert "unknown letter 'z' at position 4" in message.text
        lines = screen_text(app).splitlines()
        row = next(i for i, line in enumerate(lines) if "abczd" in line)
        assert lines[row + 1].index("↑") == lines[row].index("z")  # the caret under the z
        assert app.screen.query_one(GateHeatmap).tokens == ("a", "b", "c", "d")
        await pilot.press("backspace", "right", "backspace")
        await settle(pilot)
        assert not message.is_error and app.screen.query_one(GateHeatmap).steps == 3


async def test_layers_and_directions_of_a_stacked_bidirectional_lstm():
    app = _host(fixed_run("bilstm"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("enter")
        heatmap = screen.query_one(GateHeatmap)
        assert [b.name for b in heatmap.blocks] == ["i", "f", "g", "o", "c", "h"]
        assert "layer 1/2 LSTM(3)" in screen_text(app) and "forward (1/2)" in screen_text(app)
        forward = heatmap.blocks[-1].values.copy()
        await pilot.press("d")
        assert screen.direction == "backward" and "backward (2/2)" in screen_text(app)
        assert not np.allclose(heatmap.blocks[-1].values, forward)
        assert "c_t = f·c_(t+1) + i·g" in screen_text(app)  # it reads right to left
        await pilot.press("right_square_bracket")
        assert screen.layer_index == 1 and "layer 2/2" in screen_text(app)
        await pilot.press("left_square_bracket")
        assert screen.layer_index == 0
        await pilot.press("pagedown", "pagedown")  # to the third gate, g
        assert heatmap.scroll_offset.y == 2 * (1 + 3)
        assert heatmap.render_line(4).text.startswith("g ")
        text = screen_text(app)
        assert "c_t = " in text and "h_t = o·tanh(c_t)" in text and "✗" not in text


def test_the_lstm_check_uses_the_trace_numbers():
    run = fixed_run("bilstm")
    from rnntui.play import open_play

    _, trace = open_play(run).gates("abcd")
    layer = trace.layers[0]
    for direction in layer.directions:
        for step in range(4):
            lines = "\n".join(t.plain for t in equation(layer, direction, step, 1))
            assert lines.count("✓") == 2, lines
    blocks = gate_blocks(layer, "forward")
    assert {b.name: b.diverging for b in blocks} == {
        "i": False, "f": False, "g": True, "o": False, "c": True, "h": True}


async def test_sine_reads_the_held_out_window_and_refuses_words():
    run = fixed_run("sine")
    app = _host(run)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        heatmap = app.screen.query_one(GateHeatmap)
        # empty input: the first held-out window, as long as the run's windows
        assert heatmap.steps == run.hparams.seq_len
        await _type(pilot, "0.1 0.2 x")
        message = app.screen.query_one(InlineMessage)
        assert message.is_error and "'x' (number 3) is not a number" in message.text
        assert heatmap.tokens == ("0.100", "0.200")  # the last input it could read


async def test_a_long_input_scrolls_sideways_under_the_labels():
    numbers = " ".join(f"{np.sin(0.1 * k):.3f}" for k in range(80))
    app = _host(fixed_run("sine"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#gates-input").value = numbers  # as if pasted
        await settle(pilot)
        await pilot.press("enter", "end")
        heatmap = app.screen.query_one(GateHeatmap)
        assert heatmap.steps == 80 and heatmap.step == 79
        assert heatmap.scroll_x > 0  # the cursor's column is on screen
        visible = heatmap.render_line(0).text
        assert visible.startswith("read") and "step 80 of 80" in screen_text(app)
        assert heatmap.virtual_size.width == heatmap.label_width + 80 * 4  # numbers: 4 columns
        assert app.screen.check_action("edit", ()) is True  # "/" goes back to typing
        await pilot.press("slash")
        assert app.screen.query_one("#gates-input").has_focus


async def test_a_run_without_a_checkpoint_says_so():
    store = RunStore()
    run = store.create("onehot4", get_task("onehot4").hparams())
    app = _host(run)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        message = app.screen.query_one(InlineMessage)
        assert message.is_error and "train it first" in message.text
        assert "Traceback" not in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, GatesScreen)


def test_palettes_and_labels():
    assert level(-1.0, True) == 0 and level(0.0, True) == 4 and level(1.0, True) == 8
    assert level(0.0, False) == 0 and level(1.0, False) == 7 and level(9.0, False) == 7
    assert glyphs(-0.9, True) == "-██" and glyphs(0.01, True) == " ··"
    assert glyphs(0.5, False) == "▒▒ "
    assert step_label("-0.506") == "-.5" and step_label("movie") == "mov"
    assert step_label("床") == "床" and step_label("\n") == "⏎"
    assert fit5(0.9123) == "+.912" and fit5(-12.345) == "-12.3" and len(fit5(12345.0)) == 5


@pytest.mark.parametrize("no_color", [False, True])
async def test_no_color_cells_carry_the_value(no_color, monkeypatch):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = _host(fixed_run("onehot4"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        heatmap = app.screen.query_one(GateHeatmap)
        row = heatmap.render_line(5).text  # the first unit of the first block
        cells = row[heatmap.label_width:heatmap.label_width + 12]
        if no_color:
            assert any(ch in cells for ch in "░▒▓█·")
        else:
            assert "◆" in cells  # the cursor; the rest is colour


def test_snapshot_gates_simple_rnn(snap_compare):
    run = fixed_run("onehot4")

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter", "right", "right", "down")
        await settle_still(pilot)

    assert snap_compare(_host(run, still=True), terminal_size=SIZE, run_before=run_before)


def test_snapshot_gates_lstm(snap_compare):
    run = fixed_run("poems")

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter", "right", "right", "right", "down")
        await settle_still(pilot)

    assert snap_compare(_host(run, still=True), terminal_size=SIZE, run_before=run_before)


def test_number_labels_that_fill_their_columns_stand_apart():
    # A sine window read as "-.5-.5-.5-.5": every other full-width label is set apart.
    heatmap = GateHeatmap()
    heatmap.tokens = ("-0.500", "-0.500", "-0.500", "-0.500")
    heatmap.step = -1
    _, cells = heatmap._header_row()
    styles = [segment.style for segment in cells(0, 4)]
    assert styles[0] != styles[1] and styles[0] == styles[2] and styles[1] == styles[3]


async def test_the_gates_of_a_review_run_without_its_word_index_offer_a_field(tmp_path):
    """Issue 21 §5: the gates screen of an IMDb run takes the word-index file in a field,
    then traces the review."""
    import json

    from tests.ui_host import TINY_WORD_INDEX

    given = tmp_path / "words.json"
    given.write_text(json.dumps(TINY_WORD_INDEX))
    app = _host(fixed_run("imdb"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.trace is None and "word index" in screen_text(app)
        field = screen.query_one("#input-file-word_index")
        assert screen.focused is field
        await pilot.press(*str(given), "enter")
        await settle(pilot)
        assert screen.trace is not None and not screen.query("#input-file-word_index")
