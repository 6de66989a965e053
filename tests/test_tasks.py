"""Every task's data: shapes, contents and clear errors for bad files. No TensorFlow here."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnntui.tasks import DataSource, DataUnavailable, get_task
from rnntui.tasks.corpus import END, UNK, poem_lines, read_poems, tokenize
from rnntui.tasks.poems import build_vocab, split_poems, stream, unigram_log_prior, windows


def test_onehot1_is_the_seed_cycle():
    task = get_task("onehot1")
    data = task.load(task.hparams())
    assert data.x_train.shape == (5, 1, 5) and data.x_train.dtype == np.float32
    letters = "".join(data.vocab[i] for i in data.x_train.argmax(-1)[:, 0])
    nexts = "".join(data.vocab[i] for i in data.y_train)
    assert dict(zip(letters, nexts)) == {"a": "b", "b": "c", "c": "d", "d": "e", "e": "a"}


def test_onehot4_windows_wrap_around():
    task = get_task("onehot4")
    data = task.load(task.hparams())
    assert data.x_train.shape == (5, 4, 5)
    pairs = {"".join(data.vocab[i] for i in row.argmax(-1)): data.vocab[y]
             for row, y in zip(data.x_train, data.y_train)}
    assert pairs["abcd"] == "e" and pairs["eabc"] == "d"


def test_embed4_reads_ids_for_the_embedding():
    task = get_task("embed4")
    data = task.load(task.hparams())
    assert data.x_train.shape == (22, 4) and data.x_train.dtype == np.int32
    assert list(data.x_train[0]) == [0, 1, 2, 3] and data.y_train[0] == 4
    one_hot = task.load(task.hparams({"embedding_dim": 0}))
    assert one_hot.x_train.shape == (22, 4, 26)


def test_sine_has_the_seeds_sizes():
    task = get_task("sine")
    data = task.load(task.hparams(recipe=True))  # the seed's windows of 10
    assert data.x_train.shape == (9990, 10, 1) and data.y_train.shape == (9990, 1)
    assert data.x_test.shape == (990, 10, 1)
    # the sample after each window is the next point of the curve
    np.testing.assert_allclose(data.x_train[1, -1, 0], data.y_train[0, 0])
    # one step for every part of the curve: t = 0.01·i, test points i = 10,000 … 10,999
    np.testing.assert_allclose(data.y_test[-1, 0], np.sin(109.99), atol=1e-6)
    np.testing.assert_allclose(np.diff(np.arcsin(data.y_train[:50, 0])), 0.01, atol=1e-5)
    # validation is its own stretch of curve, after the test one: no shared window
    assert data.x_val.shape == (990, 10, 1)
    np.testing.assert_allclose(data.y_val[-1, 0], np.sin(119.99), atol=1e-6)


def _write_imdb(path, n_train=40, n_test=10, seed=0):
    rng = np.random.default_rng(seed)

    def reviews(n):
        seqs = np.empty(n, dtype=object)
        for i in range(n):
            seqs[i] = [1] + rng.integers(3, 900, size=rng.integers(5, 30)).tolist()
        return seqs

    np.savez(path, x_train=reviews(n_train), y_train=rng.integers(0, 2, n_train),
             x_test=reviews(n_test), y_test=rng.integers(0, 2, n_test))
    return path


def test_imdb_loads_a_keras_layout_npz(tmp_path):
    path = _write_imdb(tmp_path / "tiny.npz")
    task = get_task("imdb")
    data = task.load(task.hparams({"num_words": 500, "seq_len": 20}), DataSource(data=str(path)))
    assert data.x_train.shape == (40, 20) and data.x_test.shape == (10, 20)
    assert data.x_train.max() < 500  # words past num_words became out-of-vocabulary (2)
    assert data.validation_split == 0.2


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"not a zip", "cannot read it as .npz"),
])
def test_imdb_bad_files_say_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "bad.npz"
    if content is not None:
        path.write_bytes(content)
    task = get_task("imdb")
    with pytest.raises(DataUnavailable, match=message):
        task.load(task.hparams(), DataSource(data=str(path)))


def test_imdb_wrong_layout(tmp_path):
    path = tmp_path / "wrong.npz"
    np.savez(path, x=np.zeros(3))
    task = get_task("imdb")
    with pytest.raises(DataUnavailable, match="missing x_train, y_train, x_test, y_test"):
        task.load(task.hparams(), DataSource(data=str(path)))


def test_starter_corpus_trains_on_whole_poems():
    task = get_task("poems")
    hp = task.hparams({"seq_len": 5})  # the seed's window, which gave it zero windows
    data = task.load(hp)
    assert data.vocab[:2] == (END, UNK) and "月" in data.vocab
    assert data.x_train.shape[1] == 5 and len(data.x_train) > 1000
    assert data.y_train.shape == data.x_train.shape  # a target at every step
    # the next input is the target, except where a character seen once is read as UNK as a
    # target (a small corpus keeps every character in its vocabulary)
    same = data.x_train[:, 1:] == data.y_train[:, :-1]
    assert (data.y_train[:, :-1][~same] == data.vocab.index(UNK)).all() and same.mean() > 0.9
    assert data.x_val is not None and len(data.x_val) > 0
    assert data.x_test is not None and len(data.x_test) > 0


def test_poem_windows_span_poem_boundaries():
    ids = np.arange(20, dtype=np.int32)
    x, y = windows(ids, 6)
    assert x.shape == (5, 6) and list(y[0]) == [1, 2, 3, 4, 5, 6]


def test_poem_vocabulary_reads_rare_and_unseen_characters_as_unk():
    # 明 once: below a cut of 2 (MIN_COUNT is 5 on a large corpus; the rule is the same)
    vocab = build_vocab([list("月光月光明"), list("月")], min_count=2)
    assert vocab == (END, UNK, "月", "光")
    assert build_vocab([list("月光月光明"), list("月")]) == (END, UNK)  # MIN_COUNT 5
    index = {t: i for i, t in enumerate(vocab)}
    assert stream([list("明月"), list("霜")], index).tolist() == [1, 2, 0, 1, 0]
    prior = unigram_log_prior(np.array([[2, 2, 3]]), len(vocab))
    assert np.exp(prior).sum() == pytest.approx(1.0)
    assert prior[2] > prior[3] > prior[1] == prior[0]  # add-one: nothing impossible


def test_poem_vocabulary_comes_from_the_training_poems_only():
    task = get_task("poems")
    hp = task.hparams({"seq_len": 5})
    data = task.load(hp)
    prepared, _ = task.prepared(hp, download=False)
    train, held = prepared.train, prepared.held_out
    only_held = {c for p in held for c in p} - {c for p in train for c in p}
    assert only_held and not only_held & set(data.vocab)
    assert task.vocab(hp) == data.vocab
    spec = task.model_spec(hp, data)
    assert spec.output_bias is not None and len(spec.output_bias) == len(data.vocab)


def test_poem_lines_end_with_their_marks():
    assert poem_lines("床前明月光，疑是地上霜。舉頭") == ["床前明月光，", "疑是地上霜。", "舉頭"]
    assert poem_lines("春眠？不覺曉！" + END + "處處") == ["春眠？", "不覺曉！"]
    assert poem_lines("") == []


def test_held_out_split_is_ten_percent_and_seeded():
    poems = [f"poem{i}" for i in range(50)]
    train, val = split_poems(poems, seed=1)
    assert len(val) == 5 and not set(val) & set(train)
    assert split_poems(poems, seed=1) == (train, val)


def test_corpus_formats(tmp_path):
    lines = tmp_path / "lines.txt"
    lines.write_text("床前明月光，疑是地上霜。\n白日依山尽，黄河入海流。\n", encoding="utf-8")
    assert read_poems(lines) == ["床前明月光，疑是地上霜。", "白日依山尽，黄河入海流。"]
    blocks = tmp_path / "blocks.txt"
    blocks.write_text("床前明月光，\n疑是地上霜。\n\nThe sun sets\nbehind the hills\n",
                      encoding="utf-8")
    assert read_poems(blocks) == ["床前明月光，疑是地上霜。", "The sun sets behind the hills"]
    js = tmp_path / "poems.json"
    js.write_text(json.dumps([{"title": "t", "paragraphs": ["春眠不觉晓，", "处处闻啼鸟。"]}],
                             ensure_ascii=False), encoding="utf-8")
    assert read_poems(js) == ["春眠不觉晓，处处闻啼鸟。"]


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00binary", "not UTF-8"),
    (b"[{\"title\": 1}]", "'paragraphs' list"),
    (b"[{\"paragraphs\": ", "broken JSON"),
    (b"\n\n  \n", "no poems"),
])
def test_bad_corpus_files(tmp_path, content, message):
    path = tmp_path / "corpus.txt"
    path.write_bytes(content)
    with pytest.raises(DataUnavailable, match=message):
        read_poems(path)


def test_missing_corpus_and_folder(tmp_path):
    with pytest.raises(DataUnavailable, match="no such file"):
        read_poems(tmp_path / "nope.txt")
    with pytest.raises(DataUnavailable, match="not a file"):
        read_poems(tmp_path)


def test_word_tokens_for_an_english_text():
    assert tokenize("The cat's hat, red.", "word") == ["The", "cat's", "hat", ",", "red", "."]
    assert build_vocab([["b", "a", "b"]], min_count=1) == (END, UNK, "b", "a")


def test_tang300_parses(shared_data):
    poems = read_poems(shared_data / "tang300.txt")
    assert len(poems) == 366


def test_recall_sequences_end_with_the_first_letter_as_label():
    task = get_task("recall")
    data = task.load(task.hparams({"seq_len": 12}))
    assert data.x_train.shape == (3000, 12, 8) and data.x_val.shape == (600, 12, 8)
    np.testing.assert_array_equal(data.x_train[:, 0].argmax(-1), data.y_train)
    # the distractors carry no information about the label
    assert abs(np.mean(data.x_train[:, 5].argmax(-1) == data.y_train) - 1 / 8) < 0.03
    with pytest.raises(Exception, match="seq_len=1: must be at least 2"):
        task.hparams({"seq_len": 1})


def test_recall_defaults_are_the_settings_its_lesson_was_measured_at():
    # bench/bench_recall_cells.py measured the lesson (LSTM and GRU remember, SimpleRNN does
    # not, 3 seeds of 3; README's table) at exactly these: change one, measure again and
    # say what was seen on the card.
    task = get_task("recall")
    hp = task.hparams({}).to_dict()
    lesson = {"cell": "lstm", "units": 32, "seq_len": 20, "recurrent_dropout": 0.7,
              "optimizer": "adam", "learning_rate": 0.003, "batch_size": 32, "epochs": 80,
              "patience": 0, "readout": "last", "layers": 1, "dropout": 0.0}
    assert {k: hp[k] for k in lesson} == lesson
    assert f"recurrent_dropout {hp['recurrent_dropout']:g}" in task.expect
