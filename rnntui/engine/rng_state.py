"""The random state a model's next epoch needs: its layers' seed generators.

Dropout (between layers, and an RNN cell's `dropout`/`recurrent_dropout`) draws its masks
from a `keras.random.SeedGenerator` whose state (seed, counter) moves on every training
step. Keras does not save it in `model.keras` (checked on 3.15: `load_model` makes new
generators from fresh seeds), so a resumed run would drop other units than a straight one.
It is saved beside the weights, in the checkpoint, and set back when the run resumes.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

RNG_IN_MODEL = "rnntui-rng.json"  # the entry of model.keras that holds the states
_STATE = "seed_generator_state"  # the name Keras gives every generator's state variable


def _state_variables(model: Any) -> list[Any]:
    # model.variables lists layers (and their cells) in order: the same order in a model
    # and in the one loaded from its checkpoint, whatever the generators' numbered paths.
    return [v for v in model.variables if v.name == _STATE]


def seed_states(model: Any) -> list[list[int]]:
    """Every seed generator's state in `model`, in layer order (an empty list: no dropout)."""
    return [np.asarray(v).astype(np.int64).tolist() for v in _state_variables(model)]


def set_seed_states(model: Any, states: list[list[int]]) -> bool:
    """Put `states` (from `seed_states`) back into `model`.

    Returns:
        False, changing nothing, when they do not fit the model's generators (a checkpoint
        saved before this record existed has none).
    """
    variables = _state_variables(model)
    if len(states) != len(variables) or any(
            tuple(np.shape(s)) != tuple(v.shape) for s, v in zip(states, variables)):
        return False
    for variable, state in zip(variables, states):
        variable.assign(np.asarray(state, dtype=variable.dtype))
    return True


def to_text(states: list[list[int]]) -> str:
    return json.dumps(states)


def from_text(text: str | None) -> list[list[int]] | None:
    """The states saved by `to_text`, or None for no record or an unreadable one."""
    if text is None:
        return None
    try:
        states = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(states, list) or not all(
            isinstance(s, list) and all(isinstance(n, int) for n in s) for s in states):
        return None
    return states
