"""Words and layout a learner reads (issue 21 §6): help never wraps words into the key
column, the runs list is one key away and its footer lists its keys, footers are never cut
mid-word at 80×24, heatmaps say how many steps are off screen, sine's step labels stand
apart, the poem's number of lines is a key, `rnntui tasks` fits a narrow terminal."""

from __future__ import annotations

import re

from rnntui.cli import main
from rnntui.runs import RunStore
from rnntui.tasks import TASKS
from rnntui.ui.app import make_app
from rnntui.ui.screens.gates import GatesScreen
from rnntui.ui.screens.help import HelpScreen
from rnntui.ui.widgets.footer import KeyFooter
from rnntui.ui.widgets.heatmap import GateHeatmap
from tests.ui_host import HostApp, fixed_run, settle
from tests.ui_support import FakeFactory, saved_run, screen_text

SMALL = (80, 24)


def _footer_line(app) -> str:
    return screen_text(app).splitlines()[-1]


def _footer_fits(app) -> None:
    """Every key the footer shows is drawn whole: its description ends before the palette."""
    footer = app.screen.query_one(KeyFooter)
    line = _footer_line(app)
    for key in footer.query("FooterKey"):
        if "-command-palette" in key.classes:
            continue
        assert key.description in line, (key.description, line)


async def test_runs_list_is_one_key_away_and_its_footer_lists_its_keys():
    store = RunStore()
    saved_run(store, "onehot4", [{"loss": 0.5, "accuracy": 0.5}])
    app = make_app(trainer_factory=FakeFactory(), store=store)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "l Runs" in _footer_line(app)
        await pilot.press("l")
        await pilot.pause()
        assert app.screen.focused.id == "run-table"
        line = _footer_line(app)
        for shown in ("/ Filter", "o Order", "n Note", "m Rename", "? Help"):
            assert shown in line, line
        _footer_fits(app)
        await pilot.press("l")
        await pilot.pause()
        assert app.screen.focused.id == "task-list"


async def test_no_footer_is_cut_mid_word_at_80_columns():
    run = fixed_run("poems")
    app = make_app(trainer_factory=FakeFactory(), start=(run, "predict"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        _footer_fits(app)
        await pilot.press("escape")  # the body: the most keys
        await pilot.pause()
        _footer_fits(app)
        assert "? Help" in _footer_line(app)


async def test_help_never_wraps_words_into_the_key_column():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=SMALL) as pilot:
        app.open_task("poems")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_screen = app.screen
        keys = help_screen.query_one("#help-keys")
        lines = help_screen.keys_text().plain.splitlines()
        # Textual wrapped no line of its own (it would start a word under the keys)
        assert keys.size.height == len(lines), (keys.size, len(lines))
        width = len(lines[0]) - len(lines[0][lines[0].index("  "):].lstrip()) \
            if "  " in lines[0] else 0
        for line in lines:  # continuation lines start at the text column
            if line.startswith(" ") and line.strip():
                assert len(line) - len(line.lstrip()) >= width, line


async def test_gates_heatmap_says_how_many_steps_are_off_screen():
    run = fixed_run("poems")  # reads any length
    app = HostApp(lambda: GatesScreen(run))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.field.value = "床前明月光" * 10
        await settle(pilot)
        heatmap = screen.query_one(GateHeatmap)
        left, right = heatmap.off_screen()
        assert left == 0 and right > 0
        assert f"{right}▶" in screen_text(app)
        assert "steps off screen" in screen_text(app)
        await pilot.press("end")  # scrolls to the last step
        await pilot.pause()
        left, right = heatmap.off_screen()
        assert left > 0 and right == 0 and f"◀{left}" in screen_text(app)


async def test_sine_gate_labels_are_separated():
    run = fixed_run("sine")
    app = HostApp(lambda: GatesScreen(run))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.field.value = "0.12 -0.34 0.56 -0.78 0.9 0.1 -0.2 0.3 -0.4 0.5"
        await settle(pilot)
        header = next(line for line in screen_text(app).splitlines()
                      if line.startswith("read"))
        assert " .12 -.3 .56 -.8 .90 " in header, header  # a space between any two


async def test_poem_lines_are_a_key():
    run = fixed_run("poems")
    app = make_app(trainer_factory=FakeFactory(), start=(run, "predict"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.lines == 4 and "4 lines" in screen_text(app)
        await pilot.press("escape", "l")
        await pilot.pause()
        assert screen.lines == 8 and "8 lines" in screen_text(app)
        await pilot.press("question_mark")  # ? on the body opens help
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "4 or 8 lines" in app.screen.keys_text().plain


def test_tasks_in_a_narrow_terminal_is_a_block_per_task(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    assert main(["tasks"]) == 0
    out = capsys.readouterr().out
    assert "bidirectional=False" in out  # never split across lines
    assert all(len(line) <= 60 for line in out.splitlines())
    for task_id in TASKS:
        assert re.search(rf"^{task_id} · ", out, re.M), task_id


async def test_a_finished_runs_plots_keep_their_rows_at_80x24():
    """At 80×24 the outcome box, the sample and the log left the plots one row of curve (a
    plot 6 rows high with its title and axes); there the log, once the run has ended, gives
    its rows to them (the outcome box says how it ended). At 100×30 the log stays."""
    from rnntui.ui.screens.training import TrainingScreen

    done = {"status": "completed", "epochs": 4, "metrics": {},
            "quality": {"accuracy": 1.0}}
    run = saved_run(RunStore(), "onehot4", [{"loss": 1.0 - i / 5, "accuracy": i / 4}
                                            for i in range(4)], status=done, epochs=4)
    for size, log_shown in ((SMALL, False), ((100, 30), True)):
        app = make_app(trainer_factory=FakeFactory(), start=(run, "training"))
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, TrainingScreen)
            assert screen.query_one("#log").display is log_shown, size
            assert screen.query_one("#plots").size.height >= 9, size  # 4 rows of curve
            assert screen.query_one("#outcome").display
