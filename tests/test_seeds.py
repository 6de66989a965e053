"""Several seeds: the count's checks, mean ± sd, bands (refused for one run), grouping runs
that differ only in seed (CLI and compare view); slow: real runs, one after another and in
parallel child processes."""

from __future__ import annotations

import json
import math

import pytest
from textual.widgets import SelectionList

from rnntui.engine import events as ev
from rnntui.runs import RunStore
from rnntui.seeds import (SeedError, band, check_count, group_by_setting, parallel_workers,
                          run_key, seeds_from, spread)
from rnntui.tasks import get_task


def test_the_count_of_seeds():
    assert seeds_from(3, 3) == [3, 4, 5]
    for bad in (0, -2):
        with pytest.raises(SeedError, match=f"--seeds {bad}: the number of runs"):
            check_count(bad)
    assert parallel_workers(3, cores=2) == 1  # two cores a run: one at a time here
    assert parallel_workers(3, cores=16) == 3 and parallel_workers(8, cores=8) == 4


def test_mean_and_sample_standard_deviation():
    figure = spread([1.0, 2.0, 3.0, None, math.nan])
    assert (figure.mean, figure.sd, figure.n) == (2.0, 1.0, 3)
    assert figure.text() == "2 ± 1"
    assert spread([0.5]).text() == "0.5" and spread([]).text() == "–"


def test_a_band_needs_two_runs_and_stops_where_the_shortest_does():
    histories = [[{"loss": 1.0}, {"loss": 0.5}, {"loss": 0.2}],
                 [{"loss": 3.0}, {"loss": 1.5}]]
    epochs, means, sds = band(histories, "loss")
    assert epochs == [1.0, 2.0] and means == [2.0, 1.0]
    assert sds == pytest.approx([math.sqrt(2), math.sqrt(0.5)])
    with pytest.raises(SeedError, match="a seed band needs two or more runs"):
        band(histories[:1], "loss")


def _saved(seed: int, accuracy: float, **extra):
    task = get_task("onehot4")
    run = RunStore().create("onehot4", task.hparams({"seed": seed, **extra}))
    history = [{"loss": 1.0 - accuracy / 2, "accuracy": accuracy / 2},
               {"loss": 1.0 - accuracy, "accuracy": accuracy}]
    run.save_checkpoint(lambda path: path.write_bytes(b"x"), history)
    run.save_status(status="completed", epochs=2, quality={"accuracy": accuracy},
                    train_seconds=1.0)
    return run


def test_runs_group_when_only_their_seed_differs():
    a, b = _saved(0, 0.6), _saved(1, 0.8)
    other = _saved(0, 0.4, units=4)
    groups = group_by_setting([a, other, b], run_key)
    assert [[r.name for r in g] for g in groups] == [[a.name, b.name], [other.name]]


def test_cli_compare_runs_gives_each_group_mean_and_sd(capsys):
    from rnntui.cli import main

    a, b, other = _saved(0, 0.6), _saved(1, 0.8), _saved(0, 0.4, units=4)
    assert main(["compare", "onehot4", "--runs", f"{a.name},{b.name},{other.name}",
                 "--json"]) == 0
    groups = json.loads(capsys.readouterr().out)["groups"]
    assert [g["runs"] for g in groups] == [[a.name, b.name], [other.name]]
    assert groups[0]["seeds"] == [0, 1]
    accuracy = groups[0]["mean_sd"]["accuracy"]
    assert accuracy["mean"] == pytest.approx(0.7) and accuracy["n"] == 2
    assert accuracy["sd"] == pytest.approx(math.sqrt(0.02))
    assert main(["compare", "onehot4", "--runs", f"{a.name},{b.name},{other.name}"]) == 0
    out = capsys.readouterr().out
    assert "2 (0, 1)" in out and "accuracy 0.7 ± 0.14" in out, out


def test_cli_seeds_zero_is_a_clear_message(capsys):
    from rnntui.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["train", "onehot4", "--seeds", "0"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--seeds 0: the number of runs to train, one per seed, must be at least 1" in err
    assert "Traceback" not in err
    assert RunStore().list() == []  # nothing was made
    with pytest.raises(SystemExit):
        main(["train", "--resume", "x", "--seeds", "2"])
    assert "--seeds trains new runs" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "onehot4", "--cells", "simple,lstm", "--seeds", "0"])
    assert exit_info.value.code == 2
    assert "--seeds 0: the number of runs" in capsys.readouterr().err
    assert RunStore().list() == []


async def test_the_compare_view_draws_a_band_and_refuses_one_for_a_single_run():
    from rnntui.ui.app import make_app
    from rnntui.ui.screens.compare import CompareScreen
    from rnntui.ui.widgets.plots import CurvePlot
    from tests.ui_support import FakeFactory, screen_text, wait_for

    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 34)) as pilot:
        a, b = _saved(0, 0.6), _saved(1, 0.8)
        app.compare("onehot4", [a.name, b.name])
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        loss = screen.query_one("#compare-metric", CurvePlot)
        labels = sorted(loss.drawn)
        assert labels == ["#1,#2 +1 sd", "#1,#2 simple8 mean of 2", "#1,#2 −1 sd"]
        mean = loss.drawn["#1,#2 simple8 mean of 2"]
        assert list(mean.ys) == pytest.approx([0.35, 0.7])
        assert list(loss.drawn["#1,#2 +1 sd"].ys)[1] == pytest.approx(0.7 + math.sqrt(0.02))
        text = screen_text(app)
        assert "0.7 ± 0.14" in text and "2 seeds of one setting" in text
        await pilot.press("v")  # off: each run its own curve
        assert sorted(loss.drawn) == ["#1 simple8 seed=0", "#2 simple8 seed=1"]
        screen.query_one(SelectionList).deselect(b.name)
        await pilot.pause()
        await pilot.press("v")  # on again with one run ticked: refused
        await pilot.pause()
        assert not screen.bands
        said = " ".join(str(n.message) for n in app._notifications)
        assert "No seed band to draw: no two ticked runs differ only in their seed" in said


@pytest.mark.slow
def test_cli_trains_two_seeds_one_after_another(capsys):
    from rnntui.cli import main

    assert main(["train", "onehot1", "--seeds", "2", "--epochs", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["seeds"] == [3, 4] and len(out["runs"]) == 2
    assert out["mean_sd"]["accuracy"]["n"] == 2
    assert sorted(r.run.hparams.seed for r in RunStore().list()) == [3, 4]


@pytest.mark.slow
def test_seeds_train_in_parallel_child_processes(tmp_path):
    from rnntui.engine.seed_runs import train_in_parallel

    task = get_task("onehot1")
    runs = [RunStore().create("onehot1", task.hparams({"seed": s, "epochs": 2})) for s in (0, 1)]
    seen: list[tuple[int, object]] = []
    results = train_in_parallel([r.path for r in runs], 2, tmp_path / "log.txt",
                                lambda i, e: seen.append((i, e)), lambda: False, cores=2)
    assert [type(r) for r in results] == [ev.TrainingFinished, ev.TrainingFinished]
    assert {i for i, e in seen if isinstance(e, ev.EpochEnded)} == {0, 1}
    assert all(run.epochs_done == 2 for run in runs)


async def test_the_forms_seeds_field_trains_a_run_per_seed_then_compares_them():
    from rnntui.ui.app import make_app
    from rnntui.ui.screens.compare import CompareScreen
    from rnntui.ui.screens.hparams import HparamsScreen
    from tests.ui_support import FakeFactory, epoch, finished, screen_text, started, wait_for

    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "enter")  # onehot4's form
        form = app.screen
        assert isinstance(form, HparamsScreen)
        seeds = form.query_one("#field-seeds")
        seeds.control.value = "0"
        await pilot.pause()
        assert "seeds" in form.errors  # refused where it was typed
        seeds.control.value = "3"
        await pilot.pause()
        assert not form.errors
        form.action_train()
        for n, seed in enumerate((3, 4, 5), start=1):  # onehot4's seed is 3
            await wait_for(pilot, lambda n=n: len(factory.trainers) == n)
            trainer = factory.last
            assert trainer.run.hparams.seed == seed
            assert f"seed {n} of 3" in screen_text(app)
            trainer.feed(started(trainer.run), epoch(1, 1.0 - n / 10, 0.5), finished(1))
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        await pilot.pause(0.2)
        screen = app.screen
        assert screen.asked == [t.run.name for t in factory.trainers]
        picked = list(enumerate(screen.runs))
        assert [len(unit) for unit in screen.units(picked)] == [3]  # one band of three
