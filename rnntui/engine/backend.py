"""The one module that knows about the Keras backend underneath (TensorFlow by default).

It chooses the backend (TensorFlow, JAX or PyTorch) before Keras is imported, keeps
TensorFlow's chatter off the terminal, names the training device, seeds the random
generators and sets up data-parallel training over several devices. Everything else uses
the backend-neutral `keras` API.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

# TensorFlow's C++ logging reads this when it is first imported: 2 hides INFO and WARNING
# lines (oneDNN notices, "could not find CUDA drivers") that would land on the terminal.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_LOGGERS = ("tensorflow", "absl", "keras", "h5py", "py.warnings", "jax")
# Not "torch": PyTorch gives its sub-loggers handlers of their own, and INFO on "torch" would
# make them print their exit statistics.

BACKENDS = ("tensorflow", "jax", "torch")
# What to install when a backend is asked for but missing. torch: a plain `pip install torch`
# brings the CUDA build (several GB) on Linux; the CPU build comes from PyTorch's own index.
_INSTALL = {"tensorflow": "pip install tensorflow", "jax": "pip install jax jaxlib "
            "(or jax[cuda12] on an NVIDIA GPU)", "torch": "pip install torch"}


class BackendError(RuntimeError):
    """A backend that cannot be used as asked (not installed, or Keras already runs another)."""


def select_backend(name: str | None = None) -> str:
    """Make Keras run on `name` (else $KERAS_BACKEND, else TensorFlow); call before Keras loads.

    Keras reads KERAS_BACKEND once, when it is first imported, and spawned training processes
    inherit it, so setting it here covers the app's child too.

    Raises:
        BackendError: for an unknown or missing backend, or when Keras is already imported
            with another one (the backend cannot change inside a process).
    """
    import importlib.util

    chosen = (name or os.environ.get("KERAS_BACKEND") or "tensorflow").strip().lower()
    if chosen not in BACKENDS:
        raise BackendError(f"backend {chosen!r}: must be one of {', '.join(BACKENDS)}")
    if "keras" in sys.modules:
        current = sys.modules["keras"].backend.backend()
        if current != chosen:
            raise BackendError(f"Keras already runs on {current} in this process; the backend "
                               f"is chosen before Keras is imported")
        return chosen
    if importlib.util.find_spec(chosen) is None:
        raise BackendError(f"the {chosen} backend is not installed: {_INSTALL[chosen]}")
    os.environ["KERAS_BACKEND"] = chosen
    return chosen


_LOG_HANDLER: logging.Handler | None = None


class _LogFileHandler(logging.FileHandler):
    """The log file, best effort: a record it cannot write (a full disk, `ulimit -f`) is
    dropped, not printed on the terminal as a "--- Logging error ---" traceback."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def route_logs(log_path: Path) -> None:
    """Send Python-side logging and warnings of TensorFlow and Keras to `log_path`."""
    global _LOG_HANDLER
    log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = _LogFileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.captureWarnings(True)
    _LOG_HANDLER = handler
    _reroute()
    warnings.simplefilter("default")


def _reroute() -> None:
    """(Re)point the loggers at the log file. TensorFlow adds its own stderr handler to the
    'tensorflow' logger when it is imported: after an import, call this again."""
    if _LOG_HANDLER is None:
        return
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [_LOG_HANDLER]
        logger.propagate = False
        logger.setLevel(logging.INFO)


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
            # Flushed, not closed: loggers made meanwhile (PyTorch's, at import) keep this
            # stream and write to it at exit; it is a copy of the real stderr, so that is fine.
            sys.stderr.flush()
            sys.stderr = python_err


def import_keras() -> ModuleType:
    """Keras, imported quietly (~3 s with TensorFlow the first time)."""
    import keras

    # Keras prints progress bars and "Epoch 1/10" with print(); training here reports
    # through events instead.
    keras.utils.disable_interactive_logging()
    _reroute()
    return keras


def backend_name() -> str:
    return import_keras().backend.backend()


def device_label() -> str:
    """Where training runs and on which backend, for the training screen and `rnntui train`.

    'CPU (2 cores) · tensorflow' or 'GPU: NVIDIA H100 80GB HBM3 (79.1 GiB) · tensorflow';
    several GPUs add '×N'. The memory is what the backend may use (TensorFlow: its limit
    for the device, a little under the card's total).
    """
    name = backend_name()
    gpu = ""
    try:
        gpu = _gpu_label(name)
    except Exception:  # a device query must never stop training
        pass
    where = gpu or f"CPU ({os.cpu_count()} cores)"
    if _ACTIVE is not None and _ACTIVE.count > 1:
        where = f"{_ACTIVE.count} {_ACTIVE.kind} devices on {where}"
    return f"{where} · {name}"


def _gpu_label(name: str) -> str:
    memory = 0
    if name == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if not gpus:
            return ""
        label = tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")
        count = len(gpus)
        try:  # the memory TensorFlow gives the device; initialises the GPUs (they train next)
            from tensorflow.python.client import device_lib

            memory = next(int(d.memory_limit) for d in device_lib.list_local_devices()
                          if d.device_type == "GPU")
        except Exception:
            memory = 0
    elif name == "torch":
        import torch

        if not torch.cuda.is_available():
            return ""
        props = torch.cuda.get_device_properties(0)
        label, count, memory = props.name, torch.cuda.device_count(), props.total_memory
    else:
        import jax

        gpus = [d for d in jax.devices() if d.platform == "gpu"]
        if not gpus:
            return ""
        label, count = gpus[0].device_kind, len(gpus)
        try:
            memory = int((gpus[0].memory_stats() or {}).get("bytes_limit", 0))
        except Exception:
            memory = 0
    text = f"GPU: {label}" + (f" ({memory / 2**30:.1f} GiB)" if memory else "")
    return text + (f" ×{count}" if count > 1 else "")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the backend. Keras keeps seeds per thread: call this in the
    thread that trains."""
    import_keras().utils.set_random_seed(seed)


class Replicas:
    """The devices one model trains on, each on a slice of every batch (data parallelism).

    Build and train the model inside `scope()`. Keras's `fit(batch_size=B)` then takes B as
    the global batch: each of the N devices computes B/N samples and the gradients are
    averaged before every update, so the loss curve is that of one device with batch B.
    """

    def __init__(self, devices: tuple[str, ...], kind: str,
                 scope: Callable[[], contextlib.AbstractContextManager[Any]] | None = None):
        self.devices = devices
        self.kind = kind  # "GPU", "virtual CPU" or "CPU"
        self._scope = scope

    @property
    def count(self) -> int:
        return len(self.devices)

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Build and train inside this; `device_label()` names the devices meanwhile."""
        global _ACTIVE
        outer, _ACTIVE = _ACTIVE, self
        try:
            with self._scope() if self._scope is not None else contextlib.nullcontext():
                yield
        finally:
            _ACTIVE = outer


_ACTIVE: Replicas | None = None  # the Replicas whose scope is open, for device_label()


def active_replicas() -> int:
    """How many devices the model being built or trained now is spread over (1 usually)."""
    return _ACTIVE.count if _ACTIVE is not None else 1


def data_parallel(count: int) -> Replicas:
    """`count` devices for data-parallel training; call before anything has trained.

    With GPUs, the first `count` of them. Without, the CPU split into `count` virtual
    devices: no faster (they share the cores), but the same code path, so tests cover it.
    TensorFlow uses `tf.distribute.MirroredStrategy`; JAX uses Keras's distribution API
    (`keras.distribution.DataParallel`); Keras has no data parallelism for PyTorch.

    Raises:
        BackendError: too few GPUs, the devices were fixed earlier in this process, or the
            backend cannot do it.
    """
    if count < 1:
        raise BackendError(f"--devices {count}: must be at least 1")
    if count == 1:
        return Replicas(("default",), "one device")
    name = select_backend()
    if name == "tensorflow":
        return _tensorflow_replicas(count)
    if name == "jax":
        return _jax_replicas(count)
    raise BackendError(f"--devices {count}: data-parallel training needs the tensorflow or jax "
                       f"backend (Keras has no distribution for {name})")


def _tensorflow_replicas(count: int) -> Replicas:
    import tensorflow as tf

    _reroute()
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        if len(gpus) < count:
            raise BackendError(f"--devices {count}: this machine has {len(gpus)} GPU(s)")
        names = tuple(f"/gpu:{i}" for i in range(count))
        kind = "GPU"
    else:
        cpu = tf.config.list_physical_devices("CPU")[0]
        try:
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(count)])
        except RuntimeError:  # TensorFlow started already: only what it has is left
            have = len(tf.config.list_logical_devices("CPU"))
            if have < count:
                raise BackendError(f"--devices {count}: TensorFlow already started with "
                                   f"{have} CPU device(s) in this process") from None
        names = tuple(f"/cpu:{i}" for i in range(count))
        kind = "virtual CPU"
    strategy = tf.distribute.MirroredStrategy(list(names))
    return Replicas(names, kind, strategy.scope)


def _jax_replicas(count: int) -> Replicas:
    # Virtual CPU devices must be asked for before JAX starts its CPU client (lazily, at the
    # first device query): the config option where JAX has it, else the XLA flag.
    flag = f"--xla_force_host_platform_device_count={count}"
    if flag not in os.environ.get("XLA_FLAGS", ""):
        os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flag}".strip()
    import jax

    try:
        jax.config.update("jax_num_cpu_devices", count)
    except Exception:  # an older JAX, or JAX started already: the flag above or nothing
        pass
    keras = import_keras()
    gpus = [d for d in jax.devices() if d.platform == "gpu"]
    chosen = gpus or jax.devices("cpu")
    if len(chosen) < count:
        raise BackendError(f"--devices {count}: JAX sees {len(chosen)} "
                           f"{'GPU' if gpus else 'CPU device'}(s)")
    devices = chosen[:count]
    distribution = keras.distribution.DataParallel(devices=devices)
    keras.distribution.set_distribution(distribution)
    names = tuple(f"{d.platform}:{d.id}" for d in devices)
    return Replicas(names, "GPU" if gpus else "virtual CPU", distribution.scope)


def value_and_gradients(fn: Callable[..., Any], arrays: list[Any]) -> tuple[float, list[Any]]:
    """`fn(*tensors)` (a scalar) and its gradient with respect to each input, by the active
    backend's own autodiff (TensorFlow's tape, JAX's grad, PyTorch's autograd), as NumPy
    arrays. `fn` may call Keras layers and `keras.ops` on the tensors it is given."""
    import numpy as np

    keras = import_keras()
    name = keras.backend.backend()
    if name == "tensorflow":
        import tensorflow as tf

        xs = [tf.constant(np.asarray(a, dtype="float32")) for a in arrays]
        with tf.GradientTape() as tape:
            for x in xs:
                tape.watch(x)
            value = fn(*xs)
        grads = tape.gradient(value, xs)
        return float(value), [np.asarray(g) for g in grads]
    if name == "jax":
        import jax

        xs = [jax.numpy.asarray(np.asarray(a, dtype="float32")) for a in arrays]
        value, grads = jax.value_and_grad(fn, argnums=tuple(range(len(xs))))(*xs)
        return float(value), [np.asarray(g) for g in grads]
    import torch

    xs = [keras.ops.convert_to_tensor(np.asarray(a, dtype="float32")).detach()
          .requires_grad_(True) for a in arrays]
    value = fn(*xs)
    value.backward()
    return float(value.detach().cpu()), [x.grad.detach().cpu().numpy() for x in xs]
