"""`rnntui tasks` and `rnntui runs`: what there is to train, and what was trained."""

from __future__ import annotations

import argparse
from typing import Any

from rnntui.cli.common import UserError, fmt_figure, print_json
from rnntui.config import shown
from rnntui.runs.notes import NotesError, RunNotes, parse_tags, read_notes, write_notes
from rnntui.runs import RunStore
from rnntui.tasks import TASKS


def register(sub: Any) -> None:
    tasks = sub.add_parser("tasks", help="list the tasks and their default hyperparameters")
    tasks.add_argument("--json", action="store_true", help="print JSON")
    tasks.set_defaults(handler=cmd_tasks)

    runs = sub.add_parser("runs", help="list saved runs")
    runs.add_argument("--json", action="store_true", help="print JSON")
    runs.set_defaults(handler=cmd_runs)

    note = sub.add_parser("note", help="show or write a run's note and tags")
    note.add_argument("run", help="a run name or folder")
    note.add_argument("text", nargs="?", help="the note (replaces the old one; '' clears it)")
    note.add_argument("--tags", metavar="A,B", help="the run's tags (replace the old ones)")
    note.set_defaults(handler=cmd_note)

    rename = sub.add_parser("rename", help="give a run a new name (refused while it trains)")
    rename.add_argument("run", help="a run name")
    rename.add_argument("new_name", metavar="NEW", help="the new name")
    rename.set_defaults(handler=cmd_rename)


def cmd_tasks(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    rows = []
    for task in TASKS.values():
        hp = task.hparams()
        rows.append({"id": task.id, "title": task.title, "learns": task.learns,
                     "data": task.data_text, "expect": task.expect, "from": task.seed_ref,
                     "defaults": hp.to_dict(), "recipe": task.hparams(recipe=True).to_dict()})
    if args.json:
        print_json(rows)
        return 0
    console = Console()
    if console.width < WIDE_TABLE:
        # A block a task: five columns in a narrow terminal split words (`bidirectional=F` /
        # `alse`); a label and its text, wrapped at spaces, never do.
        for row in rows:
            console.print(_task_block(row))
        return 0
    table = Table(title="rnntui tasks", show_lines=True)
    for column in ("id", "what it learns", "data", "expect", "defaults · seed's recipe"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["id"], f"{row['title']}: {row['learns']}", row["data"], row["expect"],
                      _settings(row["defaults"], row["recipe"]))
    console.print(table)
    return 0


# Columns under which `rnntui tasks` prints a block per task instead of one wide table.
WIDE_TABLE = 150


def _task_block(row: dict) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # folds only a word longer than the whole line
    grid.add_row("learns", row["learns"])
    grid.add_row("data", row["data"])
    grid.add_row("expect", row["expect"])
    grid.add_row("from", row["from"])
    grid.add_row("defaults", " ".join(f"{k}={v}" for k, v in row["defaults"].items()))
    differs = " ".join(f"{k}={v}" for k, v in row["recipe"].items()
                       if row["defaults"].get(k) != v)
    grid.add_row("recipe", f"(--recipe): {differs or 'the same'}")
    return Group(Text.assemble((row["id"], "bold"), " · ", row["title"]), grid, Text(""))


def _settings(defaults: dict, recipe: dict) -> str:
    """The defaults as key=value, then where the seed's recipe differs (`--recipe`)."""
    shown = " ".join(f"{k}={v}" for k, v in defaults.items())
    differs = " ".join(f"{k}={v}" for k, v in recipe.items() if defaults.get(k) != v)
    return f"{shown}\nrecipe (--recipe): {differs or 'the same'}"


def cmd_runs(args: argparse.Namespace) -> int:
    infos = RunStore().list()
    rows = []
    for info in infos:
        if info.run is None:
            rows.append({"name": info.name, "path": str(info.path), "error": info.error})
            continue
        run = info.run
        status = run.status()
        notes = read_notes(run.path)
        rows.append({"name": run.name, "path": str(run.path), "task": run.task_id,
                     "created": run.created, "epochs": run.epochs_done,
                     "target_epochs": run.hparams.epochs,
                     "status": status.status, "message": status.message,
                     "quality": status.quality, "note": notes.note, "tags": list(notes.tags)})
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(f"no runs yet in {RunStore().root}; start one with `rnntui train onehot4`")
        return 0
    for row in rows:
        if "error" in row:
            print(shown(f"{row['name']}  cannot open: {row['error']}"))
            continue
        if row["epochs"] == 0 and row["status"] in ("nan", "failed") and row["message"]:
            # "0/2 epochs nan" said nothing: say what happened, and that nothing is kept.
            print(shown(f"{row['name']}  {row['task']}  no epoch kept: {row['message']}"))
            continue
        quality = ", ".join(f"{k} {fmt_figure(k, v)}" for k, v in row["quality"].items())
        label = RunNotes(row["note"], tuple(row["tags"])).label()
        print(shown(f"{row['name']}  {row['task']}  {row['epochs']}/{row['target_epochs']} "
                    f"epochs  {row['status']}  {quality}") + (f"  {label}" if label else ""))
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    """Print the run's note and tags, or replace what is given (the text, the tags or both)."""
    run = RunStore().open(args.run)
    notes = read_notes(run.path)
    if args.text is None and args.tags is None:
        print(notes.label() or shown(f"{run.name} has no note or tags; write one with "
                                     f"`rnntui note {run.name} TEXT --tags a,b`"))
        return 0
    try:
        notes = RunNotes(note=notes.note if args.text is None else args.text.strip(),
                         tags=notes.tags if args.tags is None else parse_tags(args.tags))
        write_notes(run.path, notes)
    except NotesError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"{run.name}: cannot write its notes ({exc.strerror})") from None
    print(f"{shown(run.name)}: {notes.label() or 'no note or tags'}")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    run = RunStore().rename(args.run, args.new_name)
    print(f"renamed {args.run} to {run.name}")
    return 0
