"""The forward pass of a tiny RNN by hand, every number shown (seeds 002 §6 and 004).

The seeds' example: a 2-unit RNN reads X = [1, 2] from state [0, 0] with
W_state = [[0.1, 0.2], [0.3, 0.4]], W_input = [0.5, 0.6], b = [0.1, -0.1] and an output layer
W_out = [1.0, 2.0], b_out = 0.1. Each step computes

    before = state·W_state + x·W_input + b
    state  = tanh(before)
    output = state·W_out + b_out

giving before [0.6, 0.5], state [0.53704957, 0.46211716], output 1.56128388, then
[1.2923401, 1.39225678], [0.85973818, 0.88366641], 2.72707101. With a linear activation
(state = before, the seed's hand-checkable variant) the outputs are 1.7 and 4.25.

Pure NumPy; every number and weight can be changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

SEED_INPUTS = (1, 2)
SEED_W_STATE = ((0.1, 0.2), (0.3, 0.4))
SEED_W_INPUT = (0.5, 0.6)
SEED_B = (0.1, -0.1)
SEED_W_OUT = (1.0, 2.0)
SEED_B_OUT = 0.1

_ACTIVATIONS = {
    "tanh": np.tanh,
    "linear": lambda v: v,
    "relu": lambda v: np.maximum(v, 0.0),
    "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
}
DECIMALS = 8  # digits shown in the formula text (the seed prints numpy's 8)


@dataclass(frozen=True)
class HandStep:
    """One time step worked out.

    Attributes:
        t: the step index, from 0.
        x: the input read at this step, as given (a number or a list).
        state_in: the state before the step.
        state_part: state_in·W_state.
        input_part: x·W_input.
        before: the pre-activation, state_part + input_part + b.
        state: the new state, activation(before).
        output: state·W_out + b_out (a float when W_out is a vector).
        before_text: the formula with the numbers substituted.
        parts_text: the two products on their own.
        state_text: the activation line.
        output_text: the output line.
    """

    t: int
    x: Any
    state_in: np.ndarray
    state_part: np.ndarray
    input_part: np.ndarray
    before: np.ndarray
    state: np.ndarray
    output: float | np.ndarray
    before_text: str
    parts_text: str
    state_text: str
    output_text: str


def fmt(value: Any) -> str:
    """Numbers as the explanation shows them: ints as given, floats to 8 decimals, lists nested.

    Examples: 1 → "1", 0.6000000000000001 → "0.6", [0.5370495669980353, ...] →
    "[0.53704957, ...]".
    """
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim > 0):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    number = round(float(value), DECIMALS)
    return repr(number + 0.0)  # + 0.0 turns -0.0 into 0.0


def _matrix(name: str, value: Any) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers; got {value!r}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers")
    return array


def _inputs(inputs: Sequence[Any]) -> tuple[list[Any], np.ndarray]:
    """The inputs as given and as an (T, d) array; one number means one step."""
    items = [inputs] if isinstance(inputs, (int, float)) else list(inputs)
    if not items:
        raise ValueError("inputs must hold at least one value")
    array = _matrix("inputs", items)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError("inputs must be numbers, or lists of numbers of one length")
    return items, array


def _check(inputs: np.ndarray, w_state: np.ndarray, w_input: np.ndarray, b: np.ndarray,
           w_out: np.ndarray, b_out: np.ndarray, state0: np.ndarray) -> np.ndarray:
    """Validate the shapes (W_state already checked); return W_input as (d, units)."""
    units = w_state.shape[0]
    d = inputs.shape[1]
    w_in = w_input.reshape(1, -1) if w_input.ndim == 1 and d == 1 else w_input
    if w_in.shape != (d, units):
        expected = f"({units},) or (1, {units})" if d == 1 else f"({d}, {units})"
        raise ValueError(f"W_input must have shape {expected} for {units} units and inputs of "
                         f"size {d}; got {w_input.shape}")
    if b.shape != (units,):
        raise ValueError(f"b must have {units} values (one per unit); got shape {b.shape}")
    if state0.shape != (units,):
        raise ValueError(f"the initial state must have {units} values; got shape {state0.shape}")
    if w_out.ndim not in (1, 2) or w_out.shape[0] != units:
        raise ValueError(f"W_out must have {units} rows (one per unit); got shape {w_out.shape}")
    outputs = 1 if w_out.ndim == 1 else w_out.shape[1]
    if b_out.size != outputs or (b_out.ndim > 1):
        raise ValueError(f"b_out must have {outputs} value(s); got shape {b_out.shape}")
    return w_in


def forward_by_hand(inputs: Sequence[Any] = SEED_INPUTS,
                    w_state: Any = SEED_W_STATE,
                    w_input: Any = SEED_W_INPUT,
                    b: Any = SEED_B,
                    w_out: Any = SEED_W_OUT,
                    b_out: Any = SEED_B_OUT,
                    activation: str = "tanh",
                    initial_state: Any = None) -> list[HandStep]:
    """Run a one-layer RNN with a dense output by hand, step by step.

    Args:
        inputs: one value per step (numbers, or equal-length lists for vector inputs).
        w_state: (units, units) recurrent weights.
        w_input: (units,) for number inputs, or (d, units).
        b: (units,) bias.
        w_out: (units,) for one output number, (units, 1) likewise, or (units, m).
        b_out: a number, or m numbers.
        activation: "tanh" (the seed), "linear" (state = before), "relu" or "sigmoid".
        initial_state: (units,) state before the first step (default zeros).

    Returns:
        One HandStep per input.

    Raises:
        ValueError: shapes that do not fit together, non-numbers, or an unknown activation.
    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(_ACTIVATIONS)}; "
                         f"got {activation!r}")
    given, xs = _inputs(inputs)
    ws = _matrix("W_state", w_state)
    wi = _matrix("W_input", w_input)
    bias = _matrix("b", b)
    wo = _matrix("W_out", w_out)
    bo = _matrix("b_out", b_out)
    if ws.ndim != 2 or ws.shape[0] != ws.shape[1] or ws.shape[0] == 0:
        raise ValueError(f"W_state must be a square matrix (units × units); got shape "
                         f"{ws.shape}")
    state = (np.zeros(ws.shape[0]) if initial_state is None
             else _matrix("initial state", initial_state))
    w_in = _check(xs, ws, wi, bias, wo, bo, state)
    scalar_out = wo.ndim == 1 or wo.shape[1] == 1
    wo_shown = wo if wo.ndim == 1 else (wo[:, 0] if scalar_out else wo)
    bo_value = float(bo.reshape(-1)[0]) if scalar_out else bo.reshape(-1)
    bo_shown = b_out if np.ndim(b_out) == 0 else bo_value
    act_text = "before" if activation == "linear" else f"{activation}(before)"

    steps = []
    for t, (x_given, x_row) in enumerate(zip(given, xs)):
        state_part = state @ ws
        input_part = x_row @ w_in
        before = state_part + input_part + bias
        new_state = _ACTIVATIONS[activation](before)
        out = new_state @ wo
        output = float(np.reshape(out, -1)[0]) + bo_value if scalar_out else out + bo_value
        steps.append(HandStep(
            t=t, x=x_given, state_in=state, state_part=state_part, input_part=input_part,
            before=before, state=new_state, output=output,
            before_text=(f"before = state·W_state + x·W_input + b = {fmt(state)}·{fmt(ws)} + "
                         f"{fmt(x_given)}·{fmt(wi)} + {fmt(bias)} = {fmt(before)}"),
            parts_text=(f"state·W_state = {fmt(state_part)}, "
                        f"x·W_input = {fmt(input_part)}"),
            state_text=f"state = {act_text} = {fmt(new_state)}",
            output_text=(f"output = state·W_out + b_out = {fmt(new_state)}·{fmt(wo_shown)} + "
                         f"{fmt(bo_shown)} = {fmt(output)}"),
        ))
        state = new_state
    return steps


def render_text(steps: Sequence[HandStep]) -> str:
    """The steps as plain text for the terminal, one block per step."""
    blocks = []
    for step in steps:
        blocks.append("\n".join([
            f"step {step.t + 1} (t={step.t}), x = {fmt(step.x)}",
            f"  {step.before_text}",
            f"      where {step.parts_text}",
            f"  {step.state_text}",
            f"  {step.output_text}",
        ]))
    return "\n\n".join(blocks) + "\n"


def to_dict(steps: Sequence[HandStep]) -> dict:
    """The steps as a JSON-able dict (full-precision numbers and the formula texts)."""
    def listed(value: Any) -> Any:
        return np.asarray(value, dtype=np.float64).tolist()

    return {"steps": [{
        "t": step.t,
        "x": listed(step.x),
        "state_in": listed(step.state_in),
        "state_part": listed(step.state_part),
        "input_part": listed(step.input_part),
        "before": listed(step.before),
        "state": listed(step.state),
        "output": listed(step.output),
        "text": {"before": step.before_text, "parts": step.parts_text,
                 "state": step.state_text, "output": step.output_text},
    } for step in steps]}


# -- numbers as typed, for the app's fields and the CLI's flags alike --------------------------
class FieldError(ValueError):
    """Typed text that is not numbers; `position` is the character at fault."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


def _number(part: str, position: int) -> int | float:
    try:
        return int(part)
    except ValueError:
        pass
    try:
        value = float(part)
    except ValueError:
        raise FieldError(f"{part!r} is not a number", position) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise FieldError(f"{part!r}: only finite numbers", position)
    return value


def parse_numbers(text: str) -> Any:
    """A number, a list, or rows of numbers, as typed.

    `0.1` → 0.1; `1, 2` or `1 2` → [1, 2]; `0.1 0.2; 0.3 0.4` → [[0.1, 0.2], [0.3, 0.4]];
    anything in brackets is read as JSON (`[[1, 0], [0, 1]]`).

    Raises:
        FieldError: for empty text, non-numbers or rows of different lengths.
    """
    stripped = text.strip()
    if not stripped:
        raise FieldError("type a number", 0)
    if stripped.startswith("["):
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            offset = len(text) - len(text.lstrip())
            raise FieldError(f"not a list of numbers ({exc.msg})", offset + exc.pos) from None
        except RecursionError:
            raise FieldError("not a list of numbers (nested too deeply)", 0) from None
        if not _all_numbers(value):
            raise FieldError("only numbers inside the brackets", text.find("[")) from None
        return value
    rows = []
    start = 0
    for row_text in text.split(";"):
        row = []
        for match in re.finditer(r"[^\s,]+", row_text):
            row.append(_number(match.group(), start + match.start()))
        if not row:
            raise FieldError("an empty row (two ; in a row?)", start)
        rows.append(row)
        start += len(row_text) + 1
    if len(rows) == 1:
        return rows[0][0] if len(rows[0]) == 1 else rows[0]
    if len({len(r) for r in rows}) != 1:
        raise FieldError(f"rows of different lengths ({', '.join(str(len(r)) for r in rows)})",
                         None)
    return rows


def _all_numbers(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, list) and bool(value) and all(_all_numbers(v) for v in value)
