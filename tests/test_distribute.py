"""Data-parallel training: two virtual CPU devices give the loss curve of one device with the
same global batch, through `rnntui train --devices`; the batch rule and the refusals.

Virtual devices can only be made before the backend starts, so each training runs in its own
`rnntui` process.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from rnntui.config import ConfigError
from rnntui.engine.distribute import plan_for, scale_batch
from rnntui.runs import RunStore
from rnntui.tasks import get_task

from tests.conftest import subprocess_env

RNNTUI = [sys.executable, "-m", "rnntui.cli"]
GLOBAL_BATCH = 256
SINE = ["--set", "units=8", "--set", "seed=7", "--epochs", "3"]


def _train(backend: str, devices: int) -> tuple[dict, str]:
    per_device = GLOBAL_BATCH // devices
    result = subprocess.run(
        [*RNNTUI, "--backend", backend, "train", "sine", *SINE, "--devices", str(devices),
         "--set", f"batch_size={per_device}", "--json"],
        capture_output=True, text=True, timeout=600, env=subprocess_env())
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    return summary, result.stdout


def _backends() -> list:
    jax = pytest.param("jax", marks=pytest.mark.skipif(
        importlib.util.find_spec("jax") is None, reason="JAX is not installed (pip install jax "
        "jaxlib); CI runs the TensorFlow path"))
    return ["tensorflow", jax]


@pytest.mark.slow
@pytest.mark.parametrize("backend", _backends())
def test_two_virtual_devices_follow_the_one_device_loss_curve(backend):
    one, _ = _train(backend, 1)
    two, out = _train(backend, 2)
    assert "2 virtual CPU devices, 128 samples each per step: global batch 256" in out
    assert "on 2 virtual CPU devices on CPU" in out and f"· {backend}" in out
    store = RunStore()
    runs = [store.open(one["run"]), store.open(two["run"])]
    assert [r.hparams.batch_size for r in runs] == [GLOBAL_BATCH, GLOBAL_BATCH]
    curves = [[epoch["loss"] for epoch in r.history()] for r in runs]
    val = [[epoch["val_loss"] for epoch in r.history()] for r in runs]
    assert len(curves[0]) == len(curves[1]) == 3
    assert curves[0][-1] < curves[0][0] / 5  # it learned
    # Same weights, same shuffling, gradients averaged over the two halves of each batch:
    # only the order of floating-point sums differs (seen: 1e-7 relative).
    assert curves[1] == pytest.approx(curves[0], rel=1e-3)
    assert val[1] == pytest.approx(val[0], rel=1e-3)


def test_batch_size_is_per_device_and_the_global_batch_is_reported():
    hp = get_task("sine").hparams({"batch_size": 64})
    assert scale_batch(hp, 1) is hp
    scaled = scale_batch(hp, 4)
    assert scaled.batch_size == 256 and scaled.units == hp.units
    assert plan_for(scaled, 4).describe("GPU") == (
        "4 GPU devices, 64 samples each per step: global batch 256 (learning rate unchanged)")
    assert "about 33" in plan_for(get_task("sine").hparams({"batch_size": 100}), 3) \
        .describe("GPU")
    with pytest.raises(ConfigError, match="global batch of 16384, above the maximum 8192"):
        scale_batch(get_task("sine").hparams({"batch_size": 4096}), 4)


@pytest.mark.parametrize("args, message", [
    (["--backend", "torch", "train", "sine", "--devices", "2"], "torch"),
    (["train", "sine", "--devices", "0"], "--devices 0: must be at least 1"),
])
def test_devices_refusals_are_one_line(args, message):
    result = subprocess.run([*RNNTUI, *args], capture_output=True, text=True, timeout=120,
                            env=subprocess_env())
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("task, devices", [("onehot4", 2), ("embed4", 3)])
def test_a_set_that_does_not_split_evenly_trains_on_several_devices(task, devices):
    # issue 21 §5: onehot4's 5 windows on 2 devices failed with TensorFlow's raw
    # InvalidArgumentError (AddN shapes [3,4,5] vs [2,4,5]).
    result = subprocess.run([*RNNTUI, "train", task, "--devices", str(devices), "--epochs",
                             "2", "--json"], capture_output=True, text=True, timeout=300,
                            env=subprocess_env())
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["status"] == "completed" and summary["epochs"] == 2
    assert 0 <= summary["accuracy"] <= 1


@pytest.mark.slow
def test_fewer_samples_than_devices_is_refused_before_training_in_a_sentence():
    result = subprocess.run([*RNNTUI, "train", "onehot1", "--devices", "8", "--epochs", "1"],
                            capture_output=True, text=True, timeout=300, env=subprocess_env())
    assert result.returncode == 2
    assert "5 samples to evaluate cannot be shared by 8 devices" in result.stderr
    assert "Traceback" not in result.stderr and "InvalidArgumentError" not in result.stderr
    assert "epoch 1/1" not in result.stdout  # refused before any training


def test_evaluation_batches_start_even_and_padded_training_batches_split_evenly():
    import numpy as np

    from rnntui.engine.batches import padded
    from rnntui.engine.distribute import evaluation_batch

    assert evaluation_batch(5, 256, 1) == 256
    assert evaluation_batch(5, 256, 2) == 4  # 4 (2 + 2) then 1: TensorFlow takes that
    assert evaluation_batch(600, 256, 2) == 256 and evaluation_batch(7, 6, 3) == 6
    with pytest.raises(ConfigError, match="5 samples to evaluate cannot be shared by 8"):
        evaluation_batch(5, 256, 8)
    order = np.array([4, 2, 0, 3, 1])
    assert padded(order[0:5], order, 5, 2).tolist() == [4, 2, 0, 3, 1, 4]
    assert padded(order[0:3], order, 3, 2).tolist() == [4, 2, 0, 3]
    assert padded(order[0:4], order, 4, 2).tolist() == [4, 2, 0, 3]
