"""A run's note and tags: saved beside the run, read back, searched by the filter."""

from __future__ import annotations

import pytest

from rnntui.runs.notes import NOTES, NotesError, RunNotes, parse_tags, read_notes, write_notes


def test_notes_round_trip_and_match(tmp_path):
    write_notes(tmp_path, RunNotes("first try with a high rate\nsecond line", ("lr", "baseline")))
    notes = read_notes(tmp_path)
    assert notes.tags == ("lr", "baseline")
    assert notes.matches("HIGH RATE") and notes.matches("base") and not notes.matches("gru")
    assert notes.label() == "#lr #baseline · first try with a high rate"


def test_tags_are_read_as_typed_once_each():
    assert parse_tags(" a, b  #c,a ") == ("a", "b", "c")
    assert parse_tags("") == ()
    with pytest.raises(NotesError):
        parse_tags("x" * 41)


def test_missing_or_damaged_notes_are_empty_never_an_error(tmp_path):
    assert read_notes(tmp_path) == RunNotes()
    (tmp_path / NOTES).write_text("{not json", encoding="utf-8")
    assert read_notes(tmp_path) == RunNotes()
    (tmp_path / NOTES).write_text('{"note": 3, "tags": ["ok", 4]}', encoding="utf-8")
    assert read_notes(tmp_path) == RunNotes("", ("ok",))


def test_an_overlong_note_is_refused(tmp_path):
    with pytest.raises(NotesError):
        write_notes(tmp_path, RunNotes("x" * 2001))
    assert not (tmp_path / NOTES).exists()
