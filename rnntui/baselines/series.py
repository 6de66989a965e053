"""Baselines for one-step forecasts of a series from windows of its past: repeat the last
value, and a least-squares autoregression AR(k) on the same window.

AR(2) is exact for a pure sine (sin(t + h) = 2 cos(h) sin(t) − sin(t − h)), so a network
that forecasts a clean sine one step ahead has nothing to show over it; noise, a sum of
waves of different periods, or the user's own series is where it can.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def rmse(forecast: np.ndarray, truth: np.ndarray) -> float:
    """Root mean squared error of two arrays of the same size."""
    import numpy as np

    diff = np.asarray(forecast, dtype=np.float64).ravel() - np.asarray(truth, np.float64).ravel()
    return float(np.sqrt(np.mean(diff ** 2)))


def last_value_rmse(x: np.ndarray, y: np.ndarray) -> float:
    """RMSE of forecasting each window's next value as its last one.

    Args:
        x: (N, T, 1) windows.
        y: (N, 1) the value after each.
    """
    return rmse(x[:, -1, 0], y)


def fit_ar(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares AR(k) coefficients over the whole window (k = T), with an intercept.

    Args:
        x: (N, T, 1) training windows.
        y: (N, 1) the value after each.

    Returns:
        (T + 1,) coefficients, the intercept last.
    """
    import numpy as np

    design = np.concatenate([x[:, :, 0], np.ones((len(x), 1))], axis=1).astype(np.float64)
    coef, *_ = np.linalg.lstsq(design, np.asarray(y, np.float64).ravel(), rcond=None)
    return coef


def ar_forecast(coef: np.ndarray, x: np.ndarray) -> np.ndarray:
    """One-step AR forecasts (N,) of windows (N, T, 1)."""
    return x[:, :, 0].astype("float64") @ coef[:-1] + coef[-1]


def one_step_rmses(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                   y_test: np.ndarray) -> dict[str, float]:
    """RMSE on the test windows of the last value and of AR(k) fitted on the training ones.

    Returns:
        {"last value": rmse, "AR(k)": rmse} with k the window length.
    """
    coef = fit_ar(x_train, y_train)
    return {"last value": last_value_rmse(x_test, y_test),
            f"AR({x_train.shape[1]})": rmse(ar_forecast(coef, x_test), y_test)}
