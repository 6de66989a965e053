"""Which typed characters are commands: one rule for every field that shares a screen with
single-character keys.

A field types what it can hold; a character bound to a command on its screen (or the app)
that the field could never hold goes to that command instead. So typing never triggers a
command, and a command key never types: `/` edits in a letters field but types in a review,
`C` trains three cells from a number field but types in a text field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.binding import Binding, BindingType
from textual.keys import key_to_character

# Key names Textual's `key_to_character` does not turn into their character.
_NAMED = {"slash": "/", "plus": "+", "minus": "-", "space": " ", "full_stop": ".",
          "comma": ","}

NUMBER_CHARS = frozenset("0123456789.-+eE")  # what a number can be typed with (1e-05)


def key_character(key: str) -> str | None:
    """The printable character a binding key stands for ("slash" → "/"), or None."""
    char = _NAMED.get(key) or key_to_character(key)
    return char if char is not None and len(char) == 1 and char.isprintable() else None


def bound_characters(bindings: Iterable[BindingType]) -> frozenset[str]:
    """The printable characters among `bindings`' keys (each of "a,b" counted)."""
    chars = set()
    for binding in bindings:
        keys = binding.key if isinstance(binding, Binding) else binding[0]
        for key in keys.split(","):
            char = key_character(key.strip())
            if char is not None:
                chars.add(char)
    return frozenset(chars)


def command_characters(bindings: Iterable[BindingType],
                       types: Callable[[str], bool]) -> frozenset[str]:
    """The bound characters a field that `types` (a character → can it hold it) leaves to
    the commands."""
    return frozenset(c for c in bound_characters(bindings) if not types(c))
