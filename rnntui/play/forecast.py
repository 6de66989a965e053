"""Runs that read numbers and forecast the next one (sine): one step ahead, or running on
their own forecasts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnntui.play.base import MAX_INPUT, Encoded, InputError, Play


@dataclass(frozen=True)
class Forecast:
    """Sine forecasts on the held-out curve."""

    t: np.ndarray  # time of each forecast sample
    truth: np.ndarray
    one_step: np.ndarray  # each sample forecast from the true window before it
    rollout: np.ndarray  # each sample forecast from the network's own previous forecasts
    rmse_one_step: float
    rmse_rollout: float


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def sample_text(value: float) -> str:
    """A sample as the input shows it: `-0.500`, never `-.5` run into its neighbours."""
    return f"{value:.3f}"


class ForecastPlay(Play):
    """Numbers in (empty: the first held-out window), the next sample out."""

    kind = "forecast"

    def encode(self, text: str) -> Encoded:
        from rnntui.tasks.sine import TRAIN_POINTS, sine_curve

        if not text.strip():
            values = sine_curve(TRAIN_POINTS, self.hp.seq_len).astype(np.float64)
            note = f"the first {self.hp.seq_len} held-out samples of sin(t)"
            warning = ""
        else:
            values_list = []
            for pos, part in enumerate(text.replace(",", " ").split()):
                try:
                    value = float(part)
                except ValueError:
                    raise InputError(f"{part!r} (number {pos + 1}) is not a number",
                                     position=text.find(part)) from None
                if not np.isfinite(value) or abs(value) > 1e6:
                    raise InputError(f"{part!r} (number {pos + 1}) must be a finite number "
                                     "of reasonable size", position=text.find(part))
                values_list.append(value)
            if not values_list:
                raise InputError("type numbers separated by spaces or commas")
            values = np.asarray(values_list[-MAX_INPUT:], dtype=np.float64)
            note = ""
            warning = "" if len(values) == self.hp.seq_len else (
                f"trained on {self.trained_on}; reading {len(values)}")
        return Encoded(tuple(sample_text(v) for v in values), values[:, None], note, warning)

    def next_value(self, text: str) -> tuple[Encoded, float]:
        """The typed window as read, and the network's next sample after it."""
        encoded = self.encode(text)
        return encoded, float(np.asarray(self.net.forward(encoded.x)).ravel()[0])

    def forecast(self, steps: int = 300) -> Forecast:
        """One-step and free-running forecasts of the held-out curve, with their RMSE."""
        from rnntui.tasks.sine import STEP, TEST_POINTS, TRAIN_POINTS, sine_curve, windows

        steps = max(1, min(steps, TEST_POINTS - self.hp.seq_len))
        curve = sine_curve(TRAIN_POINTS, TEST_POINTS).astype(np.float64)
        x, y = windows(curve, self.hp.seq_len)
        one_step = np.asarray(self.net.forward(x[:steps])).reshape(-1)
        rollout = self.rollout(curve[:self.hp.seq_len], steps)
        truth = y[:steps, 0]
        t = (TRAIN_POINTS + self.hp.seq_len + np.arange(steps)) * STEP
        return Forecast(t, truth, one_step, rollout, _rmse(one_step, truth),
                        _rmse(rollout, truth))

    def rollout(self, window: np.ndarray, steps: int) -> np.ndarray:
        """The network running on its own forecasts: each one is fed back as the newest
        sample of a window as long as the given one."""
        history = [float(v) for v in np.asarray(window, dtype=np.float64).ravel()]
        size = len(history)
        out = []
        for _ in range(steps):
            x = np.asarray(history[-size:], dtype=np.float64)[:, None]
            nxt = float(np.asarray(self.net.forward(x)).ravel()[0])
            out.append(nxt)
            history.append(nxt)
        return np.asarray(out)

    def continue_window(self, text: str, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """A typed window and the network's free-running continuation of it.

        Raises:
            InputError: for text that is not numbers.
        """
        window = np.asarray(self.encode(text).x[:, 0], dtype=np.float64)
        return window, self.rollout(window, steps)
