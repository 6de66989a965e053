"""Regulated verse: the 平水韵's classes and groups, the patterns, and the writer's form,
rhyme, tone and acrostic rules on any model, candidate lines, `rnntui tones`."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from rnntui.poetry import meter
from rnntui.poetry.conformance import conformance
from rnntui.poetry.pingshui import EITHER, PING, ZE, ping_groups, resolved_class, tone_class
from rnntui.poetry.prepare import poem_form
from rnntui.poetry.writing import WritingError, WritingOptions
from tests.test_poetry import writer


DENG = "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。"  # 登鹳雀楼: 五绝 仄起 首句不入韵
JING = "床前明月光，疑是地上霜。举头望明月，低头思故乡。"  # 静夜思: not regulated


def test_entering_tone_characters_are_ze_whatever_mandarin_says():
    assert [tone_class(c) for c in "白月一入目不觉"] == [ZE] * 7
    assert tone_class("尽") == ZE  # looked up as 盡: the book is traditional
    assert tone_class("山") == PING and tone_class("流") == PING
    # 不 is under 十一尤 too, but its 入声 reading makes it 仄 and no rhyme character
    assert ping_groups("不") == ()


def test_a_ping_and_ze_character_fits_either_and_alone_takes_its_usual_reading():
    assert tone_class("看") == EITHER and resolved_class("看") == ZE  # kàn
    assert tone_class("思") == EITHER and resolved_class("思") == PING  # sī
    # in a pattern it never breaks: 看 at a place the pattern wants 平
    assert meter.fit(["遥看瀑布挂"]).breaks == meter.fit(["遥观瀑布挂"]).breaks


def test_the_patterns_chain_by_dui_and_nian():
    assert meter.line_kinds("A", 8) == list("ABCDABCD")
    assert meter.line_kinds("D", 4) == list("DBCD")
    assert meter.line_kinds("B", 4) == list("BDAB")
    assert meter.line_type("A", 7) == "平平仄仄平平仄"
    assert meter.free_positions(5) == {0, 2} and meter.free_positions(7) == {0, 2, 4}
    with pytest.raises(meter.MeterError):
        meter.patterns(6, 4)


def test_tones_of_deng_guan_que_lou_fit_the_first_quatrain_pattern():
    reading = meter.read_tones(DENG)
    assert reading.shown[:2] == ["仄仄平平仄", "平平仄仄平"]
    assert reading.fit.fits and reading.fit.pattern.name == "五绝 仄起 首句不入韵"
    assert reading.rhyme.rhymed and reading.rhyme.group == "下平十一尤"
    couplet = meter.read_tones("白日依山尽，黄河入海流。")
    assert couplet.fit.fits and "(lines 1-2)" in couplet.fit.describe(2)


def test_the_places_that_break_a_pattern_are_named():
    reading = meter.read_tones(JING)
    assert not reading.fit.fits
    assert (1, 3) in reading.fit.breaks  # 疑是地上霜: 上 is 仄 where the pattern wants 平
    assert reading.rhyme.rhymed and 0 in reading.rhyme.lines  # 光 霜 乡: line 1 rhymes too


def test_rhyme_needs_one_ping_group_and_no_character_twice():
    assert meter.rhyme(["白日依山尽", "黄河入海流", "欲穷千里目", "更上一层楼"]).rhymed
    assert not meter.rhyme(["白日依山尽", "黄河入海流", "欲穷千里目", "更上一层流"]).rhymed
    assert meter.rhyme(["白日依山尽", "黄河入海流", "欲穷千里目", "更上一层流"],
                       repeat=True).rhymed
    # 月 is 入声: no 平声 group, no rhyme (a modern reading would not see it)
    assert not meter.rhyme(["床前明月光", "疑是地上月", "举头望明月", "低头思故月"]).rhymed
    assert meter.rhyme(["床前明月光", "疑是地上霜"]).rhymed is None


def test_tones_refuses_text_without_a_chinese_character():
    with pytest.raises(meter.MeterError, match="no Chinese character"):
        meter.read_tones("hello, world.")
    with pytest.raises(meter.MeterError, match="mixed line lengths"):
        meter.check_uniform(["床前明月光", "疑是地上"])


def test_conformance_of_real_poems():
    figures = conformance([DENG, JING])
    assert figures.in_form == 1.0 and figures.rhymed == 1.0 and figures.tones == 0.5


# -- the writer's rules -----------------------------------------------------------------------

def test_the_form_rule_keeps_the_form_on_a_model_that_does_not():
    w = writer(1)  # random weights: the network alone does not keep the form
    alone = [w.write("白日依山尽", WritingOptions(form=False, rhyme=False, lines=4),
                     rng=np.random.default_rng(s)).text for s in range(20)]
    assert sum(poem_form(p) is not None for p in alone) < 20
    for s in range(20):
        poem = w.write("白日依山尽", WritingOptions(lines=4), rng=np.random.default_rng(s))
        assert poem_form(poem.text) == 5, poem.text
        assert all(0 < k <= 1 for k in poem.kept) and min(poem.kept) < 1
    for s in range(5):
        poem = w.write("", WritingOptions(lines=8, size=7), rng=np.random.default_rng(s))
        assert poem_form(poem.text) == 7 and len(poem.lines) == 8
    off = w.write("白日依山尽", WritingOptions(form=False, rhyme=False, lines=4),
                  rng=np.random.default_rng(0))
    # with the rules off only the typed line's mark is asked for (its whole first line)
    assert off.kept[1:] == [1.0] * (len(off.kept) - 1)


def test_the_rhyme_rule_ends_even_lines_in_one_ping_group():
    w = writer(2)
    for s in range(10):
        # 流 sets 十一尤: line 4 ends on 楼 or 秋, never on 流 again
        poem = w.write("白日依山尽，黄河入海流。", WritingOptions(lines=4),
                       rng=np.random.default_rng(s))
        assert poem.rhymed and poem.lines[3][-2] in "楼秋", poem.text
        # 光 is 平: line 1 rhymes, and line 2 ends in its group (七阳: 霜 乡 黄)
        poem = w.write("明月天上光", WritingOptions(lines=4), rng=np.random.default_rng(s))
        assert "下平七阳" in ping_groups(poem.lines[1][-2]), poem.text
    free = {w.write("明月天上光", WritingOptions(lines=2, rhyme=False),
                    rng=np.random.default_rng(s)).lines[1][-2] for s in range(20)}
    assert free - set("霜乡黄")  # without the rule the network ends line 2 elsewhere too


def test_the_tone_rule_writes_a_regulated_pattern():
    w = writer(3)
    for s in range(10):
        poem = w.write("白日依山尽", WritingOptions(lines=4, tones=True),
                       rng=np.random.default_rng(s))
        assert meter.read_tones(poem.text).fit.fits, poem.text


def test_an_acrostic_keeps_the_form_and_ends_on_a_full_stop():
    w = writer(1)
    for s in range(10):
        poem = w.write("", WritingOptions(acrostic="春夏秋冬", lines=4),
                       rng=np.random.default_rng(s))
        assert [line[0] for line in poem.lines] == list("春夏秋冬")
        assert poem_form(poem.text) is not None and poem.text.endswith("。")
    # asked for an odd number of lines, the poem still ends on 。 (not on a comma)
    for lines in (1, 3):
        poem = w.write("", WritingOptions(acrostic="春夏秋"[:lines], lines=lines),
                       rng=np.random.default_rng(0))
        assert len(poem.lines) == lines and poem.text.endswith("。"), poem.text
        assert all(line.endswith("，") for line in poem.lines[:-1][::2]), poem.text
    # the bars show what comes next: the head, written whatever the network says
    options = WritingOptions(acrostic="春夏秋冬", lines=4)
    assert w.candidates(w.start(""), 5, options) == [("春", 1.0)]
    assert w.candidates(w.start("春日依山尽，"), 5, options) == [("夏", 1.0)]
    assert w.candidates(w.start("春日依山"), 5, options)[0][0] != "夏"
    with pytest.raises(WritingError, match="line 1 must start with 春"):
        w.write("白日依山尽", WritingOptions(acrostic="春夏秋冬"))
    with pytest.raises(WritingError, match="5 acrostic characters for a poem of 4 lines"):
        w.write("", WritingOptions(acrostic="春夏秋冬月"))
    with pytest.raises(WritingError, match="does not know 龍"):
        w.write("", WritingOptions(acrostic="春龍"))


@pytest.mark.parametrize("typed, options, message", [
    ("hello", WritingOptions(), "no Chinese character"),
    ("白日依山尽，黄河入海。", WritingOptions(), "mixed line lengths"),
    ("白日依山尽黄", WritingOptions(), "the first line has 6 characters"),
    ("白日依山尽", WritingOptions(size=7), "cannot fit a form of 7"),
    ("白日依山尽，", WritingOptions(size=7), "cannot fit a form of 7"),
    ("白日", WritingOptions(size=6), "lines of 5 or 7"),
])
def test_first_lines_the_form_cannot_go_on_from_are_refused(typed, options, message):
    with pytest.raises(WritingError, match=message):
        writer().write(typed, options)
    with pytest.raises(WritingError, match=message):
        writer().check(typed, options)


def test_candidate_lines_are_the_likeliest_in_form_with_their_network_log_probability():
    w = writer(4)
    start = w.start("白日依山尽，")
    lines = w.next_lines(start, 5, WritingOptions())
    assert len(lines) == 5 and len({c.line for c in lines}) == 5
    assert len({c.line[:2] for c in lines}) == 5  # kept diverse: a start each
    scores = [c.log_probability for c in lines]
    assert scores == sorted(scores, reverse=True)
    for c in lines:
        assert len(c.line) == 6 and c.line[-1] == "。" and c.rhymes is not None
        assert len(c.tones) == 5
    # the log-probability is the network's own, step by step
    best = lines[0].line
    logits, state, total = start.logits, start.state, 0.0
    for ch in best:
        z = np.asarray(logits, dtype=np.float64)
        total += float(z[w.index[ch]] - (z.max() + math.log(np.exp(z - z.max()).sum())))
        logits, state = w.net.step_logits(w.index[ch], state)
    assert total == pytest.approx(lines[0].log_probability)
    # after a typed whole line, its mark first, then the next line
    after = w.next_lines(w.start("白日依山尽"), 3, WritingOptions())
    assert all(len(c.line) == 6 and c.line[-1] == "。" for c in after)
    with pytest.raises(WritingError, match="has its 4 lines"):
        w.next_lines(w.start(DENG), 3, WritingOptions())


def test_the_ping_and_ze_odds_of_the_next_character_sum_to_one():
    w = writer(0)
    ping, ze = w.tone_split(w.start("白日依山尽，"))
    assert 0 < ping < 1 and ping + ze == pytest.approx(1.0)
    assert w.tone_split(w.start("白日依山尽")) == (0.0, 0.0)  # a mark comes next
    poem = w.write("白日依山尽，", WritingOptions(), rng=np.random.default_rng(0))
    assert len(poem.ping) == len(poem.written)  # at each step
    assert [p is None for p in poem.ping] == [c in "，。" for c in poem.written]
    assert poem.ping[0] == pytest.approx(ping)  # the first is the bars' split


# -- the command line ---------------------------------------------------------------------------

def test_rnntui_tones_prints_each_line_and_the_pattern(capsys):
    from rnntui.cli import main

    assert main(["tones", "白日依山尽，黄河入海流。", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tones"] == ["仄仄平平仄", "平平仄仄平"] and data["fits"]
    assert main(["tones", JING]) == 0
    out = capsys.readouterr().out
    assert "平仄仄仄平" in out and "breaks at line 2 place 4" in out
    for args, message in ((["no chinese here"], "no Chinese character"),
                          (["白日依山尽，黄河入海流。", "--form", "七绝"],
                           "a 七绝 has lines of 7 characters; these have 5"),
                          ([DENG + DENG, "--form", "五绝"], "a 五绝 has 4 lines; the text has 8"),
                          (["床前明月光，疑是地上。"], "mixed line lengths")):
        with pytest.raises(SystemExit) as exit_:
            main(["tones", *args])
        assert exit_.value.code == 2
        assert message in capsys.readouterr().err
    assert main(["tones", DENG, "--form", "五律", "--json"]) == 0  # its first four lines
    assert json.loads(capsys.readouterr().out)["pattern"].startswith("五律 仄起")


def test_real_tang_verse_rhymes_and_keeps_the_patterns_by_the_book():
    """The checks read real poems as a reader of Tang verse would (skips without the data):
    of tang300's 254 regulated poems 83% rhyme by the 平水韵 (the rest rhyme on 仄 or change
    rhyme, as 古体 of the same shape does) and 94% of the places checked keep a pattern."""
    from pathlib import Path

    from rnntui.poetry.prepare import prepare
    from rnntui.tasks.corpus import read_poems

    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "tang300.txt"
    path = path if path.is_file() else Path("/work/shared/data/tang300.txt")
    if not path.is_file():
        pytest.skip("no ../shared/data/tang300.txt")
    prepared = prepare(read_poems(path), "simplified", "regulated", 0, 0)
    figures = conformance(prepared.train + prepared.validation + prepared.test)
    assert figures.poems > 200 and figures.in_form == 1.0
    assert figures.rhymed > 0.75 and figures.tone_places > 0.9 and figures.tones > 0.5


def test_the_form_rule_does_not_apply_to_a_vocabulary_of_words():
    from rnntui.nn import Network
    from rnntui.nn.cells import LSTMCell
    from rnntui.nn.layers import Dense, Embedding, Recurrent
    from rnntui.poetry.writing import PoemWriter
    from rnntui.tasks.corpus import END, UNK

    vocab = [END, UNK, "the", "cat", "sat", "on", "mat", "."]
    rng = np.random.default_rng(0)
    v, e, u = len(vocab), 4, 6
    cell = LSTMCell(rng.normal(0, 0.8, (e, 4 * u)), rng.normal(0, 0.8, (u, 4 * u)),
                    rng.normal(0, 0.5, 4 * u))
    bias = np.zeros(v)
    bias[0] = 3.0  # END likely: the network ends its text soon
    net = Network([Embedding("emb", rng.normal(0, 1, (v, e))), Recurrent("lstm", cell, False),
                   Dense("out", rng.normal(0, 1, (u, v)), bias, "softmax")])
    w = PoemWriter(net, vocab, None)
    assert not w.verse
    poem = w.write("", WritingOptions(lines=None, length=24, rhyme=False),
                   rng=np.random.default_rng(1))
    assert len(poem.steps) > len(poem.written)  # it ended itself: END is not banned


# -- a character under several 平 groups -------------------------------------------------------

def test_a_character_under_several_ping_groups_rhymes_by_its_usual_one():
    from rnntui.poetry.pingshui import rhyme_groups, usual_group

    # 平 is listed under 一先 (pián) before 八庚 (píng); 还 under 十五删 (huán) and 一先 (xuán)
    assert set(ping_groups("平")) == {"下平一先", "下平八庚"} and usual_group("平") == "下平八庚"
    assert usual_group("还") == "上平十五删"
    # they share only 一先, a group neither is usually read in: no rhyme
    assert rhyme_groups(["还", "平"]) == []
    assert not meter.rhyme(["春山夜露鸟", "夏是今月还", "秋城雨雨别", "冬曹何头平"]).rhymed
    # 天 is usually read in 一先, so 还 may rhyme with it there (context decides)
    assert meter.rhyme(["春山夜露鸟", "夏是今月还", "秋城雨雨别", "冬曹何头天"]).group == "下平一先"
    # 行 (七阳 and 八庚) rhymes with 光 and 霜 in 七阳, their group
    assert meter.rhyme(["床前明月光", "疑是地上霜", "举头望明月", "低头向远行"]).rhymed


def test_characters_whose_opencc_traditional_form_is_not_the_books_are_found():
    # OpenCC writes 为 as 爲 and 众 as 衆; the book has 為 and 眾
    assert tone_class("为") == EITHER and ping_groups("为") == ("上平四支",)
    assert tone_class("众") == ZE


def test_the_rhyme_rule_refuses_a_rhyme_made_of_rare_readings_only():
    """A network that wants 平 to end line 4 after 还 ends line 2: 平 shares only 一先 with
    还, a group neither is usually read in, so the rule writes another character."""
    from rnntui.nn import Network
    from rnntui.nn.cells import LSTMCell
    from rnntui.nn.layers import Dense, Embedding, Recurrent
    from rnntui.poetry.writing import PoemWriter
    from rnntui.tasks.corpus import END, UNK

    vocab = [END, UNK, "，", "。", *"春山夜露鸟夏是今月还秋城雨别冬曹何头平天关"]
    rng = np.random.default_rng(0)
    v, e, u = len(vocab), 4, 6
    bias = np.zeros(v)
    bias[vocab.index("平")] = 8.0  # the network's favourite by far
    net = Network([Embedding("emb", rng.normal(0, 1, (v, e))),
                   Recurrent("lstm", LSTMCell(rng.normal(0, 0.8, (e, 4 * u)),
                                              rng.normal(0, 0.8, (u, 4 * u)),
                                              np.zeros(4 * u)), False),
                   Dense("out", np.zeros((u, v)), bias, "softmax")])
    w = PoemWriter(net, vocab, "simplified")
    typed = "春山夜露鸟，夏是今月还。秋城雨雨别，冬曹何头"
    ends = {w.write(typed, WritingOptions(lines=4), rng=np.random.default_rng(s)).lines[3][-2]
            for s in range(20)}
    assert "平" not in ends and ends <= set("天关山"), ends  # 删: 关 山; 先: 天
    # without the rhyme rule the network's favourite ends it
    assert w.write(typed, WritingOptions(lines=4, rhyme=False),
                   rng=np.random.default_rng(0)).lines[3][-2] == "平"
    start = w.start("春山夜露鸟，夏是今月还。秋城雨雨别，")
    marks = {c.line[-2]: c for c in w.next_lines(start, 3, WritingOptions(lines=4))}
    assert "平" not in marks and all(c.rhymes for c in marks.values())


def test_the_form_rule_writes_every_line_whatever_the_length():
    """A 七律 is 64 characters with its marks: the length (48 by default in the app and on
    the CLI) does not cut it off at line 7."""
    w = writer(5)
    for s in range(3):
        poem = w.write("", WritingOptions(lines=8, length=48, size=7),
                       rng=np.random.default_rng(s))
        assert len(poem.lines) == 8 and poem_form(poem.text) == 7, poem.text
        assert poem.text.endswith("。")
    # with the form rule off the length still bounds what is written
    off = w.write("白日依山尽", WritingOptions(lines=8, length=10, form=False, rhyme=False),
                  rng=np.random.default_rng(0))
    assert len(off.written) <= 10
