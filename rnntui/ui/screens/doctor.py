"""The doctor's report in the app (the palette's "Doctor"): what `rnntui doctor` prints.

The checks that need no backend come first (about a second, in a worker thread); the devices
each backend sees follow when its child process answers. `r` runs it all again, Esc goes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from rnntui.ui.widgets.footer import KeyFooter

STYLES = {"ok": "green", "info": "", "warn": "yellow", "problem": "bold red", "skipped": "magenta"}


def render(findings: list, pending: str = "") -> Text:
    """The report as rich Text: each finding's line, its fix indented under it."""
    text = Text()
    for f in findings:
        line = f.line().split("\n", 1)
        text.append(line[0] + "\n", style=STYLES.get(f.status, ""))
        if len(line) > 1:
            text.append(line[1] + "\n", style="italic")
    if pending:
        text.append(pending + "\n", style="dim")
    return text


class DoctorScreen(Screen):
    """The report, scrolled by the keyboard (↑↓, PgUp/PgDn, Home/End)."""

    DEFAULT_CSS = """
    DoctorScreen #doctor-body {
        height: 1fr;
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("r", "rerun", "Check again", id="doctor.rerun",
                tooltip="run every check again (the backends in child processes)"),
        Binding("escape", "back", "Back", id="doctor.back", tooltip="back"),
    ]

    def __init__(self, runs: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        super().__init__()
        self.runs = dict(runs or {})
        self.findings: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="doctor-body", can_focus=True):
            yield Static("checking…", id="doctor-report")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#doctor-body").focus()
        self.action_rerun()

    def action_rerun(self) -> None:
        self.query_one("#doctor-report", Static).update("checking…")
        self.check()

    @work(thread=True, exclusive=True, group="doctor")
    def check(self) -> None:
        from rnntui.doctor import run_doctor

        size = (self.app.size.width, self.app.size.height)
        colors = self.app.console.color_system
        quick = run_doctor(self.runs, devices=False, size=size, color_system=colors)
        quick = [f for f in quick if f.section != "devices"]
        self.app.call_from_thread(self._show, quick, "devices: asking each installed "
                                  "backend in a child process…")
        full = run_doctor(self.runs, devices=True, size=size, color_system=colors)
        self.app.call_from_thread(self._show, full, "")

    def _show(self, findings: list, pending: str) -> None:
        self.findings = findings
        self.query_one("#doctor-report", Static).update(render(findings, pending))

    def action_back(self) -> None:
        self.dismiss()
