"""The real corpus and its preparation: the download through Keras's file cache from a
loopback server (pinned hashes), the offline fallback, deduplication, form, max_poems, a
held-out part sharing no line with training, and `rnntui score`."""

from __future__ import annotations

import hashlib
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rnntui.poetry import download
from rnntui.poetry.prepare import line_texts, poem_form, prepare, split_by_lines
from rnntui.tasks import DataSource, DataUnavailable, get_task
from rnntui.tasks.corpus import read_poems

QUATRAINS = [
    ["白日依山盡，", "黃河入海流。", "欲窮千里目，", "更上一層樓。"],
    ["床前明月光，", "疑是地上霜。", "舉頭望明月，", "低頭思故鄉。"],
    ["春眠不覺曉，", "處處聞啼鳥。", "夜來風雨聲，", "花落知多少。"],
    ["千山鳥飛絕，", "萬徑人蹤滅。", "孤舟蓑笠翁，", "獨釣寒江雪。"],
]


def _chinese_poetry_file(folder: Path, number: int, poems: list[list[str]]) -> str:
    """A file in chinese-poetry's layout; returns its SHA-256."""
    items = [{"author": "佚名", "title": f"詩{n}", "paragraphs": lines, "id": f"{number}-{n}"}
             for n, lines in enumerate(poems)]
    path = folder / download.file_name(number)
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # no request lines in the test output
        pass


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A threaded HTTP server on 127.0.0.1 (port 0) serving a folder; yields (folder, url)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    monkeypatch.setenv(download.URL_ENV, url)
    yield folder, url
    server.shutdown()
    server.server_close()


def test_the_corpus_downloads_once_checks_its_hashes_and_trains_in_simplified(served, monkeypatch):
    folder, _ = served
    hashes = {0: _chinese_poetry_file(folder, 0, QUATRAINS[:2] * 10 + QUATRAINS[2:]),
              1000: _chinese_poetry_file(folder, 1000, QUATRAINS[2:])}
    monkeypatch.setattr(download, "SHA256", hashes)
    assert not download.is_cached()
    task = get_task("poems")
    hp = task.hparams({"seq_len": 4, "units": 4, "embedding_dim": 2})
    prepared, origin = task.prepared(hp)
    assert "chinese-poetry" in origin and download.is_cached()
    # 24 poems read, 20 exact duplicates gone, nothing of another form
    assert (prepared.read, prepared.duplicates) == (24, 20)
    everything = prepared.train + prepared.held_out
    assert sorted(everything)[0].startswith("千山鸟飞绝") and "白日依山尽" in "".join(everything)
    (folder / download.file_name(0)).unlink()  # cached: no second download
    assert task.prepared(hp)[0] == prepared
    assert "chinese-poetry" in task.load(hp).notes[0]


def test_a_file_whose_hash_does_not_match_is_refused(served, monkeypatch):
    folder, _ = served
    _chinese_poetry_file(folder, 0, QUATRAINS)
    monkeypatch.setattr(download, "SHA256", {0: "0" * 64})
    with pytest.raises(DataUnavailable, match="cannot download the Tang poems"):
        download.fetch()


def test_offline_the_starter_corpus_with_a_note(capsys):
    task = get_task("poems")
    data = task.load(task.hparams({"seq_len": 8}))
    assert data.notes[0].startswith("corpus: cannot download the Tang poems")
    assert data.notes[0].endswith("the built-in starter corpus instead")
    # said on the terminal too, under the download's own lines (`rnntui train` shows no notes)
    err = capsys.readouterr().err
    assert "cannot download the Tang poems" in err and "starter corpus instead" in err
    assert "床" in data.vocab  # 床前明月光 reads as five known characters


@pytest.mark.slow
def test_the_pinned_hashes_are_the_real_files(served, shared_data, monkeypatch):
    folder, _ = served
    real = shared_data / "chinese-poetry-tang"
    for n in download.SHA256:
        (folder / download.file_name(n)).symlink_to(real / download.file_name(n))
    paths = download.fetch()
    # 57,607 items, 4 of them with no text
    assert len(paths) == 58 and sum(len(read_poems(p)) for p in paths) == 57_603


def test_held_out_poems_share_no_line_with_training_poems():
    shared = "明月松間照，"
    poems = [f"{shared}清泉石上流{i}。" for i in range(5)] + \
        [f"第{i}首詩句，第{i}首結尾。" for i in range(60)]
    for seed in range(5):
        train, held = split_by_lines(poems, seed)
        assert len(held) >= 6 and len(train) + len(held) == 65
        train_lines = {line for p in train for line in line_texts(p)}
        assert not any(line in train_lines for p in held for line in line_texts(p))
        sharing = [p for p in poems if p.startswith(shared)]
        assert set(sharing) <= set(train) or set(sharing) <= set(held)
    assert split_by_lines(poems, 3) == split_by_lines(poems, 3)


def test_validation_and_test_poems_share_no_line_with_each_other_or_training():
    # Poems 0-4 share a line; the rest are distinct: every part must keep the group whole.
    shared = "明月松間照，"
    poems = [f"{shared}清泉石上流{i}。竹喧歸浣女{i}，蓮動下漁舟{i}。" for i in range(5)] + \
        [f"第{i}首詩句，第{i}首之二。第{i}首之三，第{i}首結尾。" for i in range(95)]
    for seed in range(4):
        prepared = prepare(poems, "traditional", "any", 0, seed)
        parts = prepared.train, prepared.validation, prepared.test
        assert sorted(sum(parts, [])) == sorted(poems)
        assert prepared.validation and prepared.test
        assert prepared.held_out == prepared.validation + prepared.test
        lines = [{line for p in part for line in line_texts(p)} for part in parts]
        assert not lines[0] & lines[1] and not lines[0] & lines[2] and not lines[1] & lines[2]
    assert prepare(poems, "traditional", "any", 0, 2) == prepare(poems, "traditional", "any", 0, 2)


def test_form_and_max_poems():
    odd = "一二三，四五六。"
    poems = ["".join(q) for q in QUATRAINS] + [odd, "一二三四五，六七八九十。", "".join(QUATRAINS[0])]
    assert poem_form(poems[0]) == 5 and poem_form(odd) is None
    everything = prepare(poems, "simplified", "any", 0, 0)
    assert everything.duplicates == 1 and everything.other_form == 0
    regulated = prepare(poems, "simplified", "regulated", 0, 0)
    assert regulated.other_form == 2 and len(regulated.train + regulated.held_out) == 4
    assert prepare(poems, "simplified", "7-char", 0, 0).other_form == 6
    few = prepare(poems, "traditional", "regulated", 3, 0)
    assert few.beyond_max == 1 and len(few.train + few.held_out) == 3
    assert "4 of 7 poems" in regulated.describe() and "1 duplicates" in regulated.describe()


def test_a_json_string_corpus_is_read_as_its_text(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps("床前明月光，疑是地上霜。", ensure_ascii=False), encoding="utf-8")
    assert read_poems(path) == ["床前明月光，疑是地上霜。"]
    path.write_text(json.dumps(["春眠不觉晓，处处闻啼鸟。", "白日依山尽，黄河入海流。"],
                               ensure_ascii=False), encoding="utf-8")
    assert read_poems(path) == ["春眠不觉晓，处处闻啼鸟。", "白日依山尽，黄河入海流。"]


@pytest.mark.slow
def test_score_reads_a_run_on_its_held_out_poems_and_on_a_file(tmp_path, capsys):
    import numpy as np

    from rnntui.cli import main
    from rnntui.engine.train import train
    from rnntui.nn import load_network
    from rnntui.poetry.ngram import KneserNey
    from rnntui.poetry.scoring import poem_ids
    from rnntui.runs import RunStore
    from rnntui.tasks.corpus import END, UNK
    from rnntui.tasks.poems import training_streams

    corpus = tmp_path / "poems.txt"
    corpus.write_text("\n".join(read_poems()[:60]), encoding="utf-8")
    task = get_task("poems")
    hp = task.hparams({"units": 8, "embedding_dim": 4, "seq_len": 8, "epochs": 1})
    run = RunStore().create("poems", hp, DataSource(corpus=str(corpus)))
    assert train(run).status == "completed"  # a loss that barely moves is no divergence
    run = RunStore().open(run.path)
    train_poems, held, _ = task.training_poems(hp, run.source, run.vocab())
    prepared, _ = task.prepared(hp, run.source, download=False)
    assert held == prepared.test and not set(held) & set(prepared.validation)

    assert main(["score", str(run.path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["poems"] == len(held) and out["in_training"] == 0
    # the training result reports the figures `score` gives: same test poems, same events
    status = run.status()
    assert status.quality["perplexity"] == pytest.approx(out["perplexity"], rel=1e-5)
    assert status.baselines["kneser_ney_5gram"] == pytest.approx(out["baseline"])
    assert out["events"] == sum(len(p) + 1 for p in held)
    vocab = run.vocab()
    # fitted on the training poems as the network learnt them (a small corpus: some rare
    # characters read as UNK), the same as the run's own baselines
    _, _, learnt = training_streams([list(p) for p in train_poems],
                                    {t: i for i, t in enumerate(vocab)}, hp.seed)
    assert [list(p) for p in learnt] != poem_ids(train_poems, vocab) and UNK not in vocab[2:]
    kn = KneserNey(5, len(vocab), vocab.index(END)).fit(learnt)
    assert out["baseline"] == pytest.approx(kn.perplexity(poem_ids(held, vocab)))
    # the network's figure, one step at a time from END
    net, total = load_network(run.model_path), 0.0
    for ids in poem_ids(held, vocab):
        state, token = net.initial_state(), vocab.index(END)
        for target in [*ids, vocab.index(END)]:
            logits, state = net.step_logits(token, state)
            z = np.asarray(logits, dtype=np.float64)
            total += z[target] - z.max() - np.log(np.exp(z - z.max()).sum())
            token = target
    assert out["perplexity"] == pytest.approx(np.exp(-total / out["events"]), rel=1e-6)

    # a file in the other script, one poem of it a training poem
    other = tmp_path / "other.txt"
    other.write_text("床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。\n" + train_poems[0],
                     encoding="utf-8")
    assert main(["score", str(run.path), str(other)]) == 0
    text = capsys.readouterr().out
    assert "2 poems" in text and "Kneser-Ney 5-gram" in text
    seen = 1 + ("床前明月光，疑是地上霜。举头望明月，低头思故乡。" in train_poems)
    assert f"{seen} of these poems are training poems" in text


def test_score_refuses_other_tasks_in_one_line(capsys):
    from rnntui.cli import main
    from rnntui.runs import RunStore

    run = RunStore().create("onehot4", get_task("onehot4").hparams())
    with pytest.raises(SystemExit) as exit_info:
        main(["score", str(run.path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "score reads poems runs" in err and err.count("\n") == 1


def test_a_missing_poem_file_is_named_as_given(tmp_path):
    from rnntui.poetry.scoring import read_scored_poems

    with pytest.raises(DataUnavailable, match=r"^\S*nope.txt: no such file"):
        read_scored_poems(tmp_path / "nope.txt", "simplified")
    poems = tmp_path / "poems.txt"
    poems.write_text("白日依山盡，黃河入海流。\n", encoding="utf-8")
    assert read_scored_poems(poems, "simplified") == ["白日依山尽，黄河入海流。"]


def test_a_run_made_with_the_earlier_vocabulary_cut_still_finds_its_training_poems(
        tmp_path, monkeypatch):
    # Large-corpus rule on the starter poems (SMALL_CORPUS 0): today's cut is MIN_COUNT (5);
    # a run from before issue 26 item 8 saved a vocabulary cut at 2, and score's copy check
    # and bench_poem_form must still rebuild its training poems; any other cut is refused.
    import rnntui.tasks.poems as poems
    from rnntui.tasks.corpus import tokenize

    monkeypatch.setattr(poems, "SMALL_CORPUS", 0)
    task = get_task("poems")
    hp = task.hparams({"seq_len": 8})
    corpus = tmp_path / "poems.txt"
    corpus.write_text("\n".join(read_poems()), encoding="utf-8")
    source = DataSource(corpus=str(corpus))
    prepared, _ = task.prepared(hp, source, download=False)
    tokens = [tokenize(p, hp.tokens) for p in prepared.train]
    assert task.vocab(hp, source) == poems.build_vocab(tokens, poems.MIN_COUNT)
    earlier = poems.build_vocab(tokens, 2)
    assert len(earlier) > len(task.vocab(hp, source))
    train_poems, _, _ = task.training_poems(hp, source, earlier)
    assert train_poems == prepared.train
    with pytest.raises(DataUnavailable, match="gives another vocabulary"):
        task.training_poems(hp, source, poems.build_vocab(tokens, 3))
