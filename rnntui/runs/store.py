"""The run store: one folder per training run under the data directory.

A run folder holds `config.json` (task, hyperparameters, data source), `history.jsonl` (one
line per completed epoch), `model.keras` (weights and optimizer state), `vocab.json` where the
task has a vocabulary, and `status.json` (how the last training ended). Every file is written
to a temporary name and moved into place with `os.replace`, so a kill at any instant leaves
the previous good file, never a half-written one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from rnntui import paths
from rnntui.config import ConfigError, HParams
from rnntui.runs.files import RunError, read_json, atomic_save, atomic_write
from rnntui.runs.lock import writing
from rnntui.tasks import DataSource, UnknownTask, get_task

FORMAT_VERSION = 1
CONFIG, HISTORY, MODEL, VOCAB, STATUS = ("config.json", "history.jsonl", "model.keras",
                                         "vocab.json", "status.json")
HISTORY_IN_MODEL = "rnntui-history.jsonl"  # the history saved inside model.keras
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


OUTCOMES = ("completed", "stopped", "nan", "diverged", "failed")  # how a training can end


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _shown(value: Any) -> str:
    """A damaged value, as JSON, cut short for a one-line message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (RecursionError, ValueError):
        text = type(value).__name__
    return text if len(text) <= 40 else text[:39] + "…"


def _figures(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    return {str(k): float(v) for k, v in value.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)}


@dataclass(frozen=True)
class RunStatus:
    """How a run's last training ended, as the engine wrote it to `status.json`.

    Attributes:
        status: "new" (never trained), "running", or one of OUTCOMES.
        epochs: complete epochs when it ended.
        message: a line saying how it ended (a failure's reason).
        quality: the task's quality figure, by name.
        metrics: the last epoch's metrics.
        train_seconds: time spent in `fit`, over every session of the run.
        params: the network's parameter count, as built.
        best_epoch: the epoch whose weights were kept (early stopping), when known.
        baselines: simple baselines measured in the same run, name → figure.
        stopped_early: training ended before its epoch target because it stopped improving.
        trained_epochs: epochs trained in all, kept or not (None: as `epochs`; a run that
            kept an earlier best epoch trained more than it kept).
        diverged_at: the epoch whose training loss showed the run diverged.
        updated: when it was written (ISO time).
    """

    status: str = "new"
    epochs: int = 0
    message: str = ""
    quality: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    train_seconds: float | None = None
    params: int | None = None
    best_epoch: int | None = None
    baselines: dict[str, float] = field(default_factory=dict)
    stopped_early: bool = False
    trained_epochs: int | None = None
    diverged_at: int | None = None
    updated: str = ""

    @property
    def ended(self) -> bool:
        """Training ran to an end (any outcome), as against never trained or cut off."""
        return self.status in OUTCOMES

    @classmethod
    def from_dict(cls, data: Any) -> RunStatus:
        """Read a status.json of any rnntui version: missing keys take their defaults, keys
        this one does not know are ignored, and a value of the wrong type counts as absent."""
        if not isinstance(data, dict):
            return cls()
        return cls(status=str(data.get("status") or "new"),
                   epochs=_whole(data.get("epochs")) or 0,
                   message=str(data.get("message") or ""),
                   quality=_figures(data.get("quality")), metrics=_figures(data.get("metrics")),
                   train_seconds=_number(data.get("train_seconds")),
                   params=_whole(data.get("params")), best_epoch=_whole(data.get("best_epoch")),
                   baselines=_figures(data.get("baselines")),
                   stopped_early=data.get("stopped_early") is True,
                   trained_epochs=_whole(data.get("trained_epochs")),
                   diverged_at=_whole(data.get("diverged_at")),
                   updated=str(data.get("updated") or ""))

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Run:
    """One training run on disk. Open with `RunStore.open`, make with `RunStore.create`."""

    path: Path
    task_id: str
    hparams: HParams
    source: DataSource
    created: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def model_path(self) -> Path:
        return self.path / MODEL

    @property
    def has_checkpoint(self) -> bool:
        return self.model_path.is_file()

    # -- history -------------------------------------------------------------------------
    def history(self) -> list[dict[str, float]]:
        """Per-epoch metrics of the weights on disk: the copy inside the checkpoint when there
        is one (it always matches the weights), else `history.jsonl`; a damaged last line is
        dropped. After an early stop these end at the kept epoch (see `trained_history`)."""
        embedded = self._history_in_model()
        return _records(embedded if embedded is not None else self._history_file())

    def trained_history(self) -> list[dict[str, float]]:
        """Every epoch trained, as TensorBoard's event files hold them: `history()`, then the
        epochs an early stop trained past the kept one (the validation loss rising after the
        best epoch is the overfitting lesson), which `history.jsonl` keeps until a resume
        from the kept epoch trains them anew. The kept epoch is `status().best_epoch`."""
        kept = self.history()
        try:
            written = _records(self._history_file())
        except RunError:  # the people's copy is damaged: the checkpoint's is still right
            return kept
        return written if written[:len(kept)] == kept and len(written) > len(kept) else kept

    def _history_file(self) -> str | None:
        try:
            return (self.path / HISTORY).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            raise RunError(f"{self.name}: {HISTORY} is damaged (not UTF-8 text)") from None
        except OSError as exc:
            raise RunError(f"{self.name}: cannot read {HISTORY} ({exc.strerror})") from None

    @property
    def epochs_done(self) -> int:
        return len(self.history()) if self.has_checkpoint else 0

    def remove_partial_writes(self) -> int:
        """Delete temporaries left by a writer that was killed mid-save (a model file can
        be megabytes); those of a live process are left alone. Returns how many went."""
        removed = 0
        for tmp in self.path.glob(".*.tmp*"):
            try:
                pid = int(tmp.name.split(".")[2])
                os.kill(pid, 0)  # raises if no such process
                continue
            except (IndexError, ValueError):
                pass  # not one of ours by its name, yet a temporary: it goes too
            except ProcessLookupError:
                pass
            except PermissionError:
                continue  # someone else's live process
            try:
                tmp.unlink()
                removed += 1
            except OSError:
                pass
        return removed

    def save_checkpoint(self, write_model: Callable[[Path], None],
                        history: Iterable[dict[str, float]],
                        extras: Mapping[str, str] | None = None,
                        beyond: Iterable[dict[str, float]] = ()) -> None:
        """Write the model with its history (and `extras`, entry name → text) inside, then
        `history.jsonl`, each atomically; `beyond`, the epochs an early stop trained after
        the kept one, go into `history.jsonl` only (see `trained_history`).

        Two files cannot be replaced at once: a kill between the two moves would leave a
        model a save ahead of `history.jsonl` (half the kills in the saving loop of
        test_robust_interrupts landed there). The copy inside the model archive is the one
        `history()` reads; `history.jsonl` is for people and scripts.
        """
        history = list(history)
        text = "".join(json.dumps(record, sort_keys=True) + "\n" for record in history)
        beyond_text = "".join(json.dumps(record, sort_keys=True) + "\n" for record in beyond)

        def write(tmp: Path) -> None:
            write_model(tmp)
            if zipfile.is_zipfile(tmp):  # a Keras archive; Keras ignores entries it lacks
                with zipfile.ZipFile(tmp, "a") as archive:
                    archive.writestr(HISTORY_IN_MODEL, text)
                    for name, entry in (extras or {}).items():
                        archive.writestr(name, entry)

        atomic_save(self.model_path, write)
        atomic_write(self.path / HISTORY, text + beyond_text)

    def _history_in_model(self) -> str | None:
        return self.checkpoint_entry(HISTORY_IN_MODEL)

    def checkpoint_entry(self, name: str) -> str | None:
        """The text of an entry rnntui added to `model.keras` (see `save_checkpoint`), or
        None: no checkpoint, one from before that entry existed, or a damaged one."""
        try:
            with zipfile.ZipFile(self.model_path) as archive:
                return archive.read(name).decode("utf-8")
        except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, EOFError):
            return None

    # -- vocabulary and status -------------------------------------------------------------
    def save_vocab(self, vocab: Iterable[str]) -> None:
        atomic_write(self.path / VOCAB, json.dumps(list(vocab), ensure_ascii=False))

    def vocab(self) -> list[str] | None:
        if not (self.path / VOCAB).is_file():
            return None
        data = read_json(self.path / VOCAB, "the vocabulary")
        if not isinstance(data, list) or not all(isinstance(t, str) for t in data):
            raise RunError(f"{self.name}: the vocabulary is damaged ({VOCAB})")
        return data

    def save_status(self, **status: Any) -> None:
        """Write how the training ended (the fields of `RunStatus`; keys it does not know are
        kept in the file, for a newer reader)."""
        status["updated"] = datetime.now().isoformat(timespec="seconds")
        atomic_write(self.path / STATUS, json.dumps(status, sort_keys=True, ensure_ascii=False))

    def status(self) -> RunStatus:
        """How the last training of this run ended (`RunStatus()` when it never did)."""
        try:
            data = json.loads((self.path / STATUS).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return RunStatus()
        return RunStatus.from_dict(data)

    def params(self) -> int | None:
        """The network's parameter count: as training counted it, else worked out from the
        hyperparameters (None when that needs data that cannot be had)."""
        counted = self.status().params
        if counted is not None:
            return counted
        from rnntui.tasks import DataUnavailable

        try:
            return get_task(self.task_id).preview(self.hparams, self.source)[1]
        except (DataUnavailable, ConfigError, OSError, ValueError):
            return None

    def set_epochs(self, epochs: int) -> None:
        """Change the epoch target (resuming for more epochs) and save the config.

        Raises:
            RunBusy: another process is writing the run (its config is left alone).
        """

        with writing(self.path):
            self.hparams = self.hparams.replace(epochs=epochs)
            self._write_config()

    def _write_config(self) -> None:
        atomic_write(self.path / CONFIG, json.dumps({
            "version": FORMAT_VERSION, "task": self.task_id, "created": self.created,
            "hparams": self.hparams.to_dict(), "source": self.source.to_dict(),
        }, indent=2, sort_keys=True, ensure_ascii=False))


@dataclass(frozen=True)
class RunInfo:
    """A line of the run list; `error` is set for a run that cannot be opened."""

    name: str
    path: Path
    run: Run | None = None
    error: str | None = None


class RunStore:
    """The folder of runs (`paths.runs_dir()` unless given)."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else paths.runs_dir()

    def create(self, task_id: str, hparams: HParams, source: DataSource = DataSource()) -> Run:
        stamp = datetime.now()
        base = f"{task_id}-{hparams.cell}{hparams.units}-{stamp:%Y%m%d-%H%M%S}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for n in range(1, 1000):
                path = self.root / (base if n == 1 else f"{base}-{n}")
                try:
                    path.mkdir()
                    break
                except FileExistsError:
                    continue
            else:
                raise RunError(f"cannot find a free run name like {base}")
            run = Run(path, task_id, hparams, source, stamp.isoformat(timespec="seconds"))
            try:
                run._write_config()
            except OSError:
                path.rmdir()  # no empty run folder left behind (a full disk)
                raise
        except OSError as exc:
            raise RunError(f"cannot create a run in {self.root} ({exc.strerror or exc})") from None
        return run

    def resolve(self, name: str) -> Path:
        """The folder of a run given by name (inside the store) or by path.

        Raises:
            RunError: for a name that could escape the store, or no such run.
        """
        if "/" in name or name.startswith(("~", ".")):  # a folder, given by path
            candidate = Path(name).expanduser()
            if not candidate.is_dir():
                raise RunError(f"no run folder {name!r}")
            return candidate
        if not _NAME.match(name):
            raise RunError(f"no run {name!r} (a run is a name from `rnntui runs` or a folder)")
        path = self.root / name
        if not path.is_dir():
            raise RunError(f"no run {name!r} in {self.root} (see `rnntui runs`)")
        return path

    def open(self, name: str | Path) -> Run:
        """Open a run by name or folder.

        Raises:
            RunError: for a missing, damaged or newer-version run, with what is wrong.
        """
        path = self.resolve(str(name))
        data = read_json(path / CONFIG, "the run's config")
        if not isinstance(data, dict):
            raise RunError(f"{path.name}: the run's config is damaged ({CONFIG})")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            # "2", 1.5 or null is no version any rnntui wrote: damage, not a newer rnntui
            raise RunError(f"{path.name}: the run's config is damaged ({CONFIG}: version "
                           f"must be a whole number, not {_shown(version)})")
        if version > FORMAT_VERSION:
            raise RunError(f"{path.name}: made by a newer rnntui (format {version}); "
                           f"this one reads format {FORMAT_VERSION}: upgrade rnntui")
        values = data.get("hparams", {})
        if not isinstance(values, dict):  # [] or "" must not quietly become the defaults
            raise RunError(f"{path.name}: the run's config is damaged ({CONFIG}: hparams must "
                           f"be an object of name: value, not {_shown(values)})")
        source = data.get("source")
        if source is not None and not (isinstance(source, dict) and all(
                isinstance(v, str) or v is None for v in source.values())):
            # A string or a list here once failed every command that listed runs.
            raise RunError(f"{path.name}: the run's config is damaged ({CONFIG}: source must "
                           f"be an object of name: file, not {_shown(source)})")
        try:
            task = get_task(str(data.get("task")))
            hp = task.hparams(values)
        except (UnknownTask, ConfigError) as exc:
            raise RunError(f"{path.name}: the run's config is damaged ({exc})") from None
        return Run(path, task.id, hp, DataSource.from_dict(source),
                   str(data.get("created", "")))

    def list(self) -> list[RunInfo]:
        """Every run folder, newest first; damaged ones are listed with their error."""
        try:
            folders = [p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")]
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise RunError(f"cannot read {self.root} ({exc.strerror})") from None
        infos = []
        for folder in folders:
            try:
                run = self.open(folder)
                run.history()  # read here, so that a damaged one is this run's error alone
                infos.append(RunInfo(folder.name, folder, run=run))
            except RunError as exc:
                infos.append(RunInfo(folder.name, folder, error=str(exc)))
        return sorted(infos, key=lambda i: (i.run.created if i.run else "", i.name), reverse=True)

    def rename(self, name: str, new_name: str) -> Run:
        """Give a run of this store a new name (its folder's), under the run's lock.

        Args:
            name: the run's name or folder.
            new_name: the new name: letters, digits, '.', '_' and '-', at most 100.

        Returns:
            The run, opened at its new folder.

        Raises:
            RunError: a bad or taken name, or a run outside the store; RunBusy: a process
                trains it now (the lock's message says which).
        """

        path = self.resolve(name)
        if path.resolve().parent != self.root.resolve():
            raise RunError(f"{name}: only runs inside {self.root} can be renamed")
        if not _NAME.match(new_name):
            raise RunError(f"{new_name!r}: a run name is letters, digits, '.', '_' and '-' "
                           "(at most 100, starting with a letter or digit)")
        target = self.root / new_name
        if target.exists():
            raise RunError(f"{new_name}: a run of that name exists already")
        with writing(path):
            try:
                path.rename(target)
            except OSError as exc:
                raise RunError(f"cannot rename {path.name} ({exc.strerror or exc})") from None
        return self.open(target)

    def delete(self, name: str) -> None:
        """Delete a run of this store.

        Raises:
            RunError: a run outside the store; RunBusy: one another process is writing.
        """

        path = self.resolve(name)
        if path.resolve().parent != self.root.resolve():
            raise RunError(f"{name}: only runs inside {self.root} can be deleted")
        with writing(path):
            shutil.rmtree(path)


def _records(text: str | None) -> list[dict[str, float]]:
    """The epochs of a history's JSON lines (None: no history); a damaged line ends them."""
    epochs: list[dict[str, float]] = []
    for line in (text or "").splitlines():
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            break
        if isinstance(record, dict):
            # Figures only: a hand-edited "loss": "high" must not reach a plot or a CSV.
            epochs.append({str(k): float(v) for k, v in record.items()
                           if isinstance(v, (int, float)) and not isinstance(v, bool)})
    return epochs
