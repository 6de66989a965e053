"""One script for the corpus and for what users type.

The chinese-poetry files are in traditional characters and most users type simplified ones;
both are converted to the run's `script` with OpenCC (its official Python package, `opencc`),
so 白日依山尽 and 白日依山盡 read the same on any run.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

SCRIPTS = ("simplified", "traditional")
# OpenCC's configurations: traditional (OpenCC standard) → simplified, and back. Phrase-level
# conversion, so 髮/發 → 发 and 发 → 發/髮 by context, which a character table cannot do.
_CONFIG = {"simplified": "t2s", "traditional": "s2t"}


@lru_cache(maxsize=None)
def _converter(script: str) -> Any:
    import opencc  # ~20 ms and its dictionaries: only when text is converted

    return opencc.OpenCC(_CONFIG[script])


def to_script(text: str, script: str) -> str:
    """`text` in `script` (simplified or traditional), whatever script it was typed in.

    Args:
        text: any text; characters with no counterpart are kept as they are.
        script: "simplified" or "traditional".

    Returns:
        The converted text, of the same length for the corpus's characters.

    Raises:
        ValueError: for an unknown script.
    """
    if script not in _CONFIG:
        raise ValueError(f"unknown script {script!r}: one of {', '.join(SCRIPTS)}")
    return _converter(script).convert(text) if text else text
