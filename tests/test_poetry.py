"""The poetry core: script conversion, rhyme classes, the Kneser-Ney baseline, corpus
preparation and the poem writer (no TensorFlow)."""

from __future__ import annotations

import math
import random

import pytest

from rnntui.poetry.ngram import KneserNey
from rnntui.poetry.rhyme import rhyme_classes, rhymes
from rnntui.poetry.script import to_script


def test_to_script_reads_either_script_as_the_runs():
    assert to_script("白日依山盡，黃河入海流。", "simplified") == "白日依山尽，黄河入海流。"
    assert to_script("白日依山尽", "traditional") == "白日依山盡"
    assert to_script("白日依山尽", "simplified") == "白日依山尽"
    with pytest.raises(ValueError, match="unknown script"):
        to_script("山", "cursive")


def test_rhyme_classes_are_the_thirteen_classes_of_the_readings():
    assert rhyme_classes("光") == {"江阳"} and rhymes("霜", "乡")
    assert rhymes("流", "楼") and not rhymes("光", "流")
    assert {"发花", "乜斜"} <= rhyme_classes("斜")  # xiá and xié
    assert rhyme_classes("，") == frozenset() and rhyme_classes("a") == frozenset()


def _poems(seed: int = 0, count: int = 150) -> list[list[int]]:
    r = random.Random(seed)
    return [[r.randrange(2, 9) for _ in range(r.randrange(3, 12))] for _ in range(count)]


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_kneser_ney_probabilities_sum_to_one_in_any_context(order):
    model = KneserNey(order, 10, end=0).fit(_poems())
    for ctx in ([0, 0, 0, 0], [2, 3, 4, 5], [9, 9, 9, 9], [5], []):
        assert math.isclose(sum(model.prob(ctx, t) for t in range(10)), 1.0, abs_tol=1e-9)
    assert model.prob([9, 9, 9, 9], 9) > 0  # never seen: still a probability


def test_kneser_ney_by_hand_on_a_tiny_corpus():
    # Poems "1 2" and "1 3" (end 0), bigram: events (0→1) ×2, (1→2), (2→0), (1→3), (3→0).
    model = KneserNey(2, 4, end=0).fit([[1, 2], [1, 3]])
    d1, d2 = model._discounts
    # Unigram level, continuation counts: 1 follows {0}, 2 {1}, 3 {1}, 0 {2, 3}: total 5.
    uni = {t: max(c - d1, 0) / 5 + d1 * 4 / 5 / 4 for t, c in {0: 2, 1: 1, 2: 1, 3: 1}.items()}
    # After 1: 2 and 3 once each, total 2, two types.
    expected = max(1 - d2, 0) / 2 + d2 * 2 / 2 * uni[2]
    assert math.isclose(model.prob([1], 2), expected)
    assert math.isclose(model.prob([1], 0), d2 * uni[0])


def test_a_higher_order_fits_its_own_training_poems_better():
    poems = _poems()
    assert KneserNey(5, 10, 0).fit(poems).perplexity(poems) < \
        KneserNey(2, 10, 0).fit(poems).perplexity(poems)


# -- the writer -----------------------------------------------------------------------------
import numpy as np  # noqa: E402

from rnntui.nn import Network, pick_id  # noqa: E402
from rnntui.nn.cells import LSTMCell  # noqa: E402
from rnntui.nn.layers import Dense, Embedding, Recurrent  # noqa: E402
from rnntui.poetry.writing import (PoemWriter, WritingError, WritingOptions,  # noqa: E402
                                   even_lines_rhyme)
from rnntui.tasks.corpus import END, UNK  # noqa: E402

CHARS = list("，。白日依山尽黄河入海流光霜乡楼人门春夏秋冬月明天上")
WRITER_VOCAB = [END, UNK, *CHARS]


def writer(seed: int = 0) -> PoemWriter:
    """A random LSTM whose head favours the marks a little, so lines end now and then."""
    rng = np.random.default_rng(seed)
    v, e, u = len(WRITER_VOCAB), 4, 6
    cell = LSTMCell(rng.normal(0, 0.8, (e, 4 * u)), rng.normal(0, 0.8, (u, 4 * u)),
                    rng.normal(0, 0.5, 4 * u))
    bias = rng.normal(0, 0.5, v)
    bias[2:4] += 1.5
    net = Network([Embedding("emb", rng.normal(0, 1, (v, e))), Recurrent("lstm", cell, False),
                   Dense("out", rng.normal(0, 1, (u, v)), bias, "softmax")])
    return PoemWriter(net, WRITER_VOCAB, "simplified")


def test_top_p_keeps_the_likeliest_until_their_share_reaches_p():
    logits = np.log(np.array([0.5, 0.3, 0.15, 0.05]))
    drawn = {pick_id(logits, 1.0, rng=np.random.default_rng(s), top_p=0.75) for s in range(200)}
    assert drawn == {0, 1}
    assert {pick_id(logits, 1.0, rng=np.random.default_rng(s), top_p=0.01)
            for s in range(50)} == {0}
    assert len({pick_id(logits, 1.0, rng=np.random.default_rng(s), top_p=1.0)
                for s in range(400)}) == 4


def test_either_script_starts_the_same_poem():
    w = writer()
    a, b = w.start("白日依山尽，"), w.start("白日依山盡，")
    assert a.tokens == b.tokens == list("白日依山尽，")
    np.testing.assert_array_equal(a.logits, b.logits)
    assert w.start("白日依山X").tokens[-1] == UNK


def test_candidates_are_what_the_first_character_is_drawn_from():
    w = writer()
    start = w.start("白日依山尽，", prefix="春天")
    probs = dict(w.candidates(start, k=len(WRITER_VOCAB)))
    assert sum(probs.values()) == pytest.approx(1.0)
    poem = w.write(options=WritingOptions(rhyme=False), rng=np.random.default_rng(3),
                   start=start)
    assert poem.steps[0] == pytest.approx(probs[poem.written[0]])
    # the prefix is read, not written; and it changes the state
    assert not poem.text.startswith("春天")
    assert not np.allclose(w.start("白日依山尽，").logits, start.logits)


def test_acrostic_starts_every_line_with_its_character():
    w = writer(1)
    for s in range(10):
        poem = w.write(options=WritingOptions(acrostic="春夏秋冬", lines=4, length=200),
                       rng=np.random.default_rng(s))
        assert len(poem.lines) == 4
        assert [line[0] for line in poem.lines] == list("春夏秋冬")
    with pytest.raises(WritingError, match="does not know 龍"):
        w.write(options=WritingOptions(acrostic="春龍"))


def test_the_last_character_of_line_four_rhymes_with_line_two():
    w = writer(2)
    typed = "白日依山尽，黄河入海流。欲穷千里目，更上一层"  # line 4 lacks its last character
    rhyming = {c for c in CHARS if rhymes(c, "流")}
    assert rhyming == set("流楼秋")
    firsts = {w.write(typed, WritingOptions(lines=4, temperature=1.0),
                      rng=np.random.default_rng(s)).written[0] for s in range(40)}
    assert firsts <= rhyming
    free = {w.write(typed, WritingOptions(lines=4, temperature=1.0, rhyme=False),
                    rng=np.random.default_rng(s)).written[0] for s in range(40)}
    assert free - rhyming  # without rhyme the network writes other characters too


def test_even_lines_rhyme_by_class():
    assert even_lines_rhyme(["白日依山尽，", "黄河入海流。", "欲穷千里目，", "更上一层楼。"])
    assert not even_lines_rhyme(["床前明月光，", "疑是地上霜。", "举头望明月，", "低头思故流。"])
    assert even_lines_rhyme(["床前明月光，", "疑是地上霜。"]) is None


def test_bad_settings_are_refused():
    for bad in (WritingOptions(temperature=-1), WritingOptions(top_p=0),
                WritingOptions(lines=0), WritingOptions(top_k=-2)):
        with pytest.raises(WritingError):
            writer().write("白日", bad)


def test_a_typed_first_line_is_whole_unless_asked_otherwise():
    w = writer(4)
    for s in range(10):
        poem = w.write("白日依山尽", WritingOptions(lines=2, length=40),
                       rng=np.random.default_rng(s))
        assert poem.lines[0][:5] == "白日依山尽" and poem.lines[0][5] in "，。"
    free = {w.write("白日依山尽", WritingOptions(lines=1, length=40, whole_first_line=False),
                    rng=np.random.default_rng(s)).written[0] for s in range(20)}
    assert free - set("，。")


def test_the_poetry_core_loads_without_keras_or_textual():
    import subprocess
    import sys

    code = ("import sys, rnntui.poetry.writing, rnntui.poetry.scoring, rnntui.poetry.prepare, "
            "rnntui.poetry.download, rnntui.cli.scoring; "
            "print(sorted(m for m in ('keras', 'tensorflow', 'textual') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
