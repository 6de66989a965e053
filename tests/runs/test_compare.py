"""What a comparison explains: the hyperparameters that differ, and smoothed curves."""

from __future__ import annotations

import math

import pytest

from rnntui.runs.compare import differing_hparams
from rnntui.runs import RunStore
from rnntui.tasks import get_task
from rnntui.ui.curves import smooth


def test_only_the_hyperparameters_that_differ_are_named():
    task = get_task("onehot4")
    store = RunStore()
    a = store.create("onehot4", task.hparams({"units": 8, "learning_rate": 0.01}))
    b = store.create("onehot4", task.hparams({"units": 16, "learning_rate": 0.01}))
    c = store.create("onehot4", task.hparams({"units": 8, "learning_rate": 0.05}))
    assert differing_hparams([a, b, c]) == [k for k in task.hparams().to_dict()
                                           if k in ("units", "learning_rate")]
    assert differing_hparams([a, b]) == ["units"]
    assert differing_hparams([a]) == []


def test_smoothing_is_tensorboards_debiased_moving_average():
    assert smooth([1.0, 2.0, 3.0], 0) == [1.0, 2.0, 3.0]
    out = smooth([1.0, 3.0], 0.5)
    # debiased: the first point is itself; the second (0.25 + 0.75) / 0.75
    assert out == pytest.approx([1.0, (0.5 * 0.5 + 0.5 * 3.0) / 0.75])
    flat = smooth([2.0] * 5, 0.9)
    assert flat == pytest.approx([2.0] * 5)
    with_nan = smooth([1.0, math.nan, 1.0], 0.6)
    assert math.isnan(with_nan[1]) and with_nan[2] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        smooth([1.0], 1.0)
