"""The forecast play kind rebuilds the run's own held-out series (no training needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnntui.play import ForecastPlay
from rnntui.runs import RunStore
from rnntui.tasks import DataSource, get_task
from rnntui.tasks.sine import made_series, read_series, split_series, wave_curve

FIXTURE = Path(__file__).parent / "fixtures" / "series.csv"


def _play(tmp_path, overrides, source=DataSource()) -> ForecastPlay:
    task = get_task("sine")
    run = RunStore(tmp_path / "runs").create("sine", task.hparams(overrides), source)
    return ForecastPlay(run, net=None, vocab=None)  # the series needs no network


def test_waves_and_noise_are_the_runs_own(tmp_path):
    play = _play(tmp_path, {"seq_len": 10, "waves": 3, "noise": 0.05, "seed": 4})
    test_part = made_series(play.hp)[1]
    assert np.allclose(play.held_out, test_part)
    assert not np.allclose(play.held_out, wave_curve(10_000, 1_000, 1))  # not a pure sine
    assert np.allclose(play.encode("").x[:, 0], test_part[:10])


def test_a_csv_run_forecasts_its_csv_test_part(tmp_path):
    play = _play(tmp_path, {"seq_len": 5}, DataSource(data=str(FIXTURE), column="temperature"))
    test_part = split_series(read_series(FIXTURE, "temperature"))[1]
    assert np.allclose(play.held_out, test_part) and play.from_file


def test_a_csv_that_is_gone_is_an_input_error(tmp_path):
    from rnntui.play import InputError

    csv = tmp_path / "gone.csv"
    csv.write_text(FIXTURE.read_text())
    play = _play(tmp_path, {"seq_len": 5}, DataSource(data=str(csv), column="temperature"))
    csv.unlink()
    with pytest.raises(InputError, match="cannot rebuild the held-out series.*no such file"):
        play.held_out
