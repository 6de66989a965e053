"""Confusion matrices: counted right (softmax, sigmoid, per step), declared by the classifier
tasks, kept in the run, in `train --json`, the result box and the compare table."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnntui import confusion
from rnntui.confusion import Confusion, count
from rnntui.runs import RunStore
from rnntui.tasks import TASKS, get_task


def test_counts_rows_true_columns_named_and_per_class_accuracy():
    outputs = np.eye(3)[[0, 1, 1, 2, 0, 0]]
    labels = np.array([0, 1, 0, 2, 2, 0])
    got = count(("D4", "D6", "D8"), False, outputs, labels, "test")
    assert got.counts == ((2, 1, 0), (0, 1, 0), (1, 0, 1))
    assert got.accuracy == pytest.approx(4 / 6)
    assert got.per_class() == {"D4": pytest.approx(2 / 3), "D6": 1.0, "D8": 0.5}
    assert got.most_confused() == [("D4", "D6", 1), ("D8", "D4", 1)]
    assert Confusion.from_dict(json.loads(json.dumps(got.to_dict()))) == got


def test_a_sigmoid_output_and_per_step_outputs():
    binary = count(("negative", "positive"), True, np.array([[0.2], [0.7], [0.5], [0.1]]),
                   np.array([0.0, 1.0, 0.0, 1.0]), "test")
    assert binary.counts == ((1, 1), (1, 1))
    steps = count(("a", "b"), False, np.eye(2)[[[0, 1, 1], [1, 1, 0]]],
                  np.array([[0, 1, 0], [1, 1, 0]]), "test")
    assert steps.counts == ((2, 1), (0, 3)) and steps.total == 6
    # a class with no item is left out of the per-class figures, not shown as 0
    assert count(("a", "b", "c"), False, np.eye(3)[[0]], np.array([0]), "x").per_class() == {
        "a": 1.0}


def test_the_classifiers_declare_their_classes_and_the_others_none():
    declared = {t.id: t.classes(t.hparams()) for t in TASKS.values()}
    assert declared["onehot4"].names == tuple("abcde")
    assert declared["recall"].names == tuple("abcdefgh")
    assert declared["imdb"].names == ("negative", "positive") and declared["imdb"].binary
    assert declared["dice"].names == ("D4", "D6", "D8")
    assert get_task("dice").classes(get_task("dice").hparams({"mode": "next"})).names == \
        tuple("12345678")
    assert declared["sine"] is None and declared["poems"] is None


def test_letters_have_no_held_out_data_and_say_so():
    task = get_task("onehot4")
    _, _, on = task.confusion_split(task.load(task.hparams()))
    assert on.startswith("training (no held-out data")
    recall = get_task("recall")
    assert recall.confusion_split(recall.load(recall.hparams({"seq_len": 4})))[2] == "test"


def test_text_for_the_cli_and_the_box():
    small = count(("D4", "D6", "D8"), False, np.eye(3)[[0, 1, 2, 1]], np.array([0, 1, 2, 2]),
                  "test")
    lines = confusion.describe(small)
    assert lines[0].startswith("confusion on test (4 answers")
    assert lines[1].split() == ["D4", "D6", "D8", "acc"]
    assert lines[4].split() == ["D8", "0", "1", "1", "0.50"]
    box = confusion.box_lines(small)
    assert box[0].endswith("acc   (confusion on test: rows true, columns named)")
    assert box[1:] == lines[2:] and len(box) == 4
    many = count(tuple("abcdefgh"), False, np.eye(8)[[0, 0, 2]], np.array([0, 1, 2]), "test")
    assert confusion.box_lines(many)[1] == "commonest mistakes (true→named): b→a ×1"
    assert confusion.per_class_text(many.per_class(), many=2) == "min b .00 mean .67"


async def test_the_result_box_of_a_saved_classifier_run_shows_its_matrix():
    from rnntui.ui.app import make_app
    from tests.ui_support import FakeFactory, saved_run, screen_text, wait_for

    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(100, 30)) as pilot:
        run = saved_run(app.store, "dice", [{"loss": 0.8, "accuracy": 0.7}],
                        {"status": "completed", "epochs": 1, "quality": {"accuracy": 0.7}})
        confusion.save(run.path, Confusion(("D4", "D6", "D8"),
                                           ((7, 2, 1), (1, 8, 1), (0, 3, 7)), "test"))
        app.open_run(run)
        await wait_for(pilot, lambda: "confusion on test" in screen_text(app))
        text = screen_text(app)
        assert "D4    7    2    1  0.70" in text and "D8    0    3    7  0.70" in text


def test_compare_summary_and_table_carry_per_class_accuracy(capsys):
    from rnntui.cli import main
    from rnntui.runs.compare import summarize

    store = RunStore()
    runs = []
    for seed in (0, 1):
        run = store.create("dice", get_task("dice").hparams({"seed": seed}))
        run.save_checkpoint(lambda path: path.write_bytes(b"x"), [{"loss": 1.0}])
        run.save_status(status="completed", epochs=1, quality={"accuracy": 0.5})
        runs.append(run)
    confusion.save(runs[0].path, Confusion(("D4", "D6", "D8"),
                                           ((1, 1, 0), (0, 2, 0), (0, 0, 4)), "test"))
    assert summarize(runs[0]).per_class == {"D4": 0.5, "D6": 1.0, "D8": 1.0}
    assert summarize(runs[1]).per_class == {}
    assert main(["compare", "dice", "--runs", f"{runs[0].name},{runs[1].name}", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["runs"]
    assert rows[0]["per_class"] == {"D4": 0.5, "D6": 1.0, "D8": 1.0}


@pytest.mark.slow
def test_a_trained_classifier_keeps_its_matrix_and_prints_it_in_json(capsys):
    from rnntui.cli import main

    assert main(["train", "onehot4", "--epochs", "2", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    matrix = summary["confusion"]
    assert matrix["classes"] == list("abcde") and matrix["on"].startswith("training")
    assert sum(map(sum, matrix["counts"])) == 5
    right = sum(matrix["counts"][i][i] for i in range(5))
    assert right / 5 == pytest.approx(summary["accuracy"])
    run = RunStore().open(summary["name"])
    assert confusion.load(run.path).to_dict() == matrix
