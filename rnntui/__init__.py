"""rnntui: a keyboard-driven terminal playground for recurrent neural networks."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rnntui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
