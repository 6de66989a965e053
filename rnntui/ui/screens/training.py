"""The training screen: live curves, progress, speed, ETA, device and log; pause and stop.

It draws a `TrainingSession` and follows the service's updates; leaving it does not stop
training (the app's service owns the worker). Progress redraws at most `REDRAW_INTERVAL`
apart and plots only when their data changed: batch progress arrives up to ten times a
second, and a plot costs ~10 ms to rebuild on the CPU that training also needs.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static

from rnntui import paths
from rnntui.engine import events as ev
from rnntui.fastpath import off_fast_path
from rnntui.standing import network_name, standing
from rnntui.tasks import get_task
from rnntui.ui import figures, messages
from rnntui.ui.columns import Points
from rnntui.ui.curves import epoch_curve, metric_key
from rnntui.outcome import headline
from rnntui.ui.session import (FAILED, FINISHED, LOG_LINES, PAUSED, RUNNING, STARTING,
                               TrainingSession)
from rnntui.ui.theme import BATCH_COLOUR, SERIES_COLOURS
from rnntui.ui.widgets.cursor_line import CursorLine
from rnntui.ui.widgets.footer import KeyFooter
from rnntui.ui.widgets.plots import KEPT_POINTS, CurvePlot, Series
from rnntui.ui.widgets.progress import TrainingProgress
from rnntui.ui.widgets.sample_log import SampleLog
from rnntui.ui.widgets.training_log import TrainingLog

if TYPE_CHECKING:
    from rnntui.ui.navigator import Navigator

REDRAW_INTERVAL = 0.25  # seconds between progress redraws: four a second look live
BATCH_PLOT_INTERVAL = 0.5  # seconds between redraws of the batch-loss curve alone
LOW_ROWS = 26  # up to this many rows the log gives its rows to the plots (TrainingScreen.-low)
_STATE_BADGES = {STARTING: "◌ starting", RUNNING: "● training", PAUSED: "‖ paused",
                 FINISHED: "■ finished", FAILED: "✗ failed", "saved": "■ saved"}


class TrainingScreen(Screen[None]):
    """One run's training, live or from disk."""

    CSS_PATH = "training.tcss"  # loaded when first shown (see RnntuiApp.CSS_PATH)

    HELP_TITLE = "training"
    BINDINGS = [
        Binding("space", "pause", "Pause", id="training.pause",
                tooltip="pause training after this batch"),
        Binding("space", "unpause", "Resume", id="training.unpause",
                tooltip="carry on training"),
        Binding("s", "stop", "Stop", id="training.stop",
                tooltip="stop after this batch; the last complete epoch is kept"),
        Binding("g", "gates", "Gates", id="training.gates",
                tooltip="every gate and state of the trained network, step by step"),
        Binding("p", "predict", "Predict", id="training.predict",
                tooltip="try the trained network: type an input, see its prediction"),
        # Not in the footer (at 80 columns it would cut "? Help" short); ? lists it.
        Binding("u", "units", "Units", id="training.units", show=False,
                tooltip="what each unit learned: text coloured by a unit, units ranked"),
        Binding("c", "compare", "Compare", id="training.compare",
                tooltip="overlay this run's curves with other runs of the task"),
        Binding("r", "train_on", "Train on", id="training.train_on",
                tooltip="resume this run from its checkpoint (asks for epochs if done)"),
        # Priority: the focused log would otherwise take ← → to scroll sideways, which its
        # wrapped lines never need.
        Binding("left", "cursor(-1)", "◀ epoch", id="training.cursor_left", show=False,
                priority=True,
                tooltip="move the plots' cursor an epoch back: the values there are read out"),
        Binding("right", "cursor(1)", "epoch ▶", id="training.cursor_right", show=False,
                priority=True,
                tooltip="move the plots' cursor an epoch on (the first press: the last epoch)"),
        # Not in the footer either (no room at 80 columns); ? lists it.
        Binding("n", "norms", "Gradient norms", id="training.norms", show=False,
                tooltip="the right plot: the metric, or every batch's gradient norm (log "
                "scale) with the clip threshold"),
        Binding("h", "histograms", "Histograms", id="training.histograms", show=False,
                tooltip="the right plot: a recurrent kernel's weights at the cursor's epoch, "
                "then its last gradient (h again), then the metric; ←→ move the epoch"),
        Binding("e", "export", "Export CSV", id="training.export", show=False,
                tooltip="write the run's history as CSV (history.csv in its folder)"),
        Binding("escape", "back", "Back", id="training.back",
                tooltip="back; training goes on in the background"),
    ]

    def __init__(self, session: TrainingSession):
        super().__init__()
        self.session = session
        self.metric = metric_key(session.task_id)
        self._redraw_timer: Timer | None = None
        self._last_redraw = 0.0
        self._last_batch_plot = 0.0
        self._plotted = (-1, -1)  # (epochs, batch losses) the plots last showed
        self._log_seen = 0  # session.log_count already written to the log pane
        self._seen: tuple | None = None  # what was shown when the screen was covered
        self.showing_norms = False  # the right plot: gradient norms (n) instead of the metric
        self.histogram_kind: str | None = None  # or "weights"/"gradients": a histogram (h)

    @property
    def rnntui(self) -> Navigator:
        return cast("Navigator", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="run-line")
        yield Static(id="model-line")
        yield TrainingProgress(id="progress")
        yield Static(id="outcome")
        with Horizontal(id="plots"):
            yield CurvePlot("loss", log_y=True, id="loss-plot")
            yield CurvePlot(self.metric, id="metric-plot")
        yield CursorLine(id="training-cursor")
        yield SampleLog(id="sample")
        yield TrainingLog(id="log", max_lines=LOG_LINES)
        yield KeyFooter()

    def on_resize(self, event: events.Resize) -> None:
        # At 80×24 (the app's -normal layout from 24 rows) the outcome box, the sample and
        # the log left the plots one row of curve; up to 26 rows the log is shorter while
        # training and gone once the run has ended (issue 21 §6).
        self.set_class(event.size.height <= LOW_ROWS, "-low")

    def on_mount(self) -> None:
        self.sub_title = "training"
        self.query_one("#log").border_title = "log"
        self.follow(self.session)

    # Listening only while shown. A covered screen that is woken (by a signal's callback,
    # say) makes Textual 8.2 repaint the whole screen on top of it every time, once it has
    # been repainted while covered: a dialog over this screen would redraw ten times a
    # second while training. So: unsubscribe when covered, catch up when shown again.
    def on_screen_suspend(self) -> None:
        self.rnntui.service.updated.unsubscribe(self)
        self._seen = self._snapshot()

    def on_screen_resume(self) -> None:
        self.rnntui.service.updated.subscribe(self, self._updated)
        self._catch_up_log()
        seen, now = self._seen, self._snapshot()
        if seen is None or seen == now:
            return
        if seen[0] != now[0] or seen[3:] != now[3:]:
            self._redraw_all()  # it started, ended or paused meanwhile
        else:
            # Only more batches or epochs: first show the screen as it was (its plots are
            # cached), then bring them up to date, so the key that uncovered it is quick.
            self._schedule_redraw()

    def _snapshot(self) -> tuple:
        """What the screen shows, to tell on resume whether anything changed."""
        session = self.session
        return (session.state, len(session.history), session.batches.seen,
                session.finished, session.failure)

    def follow(self, session: TrainingSession) -> None:
        """Show `session` (a resumed run continues on the same screen)."""
        self.session = session
        self.metric = metric_key(session.task_id)
        self.query_one(TrainingLog).clear()
        self._log_seen = session.log_count - len(session.log)
        self._catch_up_log()
        self._redraw_all()

    # -- updates -----------------------------------------------------------------------------
    def _updated(self, update: tuple[TrainingSession, Any]) -> None:
        session, event = update
        if session is not self.session:
            if event is None and session.run.path == self.session.run.path:
                self.follow(session)  # this run was resumed from elsewhere
            return
        self._catch_up_log()
        if isinstance(event, (ev.LogLine, ev.CheckpointSaved)):
            return
        if isinstance(event, ev.EpochSampled):
            self._show_sample()
            return
        if event is None:  # paused, resumed or asked to stop: the badge and the keys
            self._show_state()
            self.refresh_bindings()
            return
        if isinstance(event, (ev.BatchEnded, ev.EpochEnded)):
            self._schedule_redraw()  # progress and plots together, a few times a second
            return
        self._redraw_all()

    def _catch_up_log(self) -> None:
        """Write the session's log lines this screen has not shown yet."""
        session = self.session
        new = min(session.log_count - self._log_seen, len(session.log))
        if new > 0:
            log = self.query_one(TrainingLog)
            for line in list(session.log)[-new:]:
                self._write_log(line, log)
        self._log_seen = session.log_count

    def _redraw_all(self) -> None:
        session = self.session
        self._show_state()
        model = session.model or "(the model is being built)"
        parts = [model, f"{figures.count(session.params)} parameters"]
        if session.device:
            parts.append(session.device)
            path = off_fast_path(session.run.hparams, session.device)
            if path is not None:
                parts.append("no cuDNN fused kernel" if not path.key
                             else f"off cuDNN: {path.key}")
        self.query_one("#model-line", Static).update(Text(" · ".join(parts)))
        self.query_one(TrainingProgress).show(session)
        self._show_outcome()
        self._draw_plots()
        self._show_sample()
        self.refresh_bindings()
        # The log may have shrunk (an ended run shows its outcome): keep its end in view.
        log = self.query_one(TrainingLog)
        self.call_after_refresh(log.scroll_end, animate=False)

    def _show_state(self) -> None:
        session = self.session
        badge = _STATE_BADGES.get(session.state, session.state)
        line = Text.assemble((badge, "bold"), "  ", session.name)
        self.query_one("#run-line", Static).update(line, layout=False)  # one fixed line
        self.query_one("#run-line").set_classes(f"state-{session.state}")

    def _show_outcome(self) -> None:
        session = self.session
        outcome = self.query_one("#outcome", Static)
        ended = session.finished is not None or session.failure is not None
        self.set_class(ended and not session.active, "-ended")
        self.set_class(session.failure is not None and not session.history, "-no-curves")
        if session.active or not ended:
            outcome.display = False
            return
        outcome.display = True
        task = get_task(session.task_id)
        text = Text()
        if session.failure is not None:
            outcome.set_classes("failed")
            text.append("✗ training failed\n", style="bold")
            text.append(session.failure.message)
            text.append(f"\ndetails in {paths.log_file()}", style="italic")
        else:
            done = session.finished
            assert done is not None
            outcome.set_classes(f"outcome-{done.status}")
            # Training time, as the compare view shows it (loading and compiling apart).
            spent = done.train_seconds if done.train_seconds is not None else done.seconds
            took = f" in {figures.duration(spent)}" if spent else ""
            text.append(f"{headline(done)}{took}\n", style="bold")
            text.append(figures.quality_line(task, done.quality))
            beside = standing(network_name(self.session.run.hparams.cell),
                              done.quality.get(task.quality.name), done.baselines, task.quality)
            if beside:
                text.append("\n" + beside)
            text.append(self._confusion_text(done.confusion))
            if done.message:
                text.append("\n" + done.message)
        outcome.update(text)

    @staticmethod
    def _confusion_text(record: dict | None) -> str:
        """A classifier's confusion matrix for the result box ('' for other tasks)."""
        from rnntui.confusion import Confusion, box_lines

        confusion = Confusion.from_dict(record) if record is not None else None
        return "" if confusion is None else "\n" + "\n".join(box_lines(confusion))

    @staticmethod
    def _write_log(line: ev.LogLine, log: TrainingLog) -> None:
        style = {"warning": "bold", "error": "bold reverse"}.get(line.level, "")
        log.write(Text(line.text, style=style))

    # -- progress and plots ------------------------------------------------------------------
    def _schedule_redraw(self) -> None:
        """Redraw progress within REDRAW_INTERVAL, plots when their data changed enough.

        Training reports up to ten batches a second; drawing each costs the UI (and the
        CPU it shares with training) far more than the eye gains. A plot costs ~10 ms to
        rebuild: the metric plot only changes when an epoch ends, and the batch losses are
        redrawn at most every BATCH_PLOT_INTERVAL.
        """
        if self._redraw_timer is not None:
            return  # a redraw is already on its way and will see the newest data
        # Never 0: a zero-second Textual timer divides by its interval (ZeroDivisionError).
        wait = max(0.01, self._last_redraw + REDRAW_INTERVAL - time.monotonic())
        self._redraw_timer = self.set_timer(wait, self._redraw_live)

    def _redraw_live(self) -> None:
        self._redraw_timer = None
        self._last_redraw = time.monotonic()
        self.query_one(TrainingProgress).show(self.session)
        epochs, batches = len(self.session.history), self.session.batches.seen
        if epochs != self._plotted[0]:
            self._draw_plots()
        elif batches != self._plotted[1]:
            if time.monotonic() - self._last_batch_plot >= BATCH_PLOT_INTERVAL:
                self._draw_plots(metric=False)
            else:
                self._schedule_redraw()  # come back for the batches not drawn yet

    def _draw_plots(self, metric: bool = True) -> None:
        session = self.session
        self._plotted = (len(session.history), session.batches.seen)
        self._last_batch_plot = time.monotonic()

        def curve(key: str) -> Points:  # no more points than a plot keeps, however long the run
            return epoch_curve(session.history, key, limit=KEPT_POINTS)

        loss = [Series("loss", curve("loss"), SERIES_COLOURS[0]),
                Series("val_loss", curve("val_loss"), SERIES_COLOURS[1], "dot")]
        if session.steps > 1:  # with one batch an epoch, the batch curve is the epoch curve
            loss.insert(0, Series("batch", session.batch_losses, BATCH_COLOUR, "braille"))
        self.query_one("#loss-plot", CurvePlot).show(loss)
        if self.histogram_kind is not None:
            plot = self.query_one("#metric-plot", CurvePlot)
            plot.log_y = False
            plot.show(*histogram_series(session, self.histogram_kind,
                                        self.query_one("#loss-plot", CurvePlot).cursor))
        elif self.showing_norms:
            plot = self.query_one("#metric-plot", CurvePlot)
            plot.log_y = True  # norms span orders of magnitude (an explosion, a vanishing)
            plot.show(*norm_series(session))
        elif metric:
            self.query_one("#metric-plot", CurvePlot).log_y = False
            name = self.metric
            self.query_one("#metric-plot", CurvePlot).show(
                [Series(name, curve(name), SERIES_COLOURS[0]),
                 Series(f"val_{name}", curve(f"val_{name}"), SERIES_COLOURS[1], "dot")],
                title=name)
        self._read_cursor()

    def action_histograms(self) -> None:
        """The right plot: weights' histogram, then gradients', then the metric."""
        order = [None, "weights", "gradients"]
        self.histogram_kind = order[(order.index(self.histogram_kind) + 1) % len(order)]
        self.showing_norms = False
        plot = self.query_one("#metric-plot", CurvePlot)
        plot.xlabel = "epoch" if self.histogram_kind is None else "value"
        plot.hide_cursor()
        self._draw_plots()

    def action_norms(self) -> None:
        """Switch the right plot between the metric and the gradient norms."""
        self.histogram_kind = None
        self.query_one("#metric-plot", CurvePlot).xlabel = "epoch"
        self.showing_norms = not self.showing_norms
        self.query_one("#metric-plot", CurvePlot).hide_cursor()
        self._draw_plots()

    def _read_cursor(self) -> None:
        """The values of both plots at the cursor's epoch (from the history, exactly)."""
        line = self.query_one(CursorLine)
        epoch = self.query_one("#metric-plot", CurvePlot).cursor
        history = self.session.history
        index = int(epoch) - 1 if epoch is not None else -1
        self._show_sample()
        if not 0 <= index < len(history):
            line.hide_values()
            return
        record = history[index]
        line.show(epoch, [("", {k: record[k] for k in keys if k in record})
                          for keys in (("loss", "val_loss"),
                                       (self.metric, f"val_{self.metric}"))])

    def _show_sample(self) -> None:
        """The cursor's epoch's sample once the cursor is placed, else the newest."""
        samples = self.session.samples
        epoch = self.query_one("#metric-plot", CurvePlot).cursor
        pane = self.query_one(SampleLog)
        if epoch is not None:
            pane.show(samples.get(int(epoch)), len(samples), at_cursor=True)
        else:
            pane.show(samples[max(samples)] if samples else None, len(samples))

    # -- actions -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.session
        live = session.active and self.rnntui.service.session is session
        if action == "pause":
            return live and session.state != PAUSED
        if action == "unpause":
            return live and session.state == PAUSED
        if action == "stop":
            return live
        if action in ("gates", "predict", "units"):
            return not session.active and session.epochs_done > 0
        if action == "train_on":
            return not session.active and session.run.path.is_dir()
        return True

    def action_pause(self) -> None:
        self.rnntui.service.toggle_pause()

    def action_unpause(self) -> None:
        self.rnntui.service.toggle_pause()

    def action_stop(self) -> None:
        self.rnntui.service.stop()

    def action_gates(self) -> None:
        self.post_message(messages.RunScreenAsked(self.session.run, "gates"))

    def action_predict(self) -> None:
        self.post_message(messages.RunScreenAsked(self.session.run, "predict"))

    def action_units(self) -> None:
        self.post_message(messages.RunScreenAsked(self.session.run, "units"))

    def action_compare(self) -> None:
        self.post_message(messages.RunScreenAsked(self.session.run, "compare"))

    def action_cursor(self, step: int) -> None:
        """Move the cursor over the epochs (the metric plot leads: the loss plot also has
        the batches between epochs)."""
        leader = self.query_one("#metric-plot", CurvePlot)
        if self.histogram_kind is not None:  # the epoch the histogram is of, on the loss plot
            loss = self.query_one("#loss-plot", CurvePlot)
            epochs = len(self.session.history)
            if epochs:
                at = loss.cursor
                loss.place_cursor(epochs if at is None else
                                  min(max(int(at) + step, 1), epochs))
                self._draw_plots()
            return
        if self.showing_norms:  # its points are batches: step over whole epochs instead
            epochs = len(self.session.history)
            if not epochs:
                return
            at = leader.cursor
            leader.place_cursor(epochs if at is None else min(max(int(at) + step, 1), epochs))
        else:
            leader.move_cursor(step)
        self.query_one("#loss-plot", CurvePlot).place_cursor(leader.cursor)
        self._read_cursor()

    def action_export(self) -> None:
        from rnntui.ui.export import export_history

        export_history(self, self.session.run, list(self.session.history))

    def action_train_on(self) -> None:
        self.post_message(messages.TrainOnAsked(self.session.run))

    def action_back(self) -> None:
        self.dismiss()


def norm_series(session: TrainingSession) -> tuple[list[Series], str]:
    """The gradient-norm plot: every batch's global norm (kept epochs, then the live ones),
    each recurrent kernel's, and the clipnorm threshold as a flat line; with its title."""
    from rnntui.runs.norms import GLOBAL, batch_points

    records = session.norms
    done = records[-1].epoch if records else 0
    overall = Points(batch_points(records, GLOBAL))
    for x, y in session.live_norms.points:
        if x > done and y > 0:
            overall.append(x, y)
    series = [Series("all weights", overall, SERIES_COLOURS[0], "braille")]
    labels = [label for label in (records[-1].norms if records else {})
              if label.endswith("recurrent_kernel")]
    for i, label in enumerate(labels, start=1):
        series.append(Series(label.split("/")[0] + " recurrent", Points(
            batch_points(records, label)), SERIES_COLOURS[i % len(SERIES_COLOURS)], "dot"))
    clip = session.run.hparams.get("clipnorm")
    xs = [x for s in series for x in s.points.xs]
    if clip and xs:
        series.append(Series(f"clipnorm {clip:g}", Points([(min(xs), clip), (max(xs), clip)]),
                             BATCH_COLOUR, "hd"))
    if not xs:
        off = not session.run.hparams.get("log_gradients", True)
        title = ("gradient norm: off (log_gradients=false)" if off else
                 "gradient norm: none yet (n: back to the metric)")
    else:
        title = "gradient norm per batch"
    return series, title


def histogram_series(session: TrainingSession, kind: str, epoch: float | None
                     ) -> tuple[list[Series], str]:
    """A recurrent kernel's histogram of `kind` ("weights" or "gradients") at `epoch` (None:
    the last recorded): counts against bin centres; with the plot's title."""
    if not session.histograms:
        return [], f"{kind}: none kept (log_gradients=false, or trained before)"
    at = int(epoch) if epoch is not None and int(epoch) in session.histograms else max(
        session.histograms)
    hists = session.histograms[at].kinds.get(kind, {})
    labels = [k for k in hists if k.endswith("recurrent_kernel")] or list(hists)
    if not labels:
        return [], f"{kind}: none at epoch {at}"
    label = labels[0]
    h = hists[label]
    points = Points(zip(h.centres(), [float(c) for c in h.counts]))
    return ([Series(f"{label} (n={h.count:,})", points, SERIES_COLOURS[0], "hd")],
            f"{kind} · epoch {at}")
