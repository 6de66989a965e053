"""The rnntui app: tasks → hyperparameters → live training → compare, all by keyboard.

`make_app()` builds it (the tests reuse it with a fake trainer and a temporary store);
`run_app()` is what `rnntui` with no arguments runs.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.events import Resize
from textual.worker import Worker, WorkerState

from rnntui.config import ConfigError, HParams
from rnntui.engine import events as ev
from rnntui.outcome import headline as outcome_headline
from rnntui.runs import Run, RunError, RunStore
from rnntui.tasks import TASKS, DataSource, get_task
from rnntui.ui import messages
from rnntui.ui.cell_queue import CellQueue
from rnntui.ui.commands import RnntuiCommands
from rnntui.ui.keys import LEAVE_FIELD, KeyOrder
from rnntui.ui.screen_map import PLAY_SCREENS, RUN_VIEWS, screen_class
from rnntui.ui.screens.tasks import TasksScreen
from rnntui.ui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from rnntui.ui.service import STOP_GRACE, TrainerFactory, TrainingBusy, TrainingService
from rnntui.ui.theme import DARK, LIGHT, THEMES


class RnntuiApp(KeyOrder, App[int]):
    """Owns the run store and the training service; screens ask it to train and navigate."""

    # Absolute paths (subclasses live elsewhere): the shared look and no-colour rules, and the
    # first screen's layout. Textual loads a pushed screen's own CSS_PATH when it is first
    # shown, never the first screen's: the form, training and compare screens name theirs,
    # so the first frame does not parse CSS for screens not yet opened.
    CSS_PATH = [Path(__file__).with_name("app.tcss"),
                Path(__file__).parent / "screens" / "tasks.tcss"]
    TITLE = "rnntui"
    COMMANDS = App.COMMANDS | {RnntuiCommands}
    # Screens get -short below 24 rows (the app's smallest layout is 60×20): panes that
    # can give way (the training log) shrink so the plots keep some height.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-normal")]
    BINDINGS = [
        # Two bindings, one action: the footer shows "?" outside a field and "F1" in one
        # (where ? is typed), as it shows one key an action.
        Binding("question_mark", "help", "Help", id="app.help", key_display="?",
                tooltip="this list of keys (? or F1)"),
        Binding("f1", "help", "Help", id="app.help_f1", key_display="F1",
                tooltip="this list of keys (? or F1)"),
        # Single keys: outside a field only (rnntui.ui.keys); Ctrl+Q quits from anywhere.
        Binding("q", "quit", "Quit", id="app.quit", show=False),  # shown on the tasks screen
        Binding("ctrl+q", "quit", "Quit", id="app.quit_now", show=False, priority=True,
                tooltip="quit from anywhere (a running training keeps its last epoch)"),
        LEAVE_FIELD,
    ]

    def __init__(self, trainer_factory: TrainerFactory | None = None,
                 store: RunStore | None = None, source: DataSource | None = None,
                 start: tuple[Run, str] | None = None, gc_paused: bool = False):
        super().__init__()
        self.start = start
        """A run and the screen (of messages.RUN_SCREENS) to open on it once up."""
        self._gc_paused = gc_paused
        """The garbage collector was paused for the start (`run_app`): resume it once drawn."""
        self.store = store or RunStore()
        self.source = source or DataSource()
        self.service = TrainingService(self, trainer_factory)
        self.current_task_id: str = next(iter(TASKS))
        """The task the palette's "train current task" and "compare" act on."""
        self.cells: CellQueue | None = None
        """The cells still to train for a one-key comparison (None when none is under way)."""
        self._quitting = False
        self._help: Any = None  # the help screen, made on the first ? (see action_help)
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DARK.name

    def get_default_screen(self) -> TasksScreen:
        # The tasks screen is the bottom of the stack itself, rather than pushed over a
        # blank default screen that would be laid out and drawn for nothing at startup.
        return TasksScreen()

    def on_mount(self) -> None:
        if self._gc_paused:
            self.call_after_refresh(self._first_frame_drawn)
        # Every screen's header shows the title: while a run trains it says which, how far
        # and its loss, on whatever screen is open (rnntui.ui.status_line).
        self.service.updated.subscribe(self, self._show_status)
        if self.start is not None:
            self.open_screen(*self.start)
        self._check_size()

    def _first_frame_drawn(self) -> None:
        import gc

        self._gc_paused = False
        gc.enable()

    def _show_status(self, update: tuple) -> None:
        from rnntui.ui.status_line import status_text

        session, event = update
        if isinstance(event, (ev.BatchEnded, ev.LogLine, ev.CheckpointSaved, ev.EpochSampled,
                              ev.GradientsRecorded, ev.HistogramsRecorded)):
            return  # the line changes with epochs and states, not with every batch
        self.title = status_text(session) or self.TITLE

    # -- size --------------------------------------------------------------------------------
    def on_resize(self, event: Resize) -> None:
        # This runs before App's own handler has stored the new size: use the event's.
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int | None = None, height: int | None = None) -> None:
        """Cover the screen with a plain message when it is too small for any layout."""
        if width is None or height is None:
            width, height = self.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        on_top = isinstance(self.screen, TooSmallScreen)
        if small and not on_top:
            self.push_screen(TooSmallScreen())
        elif not small and on_top:
            self.pop_screen()

    # -- navigation --------------------------------------------------------------------------
    def open_task(self, task_id: str) -> None:
        self.current_task_id = task_id
        self.push_screen(screen_class("hparams", "HparamsScreen")(task_id))

    def open_run(self, run: Run) -> None:
        self.current_task_id = run.task_id
        self.push_screen(screen_class("training", "TrainingScreen")(self.service.session_for(run)))

    def open_screen(self, run: Run, screen: str) -> None:
        """Show `run` on `screen` (one of messages.RUN_SCREENS)."""
        self.current_task_id = run.task_id
        if screen == "training":
            self.open_run(run)
        elif screen == "compare":
            self.compare(run.task_id, [run.name])
        elif screen in RUN_VIEWS:
            self.push_screen(screen_class(*RUN_VIEWS[screen])(run))
        elif screen == "predict":
            kind = get_task(run.task_id).play_input(run.hparams).kind
            self.push_screen(screen_class(*PLAY_SCREENS[kind])(run))
        else:
            raise ValueError(f"no screen {screen!r}: one of {', '.join(messages.RUN_SCREENS)}")

    @on(messages.RunScreenAsked)
    def _run_screen_asked(self, message: messages.RunScreenAsked) -> None:
        self.open_screen(message.run, message.screen)

    @on(messages.TrainOnAsked)
    def _train_on_asked(self, message: messages.TrainOnAsked) -> None:
        self.train_on(message.run)

    def train_on(self, run: Run) -> None:
        """Train `run` on: to its epoch target, or (all done) to a number of epochs asked."""
        done = run.epochs_done
        if done < run.hparams.epochs:
            self.resume(run)
            return

        def resume_to(epochs: int | None) -> None:
            if epochs is not None:
                self.resume(run, epochs)

        self.push_screen(screen_class("dialogs", "EpochsScreen")(run.name, done), resume_to)

    def show_training(self) -> None:
        """The live (or last) training session's screen."""
        session = self.service.session
        if session is None:
            self.notify("Nothing has trained yet in this session.", severity="warning")
            return
        training_screen = screen_class("training", "TrainingScreen")
        for screen in self.screen_stack:
            if isinstance(screen, training_screen) and screen.session is session:
                while self.screen is not screen:
                    self.pop_screen()
                return
        self.push_screen(training_screen(session))

    def compare(self, task_id: str | None = None, selected: list[str] | None = None) -> None:
        task_id = task_id or self.current_task_id
        self.push_screen(screen_class("compare", "CompareScreen")(task_id, selected or []))

    def open_runs(self) -> None:
        """Back to the tasks screen with the runs list focused."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, TasksScreen):
            self.pop_screen()
        if isinstance(self.screen, TasksScreen):
            self.screen.focus_runs()

    # -- training ----------------------------------------------------------------------------
    def source_for(self, task_id: str) -> DataSource:
        """The data files given to the app that this task reads (imdb: data, poems: corpus)."""
        return get_task(task_id).own_source(self.source)

    def train(self, task_id: str, hparams: HParams | None = None) -> bool:
        """Create a run of `task_id` and train it; False (with a notification) if refused."""
        task = get_task(task_id)
        self.current_task_id = task_id
        if self.service.busy:
            return self._refuse_busy()
        try:
            hp = hparams if hparams is not None else task.hparams()
            run = self.store.create(task_id, hp, self.source_for(task_id))
        except (ConfigError, RunError) as exc:
            self.notify(str(exc), title="Cannot train", severity="error")
            return False
        return self._start(run, fresh=True)

    def train_cells(self, task_id: str, hparams: HParams | None = None) -> bool:
        """Seed 003's comparison: train `hparams` (or the defaults) with SimpleRNN, LSTM and
        GRU in turn, then open the compare view on the three runs."""
        self.current_task_id = task_id
        if self.service.busy:
            return self._refuse_busy()
        try:
            self.cells = CellQueue.of(task_id, hparams or get_task(task_id).hparams())
        except ConfigError as exc:
            self.notify(str(exc), title="Cannot compare the cells", severity="error")
            return False
        return self._train_next_cell()

    def train_seeds(self, task_id: str, hparams: HParams, count: int) -> bool:
        """Train `hparams` once per seed (its seed, +1 …) in turn, then open the compare
        view on them: their mean ± sd as a band (rnntui.seeds)."""
        self.current_task_id = task_id
        if self.service.busy:
            return self._refuse_busy()
        try:
            self.cells = CellQueue.of_seeds(task_id, hparams, count)
        except (ConfigError, ValueError) as exc:
            self.notify(str(exc), title="Cannot train the seeds", severity="error")
            return False
        return self._train_next_cell()

    def _train_next_cell(self) -> bool:
        cells = self.cells
        assert cells is not None
        hp = cells.next()
        if hp is None:  # all trained: show them side by side
            self.cells = None
            self.compare(cells.task_id, cells.started)
            return True
        try:
            run = self.store.create(cells.task_id, hp, self.source_for(cells.task_id))
        except (ConfigError, RunError) as exc:
            self.cells = None
            self.notify(str(exc), title="Cannot train", severity="error")
            return False
        cells.started.append(run.name)
        if not self._start(run, fresh=True):
            self.cells = None
            return False
        session = self.service.session
        assert session is not None
        which = hp.cell if cells.what == "cell" else f"seed {hp.seed}"
        session.note(f"comparing {cells.what}s: {cells.label()} ({which}); "
                     + ("the next starts when this one ends" if cells.waiting
                        else "the compare view opens when it ends")
                     + (f"; so far: {cells.results()}" if cells.ended else ""),
                     "warning" if any("✗" in line for line in cells.ended) else "info")
        self.service.updated.publish((session, None))
        return True

    def _cell_ended(self, event: Any, session: Any) -> None:
        """A queued cell ended: go on after a result (a diverged cell is one); after a
        stop or a failure drop the rest."""
        cells = self.cells
        if cells is None or session is None or session.name not in cells.started:
            return
        if isinstance(event, ev.TrainingFinished) and cells.goes_on_after(event.status):
            cells.go_on = True  # the next starts once this worker has ended
            cells.record(session.run.hparams, outcome_headline(event))
            if event.status != "completed":
                session.note(f"{cells.label()}: {outcome_headline(event)}; the next "
                             f"{cells.what} trains", "warning")
            return
        self.cells = None
        session.note(f"the {cells.what} comparison stopped after {cells.label()}; c "
                     "compares the runs that trained", "warning")
        self.service.updated.publish((session, None))

    def resume(self, run: Run, epochs: int | None = None) -> bool:
        """Train `run` on from its checkpoint, up to `epochs` in all when given."""
        if self.service.busy:
            return self._refuse_busy()
        try:
            if epochs is not None:
                run.set_epochs(epochs)
        except (ConfigError, RunError, OSError) as exc:
            self.notify(str(exc), title="Cannot resume", severity="error")
            return False
        return self._start(run)

    def _start(self, run: Run, fresh: bool = False) -> bool:
        try:
            session = self.service.start(run, fresh=fresh)
        except TrainingBusy:
            return self._refuse_busy()
        training_screen = screen_class("training", "TrainingScreen")
        if isinstance(self.screen, training_screen):
            self.screen.follow(session)
        else:
            self.push_screen(training_screen(session))
        return True

    def _refuse_busy(self) -> bool:
        session = self.service.session
        name = session.name if session else "a run"
        self.notify(f"{name} is still training. Stop it first (s on its training screen).",
                    title="One training at a time", severity="warning")
        return False

    @on(messages.TrainingMessage)  # matches every subclass: one handler for all events
    def _training_event(self, message: messages.TrainingMessage) -> None:
        session = self.service.session
        if isinstance(message.event, ev.TrainingFailed) and session is not None:
            self._forget_if_empty(session)
        self.service.record(message.event)
        if isinstance(message.event, (ev.TrainingFinished, ev.TrainingFailed)):
            self._cell_ended(message.event, session)
        if isinstance(message.event, (ev.TrainingFinished, ev.TrainingFailed)) and session:
            showing = (isinstance(self.screen, screen_class("training", "TrainingScreen"))
                       and self.screen.session is session)
            if not showing:  # someone looking elsewhere still learns how it ended
                failed = isinstance(message.event, ev.TrainingFailed)
                what = (message.event.message if failed else f"{message.event.status}, "
                        f"{message.event.epochs} epochs")
                self.notify(what, title=session.name, severity="error" if failed else
                            "information")

    def _forget_if_empty(self, session: Any) -> None:
        """A new run that failed before its first checkpoint (its data never loaded, say)
        has nothing worth keeping: remove it, as `rnntui train` does, so the list stays
        clean. The failure stays on screen."""
        run = session.run
        if not session.fresh or run.has_checkpoint:
            return
        try:
            self.store.delete(run.name)
        except (RunError, OSError):
            return  # a leftover folder is harmless; the list shows it
        session.note(f"nothing was saved, so {run.name} was removed")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A training worker that ended without a last word still ends its session."""
        service = self.service
        if event.worker is not service.worker or not event.worker.is_finished:
            return
        if service.session is not None and service.session.active:
            why = ("training was cancelled" if event.state == WorkerState.CANCELLED
                   else f"training ended unexpectedly ({event.worker.error or 'no result'})")
            failed = ev.TrainingFailed(why)
            service.record(failed)
            self._cell_ended(failed, service.session)
        if self.cells is not None and self.cells.go_on and not self._quitting:
            self.cells.go_on = False
            self._train_next_cell()

    # -- actions -----------------------------------------------------------------------------
    def open_units(self, screen: str = "units") -> None:
        """The unit (or saturation) view of the run on screen, else of the current task's
        newest trained run (the palette's command)."""
        run = getattr(self.screen, "run", None) or getattr(
            getattr(self.screen, "session", None), "run", None)
        if run is None:
            for info in self.store.list():  # newest first
                if info.run is not None and info.run.task_id == self.current_task_id \
                        and info.run.has_checkpoint:
                    run = info.run
                    break
        if run is None:
            self.notify(f"no trained {self.current_task_id} run yet: train one first",
                        severity="warning")
            return
        self.open_screen(run, screen)

    def action_help(self) -> None:
        help_screen = screen_class("help", "HelpScreen")
        if isinstance(self.screen, help_screen):
            return
        if self._help is None:  # one help screen, kept (installed) and shown again
            self._help = help_screen(self.screen)
            self.install_screen(self._help, name="help")
        self._help.show_for(self.screen)
        self.push_screen(self._help)

    def action_explain(self) -> None:
        """The forward pass by hand (seeds 002 §6 and 004)."""
        self.push_screen(screen_class("explain", "ExplainScreen")())

    def open_doctor(self) -> None:
        """The doctor's report (`rnntui doctor`), with the last trained run's settings."""
        session = self.service.session
        runs = {f"run {session.run.name}": dict(session.run.hparams)} if session else {}
        self.push_screen(screen_class("doctor", "DoctorScreen")(runs))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT.name if self.theme == DARK.name else DARK.name

    def action_train_current(self) -> None:
        """Train the current task: with the form's values on its form, else its defaults."""
        self._train_current(cells=False)

    def action_train_cells_current(self) -> None:
        """Seed 003's comparison on the current task: the form's values on its form."""
        self._train_current(cells=True)

    def _train_current(self, cells: bool) -> None:
        screen = self.screen
        if isinstance(screen, screen_class("hparams", "HparamsScreen")):
            (screen.action_train_cells if cells else screen.action_train)()
        else:
            (self.train_cells if cells else self.train)(self.current_task_id)

    def action_toggle_pause(self) -> None:
        if not self.service.busy:
            self.notify("Nothing is training.", severity="warning")
            return
        paused = self.service.toggle_pause()
        self.notify("Training paused." if paused else "Training resumed.")

    def action_stop_training(self) -> None:
        if not self.service.busy:
            self.notify("Nothing is training.", severity="warning")
            return
        self.service.stop()

    async def action_quit(self) -> None:
        """Quit; a training run is stopped first so its last complete epoch is saved."""
        if not self.service.busy:
            self.exit(0)
            return
        if self._quitting:  # asked twice: do not wait for the child any longer
            self.service.kill()
            self.exit(0)
            return
        self._quitting = True
        self.notify("Stopping training; the last complete epoch is kept…", title="Quitting",
                    timeout=STOP_GRACE + 2)
        self.service.shutdown()
        # Wait in a worker so the app keeps drawing and handling the final events.
        self.run_worker(self._exit_when_stopped(), name="quit", group="quit", exclusive=True)

    async def _exit_when_stopped(self) -> None:
        deadline = time.monotonic() + STOP_GRACE + 2
        while self.service.busy and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        self.exit(0)

    def on_unmount(self) -> None:
        # However the app ends, the child must not outlive it: stop it, kill it if stuck.
        self.service.shutdown(grace=2.0)


def make_app(trainer_factory: TrainerFactory | None = None, store: RunStore | None = None,
             source: DataSource | None = None,
             start: tuple[Run, str] | None = None, gc_paused: bool = False) -> RnntuiApp:
    """The app, with a trainer factory and a run store the tests can replace.

    Args:
        trainer_factory: `run -> trainer` (default: a `TrainingProcess` per run).
        store: where runs live (default: `RunStore()` under RNNTUI_HOME).
        source: data files for tasks that read them (imdb `--data`, poems `--corpus`).
        start: a run and the screen to open on it (`rnntui open RUN --screen ...`).
        gc_paused: the caller disabled the garbage collector; the app enables it again once
            its first frame is drawn (`run_app`).
    """
    return RnntuiApp(trainer_factory=trainer_factory, store=store, source=source, start=start,
                     gc_paused=gc_paused)


def run_app(**options: Any) -> int:
    """Run the app in this terminal; the exit status for `rnntui`.

    Call it with the garbage collector already disabled (`gc.disable()` before importing this
    module: `rnntui.cli.open_app`) and `gc_paused=True`: starting makes ~90,000 objects,
    and the collections they set off cost about 30 ms of CPU before the first frame (20 ms
    for a minimal Textual app), work that waits until the app has drawn it.
    """
    app = make_app(**options)
    app.run()
    return app.return_code or 0
