"""The hyperparameter schema refuses bad values with a message naming key, value and range."""

from __future__ import annotations

import pytest

from rnntui.config import SCHEMA, ConfigError, HParams, params_for, parse_assignments
from rnntui.tasks import TASKS, get_task


@pytest.mark.parametrize("key, value, expected", [
    ("units", "abc", "units=abc: must be a whole number from 1 to 1024"),
    ("units", "0", "units=0: must be a whole number from 1 to 1024"),
    ("units", "3.5", "units=3.5: must be a whole number"),
    ("cell", "transformer", "cell=transformer: must be one of simple, lstm, gru"),
    ("learning_rate", "0", "learning_rate=0: must be a number greater than 0 and at most 10"),
    ("learning_rate", "nan", "learning_rate=nan: must be a number"),
    ("learning_rate", "inf", "learning_rate=inf: must be a number"),
    ("dropout", "1.5", "dropout=1.5: must be a number from 0 to 0.9"),
    ("bidirectional", "maybe", "bidirectional=maybe: must be true or false"),
    ("optimizer", "", "optimizer=: must be one of sgd, adam, rmsprop, adagrad"),
])
def test_bad_values_are_refused_with_key_value_and_range(key, value, expected):
    with pytest.raises(ConfigError) as err:
        get_task("onehot4").hparams({key: value})
    assert err.value.key == key
    assert str(err.value).startswith(expected)


def test_values_are_parsed_from_text():
    hp = get_task("onehot4").hparams({"units": " 16 ", "bidirectional": "yes",
                                      "learning_rate": "1e-3", "cell": "LSTM"})
    assert (hp.units, hp.bidirectional, hp.learning_rate, hp.cell) == (16, True, 0.001, "lstm")


def test_unknown_key_suggests_the_close_one():
    with pytest.raises(ConfigError, match="did you mean units"):
        get_task("onehot4").hparams({"unit": "3"})


def test_task_specific_keys_belong_to_their_task():
    assert "num_words" in params_for("imdb") and "num_words" not in params_for("sine")
    with pytest.raises(ConfigError, match="does not apply to task sine"):
        get_task("sine").hparams({"num_words": "100"})


def test_every_task_has_all_thirteen_keys_with_valid_defaults_and_recipe():
    common = ["cell", "units", "layers", "bidirectional", "dropout", "recurrent_dropout",
              "embedding_dim", "seq_len", "optimizer", "learning_rate", "batch_size",
              "epochs", "seed"]
    for task in TASKS.values():
        for recipe in (False, True):
            hp = task.hparams(recipe=recipe)
            assert all(k in hp for k in common), task.id


def test_task_checks_beyond_the_schema():
    with pytest.raises(ConfigError, match="seq_len=26: must be less than 26") as err:
        get_task("embed4").hparams({"seq_len": "26"})
    assert err.value.key == "seq_len"
    with pytest.raises(ConfigError, match="embedding_dim=4: does not apply"):
        get_task("sine").hparams({"embedding_dim": 4})
    with pytest.raises(ConfigError, match="imdb needs an Embedding"):
        get_task("imdb").hparams({"embedding_dim": 0})


def test_hparams_are_immutable_and_replace_checks():
    hp = get_task("sine").hparams()
    assert hp.replace(units=8).units == 8 and hp.units == 30
    with pytest.raises(ConfigError):
        hp.replace(units=-1)
    assert HParams.for_task("sine", hp.to_dict()) == hp


def test_set_items_need_an_equals_sign():
    assert parse_assignments(["units=4", "cell=gru"]) == {"units": "4", "cell": "gru"}
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_assignments(["units"])


def test_allowed_text_for_every_param():
    for param in SCHEMA.values():
        assert param.allowed()


def test_maxlen_is_another_name_for_seq_len():
    assert get_task("imdb").hparams({"maxlen": "500"}).seq_len == 500
    with pytest.raises(ConfigError, match="maxlen=x: must be a whole number"):
        get_task("imdb").hparams({"maxlen": "x"})
