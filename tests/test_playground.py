"""Prediction, generation, forecasts, sentiment and gates on trained runs, through the mirror."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnntui.engine.train import train
from rnntui.play import InputError, open_play
from rnntui.runs import RunError, RunStore
from rnntui.tasks import DataSource, DataUnavailable, get_task
from rnntui.tasks.corpus import END, LINE_ENDS, UNK, poem_lines, read_poems

from tests.test_tasks import _write_imdb

POEMS = "床前明月光，疑是地上霜。举头望明月，低头思故乡。\n白日依山尽，黄河入海流。欲穷千里目，更上一层楼。\n"
# One more, so the vocabulary holds 夏 and 冬 of the acrostic 春夏秋冬 (after a first line
# like the others, so they are trained on, not held out).
SEASONS = ("春水满四泽，夏云多奇峰。秋月扬明辉，冬岭秀孤松。",)  # 四时, a 5-character quatrain


# Its fixture trains a run of every task (~30 s): not in the fast lane.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One small trained run per task, trained once for the module."""
    root = tmp_path_factory.mktemp("playground")
    store = RunStore(root / "runs")
    corpus = root / "poems.txt"
    # Each of the two poems 8 times, each time with another quatrain after it: exact
    # duplicates are removed before the split, so the copies must differ.
    fives = [p for p in read_poems() if len(p) == 24 and p[5] == "，"
             and not p.startswith(("床前", "白日"))][:16]
    firsts = POEMS.split()
    corpus.write_text("\n".join(firsts[i % 2] + q for i, q in enumerate([*fives, *SEASONS])),
                      encoding="utf-8")
    specs = {
        "onehot4": ({}, DataSource()),
        "embed4": ({}, DataSource()),
        "poems": ({"units": 32, "embedding_dim": 16, "seq_len": 24, "epochs": 40,
                   # all 40 epochs: the held-out two poems share no line with the rest, so
                   # their loss rises from the first epochs while the corpus is learned
                   "learning_rate": 0.02, "lr_schedule": "constant", "patience": 0},
                  DataSource(corpus=str(corpus))),
        "sine": ({"units": 8, "batch_size": 1024, "epochs": 2, "seq_len": 10}, DataSource()),
        "imdb": ({"num_words": 500, "seq_len": 20, "units": 4, "embedding_dim": 4,
                  "epochs": 1}, DataSource(data=str(_write_imdb(root / "tiny.npz")))),
    }
    runs = {}
    for task_id, (overrides, source) in specs.items():
        run = store.create(task_id, get_task(task_id).hparams(overrides), source)
        result = train(run)
        assert result.status == "completed", result
        runs[task_id] = store.open(run.path)
    return runs


def test_onehot4_predicts_e_after_abcd(trained):
    play = open_play(trained["onehot4"])
    top = play.next_tokens("abcd")
    assert top[0][0] == "e" and len(top) == 5
    assert abs(sum(p for _, p in play.next_tokens("abcd", k=5)) - 1.0) < 1e-6
    assert play.encode("xxabcd".replace("x", "a")).note  # longer than seq_len: last 4 letters


def test_embed4_continues_the_alphabet(trained):
    play = open_play(trained["embed4"])
    assert play.next_tokens("abcd")[0][0] == "e"
    assert "".join(play.generate("abcd", length=3, temperature=0)) == "efg"


def test_unknown_characters_are_named_with_their_position(trained):
    play = open_play(trained["onehot4"])
    with pytest.raises(InputError, match="unknown letter 'z' at position 3") as err:
        play.next_tokens("abzd")
    assert err.value.position == 2
    with pytest.raises(InputError, match="U\\+0007"):
        play.next_tokens("ab\x07")
    with pytest.raises(InputError, match="type something"):
        play.next_tokens("   ")


def test_poem_from_a_seed_line_streams_and_ends(trained):
    play = open_play(trained["poems"])
    rng = np.random.default_rng(0)
    tokens = list(play.generate("床前明月光", length=60, temperature=0.5, rng=rng))
    assert 0 < len(tokens) <= 60 and all(t in play.vocab for t in tokens)
    greedy = "".join(play.generate("床前明月光", length=7, temperature=0))
    assert greedy.startswith("，疑是地上霜")  # the corpus line, learned
    # A character the network never saw reads as the unknown token, which is never written.
    assert play.encode("猫床").tokens == (UNK, "床") and "猫" in play.encode("猫床").note
    tokens = list(play.generate("猫", length=40, temperature=2.0, rng=rng))
    assert tokens and UNK not in tokens


def test_a_poem_of_so_many_lines_stops_after_them_and_not_sooner(trained):
    play = open_play(trained["poems"])
    for n in range(10):
        rng = np.random.default_rng(n)
        tokens = list(play.generate("床前明月光", length=200, temperature=1.5, rng=rng,
                                    lines=3))
        assert END not in tokens and tokens[-1] in LINE_ENDS
        assert len(poem_lines("床前明月光" + "".join(tokens))) == 3
    # the seed's own lines count: two typed, one more written
    tokens = list(play.generate("床前明月光，疑是地上霜。", length=200, temperature=0,
                                lines=3))
    # (the corpus's line, ended on 。: a poem the writer ends never ends on a comma)
    assert "".join(tokens) == "举头望明月。"
    with pytest.raises(InputError, match="lines must be 1 or more"):
        play.generate("床", lines=0)


def test_sine_forecast_and_typed_window(trained):
    play = open_play(trained["sine"])
    forecast = play.forecast(steps=100)
    assert forecast.truth.shape == forecast.one_step.shape == forecast.rollout.shape == (100,)
    assert np.isfinite(forecast.rmse_one_step) and forecast.rmse_one_step < 0.5
    assert play.encode("").x.shape == (10, 1)
    assert play.encode("0.1, 0.2 0.3").warning.startswith("trained on windows of 10")
    with pytest.raises(InputError, match="'abc' \\(number 2\\) is not a number"):
        play.encode("0.1 abc")


def test_imdb_sentiment_marks_unknown_words(trained, tmp_path):
    play = open_play(trained["imdb"])
    play.use_word_index({"great": 1, "movie": 2, "boring": 600})
    prob, words = play.sentiment("A great movie, boring!")
    assert 0.0 <= prob <= 1.0
    assert words == [("a", False), ("great", True), ("movie", True), ("boring", False)]


def test_imdb_sentiment_is_the_trained_models_on_the_review_padded_as_in_training(trained):
    from rnntui.engine.model import load_checkpoint
    from rnntui.tasks.base import pad_sequences

    run = trained["imdb"]
    assert run.hparams.readout == "max"  # the default: a pool over every step's state
    play = open_play(run)
    play.use_word_index({"great": 1, "movie": 2})
    prob, _ = play.sentiment("great movie")
    window = pad_sequences([[1, 4, 5]], run.hparams.seq_len)  # start mark, ranks + 3
    keras_prob = float(np.asarray(load_checkpoint(run.model_path)(window))[0, 0])
    assert prob == pytest.approx(keras_prob, abs=1e-5)


def test_imdb_word_index_offline_says_so(trained):
    play = open_play(trained["imdb"])
    with pytest.raises(DataUnavailable, match="word index is not on this machine"):
        play.sentiment("great movie")


def test_gates_and_influence(trained):
    play = open_play(trained["poems"])
    encoded, trace = play.gates("床前明月光")
    assert encoded.tokens == tuple("床前明月光")
    lstm = trace.layers[0]
    assert lstm.gate_names == ("i", "f", "g", "o", "c", "h")
    assert lstm.gates["forward"]["c"].shape == (5, 32)
    json.dumps(trace.to_dict())  # JSON-able, layer by layer, gate by gate
    _, influence = play.influence("床前明月光")
    assert influence.normalised.shape == (5,) and influence.normalised.max() == pytest.approx(1.0)


def test_a_run_without_checkpoint_cannot_be_played(isolated_home):
    run = RunStore().create("onehot4", get_task("onehot4").hparams())
    with pytest.raises(RunError, match="no trained epoch yet"):
        open_play(run)


# -- the same through the CLI (in-process) ---------------------------------------------------
from rnntui.cli import main  # noqa: E402



def _json_out(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_cli_predict_abcd_gives_e(trained, capsys):
    assert main(["predict", str(trained["onehot4"].path), "abcd", "--json"]) == 0
    out = _json_out(capsys)
    assert out["next"] == "e" and out["top"][0]["token"] == "e"
    assert main(["predict", str(trained["onehot4"].path), "abcd"]) == 0
    assert capsys.readouterr().out.startswith("abcd → e")


def test_cli_predict_poem(trained, capsys):
    args = ["predict", str(trained["poems"].path), "床前明月光", "--length", "30",
            "--temperature", "0.5", "--seed", "1"]
    assert main([*args, "--json"]) == 0
    out = _json_out(capsys)
    assert out["poem"].startswith("床前明月光") and len(out["generated"]) > 0
    assert main(args) == 0
    first, poem = capsys.readouterr().out.splitlines()[:2]
    assert first.startswith("next character: ") and poem.startswith("床前明月光")


def test_cli_predict_acrostic_starts_each_line_with_its_character(trained, capsys):
    run = str(trained["poems"].path)
    assert main(["predict", run, "--acrostic", "春夏秋冬", "--seed", "3", "--json"]) == 0
    out = _json_out(capsys)
    assert [line[0] for line in out["lines"]] == list("春夏秋冬")
    assert out["rhymed"] in (True, False) and isinstance(out["rhyme_class"], list)
    assert main(["predict", run, "--acrostic", "春夏秋冬", "--seed", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line[0] for line in lines[1:5]] == list("春夏秋冬")
    assert lines[5].startswith("(lines ") and "(平水韵)" in lines[5]
    assert out["lines"][-1].endswith("。") and len({len(line) for line in out["lines"]}) == 1


def test_cli_predict_candidates_lists_the_likeliest_next_lines(trained, capsys):
    run = str(trained["poems"].path)
    assert main(["predict", run, "床前明月光，", "--candidates", "3", "--json"]) == 0
    out = _json_out(capsys)
    assert len(out["candidates"]) == 3
    for c in out["candidates"]:
        assert set(c) >= {"line", "log_probability", "tones", "breaks", "rhymes"}
        assert len(c["line"]) == 6 and c["line"][-1] == "。" and c["log_probability"] < 0
    scores = [c["log_probability"] for c in out["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert main(["predict", run, "床前明月光，", "--candidates", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("1. ")


def test_cli_predict_refuses_first_lines_the_form_cannot_go_on_from(trained, capsys):
    run = str(trained["poems"].path)
    for args, message in ((["abc"], "no Chinese character"),
                          (["床前明月光，明月光。"], "mixed line lengths"),
                          (["床前明月光", "--chars", "7"], "cannot fit a form of 7"),
                          (["床前明月光", "--acrostic", "明月"], "line 1 must start with 明"),
                          (["床前明月光", "--candidates", "0"], "--candidates 0")):
        with pytest.raises(SystemExit) as exit_info:
            main(["predict", run, *args])
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err


def test_cli_score_gives_the_verse_figures_alone_and_with_the_rules(trained, capsys,
                                                                   tmp_path):
    run = str(trained["poems"].path)
    poems = tmp_path / "held.txt"
    poems.write_text("白日依山尽，黄河入海流。欲穷千里目，更上一层楼。\n"
                     "床前明月光，疑是地上霜。举头望明月，低头思故乡。\n", encoding="utf-8")
    assert main(["score", run, str(poems), "--samples", "5", "--json"]) == 0
    verse = _json_out(capsys)["verse"]
    assert set(verse) == {"network", "rules", "rules_tones", "real"}
    assert verse["rules"]["in_form"] == 1.0 and verse["rules"]["rhymed"] == 1.0
    assert verse["rules_tones"]["tones"] == 1.0
    assert all(0 <= verse[k]["in_form"] <= 1 for k in verse)
    assert verse["real"] == {"poems": 2, "in_form": 1.0, "rhymed": 1.0, "tones": 0.5,
                             "tone_places": verse["real"]["tone_places"]}


def test_a_traditional_first_line_reads_as_simplified_on_a_simplified_run(trained, capsys):
    play = open_play(trained["poems"])
    assert play.hp.script == "simplified"
    assert play.encode("白日依山盡").tokens == tuple("白日依山尽")  # 盡 → 尽, not <unk>
    assert play.next_tokens("白日依山盡") == play.next_tokens("白日依山尽")
    assert main(["predict", str(trained["poems"].path), "白日依山盡", "--temperature", "0",
                 "--json"]) == 0
    assert _json_out(capsys)["poem"].startswith("白日依山尽，黄河入海流")


def test_the_top_bar_is_the_poems_next_character_at_temperature_0(trained, capsys):
    run = str(trained["poems"].path)
    for text, prefix in (("床前明月光", ""), ("床前明月光，疑是", ""), ("白日依山尽", "举头望明月")):
        assert main(["predict", run, text, "--prefix", prefix, "--temperature", "0",
                     "--no-rhyme", "--json"]) == 0
        out = _json_out(capsys)
        assert out["generated"][0] == out["next"][0]["token"], text
        assert out["prefix"] == prefix and out["poem"].startswith(text)  # read, not written


def test_poem_flags_are_checked(trained, capsys):
    run = str(trained["poems"].path)
    for args, message in ((["床", "--top-p", "1.5"], "top_p must be above 0 and at most 1"),
                          (["--acrostic", "春猫"], "does not know 猫"),
                          ([], "type a first line (or give --acrostic CHARS)"),
                          (["床", "--horizon", "5"], "--horizon is for forecast runs")):
        with pytest.raises(SystemExit) as exit_info:
            main(["predict", run, *args])
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["predict", str(trained["sine"].path), "--acrostic", "春"])
    assert "--acrostic is for poem runs" in capsys.readouterr().err


def test_cli_predict_writes_a_quatrain_unless_told_otherwise(trained, capsys):
    from rnntui.tasks.corpus import poem_lines

    run = str(trained["poems"].path)
    assert main(["predict", run, "床前明月光，", "--seed", "2", "--json"]) == 0
    assert len(poem_lines(_json_out(capsys)["poem"])) == 4  # the task's default: 4 lines
    assert main(["predict", run, "床前明月光，", "--seed", "2", "--lines", "2", "--json"]) == 0
    assert len(poem_lines(_json_out(capsys)["poem"])) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", run, "床前明月光", "--lines", "-1"])
    assert exit_info.value.code == 2
    assert "--lines -1: must be 0 (no limit) or more" in capsys.readouterr().err


def test_cli_predict_sine_and_bad_input(trained, capsys):
    assert main(["predict", str(trained["sine"].path), "--json"]) == 0
    out = _json_out(capsys)
    assert len(out["window"]) == 10 and out["rmse_one_step"] >= 0
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", str(trained["onehot4"].path), "ab!d"])
    assert exit_info.value.code == 2
    assert "unknown letter '!' at position 3" in capsys.readouterr().err


def test_cli_predict_sine_free_running_forecast(trained, capsys):
    from rnntui.forecast import rmse_free

    run = trained["sine"]
    assert main(["predict", str(run.path), "--horizon", "50", "--json"]) == 0
    out = _json_out(capsys)
    play = open_play(run)
    assert out["horizon"] == 50 and len(out["free_running"]) == 50
    assert out["rmse_free"] == pytest.approx(
        rmse_free(play.net.forward, play.held_out, run.hparams.seq_len, 50))
    assert set(out["baselines"]) >= {"network", "last value"}
    # the default horizon is the one training scored, so the figures agree
    assert main(["predict", str(run.path), "--json"]) == 0
    assert _json_out(capsys)["rmse_free"] == pytest.approx(run.status().quality["rmse_free"],
                                                          rel=1e-4)
    with pytest.raises(SystemExit):
        main(["predict", str(run.path), "--horizon", "0"])
    assert "--horizon 0: must be 1 or more" in capsys.readouterr().err


def test_cli_gates_json(trained, capsys):
    assert main(["gates", str(trained["poems"].path), "白日依山尽", "--json"]) == 0
    out = _json_out(capsys)
    assert out["tokens"] == list("白日依山尽")
    layer = out["trace"]["layers"][0]
    steps = layer["gates"]["forward"]["f"]
    assert len(steps) == 5 and len(steps[0]) == 32  # steps × units
    assert len(out["influence"]["normalised"]) == 5


def test_cli_export_writes_weights_text(trained, tmp_path, capsys):
    target = tmp_path / "weights.txt"
    assert main(["export", str(trained["embed4"].path), "--out", str(target)]) == 0
    text = target.read_text()
    assert "embedding" in text and "total" in text and "248" in text
    assert "rnn_1/kernel" in text


def test_cli_explain_prints_the_seed_numbers(capsys):
    assert main(["explain"]) == 0
    out = capsys.readouterr().out
    for figure in ("[0.6, 0.5]", "[0.53704957, 0.46211716]", "1.56128388",
                   "[1.2923401, 1.39225678]", "[0.85973818, 0.88366641]", "2.72707101"):
        assert figure in out
    assert main(["explain", "--linear", "--json"]) == 0
    steps = _json_out(capsys)["steps"]
    assert steps[0]["output"] == pytest.approx(1.7) and steps[1]["before"] == pytest.approx([1.31, 1.42])
    assert steps[1]["output"] == pytest.approx(4.25)
    with pytest.raises(SystemExit):
        main(["explain", "--w-state", "0.1,x"])
    assert "--w-state '0.1,x': 'x' is not a number" in capsys.readouterr().err  # as the app says it


def test_word_level_language_model_on_an_english_text(tmp_path, capsys):
    """Seed 001's language model: next-word candidates from the softmax, on any text."""
    corpus = tmp_path / "english.txt"
    # Distinct lines: a corpus's exact duplicates are dropped before the split.
    lines = [f"the {who} {how} on the {what} ." for who in ("cat", "dog", "fox", "cow", "owl")
             for how in ("sat", "lay", "slept", "stood") for what in ("mat", "log", "rug", "bed")]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    task = get_task("poems")
    hp = task.hparams({"tokens": "word", "units": 16, "embedding_dim": 8, "seq_len": 6,
                       "epochs": 30, "learning_rate": 0.03, "lr_schedule": "constant"})
    store = RunStore(tmp_path / "runs")
    run = store.create("poems", hp, DataSource(corpus=str(corpus)))
    assert train(run).status == "completed"
    play = open_play(store.open(run.path))
    top = play.next_tokens("the cat sat on the")
    assert top[0][0] in {"mat", "log", "rug", "bed"} and len(top) == 5
    assert main(["predict", str(run.path), "the dog sat", "--json", "--temperature", "0",
                 "--length", "4"]) == 0
    out = _json_out(capsys)
    assert out["poem"].startswith("the dog sat on the") and out["next"][0]["token"] == "on"


# -- input the network never saw is named (issue 21 §4) ----------------------------------
def test_onehot4_warns_of_a_short_window_and_one_it_never_saw(trained):
    play = open_play(trained["onehot4"])
    assert "1 letter: it was trained on windows of exactly 4" in play.encode("a").warning
    assert "aaaa is none of the 5 windows it was trained on (abcd, bcde, cdea, deab, eabc)" \
        in play.encode("aaaa").warning
    assert play.encode("abcd").warning == ""
    assert play.encode("eabcd").warning == ""  # reads its last 4, a trained window


def test_sine_warns_of_values_outside_training_and_steep_windows(trained):
    play = open_play(trained["sine"])
    calm = " ".join(f"{np.sin(0.01 * k):.4f}" for k in range(10))
    assert play.encode(calm).warning == ""
    assert "55.000 is outside the training range [-1.000, 1.000]" in play.encode(
        "0 0 0 0 0 0 0 0 0 55").warning
    steep = play.encode("0 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9").warning
    assert "× the steepest in training" in steep and "outside" not in steep


def test_imdb_with_no_known_word_gets_no_label(trained):
    play = open_play(trained["imdb"])
    play.use_word_index({"great": 1, "movie": 2})
    prob, words = play.sentiment("😀 电影很好")
    assert prob is None
    assert play.no_label(words).startswith("no label: none of its")
    assert play.encode("😀 电影很好").warning.startswith("no label")
    assert play.sentiment("great movie")[0] is not None


def test_predict_json_carries_the_warnings(trained, capsys):
    from rnntui.cli import main

    assert main(["predict", str(trained["onehot4"].path), "aaaa", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["warnings"]) == 1 and "none of the 5 windows" in out["warnings"][0]


def test_predict_word_index_is_kept_with_the_run(trained, tmp_path, capsys, monkeypatch):
    # issue 21 §5: README says the word index given is kept with the run; it was not
    from rnntui.cli import main

    run = trained["imdb"]
    play = open_play(run)
    play.stored_copy.unlink(missing_ok=True)
    index = tmp_path / "word_index.json"
    index.write_text(json.dumps({"great": 1, "movie": 2}), encoding="utf-8")
    assert main(["predict", str(run.path), "great movie", "--word-index", str(index),
                 "--json"]) == 0
    capsys.readouterr()
    assert play.stored_copy.is_file()
    index.unlink()  # gone: the run's own copy answers from now on, offline
    later = open_play(RunStore(run.path.parent).open(run.path))
    assert later.missing() is None
    assert later.sentiment("great movie")[0] is not None
