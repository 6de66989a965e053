"""The engine on Keras's other backends (JAX, PyTorch): train, save, and load runs across them.

Keras fixes its backend when it is first imported, so each step runs in its own `rnntui`
process. A backend that is not installed is skipped: CI installs PyTorch's CPU build (see
.ci/run); JAX runs where `pip install jax jaxlib` was done.
"""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys

import pytest

from rnntui.runs import RunStore

from tests.conftest import subprocess_env

RNNTUI = [sys.executable, "-m", "rnntui.cli"]
# sine's two stacked LSTMs, small: a few steps an epoch (the PyTorch backend runs Keras's
# step loop in Python, ~10x slower than TensorFlow's graph on these 2 cores).
TINY_SINE = ["--set", "units=4", "--set", "batch_size=2048", "--set", "seed=3"]


def _installed(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(importlib.util.find_spec(name) is None,
                              reason=f"the {name} backend is not installed here")


def _rnntui(*args: str, backend: str | None = None, env_backend: str | None = None) -> dict:
    env = subprocess_env()
    env.pop("KERAS_BACKEND", None)
    if env_backend:
        env["KERAS_BACKEND"] = env_backend
    flags = ["--backend", backend] if backend else []
    result = subprocess.run([*RNNTUI, *flags, *args, "--json"], capture_output=True,
                            text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    summary["device_line"] = next(line for line in lines if line.startswith("sine:"))
    return summary


@pytest.mark.slow
@pytest.mark.parametrize("backend", [pytest.param("torch", marks=_installed("torch")),
                                     pytest.param("jax", marks=_installed("jax"))])
def test_a_run_trains_saves_and_resumes_across_backends(backend):
    # Started on TensorFlow, continued on the other backend (which loads TensorFlow's
    # checkpoint and saves its own), then back on TensorFlow (which loads that one).
    first = _rnntui("train", "sine", *TINY_SINE, "--epochs", "1")
    assert first["device_line"].endswith("· tensorflow")
    name = first["name"]
    second = _rnntui("train", "--resume", name, "--epochs", "2", env_backend=backend)
    assert f"· {backend}" in second["device_line"], second["device_line"]
    assert "resuming after epoch 1" in second["device_line"]
    third = _rnntui("train", "--resume", name, "--epochs", "3", backend="tensorflow")
    assert "resuming after epoch 2" in third["device_line"]
    run = RunStore().open(name)
    history = run.history()
    assert len(history) == 3 and third["status"] == "completed"
    assert all(math.isfinite(epoch["loss"]) for epoch in history)
    # The optimizer state travelled too: the loss keeps falling across the hand-overs.
    assert history[2]["loss"] < history[0]["loss"]


@pytest.mark.slow
@pytest.mark.parametrize("backend", [pytest.param("torch", marks=_installed("torch")),
                                     pytest.param("jax", marks=_installed("jax"))])
def test_a_new_run_on_the_backend_from_the_flag(backend):
    summary = _rnntui("train", "sine", *TINY_SINE, "--epochs", "1", backend=backend)
    assert summary["device_line"].endswith(f"· {backend}")
    assert summary["status"] == "completed" and math.isfinite(summary["rmse"])


def test_an_unknown_or_missing_backend_is_one_line():
    result = subprocess.run([*RNNTUI, "--backend", "theano", "tasks"], capture_output=True,
                            text=True, timeout=60, env=subprocess_env())
    assert result.returncode == 2 and "invalid choice: 'theano'" in result.stderr
    env = {**subprocess_env(), "KERAS_BACKEND": "theano"}
    result = subprocess.run([*RNNTUI, "train", "sine"], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == ("rnntui: backend 'theano': must be one of tensorflow, "
                                     "jax, torch")
