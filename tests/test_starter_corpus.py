"""Checks on the built-in Tang starter corpus (assets/tang_starter.json)."""

import json
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent.parent / "assets" / "tang_starter.json"

# One couplet: two equal-length halves of 5 or 7 CJK characters.
COUPLET = re.compile(r"^([\u4e00-\u9fff]{5}|[\u4e00-\u9fff]{7})，([\u4e00-\u9fff]+)[。？！]$")

# Common characters that only exist in traditional script (their simplified
# forms differ), so none of them may appear in a simplified-script corpus.
TRADITIONAL_ONLY = set(
    "舉頭鄉樓窮層從來時東風無為見長門開關間雲飛馬鳥島書學國還過對隨陽淚聲處歸覺離難雙題鄰憶響劍錢"
    "紅綠輕線細紹結經絕總萬與兩這進遠邊陰陸隱雞華葉蘇藥蒼灣濤滿漢湧溫澤濕濃"
    "發後裏夢愛歡聽當們個話說請讀誰寫詩詞燈燭樹橋壺園陣圖鶴鷗鴻鶯鵝鷺驛"
    "憐悵嘆歎滄瀟灑淚盡虛蕭條鬢髮齊鐘簾牆龍鳳龜蠶魚漁嶺岡峽"
)
# (潮 is deliberately absent: it is written the same way in both scripts.)


@pytest.fixture(scope="module")
def poems():
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def _lines(poem):
    out = []
    for para in poem["paragraphs"]:
        m = COUPLET.match(para)
        assert m, f"{poem['title']}: bad couplet {para!r}"
        out.extend([m.group(1), m.group(2)])
    return out


def test_enough_poems(poems):
    assert len(poems) >= 150


def test_title_and_author(poems):
    for p in poems:
        assert isinstance(p.get("title"), str) and p["title"].strip()
        assert isinstance(p.get("author"), str) and p["author"].strip()


def test_couplet_shape(poems):
    for p in poems:
        paras = p["paragraphs"]
        assert isinstance(paras, list)
        assert len(paras) in (2, 4), f"{p['title']}: {len(paras)} couplets"
        for para in paras:
            m = COUPLET.match(para)
            assert m, f"{p['title']}: bad couplet {para!r}"
            assert len(m.group(1)) == len(m.group(2)), f"{p['title']}: {para!r}"


def test_uniform_line_length(poems):
    for p in poems:
        lengths = {len(line) for line in _lines(p)}
        assert len(lengths) == 1 and lengths <= {5, 7}, p["title"]


def test_no_duplicate_first_lines(poems):
    firsts = [_lines(p)[0] for p in poems]
    dups = {f for f in firsts if firsts.count(f) > 1}
    assert not dups, dups


def test_seed_lines_present(poems):
    firsts = {_lines(p)[0] for p in poems}
    for seed in ("床前明月光", "白日依山尽"):
        assert seed in firsts


def test_traditional_list_is_big_enough():
    assert len(TRADITIONAL_ONLY) >= 60


def test_simplified_script_only(poems):
    for p in poems:
        text = p["title"] + p["author"] + "".join(p["paragraphs"])
        bad = sorted(set(text) & TRADITIONAL_ONLY)
        assert not bad, f"{p['title']}: traditional characters {bad}"
