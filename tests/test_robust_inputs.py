"""Bad input everywhere: arbitrary strings and numbers at every hyperparameter (the schema,
`--set`, the form), at prediction inputs (the playground, `rnntui predict`, the predict
screen) and at file arguments. Each gets a clear message where it was typed, a non-zero exit
in the CLI, never a traceback; the app keeps running.

Hypothesis runs derandomized with bounded examples; run with `--hypothesis-show-statistics`
to see how many inputs each test tried.
"""

from __future__ import annotations

import json
import math
import pickle
import random
import zipfile
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnntui.config import SCHEMA, ConfigError, HParams, params_for, parse_assignments
from rnntui.play import InputError, open_play
from rnntui.tasks import TASKS
from tests.robust_support import HOSTILE, HUGE, TEXT, VALUE, assert_clear_error, assert_clear_message, \
    call_main, examples

# -- hyperparameters ---------------------------------------------------------------------------


@examples(600)
@given(key=st.sampled_from(sorted(SCHEMA)), value=VALUE)
def test_every_hyperparameter_takes_anything_or_says_what_is_allowed(key, value):
    param = SCHEMA[key]
    try:
        parsed = param.parse(value)
    except ConfigError as exc:
        assert exc.key == key
        assert_clear_message(exc.message)
        assert exc.message.startswith(f"{key}=") and param.allowed() in exc.message
        return
    if parsed is None:  # "off" or empty, where the setting may be off (clipnorm)
        assert param.is_off(value)
        return
    assert isinstance(parsed, param.kind)
    if param.kind in (int, float):
        assert math.isfinite(parsed) and param.low <= parsed <= param.high
    if param.choices:
        assert parsed in param.choices


@examples(300)
@given(task_id=st.sampled_from(sorted(TASKS)),
       overrides=st.dictionaries(st.one_of(st.sampled_from(sorted(SCHEMA) + ["maxlen"]), TEXT),
                                 TEXT, max_size=4))
def test_any_overrides_give_checked_hparams_and_a_preview_or_a_config_error(task_id,
                                                                               overrides):
    task = TASKS[task_id]
    try:
        hp = task.hparams(overrides)
    except ConfigError as exc:
        assert_clear_message(exc.message)
        return
    assert isinstance(hp, HParams) and set(hp) == set(params_for(task_id))
    model, params = task.preview(hp)  # the form calls this on every keystroke
    assert model and params > 0


@examples(200)
@given(task_id=st.sampled_from(sorted(TASKS)),
       items=st.lists(st.one_of(st.builds("{}={}".format, st.sampled_from(sorted(SCHEMA)), TEXT),
                                TEXT), min_size=1, max_size=3))
def test_cli_set_refuses_with_one_line_and_exit_2(task_id, items):
    args = ["train", task_id, *[f"--set={item}" for item in items]]
    with mock.patch("rnntui.cli.training._train_run", return_value=0) as trains:
        code, _, err = call_main(args)
    if code == 0:  # accepted: every value must really be valid
        assert trains.called
        TASKS[task_id].hparams(parse_assignments(items))
    else:
        assert_clear_error(err, code)
        assert not trains.called


# -- the form ---------------------------------------------------------------------------------

def _typed_values(seed: int = 6, n: int = 60) -> list[str]:
    """HOSTILE plus `n` random strings of hostile characters: what a user could paste."""
    rng = random.Random(seed)
    pool = "0123456789.-+eE_ ,xa😀ש\u202e\x00\x1b\t[]/\\%$床" + "\u0301\u200b"
    shapes = [rng.choice(pool) * rng.randint(0, 3) + "".join(rng.choice(pool)
              for _ in range(rng.randint(0, 12))) for _ in range(n)]
    return [v for v in HOSTILE if len(v) < 200] + shapes + ["9" * 400]


@pytest.mark.slow  # hundreds of typed values through the app
async def test_the_form_names_any_typed_value_under_its_field_and_keeps_running():
    from textual.widgets import Input

    from rnntui.ui.app import make_app
    from tests.ui_support import FakeFactory

    values = _typed_values()
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    tried = 0
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_task("onehot4")
        await pilot.pause()
        form = app.screen
        for key, field in form.fields().items():
            if not isinstance(field.control, Input):
                continue
            for value in values:
                field.control.value = value
                form.validate_form()  # what its Input.Changed handler calls; no pause needed
                tried += 1
                try:
                    SCHEMA[key].parse(value)
                    valid = True
                except ConfigError:
                    valid = False
                if valid:
                    continue  # the cross-field checks may still refuse it: covered below
                assert key in form.errors, (key, value)
                assert_clear_message(form.errors[key])
                assert field.error == form.errors[key] and field.has_class("-invalid")
                form.action_train()  # refused, never a trainer
                assert factory.trainers == []
            field.set_value(TASKS["onehot4"].hparams()[key])
            await pilot.pause()  # the queued Changed messages, and a redraw
            assert app.is_running
        assert form.errors == {} and app.is_running
    assert tried >= 800


# -- prediction inputs -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def playgrounds():
    from tests.ui_host import fixed_run

    return {kind: open_play(fixed_run(kind)) for kind in ("onehot4", "poems", "sine")}


def _try(call, *args):
    """The call's result, or None for an InputError with a clear message."""
    try:
        return call(*args)
    except InputError as exc:
        assert_clear_message(str(exc))
        return None


PREDICT_TEXT = st.one_of(TEXT, st.text(st.sampled_from("abcde床前明月光，。\n 0.5-,"), max_size=40))


@pytest.mark.slow  # the playgrounds fixture trains three runs
@examples(150)
@given(kind=st.sampled_from(["onehot4", "poems", "sine"]), text=PREDICT_TEXT)
def test_any_typed_input_predicts_or_says_what_is_wrong(playgrounds, kind, text):
    play = playgrounds[kind]
    encoded = _try(play.encode, text)
    if encoded is not None:
        assert len(encoded.tokens) == len(encoded.x) > 0
    if kind == "sine":
        _try(play.gates, text)
        return
    top = _try(play.next_tokens, text)
    if top is not None:
        probs = [p for _, p in top]
        assert sum(probs) <= 1 + 1e-6 and probs == sorted(probs, reverse=True) and probs[-1] >= 0
    trace = _try(play.gates, text)
    assert (trace is None) == (encoded is None)
    tokens = _try(lambda: list(play.generate(text, 3, 0.8, None, np.random.default_rng(0))))
    if kind == "poems" and encoded is not None and tokens is None:
        # a poem's rules refuse what they cannot write from (no Chinese character, lines
        # of mixed lengths, a length the form cannot fit), in one clear line
        from rnntui.poetry.writing import WritingOptions

        with pytest.raises(InputError) as refused:
            play.check(text, WritingOptions(temperature=0.8, length=3, lines=None))
        assert_clear_message(str(refused.value))
        return
    assert (tokens is None) == (encoded is None)


@pytest.mark.slow  # the playgrounds fixture trains three runs
@examples(80)
@given(kind=st.sampled_from(["onehot4", "poems", "sine"]), text=PREDICT_TEXT,
       flags=st.lists(st.sampled_from([
           ["--seed", "-1"], ["--seed", "7"], ["--top-k", "-3"], ["--top-k", "0"],
           ["--length", "0"], ["--length", "100000"], ["--temperature", "nan"],
           ["--temperature", "-1"], ["--temperature", "0"], ["--json"]]), max_size=2))
def test_rnntui_predict_answers_or_fails_in_one_line(playgrounds, kind, text, flags):
    run = playgrounds[kind].run
    code, out, err = call_main(["predict", str(run.path), text, *[f for pair in flags
                                                                   for f in pair]])
    if code != 0 and err.startswith("usage:"):  # argparse's own refusal of an option-like
        assert code == 2 and text.startswith("-") and "Traceback" not in err  # "-x" text
    elif code != 0:
        assert_clear_error(err, code)
    else:
        assert out and "Traceback" not in err


@pytest.mark.slow  # hundreds of typed values through the app
async def test_the_predict_screen_shows_any_refusal_and_keeps_running():
    from rnntui.ui.screens.predict import predict_screen
    from rnntui.ui.widgets.inline_message import InlineMessage
    from tests.ui_host import HostApp, fixed_run, settle

    for kind in ("onehot4", "poems", "sine"):
        run = fixed_run(kind)
        app = HostApp(lambda run=run: predict_screen(run, seed=0))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            field = app.screen.query_one("#predict-input")
            for value in HOSTILE[kind == "sine"::2] + HUGE[:1]:
                field.value = value
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                message = app.screen.query_one(InlineMessage)
                if message.is_error:
                    assert_clear_message(message.text)
                    assert "failed" not in message.text, (kind, value, message.text)
            assert app.is_running


# -- file arguments ----------------------------------------------------------------------------

def _files(tmp: Path) -> dict[str, Path]:
    """Files that are not what a command wants, one of each kind."""
    tmp.mkdir(parents=True, exist_ok=True)
    binary = tmp / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    text = tmp / "text.txt"
    text.write_text("床前明月光\n", encoding="utf-8")
    json_list = tmp / "list.json"
    json_list.write_text(json.dumps([1, 2, 3]))
    not_utf8 = tmp / "latin1.txt"
    not_utf8.write_bytes("café crème".encode("latin-1"))
    wrong_npz = tmp / "wrong.npz"
    np.savez(wrong_npz, a=np.zeros(3))
    empty_npz = tmp / "empty.npz"
    np.savez(empty_npz, x_train=np.zeros(0), y_train=np.zeros(0), x_test=np.zeros(0),
             y_test=np.zeros(0))
    plain_zip = tmp / "plain.zip"
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("x_train.txt", "hello")
    empty = tmp / "empty"
    empty.write_bytes(b"")
    return {"missing": tmp / "no-such-file", "folder": tmp, "binary": binary, "text": text,
            "json-list": json_list, "not-utf8": not_utf8, "wrong-npz": wrong_npz,
            "empty-npz": empty_npz, "zip": plain_zip, "empty": empty}


class _Boom:
    """Pickled, it would run `open(MARKER, 'w')` when loaded."""

    marker = ""

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_given_as_data_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "code-ran"
    _Boom.marker = str(marker)
    evil = tmp_path / "evil.npz"
    evil.write_bytes(pickle.dumps(_Boom()))
    code, _, err = call_main(["train", "imdb", "--data", str(evil)])
    assert_clear_error(err, code)
    assert "cannot read it as .npz (not a zip" in err and not marker.exists()


@pytest.mark.slow  # the playgrounds fixture trains three runs
@pytest.mark.parametrize("option", ["--corpus", "--data", "--resume", "predict", "export",
                                    "--word-index", "--out"])
def test_file_arguments_that_are_not_what_they_should_be(tmp_path, option, playgrounds):
    files = _files(tmp_path / "files")
    imdb_run = None
    if option == "--word-index":
        from tests.ui_host import fixed_run

        imdb_run = fixed_run("imdb")
    tried = 0
    for kind, path in files.items():
        if option == "--corpus":
            if kind == "text":
                continue  # a one-poem text is a corpus
            args = ["train", "poems", "--corpus", str(path)]
        elif option == "--data":
            args = ["train", "imdb", "--data", str(path)]
        elif option == "--resume":
            args = ["train", "--resume", str(path)]
        elif option in ("predict", "export"):
            args = [option, str(path), *(["abcd"] if option == "predict" else [])]
        elif option == "--word-index":
            args = ["predict", str(imdb_run.path), "a great movie", "--word-index", str(path)]
        else:
            if kind not in ("missing", "folder"):
                continue  # any file may be overwritten by --out: that is what it is for
            target = path / "deeper" / "x.txt" if kind == "missing" else path
            args = ["export", str(playgrounds["onehot4"].run.path), "--out", str(target)]
        code, _, err = call_main(args)
        assert_clear_error(err, code)
        tried += 1
    assert tried >= 2
