"""The GPU fast path: when an LSTM or GRU runs as one fused cuDNN kernel.

The one place this rule lives; the hyperparameter form, the training screen and
`rnntui train` all ask `fast_path()`. Plain Python (no Keras): the form asks on every key.

Keras 3 (TensorFlow and PyTorch backends, and JAX for the LSTM) hands a whole LSTM or GRU
layer to cuDNN when the layer keeps tanh/sigmoid activations, a bias, `unroll=False`, no
mask and `recurrent_dropout=0`. rnntui's models always keep the first four (see
`rnntui.engine.model.build_model`), so only two choices matter here: the cell (SimpleRNN has
no fused kernel) and `recurrent_dropout`. Input `dropout` keeps the fast path: it is one
mask per sequence, applied before the kernel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rnntui.architecture import CELL_NAMES

# What leaving the fast path costs. The fused kernel runs the whole sequence in one call;
# the generic path launches a few small kernels per time step (seq_len × layers of them), so
# a GPU waits on launches rather than computing. Not measured by us yet (no GPU in this
# session): bench/bench_gpu_lstm.py --recurrent-dropout 0.2 measures it on a real GPU.
COST = "typically several times slower on a GPU"


@dataclass(frozen=True)
class FastPath:
    """Whether a model's recurrent layers run fused on a GPU, and if not, why."""

    fused: bool
    reason: str = ""  # empty when fused
    key: str = ""  # the hyperparameter to change, when one is the cause

    @property
    def notice(self) -> str:
        """One line for a user who chose the setting: what it does and what it costs."""
        if self.fused or not self.key:
            return ""
        return f"{self.reason}: {COST}"


def fast_path(hp: Mapping[str, Any]) -> FastPath:
    """Whether the recurrent layers of `hp`'s model run on the fused cuDNN kernel on a GPU."""
    cell = hp["cell"]
    if cell == "simple":
        return FastPath(False, "SimpleRNN has no fused cuDNN kernel: it runs one step at a time")
    name = CELL_NAMES[cell]
    rate = float(hp["recurrent_dropout"])
    if rate > 0:
        return FastPath(False, f"recurrent_dropout {rate:g} takes the {name} off the fused "
                        f"cuDNN kernel (one step at a time)", key="recurrent_dropout")
    return FastPath(True)


def off_fast_path(hp: Mapping[str, Any], device: str) -> FastPath | None:
    """Why `hp`'s model misses the fused kernel while training on `device` (a device label),
    or None: when it is fused, or when the device is no GPU (only there does it matter)."""
    if "GPU" not in device:
        return None
    path = fast_path(hp)
    return None if path.fused else path


def fast_path_on(hp: Mapping[str, Any], backend: str) -> FastPath:
    """`fast_path` on one Keras backend: Keras 3.15 on JAX runs the LSTM through cuDNN
    (`jax.experimental.rnn`) but the GRU as a `lax.scan` of steps (its input projections
    batched), so a GRU is fused on TensorFlow and PyTorch only."""
    path = fast_path(hp)
    if path.fused and backend == "jax" and hp["cell"] == "gru":
        return FastPath(False, "Keras on JAX has no fused cuDNN GRU: it runs one step at a "
                        "time (cell=lstm is fused there, or use --backend tensorflow|torch)")
    return path
