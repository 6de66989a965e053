"""Rhyme groups: the 十三辙 (thirteen rhyme classes of northern Chinese verse), read from the
finals that pypinyin gives each character.

A character with several readings (斜 xié/xiá, 看 kàn/kān) belongs to the groups of all of
them, so two characters rhyme when any of their readings share a class: Tang poets rhymed on
Middle Chinese sounds, and the modern classes are an approximation either way (real Tang
quatrains rhyme lines 2 and 4 in about 87% of poems by this rule, bench/bench_poem_form.py).
"""

from __future__ import annotations

from functools import lru_cache

# The classes by their usual names, each with the pypinyin finals (strict, toneless; ü as v)
# that belong to it.
THIRTEEN_CLASSES: dict[str, tuple[str, ...]] = {
    "发花": ("a", "ia", "ua"),
    "梭波": ("o", "e", "uo"),
    "乜斜": ("ie", "ve", "ue", "ê"),
    "一七": ("i", "v", "er"),
    "姑苏": ("u",),
    "怀来": ("ai", "uai"),
    "灰堆": ("ei", "uei", "ui"),
    "遥条": ("ao", "iao"),
    "油求": ("ou", "iou", "iu"),
    "言前": ("an", "ian", "uan", "van"),
    "人辰": ("en", "in", "uen", "un", "vn"),
    "江阳": ("ang", "iang", "uang"),
    "中东": ("eng", "ing", "ong", "iong", "ueng"),
}
_CLASS_OF = {final: name for name, finals in THIRTEEN_CLASSES.items() for final in finals}


@lru_cache(maxsize=65536)
def rhyme_classes(char: str) -> frozenset[str]:
    """The 十三辙 classes of a character's readings.

    Args:
        char: one character.

    Returns:
        The class names (empty for a mark, a Latin letter or a character with no reading).
    """
    if len(char) != 1 or ord(char) < 0x2E80:
        return frozenset()
    from pypinyin import Style, pinyin  # ~0.3 s for its dictionaries, once

    readings = pinyin(char, style=Style.FINALS, heteronym=True, strict=True,
                      errors="ignore")
    finals = readings[0] if readings else []
    return frozenset(_CLASS_OF[f.replace("ü", "v")] for f in finals
                     if f.replace("ü", "v") in _CLASS_OF)


def rhymes(a: str, b: str) -> bool:
    """Whether two characters share a rhyme class (through any of their readings)."""
    return bool(rhyme_classes(a) & rhyme_classes(b))
