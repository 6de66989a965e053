"""Compare runs of one task: tick runs, see their curves overlaid and their final figures.

Each run gets a number (#1, #2 …) shared by the list, the plot legends and the table, so a
curve is easy to match with its figures even at 80 columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, SelectionList, Static
from textual.widgets.selection_list import Selection

from rnntui.compare import best_validation
from rnntui.standing import network_name, standing
from rnntui.runs import Run, RunError
from rnntui.tasks import TASKS, get_task
from rnntui.ui import figures
from rnntui.ui.curves import epoch_curve, metric_key
from rnntui.ui.theme import SERIES_COLOURS
from rnntui.ui.widgets.footer import KeyFooter
from rnntui.ui.widgets.plots import CurvePlot, Series
from rnntui.ui.widgets.tick_list import TickList

if TYPE_CHECKING:
    from rnntui.ui.app import RnntuiApp

_MARKERS = ("hd", "dot", "braille", "x", "+", "o")  # curves differ without colour too
DEFAULT_PICKS = 2  # runs ticked when none were asked for: the two newest


class CompareScreen(Screen[None]):
    """Runs of `task_id` in a checkbox list, their curves, and a table of final figures."""

    HELP_TITLE = "compare"
    BINDINGS = [
        Binding("t", "next_task", "Next task", id="compare.next_task",
                tooltip="compare the runs of the next task that has runs"),
        Binding("a", "all", "All/none", id="compare.all", tooltip="tick every run, or none"),
        Binding("escape", "back", "Back", id="compare.back", tooltip="back"),
    ]

    def __init__(self, task_id: str, selected: list[str] | None = None):
        super().__init__()
        self.task_id = task_id
        self.asked = list(selected or [])
        self.runs: list[Run] = []
        self._histories: dict[str, list[dict[str, float]]] = {}
        self.shown = ""
        self.table: DataTable = DataTable(classes="compare-table")

    @property
    def rnntui(self) -> RnntuiApp:
        return cast("RnntuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="compare-plots"):
            yield CurvePlot("loss", log_y=True, id="compare-loss")
            yield CurvePlot("metric", id="compare-metric")
        yield TickList(id="compare-runs")
        yield self.table
        yield Static(id="compare-standing")
        yield Static(id="compare-empty")
        yield KeyFooter()

    async def on_mount(self) -> None:
        await self.load(self.task_id, self.asked)
        self.query_one(SelectionList).focus()

    # -- loading -----------------------------------------------------------------------------
    def _runs_of(self, task_id: str) -> list[Run]:
        try:
            infos = self.rnntui.store.list()
        except RunError as exc:
            self.notify(str(exc), title="Cannot list runs", severity="error")
            return []
        return [i.run for i in infos if i.run is not None and i.run.task_id == task_id]

    async def load(self, task_id: str, asked: list[str]) -> None:
        self.task_id = task_id
        self.rnntui.current_task_id = task_id
        self.sub_title = f"compare · {task_id}"
        self.runs = list(reversed(self._runs_of(task_id)))  # oldest first: #1 is the first
        self._histories = {}
        names = [r.name for r in self.runs]
        picks = [n for n in asked if n in names]
        for name in reversed(names):  # add the newest others until there are two
            if len(picks) >= DEFAULT_PICKS:
                break
            if name not in picks:
                picks.append(name)
        runs_list = self.query_one(SelectionList)
        runs_list.clear_options()
        runs_list.add_options([Selection(self._label(i, run), run.name, run.name in picks)
                               for i, run in enumerate(self.runs)])
        if self.runs:
            runs_list.highlighted = 0  # space works at once
        quality = get_task(task_id).quality.name
        runs_list.border_title = f"runs of {task_id} · quality = {quality} · space ticks"
        self.shown = self._shown_metric()
        await self._new_table()
        empty = self.query_one("#compare-empty", Static)
        empty.display = not self.runs
        empty.update(Text(f"No runs of {task_id} yet: train it (t on the tasks screen) and "
                          "come back.", style="italic"))
        self.redraw()

    def _live(self, run: Run):
        """The service's session when `run` is the one training (its history is fresher than
        the checkpoint's, which is written every few seconds)."""
        service = self.rnntui.service
        return service.session if service.training(run) else None

    def _label(self, index: int, run: Run) -> Text:
        status = "training" if self._live(run) else run.status().status
        return Text.assemble((f"#{index + 1} ", "bold"), run.name,
                             f"  {run.epochs_done}/{run.hparams.epochs} epochs  {status}")

    def _shown_metric(self) -> str:
        """The validation metric when the task's runs log one, else the training metric."""
        metric = metric_key(self.task_id)
        for run in self.runs:
            history = self.history(run)
            if history and f"val_{metric}" in history[-1]:
                return f"val_{metric}"
        return metric

    async def _new_table(self) -> None:
        """A fresh table for this task's columns.

        Its columns are made once: re-adding columns to a table (clear(columns=True)) kept
        drawing the cells at the width of the old labels (Textual 8.2).
        """
        # The new table is mounted before the old one goes, and `table` names whichever is
        # current: a redraw queued by the cleared list runs while this awaits, and once
        # found no table at all (`c` then `t` died with NoMatches).
        old = self.table
        table = DataTable(cursor_type="row", zebra_stripes=True, classes="compare-table")
        table.can_focus = False  # keys go to the list; the table only shows figures
        await self.mount(table, before=self.query_one("#compare-standing"))
        for key, label in (("#", "#"), ("cell", "cell"), ("units", "units"),
                           ("params", "params"), ("epochs", "epochs"), ("loss", "loss"),
                           ("metric", self.shown), ("best", "best val"), ("quality", "quality"),
                           ("time", "time")):
            table.add_column(label, key=key)
        self.table = table
        await old.remove()

    def history(self, run: Run) -> list[dict[str, float]]:
        live = self._live(run)
        if live is not None:
            return list(live.history)
        if run.name not in self._histories:
            try:
                self._histories[run.name] = run.history()
            except RunError as exc:
                self.notify(str(exc), severity="error")
                self._histories[run.name] = []
        return self._histories[run.name]

    # -- drawing -----------------------------------------------------------------------------
    @on(SelectionList.SelectedChanged)
    def redraw(self) -> None:
        chosen = set(self.query_one(SelectionList).selected)
        picked = [(i, run) for i, run in enumerate(self.runs) if run.name in chosen]
        shown = self.shown
        histories = {run.name: self.history(run) for _, run in picked}
        loss_series, metric_series = [], []
        for i, run in picked:
            label = f"#{i + 1} {run.hparams.cell}{run.hparams.units}"
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            marker = _MARKERS[i % len(_MARKERS)]
            history = histories[run.name]
            loss_series.append(Series(label, epoch_curve(history, "loss"), colour, marker))
            metric_series.append(Series(label, epoch_curve(history, shown), colour, marker))
        self.query_one("#compare-loss", CurvePlot).show(loss_series, title="loss")
        self.query_one("#compare-metric", CurvePlot).show(metric_series, title=shown)
        self._fill_table(picked, shown, histories)

    def _fill_table(self, picked: list[tuple[int, Run]], shown: str,
                    histories: dict[str, list[dict[str, float]]]) -> None:
        task = get_task(self.task_id)
        table = self.table
        table.clear()
        beside = []
        for i, run in picked:
            hp = run.hparams
            last = histories[run.name][-1] if histories[run.name] else {}
            counted = run.params()
            params = "—" if counted is None else figures.count(counted)
            status = run.status()
            quality = status.quality.get(task.quality.name)
            best = best_validation(self.task_id, histories[run.name])[1]
            seconds = status.train_seconds
            cells = (f"#{i + 1}", hp.cell + (" ×2" if hp.bidirectional else ""),
                     str(hp.units) + (f" ×{hp.layers}" if hp.layers > 1 else ""), params,
                     f"{len(histories[run.name])}/{hp.epochs}", figures.figure(last.get("loss")),
                     figures.figure(last.get(shown)), figures.figure(best),
                     figures.figure(quality),
                     f"{seconds:.0f} s" if isinstance(seconds, (int, float)) else "—")
            table.add_row(*(Text(c) for c in cells), key=run.name)
            line = standing(network_name(hp.cell), quality, status.baselines, task.quality)
            kept = status.best_epoch
            if line or kept is not None:
                beside.append(f"#{i + 1} " + "; ".join(
                    part for part in (line, f"best epoch {kept} kept"
                                      if kept is not None else "") if part))
        table.display = bool(picked)
        standing_lines = self.query_one("#compare-standing", Static)
        standing_lines.update(Text("\n".join(beside)))
        standing_lines.display = bool(beside)

    # -- actions -----------------------------------------------------------------------------
    async def action_next_task(self) -> None:
        ids = list(TASKS)
        start = ids.index(self.task_id)
        for step in range(1, len(ids) + 1):
            candidate = ids[(start + step) % len(ids)]
            if self._runs_of(candidate):
                if candidate != self.task_id:
                    await self.load(candidate, [])
                return
        self.notify("No task has runs yet.", severity="warning")

    def action_all(self) -> None:
        runs_list = self.query_one(SelectionList)
        if len(runs_list.selected) == len(self.runs):
            runs_list.deselect_all()
        else:
            runs_list.select_all()

    def action_back(self) -> None:
        self.dismiss()
