"""The files of a run folder: written atomically, read with a sentence for what went wrong.

The lowest module of the run store: the store, its lock, notes and CSV all write through it,
and it imports none of them.
"""

from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class RunError(RuntimeError):
    """A run that cannot be opened or written; the message says which and why."""


class WriteFailed(OSError, RunError):
    """A file that could not be written (a full disk, a read-only folder, `ulimit -f`).

    An OSError still, so a best-effort writer that catches OSError goes on doing so; a
    RunError too, so a command says it in one line instead of a traceback.
    """

    def __str__(self) -> str:
        why = self.strerror or (self.args[0] if self.args else "an error")
        if self.errno == errno.ENOSPC:
            why += "; free some space, then try again"
        return f"cannot write {self.filename} ({why})"


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a mix."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    atomic_save(path, lambda tmp: tmp.write_bytes(raw))


def atomic_save(path: Path, writer: Callable[[Path], None]) -> None:
    """Let `writer` write a temporary file beside `path` (same suffix, as Keras wants), flush
    it to disk, then move it in place with `os.replace`."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{time.monotonic_ns()}.tmp{path.suffix}")
    try:
        writer(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        if isinstance(exc, WriteFailed):
            raise
        raise WriteFailed(exc.errno, exc.strerror or str(exc), str(path)) from exc
    except BaseException:
        _unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _unlink(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{path.parent.name}: {what} is missing ({path.name})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RunError(f"{path.parent.name}: {what} is damaged ({path.name}: {exc})") from None
    except RecursionError:  # thousands of nested brackets: no file rnntui wrote
        raise RunError(f"{path.parent.name}: {what} is damaged ({path.name}: nested too "
                       "deeply)") from None
    except OSError as exc:
        raise RunError(f"{path.parent.name}: cannot read {path.name} ({exc.strerror})") from None


def read_epoch_lines(path: Path, parse: Callable[[dict, int], T],
                     epochs: int | None = None) -> list[T]:
    """The records of a side output kept a line an epoch (gradient norms, histograms), in
    epoch order: the newest line of an epoch trained twice (a resume), the epochs past
    `epochs` (cut back to a kept epoch) left out, a damaged line skipped, an unreadable file
    none (side outputs never stop what reads them).

    Args:
        parse: makes a record of a line's object and its epoch; raises ValueError, KeyError,
            TypeError or AttributeError on a damaged one.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    kept: dict[int, T] = {}
    for line in lines:
        try:
            data = json.loads(line)
            epoch = int(data["epoch"])
            record = parse(data, epoch)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            continue
        if epochs is None or epoch <= epochs:
            kept[epoch] = record
    return [kept[e] for e in sorted(kept)]
