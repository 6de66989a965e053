"""The hyperparameters form: inline validation, refused training, live parameter count."""

from __future__ import annotations

from textual.widgets import Button, Input, Select, Switch

from rnntui.tasks import TASKS
from rnntui.ui.app import make_app
from rnntui.ui.screens.hparams import HparamsScreen
from rnntui.ui.screens.training import TrainingScreen
from tests.ui_support import FakeFactory, screen_text, wait_for


async def open_form(pilot, task_id: str) -> HparamsScreen:
    pilot.app.open_task(task_id)
    await pilot.pause()
    assert isinstance(pilot.app.screen, HparamsScreen)
    return pilot.app.screen


async def test_every_field_has_the_right_control_help_and_range():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "poems")
        fields = form.fields()
        assert isinstance(fields["cell"].control, Select)
        assert isinstance(fields["optimizer"].control, Select)
        assert isinstance(fields["tokens"].control, Select)
        assert isinstance(fields["bidirectional"].control, Switch)
        assert isinstance(fields["units"].control, Input)
        text = screen_text(app)
        assert "memory units in each recurrent layer" in text
        assert "a whole number from 1 to 1024" in text


async def test_a_bad_value_is_named_under_its_field_and_training_is_refused():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "onehot4")
        task = TASKS["onehot4"]
        defaults = task.hparams()
        assert form.params == task.preview(defaults)[1]
        units = form.fields()["units"]
        units.control.focus()
        await pilot.press("0")  # replaces the selected default
        await pilot.pause()
        assert "units" in form.errors
        assert "✗ units=0: must be a whole number from 1 to 1024" in screen_text(app)
        assert form.query_one("#train", Button).disabled
        await pilot.press("t")  # in a field a letter is text, never "train"
        await pilot.press("enter")
        await pilot.pause()
        assert factory.trainers == []
        assert isinstance(app.screen, HparamsScreen)
        assert units.control.value == "0t" and "units" in form.errors
        new_units = defaults.units + 5
        await pilot.press("backspace", "backspace", *str(new_units))
        await pilot.pause()
        assert form.errors == {}
        params = task.preview(defaults.replace(units=new_units))[1]
        assert form.params == params != task.preview(defaults)[1]
        assert f"{params:,} trainable parameters" in screen_text(app)
        await pilot.press("escape", "t")  # out of the field, t trains
        await wait_for(pilot, lambda: factory.trainers and "start" in factory.last.calls)
        assert factory.last.run.hparams.units == new_units
        assert isinstance(app.screen, TrainingScreen)


async def test_cross_field_checks_point_at_their_field():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "embed4")
        form.fields()["seq_len"].control.value = "26"
        await pilot.pause()
        assert set(form.errors) == {"seq_len"}
        assert "must be less than 26" in form.errors["seq_len"]
        assert form.fields()["seq_len"].has_class("-invalid")
        assert not form.fields()["units"].has_class("-invalid")


async def test_changing_the_cell_updates_the_model_text():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "onehot4")
        units = TASKS["onehot4"].hparams().units
        form.fields()["cell"].control.value = "lstm"
        await pilot.pause()
        assert f"LSTM({units})" in screen_text(app)
        assert form.params == 4 * units * (5 + units + 1) + (units + 1) * 5  # LSTM + Dense(5)


async def test_recipe_and_defaults_reset_the_form():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "sine")
        await pilot.press("R")
        await pilot.pause()
        assert form.hp == TASKS["sine"].hparams(recipe=True)
        assert form.fields()["optimizer"].control.value == "adagrad"
        await pilot.press("D")
        await pilot.pause()
        assert form.hp == TASKS["sine"].hparams()


async def test_imdb_form_takes_its_data_file_and_word_index_and_the_run_keeps_them(tmp_path):
    import json

    from rnntui.play import open_play
    from rnntui.runs import RunStore
    from rnntui.ui.widgets.file_field import FileField, PathSuggester
    from tests.ui_host import TINY_WORD_INDEX

    npz = tmp_path / "reviews.npz"
    from tests.test_tasks import _write_imdb

    _write_imdb(npz)
    words = tmp_path / "imdb_word_index.json"
    words.write_text(json.dumps(TINY_WORD_INDEX))
    assert await PathSuggester().get_suggestion(str(tmp_path / "rev")) == str(npz)
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, "imdb")
        assert set(form.file_fields()) == {"data", "word_index"}
        data = form.query_one("#input-file-data", Input)
        data.value = str(tmp_path / "missing.npz")
        await pilot.pause()
        assert "no such file" in form.errors["data"]
        data.value = str(npz)
        form.query_one("#input-file-word_index", Input).value = str(words)
        await pilot.pause()
        assert not form.errors
        await pilot.press("t")
        await wait_for(pilot, lambda: bool(factory.trainers))
        run = RunStore().open(factory.last.run.name)
        assert run.source.data == str(npz) and run.source.word_index == str(words)
        assert isinstance(form.query_one(FileField), FileField)


async def test_the_imdb_vocabulary_follows_the_data_file_unless_set(tmp_path):
    """Issue 21 §6: a file whose word ids stop at 899 makes an Embedding(900), not the
    default's 10,000 rows of which 9,100 never train; gone, the default is back; a value
    typed by the user stays."""
    import numpy as np

    npz = tmp_path / "reviews.npz"
    seqs = np.empty(4, dtype=object)
    for i in range(4):
        seqs[i] = [1, 5, 899 - i, 7]
    np.savez(npz, x_train=seqs, y_train=np.array([0, 1, 0, 1]), x_test=seqs[:2],
             y_test=np.array([0, 1]))
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, "imdb")
        words = form.fields()["num_words"]
        assert str(words.raw) == "10000"
        data = form.query_one("#input-file-data", Input)
        data.value = str(npz)
        await pilot.pause()
        await pilot.pause()
        assert str(words.raw) == "900" and form.hp.num_words == 900
        assert "Embedding(900," in screen_text(app)
        data.value = ""
        await pilot.pause()
        await pilot.pause()
        assert str(words.raw) == "10000"
        words.set_value(300)
        data.value = str(npz)
        await pilot.pause()
        await pilot.pause()
        assert str(words.raw) == "300" and form.hp.num_words == 300


def test_train_with_a_data_file_names_its_vocabulary(tmp_path):
    """The CLI's run takes the file's vocabulary too, unless --set num_words is given."""
    import numpy as np

    from rnntui.tasks import DataSource, get_task

    npz = tmp_path / "reviews.npz"
    seqs = np.empty(2, dtype=object)
    seqs[0], seqs[1] = [1, 5, 499], [1, 9]
    np.savez(npz, x_train=seqs, y_train=np.array([0, 1]), x_test=seqs, y_test=np.array([0, 1]))
    task, source = get_task("imdb"), DataSource(data=str(npz))
    assert task.hparams({}, source=source).num_words == 500
    assert task.hparams({"num_words": "2000"}, source=source).num_words == 2000
    assert task.play_input(task.hparams({}, source=source)).trained_on.endswith(
        "the 500 most frequent known")
