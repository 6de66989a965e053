"""Typing as people do (issue 21 §7): on every screen with fields, random printable strings
(q, t, C, ?, space, digits, CJK, emoji among them) are typed fast into each field, then Esc
and the screen's own keys are pressed. The app keeps running on the same screen, no
training starts, no run is made or changed, and the field holds what was typed.

A few examples a screen in the fast lane; `RNNTUI_TYPING_EXAMPLES=50` (or the slow-marked
test) tries more.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.widgets import Input

from rnntui.runs import RunStore
from rnntui.ui.app import make_app
from rnntui.ui.keys import in_field
from rnntui.ui.screens.dice import DiceScreen
from rnntui.ui.screens.explain import ExplainScreen
from rnntui.ui.screens.gates import GatesScreen
from rnntui.ui.screens.predict import predict_screen
from rnntui.ui.screens.units import UnitsScreen
from tests.ui_host import TINY_WORD_INDEX, HostApp, fixed_run, settle
from tests.ui_support import FakeFactory, saved_run, screen_text

SIZE = (100, 30)
FAST = int(os.environ.get("RNNTUI_TYPING_EXAMPLES", "1"))
# The characters a learner's fingers (or cat) reach: command letters of every screen, the
# keys of the play screens, digits and separators, CJK, an emoji, space.
KEYS = "qtCRDcsgpre?/-+<>[]nbmod 0123456789.,;aAz月光春😀é"
TYPED = st.lists(st.text(alphabet=st.sampled_from(KEYS), min_size=1, max_size=12)
                 .map(lambda s: s + "q"),  # always at least one letter command: never valid
                 min_size=1, max_size=2)
# Keys that leave the screen or the app on purpose: the test presses the rest.
LEAVING = {"escape", "q", "ctrl+q", "ctrl+p", "ctrl+c"}


def key_of(char: str) -> str:
    """The key name a terminal sends for `char` (as Textual's driver and Pilot name it)."""
    return char if char.isalnum() else _character_to_key(char)


def type_fast(app: Any, text: str) -> None:
    """Every character in the app's queue at once: none waits for the one before."""
    for char in text:
        app.post_message(events.Key(key_of(char), char))


def fields_of(screen: Screen) -> list[Input]:
    return [field for field in screen.query(Input) if field.display and field.focusable]


def single_keys(screen: Screen, skip: frozenset[str] = frozenset()) -> list[str]:
    """The keys the footer shows now (the focus on the body), but those that leave (and
    `skip`: keys whose job is to train, on the tasks screen)."""
    return [key for key, active in screen.active_bindings.items()
            if active.binding.show and active.enabled and key not in LEAVING | skip]


async def type_into_every_field(app: Any, pilot: Any, texts: list[str],
                                trainers: Callable[[], int], runs: Callable[[], Any],
                                skip: frozenset[str] = frozenset()) -> None:
    """Each text typed fast into each field, then Esc; then the screen's keys, once."""
    await settle(pilot)
    home = app.screen
    before_runs = runs()
    fields = fields_of(home)
    assert fields, type(home).__name__
    for field in fields:
        for text in texts:
            field.focus()
            field.value = ""
            await pilot.pause()
            type_fast(app, text)
            await settle(pilot, rounds=1)
            assert app.is_running and app.screen is home, (field.id, text)
            assert field.value == text, (field.id, text, field.value)
            assert trainers() == 0 and runs() == before_runs
        if in_field(home):
            await pilot.press("escape")
            await pilot.pause()
        assert app.screen is home and not in_field(home), field.id
    await settle(pilot)
    for key in single_keys(home, skip):
        await pilot.press(key)
        await settle(pilot, rounds=1)
        while app.screen is not home and len(app.screen_stack) > 1:
            app.pop_screen()  # a key that opened a dialog or another screen
            await settle(pilot, rounds=1)
        assert app.is_running and trainers() == 0 and runs() == before_runs, key
    assert app.screen is home
    assert "Traceback" not in screen_text(app)


def run_screen(make: Callable[[], Screen], texts: list[str]) -> None:
    app = HostApp(make)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await type_into_every_field(app, pilot, texts, lambda: 0, lambda: None)

    asyncio.run(go())


def _imdb_run():
    run = fixed_run("imdb")
    (run.path / "imdb_word_index.json").write_text(json.dumps(TINY_WORD_INDEX))
    return run


PLAY_SCREENS: dict[str, Callable[[], Screen]] = {
    "letters": lambda: predict_screen(fixed_run("onehot4"), seed=1),
    "sequence": lambda: predict_screen(fixed_run("recall"), seed=1),
    "poem": lambda: predict_screen(fixed_run("poems"), seed=1),
    "forecast": lambda: predict_screen(fixed_run("sine"), seed=1),
    "review": lambda: predict_screen(_imdb_run(), seed=1),
    "dice": lambda: DiceScreen(fixed_run("dice"), seed=1),
    "gates": lambda: GatesScreen(fixed_run("onehot4")),
    "gates-sine": lambda: GatesScreen(fixed_run("sine")),
    "explain": ExplainScreen,
    "units": lambda: UnitsScreen(fixed_run("onehot4")),
}
SETTINGS = settings(max_examples=FAST, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("name", list(PLAY_SCREENS))
def test_typing_on_a_play_screen_is_text_never_a_command(name):
    @SETTINGS
    @given(TYPED)
    def check(texts):
        run_screen(PLAY_SCREENS[name], texts)

    check()


@pytest.mark.parametrize("task_id", ["onehot4", "dice", "imdb",
                                     pytest.param("poems", marks=pytest.mark.slow)])
def test_typing_in_the_form_is_text_never_a_command(task_id, tmp_path):
    @SETTINGS
    @given(TYPED)
    def check(texts):
        factory = FakeFactory()
        store = RunStore(tmp_path / "runs")
        app = make_app(trainer_factory=factory, store=store)

        async def go() -> None:
            async with app.run_test(size=SIZE) as pilot:
                app.open_task(task_id)
                await type_into_every_field(app, pilot, texts, lambda: len(factory.trainers),
                                            lambda: sorted(r.name for r in store.list()))

        asyncio.run(go())

    check()


def test_typing_in_the_runs_filter_and_the_dialogs_is_text(tmp_path):
    @SETTINGS
    @given(TYPED)
    def check(texts):
        factory = FakeFactory()
        store = RunStore(tmp_path / "runs")
        if not store.list():
            saved_run(store, "onehot4", [{"loss": 0.5, "accuracy": 0.5}])
        app = make_app(trainer_factory=factory, store=store)

        async def go() -> None:
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                tasks = app.screen
                tasks.focus_runs()
                await pilot.press("slash")  # the filter shows
                names = sorted(r.name for r in store.list())
                await type_into_every_field(app, pilot, texts, lambda: len(factory.trainers),
                                            lambda: sorted(r.name for r in store.list()),
                                            skip=frozenset({"t", "r"}))  # they train
                # a dialog's field: typed text, Esc cancels and nothing changes
                app.screen.action_clear_filter()
                await settle(pilot)
                for key in ("n", "m"):
                    await pilot.press(key)
                    await settle(pilot)
                    dialog = app.screen
                    assert dialog is not tasks, key
                    field = dialog.query(Input).first()
                    field.value = ""
                    type_fast(app, texts[0])
                    await settle(pilot)
                    assert app.screen is dialog and field.value == texts[0]
                    await pilot.press("escape")
                    await settle(pilot)
                    assert app.screen is not dialog and app.is_running
                assert factory.trainers == []
                assert sorted(r.name for r in store.list()) == names

        asyncio.run(go())

    check()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["letters", "poem", "gates-sine", "dice", "explain"])
def test_typing_many_strings_on_a_play_screen(name):
    @settings(max_examples=6, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(TYPED)
    def check(texts):
        run_screen(PLAY_SCREENS[name], texts)

    check()
