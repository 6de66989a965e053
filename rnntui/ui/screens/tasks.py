"""The first screen: every task with what it learns, and the saved runs.

Enter on a task opens its hyperparameters; `t` trains it with the defaults. Enter on a run
opens its training view; `r` resumes it, `d` deletes it after asking, `n` writes its note
and tags (shown in the list and found by the filter), `m` renames it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from rnntui.runs.notes import NotesError, read_notes, write_notes
from rnntui.runs import RunError, RunInfo
from rnntui.tasks import TASKS, DataSource, Task, get_task
from rnntui.ui import figures, messages
from rnntui.ui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from rnntui.ui.navigator import Navigator



class TaskList(OptionList):
    """The tasks; enter opens the highlighted one's hyperparameters."""

    BINDINGS = [Binding("enter", "select", "Hyperparameters", id="tasks.open",
                        tooltip="edit the highlighted task's hyperparameters, then train")]


class RunTable(DataTable):
    """The saved runs, in the order chosen (newest first at start); enter opens one."""

    BINDINGS = [Binding("enter", "select_cursor", "Open run", id="runs.open",
                        tooltip="open the run's training view: its curves and how it ended"),
                Binding("home", "first", "First", id="runs.first", show=False,
                        tooltip="the first run"),
                Binding("end", "last", "Last", id="runs.last", show=False,
                        tooltip="the last run")]

    def action_first(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, animate=False)

    def action_last(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)


NOTE_WIDTH = 30  # characters of a run's tags and note in the list; the detail line has all

# How the runs list can be ordered (o cycles): a name, and the sort key of a RunInfo.
def _created(info: RunInfo) -> str:
    return info.run.created if info.run else ""


def _quality(info: RunInfo) -> float:
    if info.run is None:
        return float("inf")
    task = get_task(info.run.task_id)
    value = info.run.status().quality.get(task.quality.name)
    if value is None:
        return float("inf")
    return -value if task.quality.higher_is_better else value


RUN_ORDERS = (("newest first", lambda i: "", True),  # the store's own order
              ("by task", lambda i: (i.run.task_id if i.run else "~", _created(i)), False),
              ("best quality first", _quality, False),
              ("by name", lambda i: i.name, False))


def describe_task(task: Task, source: DataSource = DataSource()) -> Table:
    """The task's card: what it learns, its model, data, what to expect, where it is from."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    try:
        model, params = task.preview(task.hparams())
        model_text = Text.assemble(model, "\n", (f"{figures.count(params)} parameters",
                                                 "italic"))
    except Exception as exc:  # e.g. the poems corpus cannot be read: say so, do not crash
        model_text = Text(f"cannot preview the model: {exc}", style="italic")
    grid.add_row("learns", Text(task.learns))
    grid.add_row("model", model_text)
    grid.add_row("data", Text(task.data_text))
    grid.add_row("expect", Text(task.expect))
    grid.add_row("from", Text(task.seed_ref))
    note = task.data_note(task.own_source(source))
    if note:
        grid.add_row("note", Text(note, style="bold"))
    return grid


class TasksScreen(Screen[None]):
    """Tasks on the left, the highlighted task's card on the right, runs underneath."""

    HELP_TITLE = "tasks"
    BODY = "#run-table"  # Esc leaves the filter for the runs it filters (rnntui.ui.keys)
    # In footer order: the footer drops keys from its end when they do not fit (the runs
    # list at 80 columns keeps Resume, Filter, Order, Note, Rename); ? lists them all.
    BINDINGS = [
        Binding("r", "resume", "Resume", id="runs.resume",
                tooltip="train the highlighted run on from its checkpoint"),
        Binding("slash", "filter", "Filter", id="runs.filter", key_display="/",
                tooltip="show only the runs whose name, task or status holds what you type"),
        Binding("o", "order", "Order", id="runs.order",
                tooltip="order the runs: newest first, by task, best quality first, by name"),
        Binding("n", "notes", "Note", id="runs.notes",
                tooltip="write the highlighted run's note and tags (/ finds them)"),
        Binding("m", "rename", "Rename", id="runs.rename",
                tooltip="rename the highlighted run (refused while it trains)"),
        Binding("escape", "clear_filter", "Clear filter", id="runs.clear_filter",
                tooltip="show every run again"),
        Binding("d", "delete", "Delete", id="runs.delete",
                tooltip="delete the highlighted run (asks first)"),
        Binding("t", "train", "Train", id="tasks.train",
                tooltip="train the highlighted task with its default hyperparameters"),
        Binding("c", "compare", "Compare", id="tasks.compare",
                tooltip="overlay the curves of this task's runs"),
        # Not in the footer (it would push Quit and Help off an 80-column runs list): the
        # form's footer shows it, and ? and the palette list it here.
        Binding("C", "train_cells", "3 cells", id="tasks.train_cells", key_display="C",
                show=False,
                tooltip="train the highlighted task with SimpleRNN, LSTM and GRU in turn "
                "(its defaults otherwise), then compare them"),
        # One key between the two lists (Tab also gets there, through the task's card).
        Binding("l", "runs_list", "Runs", id="tasks.runs", key_display="l",
                tooltip="go to the runs list (l again: back to the tasks)"),
        Binding("l", "tasks_list", "Tasks", id="runs.tasks", key_display="l",
                tooltip="back to the task list"),
        Binding("q", "app.quit", "Quit", id="tasks.quit",
                tooltip="quit (a running training keeps its last complete epoch)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.infos: dict[str, RunInfo] = {}
        self._keys_state: tuple[bool, ...] | None = None  # what the footer last followed
        self.order = 0  # an index into RUN_ORDERS
        self.filter = ""  # runs shown hold this (name, task or status), case-insensitive
        self._card_task = ""  # the task whose card is shown

    @property
    def rnntui(self) -> Navigator:
        return cast("Navigator", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="tasks-top"):
            task_list = TaskList(*(Option(self._task_prompt(t), id=t.id) for t in TASKS.values()),
                                 id="task-list")
            task_list.border_title = "Tasks"
            yield task_list
            with VerticalScroll(id="task-info") as info:
                # The highlighted task's card is in the first frame: drawn when the list's
                # OptionHighlighted came, it showed three frames (~30 ms of CPU) later.
                task = get_task(self.rnntui.current_task_id)
                info.border_title = task.title
                yield Static(describe_task(task, self.rnntui.source_for(task.id)),
                             id="task-text")
                self._card_task = task.id
        with Vertical(id="runs"):
            runs_filter = Input(placeholder="filter the runs: part of a name, task or status "
                                "(enter or esc keeps it, esc again clears it)", id="runs-filter",
                                compact=True)
            runs_filter.display = False
            yield runs_filter
            table = RunTable(id="run-table", cursor_type="row")
            yield table
            yield Static(id="run-detail")
        yield KeyFooter()

    @staticmethod
    def _task_prompt(task: Task) -> Text:
        # Ids only: titles are long and the card beside the list shows the highlighted one's.
        return Text(task.id, style="bold")

    def on_mount(self) -> None:
        self.sub_title = "tasks"
        table = self.query_one(RunTable)
        table.add_column("run", key="run")
        table.add_column("epochs", key="epochs")
        table.add_column("status", key="status")
        table.add_column("quality", key="quality")
        table.add_column("note", key="note")
        self.query_one("#runs").border_title = "Runs"
        task_list = self.query_one(TaskList)
        task_list.highlighted = list(TASKS).index(self.rnntui.current_task_id)
        task_list.focus()

    # Listening only while shown: see TrainingScreen.on_screen_suspend for why.
    def on_screen_resume(self) -> None:
        self.rnntui.service.updated.subscribe(self, self._training_updated)
        self.refresh_runs()

    def on_screen_suspend(self) -> None:
        self.rnntui.service.updated.unsubscribe(self)

    def _training_updated(self, update: tuple) -> None:
        from rnntui.engine import events as ev

        session, event = update
        if event is None or isinstance(event, (ev.TrainingStarted, ev.TrainingFinished,
                                               ev.TrainingFailed)):
            self.refresh_runs()
        elif isinstance(event, ev.EpochEnded):  # the training row follows, epoch by epoch
            table = self.query_one(RunTable)
            if session.run.name in table.rows:
                table.update_cell(session.run.name, "epochs",
                                  Text(f"{session.epochs_done}/{session.epochs_target}"))

    # -- tasks -------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#task-list")
    def _task_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        task = get_task(str(event.option.id))
        self.rnntui.current_task_id = task.id
        if task.id == self._card_task:  # the list's first highlight: compose drew its card
            return
        self._card_task = task.id
        info = self.query_one("#task-info", VerticalScroll)
        info.border_title = task.title
        self.query_one("#task-text", Static).update(
            describe_task(task, self.rnntui.source_for(task.id)))
        info.scroll_home(animate=False)

    @on(OptionList.OptionSelected, "#task-list")
    def _task_selected(self, event: OptionList.OptionSelected) -> None:
        self.rnntui.open_task(str(event.option.id))

    def action_train(self) -> None:
        self.rnntui.train(self.rnntui.current_task_id)

    def action_train_cells(self) -> None:
        self.rnntui.train_cells(self.rnntui.current_task_id)

    def action_compare(self) -> None:
        info = self._highlighted_run() if self.focused is self.query_one(RunTable) else None
        task_id = info.run.task_id if info and info.run else self.rnntui.current_task_id
        self.rnntui.compare(task_id, [info.name] if info and info.run else [])

    # -- runs --------------------------------------------------------------------------------
    def focus_runs(self) -> None:
        self.query_one(RunTable).focus()

    def refresh_runs(self) -> None:
        """Reread the run store (a few small files per run) and redraw the table."""
        table = self.query_one(RunTable)
        keep = self._highlighted_run()
        try:
            infos = self.rnntui.store.list()
        except RunError as exc:
            infos = []
            self.notify(str(exc), title="Cannot list runs", severity="error")
        self.infos = {info.name: info for info in infos}
        row_before = table.cursor_row
        name, key, reverse = RUN_ORDERS[self.order]
        shown = sorted(infos, key=key, reverse=reverse) if self.order else infos
        rows = [(info, self._run_cells(info)) for info in shown]
        if self.filter:
            wanted = self.filter.lower()
            rows = [(info, cells) for info, cells in rows
                    if any(wanted in cell.plain.lower() for cell in cells)
                    or (info.run is not None and wanted in info.run.task_id)
                    or read_notes(info.path).matches(wanted)]
        table.clear()
        for info, cells in rows:
            table.add_row(*cells, key=info.name)
        if keep is not None and keep.name in {info.name for info, _ in rows}:
            table.move_cursor(row=table.get_row_index(keep.name), animate=False)
        elif rows:  # the highlighted run went (deleted): stay where it was
            table.move_cursor(row=min(row_before, len(rows) - 1), animate=False)
        count = f"{len(rows)} of {len(infos)}" if self.filter else f"{len(infos)}"
        what = f" · {name}" + (f" · /{self.filter}" if self.filter else "")
        self.query_one("#runs").border_title = f"Runs ({count}){what if self.order or self.filter else ''}"
        self._show_run_detail()
        # Resume, delete, notes and rename come and go with the rows shown, Clear filter
        # with the filter: the footer follows them (a refresh rebuilds it: only on a change).
        keys_state = (bool(rows), bool(self.filter),
                      bool(self.query_one("#runs-filter").display))
        if keys_state != self._keys_state:
            self._keys_state = keys_state
            self.refresh_bindings()

    def _run_cells(self, info: RunInfo) -> tuple[Text, ...]:
        if info.run is None:
            return (Text(info.name), Text("—"), Text("damaged", style="bold"), Text("see below"),
                    Text(""))
        run = info.run
        service = self.rnntui.service
        status = run.status()
        state = "training" if service.training(run) else status.status
        quality = status.quality
        quality_text = "  ".join(f"{k} {figures.named(k, v)}" for k, v in quality.items())
        label = read_notes(run.path).label()
        if len(label) > NOTE_WIDTH:  # the whole note is in the line beneath the list
            label = label[:NOTE_WIDTH - 1] + "…"
        return (Text(run.name), Text(f"{run.epochs_done}/{run.hparams.epochs}"), Text(state),
                Text(quality_text or "—"), Text(label, style="italic"))

    def _highlighted_run(self) -> RunInfo | None:
        table = self.query_one(RunTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # the cursor sits outside a table that just shrank
            return None
        return self.infos.get(str(key))

    @on(DataTable.RowHighlighted, "#run-table")
    def _show_run_detail(self) -> None:
        info = self._highlighted_run()
        detail = self.query_one("#run-detail", Static)
        if info is None and self.filter and self.infos:  # runs there are, none matching
            detail.update(Text(f"No run matches “{self.filter}” ({len(self.infos)} runs "
                               "in all): esc clears the filter.", style="italic"))
        elif info is None:
            detail.update(Text("No runs yet: pick a task and press t to train it.",
                               style="italic"))
        elif info.run is None:
            detail.update(Text(f"cannot open: {info.error}", style="bold"))
        else:
            run = info.run
            hp = run.hparams
            text = Text(
                f"{run.task_id} · {hp.cell} × {hp.units} units, {hp.layers} layer(s) · "
                f"{hp.optimizer} {hp.learning_rate:g} · created {run.created}")
            label = read_notes(run.path).label()
            if label:
                text.append(f"\n{label}", style="italic")
            detail.update(text)

    @on(DataTable.RowSelected, "#run-table")
    def _run_selected(self) -> None:
        info = self._highlighted_run()
        if info is None:
            return
        if info.run is None:
            self.notify(f"{info.error}", title="Cannot open this run", severity="error")
            return
        self.post_message(messages.RunScreenAsked(info.run, "training"))

    def action_runs_list(self) -> None:
        self.focus_runs()

    def action_tasks_list(self) -> None:
        self.query_one(TaskList).focus()

    def action_filter(self) -> None:
        field = self.query_one("#runs-filter", Input)
        field.display = True
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#runs-filter", Input)
        field.value = ""
        field.display = False
        self.filter = ""
        self.refresh_runs()
        self.focus_runs()

    def action_order(self) -> None:
        self.order = (self.order + 1) % len(RUN_ORDERS)
        self.refresh_runs()
        self.notify(f"Runs {RUN_ORDERS[self.order][0]}.", timeout=2)

    @on(Input.Changed, "#runs-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.filter = event.value.strip()
        self.refresh_runs()

    @on(Input.Submitted, "#runs-filter")
    def _filter_kept(self, event: Input.Submitted) -> None:
        self.focus_runs()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        on_runs = self.focused is not None and self.focused.id == "run-table"
        if action == "runs_list":
            return not on_runs
        if action == "tasks_list":
            return on_runs
        if action == "clear_filter":
            return bool(self.filter) or self.query_one("#runs-filter").display
        if action in ("filter", "order"):  # about runs: while the runs table has the focus
            return self.focused is not None and self.focused.id == "run-table"
        if action in ("resume", "delete", "notes", "rename"):
            # Only about runs: shown while the runs table has the focus and a row.
            focused = self.focused is not None and self.focused.id == "run-table"
            return focused and self._highlighted_run() is not None
        return True

    def action_resume(self) -> None:
        info = self._highlighted_run()
        if info is None or info.run is None:
            self.notify("This run cannot be opened, so it cannot be resumed.",
                        severity="error")
            return
        self.post_message(messages.TrainOnAsked(info.run))

    def action_delete(self) -> None:
        info = self._highlighted_run()
        if info is None:
            return
        service = self.rnntui.service
        if (service.busy and service.session is not None
                and service.session.run.path == info.path):
            self.notify("This run is training: stop it before deleting it.", severity="error")
            return

        from rnntui.ui.screens.dialogs import ConfirmScreen  # not needed for the first draw

        def delete(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.rnntui.store.delete(info.name)
            except (RunError, OSError) as exc:
                self.notify(str(exc), title="Cannot delete", severity="error")
            else:
                self.notify(f"Deleted {info.name}.")
            self.refresh_runs()

        self.app.push_screen(ConfirmScreen(
            f"Delete the run {info.name}?",
            "Its checkpoint, history and settings are removed from disk.", yes="Delete"),
            delete)

    def action_notes(self) -> None:
        info = self._highlighted_run()
        if info is None or info.run is None:
            return
        from rnntui.ui.screens.dialogs import NotesScreen

        def save(notes) -> None:  # RunNotes | None
            if notes is None:
                return
            try:
                write_notes(info.path, notes)
            except (NotesError, OSError) as exc:
                self.notify(str(exc), title="Cannot save the note", severity="error")
                return
            self.refresh_runs()

        self.app.push_screen(NotesScreen(info.name, read_notes(info.path)), save)

    def action_rename(self) -> None:
        info = self._highlighted_run()
        if info is None or info.run is None:
            return
        if self.rnntui.service.training(info.run):
            self.notify(f"{info.name} is training: rename it once it has stopped.",
                        title="Cannot rename", severity="error")
            return
        from rnntui.ui.screens.dialogs import RenameScreen

        def rename(new_name: str | None) -> None:
            if new_name is None:
                return
            try:
                run = self.rnntui.store.rename(info.name, new_name)
            except (RunError, OSError) as exc:  # RunBusy (trained elsewhere) is a RunError
                self.notify(str(exc), title="Cannot rename", severity="error")
                return
            self.notify(f"Renamed {info.name} to {run.name}.")
            self.refresh_runs()
            table = self.query_one(RunTable)
            if run.name in table.rows:
                table.move_cursor(row=table.get_row_index(run.name), animate=False)

        self.app.push_screen(RenameScreen(info.name), rename)
