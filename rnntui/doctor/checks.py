"""The doctor's checks that need no backend: versions (from package metadata), the fused-kernel
rule, the terminal, RNNTUI_HOME and its locks, the data caches, the network.

Imports: the standard library, rich (cell widths, already a dependency of Textual), and of
rnntui only plain-Python modules (paths, fastpath, tasks, runs, the download URLs); never
TensorFlow, Keras, NumPy's heavy users or Textual.
"""

from __future__ import annotations

import os
import platform
import socket
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from rnntui.doctor.devices import installed
from rnntui.doctor.report import INFO, OK, PROBLEM, SKIPPED, WARN, Finding

MIN_SIZE = (80, 24)
SIZE_SECONDS = 1.0  # counting RNNTUI_HOME's size stops after this long
NETWORK_TIMEOUT = 2.0
FREE_WARN = 1 << 30  # under 1 GiB free next to the runs: a warning


# -- versions ------------------------------------------------------------------------------------
def versions() -> list[Finding]:
    out = []
    py = sys.version_info
    text = f"Python {platform.python_version()} ({sys.executable})"
    out.append(Finding("python", OK if py >= (3, 10) else PROBLEM, text,
                       "" if py >= (3, 10) else "rnntui needs Python 3.10 or newer"))
    keras = installed("keras")
    if keras is None:
        out.append(Finding("keras", PROBLEM, "Keras is not installed", "pip install ."))
    else:
        major = keras.split(".")[0]
        out.append(Finding("keras", OK if major == "3" else PROBLEM, f"Keras {keras}",
                           "" if major == "3" else 'pip install "keras>=3.5,<4"'))
    chosen = (os.environ.get("KERAS_BACKEND") or "tensorflow").strip().lower()
    for name in ("tensorflow", "torch", "jax"):
        version = installed(name)
        mark = " (the Keras backend in use)" if name == chosen else ""
        if version:
            out.append(Finding("backend", OK, f"{name} {version}{mark}"))
        elif name == chosen:
            out.append(Finding("backend", PROBLEM, f"{name} is the backend asked for "
                               "($KERAS_BACKEND) but is not installed",
                               f"pip install {name}, or --backend with an installed one"))
        else:
            out.append(Finding("backend", INFO, f"{name} not installed (optional: "
                               f"--backend {name})"))
    return out


# -- the fused cuDNN kernel ----------------------------------------------------------------------
def fast_path(runs: Mapping[str, Mapping[str, Any]] | None = None,
              backend: str | None = None) -> list[Finding]:
    """Whether each task's defaults, and each given run's hyperparameters, take the fused
    cuDNN kernel on `backend` (default: the one in use)."""
    from rnntui.fastpath import COST, fast_path_on
    from rnntui.tasks import TASKS

    backend = backend or (os.environ.get("KERAS_BACKEND") or "tensorflow").strip().lower()
    # A task whose defaults leave the kernel on purpose says why (Task.off_fast_path).
    subjects = [(f"{tid} defaults", task.defaults, task.off_fast_path)
                for tid, task in TASKS.items()]
    subjects += [(label, hp, "") for label, hp in (runs or {}).items()]
    out, fused = [], []
    for label, hp, on_purpose in subjects:
        path = fast_path_on(hp, backend)
        if path.fused:
            fused.append(label)
        elif on_purpose:
            out.append(Finding("fast path", INFO, f"{label} on {backend}: {path.reason}",
                               f"on purpose: {on_purpose}"))
        else:
            out.append(Finding("fast path", WARN if label in (runs or {}) or path.key else INFO,
                               f"{label} on {backend}: {path.reason}",
                               f"{COST}; " + (f"set {path.key}=0" if path.key
                                              else "use cell=lstm or gru for the fused kernel")))
    if fused:
        out.insert(0, Finding("fast path", OK, "fused cuDNN kernel on a GPU "
                              f"({backend}): " + ", ".join(fused)))
    return out


# -- the terminal --------------------------------------------------------------------------------
def terminal(size: tuple[int, int] | None = None, color_system: str | None = None,
             env: Mapping[str, str] | None = None, encoding: str | None = None
             ) -> list[Finding]:
    """Size, colours, the width CJK characters are laid out with, TERM, tmux, SSH.

    Args:
        size: (columns, rows), e.g. the app's; default: this process's terminal.
        color_system: what the app's console found ("truecolor", "256", ...); default: from
            the environment.
        env: the environment (default: os.environ).
        encoding: the output's encoding (default: stdout's).
    """
    env = os.environ if env is None else env
    out = []
    if size is None:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())
        except (OSError, ValueError, AttributeError):
            size = None
    if size is None:
        out.append(Finding("terminal", INFO, "not a terminal (output piped or redirected): "
                           "size and colours not read"))
    else:
        cols, rows = size[0], size[1]
        small = cols < MIN_SIZE[0] or rows < MIN_SIZE[1]
        out.append(Finding("terminal", WARN if small else OK, f"size {cols}×{rows}",
                           f"enlarge the window to at least {MIN_SIZE[0]}×{MIN_SIZE[1]}: "
                           "screens cut panels below it" if small else ""))
    term = env.get("TERM", "")
    colors = color_system or _colors_from_env(env)
    if env.get("NO_COLOR"):
        out.append(Finding("terminal", INFO, "NO_COLOR is set: the app draws without colour"))
    elif colors in ("truecolor", "24-bit"):
        out.append(Finding("terminal", OK, f"colours: truecolor (TERM={term or 'unset'})"))
    elif colors in ("256", "256-color", "eight_bit"):
        out.append(Finding("terminal", OK, f"colours: 256 (TERM={term or 'unset'})"))
    else:
        out.append(Finding("terminal", WARN, f"colours: {colors or 'few'} "
                           f"(TERM={term or 'unset'}): the plots lose their shades",
                           "export TERM=xterm-256color (and COLORTERM=truecolor if the "
                           "terminal has it)"))
    encoding = (encoding or getattr(sys.__stdout__, "encoding", None) or "").lower()
    from rich.cells import cell_len

    wide = cell_len("床前明月光")
    if encoding and "utf" not in encoding:
        out.append(Finding("terminal", PROBLEM, f"output encoding {encoding}: Chinese "
                           "characters and the plots' marks cannot be written",
                           "export LANG=C.UTF-8 (or another UTF-8 locale)"))
    else:
        out.append(Finding("terminal", OK if wide == 10 else WARN,
                           f"CJK characters laid out {wide // 5} cells wide (床前明月光 = "
                           f"{wide} cells){', encoding ' + encoding if encoding else ''}",
                           "" if wide == 10 else "upgrade rich (pip install -U rich)"))
    in_tmux = bool(env.get("TMUX"))
    over_ssh = bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))
    if in_tmux:
        screenish = term.startswith("screen") and "256" not in term
        out.append(Finding("terminal", WARN if screenish else OK, f"inside tmux (TERM={term})",
                           'add `set -g default-terminal "tmux-256color"` to ~/.tmux.conf'
                           if screenish else ""))
    elif over_ssh:
        out.append(Finding("terminal", WARN, "over SSH, not inside tmux: a dropped "
                           "connection ends the app and the training it runs",
                           "tmux new -s rnntui (then rnntui); after a drop: tmux attach -t "
                           "rnntui"))
    return out


def _colors_from_env(env: Mapping[str, str]) -> str:
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    term = env.get("TERM", "")
    if "256" in term:
        return "256"
    if term in ("", "dumb"):
        return "none"
    return "16"


# -- RNNTUI_HOME and its locks -------------------------------------------------------------------
def home() -> list[Finding]:
    from rnntui.paths import data_dir, runs_dir

    root = data_dir()
    origin = "RNNTUI_HOME" if os.environ.get("RNNTUI_HOME") else "the default data directory"
    out = []
    if not root.exists():
        parent = next((p for p in root.parents if p.exists()), None)
        ok = parent is not None and os.access(parent, os.W_OK)
        return [Finding("home", INFO if ok else PROBLEM,
                        f"{root} ({origin}) does not exist yet"
                        + (": made on the first run" if ok else ", and cannot be made"),
                        "" if ok else "export RNNTUI_HOME=/a/folder/you/can/write")]
    try:
        probe = root / f".doctor-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
        writable = True
    except OSError as exc:
        writable = False
        out.append(Finding("home", PROBLEM, f"{root} ({origin}) is not writable: "
                           f"{exc.strerror or exc}",
                           "export RNNTUI_HOME=/a/folder/you/can/write (on a shared machine: "
                           "one of your own)"))
    size, files, complete = folder_size(root, SIZE_SECONDS)
    runs = sum(1 for p in runs_dir().iterdir() if p.is_dir()) if runs_dir().is_dir() else 0
    if writable:
        out.append(Finding("home", OK, f"{root} ({origin}): writable, {human(size)} in "
                           f"{files:,} files{'' if complete else ' (at least: counting stopped)'}"
                           f", {runs} runs"))
    try:
        import shutil

        free = shutil.disk_usage(root).free
        out.append(Finding("home", WARN if free < FREE_WARN else OK, f"{human(free)} free there",
                           "free some space or point RNNTUI_HOME elsewhere: a checkpoint "
                           "that cannot be saved is lost" if free < FREE_WARN else ""))
    except OSError:
        pass
    return out + locks(runs_dir())


def locks(folder: Path) -> list[Finding]:
    """Each run whose lock is held, and by whom; holder records left by dead processes."""
    from rnntui.runs.lock import HOLDER, LOCK, holder

    if not folder.is_dir():
        return []
    try:
        import fcntl
    except ImportError:
        return [Finding("locks", SKIPPED, "run locks are not probed on this system (no fcntl)")]
    held, stale = [], []
    for run in sorted(p for p in folder.iterdir() if (p / LOCK).exists()):
        who = holder(run) or {}
        pid = who.get("pid")
        try:
            fd = os.open(run / LOCK, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
            locked = False
        except OSError:
            locked = True
        finally:
            os.close(fd)
        what = f"{run.name}: process {pid if pid is not None else '?'}" + (
            f" ({who.get('command')})" if who.get("command") else "")
        if locked:
            held.append(Finding("locks", INFO, f"{what} is writing it"
                                + ("" if pid is None or alive(pid) else
                                   " (its holder record names a process that has ended: "
                                   "another one holds it)")))
        elif (run / HOLDER).exists() and isinstance(pid, int) and not alive(pid):
            stale.append(run.name)
    out = held or [Finding("locks", OK, "no run is being written")]
    if stale:
        out.append(Finding("locks", INFO, f"{len(stale)} runs last written by processes that "
                           f"have ended ({', '.join(stale[:5])}{'…' if len(stale) > 5 else ''}):"
                           " their locks are free (the kernel dropped them); nothing to clean"))
    return out


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return False
    return True


def folder_size(root: Path, seconds: float) -> tuple[int, int, bool]:
    """Bytes and files under `root`, and whether the count finished within `seconds`."""
    total = files = 0
    stop = time.monotonic() + seconds
    for dirpath, _, names in os.walk(root):
        for name in names:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
                files += 1
            except OSError:
                pass
        if time.monotonic() > stop:
            return total, files, False
    return total, files, True


def human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


# -- data caches ---------------------------------------------------------------------------------
def caches() -> list[Finding]:
    from rnntui.paths import keras_cache_dir
    from rnntui.poetry import download as poems
    from rnntui.tasks.imdb import WORD_INDEX

    root = keras_cache_dir()
    out = []
    for label, path, missing in (
            ("IMDb reviews", root / "imdb.npz",
             "downloaded on the first imdb run (17 MB), or give --set data=FILE"),
            ("IMDb word index", root / WORD_INDEX,
             "downloaded when a review is first typed (1.6 MB), or give the word_index field")):
        if path.is_file():
            out.append(Finding("data", OK, f"{label}: {path} ({human(path.stat().st_size)})"))
        else:
            out.append(Finding("data", INFO, f"{label}: not cached ({path})", missing))
    folder = poems.cache_folder()
    have = sorted(folder.glob("poet.tang.*.json")) if folder.is_dir() else []
    size = sum(p.stat().st_size for p in have)
    total = len(poems.SHA256)
    if poems.is_cached():
        out.append(Finding("data", OK, f"Tang poems: {folder} ({total} files, {human(size)})"))
    else:
        out.append(Finding("data", INFO, f"Tang poems: {len(have)} of {total} files cached "
                           f"({folder}); the poems task uses the built-in starter corpus until "
                           "they are", "downloaded on the first poems run (~25 MB), or give "
                           "--corpus FILE"))
    if not os.environ.get("KERAS_HOME"):
        out.append(Finding("data", INFO, f"caches live in {root.parent} (KERAS_HOME moves them; "
                           "on a shared machine one folder can serve everyone, read-only)"))
    return out


# -- the network ---------------------------------------------------------------------------------
# Where keras.datasets.imdb downloads the reviews from, and the word index beside them
# (rnntui.play.review.WORD_INDEX_URL; not imported here: that module loads NumPy and h5py;
# tests/test_doctor.py keeps the two on one host).
IMDB_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"


def download_hosts() -> list[tuple[str, str, int]]:
    """(what, host, port) of every download rnntui may make."""
    from rnntui.poetry import download as poems

    urls = [("IMDb (Keras datasets)", os.environ.get("RNNTUI_WORD_INDEX_URL") or IMDB_URL),
            ("Tang poems (chinese-poetry)", os.environ.get(poems.URL_ENV) or poems.BASE_URL)]
    out = []
    for what, url in urls:
        parsed = urlparse(url)
        # Through a proxy (https_proxy, as urllib and Keras use it) the proxy is the host
        proxy = (os.environ.get(f"{parsed.scheme}_proxy")
                 or os.environ.get(f"{parsed.scheme.upper()}_PROXY"))
        if proxy:
            parsed = urlparse(proxy if "://" in proxy else f"http://{proxy}")
            what += f", through the proxy {parsed.hostname}"
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        out.append((what, parsed.hostname or "", port))
    return out


def network(hosts: list[tuple[str, str, int]] | None = None,
            timeout: float = NETWORK_TIMEOUT) -> list[Finding]:
    """Whether each download's host takes a TCP connection within `timeout` (all at once)."""
    hosts = download_hosts() if hosts is None else hosts
    answers: dict[int, str] = {}

    def connect(i: int, host: str, port: int) -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                answers[i] = ""
        except OSError as exc:
            answers[i] = str(exc.strerror or exc) or type(exc).__name__

    threads = [threading.Thread(target=connect, args=(i, h, p), daemon=True)
               for i, (_, h, p) in enumerate(hosts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout + 0.5)
    out = []
    for i, (what, host, port) in enumerate(hosts):
        why = answers.get(i, f"no answer within {timeout:g} s")
        if not why:
            out.append(Finding("network", OK, f"{what}: {host}:{port} reachable"))
        else:
            out.append(Finding("network", WARN, f"{what}: {host}:{port} not reachable ({why})",
                               "copy the files into the caches above from a machine that is "
                               "online, or set https_proxy"))
    return out
