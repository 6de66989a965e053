"""Keras activation functions in float64 NumPy, each with its derivative.

Each derivative is written in terms of the activation's output ``y = f(x)``: the gate trace
records outputs, so backprop (``memory.py``) needs nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from rnntui.nn.errors import MirrorError


@dataclass(frozen=True)
class Activation:
    """An elementwise activation and its derivative.

    Attributes:
        name: the Keras name ("tanh", "sigmoid", ...).
        fn: ``y = f(x)``.
        grad: ``f'(x)`` written in terms of ``y`` alone. Every function here is monotonic
            enough for that, so backprop needs only the values the forward pass already
            recorded (the gate trace), not the pre-activations.
    """

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, via tanh: exact, and no overflow warning for large ``-x``."""
    return 0.5 * np.tanh(0.5 * x) + 0.5


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the max so exp never overflows."""
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _elu(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))


def _step(mask: np.ndarray) -> np.ndarray:
    return mask.astype(np.float64)


# Keras 3's hard_sigmoid is relu6(x + 3) / 6 (keras.activations, not the older 0.2x + 0.5).
_ELEMENTWISE = {
    "linear": Activation("linear", lambda x: x, np.ones_like),
    "tanh": Activation("tanh", np.tanh, lambda y: 1.0 - y * y),
    "sigmoid": Activation("sigmoid", sigmoid, lambda y: y * (1.0 - y)),
    "relu": Activation("relu", lambda x: np.maximum(x, 0.0), lambda y: _step(y > 0)),
    "hard_sigmoid": Activation(
        "hard_sigmoid",
        lambda x: np.clip(x / 6.0 + 0.5, 0.0, 1.0),
        lambda y: _step((y > 0) & (y < 1)) / 6.0,
    ),
    # softplus' = sigmoid(x) = 1 - exp(-softplus(x))
    "softplus": Activation("softplus", lambda x: np.logaddexp(0.0, x),
                           lambda y: -np.expm1(-y)),
    # softsign' = 1 / (1 + |x|)^2 = (1 - |y|)^2
    "softsign": Activation("softsign", lambda x: x / (1.0 + np.abs(x)),
                           lambda y: (1.0 - np.abs(y)) ** 2),
    "elu": Activation("elu", _elu, lambda y: np.where(y > 0, 1.0, y + 1.0)),
    "exponential": Activation("exponential", np.exp, lambda y: y),
}
_ALIASES = {None: "linear", "": "linear"}

# Softmax is not elementwise; only Dense may use it and backprop treats it apart.
SOFTMAX = "softmax"


def activation_name(spec: object) -> str:
    """The Keras name of an activation as it appears in a layer config.

    Args:
        spec: a string ("tanh"), None, or a serialized dict (``{"config": "tanh", ...}`` or
            ``{"class_name": "function", "config": {"name": ...}}``).

    Returns:
        The canonical name ("linear" for None).
    """
    if isinstance(spec, dict):
        inner = spec.get("config")
        spec = inner.get("name") if isinstance(inner, dict) else inner
    name = _ALIASES.get(spec, spec)
    return name if isinstance(name, str) else str(name)


def get_activation(spec: object, *, allow_softmax: bool = False) -> Activation | None:
    """Look up an elementwise activation.

    Args:
        spec: anything ``activation_name`` accepts.
        allow_softmax: return None for "softmax" instead of failing (Dense layers).

    Returns:
        The Activation, or None for softmax when allowed.

    Raises:
        MirrorError: an activation the mirror does not implement.
    """
    name = activation_name(spec)
    if name == SOFTMAX and allow_softmax:
        return None
    try:
        return _ELEMENTWISE[name]
    except KeyError:
        known = ", ".join(sorted(_ELEMENTWISE) + ([SOFTMAX] if allow_softmax else []))
        raise MirrorError(
            f"activation {name!r} is not supported by the NumPy mirror (supported: {known})"
        ) from None
