"""The forward pass by hand (seeds 002 §6 and 004): every number of the seed, and the text."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnntui.explain import fmt, forward_by_hand, render_text, to_dict


def test_the_seed_example_with_tanh():
    first, second = forward_by_hand()
    np.testing.assert_allclose(first.before, [0.6, 0.5], atol=1e-8)
    np.testing.assert_allclose(first.state, [0.53704957, 0.46211716], atol=1e-8)
    assert first.output == pytest.approx(1.56128388, abs=1e-8)
    np.testing.assert_allclose(second.before, [1.2923401, 1.39225678], atol=1e-8)
    np.testing.assert_allclose(second.state, [0.85973818, 0.88366641], atol=1e-8)
    assert second.output == pytest.approx(2.72707101, abs=1e-8)


def test_the_linear_variant():
    first, second = forward_by_hand(activation="linear")
    np.testing.assert_allclose(first.state, [0.6, 0.5], atol=1e-8)
    assert first.output == pytest.approx(1.7, abs=1e-8)
    np.testing.assert_allclose(second.before, [1.31, 1.42], atol=1e-8)
    np.testing.assert_allclose(second.state_part, [0.21, 0.32], atol=1e-8)
    np.testing.assert_allclose(second.input_part, [1.0, 1.2], atol=1e-8)
    assert second.output == pytest.approx(4.25, abs=1e-8)


def test_the_formulas_show_the_numbers():
    first, second = forward_by_hand()
    assert first.before_text == (
        "before = state·W_state + x·W_input + b = [0.0, 0.0]·[[0.1, 0.2], [0.3, 0.4]] + "
        "1·[0.5, 0.6] + [0.1, -0.1] = [0.6, 0.5]")
    assert first.state_text == "state = tanh(before) = [0.53704957, 0.46211716]"
    assert first.output_text == ("output = state·W_out + b_out = [0.53704957, 0.46211716]·"
                                 "[1.0, 2.0] + 0.1 = 1.56128388")
    assert second.before_text.startswith(
        "before = state·W_state + x·W_input + b = [0.53704957, 0.46211716]·")
    assert second.before_text.endswith("+ 2·[0.5, 0.6] + [0.1, -0.1] = [1.2923401, 1.39225678]")
    assert second.output_text.endswith("= 2.72707101")
    linear = forward_by_hand(activation="linear")
    assert linear[0].state_text == "state = before = [0.6, 0.5]"
    assert linear[1].parts_text == "state·W_state = [0.21, 0.32], x·W_input = [1.0, 1.2]"
    assert linear[1].output_text.endswith("= 4.25")


def test_render_and_json():
    steps = forward_by_hand()
    text = render_text(steps)
    assert "step 1 (t=0), x = 1" in text and "step 2 (t=1), x = 2" in text
    assert "state = tanh(before) = [0.85973818, 0.88366641]" in text
    data = json.loads(json.dumps(to_dict(steps)))
    assert data["steps"][1]["output"] == pytest.approx(2.72707101, abs=1e-8)
    assert data["steps"][0]["before"] == pytest.approx([0.6, 0.5])
    assert data["steps"][0]["text"]["state"] == steps[0].state_text


def test_other_sizes_and_vector_inputs():
    # Three units, three steps, 2-number inputs, two outputs: checked against plain NumPy.
    rng = np.random.default_rng(0)
    w_state, w_input = rng.normal(size=(3, 3)), rng.normal(size=(2, 3))
    b, w_out, b_out = rng.normal(size=3), rng.normal(size=(3, 2)), rng.normal(size=2)
    inputs = [[1.0, 0.5], [-1.0, 2.0], [0.0, 0.3]]
    steps = forward_by_hand(inputs, w_state, w_input, b, w_out, b_out)
    state = np.zeros(3)
    for step, x in zip(steps, inputs):
        state = np.tanh(state @ w_state + np.asarray(x) @ w_input + b)
        np.testing.assert_allclose(step.state, state, atol=1e-12)
        np.testing.assert_allclose(step.output, state @ w_out + b_out, atol=1e-12)
    # The seed's column-vector W_out [[1.0], [2.0]] gives the same number as [1.0, 2.0].
    column = forward_by_hand(w_out=[[1.0], [2.0]])
    assert column[1].output == pytest.approx(2.72707101, abs=1e-8)
    # A start state other than zeros.
    assert forward_by_hand([1], initial_state=[0.6, 0.5], activation="linear")[0].before \
        == pytest.approx([1.31 - 0.5, 1.42 - 0.6])


@pytest.mark.parametrize("kwargs, message", [
    (dict(inputs=[]), "at least one"),
    (dict(w_state=[[0.1, 0.2]]), "W_state must be a square matrix"),
    (dict(w_input=[0.5, 0.6, 0.7]), r"W_input must have shape \(2,\) or \(1, 2\)"),
    (dict(inputs=[[1, 2]], w_input=[0.5, 0.6]), r"W_input must have shape \(2, 2\)"),
    (dict(b=[0.1]), "b must have 2 values"),
    (dict(w_out=[1.0, 2.0, 3.0]), "W_out must have 2 rows"),
    (dict(b_out=[0.1, 0.2]), "b_out must have 1 value"),
    (dict(activation="swish"), "activation must be one of"),
    (dict(inputs=["a"]), "inputs must be numbers"),
    (dict(initial_state=[0.0]), "initial state must have 2 values"),
])
def test_shapes_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        forward_by_hand(**kwargs)


def test_number_format():
    assert fmt(1) == "1" and fmt(0.6000000000000001) == "0.6" and fmt(-0.0) == "0.0"
    assert fmt(np.array([[0.1, 0.2]])) == "[[0.1, 0.2]]"


def test_one_number_is_one_step():
    from rnntui.explain import forward_by_hand

    steps = forward_by_hand(inputs=1)
    assert len(steps) == 1 and steps[0].output == pytest.approx(1.56128388)
