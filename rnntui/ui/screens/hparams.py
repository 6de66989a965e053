"""The hyperparameters form: every field of the task's schema, checked as you type.

Each change parses every field (`Param.parse`), then the task's own cross-field checks
(`task.hparams`); errors show under the field they name, and training is refused until none
is left. The model text and parameter count follow the values (`task.preview`: no
TensorFlow, well under a millisecond for most tasks).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Select, Static, Switch

from rnntui.config import SCHEMA, ConfigError, HParams, params_for
from rnntui.fastpath import fast_path
from rnntui.seeds import SEEDS
from rnntui.tasks import DataSource, DataUnavailable, get_task
from rnntui.ui import figures
from rnntui.ui.widgets.fields import ParamField
from rnntui.ui.widgets.file_field import FileField
from rnntui.ui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from rnntui.ui.navigator import Navigator


class HparamsScreen(Screen[None]):
    """A form over `SCHEMA` for one task."""

    CSS_PATH = "hparams.tcss"  # loaded when first shown (see RnntuiApp.CSS_PATH)

    HELP_TITLE = "hyperparameters"
    BODY = "#form"  # the focus starts there, and Esc leaves a field for it (rnntui.ui.keys)
    # Outside a field only: in one, every printable key types.
    BINDINGS = [
        Binding("t", "train", "Train", id="hparams.train",
                tooltip="train with these values (refused while a field is invalid)"),
        Binding("C", "train_cells", "3 cells", id="hparams.train_cells", key_display="C",
                tooltip="train these values with SimpleRNN, LSTM and GRU in turn, then "
                "compare them"),
        Binding("R", "recipe", "Seed recipe", id="hparams.recipe",
                key_display="R", tooltip="reset every field to the seed tutorial's recipe"),
        Binding("D", "defaults", "Defaults", id="hparams.defaults",
                key_display="D", tooltip="reset every field to rnntui's defaults"),
        Binding("escape", "back", "Back", id="hparams.back", tooltip="back to the tasks"),
    ]

    errors: reactive[dict[str, str]] = reactive(dict, init=False, always_update=True)
    """Field key → message for every refused field; empty when the form is valid."""
    params: reactive[int] = reactive(0, init=False)
    """Parameter count of the model the values describe (last valid values)."""

    def __init__(self, task_id: str, values: HParams | None = None):
        super().__init__()
        self.rnn_task = get_task(task_id)
        self.start_values = values or self.rnn_task.hparams()
        self.hp: HParams | None = self.start_values
        self.keys = params_for(task_id)
        self._checked: tuple[dict[str, Any], dict[str, str | None], Any] | None = None
        self._from_source: dict[str, Any] = {}  # fields a data file set, and to what

    @property
    def rnntui(self) -> Navigator:
        return cast("Navigator", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="model-card"):
            yield Static(id="model-text")
            with Horizontal(id="model-figures"):
                yield Static(id="model-params")
                yield Static(id="form-status")
            yield Static(id="fast-path")
        with VerticalScroll(id="form"):
            for key in self.keys:
                yield ParamField(SCHEMA[key], self.start_values[key])
            source = self.rnntui.source_for(self.rnn_task.id)
            for field in self.rnn_task.source_fields:  # the files this task reads
                yield FileField(field, getattr(source, field.name))
            yield ParamField(SEEDS, 1)  # how many runs t trains, one per seed
        with Horizontal(id="form-buttons"):
            yield Button("Train (t)", id="train", variant="primary", compact=True)
            yield Button("Seed recipe (R)", id="recipe", compact=True)
            yield Button("Defaults (D)", id="defaults", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"hyperparameters · {self.rnn_task.id}"
        self.query_one("#model-card").border_title = self.rnn_task.title
        self.validate_form()
        # The body, not the first field: t trains at once, Tab (or ↓ then Tab) edits.
        self.query_one("#form").focus()

    # -- validation --------------------------------------------------------------------------
    def fields(self) -> dict[str, ParamField]:
        """The hyperparameters' fields (the seeds field is the form's, not the run's)."""
        return {f.param.key: f for f in self.query(ParamField) if f.param is not SEEDS}

    def seeds(self) -> tuple[int | None, str | None]:
        """The seeds field's count, or None and why not."""
        try:
            return SEEDS.parse(self.query_one(f"#field-{SEEDS.key}", ParamField).raw), None
        except ConfigError as exc:
            return None, exc.message

    def file_fields(self) -> dict[str, FileField]:
        return {f.key: f for f in self.query(FileField)}

    def source(self) -> DataSource:
        """The app's data files, with this form's paths for the files its task reads."""
        paths = {name: field.path for name, field in self.file_fields().items()}
        return replace(self.rnntui.source, **paths)

    def values(self) -> dict[str, Any]:
        return {key: field.raw for key, field in self.fields().items()}

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    def _changed(self) -> None:
        self.validate_form()

    def validate_form(self) -> None:
        """Parse every field, then the task's checks; show errors, update the preview."""
        values = self.values()
        state = (values, {name: field.path for name, field in self.file_fields().items()},
                 self.query_one(f"#field-{SEEDS.key}", ParamField).raw)
        if state == self._checked:
            return  # mounting the controls reports each initial value once more
        self._checked = state
        errors: dict[str, str] = {}
        parsed: dict[str, Any] = {}
        for key, raw in values.items():
            try:
                parsed[key] = SCHEMA[key].parse(raw)
            except ConfigError as exc:
                errors[key] = exc.message
        hp = None
        if not errors:
            try:
                hp = self.rnn_task.hparams(parsed)
            except ConfigError as exc:
                for key, message in exc.errors.items():
                    errors[key if key in parsed else "_form"] = message
        count, problem = self.seeds()
        if count is None:
            errors[SEEDS.key] = problem or ""
        for name, field in self.file_fields().items():
            problem = field.problem
            field.show_error(problem)
            if problem:
                errors[name] = problem
        self.hp = hp
        self.errors = errors
        if hp is not None:
            self._preview(hp)
        if not any(name in errors for name in self.file_fields()):
            self._follow_source()

    def _follow_source(self) -> None:
        """Settings the data file decides (IMDb's vocabulary: its word ids) follow the file
        while the field holds what the form put there: the file's value, or the default
        once the file is gone. A value the user typed stays (issue 21 §6)."""
        try:
            wanted = self.rnn_task.source_defaults(self.rnn_task.own_source(self.source()))
        except DataUnavailable:
            return  # the file's own check says what is wrong when training starts
        defaults = self.rnn_task.hparams()
        for key in {*wanted, *self._from_source}:
            field = self.fields().get(key)
            if field is None:
                continue
            put = self._from_source.get(key, defaults[key])
            want = wanted.get(key, defaults[key])
            if str(field.raw) == str(put) and str(put) != str(want):
                self._from_source[key] = want
                field.set_value(want)  # its Changed checks the form again

    def _preview(self, hp: HParams) -> None:
        try:
            model, params = self.rnn_task.preview(hp, self.rnn_task.own_source(self.source()))
        except Exception as exc:  # a data file the preview reads went missing
            self.query_one("#model-text", Static).update(Text(f"cannot preview: {exc}"))
            return
        self.query_one("#model-text", Static).update(Text(model, style="bold"))
        self.params = params
        # A choice that takes the LSTM/GRU off cuDNN's fused kernel, and its cost on a GPU
        # (the form cannot know the device: the app never loads the backend).
        notice = fast_path(hp).notice
        note = self.query_one("#fast-path", Static)
        note.update(Text(f"⚠ {notice}") if notice else "")
        note.set_class(bool(notice), "-shown")

    def watch_params(self, params: int) -> None:
        self.query_one("#model-params", Static).update(
            f"{figures.count(params)} trainable parameters")

    def watch_errors(self, errors: dict[str, str]) -> None:
        for key, field in self.fields().items():
            field.show_error(errors.get(key))
        self.query_one(f"#field-{SEEDS.key}", ParamField).show_error(errors.get(SEEDS.key))
        status = self.query_one("#form-status", Static)
        if errors:
            names = ", ".join(k for k in errors if k != "_form") or "the form"
            text = Text(f"fix {names} to train", style="bold")
            if "_form" in errors:
                text.append(f": {errors['_form']}")
            status.update(text)
        else:
            status.update(Text("ready to train", style="italic"))
        self.query_one("#train", Button).disabled = bool(errors)
        self.query_one("#model-card").set_class(bool(errors), "-stale")

    # -- actions -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("train", "train_cells", "recipe", "defaults") and self._select_open():
            return False  # the open list of a Select has the keys
        return True

    def _select_open(self) -> bool:
        return any(select.expanded for select in self.query(Select))

    def action_train(self) -> None:
        if self._refused():
            return
        assert self.hp is not None
        self.rnntui.source = self.source()  # the run keeps the files it trained from
        count, _ = self.seeds()
        if count and count > 1:  # one run per seed, then the compare view's band
            self.rnntui.train_seeds(self.rnn_task.id, self.hp, count)
            return
        self.rnntui.train(self.rnn_task.id, self.hp)

    def action_train_cells(self) -> None:
        if self._refused():
            return
        assert self.hp is not None
        self.rnntui.source = self.source()
        self.rnntui.train_cells(self.rnn_task.id, self.hp)

    def _refused(self) -> bool:
        """While a field is invalid: say which, focus it, and return True."""
        if not self.errors and self.hp is not None:
            return False
        first = next(iter(self.errors), None)
        names = ", ".join("the form" if key == "_form" else key for key in self.errors)
        self.notify(f"Fix {names} first: {next(iter(self.errors.values()), '')}",
                    title="Not trained", severity="error")
        if first in self.fields():
            self.fields()[first].control.focus()
        return True

    def action_recipe(self) -> None:
        try:
            recipe = self.rnn_task.hparams(recipe=True)
        except ConfigError as exc:  # a seed whose recipe cannot run as written
            self.notify(exc.message, title="The seed's recipe", severity="warning")
            return
        self.notify(self._fill(recipe), title="The seed tutorial's recipe", timeout=4)

    def action_defaults(self) -> None:
        self.notify(self._fill(self.rnn_task.hparams()), title="rnntui's defaults", timeout=4)

    def _fill(self, hp: HParams) -> str:
        """Put `hp` in the form; says which fields changed, from what to what."""
        changed = []
        for key, field in self.fields().items():
            before = field.raw
            field.set_value(hp[key])
            after = field.raw
            if before != after:
                changed.append(f"{key} {before} → {after}")
        self.validate_form()
        return ("changed " + ", ".join(changed)) if changed else "nothing changed"

    def action_back(self) -> None:
        self.dismiss()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_train()

    @on(Button.Pressed, "#train")
    def _train_pressed(self) -> None:
        self.action_train()

    @on(Button.Pressed, "#recipe")
    def _recipe_pressed(self) -> None:
        self.action_recipe()

    @on(Button.Pressed, "#defaults")
    def _defaults_pressed(self) -> None:
        self.action_defaults()
