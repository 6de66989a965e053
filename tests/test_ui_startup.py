"""`rnntui` pauses the garbage collector while it starts, and the app resumes it once the
tasks screen is drawn (issue 21 §8: the collections cost ~35 ms before the first frame)."""

from __future__ import annotations

import gc

import pytest

import rnntui.ui.app
from rnntui import cli
from rnntui.ui.app import make_app
from rnntui.ui.screens.tasks import TasksScreen
from tests.ui_support import FakeFactory, screen_text


@pytest.fixture
def paused_gc():
    gc.disable()
    yield
    gc.enable()  # whatever the test did, the rest of the suite collects


async def test_the_app_resumes_a_paused_collector_once_its_first_frame_is_drawn(paused_gc):
    app = make_app(trainer_factory=FakeFactory(), gc_paused=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen) and "parameters" in screen_text(app)
        assert gc.isenabled()


async def test_the_app_leaves_the_collector_alone_unless_told_it_is_paused(paused_gc):
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not gc.isenabled()  # tests and embedders keep their own setting


def test_rnntui_starts_the_app_with_the_collector_paused(monkeypatch, paused_gc):
    gc.enable()
    seen = {}

    def run_app(**options):
        seen.update(options, enabled=gc.isenabled())
        return 0

    monkeypatch.setattr(rnntui.ui.app, "run_app", run_app)
    monkeypatch.setattr(cli, "_is_terminal", lambda: True)  # pytest's streams are no terminal
    assert cli.main([]) == 0
    assert seen == {"gc_paused": True, "enabled": False}


async def test_footer_keys_are_born_with_the_footers_compact_and_still_follow_it(monkeypatch):
    """Textual's FooterKey starts compact and its binding then sets the footer's value: two
    restyles a key, ~20 ms before the first frame. KeyFooter's keys start with the value."""
    from textual.app import App
    from textual.widgets._footer import FooterKey

    from rnntui.ui.widgets.footer import KeyFooter

    restyled = []
    update_styles = App.update_styles

    def counting(self, node, animate=True):
        if isinstance(node, FooterKey):
            restyled.append(node)
        return update_styles(self, node, animate=animate)

    monkeypatch.setattr(App, "update_styles", counting)
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = list(app.screen.query(FooterKey).exclude(".-command-palette"))
        assert keys and restyled == []
        assert not any(key.has_class("-compact") for key in keys)
        assert app.screen.query_one(".-command-palette").has_class("-compact")  # as Footer's
        app.screen.query_one(KeyFooter).compact = True  # the binding still carries a change
        await pilot.pause()
        assert all(key.compact and key.has_class("-compact") for key in keys)
