"""Issue 16's smaller items: a cell named twice in any case, a negative explain value, a
config whose hparams are not an object, a run that turned NaN before its first epoch."""

from __future__ import annotations

import json

import pytest

from rnntui.runs import CONFIG, RunError, RunStore
from rnntui.tasks import get_task
from tests.robust_support import assert_clear_error, call_main


@pytest.mark.slow
def test_compare_trains_a_cell_named_twice_in_other_cases_once():
    code, out, err = call_main(["compare", "onehot1", "--cells", "lstm,LSTM", "--epochs",
                                "1", "--json"])
    assert code == 0, err
    runs = json.loads(out.strip().splitlines()[-1])["runs"]
    assert [r["cell"] for r in runs] == ["lstm"]
    assert "each cell trains once: lstm" in err
    assert len(RunStore().list()) == 1


def test_compare_refuses_an_unknown_cell_before_training():
    code, out, err = call_main(["compare", "onehot1", "--cells", "lstm,tree"])
    assert_clear_error(err, code)
    assert RunStore().list() == []


@pytest.mark.parametrize("args", [["--b", "-0.1,0.1"], ["--b-out", "-0.5", "--w-out", "-1,2"],
                                  ["--w-state", "-0.1,0.2;0.3,-0.4"], ["--inputs", "-1,2"]])
def test_explain_takes_values_that_start_with_a_minus(args):
    code, out, err = call_main(["explain", *args, "--json"])
    assert code == 0, err
    assert json.loads(out)  # the forward pass, with those numbers


def test_explain_reads_negative_values_as_given():
    code, out, _ = call_main(["explain", "--b", "-0.1,0.1", "--json"])
    same, out_eq, _ = call_main(["explain", "--b=-0.1,0.1", "--json"])
    assert code == same == 0 and out == out_eq
    default, out_default, _ = call_main(["explain", "--json"])
    assert out != out_default


@pytest.mark.parametrize("value", [[], "", None, 3, ["units", 8]])
def test_a_config_whose_hparams_are_not_an_object_is_refused(value):
    run = RunStore().create("onehot4", get_task("onehot4").hparams({"units": 5}))
    config = json.loads((run.path / CONFIG).read_text())
    config["hparams"] = value
    (run.path / CONFIG).write_text(json.dumps(config))
    with pytest.raises(RunError) as refused:
        RunStore().open(run.name)
    assert "hparams must be an object" in str(refused.value)
    code, out, err = call_main(["runs"])
    assert code == 0 and "cannot open" in out and "hparams must be an object" in out


def test_a_config_without_hparams_still_means_the_defaults():
    run = RunStore().create("onehot4", get_task("onehot4").hparams())
    config = json.loads((run.path / CONFIG).read_text())
    del config["hparams"]
    (run.path / CONFIG).write_text(json.dumps(config))
    assert RunStore().open(run.name).hparams == get_task("onehot4").hparams()


@pytest.mark.slow
def test_a_run_that_turned_nan_before_its_first_epoch_says_so_in_the_list():
    code, out, err = call_main(["train", "sine", "--set", "batch_size=512", "--set",
                                "optimizer=sgd", "--set", "learning_rate=10", "--epochs", "2"])
    assert code == 3, err
    code, out, err = call_main(["runs"])
    line = next(line for line in out.splitlines() if "sine" in line)
    assert "0/2 epochs" not in line
    assert "no epoch kept: the loss became " in line and "learning_rate=" in line
    rows = json.loads(call_main(["runs", "--json"])[1])
    assert rows[0]["status"] == "nan" and "no epoch had completed" in rows[0]["message"]
