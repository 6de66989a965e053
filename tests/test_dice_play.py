"""The dice task end to end on a tiny network: `rnntui train dice --json`, the playground's
beliefs beside the exact model's, `rnntui predict` with rolls, the gates, and the dice screen.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnntui.cli import main
from rnntui.hmm import HMM
from rnntui.play import InputError, open_play
from rnntui.runs import RunStore
from rnntui.tasks import get_task
from rnntui.tasks.dice import DICE, dice_model
from rnntui.ui.screens.dice import DiceScreen
from rnntui.ui.widgets.belief_map import BeliefMap, first_step, shade
from rnntui.ui.widgets.inline_message import InlineMessage
from rnntui.ui.widgets.probability_bars import ProbabilityBars
from tests.ui_host import HostApp, screen_text, settle

# Its fixture trains dice runs: not in the fast lane.
pytestmark = pytest.mark.slow

TINY = ["--set", "units=8", "--set", "seq_len=20", "--set", "epochs=2",
        "--set", "batch_size=256"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A tiny run trained by `rnntui train dice --json` (mode die), and an untrained one in
    mode next (weights as built: enough to check shapes). Both in a store of the module's."""
    root = tmp_path_factory.mktemp("dice")
    mp = pytest.MonkeyPatch()
    mp.setenv("RNNTUI_HOME", str(root))
    try:
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["train", "dice", "--json", *TINY]) == 0
        summary = json.loads(out.getvalue().strip().splitlines()[-1])
        store = RunStore()
        die_run = store.open(summary["run"])

        from rnntui.engine.model import build_model

        task = get_task("dice")
        hp = task.hparams({"mode": "next", "units": 4, "seq_len": 10, "embedding_dim": 3})
        model = build_model(task.model_spec(hp), hp)
        next_run = store.create("dice", hp)
        next_run.save_checkpoint(lambda path: model.save(path), [{"loss": 2.0}])
        next_run.save_vocab(task.load(hp).vocab)
    finally:
        mp.undo()
    return {"summary": summary, "die": die_run, "next": next_run, "root": root}


def test_train_json_reports_the_accuracy(runs):
    summary = runs["summary"]
    assert summary["task"] == "dice" and summary["status"] == "completed"
    assert summary["epochs"] == 2 and 0.4 < summary["accuracy"] <= 1.0


def test_beliefs_beside_the_forward_posterior(runs):
    play = open_play(runs["die"])
    reading = play.dice("1,6,3,5,2,7,3,5,2,4")
    assert reading.steps == 10 and reading.classes == DICE and reading.mode == "die"
    assert reading.rnn.shape == reading.exact.shape == (10, 3)
    np.testing.assert_allclose(reading.rnn.sum(-1), 1.0, atol=1e-5)
    expected, _ = dice_model(play.hp).forward(np.array([1, 6, 3, 5, 2, 7, 3, 5, 2, 4]) - 1)
    np.testing.assert_allclose(reading.exact, expected)
    assert reading.exact[5].argmax() == 2  # a 7: only the D8 shows one
    assert reading.dice is None and reading.accuracy() == {}
    assert 0 <= reading.agreement <= 1 and (reading.kl >= 0).all()
    data = reading.to_dict()
    assert data["viterbi"][5] == "D8" and len(data["kl"]) == 10


def test_fresh_rolls_come_with_their_dice_and_scores(runs):
    play = open_play(runs["die"])
    text, dice = play.roll_dice(rng=np.random.default_rng(5))
    again, _ = play.roll_dice(rng=np.random.default_rng(5))
    assert text == again and len(text) == play.hp.seq_len and set(text) <= set("12345678")
    reading = play.dice(text, dice)
    assert set(reading.accuracy()) == {"rnn", "exact", "viterbi"}
    assert play.dice(text, dice[:3]).dice is None  # dice of other rolls are not used
    held = play.dice_held_out(count=200)
    assert held.sequences == 200 and held.steps == play.hp.seq_len
    assert 0.6 < held.exact < 0.85 and 0.4 < held.rnn <= held.exact + 0.03
    assert held.viterbi is not None and held.mean_kl >= 0


def test_bad_and_impossible_rolls_are_refused_with_where(runs):
    play = open_play(runs["die"])
    with pytest.raises(InputError) as err:
        play.dice("1,6,9")
    assert "'9' at position 5 is not a roll" in str(err.value) and err.value.position == 4
    # dice that never show an 8: an 8 cannot happen
    play.hp = play.hp.replace(emissions="1/4 1/4 1/4 1/4; 1/6 1/6 1/6 1/6 1/6 1/6; "
                                        "1/7 1/7 1/7 1/7 1/7 1/7 1/7 0")
    with pytest.raises(InputError, match="roll 8 at step 2 cannot happen with these dice"):
        play.dice("18")


def test_next_roll_mode_compares_with_the_exact_predictive(runs):
    play = open_play(runs["next"])
    reading = play.dice("1 1 2 8")
    assert reading.mode == "next" and reading.rnn.shape == (4, 8)
    model: HMM = dice_model(play.hp)
    np.testing.assert_allclose(reading.exact, model.predictive(model.forward([0, 0, 1, 7])[0]))
    text, dice = play.roll_dice(6, rng=np.random.default_rng(0))
    assert set(play.dice(text, dice).accuracy()) == {"rnn", "exact"}


def test_the_gates_read_typed_rolls(runs):
    play = open_play(runs["die"])
    encoded, trace = play.gates("1,6,3")
    assert encoded.tokens == ("1", "6", "3") and encoded.x.shape == (3, 8)
    assert trace.layers and trace.layers[0].kind == "GRU"


def test_predict_prints_both_beliefs_and_json(runs, capsys, monkeypatch):
    monkeypatch.setenv("RNNTUI_HOME", str(runs["root"]))
    name = runs["die"].name
    assert main(["predict", name, "--rolls", "1,6,3,5,2,7"]) == 0
    out = capsys.readouterr().out
    assert "network" in out and "forward" in out and "Viterbi" in out
    lines = [line for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert len(lines) == 6 and lines[5].split()[1] == "7"
    assert "fresh sequences" in out
    assert main(["predict", name, "--json", "--seed", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["rolls"]) == 20 and len(data["dice"]) == 20
    assert set(data["accuracy"]) == {"rnn", "exact", "viterbi"}
    assert set(data["held_out"]) >= {"rnn", "exact", "viterbi", "mean_kl"}


def test_predict_refuses_bad_rolls_in_one_line(runs, capsys, monkeypatch):
    monkeypatch.setenv("RNNTUI_HOME", str(runs["root"]))
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", runs["die"].name, "--rolls", "1,2,0"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "'0' at position 5 is not a roll" in err and err.count("\n") == 1


# -- the screen ------------------------------------------------------------------------------
def test_shades_and_scrolling():
    assert shade(0.05) == "··" and shade(0.2) == "░░" and shade(0.99) == "██"
    assert first_step(0, 10, 20) == 0
    assert first_step(49, 50, 20) == 30 and first_step(5, 50, 20) == 0
    assert first_step(45, 50, 20, start=30) == 30  # still on screen: no scrolling
    assert first_step(29, 50, 20, start=30) == 29 and first_step(12, 50, 20, start=0) == 0


async def _type(pilot, text: str) -> None:
    await pilot.click("#dice-input")
    await pilot.press("end", "ctrl+u", *text)
    await settle(pilot)


async def test_the_screen_shows_both_beliefs_step_by_step(runs):
    app = HostApp(lambda: DiceScreen(runs["die"], seed=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.reading is not None and screen.reading.dice is not None  # fresh rolls
        text = screen_text(app)
        for word in ("true die", "Viterbi", "network", "forward", "held out", "gap"):
            assert word in text, word
        await _type(pilot, "1635273524")
        reading = screen.reading
        assert reading.rolls == (1, 6, 3, 5, 2, 7, 3, 5, 2, 4) and reading.dice is None
        assert screen.step == 9 and "step 10 of 10" in screen_text(app)
        # In the field `<` is text (rnntui.ui.keys): Esc leaves it for the map, where it steps.
        await pilot.press("escape", "less_than_sign", "less_than_sign", "less_than_sign",
                          "less_than_sign")
        assert screen.step == 5 and app.screen.query_one(BeliefMap).cursor == 5
        assert "step 6 of 10   roll 7" in screen_text(app)
        exact = screen.query_one("#dice-exact-bars", ProbabilityBars).pairs
        assert [d for d, _ in exact] == list(DICE) and exact[2][1] == pytest.approx(1.0)
        assert screen.query_one("#dice-input").value == "1635273524"  # < went to the screen
        await pilot.click("#dice-input")
        await pilot.press("end", "9")
        await settle(pilot)
        message = screen.query_one(InlineMessage)
        assert message.is_error and "'9' at position 11 is not a roll" in message.text
        await pilot.press("enter")  # fresh rolls, with their dice
        await settle(pilot)
        assert len(screen.query_one("#dice-input").value) == 20
        assert screen.reading.dice is not None and not message.is_error


async def test_p_on_a_dice_run_opens_the_dice_screen(tmp_path):
    from rnntui.ui.app import make_app
    from tests.ui_support import FakeFactory, saved_run, wait_for

    store = RunStore()
    run = saved_run(store, "dice", [{"loss": 1.0, "accuracy": 0.5}],
                    {"status": "completed", "epochs": 1})
    app = make_app(trainer_factory=FakeFactory(), store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_run(store.open(run.name))
        await pilot.pause()
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, DiceScreen))
        await settle(pilot)
        # the fake checkpoint cannot be read: said on the screen, not a traceback
        assert app.screen.query_one(InlineMessage).is_error


async def test_the_form_types_tables_and_t_into_free_text_fields():
    from textual.widgets import Input

    from rnntui.ui.app import make_app
    from rnntui.ui.screens.hparams import HparamsScreen
    from tests.ui_support import FakeFactory

    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_task("dice")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, HparamsScreen)
        field = form.query_one("#input-transitions", Input)
        field.focus()
        await pilot.press("ctrl+u", *"0.9 0.1 0; 1 0 0; 0 0 1")
        await pilot.pause()
        assert not form.errors and form.hp.transitions == "0.9 0.1 0; 1 0 0; 0 0 1"
        await pilot.press("ctrl+u", *"0.9 0.2 0; 1 0 0; 0 0 1")
        await pilot.pause()
        assert "sums to 1.1: each row must sum to 1" in form.errors["transitions"]
        await pilot.press("ctrl+u", *"sticky")  # its t types, it does not train
        await pilot.pause()
        assert field.value == "sticky" and not form.errors and not factory.trainers


def test_predict_takes_a_task_id_for_its_newest_run(runs, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("RNNTUI_HOME", str(runs["root"]))
    assert main(["predict", "dice", "--rolls", "1,6", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    newest = max((runs["die"], runs["next"]), key=lambda r: (r.created, r.name))
    assert data["run"] == newest.name and data["rolls"] == [1, 6]
    monkeypatch.setenv("RNNTUI_HOME", str(tmp_path / "empty"))
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", "dice", "--rolls", "1,6"])
    assert exit_info.value.code == 2
    assert "no trained dice run yet: train one with `rnntui train dice`" in capsys.readouterr().err
