"""One writer per run: a lock file in the run's folder, held while anything writes the run.

Two trainers of one run (`train --resume` twice, or the CLI beside the app) would each save
their own epochs over the other's, and the last to save wins in silence. So every writer
takes the run's lock first and a second one is refused, with a message naming the process
that holds it. Readers (predict, gates, runs, compare) never take it, so they never wait.

The lock is `filelock`'s: on Linux and macOS an `flock` on `.lock`, which the kernel drops
when the holding process ends, however it ends, so a lock left by a killed trainer is taken
over by the next one with nothing to clean (a lock file that outlived its process proves
nothing). Who holds it is written beside it, in `.lock.holder`, for the refusal's message.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

# filelock (~10-20 ms to import, hashlib and secrets with it) is imported where a run is
# written, so the app's first frame, which writes nothing, goes without it (issue 21 §8).
if TYPE_CHECKING:
    from filelock import FileLock

from rnntui.runs.files import RunError, atomic_write

LOCK = ".lock"
HOLDER = ".lock.holder"


class RunBusy(RunError):
    """Another process is writing this run; the message names it."""


def _lock_for(folder: Path) -> FileLock:
    # One lock object per path in this process (is_singleton), shared by its threads
    # (thread_local=False): the CLI takes the lock before changing a run's config and
    # train() takes it again, and a second flock from one process on a new descriptor
    # would refuse its own first one.
    # Keyed by the resolved path, so "runs/x" and "/home/.../runs/x" are one lock too.
    from filelock import FileLock

    return FileLock(str(folder.resolve() / LOCK), timeout=0, thread_local=False,
                    is_singleton=True)


def holder(folder: Path) -> dict | None:
    """Who last took the run's lock: {"pid", "command", "since"}, or None if unknown."""
    try:
        data = json.loads((Path(folder) / HOLDER).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _describe(folder: Path) -> str:
    who = holder(folder)
    if not who:
        return "another process"
    command = str(who.get("command", "")).strip()
    since = str(who.get("since", ""))
    return (f"process {who.get('pid', '?')}" + (f" ({command})" if command else "")
            + (f" since {since}" if since else ""))


@contextmanager
def writing(folder: str | Path, role: str = "") -> Iterator[None]:
    """Hold the lock of the run in `folder` for the block; re-entrant within a process.

    Args:
        folder: the run's folder.
        role: who writes, for a refused writer's message (default: this process's command
            line); the first holder in a process names it.

    Raises:
        RunBusy: another process holds it (the message names that process).
        RunError: the lock cannot be made (a read-only folder, say).
    """
    from filelock import Timeout

    folder = Path(folder)
    lock = _lock_for(folder)
    first = not lock.is_locked
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunBusy(f"{folder.name} is being written by {_describe(folder)}: one "
                      "writer at a time; wait for it to end or stop it first") from None
    except OSError as exc:
        raise RunError(f"{folder.name}: cannot lock the run ({exc.strerror or exc})") from None
    try:
        if first:
            try:
                _write_holder(folder, role)
            except OSError:  # a full disk, say: the lock still holds; a refused writer
                pass  # is then told "another process" (and the save fails on its own)
        yield
    finally:
        lock.release()


def _write_holder(folder: Path, role: str) -> None:
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program == "__main__.py":  # `python -m rnntui.cli`, the CLI by another name
        program = "rnntui"
    command = role or " ".join([program, *sys.argv[1:]])
    atomic_write(folder / HOLDER, json.dumps({
        "pid": os.getpid(), "command": command[:200],
        "since": datetime.now().isoformat(timespec="seconds")}))
