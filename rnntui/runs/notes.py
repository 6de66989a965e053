"""A run's note and tags: what the user wrote about it, kept beside the run in `notes.json`.

A file of its own, apart from `config.json` (what the run was trained with) and `status.json`
(what the engine wrote): a note can be written while the run trains in another process, and
neither writer can then overwrite the other's file. Written atomically like every run file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from rnntui.config import shown
from rnntui.runs.files import atomic_write

NOTES = "notes.json"
MAX_NOTE = 2000  # characters: a note is a sentence or a paragraph, not a document
_TAG = re.compile(r"^[^\s,]{1,40}$")


class NotesError(ValueError):
    """A tag or note that is refused; the message says why."""


@dataclass(frozen=True)
class RunNotes:
    """What the user wrote about a run."""

    note: str = ""
    tags: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        """Whether a filter's `text` occurs in the note or a tag (case-insensitive)."""
        needle = text.casefold()
        return needle in self.note.casefold() or any(needle in t.casefold() for t in self.tags)

    def label(self) -> str:
        """Tags then note on one line, for lists: '#baseline #lr · first try'."""
        parts = [" ".join(f"#{t}" for t in self.tags), self.note.splitlines()[0] if self.note else ""]
        return shown(" · ".join(p for p in parts if p))  # a note may hold escape codes


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags typed as 'a, b c' (commas or spaces), each once, in the order typed.

    Raises:
        NotesError: for a tag over 40 characters.
    """
    tags: list[str] = []
    for tag in re.split(r"[\s,]+", text.strip()):
        tag = tag.lstrip("#")
        if not tag:
            continue
        if not _TAG.match(tag):
            raise NotesError(f"tag {tag[:20]!r}…: a tag is at most 40 characters")
        if tag not in tags:
            tags.append(tag)
    return tuple(tags)


def check_note(note: str) -> str:
    """The note, if it can be kept.

    Raises:
        NotesError: for a note longer than MAX_NOTE characters.
    """
    if len(note) > MAX_NOTE:
        raise NotesError(f"the note has {len(note)} characters; at most {MAX_NOTE}")
    return note


def read_notes(run_path: Path) -> RunNotes:
    """The run's notes; none (not an error) when the file is missing or damaged: notes must
    never keep a run from opening."""
    try:
        data = json.loads((run_path / NOTES).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return RunNotes()
    if not isinstance(data, dict):
        return RunNotes()
    note = data.get("note")
    tags = data.get("tags")
    return RunNotes(note=note if isinstance(note, str) else "",
                    tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list)
                    else ())


def write_notes(run_path: Path, notes: RunNotes) -> None:
    """Save the notes atomically.

    Raises:
        NotesError: for a note longer than MAX_NOTE characters.
    """
    check_note(notes.note)
    atomic_write(run_path / NOTES, json.dumps({"note": notes.note, "tags": list(notes.tags)},
                                              ensure_ascii=False, indent=2))
