"""A program in a pseudo-terminal of a given size, read until some text is on its screen.

Shared by the UI benchmarks: they start `rnntui` (or a minimal Textual app) as a user's
terminal would, send keys, and time how long until the output shows a marker.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence

# Control sequences (CSI, OSC, and single-character escapes) between the characters drawn.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def _incomplete(tail: bytes) -> bool:
    """An escape sequence that the next read will finish."""
    if tail[:2] == b"\x1b[":
        return re.match(rb"\x1b\[[0-?]*[ -/]*[@-~]", tail) is None
    if tail[:2] == b"\x1b]":
        return re.match(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)", tail) is None
    return len(tail) < 2


class PtyProgram:
    """`argv` running with a pty as its terminal (stdin, stdout and stderr)."""

    def __init__(self, argv: Sequence[str], size: tuple[int, int] = (80, 24),
                 env: dict[str, str] | None = None):
        master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        environment = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
                       **(env or {})}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                        env=environment, start_new_session=True,
                                        close_fds=True)
        os.close(slave)
        self.master = master
        self.text = ""  # everything drawn since the last `clear`, escapes removed
        # A read can end inside an escape sequence or a UTF-8 character: both are carried
        # over to the next read rather than cut (a cut marker would never be found).
        self._pending = b""
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the program ended
            return False
        data = self._pending + chunk
        tail = data.rfind(b"\x1b")
        if tail != -1 and _incomplete(data[tail:]):
            data, self._pending = data[:tail], data[tail:]
        else:
            self._pending = b""
        self.text += self._decoder.decode(_ESCAPES.sub(b"", data))
        return True

    def wait_for(self, marker: str, timeout: float = 30.0) -> float:
        """Seconds (perf_counter) at which `marker` first showed; raises on timeout."""
        deadline = time.perf_counter() + timeout
        while marker not in self.text:
            left = deadline - time.perf_counter()
            if left <= 0 or self.process.poll() is not None and not self._read(0):
                raise TimeoutError(f"{marker!r} never showed; last output: {self.text[-400:]!r}")
            self._read(min(left, 0.05))
        return time.perf_counter()

    def drain(self, seconds: float) -> None:
        """Read whatever arrives for `seconds`, then forget all of it."""
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self._read(max(0.0, end - time.perf_counter()))
        self.clear()

    def clear(self) -> None:
        self.text = ""

    def wait(self, timeout: float) -> int:
        """The program's exit code, reading what it writes meanwhile: a program that writes
        on its way out blocks once nobody reads its terminal (as a plain `wait` would leave
        it). Raises subprocess.TimeoutExpired after `timeout` seconds."""
        deadline = time.perf_counter() + timeout
        while self.process.poll() is None:
            if time.perf_counter() > deadline:
                raise subprocess.TimeoutExpired(self.process.args, timeout)
            self._read(0.05)
        return self.process.returncode

    def send(self, keys: str) -> float:
        """Type `keys`; returns when they were written (perf_counter)."""
        os.write(self.master, keys.encode())
        return time.perf_counter()

    def close(self, quit_keys: str = "\x11", grace: float = 10.0) -> int | None:
        """Quit with `quit_keys` (Ctrl+Q), wait up to `grace` seconds, then kill."""
        try:
            self.send(quit_keys)
        except OSError:
            pass
        try:
            code: int | None = self.wait(grace)
        except subprocess.TimeoutExpired:
            code = None
        if code is None:  # the whole session: the app and its training child
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self.master)
        return code
