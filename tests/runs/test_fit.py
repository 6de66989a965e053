"""A run's files fit together or are refused: a model copied in from another run, or a
vocabulary that does not match the model, is one line and exit 2 from predict, gates,
export and train --resume, with or without the record a checkpoint carries."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest

from rnntui.engine.train import train
from rnntui.runs.fit import FIT_ENTRY, fit_for, vocab_hash
from rnntui.runs import RunStore
from rnntui.tasks import get_task
from tests.robust_support import assert_clear_error, call_main


def _run(task_id, epochs=1, **hp):
    return RunStore().create(task_id, get_task(task_id).hparams({"epochs": epochs, **hp}))


def _trained(task_id, **hp):
    run = _run(task_id, **hp)
    assert train(run).status == "completed"
    return run


def _without_record(model_path):
    """Rewrite a checkpoint as one saved before the record existed."""
    old = model_path.with_name("old.keras")
    with zipfile.ZipFile(model_path) as src, zipfile.ZipFile(old, "w") as dst:
        for item in src.infolist():
            if item.filename != FIT_ENTRY:
                dst.writestr(item, src.read(item.filename))
    old.replace(model_path)


def _refused_everywhere(run, typed, *, resume=True):
    for args in (["predict", run.name, typed], ["gates", run.name, typed],
                 ["export", run.name]):
        code, _, err = call_main(args)
        assert_clear_error(err, code)
        assert "does not fit this run" in err, (args, err)
    if resume:
        target = RunStore().open(run.name).hparams.epochs
        code, _, err = call_main(["train", "--resume", run.name, "--epochs", "3"])
        assert_clear_error(err, code)
        # a vocabulary other than the data's is refused before the model is read
        assert "does not fit this run" in err or "its data now gives another vocabulary" in err
        assert RunStore().open(run.name).hparams.epochs == target  # refused: not rewritten


def test_a_fit_names_what_differs():
    run = _run("onehot4")
    fit = fit_for(run)
    assert fit.input_shape == (4, 5) and fit.outputs == 5 and fit.vocab_size is None
    mine = fit.record((4, 5))
    assert fit.misfit(mine, (4, 5), 5, None) is None
    assert fit.misfit(None, (4, 5), 5, None) is None  # an older checkpoint that fits
    other = json.dumps({**json.loads(mine), "task": "onehot1"})
    assert "made for task onehot1, not this run's onehot4" in fit.misfit(other, (4, 5), 5, None)
    assert "shape (1, 5)" in fit.misfit(None, (1, 5), 5, None)
    assert "26 outputs" in fit.misfit(None, (4, 5), 26, None)
    assert "embeds 26 tokens" in fit.misfit(None, (4, 5), 5, 26)
    assert vocab_hash(["a", "b"]) != vocab_hash(["b", "a"])


@pytest.mark.slow
def test_a_model_from_another_task_is_refused_with_or_without_its_record():
    onehot4, embed4 = _trained("onehot4"), _trained("embed4")
    shutil.copy(onehot4.model_path, embed4.model_path)
    _refused_everywhere(embed4, "abcd")
    _without_record(embed4.model_path)  # checked by its shapes alone
    _refused_everywhere(embed4, "abcd")
    code, out, err = call_main(["predict", onehot4.name, "abcd"])  # the model's own run: fine
    assert code == 0, err


@pytest.mark.slow
def test_a_compatible_foreign_model_is_refused_too():
    onehot1, onehot4 = _trained("onehot1"), _trained("onehot4")
    shutil.copy(onehot1.model_path, onehot4.model_path)
    _refused_everywhere(onehot4, "abcd")
    assert onehot4.epochs_done == 1  # not trained on
    status = RunStore().open(onehot4.name).status()  # the refusal, and the epoch still kept
    assert status.status == "failed" and "does not fit" in status.message
    assert status.epochs == 1 and status.params


@pytest.mark.slow
def test_a_vocabulary_that_does_not_fit_is_refused():
    run = _trained("dice", units=4, seq_len=8, batch_size=512)
    vocab = run.vocab()
    run.save_vocab(vocab[:-1])  # shorter than the model
    _refused_everywhere(run, "1,2,3")
    run.save_vocab(list(reversed(vocab)))  # as long, other order: only the record knows
    code, _, err = call_main(["predict", run.name, "1,2,3"])
    assert_clear_error(err, code)
    assert "another vocabulary" in err
    run.save_vocab(vocab)
    code, _, err = call_main(["predict", run.name, "1,2,3"])
    assert code == 0, err


@pytest.mark.parametrize("screen_name", ["gates", "predict"])
async def test_the_app_shows_a_misfit_as_an_error_line(screen_name):
    from rnntui.engine.model import build_model
    from rnntui.ui.screens.gates import GatesScreen
    from rnntui.ui.screens.predict import predict_screen
    from rnntui.ui.widgets.inline_message import InlineMessage
    from tests.ui_host import HostApp, settle

    onehot4 = get_task("onehot4")
    model = build_model(onehot4.model_spec(onehot4.hparams()), onehot4.hparams())
    run = _run("embed4")  # and onehot4's model saved as its checkpoint, without a record
    run.save_checkpoint(lambda path: model.save(path), [{"loss": 1.0, "accuracy": 0.5}])
    screen = (GatesScreen if screen_name == "gates" else predict_screen)(run)
    app = HostApp(lambda: screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        message = screen.query_one(InlineMessage)
        assert message.is_error and "model.keras does not fit this run" in message.text
