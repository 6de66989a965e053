"""The one module that knows about the Keras backend underneath (TensorFlow by default).

It keeps TensorFlow's chatter off the terminal, names the training device and seeds the
random generators. Everything else uses the backend-neutral `keras` API.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

# TensorFlow's C++ logging reads this when it is first imported: 2 hides INFO and WARNING
# lines (oneDNN notices, "could not find CUDA drivers") that would land on the terminal.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_LOGGERS = ("tensorflow", "absl", "keras", "h5py", "py.warnings")


def route_logs(log_path: Path) -> None:
    """Send Python-side logging and warnings of TensorFlow and Keras to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.captureWarnings(True)
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(logging.INFO)
    warnings.simplefilter("default")


@contextlib.contextmanager
def native_stderr_to(log_path: Path) -> Iterator[None]:
    """Point file descriptor 2 at `log_path` while TensorFlow runs.

    TensorFlow's C++ code writes to fd 2 directly, around Python's `sys.stderr`; this is
    the only way to keep it off a terminal that something else is drawing on. Python's own
    `sys.stderr` keeps writing to the real terminal.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    python_err = sys.stderr
    try:
        sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8",
                               errors="replace")
    except OSError:
        python_err = None
    with open(log_path, "ab", buffering=0) as log:
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        if python_err is not None:
            sys.stderr.close()
            sys.stderr = python_err


def import_keras() -> ModuleType:
    """Keras, imported quietly (~3 s with TensorFlow the first time)."""
    import keras

    # Keras prints progress bars and "Epoch 1/10" with print(); training here reports
    # through events instead.
    keras.utils.disable_interactive_logging()
    return keras


def backend_name() -> str:
    return import_keras().backend.backend()


def device_label() -> str:
    """'CPU (2 cores)' or 'GPU: NVIDIA H100 80GB HBM3 (79.1 GiB)'."""
    name = backend_name()
    try:
        if name == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            if gpus:
                details = tf.config.experimental.get_device_details(gpus[0])
                label = details.get("device_name", "GPU")
                return f"GPU: {label}" + (f" ×{len(gpus)}" if len(gpus) > 1 else "")
        elif name == "torch":
            import torch

            if torch.cuda.is_available():
                props = torch.cuda.get_device_properties(0)
                return f"GPU: {props.name} ({props.total_memory / 2**30:.1f} GiB)"
        elif name == "jax":
            import jax

            gpus = [d for d in jax.devices() if d.platform == "gpu"]
            if gpus:
                return f"GPU: {gpus[0].device_kind}"
    except Exception:  # a device query must never stop training
        pass
    return f"CPU ({os.cpu_count()} cores)"


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the backend. Keras keeps seeds per thread: call this in the
    thread that trains."""
    import_keras().utils.set_random_seed(seed)
