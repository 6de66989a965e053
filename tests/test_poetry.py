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
