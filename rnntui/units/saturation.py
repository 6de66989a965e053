"""Gate saturation, after Karpathy, Johnson & Fei-Fei (2015): for each layer and gate (LSTM
i, f, o; GRU z, r), per unit, the fraction of held-out steps with the gate below 0.1 (left
saturated) and above 0.9 (right saturated). A unit in the right corner of f is an integrator
that keeps its cell; in the left corner it forgets at every step.

Measured at the end of every training epoch on a seeded sample of the held-out steps (at most
BUDGET_STEPS, see `SaturationRecorder`) and kept in the run's `saturation.json` (written
atomically), so the views scrub epoch by epoch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rnntui.nn.network import Network
from rnntui.tasks.features import UnitText
from rnntui.units.states import collect, is_bidirectional, recurrent_directions

LOW, HIGH = 0.1, 0.9
GATES = {"LSTM": ("i", "f", "o"), "GRU": ("z", "r")}
FILE = "saturation.json"
# The time budget: the held-out steps read at each epoch's end. 2,000 steps of the default
# poems LSTM(256) take about 0.05 s through the mirror against a 90-230 s epoch; for the
# small tasks the cost is that of a forward pass over 2,000 steps of a network of 16-32
# units (a few ms; see bench/bench_units.py and the README).
BUDGET_STEPS = 2_000


class SaturationError(ValueError):
    """No saturation to show (no gates, no epoch recorded), in one line."""


def has_gates(net: Network) -> bool:
    return any(layer.kind in GATES for _, _, layer in recurrent_directions(net))


def saturation(net: Network, texts: Sequence[UnitText]) -> dict:
    """Per recurrent layer (and direction) and gate, per unit, the left and right fractions.

    Returns:
        {"steps": N, "layers": [{"layer": 0, "kind": "LSTM", "gates": {"f": {"left":
        [...], "right": [...]}, ...}}, ...]} ("direction" too in a Bidirectional network;
        a SimpleRNN layer has no gates: {}).
    """
    names = sorted({g for gates in GATES.values() for g in gates})
    states = collect(net, texts, names=names)
    both = is_bidirectional(net)
    layers = []
    for number, direction, layer in recurrent_directions(net):
        gates = {}
        for gate in GATES.get(layer.kind, ()):
            columns = [i for i, u in enumerate(states.units) if u.layer == number
                       and u.direction == direction and u.state == gate]
            values = states.values[:, columns]
            gates[gate] = {"left": _rounded((values < LOW).mean(axis=0)),
                           "right": _rounded((values > HIGH).mean(axis=0))}
        entry: dict[str, Any] = {"layer": number, "kind": layer.kind, "gates": gates}
        if both:
            entry["direction"] = direction
        layers.append(entry)
    return {"steps": states.steps, "layers": layers}


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]


def sample(texts: Sequence[UnitText], budget: int, seed: int) -> list[UnitText]:
    """Whole texts drawn (seeded) until `budget` steps are reached (at least one text)."""
    order = np.random.default_rng(seed).permutation(len(texts))
    kept, steps = [], 0
    for i in order:
        if steps >= budget:
            break
        kept.append(texts[int(i)])
        steps += len(texts[int(i)])
    return kept


# -- kept in the run ------------------------------------------------------------------------
def read(run_path: Path) -> list[dict]:
    """Every recorded epoch, in order (empty when none was)."""
    path = Path(run_path) / FILE
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return []
    if not isinstance(data, dict) or not isinstance(data.get("epochs"), list):
        return []
    return [e for e in data.get("epochs", []) if isinstance(e, dict) and "epoch" in e]


def record(run_path: Path, epoch: int, entry: dict, seconds: float) -> None:
    """Add (or replace) `epoch`'s entry, dropping later ones (a resume goes on from here)."""
    from rnntui.runs import atomic_write

    epochs = [e for e in read(run_path) if e["epoch"] < epoch]
    epochs.append({"epoch": epoch, "seconds": round(seconds, 4), **entry})
    atomic_write(Path(run_path) / FILE, json.dumps(
        {"low": LOW, "high": HIGH, "epochs": epochs}, separators=(",", ":")))


def at_epoch(run_path: Path, epoch: int | None = None) -> dict:
    """The entry of `epoch` (default: the last recorded).

    Raises:
        SaturationError: none recorded, or not that epoch.
    """
    epochs = read(run_path)
    if not epochs:
        raise SaturationError("no saturation recorded for this run: it is measured at the end "
                              "of each training epoch of an LSTM or GRU (train it, or train "
                              "it on with --resume)")
    if epoch is None:
        return epochs[-1]
    for entry in epochs:
        if entry["epoch"] == epoch:
            return entry
    have = ", ".join(str(e["epoch"]) for e in epochs)
    raise SaturationError(f"--epoch {epoch}: no saturation recorded at that epoch "
                          f"(recorded: {have})")


class SaturationRecorder:
    """Measures saturation at each epoch's end during training (best effort: a failure is
    one warning and training goes on).

    Args:
        run_path: the run's folder.
        texts: the held-out texts (a sample of at most BUDGET_STEPS steps is read).
        seed: the run's seed (the sample).
        warn: called once with a message if a measurement fails.
    """

    def __init__(self, run_path: Path, texts: Sequence[UnitText], seed: int,
                 warn: Callable[[str], None]):
        self.run_path = Path(run_path)
        self.texts = sample(texts, BUDGET_STEPS, seed)
        self.warn = warn
        self.failed = False

    @classmethod
    def for_training(cls, run_path: Path, task: Any, hp: Any, data: Any,
                     warn: Callable[[str], None]) -> SaturationRecorder | None:
        """A recorder for a run whose cell has gates (None for SimpleRNN or no data)."""
        if hp.cell not in ("lstm", "gru"):
            return None
        try:
            texts = task.unit_texts(hp, data, data.vocab)
        except (ValueError, TypeError, IndexError) as exc:
            warn(f"gate saturation not recorded: {exc}")
            return None
        return cls(run_path, texts, hp.seed, warn) if texts else None

    def __call__(self, model: Any, epoch: int, network: Any = None) -> None:
        """Measure `model` after `epoch` through `network` (its mirror, built here when not
        given) and keep the figures."""
        if self.failed:
            return
        started = time.perf_counter()
        try:
            from rnntui.nn.loading import network_from_keras

            entry = saturation(network if network is not None else network_from_keras(model),
                               self.texts)
            record(self.run_path, epoch, entry, time.perf_counter() - started)
        except Exception as exc:  # best effort: the training itself must go on
            self.failed = True
            self.warn(f"gate saturation not recorded from epoch {epoch}: "
                      f"{type(exc).__name__}: {exc}")
