"""The trained Keras model as the NumPy mirror, where the mirror knows its layers.

Free-running forecasts, epoch samples and gate saturation call the network many times a
window: the mirror answers one in well under a millisecond, where each eager Keras call costs
several (and `predict` far more). One place builds it, and says what to fall back on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def mirror_of(model: Any) -> Any:
    """The mirror (rnntui.nn.network.Network) of `model` with its current weights, or None
    for a layer the mirror does not know."""
    from rnntui.nn.errors import MirrorError
    from rnntui.nn.loading import network_from_keras

    try:
        return network_from_keras(model)
    except MirrorError:
        return None


def predictor(keras: Any, model: Any, network: Any = None
              ) -> Callable[[np.ndarray], np.ndarray]:
    """`model` as a NumPy function: `network` (its mirror, built here when not given), else
    Keras itself, slower."""
    network = network if network is not None else mirror_of(model)
    if network is not None:
        return network.forward
    return lambda x: keras.ops.convert_to_numpy(model(np.asarray(x, np.float32),
                                                      training=False))
