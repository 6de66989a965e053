"""Runs that read numbers and forecast the next one (sine): one step ahead, or running on
their own forecasts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from rnntui.play.base import MAX_INPUT, Encoded, InputError, Play
from rnntui.tasks import DataUnavailable
from rnntui.tasks.sine import FREE_STEPS


@dataclass(frozen=True)
class Forecast:
    """Sine forecasts on the held-out curve."""

    t: np.ndarray  # time of each forecast sample
    truth: np.ndarray
    one_step: np.ndarray  # each sample forecast from the true window before it
    rollout: np.ndarray  # each sample forecast from the network's own previous forecasts
    rmse_one_step: float
    rmse_rollout: float


# A typed window whose steepest step is over this many times training's steepest is called
# input it never saw (sin(t) at step 0.01 moves at most 0.01 a sample; a learner's "0 1 0 1"
# moves 100× that).
STEEPER = 3.0


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def sample_text(value: float) -> str:
    """A sample as the input shows it: `-0.500`, never `-.5` run into its neighbours."""
    return f"{value:.3f}"


class ForecastPlay(Play):
    """Numbers in (empty: the first held-out window), the next sample out; and the run's own
    held-out series forecast one step ahead and running free."""

    kind = "forecast"

    @cached_property
    def held_out(self) -> np.ndarray:
        """The run's own test series, rebuilt as training made it: its waves and noise, or
        the test part of its CSV (scaled as in training).

        Raises:
            InputError: the run's CSV can no longer be read (moved, changed).
        """
        data = self._data
        return np.concatenate([data.x_test[0, :, 0], data.y_test[:, 0]]).astype(np.float64)

    @cached_property
    def _data(self) -> Any:
        try:
            return self.task.load(self.hp, self.run.source)
        except DataUnavailable as exc:
            raise InputError(f"cannot rebuild the held-out series: {exc}") from None

    @cached_property
    def trained_span(self) -> tuple[float, float, float]:
        """The lowest and highest sample training fed it, and the steepest step between two
        neighbours (as scaled for the network)."""
        x = np.asarray(self._data.x_train, dtype=np.float64)[..., 0]
        return float(x.min()), float(x.max()), float(np.abs(np.diff(x, axis=1)).max())

    def unseen(self, values: np.ndarray) -> str:
        """How a typed window lies outside what training fed it ('' when it does not): values
        beyond the training range, or steps far steeper than any in training."""
        low, high, steepest = self.trained_span
        margin = 0.1 * (high - low)
        said = []
        if values.min() < low - margin or values.max() > high + margin:
            far = values[np.argmax(np.abs(values - (low + high) / 2))]
            said.append(f"{sample_text(far)} is outside the training range "
                        f"[{sample_text(low)}, {sample_text(high)}]")
        if len(values) > 1:
            step = float(np.abs(np.diff(values)).max())
            if step > STEEPER * max(steepest, 1e-12):
                said.append(f"a step of {sample_text(step)} between samples is "
                            f"{step / max(steepest, 1e-12):,.0f}× the steepest in training "
                            f"({steepest:.3g})")
        return ("; ".join(said) + ": it never saw such input, so the forecast is a guess"
                if said else "")

    @property
    def from_file(self) -> bool:
        """Whether the run forecasts a CSV series rather than the made curve."""
        return bool(self.run.source.data)

    def encode(self, text: str) -> Encoded:
        if not text.strip():
            values = self.held_out[:self.hp.seq_len]
            note = f"the first {self.hp.seq_len} held-out samples"
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
            warning = "; ".join(w for w in (
                "" if len(values) == self.hp.seq_len else
                f"trained on {self.trained_on}; reading {len(values)}",
                self.unseen(values)) if w)
        return Encoded(tuple(sample_text(v) for v in values), values[:, None], note, warning)

    def next_value(self, text: str) -> tuple[Encoded, float]:
        """The typed window as read, and the network's next sample after it."""
        encoded = self.encode(text)
        return encoded, float(np.asarray(self.net.forward(encoded.x)).ravel()[0])

    def forecast(self, steps: int = FREE_STEPS) -> Forecast:
        """One-step and free-running forecasts of the run's held-out series, with their
        RMSE (the free-running one is `rnntui.forecast.rmse_free` over `steps`).

        Raises:
            InputError: `steps` below 1, or the held-out series cannot be rebuilt.
        """
        from rnntui.forecast import free_run
        from rnntui.tasks.sine import STEP, TRAIN_POINTS, windows

        if steps < 1:
            raise InputError(f"horizon {steps}: must be 1 or more")
        series = self.held_out
        steps = min(steps, len(series) - self.hp.seq_len)
        x, y = windows(series, self.hp.seq_len)
        one_step = np.asarray(self.net.forward(x[:steps])).reshape(-1)
        rollout = free_run(self.net.forward, series[:self.hp.seq_len], steps)
        truth = y[:steps, 0]
        # Time for the made curve; the step number within the test part for a CSV series.
        offset = np.arange(steps) + self.hp.seq_len
        t = offset.astype(np.float64) if self.from_file else (TRAIN_POINTS + offset) * STEP
        return Forecast(t, truth, one_step, rollout, _rmse(one_step, truth),
                        _rmse(rollout, truth))

    def baselines(self) -> dict[str, float]:
        """One-step RMSE on the whole test part, measured when the run trained: the network's
        (key "network") and its baselines' (last value, AR(k)), from the run's status; empty
        for a run from before baselines."""
        status = self.run.status()
        figures = dict(status.baselines)
        if figures and "rmse" in status.quality:
            figures = {"network": status.quality["rmse"], **figures}
        return figures

    def rollout(self, window: np.ndarray, steps: int) -> np.ndarray:
        """The network running on its own forecasts: each one is fed back as the newest
        sample of a window as long as the given one."""
        from rnntui.forecast import free_run

        return free_run(self.net.forward, window, steps)

    def continue_window(self, text: str, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """A typed window and the network's free-running continuation of it.

        Raises:
            InputError: for text that is not numbers.
        """
        window = np.asarray(self.encode(text).x[:, 0], dtype=np.float64)
        return window, self.rollout(window, steps)
