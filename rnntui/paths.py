"""Every place rnntui reads or writes on disk, in one module.

`RNNTUI_HOME` overrides the data directory (tests point it at a temporary folder).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "rnntui"


def data_dir() -> Path:
    """The root of everything rnntui keeps: runs and logs."""
    override = os.environ.get("RNNTUI_HOME")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def runs_dir() -> Path:
    """One sub-folder per training run."""
    return data_dir() / "runs"


def log_file() -> Path:
    """Where TensorFlow's and Keras's chatter goes instead of the terminal: `rnntui.log` in
    the data folder, or the null device when that cannot be written (a folder of that name,
    a read-only or full disk); `log_file_problem()` then says why, for a warning."""
    path = data_dir() / "rnntui.log"
    return path if log_file_problem() is None else Path(os.devnull)


def log_file_problem() -> str | None:
    """Why `rnntui.log` cannot be written (one line), or None when it can. The log is a side
    output: without it TensorFlow's messages are lost, never the training."""
    path = data_dir() / "rnntui.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        return (f"cannot write the log {path} ({exc.strerror or exc}); TensorFlow's "
                "messages go nowhere, the training goes on")
    return None


def keras_cache_dir() -> Path:
    """Where Keras caches downloaded datasets (`KERAS_HOME`, else ~/.keras)."""
    home = os.environ.get("KERAS_HOME")
    return (Path(home) if home else Path.home() / ".keras") / "datasets"


def asset(name: str) -> Path:
    """A file shipped in the top-level `assets/` folder (installed as `rnntui.assets`)."""
    return Path(str(resources.files("rnntui.assets") / name))
