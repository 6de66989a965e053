"""Reading a poem corpus and cutting it into tokens.

Takes chinese-poetry JSON (a list of objects with `paragraphs`) or plain UTF-8 text, with one
poem per line or poems separated by blank lines. Tokens are characters, or words and
punctuation marks (for an English text and next-word prediction, as in seed 001).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rnntui.paths import asset
from rnntui.tasks.base import DataUnavailable

STARTER = "tang_starter.json"
END = "\n"  # the token that ends a poem; generation stops on it
# The token for a character the network knows too little about: rarer than the vocabulary's
# cut-off in training, or never seen at all. No tokenizer can produce it (it is several
# characters long, and word tokens split "<" and ">" off).
UNK = "<unk>"
_WORD = re.compile(r"\w+(?:'\w+)?|[^\w\s]")


def starter_path() -> Path:
    return asset(STARTER)


def read_poems(path: str | Path | None = None, label: str | None = None) -> list[str]:
    """The poems of a corpus file (the built-in starter corpus when `path` is None).

    Args:
        path: the file.
        label: how errors name the file (default: `--corpus PATH`).

    Raises:
        DataUnavailable: for a missing, non-UTF-8, empty or malformed file.
    """
    path = Path(path).expanduser() if path else starter_path()
    label = label or f"--corpus {path}"
    if not path.is_file():
        raise DataUnavailable(f"{label}: no such file" if path.exists() is False
                              else f"{label}: not a file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataUnavailable(f"{label}: not UTF-8 text (byte {exc.object[exc.start]:#04x} "
                              f"at position {exc.start})") from None
    except OSError as exc:
        raise DataUnavailable(f"{label}: cannot read it ({exc.strerror})") from None
    if "\x00" in text:
        raise DataUnavailable(f"{label}: looks binary (it holds NUL bytes), not text")
    stripped = text.lstrip()
    if stripped[:1] == '"':  # a JSON string: its text, not the text with its quotes
        try:
            decoded = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError):
            decoded = None
        if isinstance(decoded, str):
            text = stripped = decoded
    poems = _from_json(stripped, label) if stripped[:1] in ("[", "{") else _from_text(text)
    poems = [p for p in (p.strip() for p in poems) if p]
    if not poems:
        raise DataUnavailable(f"{label}: no poems in it")
    return poems


def read_corpus_files(paths: list[Path]) -> list[str]:
    """The poems of several corpus files, in order (the real corpus's 58 JSON files).

    Raises:
        DataUnavailable: as `read_poems`, for the first bad file.
    """
    return [poem for path in paths for poem in read_poems(path)]


def _from_json(text: str, label: str) -> list[str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataUnavailable(f"{label}: broken JSON at line {exc.lineno} ({exc.msg})") from None
    except RecursionError:  # thousands of nested brackets
        raise DataUnavailable(f"{label}: JSON nested too deeply to be a corpus") from None
    items = data if isinstance(data, list) else [data]
    poems = []
    for n, item in enumerate(items):
        if isinstance(item, str):  # a list of poems as strings
            poems.append(item)
            continue
        paragraphs = item.get("paragraphs") if isinstance(item, dict) else None
        if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
            raise DataUnavailable(f"{label}: item {n} is neither a poem string nor an object "
                                  "with a 'paragraphs' list of strings (chinese-poetry layout)")
        poems.append(_join_lines(paragraphs))
    return poems


def _from_text(text: str) -> list[str]:
    lines = text.splitlines()
    if any(not line.strip() for line in lines[:-1]) and sum(1 for line in lines if line.strip()) > 1:
        blocks, block = [], []
        for line in lines + [""]:
            if line.strip():
                block.append(line.strip())
            elif block:
                blocks.append(_join_lines(block))
                block = []
        return blocks
    return [line.strip() for line in lines]


def _join_lines(lines: list[str]) -> str:
    """Lines of one poem: no space after CJK text, one space after anything else."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if out and not _is_cjk(out[-1]):
            out += " "
        out += line
    return out


def _is_cjk(char: str) -> bool:
    return ord(char) >= 0x2E80


LINE_ENDS = "，。？！；"  # the marks that end a line of a Chinese poem


def poem_lines(text: str) -> list[str]:
    """A poem's lines, each with the mark that ends it; an unfinished last line as it is.

    >>> poem_lines("床前明月光，疑是地上霜。舉頭")
    ['床前明月光，', '疑是地上霜。', '舉頭']
    """
    lines, line = [], ""
    for char in text:
        if char == END:
            break
        line += char
        if char in LINE_ENDS:
            lines.append(line)
            line = ""
    return lines + [line] if line else lines


def tokenize(text: str, tokens: str) -> list[str]:
    """Characters, or words and punctuation marks."""
    if tokens == "char":
        return list(text)
    return _WORD.findall(text)


def detokenize(tokens: list[str], tokens_kind: str) -> str:
    """Tokens back into text: characters as they are; words with a space before each word
    (not before punctuation)."""
    if tokens_kind == "char":
        return "".join(tokens)
    out = ""
    for token in tokens:
        if out and (token[0].isalnum() or token[0] == "'") and not out.endswith("\n"):
            out += " "
        out += token
    return out
