"""Each task plays by the kind it declares: the screen chosen from one map, what the run was
trained on named, and input it was not trained on warned about."""

from __future__ import annotations

import subprocess
import sys

import pytest

from rnntui.play import PLAYS, open_play
from rnntui.tasks import PLAY_KINDS, TASKS
from rnntui.ui import messages
from rnntui.ui.app import make_app
from rnntui.ui.screen_map import PLAY_SCREENS
from rnntui.ui.screens.sequence import SequenceScreen
from tests.ui_host import fixed_run, settle
from tests.ui_support import FakeFactory, screen_text


def test_every_task_declares_a_kind_that_has_a_class_and_a_screen():
    from rnntui.cli.opening import SCREENS

    for task in TASKS.values():
        reads = task.play_input(task.hparams())
        assert reads.kind in PLAY_KINDS and reads.trained_on, task.id
    assert set(PLAYS) == set(PLAY_SCREENS) == set(PLAY_KINDS)
    assert SCREENS == messages.RUN_SCREENS


def test_no_task_id_is_compared_outside_the_tasks_package():
    import re
    from pathlib import Path

    pattern = re.compile(r"""(==|!=| in) ?\(?['"](onehot1|onehot4|embed4|sine|imdb|poems|"""
                         r"""recall|dice)['"]""")
    root = Path(__file__).resolve().parents[1] / "rnntui"
    found = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py")
             if "tasks" not in path.relative_to(root).parts[:1]
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line) or re.search(r"task(_id|\.id) ?(==|!=) ?['\"]", line)]
    assert found == []


def test_recall_plays_as_a_sequence_and_says_what_is_wrong_with_a_short_one():
    run = fixed_run("recall")
    n = run.hparams.seq_len  # the task's default (20)
    play = open_play(run)
    assert play.kind == "sequence"
    text = play.default_text()
    assert len(text) == n  # the long-memory demo from the start, not abcde
    assert play.encode(text).warning == ""
    short = play.encode("abcde").warning
    assert "5 letters" in short and f"exactly {n}" in short
    assert play.answer(text)[0][0] in "abcdefgh"


def test_embed4_warns_of_a_letter_it_never_read():
    play = open_play(fixed_run("embed4"))
    assert "z never came in as input" in play.encode("wxyz").warning
    assert play.encode("abcd").warning == ""
    assert "22 windows of 4 letters" in play.trained_on


def test_onehot1_says_windows_of_1_letter():
    assert "5 windows of 1 letter of" in open_play(fixed_run("onehot1")).trained_on


async def test_rnntui_open_recall_on_predict_shows_the_sequence_face():
    run = fixed_run("recall")
    n = run.hparams.seq_len  # the task's default (20)
    app = make_app(trainer_factory=FakeFactory(), start=(run, "predict"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SequenceScreen) and screen.kind == "sequence"
        text = screen_text(app)
        assert f"trained on sequences of exactly {n} letters" in text
        assert len(screen.field.value) == n and "its answer" in text
        screen.field.value = "abc"
        await settle(pilot)
        assert "3 letters" in screen_text(app) and f"exactly {n}" in screen_text(app)
        await pilot.press("enter")  # no poem, no KeyError: a sequence is answered as typed
        await settle(pilot)
        assert app.is_running and "KeyError" not in screen_text(app)


def test_rnntui_open_an_unknown_run_fails_in_one_line(isolated_home):
    done = subprocess.run([sys.executable, "-m", "rnntui.cli", "open", "no-such-run"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "no-such-run" in done.stderr


async def test_embed4_predict_draws_its_2d_embedding_as_letters():
    from rnntui.ui.widgets.embedding_plot import EmbeddingPlot

    run = fixed_run("embed4")
    assert run.hparams.embedding_dim == 2
    app = make_app(trainer_factory=FakeFactory(), start=(run, "predict"))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        plot = app.screen.query_one(EmbeddingPlot)
        assert [letter for letter, _, _ in plot.drawn] == list("abcdefghijklmnopqrstuvwxyz")
        table = open_play(run).net.embedding.table
        assert plot.drawn[0][1:] == (float(table[0][0]), float(table[0][1]))
        assert "2-d letter embedding" in screen_text(app)


def test_poem_bars_come_from_the_state_the_poem_is_written_from():
    from rnntui.tasks.corpus import END, UNK

    play = open_play(fixed_run("poems"))
    # the first line and its mark: after a bare first line the writer asks for the mark
    # that ends it, whatever the top bar is
    text = play.default_text() + "，"
    bars = [token for token, _ in play.next_tokens(text, k=10) if token != UNK]
    first = next(iter(play.generate(text, length=1, temperature=0.0)))
    # at temperature 0 the poem goes on with the top bar (UNK is never written)
    assert first == bars[0]
    # the bars' probabilities are those of the state after END and the typed line, where
    # generation starts (a blank state gave other figures)
    import numpy as np

    from rnntui.poetry.meter import has_han

    def writable(probs):  # what the writer draws from: never UNK, no END before line 4,
        # and (the form rule) a character, not a mark, to start line 2
        probs = np.array(probs, dtype=np.float64)
        probs[[play.index[UNK], play.index[END]]] = 0.0
        probs[[i for i, t in enumerate(play.vocab) if not has_han(t)]] = 0.0
        return probs / probs.sum()

    ids = np.asarray(play.start_ids(play.encode(text)), dtype=np.int32)
    probs = writable(np.asarray(play.net.forward(ids))[-1])
    top, p = play.next_tokens(text, k=1)[0]
    assert p == pytest.approx(float(probs[play.index[top]]))
    blank = writable(np.asarray(play.net.forward(ids[1:]))[-1])
    assert p != pytest.approx(float(blank[play.index[top]]), abs=1e-6)


@pytest.mark.slow  # trains a small recall run (~15 s)
async def test_a_trained_recall_run_answers_with_the_first_letter_and_warns_of_a_short_input(
        tmp_path):
    from rnntui.engine.train import train
    from rnntui.runs import RunStore
    from rnntui.tasks import get_task

    store = RunStore(tmp_path / "runs")
    run = store.create("recall", get_task("recall").hparams(
        # the settings this was written at (the recall defaults of before), which learn
        # 6 steps in 10 epochs; the lesson's defaults (recurrent dropout) are slower to
        {"seq_len": 6, "epochs": 10, "units": 16, "learning_rate": 0.01, "batch_size": 64,
         "recurrent_dropout": 0.0}))
    assert train(run).status == "completed"
    run = store.open(run.path)
    app = make_app(trainer_factory=FakeFactory(), start=(run, "predict"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SequenceScreen)
        for sequence in ("hbcadg", "cfehab", "ahhhhh"):
            screen.field.value = sequence
            await settle(pilot)
            assert screen.pairs[0][0] == sequence[0], (sequence, screen.pairs)
        assert "trained to answer after" not in screen_text(app)  # its own length: no warning
        screen.field.value = "abc"
        await settle(pilot)
        assert "3 letters: it was trained to answer after exactly 6" in screen_text(app)
