"""The command palette (Ctrl+P): open a task, train, pause, stop, runs, compare, theme."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from rnntui.tasks import TASKS

if TYPE_CHECKING:
    from rnntui.ui.navigator import Navigator


class RnntuiCommands(Provider):
    """rnntui's own commands, beside Textual's (theme picker, keys, quit)."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cast("Navigator", self.app)
        commands: list[tuple[str, Callable[[], object], str]] = [
            (f"Open task: {task.id}", partial(app.open_task, task.id),
             f"{task.title}: edit its hyperparameters")
            for task in TASKS.values()
        ]
        commands += [
            ("Train current task", app.action_train_current,
             f"train {app.current_task_id} (the form's values on its form, else the defaults)"),
            ("Train SimpleRNN, LSTM and GRU", app.action_train_cells_current,
             f"train {app.current_task_id} with SimpleRNN, LSTM and GRU in turn (the form's "
             "values on its form, else the defaults), then compare them"),
            ("Pause or resume training", app.action_toggle_pause,
             "pause the running training after this batch, or carry on"),
            ("Stop training", app.action_stop_training,
             "stop after this batch; the last complete epoch is kept"),
            ("Show training", app.show_training, "the live (or last) training screen"),
            ("Open runs", app.open_runs, "the saved runs: open, resume or delete one"),
            ("Compare runs", app.compare,
             f"overlay the curves of runs of {app.current_task_id}"),
            ("Units: what each unit learned", app.open_units,
             "the run on screen (or the newest of the current task): text coloured by a "
             "unit, units ranked by a feature, select and match, ablation"),
            ("Gate saturation by epoch", lambda: app.open_units("saturation"),
             "per gate and unit, the fraction of held-out steps below 0.1 and above 0.9"),
            ("Forward pass by hand", app.action_explain,
             "the seeds' 2-unit RNN worked out step by step, with the numbers"),
            ("Doctor: check this machine", app.open_doctor,
             "what `rnntui doctor` says: backends and GPUs, the fused kernel, terminal, "
             "run store, data caches, network, each with its fix"),
            ("Toggle theme", app.action_toggle_theme, "switch between dark and light"),
        ]
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
