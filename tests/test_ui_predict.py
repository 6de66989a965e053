"""The predict screens alone: letters, poems, sine and imdb, keys and refusals."""

from __future__ import annotations

import numpy as np

from rnntui.tasks.corpus import END, LINE_ENDS, poem_lines
from rnntui.ui.screens.poem import PoemScreen, poem_text
from rnntui.ui.screens.predict import TEMPERATURE_MAX, PredictScreen, predict_screen
from rnntui.ui.widgets.forecast_plot import ForecastPlot
from rnntui.ui.widgets.inline_message import InlineMessage
from rnntui.ui.widgets.probability_bars import ProbabilityBars, bar
from tests.ui_host import (TINY_WORD_INDEX, HostApp, fixed_run, screen_text, settle,
                           settle_still, trained_run)

SIZE = (80, 24)


def _host(run, *, seed=None, words=None, **kwargs) -> HostApp:
    def make():
        screen = predict_screen(run, seed=seed)
        if words is not None:
            screen.handle.use_words(words)
        return screen
    return HostApp(make, **kwargs)


async def _type(pilot, text: str) -> None:
    await pilot.click("#predict-input")
    await pilot.press("end", "ctrl+u", *text)
    await settle(pilot)


async def test_abcd_gives_e_and_enter_continues():
    app = _host(trained_run("onehot4"))
    async with app.run_test(size=SIZE) as pilot:
        await _type(pilot, "abcd")
        screen = app.screen
        bars = screen.query_one("#predict-bars", ProbabilityBars)
        assert bars.pairs[0][0] == "e" and len(bars.pairs) == 5
        assert bars.pairs[0][1] > 0.5 and abs(sum(p for _, p in bars.pairs) - 1) < 1e-6
        await pilot.press("enter")  # temperature 0: the likeliest letters, 5 of them
        await settle(pilot)
        assert screen.query_one("#predict-input").value == "abcdeabcd"
        assert screen.pairs[0][0] == "e"  # the bars follow the new end, "abcd" again
        assert "abcdeabcd" in screen_text(app)


async def test_temperature_and_length_keys_clamp():
    app = _host(trained_run("onehot4"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.temperature == 0.0 and screen.length == 5
        await pilot.press("escape")  # leave the field: - and + are commands outside it
        await pilot.press("minus", "minus")
        assert screen.temperature == 0.0
        await pilot.press("plus", "plus", "equals_sign")
        assert screen.temperature == 0.3
        for _ in range(30):
            screen.action_temperature(1)
        assert screen.temperature == TEMPERATURE_MAX
        await pilot.press("minus")
        assert screen.temperature == 1.9 and "temperature 1.9" in screen_text(app)
        await pilot.press(*["less_than_sign"] * 5)
        assert screen.length == 1
        for _ in range(60):
            screen.action_length(1)
        await pilot.press("greater_than_sign")
        assert screen.length == 40 and "length 40 letters" in screen_text(app)
        # the keys went to the screen, not into the field
        assert screen.query_one("#predict-input").value == "abcd"


async def test_a_bad_letter_takes_away_the_bars_of_the_input_before():
    app = _host(trained_run("onehot4"))
    async with app.run_test(size=SIZE) as pilot:
        await _type(pilot, "abcd")
        assert app.screen.pairs[0][0] == "e"
        await pilot.press("enter")  # continued: an answer to "abcd" in the output too
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        message = app.screen.query_one(InlineMessage)
        assert "unknown letter 'x'" in message.text and message.is_error
        # no answer on screen belongs to another input than the field's (issue 21 §2)
        assert app.screen.pairs == []
        assert "e " not in screen_text(app).split("next, most likely first")[1][:40]
        assert str(app.screen.query_one("#predict-output").render()) == ""


async def test_a_poem_streams_token_by_token_and_stops():
    app = _host(trained_run("poems"), seed=0)
    tokens = []

    def hook(message):
        if isinstance(message, PoemScreen.TokenGenerated):
            tokens.append(message.token)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await _type(pilot, "床前明月光")
        screen = app.screen
        # a whole first line: the writer ends it with a mark, and the bars show what it
        # draws from (the marks the network gives a chance)
        assert 1 <= len(screen.pairs) <= 5 and all(p > 0 for _, p in screen.pairs)
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.generating
        assert len(tokens) >= 2 and screen.poem_tokens == tokens  # one message a character
        # A quatrain by default: it stops after the fourth line's mark (or at the length).
        assert screen.lines == 4
        lines = poem_lines("床前明月光" + "".join(tokens))
        assert (len(lines) == 4 and tokens[-1] in LINE_ENDS) or len(tokens) == screen.length
        assert screen.poem_status.startswith(("4 lines, as asked",
                                              "stopped at the length, 48 characters"))
        # whether the written poem rhymes is said (the writer asks lines 2 and 4 to), by
        # the 平水韵; and what the network alone gave the form rule
        assert len(lines) < 4 or "(平水韵)" in screen.poem_status
        assert "network alone:" in screen.poem_status
        # the 平仄 under each line, and the regulated pattern it is read against
        assert "fits 五绝" in screen_text(app) or "nearest 五绝" in screen_text(app)
        assert "4 lines" in screen_text(app)
        assert "床前明月光" in screen_text(app)


async def test_typing_cancels_a_poem_in_flight():
    app = _host(trained_run("poems"), seed=0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.token_pause = 0.5  # a slow writer, to catch it in flight
        screen.length = 400
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert screen.generating and 1 <= len(screen.poem_tokens) < 400
        await pilot.press("backspace")
        await settle(pilot)
        assert not screen.generating and screen.poem_status.startswith("stopped")
        written = len(screen.poem_tokens)
        await pilot.pause(0.2)
        assert len(screen.poem_tokens) == written < 400


async def test_poem_keys_clamp_and_do_not_type():
    app = _host(trained_run("poems"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.temperature == 0.6 and screen.length == 48  # the task's temperature
        await pilot.press("escape", *["minus"] * 9)
        assert screen.temperature == 0.0
        await pilot.press(*["less_than_sign"] * 6)
        assert screen.length == 8
        assert screen.query_one("#predict-input").value == "床前明月光"


async def test_poem_keys_set_top_p_rhyme_and_an_acrostic():
    app = _host(trained_run("poems"), seed=0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        text = screen_text(app)
        assert "top-p off" in text and "rhyme on" in text
        await pilot.press("escape", "left_square_bracket", "left_square_bracket")
        assert screen.top_p == 0.9 and "top-p 0.9" in screen_text(app)
        await pilot.press(*["right_square_bracket"] * 5)
        assert screen.top_p is None
        await pilot.press("slash")
        assert not screen.rhyme and "rhyme off" in screen_text(app)
        assert screen.field.value == "床前明月光"  # the keys typed nothing
        await pilot.press("ctrl+o")
        assert app.focused.id == "poem-acrostic"
        await pilot.press(*"明月", "enter")  # characters of its small corpus
        await settle(pilot)
        assert screen.acrostic == "明月" and app.focused is screen.field
        await pilot.press("end", "ctrl+u", "enter")
        await settle(pilot)
        written = poem_lines("".join(t for t in screen.poem_tokens if t != END))
        assert [line[0] for line in written[:2]] == ["明", "月"]


async def test_poem_bars_are_the_state_the_poem_is_written_from():
    app = _host(trained_run("poems"), seed=0)
    async with app.run_test(size=SIZE) as pilot:
        # traditional, on a simplified run; the line's mark typed, so the writer leaves the
        # next character to the network (it would end a bare first line with a mark)
        await settle(pilot)
        screen = app.screen
        screen.field.value = "白日依山盡，"  # (the pilot cannot press "，")
        await settle(pilot)
        assert not screen.query_one(InlineMessage).is_error
        await pilot.press("escape", *["minus"] * 9, "slash")  # temperature 0, no rhyme
        screen.field.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.poem_tokens[0] == screen.pairs[0][0]
        assert screen.poem_status  # how the poem ended (rhyme, or the length it stopped at)


async def test_sine_plots_the_held_out_curve_and_a_typed_window():
    app = _host(fixed_run("sine"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        plot = screen.query_one(ForecastPlot)
        assert set(plot.drawn) == {"true series", "one-step", "free-running"}
        assert all(len(points) > 10 for points in plot.drawn.values())
        fc = screen.forecast
        assert f"{fc.rmse_one_step:.4f}" in screen_text(app)
        assert f"free-running RMSE {fc.rmse_rollout:.4f}" in screen_text(app)
        # the curve drawn is the free-running forecast (thinned to the plot's width)
        assert plot.drawn["free-running"][0][1] == fc.rollout[0]
        assert plot.drawn["free-running"][-1][1] == fc.rollout[-1]
        # "-" is typed here (negative numbers), not the temperature key
        await _type(pilot, "0 0.1 -0.2 0.3")
        assert screen.query_one("#predict-input").value == "0 0.1 -0.2 0.3"
        assert set(plot.drawn) == {"your window", "network goes on"}
        assert [y for _, y in plot.drawn["your window"]] == [0, 0.1, -0.2, 0.3]
        assert "next sample" in screen_text(app)
        await pilot.press("space", "x")
        await settle(pilot)
        message = screen.query_one(InlineMessage)
        assert message.is_error and "'x' (number 5) is not a number" in message.text
        assert "your window" in plot.drawn  # the last good view stays
        assert "last input read" in plot.title  # ... marked as the last window read
        await pilot.press("end", "ctrl+u")
        await settle(pilot)
        assert "true series" in plot.drawn


def test_continue_window_feeds_its_own_forecasts():
    from rnntui.play import open_play

    play = open_play(fixed_run("sine"))
    window, out = play.continue_window("0.1 0.2 0.3", 3)
    assert window.tolist() == [0.1, 0.2, 0.3] and out.shape == (3,)
    second = float(np.asarray(play.net.forward(np.array([[0.2], [0.3], [out[0]]]))).ravel()[0])
    assert np.isclose(out[1], second)


async def test_a_review_gets_its_sentiment_and_unknown_words_marked():
    app = _host(fixed_run("imdb"), words=TINY_WORD_INDEX)
    async with app.run_test(size=SIZE) as pilot:
        await _type(pilot, "this movie was great zzzfoo")
        screen = app.screen
        p = screen.probability
        assert p is not None and 0 <= p <= 1
        bars = screen.query_one("#predict-bars", ProbabilityBars)
        assert bars.pairs == [("positive", p), ("negative", 1 - p)]
        assert ("zzzfoo", False) in screen.words and ("movie", True) in screen.words
        text = screen_text(app)
        assert "zzzfoo?" in text and "1 of 5 words unknown" in text
        await _type(pilot, "   ")
        assert screen.query_one(InlineMessage).is_error  # nothing to judge


async def test_a_review_without_the_word_index_says_what_to_do():
    app = _host(fixed_run("imdb"))  # the test's KERAS_HOME is empty
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        message = app.screen.query_one(InlineMessage)
        assert message.is_error and "word index" in message.text
        assert "--word-index" in message.text
        assert "Traceback" not in screen_text(app)
        await pilot.press("escape", "escape")  # leave the field, then the screen
        assert not isinstance(app.screen, PredictScreen)


def test_poem_text_breaks_lines_and_marks_the_end():
    text = poem_text("床前明月光", list("，疑是地上霜。举头") + [END, "x"])
    assert text.plain == "床前明月光，\n疑是地上霜。\n举头 ⏎"
    assert bar(0.5, 4) == "██  " and bar(1 / 32, 4) == "▏   "


def test_snapshot_predict_letters(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle_still(pilot)

    assert snap_compare(_host(fixed_run("onehot4"), seed=0, still=True), terminal_size=SIZE,
                        run_before=run_before)


def test_snapshot_predict_poem(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle_still(pilot)

    assert snap_compare(_host(fixed_run("poems"), seed=8, still=True), terminal_size=SIZE,
                        run_before=run_before)


async def test_poem_keys_set_lines_chars_form_tones_and_a_mood():
    app = _host(trained_run("poems"), seed=0)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert "form on" in screen_text(app) and "tones off" in screen_text(app)
        screen.query_one("#predict-output-pane").focus()  # single letters: no field focused
        await pilot.press("l")
        assert screen.lines == 8 and "8 lines" in screen_text(app)
        await pilot.press("c", "t", "f")
        assert screen.chars == 5 and screen.tones and not screen.form
        assert screen.field.value == "床前明月光"  # the keys typed nothing
        await pilot.press("f", "l", "p")
        assert screen.form and screen.lines == 4 and app.focused.id == "poem-prefix"
        await pilot.press(*"明月", "enter")
        await settle(pilot)
        assert screen.prefix == "明月" and app.focused is screen.field
        # the bars say the network's chance of a 平 and of a 仄 next
        screen.field.value = "床前明月光，"
        await settle(pilot)
        assert "平 " in screen_text(app) and "仄 " in screen_text(app)
        # a mark comes next after a whole line; emptied, the field's bars say nothing stale
        screen.field.value = "床前明月光"
        await settle(pilot)
        assert "a mark comes next" in screen_text(app)
        screen.field.value = ""
        await settle(pilot)
        assert "a mark comes next" not in screen_text(app)
        screen.field.value = "床前明月光，"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        lines = poem_lines("床前明月光，" + "".join(t for t in screen.poem_tokens if t != END))
        assert len(lines) == 4 and all(len(line) == 6 for line in lines)
        # under each line its 平仄 (床前明月光: 平平平仄平), read against the pattern
        assert "平平平仄平" in screen_text(app)


async def test_poem_candidate_lines_are_offered_and_taken():
    app = _host(trained_run("poems"), seed=0)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+n")  # from the field: a Ctrl key works anywhere
        await settle(pilot)
        assert len(screen.candidate_lines) == 5
        assert "candidate next lines" in screen_text(app)
        assert all(len(c.line) == 6 and c.line[-1] == "。" for c in screen.candidate_lines)
        chosen = screen.candidate_lines[1].line
        await pilot.press("2")
        await settle(pilot)
        assert screen.field.value == "床前明月光，" + chosen
        await pilot.press("n")  # the body has focus: the single letter is the command
        await settle(pilot)
        assert all(c.line[-1] == "，" for c in screen.candidate_lines)


async def test_a_refused_first_line_sent_with_enter_leaves_no_poem_behind():
    app = _host(trained_run("poems"), seed=0)
    async with app.run_test(size=SIZE) as pilot:
        await _type(pilot, "床前明月光白日依山尽")  # 10 characters: no line of a quatrain
        await pilot.press("enter")
        await settle(pilot)
        message = app.screen.query_one(InlineMessage)
        assert message.is_error and "10 characters" in message.text
        # not "written after '床前明月光白日依山尽', not the field's line": it is the field's
        assert app.screen.poem_status == "" and "written after" not in screen_text(app)


async def test_poem_refuses_a_first_line_it_cannot_keep_in_form():
    app = _host(trained_run("poems"), seed=0)
    async with app.run_test(size=SIZE) as pilot:
        await _type(pilot, "abc")
        message = app.screen.query_one(InlineMessage)
        assert message.is_error and "no Chinese character" in message.text
        app.screen.field.value = "床前明月光，明月光。"
        await settle(pilot)
        assert message.is_error and "mixed line lengths" in message.text
        app.screen.field.value = "白日依山盡，"
        await settle(pilot)
        assert not message.is_error and "白日依山尽" in message.text  # converted, and said
        await pilot.press("ctrl+o", *"明龘", "enter")  # a head the run never saw
        await settle(pilot)
        heads = app.screen.query_one("#poem-acrostic-message", InlineMessage)
        assert heads.is_error and "does not know 龘" in heads.text  # under the heads' field
        assert "龘" not in message.text
        assert app.focused.id == "poem-acrostic" and app.screen.acrostic == ""
        app.screen.field.value = "床前明月光"
        await pilot.press("ctrl+u", "明", "enter")  # the typed first line must start with 明
        await settle(pilot)
        assert app.screen.acrostic == "明" and not heads.is_error and not heads.text
        assert message.is_error and "line 1 must start with 明" in message.text


async def test_a_review_without_the_word_index_offers_a_field_for_it(tmp_path):
    """Issue 21 §5: the screen of an IMDb run offers the word-index file as a field (the
    path completes); a wrong path is said under it, a right one judges the review and is
    kept with the run, so the next play finds it offline."""
    import json

    run = fixed_run("imdb")  # the test's KERAS_HOME is empty
    given = tmp_path / "words.json"
    given.write_text(json.dumps(TINY_WORD_INDEX))
    app = _host(run)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        field = screen.query_one("#input-file-word_index")
        assert screen.focused is field and "word index" in screen_text(app)
        await pilot.press(*str(tmp_path / "nope.json"), "enter")
        await settle(pilot)
        assert "no such file" in screen_text(app) and screen.probability is None
        await pilot.press("end", "ctrl+u", *str(tmp_path / "wor"))
        await settle(pilot)
        await pilot.press("right")  # → accepts the completion
        await settle(pilot)
        assert field.value == str(given)
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.query("#input-file-word_index")
        assert screen.focused is screen.field
        assert screen.probability is not None and "positive" in screen_text(app)
    assert (run.path / "imdb_word_index.json").is_file()
    app = _host(run)  # a second play: offline, from the copy kept with the run
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query("#input-file-word_index")
        assert app.screen.probability is not None
