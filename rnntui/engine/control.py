"""Cooperative stop and pause, shared between whoever asks and the training loop.

Works with `threading.Event` (same process) or `multiprocessing` events (a child process):
training checks them after every batch.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol


class _EventLike(Protocol):
    def set(self) -> Any: ...
    def clear(self) -> Any: ...
    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = None) -> bool: ...


class TrainControl:
    """Stop and pause requests for one training run."""

    def __init__(self, stop: _EventLike | None = None, pause: _EventLike | None = None):
        self._stop = stop or threading.Event()
        self._pause = pause or threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def pause(self) -> None:
        self._pause.set()

    def resume(self) -> None:
        self._pause.clear()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return self._pause.is_set() and not self._stop.is_set()

    def wait_while_paused(self, poll: float = 0.05) -> None:
        """Block while paused; return within `poll` seconds of resume or stop.

        Sleeps rather than waiting on the event: a process killed inside a multiprocessing
        Event's wait leaves every later `set()` of that event blocked forever.
        """
        while self.paused:
            time.sleep(poll)
