"""Shared fixtures: every test gets its own data directory and Keras cache, and no network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "rnntui-home"
    monkeypatch.setenv("RNNTUI_HOME", str(home))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    # Anything that tries the network fails at once instead of hanging.
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    return home


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not present at {SHARED_DATA}")
    return SHARED_DATA


def subprocess_env() -> dict[str, str]:
    """The test's environment (its RNNTUI_HOME, KERAS_HOME, proxies) for a child rnntui."""
    return dict(os.environ)
