"""Compare runs of one task: tick runs, see their curves overlaid and their final figures.

Each run gets a number (#1, #2 …) shared by the list, the plot legends and the table, so a
curve is easy to match with its figures even at 80 columns. What explains a comparison is
on screen: a column for each hyperparameter that differs between the ticked runs (equal ones
hidden), legends that name those differences, and one run pinned (b) as the baseline the
others' figures are shown against. The right plot's metric (m), smoothing (s), log scale (l)
and a cursor reading the plots at an epoch (← →) are TensorBoard's tools for the same job.
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

from rnntui.runs.compare import (SHORT, best_validation, difference, differing_hparams, hparam_text,
                            legend)
from rnntui.confusion import load as load_confusion
from rnntui.confusion import per_class_text
from rnntui.seeds import band, group_by_setting, run_key, spread
from rnntui.standing import network_name, standing
from rnntui.runs import Run, RunError
from rnntui.tasks import TASKS, get_task
from rnntui.ui import figures
from rnntui.ui.curves import SMOOTHING_WEIGHTS, epoch_curve, metric_key, smoothed
from rnntui.ui.columns import Points
from rnntui.ui.theme import SERIES_COLOURS
from rnntui.ui.widgets.footer import KeyFooter
from rnntui.ui.widgets.cursor_line import CursorLine
from rnntui.ui.widgets.plots import CurvePlot, Series
from rnntui.ui.widgets.tick_list import TickList

if TYPE_CHECKING:
    from rnntui.ui.navigator import Navigator

_MARKERS = ("hd", "dot", "braille", "x", "+", "o")  # curves differ without colour too
DEFAULT_PICKS = 2  # runs ticked when none were asked for: the two newest


def group_label(unit: list[tuple[int, Run]]) -> str:
    """'#1,#3,#4': the numbers of a group's runs."""
    return ",".join(f"#{i + 1}" for i, _ in unit)


def band_series(label: str, histories: list[list[dict[str, float]]], key: str, weight: float,
                colour: object, marker: str) -> list[Series]:
    """A group's mean curve of `key` and its band (mean ± one sd) as two fainter curves,
    at the epochs every run of the group reached."""
    from rnntui.ui.columns import Points

    epochs, means, sds = band(histories, key)
    if not epochs:
        return []
    mean = smoothed(Points(zip(epochs, means)), weight)
    upper = smoothed(Points(zip(epochs, [m + d for m, d in zip(means, sds)])), weight)
    lower = smoothed(Points(zip(epochs, [m - d for m, d in zip(means, sds)])), weight)
    tag = label.split(" ", 1)[0]
    return [Series(label, mean, colour, marker),
            Series(f"{tag} +1 sd", upper, colour, "dot"),
            Series(f"{tag} −1 sd", lower, colour, "dot")]


class CompareScreen(Screen[None]):
    """Runs of `task_id` in a checkbox list, their curves, and a table of final figures."""

    CSS_PATH = "compare.tcss"  # loaded when first shown (see RnntuiApp.CSS_PATH)

    HELP_TITLE = "compare"
    BINDINGS = [
        Binding("t", "next_task", "Next task", id="compare.next_task",
                tooltip="compare the runs of the next task that has runs"),
        Binding("a", "all", "All/none", id="compare.all", tooltip="tick every run, or none"),
        Binding("b", "pin", "Pin", id="compare.pin",
                tooltip="pin the highlighted run as the baseline: the others' figures are "
                "shown as differences from it (b again unpins)"),
        Binding("m", "next_metric", "Metric", id="compare.metric",
                tooltip="plot the next metric on the right (validation, training, loss …)"),
        Binding("s", "smooth", "Smooth", id="compare.smooth",
                tooltip="smooth the curves: moving average of weight 0, 0.6, 0.9 in turn"),
        Binding("l", "log_scale", "Log/linear", id="compare.log", show=False,
                tooltip="switch both plots between a logarithmic and a linear y axis"),
        Binding("left", "cursor(-1)", "◀ epoch", id="compare.cursor_left", show=False,
                tooltip="move the plots' cursor an epoch back: the values there are read out"),
        Binding("right", "cursor(1)", "epoch ▶", id="compare.cursor_right", show=False,
                tooltip="move the plots' cursor an epoch on (the first press: the last epoch)"),
        Binding("v", "bands", "Seed bands", id="compare.bands", show=False,
                tooltip="ticked runs that differ only in their seed: one curve, their mean, "
                "in a band of ± one standard deviation, and one table row of mean ± sd (v "
                "again: every run its own curve)"),
        Binding("g", "through_time", "Gradient through time", id="compare.through_time",
                show=False, tooltip="the right plot: each run's ‖∂L/∂h_t‖ at every step t of "
                "a held-out sequence (log scale; the last epoch recorded): SimpleRNN's "
                "vanishes toward the start (g again: the metric)"),
        Binding("k", "saturation", "Gate saturation", id="compare.saturation", show=False,
                tooltip="the right plot: per unit of each run's first layer, the share of "
                "held-out steps its forget gate (GRU: update gate z) is below 0.1 against "
                "above 0.9, at the last epoch recorded (Karpathy 2015; k again: the metric)"),
        Binding("e", "export", "Export CSV", id="compare.export", show=False,
                tooltip="write the highlighted run's history as CSV (history.csv in its folder)"),
        Binding("escape", "back", "Back", id="compare.back", tooltip="back"),
    ]

    def __init__(self, task_id: str, selected: list[str] | None = None):
        super().__init__()
        self.task_id = task_id
        self.asked = list(selected or [])
        self.runs: list[Run] = []
        self._histories: dict[str, list[dict[str, float]]] = {}
        self._confusions: dict[str, dict[str, float]] = {}  # run → per-class accuracy
        self.shown = ""
        """The metric of the right plot and the table's metric column (m switches it)."""
        self.pinned: str | None = None
        """The baseline run's name: the others' figures are differences from it."""
        self.smoothing = 0  # an index into SMOOTHING_WEIGHTS
        self.columns: tuple[str, ...] = ()  # the hyperparameter columns the table has now
        self.per_class = False  # the table has a per-class accuracy column (classifiers)
        self.bands = True
        """Runs that differ only in seed drawn as a mean ± sd band and one table row."""
        self.through_time = False
        """The right plot shows the gradient through time (g) instead of the metric."""
        self.saturation = False
        """The right plot shows each run's gate saturation (k) instead of the metric."""
        self.table: DataTable = DataTable(classes="compare-table")

    @property
    def rnntui(self) -> Navigator:
        return cast("Navigator", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="compare-plots"):
            yield CurvePlot("loss", log_y=True, id="compare-loss")
            yield CurvePlot("metric", id="compare-metric")
        yield CursorLine(id="compare-cursor")
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
        self._confusions = {}
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
        self.shown = self._shown_metric()
        self.pinned = None
        self.query_one(CursorLine).hide_values()
        for plot in self.query(CurvePlot):
            plot.place_cursor(None)
        await self._new_table(self._hp_columns(picks),
                              any(self._per_class(r) for r in self.runs if r.name in picks))
        empty = self.query_one("#compare-empty", Static)
        empty.display = not self.runs
        empty.update(Text(f"No runs of {task_id} yet: train it (t on the tasks screen) and "
                          "come back.", style="italic"))
        await self.redraw()

    def _live(self, run: Run):
        """The service's session when `run` is the one training (its history is fresher than
        the checkpoint's, which is written every few seconds)."""
        service = self.rnntui.service
        return service.session if service.training(run) else None

    def _label(self, index: int, run: Run) -> Text:
        status = "training" if self._live(run) else run.status().status
        pinned = " ◆ pinned" if run.name == self.pinned else ""
        return Text.assemble((f"#{index + 1} ", "bold"), run.name,
                             f"  {run.epochs_done}/{run.hparams.epochs} epochs  {status}",
                             (pinned, "bold"))

    def _relabel(self) -> None:
        """Redraw the list's labels (the pinned mark), keeping ticks and the highlight."""
        runs_list = self.query_one(SelectionList)
        highlighted = runs_list.highlighted
        chosen = set(runs_list.selected)
        with runs_list.prevent(SelectionList.SelectedChanged):
            runs_list.clear_options()
            runs_list.add_options([Selection(self._label(i, run), run.name, run.name in chosen)
                                   for i, run in enumerate(self.runs)])
        runs_list.highlighted = highlighted

    def _shown_metric(self) -> str:
        """The validation metric when the task's runs log one, else the training metric."""
        metric = metric_key(self.task_id)
        for run in self.runs:
            history = self.history(run)
            if history and f"val_{metric}" in history[-1]:
                return f"val_{metric}"
        if metric == "loss":  # a figure read from the loss (perplexity): not the loss twice
            return next(iter(self.metrics()), metric)
        return metric

    def _hp_columns(self, names: list[str] | set[str]) -> tuple[str, ...]:
        """The hyperparameter columns for these runs: those that differ between them, or
        the cell and units when nothing does (one run ticked, say)."""
        runs = [run for run in self.runs if run.name in names]
        return tuple(differing_hparams(runs)) or ("cell", "units")

    def metrics(self) -> list[str]:
        """Every figure the task's runs logged, in the order first seen: what m cycles."""
        keys: dict[str, None] = {}
        for run in self.runs:
            for record in self.history(run)[-1:]:
                keys.update(dict.fromkeys(record))
        # The training loss has its own column and plot: m cycling to it showed two "loss"
        # columns side by side.
        return [k for k in keys if k != "loss"] or [self.shown]

    async def _new_table(self, columns: tuple[str, ...], per_class: bool = False) -> None:
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
        # Short names (lr, batch) in headings: the full ones are in the list's title.
        for key, label in (("#", "#"), *((c, SHORT.get(c, c)) for c in columns),
                           ("params", "params"), ("epochs", "epochs"), ("loss", "loss"),
                           ("metric", self.shown), ("best", "best val"), ("quality", "quality"),
                           ("time", "time"), *((("per_class", "per class"),)
                                               if per_class else ())):
            table.add_column(label, key=key)
        self.table = table
        self.columns = columns
        self.per_class = per_class
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
    async def redraw(self) -> None:
        chosen = set(self.query_one(SelectionList).selected)
        columns = self._hp_columns(chosen)
        per_class = any(self._per_class(run) for run in self.runs if run.name in chosen)
        if columns != self.columns or per_class != self.per_class:
            await self._new_table(columns, per_class)
        picked = [(i, run) for i, run in enumerate(self.runs) if run.name in chosen]
        shown = self.shown
        histories = {run.name: self.history(run) for _, run in picked}
        differing = list(differing_hparams([run for _, run in picked]))
        quality = get_task(self.task_id).quality.name
        what = f"differ in {', '.join(differing)}" if differing else f"quality = {quality}"
        self.query_one(SelectionList).border_title = (
            f"runs of {self.task_id} · {what} · space ticks")
        weight = SMOOTHING_WEIGHTS[self.smoothing]
        loss_series, metric_series = [], []
        for unit in self.units(picked):
            i, run = unit[0]
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            marker = _MARKERS[i % len(_MARKERS)]
            if len(unit) > 1:  # runs that differ only in seed: their mean in a band
                same = [d for d in differing if d != "seed"]
                label = f"{group_label(unit)} {legend(run.hparams, same)} mean of {len(unit)}"
                group = [histories[r.name] for _, r in unit]
                loss_series += band_series(label, group, "loss", weight, colour, marker)
                metric_series += band_series(label, group, shown, weight, colour, marker)
                continue
            label = f"#{i + 1} {legend(run.hparams, differing)}"
            history = histories[run.name]
            loss_series.append(Series(label, smoothed(epoch_curve(history, "loss"), weight),
                                      colour, marker))
            metric_series.append(Series(label, smoothed(epoch_curve(history, shown), weight),
                                        colour, marker))
        smooth_note = f" · smoothed {weight:g}" if weight else ""
        self.query_one("#compare-loss", CurvePlot).show(loss_series, title="loss" + smooth_note)
        right = self.query_one("#compare-metric", CurvePlot)
        if self.saturation:
            right.xlabel, right.log_y = "share of steps < 0.1", False
            right.show(*saturation_series(picked, differing))
        elif self.through_time:
            right.xlabel, right.log_y = "step t", True
            right.show(*through_time_series(picked, differing))
        else:
            right.xlabel = "epoch"
            right.show(metric_series, title=shown + smooth_note)
        self._fill_table(picked, shown, histories)
        self._read_cursor()

    def units(self, picked: list[tuple[int, Run]]) -> list[list[tuple[int, Run]]]:
        """What is drawn as one curve and one table row: with bands on, ticked runs that
        differ only in their seed together; else each run alone."""
        if not self.bands:
            return [[item] for item in picked]
        return group_by_setting(picked, lambda item: run_key(item[1]))

    def _baseline(self, picked: list[tuple[int, Run]]) -> Run | None:
        """The pinned run, when it is among the ticked ones."""
        return next((run for _, run in picked if run.name == self.pinned), None)

    def _fill_table(self, picked: list[tuple[int, Run]], shown: str,
                    histories: dict[str, list[dict[str, float]]]) -> None:
        task = get_task(self.task_id)
        table = self.table
        table.clear()
        beside = []
        rows = {}
        statuses = {run.name: run.status() for _, run in picked}  # read once a redraw
        for i, run in picked:
            history = histories[run.name]
            last = history[-1] if history else {}
            status = statuses[run.name]
            rows[run.name] = {"loss": last.get("loss"), "metric": last.get(shown),
                              "best": best_validation(self.task_id, history)[1],
                              "quality": status.quality.get(task.quality.name)}
        baseline = self._baseline(picked)
        units = self.units(picked)
        for unit in units:
            if len(unit) > 1:  # a seed group: one row of mean ± sd
                self._group_row(unit, rows, statuses, histories)
                beside.append(f"{group_label(unit)}: {len(unit)} seeds of one setting "
                              "(seed " + ", ".join(str(r.hparams.seed) for _, r in unit)
                              + "): figures are mean ± sd, curves a band of ± 1 sd")
        for i, run in (unit[0] for unit in units if len(unit) == 1):
            hp = run.hparams
            counted = run.params()
            params = "—" if counted is None else figures.count(counted)
            status = statuses[run.name]
            seconds = status.train_seconds
            values = rows[run.name]
            if baseline is None or run is baseline:
                shown_values = [figures.figure(values[k])
                                for k in ("loss", "metric", "best", "quality")]
            else:  # every other run's final figures as a difference from the pinned one
                shown_values = [difference(values[k], rows[baseline.name][k])
                                for k in ("loss", "metric", "best", "quality")]
            mark = " ◆" if run is baseline else ""
            cells = (f"#{i + 1}{mark}", *(self._hp_cell(hp, c) for c in self.columns), params,
                     f"{len(histories[run.name])}/{hp.epochs}", *shown_values,
                     figures.duration(seconds) if isinstance(seconds, (int, float)) else "—",
                     *((per_class_text(self._per_class(run), many=4),)
                       if self.per_class else ()))
            table.add_row(*(Text(c) for c in cells), key=run.name)
            line = standing(network_name(hp.cell), values["quality"], status.baselines,
                            task.quality)
            kept = status.best_epoch
            if line or kept is not None:
                beside.append(f"#{i + 1} " + "; ".join(
                    part for part in (line, f"best epoch {kept} kept"
                                      if kept is not None else "") if part))
        if baseline is not None:
            number = next(i for i, run in picked if run is baseline) + 1
            beside.insert(0, f"◆ #{number} pinned: the others' loss, {shown}, best val and "
                          "quality are differences from it")
        table.display = bool(picked)
        standing_lines = self.query_one("#compare-standing", Static)
        standing_lines.update(Text("\n".join(beside)))
        standing_lines.display = bool(beside)

    def _group_row(self, unit: list[tuple[int, Run]], rows: dict[str, dict],
                   statuses: dict, histories: dict[str, list[dict[str, float]]]) -> None:
        """A seed group's table row: each figure as mean ± sd over its runs."""
        first = unit[0][1]
        hp = first.hparams
        counted = first.params()

        def cell(key: str) -> str:
            return spread(rows[run.name][key] for _, run in unit).text()

        seconds = spread(statuses[run.name].train_seconds for _, run in unit)
        per_class: dict[str, list[float]] = {}
        for _, run in unit:
            for name, value in self._per_class(run).items():
                per_class.setdefault(name, []).append(value)
        means = {name: sum(v) / len(v) for name, v in per_class.items()}
        epochs = spread(len(histories[run.name]) for _, run in unit)
        cells = (group_label(unit), *(self._hp_cell(hp, c) if c != "seed" else "×"
                                      + str(len(unit)) for c in self.columns),
                 "—" if counted is None else figures.count(counted),
                 f"{epochs.mean:g}/{hp.epochs}", *(cell(k) for k in ("loss", "metric", "best",
                                                                        "quality")),
                 f"{seconds.mean:.0f} ± {seconds.sd:.0f} s" if seconds.n else "—",
                 *((per_class_text(means, many=4),) if self.per_class else ()))
        self.table.add_row(*(Text(c) for c in cells), key=first.name)

    def _per_class(self, run: Run) -> dict[str, float]:
        """The run's accuracy per class on held-out data ({} when it has no confusion
        matrix), read once a screen."""
        if run.name not in self._confusions:
            confusion = load_confusion(run.path)
            self._confusions[run.name] = confusion.per_class() if confusion else {}
        return self._confusions[run.name]

    @staticmethod
    def _hp_cell(hp: object, key: str) -> str:
        """A hyperparameter's table cell; the cell and units say bidirectional and layers."""
        if key == "cell":
            return hp.cell + (" ×2" if hp.bidirectional else "")  # type: ignore[attr-defined]
        if key == "units":
            return str(hp.units) + (f" ×{hp.layers}"  # type: ignore[attr-defined]
                                    if hp.layers > 1 else "")  # type: ignore[attr-defined]
        return hparam_text(hp[key])  # type: ignore[index]

    def _read_cursor(self) -> None:
        """Read both plots at the cursor's epoch, exactly (not smoothed), from the histories."""
        cursor = self.query_one(CursorLine)
        epoch = self.query_one("#compare-metric", CurvePlot).cursor
        if self.through_time or self.saturation:  # the right plot's x is not an epoch
            epoch = self.query_one("#compare-loss", CurvePlot).cursor
        if epoch is None:
            cursor.hide_values()
            return
        chosen = set(self.query_one(SelectionList).selected)
        picked = [(i, run) for i, run in enumerate(self.runs) if run.name in chosen]
        groups = []
        for key in ("loss", self.shown):
            values = {}
            for i, run in picked:
                history = self.history(run)
                index = int(epoch) - 1
                if 0 <= index < len(history) and key in history[index]:
                    values[f"#{i + 1}"] = history[index][key]
            groups.append((key, values))
        cursor.show(epoch, groups)

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

    def _highlighted(self) -> Run | None:
        runs_list = self.query_one(SelectionList)
        index = runs_list.highlighted
        return self.runs[index] if index is not None and index < len(self.runs) else None

    async def action_pin(self) -> None:
        run = self._highlighted()
        if run is None:
            return
        self.pinned = None if self.pinned == run.name else run.name
        if self.pinned is not None:  # a baseline is compared against: make sure it shows
            self.query_one(SelectionList).select(run.name)
        self._relabel()
        await self.redraw()
        self.notify(f"Pinned {run.name} as the baseline." if self.pinned
                    else "Nothing pinned: every run's own figures.", timeout=3)

    async def action_next_metric(self) -> None:
        metrics = self.metrics()
        index = metrics.index(self.shown) if self.shown in metrics else -1
        self.shown = metrics[(index + 1) % len(metrics)]
        await self._new_table(self.columns, self.per_class)  # the metric heading changes
        await self.redraw()

    async def action_bands(self) -> None:
        if self.bands:
            self.bands = False
            await self.redraw()
            self.notify("Seed bands off: every run its own curve and row.", timeout=3)
            return
        chosen = set(self.query_one(SelectionList).selected)
        picked = [(i, run) for i, run in enumerate(self.runs) if run.name in chosen]
        if not any(len(unit) > 1 for unit in group_by_setting(
                picked, lambda item: run_key(item[1]))):
            self.notify("No seed band to draw: no two ticked runs differ only in their seed, "
                        "and a band of one run would show a spread it does not have. Train "
                        "several seeds (seeds field of the form, or rnntui train TASK --seeds "
                        "3) and tick them.", title="Seed bands", severity="warning")
            return
        self.bands = True
        await self.redraw()
        self.notify("Seed bands on: the mean ± one standard deviation of runs that differ "
                    "only in seed.", timeout=3)

    async def action_smooth(self) -> None:
        self.smoothing = (self.smoothing + 1) % len(SMOOTHING_WEIGHTS)
        await self.redraw()
        weight = SMOOTHING_WEIGHTS[self.smoothing]
        self.notify(f"Smoothing {weight:g} (moving average, as TensorBoard's)." if weight
                    else "No smoothing: the curves as logged.", timeout=3)

    async def action_saturation(self) -> None:
        self.saturation = not self.saturation
        self.through_time = False
        self.query_one("#compare-metric", CurvePlot).cursor = None
        await self.redraw()

    async def action_through_time(self) -> None:
        self.saturation = False
        self.through_time = not self.through_time
        right = self.query_one("#compare-metric", CurvePlot)
        right.cursor = None
        if not self.through_time:
            right.log_y = False
        await self.redraw()

    def action_log_scale(self) -> None:
        plots = list(self.query(CurvePlot))
        for plot in plots:
            plot.log_y = not plot.log_y
            plot.draw()
        self.notify(" · ".join(f"{plot.id.removeprefix('compare-')}: "  # type: ignore[union-attr]
                               f"{'log' if plot.log_y else 'linear'}" for plot in plots),
                    timeout=3)

    def action_cursor(self, step: int) -> None:
        leader = self.query_one("#compare-metric", CurvePlot)
        if self.through_time or self.saturation:
            leader = self.query_one("#compare-loss", CurvePlot)
            leader.move_cursor(step)
            self._read_cursor()
            return
        if not leader.series:
            leader = self.query_one("#compare-loss", CurvePlot)
        leader.move_cursor(step)
        for plot in self.query(CurvePlot):
            plot.place_cursor(leader.cursor)
        self._read_cursor()

    def action_export(self) -> None:
        run = self._highlighted()
        if run is not None:
            from rnntui.ui.export import export_history

            export_history(self, run)

    def action_back(self) -> None:
        self.dismiss()



def through_time_series(picked: list[tuple[int, Run]], differing: list[str]
                        ) -> tuple[list[Series], str]:
    """Each run's last recorded gradient through time (its first recurrent layer), with the
    plot's title."""
    from rnntui.runs.curves import read_curves

    series = []
    for i, run in picked:
        curves = read_curves(run.path)
        if not curves:
            continue
        epoch = max(curves)
        norms = curves[epoch]["layers"][0]["norms"]
        points = Points([(t + 1.0, n) for t, n in enumerate(norms) if n > 0])
        series.append(Series(f"#{i + 1} {legend(run.hparams, differing)} ep {epoch}", points,
                             SERIES_COLOURS[i % len(SERIES_COLOURS)],
                             _MARKERS[i % len(_MARKERS)]))
    # L: the last step's loss. A longer title is not drawn at 80 columns; the runs with no
    # curve (trained before rnntui kept them) are simply not in the legend.
    return series, "‖∂L/∂h_t‖ by step"


INTEGRATOR_GATES = ("f", "z")  # the gate that keeps the state: LSTM's forget, GRU's update


def saturation_series(picked: list[tuple[int, Run]], differing: list[str]
                      ) -> tuple[list[Series], str]:
    """Each gated run's first layer at its last recorded epoch: per unit, (share of steps
    with the integrator gate < 0.1, share > 0.9), one scatter a run; with the plot's title.
    SimpleRNN has no gates and is left out."""
    from rnntui.units import saturation

    series = []
    for i, run in picked:
        entry = saturation.at_epoch(run.path) if saturation.read(run.path) else {}
        layers = entry.get("layers") or []
        gates = layers[0].get("gates", {}) if layers else {}
        gate = next((g for g in INTEGRATOR_GATES if g in gates), None)
        if gate is None:
            continue
        points = Points(zip(gates[gate]["left"], gates[gate]["right"]))
        series.append(Series(f"#{i + 1} {legend(run.hparams, differing)} {gate} "
                             f"ep {entry.get('epoch')}", points,
                             SERIES_COLOURS[i % len(SERIES_COLOURS)],
                             _MARKERS[i % len(_MARKERS)], scatter=True))
    return series, "f/z gate: share > 0.9"
