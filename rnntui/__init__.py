"""rnntui: a keyboard-driven terminal playground for recurrent neural networks."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # importlib.metadata costs ~25 ms: read the version only when someone asks for it.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("rnntui")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0+source"
    raise AttributeError(name)
