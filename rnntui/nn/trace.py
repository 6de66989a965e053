"""The gate trace: every gate and state of every recurrent layer at every time step.

Index t always means input step t, in both directions. A backward direction reads the input
from its end, so its recorded steps are flipped here: its row t is the step that read x_t,
which comes after (in its own reading order) the steps that read x_{t+1}..x_{T-1}. Its final
state is therefore the one after reading x_0, i.e. row 0 of its "h" (and "c").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnntui.nn.layers import Bidirectional, Layer, Recurrent


@dataclass(frozen=True)
class LayerTrace:
    """The trace of one recurrent layer.

    Attributes:
        name: the layer's name ("lstm", or the Bidirectional wrapper's name).
        kind: the cell, "SimpleRNN", "LSTM" or "GRU".
        units: units per direction.
        gates: direction ("forward", "backward") → gate or state name → (T, units) array.
            SimpleRNN: "pre", "h"; LSTM: "i", "f", "g", "o", "c", "h"; GRU: "z", "r",
            "candidate", "h".
        final_states: direction → state name ("h", and "c" for LSTM) → (units,) array.
    """

    name: str
    kind: str
    units: int
    gates: dict[str, dict[str, np.ndarray]]
    final_states: dict[str, dict[str, np.ndarray]]

    @property
    def directions(self) -> tuple[str, ...]:
        return tuple(self.gates)

    @property
    def gate_names(self) -> tuple[str, ...]:
        return tuple(next(iter(self.gates.values())))

    def to_dict(self, decimals: int | None = 6) -> dict:
        """A JSON-able dict; arrays become nested lists (steps × units).

        Args:
            decimals: round floats to this many decimals (None: keep full precision).
        """
        return {
            "name": self.name,
            "kind": self.kind,
            "units": self.units,
            "gates": {d: {g: _listed(a, decimals) for g, a in gates.items()}
                      for d, gates in self.gates.items()},
            "final_states": {d: {s: _listed(a, decimals) for s, a in states.items()}
                             for d, states in self.final_states.items()},
        }


@dataclass(frozen=True)
class Trace:
    """Gate traces of all recurrent layers for one input sequence.

    Attributes:
        steps: T, the input length.
        layers: one LayerTrace per recurrent (or Bidirectional) layer, input to output.
        output: the network's output for the sequence (as ``Network.forward`` returns it).
    """

    steps: int
    layers: tuple[LayerTrace, ...]
    output: np.ndarray

    def layer(self, name: str) -> LayerTrace:
        """The trace of the layer called ``name``.

        Raises:
            KeyError: no recurrent layer has that name.
        """
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no recurrent layer named {name!r} (have: "
                       f"{', '.join(t.name for t in self.layers)})")

    def to_dict(self, decimals: int | None = 6) -> dict:
        """A JSON-able dict: steps, output, and the layers in order (see LayerTrace.to_dict)."""
        return {
            "steps": self.steps,
            "order": "row t of every direction is input step t; a backward direction's "
                     "final state is its row 0",
            "output": _listed(self.output, decimals),
            "layers": [layer.to_dict(decimals) for layer in self.layers],
        }


def _listed(array: np.ndarray, decimals: int | None) -> list | float:
    array = np.asarray(array, dtype=np.float64)
    return (array if decimals is None else np.round(array, decimals)).tolist()


def _direction(layer: Recurrent, cache: dict) -> tuple[dict, dict]:
    """Gates in input order and final states of one direction, for sequence 0 of the batch."""
    flip = slice(None, None, -1) if layer.go_backwards else slice(None)
    gates = {name: values[flip, 0] for name, values in cache["gates"].items()}
    final = {name: value[0] for name, value in cache["final_state"].items()}
    return gates, final


def layer_trace(layer: Layer, cache: dict) -> LayerTrace | None:
    """The trace of one layer from the cache its forward pass filled (None: not recurrent)."""
    if isinstance(layer, Bidirectional):
        parts = {d: _direction(sub, cache[d]) for d, sub in layer.directions.items()}
        return LayerTrace(layer.name, layer.cell_kind, layer.units,
                          {d: p[0] for d, p in parts.items()},
                          {d: p[1] for d, p in parts.items()})
    if isinstance(layer, Recurrent):
        gates, final = _direction(layer, cache)
        direction = "backward" if layer.go_backwards else "forward"
        return LayerTrace(layer.name, layer.kind, layer.units, {direction: gates},
                          {direction: final})
    return None
