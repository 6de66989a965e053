"""The dice task without TensorFlow: its hyperparameters, presets, refusals and data."""

from __future__ import annotations

import numpy as np
import pytest

from rnntui.config import SCHEMA, ConfigError, params_for
from rnntui.play.dice import RollsError, parse_rolls
from rnntui.tasks import get_task
from rnntui.tasks.dice import (DICE, ROLLS, TRAIN, VALIDATION, dice_model, emission_rows,
                               transition_rows)

from tests.test_hmm import CHI2_999, chi_square

TASK = get_task("dice")


def test_defaults_are_sticky_fair_dice_naming_the_die():
    hp = TASK.hparams()
    assert (hp.mode, hp.transitions, hp.stay, hp.emissions) == ("die", "sticky", 0.9, "fair")
    model = dice_model(hp)
    np.testing.assert_allclose(np.diag(model.transition), 0.9)
    np.testing.assert_allclose(model.transition.sum(1), 1.0)
    np.testing.assert_allclose(model.start, 1 / 3)
    np.testing.assert_allclose(model.emission[0], [0.25] * 4 + [0] * 4)
    assert {"mode", "transitions", "stay", "emissions"} <= set(params_for("dice"))
    assert "mode" not in params_for("sine")


def test_presets_are_the_seeds():
    uniform = transition_rows(TASK.hparams({"transitions": "uniform"}))
    np.testing.assert_allclose(uniform, 1 / 3)
    variant = transition_rows(TASK.hparams({"transitions": "D6-no-D4"}))  # any case
    assert variant[1] == pytest.approx((0.0, 0.9, 0.1))
    loaded = emission_rows(TASK.hparams({"emissions": "loaded-d6"}))
    assert loaded[1] == pytest.approx((0.5, 0.1, 0.1, 0.1, 0.1, 0.1))
    assert transition_rows(TASK.hparams({"stay": "0.6"}))[0] == pytest.approx((0.6, 0.2, 0.2))


def test_tables_can_be_typed_as_decimals_fractions_or_percentages():
    hp = TASK.hparams({"transitions": "0.8 0.1 0.1; 1/3, 1/3, 1/3; 0% 50% 50%",
                       "emissions": "1/4 1/4 1/4 1/4; 1/2 1/10 1/10 1/10 1/10 1/10; "
                                    "0.125 0.125 0.125 0.125 0.125 0.125 0.125 0.125"})
    model = dice_model(hp)
    np.testing.assert_allclose(model.transition[2], [0, 0.5, 0.5])
    np.testing.assert_allclose(model.emission[1, :6], [0.5] + [0.1] * 5)
    # a row a rounding away from 1 is scaled to 1
    hp = TASK.hparams({"transitions": "0.333 0.333 0.333; 0.9 0.05 0.05; 0.9 0.05 0.05;"})
    np.testing.assert_allclose(dice_model(hp).transition[0], 1 / 3)


@pytest.mark.parametrize("overrides, key, message", [
    ({"transitions": "0.9 0.1"}, "transitions",
     "needs 3 rows separated by ';' (from D4, from D6, from D8), not 1"),
    ({"transitions": "1 0 0; 0 1 0; 0 0 0.5"}, "transitions",
     "transitions row 3 (from D8) sums to 0.5: each row must sum to 1"),
    ({"transitions": "1 0 0; 0 x 1; 0 0 1"}, "transitions", "'x' is not a probability"),
    ({"transitions": "1 0 0; 0 2 -1; 0 0 1"}, "transitions", "'2' is not a probability"),
    ({"transitions": "1 0; 0 1 0; 0 0 1"}, "transitions", "row 1 (from D4): 2 numbers; needs 3"),
    ({"transitions": "sticki"}, "transitions", "must be sticky, uniform, d6-no-d4"),
    ({"transitions": " "}, "transitions", "must be sticky, uniform, d6-no-d4"),
    ({"emissions": "unfair"}, "emissions", "must be fair, loaded-d6"),
    ({"emissions": "1/4 1/4 1/4 1/4; 1/6 1/6; 1"}, "emissions", "row 2 (D6): 2 numbers; needs 6"),
    ({"stay": "1.5"}, "stay", "stay=1.5: must be a number from 0 to 1"),
    ({"mode": "roll"}, "mode", "mode=roll: must be one of die, next"),
    ({"seq_len": "600"}, "seq_len", "at most 500"),
])
def test_bad_tables_are_refused_naming_key_row_and_rule(overrides, key, message):
    with pytest.raises(ConfigError) as err:
        TASK.hparams(overrides)
    assert err.value.key == key and message in err.value.message
    assert "\n" not in err.value.message


def test_free_text_keys_say_what_they_take():
    assert SCHEMA["transitions"].allowed().startswith("sticky, uniform, d6-no-d4")
    assert SCHEMA["emissions"].allowed().startswith("fair, loaded-d6")


def test_die_mode_data_reads_rolls_and_labels_the_dice():
    hp = TASK.hparams({"seq_len": "20"})
    data = TASK.load(hp)
    assert data.x_train.shape == (TRAIN, 20, len(ROLLS)) and data.x_train.dtype == np.float32
    assert data.y_train.shape == (TRAIN, 20) and data.x_val.shape == (VALIDATION, 20, 8)
    assert set(np.unique(data.y_train)) == {0, 1, 2} and data.vocab == ROLLS
    rolls = data.x_train.argmax(-1)
    # a D4 never shows more than 4, a D6 never more than 6
    assert rolls[data.y_train == 0].max() == 3 and rolls[data.y_train == 1].max() == 5
    assert any("forward algorithm names the die" in note for note in data.notes)
    spec = TASK.model_spec(hp, data)
    assert spec.outputs == len(DICE) and spec.per_step and spec.vocab_size == 8


def test_next_mode_labels_each_step_with_the_roll_after_it():
    hp = TASK.hparams({"mode": "next", "seq_len": "12", "embedding_dim": "4"})
    data = TASK.load(hp)
    assert data.x_train.shape == (TRAIN, 12) and data.x_train.dtype == np.int32
    np.testing.assert_array_equal(data.x_train[:, 1:], data.y_train[:, :-1])
    assert TASK.model_spec(hp).outputs == 8
    assert any("next roll" in note for note in data.notes)


def test_data_is_the_same_for_the_same_seed_and_differs_otherwise():
    a, b = TASK.load(TASK.hparams()), TASK.load(TASK.hparams())
    c = TASK.load(TASK.hparams({"seed": "1"}))
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.y_train, c.y_train)


def test_training_data_follows_the_seeds_variant_and_loaded_d6():
    """Chi-square at a fixed seed: the task's own data, dice and rolls, fit the tables."""
    hp = TASK.hparams({"transitions": "d6-no-d4", "emissions": "loaded-d6", "seq_len": "30"})
    model = dice_model(hp)
    data = TASK.load(hp)
    dice, rolls = data.y_train, data.x_train.argmax(-1)
    for k in range(3):
        nxt = dice[:, 1:][dice[:, :-1] == k]
        stat, df = chi_square(np.bincount(nxt, minlength=3), model.transition[k])
        assert stat < CHI2_999[df], (DICE[k], stat)
        stat, df = chi_square(np.bincount(rolls[dice == k], minlength=8), model.emission[k])
        assert stat < CHI2_999[df], (DICE[k], stat)
    assert not ((dice[:, :-1] == 1) & (dice[:, 1:] == 0)).any()  # D6 is never followed by D4


def test_preview_is_cheap_and_names_the_head():
    text, params = TASK.preview(TASK.hparams())
    assert text.endswith("Dense(3, softmax)") and params > 0
    assert TASK.preview(TASK.hparams({"mode": "next"}))[0].endswith("Dense(8, softmax)")


@pytest.mark.parametrize("text, rolls", [
    ("1635273524", [1, 6, 3, 5, 2, 7, 3, 5, 2, 4]),
    ("1, 6, 3", [1, 6, 3]),
    ("1 6\t3;8", [1, 6, 3, 8]),
    ("1、6、3", [1, 6, 3]),  # the seed writes them so
])
def test_rolls_are_read_however_they_are_separated(text, rolls):
    assert parse_rolls(text, 100) == rolls


@pytest.mark.parametrize("text, message, position", [
    ("", "type some rolls first", None),
    (" , ", "type some rolls first", None),
    ("1,9", "'9' at position 3 is not a roll: the dice show 1 to 8", 2),
    ("120", "'0' at position 3 is not a roll", 2),
    ("1x", "'x' at position 2", 1),
    ("１", "'１' at position 1", 0),  # a full-width digit is no roll
    ("12345", "5 rolls: at most 4", None),
])
def test_bad_rolls_say_where(text, message, position):
    with pytest.raises(RollsError) as err:
        parse_rolls(text, 4)
    assert message in str(err.value) and err.value.position == position


class _Uniform:
    """A stand-in network that believes nothing: 1/C for every class at every step."""

    def __init__(self, classes: int):
        self.classes = classes

    def forward(self, x):
        steps = np.asarray(x).shape[-2] if np.asarray(x).ndim >= 2 else len(x)
        return np.full((steps, self.classes), 1 / self.classes)


def test_the_exact_answer_fits_what_the_network_can_see():
    from rnntui.play.dice import read
    from rnntui.tasks.dice import exact_kind

    rolls = [1, 1, 7, 2, 2]
    ids = np.array(rolls) - 1
    hp = TASK.hparams()
    model = dice_model(hp)
    left = read(_Uniform(3), hp, rolls)
    assert left.exact_kind == exact_kind(hp) == "forward"
    np.testing.assert_allclose(left.exact, model.forward(ids)[0])
    both = read(_Uniform(3), TASK.hparams({"bidirectional": "true"}), rolls)
    assert both.exact_kind == "smoothed"
    np.testing.assert_allclose(both.exact, model.smooth(ids))
    # reading ahead, the 7 at step 3 makes step 2 more likely a D8 than reading left to right
    assert both.exact[1, 2] > left.exact[1, 2]
    nxt = read(_Uniform(8), TASK.hparams({"mode": "next"}), rolls)
    assert nxt.exact_kind == "predictive" and nxt.exact.shape == (5, 8)
    assert (nxt.kl >= 0).all() and left.to_dict()["exact_kind"] == "forward"


def test_next_roll_mode_refuses_a_network_that_reads_backwards():
    with pytest.raises(ConfigError) as err:
        TASK.hparams({"mode": "next", "bidirectional": "true"})
    assert err.value.key == "bidirectional" and "would see the very token" in err.value.message
