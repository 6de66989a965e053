"""The forward pass by hand: the seeds' numbers step by step, the linear variant, refusals."""

from __future__ import annotations

import subprocess
import sys

import pytest
from textual.widgets import Input, Switch

from rnntui.explain import FieldError, parse_numbers
from rnntui.ui.screens.explain import ExplainScreen, field_of, shown
from rnntui.ui.widgets.inline_message import InlineMessage
from tests.conftest import subprocess_env
from tests.ui_host import HostApp, screen_text, settle, settle_still

SIZE = (80, 24)


def _host(**kwargs) -> HostApp:
    return HostApp(ExplainScreen, **kwargs)


async def _set(pilot, field_id: str, text: str) -> None:
    """Put `text` in a field, its last character typed."""
    await pilot.click(f"#explain-{field_id}")
    pilot.app.screen.query_one(f"#explain-{field_id}", Input).value = text[:-1]
    await pilot.press("end", text[-1])
    await pilot.pause()


async def test_the_seeds_numbers_step_by_step():
    app = _host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        text = screen_text(app)
        assert "step 1 of 2" in text
        assert "= [0.6, 0.5]" in text
        assert "state = tanh(before) = [0.53704957, 0.46211716]" in text
        assert "= 1.56128388" in text
        await pilot.press("escape", "n")  # out of the field, n steps
        assert screen.current == 1
        text = screen_text(app)
        assert "step 2 of 2" in text and "= [1.2923401, 1.39225678]" in text
        assert "state = tanh(before) = [0.85973818, 0.88366641]" in text
        assert "= 2.72707101" in text
        await pilot.press("n")  # no step 3
        assert screen.current == 1
        await pilot.press("b")
        assert screen.current == 0 and "step 1 of 2" in screen_text(app)
        # n and b step from the body, never typed into a field
        assert screen.focused.id == "explain-steps-pane"
        assert screen.query_one("#explain-inputs", Input).value == "1, 2"


async def test_the_linear_variant():
    app = _host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.click("#explain-activation")
        assert screen.query_one("#explain-activation", Switch).value is False
        assert screen.activation == "linear"
        assert [s.output for s in screen.steps] == pytest.approx([1.7, 4.25])
        text = screen_text(app)
        assert "state = before = [0.6, 0.5]" in text and "= 1.7" in text
        await pilot.press("right")  # outside the fields, → steps too
        text = screen_text(app)
        assert "= [1.31, 1.42]" in text and "= 4.25" in text
        await pilot.press("ctrl+r")
        assert screen.activation == "tanh" and screen.current == 0
        assert screen.steps[0].output == pytest.approx(1.56128388)


async def test_a_bad_weight_is_refused_at_its_field():
    app = _host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        good = screen.steps
        await _set(pilot, "w_state", "0.1 0.2; 0.3 x")
        message = screen.query_one("#explain-w_state-message", InlineMessage)
        assert message.is_error and "'x' is not a number" in message.text
        assert screen.steps is good and "1.56128388" in screen_text(app)
        assert "✗ 'x' is not a number" in screen_text(app)
        await _set(pilot, "w_state", "0.1 0.2; 0.3 0.4")
        assert not message.is_error and screen.errors == {}
        # shapes that do not fit: W_input has three numbers for two units
        await _set(pilot, "w_input", "0.5 0.6 0.7")
        message = screen.query_one("#explain-w_input-message", InlineMessage)
        assert message.is_error and message.text.startswith("W_input must have shape")
        assert set(screen.errors) == {"w_input"}
        await _set(pilot, "w_input", "0.5 0.6")
        await _set(pilot, "inputs", "1, 2, 3")
        assert len(screen.steps) == 3 and screen.errors == {}
        assert "step 1 of 3" in screen_text(app)


def test_parsing_the_fields():
    assert parse_numbers("1, 2") == [1, 2]
    assert parse_numbers(" 0.1 ") == 0.1
    assert parse_numbers("0.1 0.2; 0.3 0.4") == [[0.1, 0.2], [0.3, 0.4]]
    assert parse_numbers("[[1, 0], [0, 1]]") == [[1, 0], [0, 1]]
    for text, position in (("1, y", 3), ("", 0), ("1 2; 3", None), ('[1, "a"]', 0),
                           ("[1, 'a']", 4), ("nan", 0), ("1;;2", 2)):
        with pytest.raises(FieldError) as caught:
            parse_numbers(text)
        assert caught.value.position == position, text
    assert shown((1, 2)) == "1, 2" and shown(((0.1, 0.2), (0.3, 0.4))) == "0.1 0.2; 0.3 0.4"
    assert field_of("W_out must have 2 rows") == "w_out"
    assert field_of("b_out must have 1 value(s)") == "b_out"
    assert field_of("b must have 2 values") == "b"


def test_the_screens_import_no_tensorflow():
    """UI modules stay light: the NumPy mirror serves them, Keras never loads."""
    code = ("import sys\n"
            "import rnntui.ui.screens.gates, rnntui.ui.screens.predict, rnntui.ui.screens.explain\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))\n"
            "print(heavy)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env=subprocess_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


async def test_escape_goes_back():
    app = _host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # leaves the field
        assert isinstance(app.screen, ExplainScreen)
        await pilot.press("escape")  # then the screen
        assert not isinstance(app.screen, ExplainScreen)


def test_snapshot_explain_step_two(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("escape", "n")
        await settle_still(pilot)

    assert snap_compare(_host(still=True), terminal_size=SIZE, run_before=run_before)


def test_snapshot_explain_refused_weight(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await _set(pilot, "w_state", "0.1 0.2; 0.3 x")
        await settle_still(pilot)

    assert snap_compare(_host(still=True), terminal_size=SIZE, run_before=run_before)
