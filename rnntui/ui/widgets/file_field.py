"""A form row for a data file a task reads (IMDb's .npz, its word index, a poem corpus, a
CSV series and its column), as the task declares it: a path typed with completion from the
file system, and a line saying what is wrong."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from rnntui.tasks import SourceField

class PathSuggester(Suggester):
    """Completes a typed path with the first entry of its folder that starts with it
    (→ or End accepts; a folder gets its /)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
        folder, stem = (typed, "") if value.endswith("/") else (typed.parent, typed.name)
        try:
            names = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()
                           if p.name.startswith(stem) and not p.name.startswith("."))
        except OSError:
            return None
        for name in names:
            if name != stem:
                return value + name[len(stem):]
        return None


def file_problem(value: str) -> str | None:
    """What is wrong with a typed path (None: empty, or a readable file)."""
    if not value.strip():
        return None
    path = Path(value.strip()).expanduser()
    if path.is_dir():
        return f"{value}: a folder; name a file in it"
    if not path.is_file():
        return f"{value}: no such file"
    return None


class FileField(Vertical):
    """Name and path on one line; help, and any error, underneath."""

    DEFAULT_CSS = """
    FileField {
        height: auto;
        padding: 0 1 0 0;
    }
    FileField > Horizontal {
        height: auto;
    }
    FileField .name {
        width: 19;
        padding: 0 1 0 1;
    }
    FileField Input {
        width: 1fr;
    }
    FileField .help {
        padding-left: 19;
        color: $text-muted;
    }
    FileField.-invalid .help {
        color: $text-error;
    }
    """

    def __init__(self, field: SourceField, value: str | None = None):
        super().__init__(id=f"file-{field.name}")
        self.field = field
        self.key = field.name
        self.value = value or ""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.field.label, classes="name")
            if self.field.is_path:
                yield Input(self.value, placeholder="path (→ completes)",
                            id=f"input-file-{self.key}", compact=True, suggester=PathSuggester())
            else:
                yield Input(self.value, id=f"input-file-{self.key}", compact=True)
        yield Static(self.field.help, classes="help")

    @property
    def path(self) -> str | None:
        value = self.query_one(Input).value.strip()
        return value or None

    @property
    def problem(self) -> str | None:
        """What is wrong with the typed value (a path's only; free text is the task's to
        check when it reads the file)."""
        return file_problem(self.path or "") if self.field.is_path else None

    def show_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-invalid")
        self.query_one(".help", Static).update(message or self.field.help)
