"""Baselines, the standing sentence, free-running forecasts and the sine task's own series:
NumPy and scikit-learn only, no training."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from rnntui.baselines.series import fit_ar, last_value_rmse, one_step_rmses, rmse
from rnntui.baselines.text import bag_of_words_accuracies, binary_bag
from rnntui.engine.train import divergence
from rnntui.forecast import free_run, rmse_free
from rnntui.standing import standing
from rnntui.tasks import DataSource, DataUnavailable, get_task
from rnntui.tasks.base import Quality
from rnntui.tasks.sine import read_series, sine_curve, windows

SERIES_CSV = Path(__file__).parent / "fixtures" / "series.csv"
ACCURACY = Quality("test_accuracy", None, True, "accuracy")
RMSE = Quality("rmse", 0.01, False, "rmse")


# -- the standing sentence -----------------------------------------------------------------
def test_standing_in_points_for_accuracy():
    line = standing("LSTM", 0.82, {"bag-of-words": 0.816, "TF-IDF + word pairs": 0.841},
                    ACCURACY)
    assert line == ("LSTM 0.820 vs bag-of-words 0.816: +0.4 points; "
                    "vs TF-IDF + word pairs 0.841: -2.1 points")


def test_standing_as_a_ratio_for_errors():
    line = standing("GRU", 0.0034, {"last value": 0.0072}, RMSE)
    assert line == "GRU 0.0034 vs last value 0.0072: 2.1× lower"
    assert standing("GRU", 0.02, {"AR(10)": 0.01}, RMSE).endswith("2.0× higher")
    assert standing("GRU", 8e-4, {"AR(60)": 1.5e-8}, RMSE).endswith("53,333× higher")
    assert standing("GRU", 0.0534, {"AR(60)": 0.0523}, RMSE).endswith("0.0523: 2% higher")


def test_no_standing_without_a_figure_or_baselines():
    assert standing("LSTM", None, {"chance": 0.125}, ACCURACY) == ""
    assert standing("LSTM", 0.9, {}, ACCURACY) == ""


# -- series: last value, AR(k), free running -------------------------------------------------
def test_ar_is_exact_on_a_pure_sine_and_last_value_is_not():
    x, y = windows(sine_curve(0, 2000), 10)
    xt, yt = windows(sine_curve(2000, 300), 10)
    figures = one_step_rmses(x, y, xt, yt)
    assert figures["AR(10)"] < 1e-5
    # sin changes by up to 0.01 a step: repeating the last value is off by ~0.0071 (RMS)
    assert figures["last value"] == pytest.approx(0.01 / math.sqrt(2), rel=0.05)
    assert last_value_rmse(xt, yt) == figures["last value"]


def test_free_run_feeds_its_own_forecasts_back():
    seen = []

    def plus_one(batch):
        seen.append(batch.copy())
        return batch[:, -1, :] + 1.0

    out = free_run(plus_one, np.array([0.0, 1.0, 2.0]), 4)
    np.testing.assert_array_equal(out, [3.0, 4.0, 5.0, 6.0])
    np.testing.assert_array_equal(seen[-1][0, :, 0], [3.0, 4.0, 5.0])  # its own forecasts


def test_free_running_ar_stays_on_the_sine():
    x, y = windows(sine_curve(0, 2000), 10)
    coef = fit_ar(x, y)
    series = sine_curve(2000, 400).astype(np.float64)

    def ar(batch):
        return batch[:, :, 0] @ coef[:-1] + coef[-1]

    assert rmse_free(ar, series, 10, 200) < 1e-3
    repeat = rmse_free(lambda b: b[:, -1, 0], series, 10, 200)
    assert repeat > 0.1  # a flat line leaves the curve


def test_free_run_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="horizon"):
        free_run(lambda b: b[:, -1], np.ones(3), 0)
    with pytest.raises(ValueError, match="need 13"):
        rmse_free(lambda b: b[:, -1], np.ones(12), 10, 3)


def test_rmse():
    assert rmse(np.array([1.0, 3.0]), np.array([[1.0], [1.0]])) == pytest.approx(math.sqrt(2))


# -- sine: waves, noise, the user's own series -------------------------------------------
def test_waves_and_noise_make_ar_inexact():
    task = get_task("sine")
    clean = task.hparams({"seq_len": 10})
    pure = task.baselines(task.load(clean), clean)
    hp = task.hparams({"waves": 3, "noise": 0.05, "seq_len": 10})
    noisy = task.baselines(task.load(hp), hp)
    assert pure["AR(10)"] < 1e-6
    assert noisy["AR(10)"] > 0.04  # the noise (0.05) cannot be forecast
    assert noisy["last value"] > noisy["AR(10)"]


def test_noise_is_fixed_by_the_seed():
    task = get_task("sine")
    a = task.load(task.hparams({"noise": 0.1}))
    b = task.load(task.hparams({"noise": 0.1}))
    c = task.load(task.hparams({"noise": 0.1, "seed": 1}))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)


def test_sine_reads_a_csv_column_in_time_order():
    task = get_task("sine")
    hp = task.hparams({"seq_len": 5})
    data = task.load(hp, DataSource(data=str(SERIES_CSV), column="temperature"))
    values = read_series(SERIES_CSV, "temperature")
    assert len(values) == 120 and values[1] == pytest.approx(10.829)
    # 80/10/10 in time order, each cut into windows of 5
    assert data.x_train.shape == (91, 5, 1) and data.x_val.shape == (7, 5, 1)
    assert data.x_test.shape == (7, 5, 1)
    # scaled by the training part: mean ~0, standard deviation 1
    train = np.concatenate([data.x_train[0, :, 0], data.y_train[:, 0]])
    assert abs(train.mean()) < 1e-5 and train.std() == pytest.approx(1.0, abs=1e-5)
    assert any("scaled" in note for note in data.notes)
    figures = task.baselines(data, hp)
    assert set(figures) == {"last value", "AR(5)"}


@pytest.mark.parametrize("column, message", [
    (None, "which column? give --column NAME (one of: day, temperature, note)"),
    ("rain", "--column rain: not in series.csv (columns: day, temperature, note)"),
    ("note", "line 2: note='x' is not a number"),
])
def test_bad_csv_columns_say_what_is_wrong(column, message):
    with pytest.raises(DataUnavailable, match=message.replace("?", r"\?").replace("(", r"\(")
                       .replace(")", r"\)")):
        read_series(SERIES_CSV, column)


def test_too_short_or_missing_series(tmp_path):
    short = tmp_path / "short.csv"
    short.write_text("v\n" + "\n".join(str(i) for i in range(10)) + "\n")
    with pytest.raises(DataUnavailable, match="10 values in v; needs at least 30"):
        read_series(short, None)
    with pytest.raises(DataUnavailable, match="no such file"):
        read_series(tmp_path / "none.csv", "v")
    task = get_task("sine")
    with pytest.raises(DataUnavailable, match="too few for seq_len=20"):
        task.load(task.hparams({"seq_len": 20}),
                  DataSource(data=str(SERIES_CSV), column="temperature"))


# -- text: bag-of-words ----------------------------------------------------------------------
def test_binary_bag_marks_words_once_and_skips_padding():
    bag = binary_bag(np.array([[0, 1, 5, 5, 7], [0, 0, 2, 3, 3]]), 8, skip=2)
    np.testing.assert_array_equal(bag.toarray(), [[0, 0, 0, 0, 0, 1, 0, 1],
                                                  [0, 0, 1, 1, 0, 0, 0, 0]])


def test_bag_of_words_finds_a_telling_word():
    rng = np.random.default_rng(0)

    def reviews(n):
        x = rng.integers(3, 50, size=(n, 12))
        y = rng.integers(0, 2, size=n)
        x[y == 1, rng.integers(0, 12)] = 60  # "great" somewhere in every positive review
        return x, y.astype(np.float32)

    (x, y), (xt, yt) = reviews(300), reviews(100)
    figures = bag_of_words_accuracies(x, y, xt, yt, vocab_size=64, validation_split=0.2)
    assert set(figures) == {"bag-of-words", "TF-IDF + word pairs"}
    assert figures["bag-of-words"] > 0.95 and figures["TF-IDF + word pairs"] > 0.85


# -- recall and dice ---------------------------------------------------------------------
def test_recall_baselines_are_at_chance():
    task = get_task("recall")
    hp = task.hparams()
    figures = task.baselines(task.load(hp), hp)
    assert figures["chance"] == 1 / 8
    assert 0.08 < figures["best rule without the first letter"] < 0.17


def test_recall_and_dice_test_sets_share_nothing_with_validation():
    for task_id in ("recall", "dice"):
        task = get_task(task_id)
        data = task.load(task.hparams())
        assert not np.array_equal(data.x_val, data.x_test)


def test_dice_baselines_say_which_bar_is_fair():
    task = get_task("dice")
    hp = task.hparams()
    figures = task.baselines(task.load(hp), hp)
    forward, viterbi = figures.keys()
    assert "fair bar" in forward and "not a fair bar" in viterbi
    assert 0.6 < figures[forward] < figures[viterbi] < 0.9
    both = task.hparams({"bidirectional": True})
    assert "forward-backward" in next(iter(task.baselines(task.load(both), both)))


def test_letter_tasks_have_no_baseline():
    task = get_task("onehot4")
    assert task.baselines(task.load(task.hparams()), task.hparams()) == {}


# -- divergence ----------------------------------------------------------------------------
def test_divergence_is_a_loss_that_ends_above_its_start_or_gives_back_its_gain():
    assert divergence(1.6, [1.2, 0.5, 0.1, 0.05]) is None
    assert divergence(1.6, [1.0, 0.01, 0.02, 0.015]) is None  # a wobble near the bottom
    rose = divergence(1.6, [3.0, 20.0, 50.0])
    assert rose == ("the training loss rose from 3 (epoch 1) to 50 (epoch 3), well above where "
                    "it started")
    assert "giving back over half its gain" in divergence(1.6, [0.2, 1.1])
    # a loss that barely moves wobbles around its first batch's (a tiny poems network: 4.863
    # on the first batch, then 4.926 and 4.923 as epoch means): not a divergence
    assert divergence(4.863, [4.926, 4.923]) is None
    assert divergence(4.863, [4.85, 4.86]) is None
    assert divergence(float("nan"), [1.0]) is None
