"""The `gpu` extra (`pip install ".[gpu]"`): TensorFlow's `and-cuda` extra at the range the main
dependency pins, checked in the metadata without installing CUDA."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the team runs 3.11+
    tomllib = pytest.importorskip("tomli")


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def tensorflow_requirement(lines: list[str]) -> Requirement:
    found = [Requirement(line) for line in lines if Requirement(line).name == "tensorflow"]
    assert len(found) == 1, lines
    return found[0]


def test_gpu_extra_is_tensorflow_and_cuda_at_the_pinned_range():
    meta = project()
    main = tensorflow_requirement(meta["dependencies"])
    gpu = tensorflow_requirement(meta["optional-dependencies"]["gpu"])
    assert gpu.extras == {"and-cuda"}
    assert gpu.specifier == main.specifier  # the same TensorFlow, only with its CUDA wheels
    linux = dict(default_environment(), sys_platform="linux")
    assert gpu.marker is not None and gpu.marker.evaluate(linux)
    # macOS and Windows have no CUDA wheels of TensorFlow: the extra adds nothing there
    assert not gpu.marker.evaluate(dict(linux, sys_platform="darwin"))


def test_the_installed_tensorflow_declares_the_and_cuda_extra():
    """The extra the requirement asks for exists in TensorFlow's own metadata (so pip resolves
    it to the nvidia-*-cu12 wheels), read from the installed distribution."""
    try:
        meta = importlib.metadata.metadata("tensorflow")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("TensorFlow is not installed here")
    assert "and-cuda" in (meta.get_all("Provides-Extra") or [])
    cuda = [Requirement(r) for r in meta.get_all("Requires-Dist") or []
            if "and-cuda" in r]
    assert any(r.name.startswith("nvidia-cudnn") for r in cuda)
    version = importlib.metadata.version("tensorflow")
    pinned = tensorflow_requirement(project()["optional-dependencies"]["gpu"])
    assert pinned.specifier.contains(version)


def test_the_built_metadata_carries_the_extra(tmp_path):
    """setuptools writes the extra into the package's METADATA as pip reads it."""
    backend = pytest.importorskip("setuptools.build_meta")
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        name = backend.prepare_metadata_for_build_wheel(str(tmp_path))
    finally:
        os.chdir(cwd)
    text = (tmp_path / name / "METADATA").read_text()
    assert "Provides-Extra: gpu" in text
    lines = [line.split(": ", 1)[1] for line in text.splitlines()
             if line.startswith("Requires-Dist: tensorflow[and-cuda]")]
    assert len(lines) == 1
    req = Requirement(lines[0])
    assert req.marker.evaluate(dict(default_environment(), sys_platform="linux", extra="gpu"))
    assert not req.marker.evaluate(dict(default_environment(), sys_platform="linux", extra=""))
