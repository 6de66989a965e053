"""A doctor's finding and the report of all of them (plain data, no Textual, no Keras)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

OK, INFO, WARN, PROBLEM, SKIPPED = "ok", "info", "warn", "problem", "skipped"
# How each status reads at the start of a line (plain text: the report is read over SSH,
# piped into a file, or pasted into an issue).
MARKS = {OK: "ok", INFO: "--", WARN: "!!", PROBLEM: "XX", SKIPPED: "??"}


@dataclass(frozen=True)
class Finding:
    """One line of the report.

    Attributes:
        section: what was looked at ("python", "devices: torch", "terminal", ...).
        status: OK, INFO (a fact, nothing to fix), WARN (works, but worse than it could),
            PROBLEM (something will not work), SKIPPED (the check could not run: `text`
            says why).
        text: what was found.
        fix: what to do about it, where something is off.
    """

    section: str
    status: str
    text: str
    fix: str = ""

    def line(self) -> str:
        head = f"[{MARKS.get(self.status, '  ')}] {self.section}: {self.text}"
        return head + (f"\n     fix: {self.fix}" if self.fix else "")


def guarded(section: str, check: Callable[[], Sequence[Finding]]) -> list[Finding]:
    """Run one check; a check that raises becomes one SKIPPED line saying why, so the others
    go on (the doctor itself never fails)."""
    try:
        return list(check())
    except Exception as exc:  # noqa: BLE001 - the point: any failure is reported, not raised
        why = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:200]
        return [Finding(section, SKIPPED, f"this check could not run ({why})")]


def as_text(findings: Iterable[Finding]) -> str:
    return "\n".join(f.line() for f in findings)


def as_json(findings: Iterable[Finding], seconds: float | None = None) -> str:
    items = [asdict(f) for f in findings]
    summary = {s: sum(1 for f in items if f["status"] == s)
               for s in (OK, INFO, WARN, PROBLEM, SKIPPED)}
    data: dict = {"findings": items, "summary": summary}
    if seconds is not None:
        data["seconds"] = round(seconds, 3)
    return json.dumps(data, ensure_ascii=False)
