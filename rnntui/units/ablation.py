"""Ablation: pin units of h to 0 or to their mean at every step, and see what changes.

The pin is applied by the mirror's own time loop (``Recurrent.pins``): after each step the
pinned units of h are set to their values before the next step reads them, so the layers
above and the unit's own layer both see the pinned value. An LSTM's cell c runs on unpinned
(its h, the only way it reaches anything, is pinned).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from rnntui.nn.network import Network
from rnntui.units.states import recurrent_directions

MODES = ("zero", "mean")
_SPEC = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s*$")


class AblationError(ValueError):
    """A unit list that does not name units of this network, in one line."""


@dataclass(frozen=True, order=True)
class Pinned:
    """A unit to pin: recurrent layer (0 first) and unit. In a Bidirectional layer units
    0…u−1 are the forward direction's and u…2u−1 the backward one's, as the layer's output
    concatenates them."""

    layer: int
    unit: int

    def __str__(self) -> str:
        return f"{self.layer}:{self.unit}"


def parse_units(spec: str, net: Network) -> tuple[Pinned, ...]:
    """`LAYER:UNIT[,LAYER:UNIT…]` ("0:17,0:3") as units of `net`.

    Raises:
        AblationError: a malformed item, or a layer or unit the network does not have.
    """
    widths = layer_widths(net)
    if not widths:
        raise AblationError("this network has no recurrent layer: there is no unit to pin")
    units = []
    for item in spec.split(","):
        match = _SPEC.match(item)
        if not match:
            raise AblationError(f"--ablate {spec!r}: {item.strip() or 'an empty item'!r} is "
                                "not LAYER:UNIT (e.g. 0:17,0:3)")
        layer, unit = int(match.group(1)), int(match.group(2))
        if layer >= len(widths):
            raise AblationError(f"--ablate {item.strip()}: the network has {len(widths)} "
                                f"recurrent layer{'s' if len(widths) != 1 else ''} "
                                f"(0…{len(widths) - 1})")
        if unit >= widths[layer]:
            raise AblationError(f"--ablate {item.strip()}: layer {layer} has "
                                f"{widths[layer]} units (0…{widths[layer] - 1})")
        units.append(Pinned(layer, unit))
    return tuple(sorted(set(units)))


def layer_widths(net: Network) -> list[int]:
    """Units of each recurrent layer's output (both directions of a Bidirectional one)."""
    widths: dict[int, int] = {}
    for number, _, layer in recurrent_directions(net):
        widths[number] = widths.get(number, 0) + layer.units
    return [widths[k] for k in sorted(widths)]


def describe(units: Sequence[Pinned], mode: str) -> str:
    """'layer 0 unit 17 and layer 0 unit 3 pinned to 0' (or 'to their mean')."""
    names = [f"layer {u.layer} unit {u.unit}" for u in units]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{joined} pinned to {'0' if mode == 'zero' else 'its mean' if len(units) == 1 else 'their means'}"


@contextmanager
def ablated(net: Network, units: Sequence[Pinned], mode: str = "zero",
            means: Mapping[Pinned, float] | None = None) -> Iterator[Network]:
    """`net` with `units` pinned, for the `with` block (then intact again).

    Args:
        net: the mirror (changed in place, and restored).
        units: the units to pin.
        mode: "zero", or "mean" (each unit at its mean over the held-out data: `means`).
        means: unit → its mean h, for mode "mean".

    Raises:
        AblationError: an unknown mode, or mode "mean" without a unit's mean.
    """
    if mode not in MODES:
        raise AblationError(f"ablation mode {mode!r}: one of {', '.join(MODES)}")
    by_direction: dict[int, tuple[list[int], list[float]]] = {}
    directions = recurrent_directions(net)
    for unit in units:
        offset = 0
        for index, (number, _, layer) in enumerate(directions):
            if number != unit.layer:
                continue
            if unit.unit < offset + layer.units:
                if mode == "mean" and (means is None or unit not in means):
                    raise AblationError(f"no mean known for layer {unit.layer} unit "
                                        f"{unit.unit}")
                value = 0.0 if mode == "zero" else float(means[unit])  # type: ignore[index]
                slot = by_direction.setdefault(index, ([], []))
                slot[0].append(unit.unit - offset)
                slot[1].append(value)
                break
            offset += layer.units
    try:
        for index, (idx, values) in by_direction.items():
            directions[index][2].pins = (np.asarray(idx), np.asarray(values))
        yield net
    finally:
        for _, _, layer in directions:
            layer.pins = None


def unit_means(net: Network, texts: Sequence, units: Sequence[Pinned]) -> dict[Pinned, float]:
    """Each unit's mean h over `texts` (UnitTexts), for pinning to the mean."""
    from rnntui.units.states import collect

    states = collect(net, texts, names=("h",))
    widths_before: dict[tuple[int, str], int] = {}
    offset: dict[int, int] = {}
    for number, direction, layer in recurrent_directions(net):
        widths_before[(number, direction)] = offset.get(number, 0)
        offset[number] = offset.get(number, 0) + layer.units
    column = {(u.layer, widths_before[(u.layer, u.direction)] + u.unit): i
              for i, u in enumerate(states.units)}
    return {u: float(states.values[:, column[(u.layer, u.unit)]].mean()) for u in units}
