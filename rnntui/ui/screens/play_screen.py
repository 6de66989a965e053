"""What the gates, predict and dice screens are alike in: a run opened for play, a row to type
an input into, a line under it for what is wrong, and workers that report, never raise.

A worker runs its network call inside `reporting`: input the network cannot read comes back
as Refused (a caret under the character, while the field still holds that text), a run that
cannot be played as Failed in its own words, and a bug as Failed with its type. The screen
stays alive whatever the worker meets. After a refusal, `clear_answer` takes away the
answer to the earlier input (each screen says what its answer is).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from rnntui.nn import MirrorError
from rnntui.play import InputError
from rnntui.runs import Run, RunError
from rnntui.tasks import DataUnavailable, get_task
from rnntui.ui.screens.playing import PlayHandle
from rnntui.ui.widgets.file_field import FileField
from rnntui.ui.widgets.inline_message import InlineMessage

# The run cannot be played (no checkpoint, unreadable weights, no word index): these say so
# in words meant for the user, so they are shown as they are.
CANNOT_PLAY = (RunError, MirrorError, DataUnavailable)


class PlayScreen(Screen[None]):
    """A screen that plays `run` with what the user types into `#<PREFIX>-input`."""

    PREFIX: ClassVar[str]
    """The screen's widget ids start with it: `<PREFIX>-info`, `<PREFIX>-input`..."""
    DEFAULT_CSS = """
    PlayScreen .play-info {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    PlayScreen .play-input-row {
        height: 1;
        padding: 0 1;
    }
    PlayScreen .play-input-row > Label {
        width: auto;
        padding-right: 1;
        color: $text-accent;
    }
    PlayScreen .play-input-row > Input {
        width: 1fr;
    }
    PlayScreen .play-message {
        padding: 0 1;
    }
    """

    @dataclass
    class Refused(Message, bubble=False):
        """The input cannot be read: the previous view stays."""

        text: str
        message: str
        position: int | None

    @dataclass
    class Failed(Message, bubble=False):
        """The run cannot be played (no checkpoint, unreadable weights, no data), or a bug."""

        message: str

    @dataclass
    class Supplied(Message, bubble=False):
        """The file typed into the offered field gave what the run lacked (None), or not
        (why)."""

        problem: str | None

    def __init__(self, run: Run):
        super().__init__()
        self.run = run
        self.handle = PlayHandle(run)
        self.reads = get_task(run.task_id).play_input(run.hparams)
        """How the run is played and what its input reads (the task's declaration)."""

    def compose_input(self, info: str, label: str, field: Input) -> ComposeResult:
        """The header, a line on what to do (`<PREFIX>-info`), the row with `label` and
        `field` (whose id is `<PREFIX>-input`) and the line for errors under it."""
        yield Header()
        yield Static(info, id=f"{self.PREFIX}-info", classes="play-info")
        with Horizontal(id=f"{self.PREFIX}-input-row", classes="play-input-row"):
            yield Label(label, id=f"{self.PREFIX}-input-label")
            yield field
        yield InlineMessage(id=f"{self.PREFIX}-message", classes="play-message")

    @property
    def field(self) -> Input:
        return self.query_one(f"#{self.PREFIX}-input", Input)

    @contextmanager
    def reporting(self, doing: str, text: str | None = None) -> Iterator[None]:
        """In a worker: post what goes wrong in the block as a message, and end the block.

        Args:
            doing: what failed, for a bug's message ("could not predict").
            text: the typed input the block reads; an InputError refuses it. None: the block
                reads no typed input, and an InputError is a failure like any other.
        """
        try:
            yield
        except InputError as exc:
            if text is None:
                self.post_message(self.Failed(str(exc)))
            else:
                self.post_message(self.Refused(text, str(exc), exc.position))
        except CANNOT_PLAY as exc:
            self.post_message(self.Failed(str(exc)))
        except Exception as exc:  # a bug must show as a message, never as a dead screen
            self.post_message(self.Failed(f"{doing}: {type(exc).__name__}: {exc}"))

    def on_play_screen_refused(self, message: Refused) -> None:
        field = self.field
        if message.text != field.value:
            return  # typed on since: a newer answer is on its way
        self.query_one(InlineMessage).error_at(field, message.text, message.position,
                                               message.message)
        self.clear_answer()

    def clear_answer(self) -> None:
        """The field's text was refused: take away (or mark) what answered an earlier one,
        so no answer on screen belongs to another input than the field shows (issue 21 §2).
        """

    def on_play_screen_failed(self, message: Failed) -> None:
        self.query_one(InlineMessage).error(message.message)
        self.offer_file()

    # -- a file the run lacks (a review run's word index), typed here (issue 21 §5) --------
    def offer_file(self) -> None:
        """When what the run lacks comes from a file, a field for its path under the
        message (→ completes, Enter reads it), with the focus; once only."""
        wanted = self.handle.wanted
        if wanted is None or self.query(FileField):
            return
        row = FileField(wanted)
        self.mount(row, after=self.query_one(InlineMessage))
        self.call_after_refresh(lambda: row.query_one(Input).focus())

    @on(Input.Submitted, "FileField Input")
    def _file_given(self, event: Input.Submitted) -> None:
        event.stop()
        row = self.query_one(FileField)
        problem = row.problem or (None if row.path else "type the file's path first")
        row.show_error(problem)
        if problem is None and row.path is not None:
            self._supply(row.path)

    @work(thread=True, exclusive=True, group="supply", exit_on_error=False,
          description="read the file the run lacks")
    def _supply(self, path: str) -> None:
        try:
            self.handle.supply(path)
        except CANNOT_PLAY as exc:
            self.post_message(self.Supplied(str(exc)))
        except Exception as exc:  # a bug must show as a message, never as a dead screen
            self.post_message(self.Supplied(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.Supplied(None))

    def on_play_screen_supplied(self, message: Supplied) -> None:
        rows = self.query(FileField)
        if message.problem is not None:
            if rows:
                rows.first().show_error(message.problem)
            return
        rows.remove()
        self.query_one(InlineMessage).clear()
        self.field.focus()
        self.replay()

    def replay(self) -> None:
        """Answer the field's input again (what the run lacked is there now)."""

    def action_back(self) -> None:
        self.app.pop_screen()
