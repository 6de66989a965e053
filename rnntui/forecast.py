"""Free-running forecasts: the network fed its own forecasts, step after step.

A one-step forecast always reads the true past; a free-running one reads what it forecast
itself, so its errors compound. Staying on the curve for hundreds of steps is what shows a
network learned the series rather than "about the last value". No Keras, no Textual: any
function from windows to next values will do (the NumPy mirror's `Network.forward`, an AR
model, `model.predict`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]


def free_run(network: Predict, seed_window: np.ndarray, horizon: int) -> np.ndarray:
    """Forecast `horizon` values, each from a window that ends with earlier forecasts.

    Args:
        network: maps a batch of windows (B, T, 1) to next values (B, 1) (or (B,)).
        seed_window: the T true values to start from, (T,) or (T, 1).
        horizon: how many values to forecast (≥ 1).

    Returns:
        (horizon,) float64 forecasts.

    Raises:
        ValueError: an empty seed window or a horizon below 1.
    """
    window = np.asarray(seed_window, dtype=np.float64).reshape(-1)
    if window.size == 0:
        raise ValueError("free_run needs a seed window of at least one value")
    if horizon < 1:
        raise ValueError(f"horizon={horizon}: must be at least 1")
    out = np.empty(horizon, dtype=np.float64)
    for step in range(horizon):
        value = np.asarray(network(window[None, :, None]), dtype=np.float64).reshape(-1)[0]
        out[step] = value
        window = np.append(window[1:], value)
    return out


def rmse_free(network: Predict, series: np.ndarray, seq_len: int, horizon: int) -> float:
    """RMSE of a free-running forecast of `series` after its first `seq_len` values.

    Args:
        network: as for `free_run`.
        series: the true held-out series, at least `seq_len + horizon` values.
        seq_len: the window the network reads.
        horizon: steps to forecast and score.

    Returns:
        The root mean squared error over the `horizon` forecast steps.

    Raises:
        ValueError: a series too short for the window and the horizon.
    """
    series = np.asarray(series, dtype=np.float64).reshape(-1)
    if len(series) < seq_len + horizon:
        raise ValueError(f"the series has {len(series)} values; a window of {seq_len} and "
                         f"{horizon} steps need {seq_len + horizon}")
    forecast = free_run(network, series[:seq_len], horizon)
    truth = series[seq_len:seq_len + horizon]
    return float(np.sqrt(np.mean((forecast - truth) ** 2)))
