"""Small modal questions: confirm a deletion, ask how many epochs to train in all, a run's
note and tags, a run's new name."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from rnntui.config import SCHEMA, ConfigError
from rnntui.outcome import epochs as epochs_text
from rnntui.runs.notes import NotesError, RunNotes, check_note, parse_tags


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no; dismisses with True for yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    HELP_TITLE = "confirm"

    def __init__(self, question: str, detail: str = "", yes: str = "Delete"):
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question, style="bold"), classes="dialog-question")
            if self.detail:
                yield Static(Text(self.detail), classes="dialog-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="error", id="yes", compact=True)
                yield Button("Keep (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # the safe answer is the default

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class EpochsScreen(ModalScreen[int | None]):
    """How many epochs in all, more than are done; dismisses with the number or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="epochs.cancel")]
    HELP_TITLE = "resume"

    def __init__(self, run_name: str, done: int):
        super().__init__()
        self.run_name = run_name
        self.done = done

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(f"{self.run_name} has done {epochs_text(self.done)}.",
                              style="bold"), classes="dialog-question")
            yield Static(f"Train on up to how many epochs in all? (more than {self.done})",
                         classes="dialog-detail")
            yield Input(str(self.done * 2 if self.done else 10), id="epochs-input",
                        compact=True, select_on_focus=True)
            yield Static("", id="epochs-error", classes="dialog-error")
            yield Static("enter resumes · escape cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _parse(self, text: str) -> int:
        epochs = SCHEMA["epochs"].parse(text)
        if epochs <= self.done:
            raise ConfigError("epochs", f"epochs={epochs}: must be more than the {self.done} "
                                        "already done")
        return epochs

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        try:
            self._parse(event.value)
            message = ""
        except ConfigError as exc:
            message = f"✗ {exc.message}"
        self.query_one("#epochs-error", Static).update(Text(message))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(self._parse(event.value))
        except ConfigError:
            self.app.bell()  # the error is on screen already

    def action_cancel(self) -> None:
        self.dismiss(None)


class NotesScreen(ModalScreen[RunNotes | None]):
    """A run's note and tags; dismisses with the new RunNotes, or None when cancelled."""

    DEFAULT_CSS = """
    NotesScreen {
        align: center middle;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="notes.cancel")]
    HELP_TITLE = "notes"

    def __init__(self, run_name: str, notes: RunNotes):
        super().__init__()
        self.run_name = run_name
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(f"Note and tags of {self.run_name}", style="bold"),
                         classes="dialog-question")
            yield Static("note", classes="dialog-detail")
            yield Input(self.notes.note, placeholder="what this run tried, how it went",
                        id="notes-note", compact=True)
            yield Static("tags (words, or a,b)", classes="dialog-detail")
            yield Input(" ".join(self.notes.tags), placeholder="baseline wide",
                        id="notes-tags", compact=True)
            yield Static("", id="notes-error", classes="dialog-error")
            yield Static("enter saves · tab moves · escape cancels · / in the runs list "
                         "finds notes and tags", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#notes-note", Input).focus()

    def _read(self) -> RunNotes:
        note = check_note(self.query_one("#notes-note", Input).value.strip())
        return RunNotes(note, parse_tags(self.query_one("#notes-tags", Input).value))

    @on(Input.Changed)
    def _changed(self) -> None:
        try:
            self._read()
            message = ""
        except NotesError as exc:
            message = f"✗ {exc}"
        self.query_one("#notes-error", Static).update(Text(message))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        try:
            self.dismiss(self._read())
        except NotesError:
            self.app.bell()  # the error is on screen already

    def action_cancel(self) -> None:
        self.dismiss(None)


class RenameScreen(ModalScreen[str | None]):
    """A run's new name; dismisses with it, or None when cancelled. The store checks it."""

    DEFAULT_CSS = """
    RenameScreen {
        align: center middle;
    }
    RenameScreen Input {
        margin-top: 1;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="rename.cancel")]
    HELP_TITLE = "rename"

    def __init__(self, run_name: str):
        super().__init__()
        self.run_name = run_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(f"Rename {self.run_name}", style="bold"),
                         classes="dialog-question")
            yield Input(self.run_name, id="rename-input", compact=True, select_on_focus=True)
            yield Static("letters, digits, '.', '_' and '-' · enter renames · escape cancels",
                         classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        self.dismiss(name if name and name != self.run_name else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
