"""The unit views' core (rnntui.units): task features, states through the mirror pinned to
Keras, Pearson ranking and the chance level, select and match, saturation, ablation, and the
`cells` / `saturation` commands."""

from __future__ import annotations

import json
import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from rnntui.nn import Network
from rnntui.nn.loading import network_from_keras
from rnntui.nn.cells import LSTMCell, SimpleRNNCell
from rnntui.nn.layers import Dense, Recurrent
from rnntui.tasks import get_task
from rnntui.tasks.features import (UnitText, inside_negation, line_numbers, line_positions,
                                   next_is_mark, sine_phases, slope_signs)
from rnntui.units import ranking, saturation
from rnntui.units.ablation import AblationError, Pinned, ablated, parse_units
from rnntui.units.select import SpanError, match, on_across, parse_span, select
from rnntui.units.source import UnitsError, UnitsRun
from rnntui.units.states import States, UnitId, collect, untrained_like

END = "\n"


# -- features -------------------------------------------------------------------------------
def test_line_position_counts_the_characters_of_the_line_and_is_0_at_marks_and_ends():
    tokens = [END, *"床前明月光，疑是地上霜。", END]
    assert line_positions(tokens, frozenset({END})) == \
        [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 0]


def test_line_number_and_next_is_mark():
    tokens = [END, *"白日，黄河。"]
    assert line_numbers(tokens, frozenset({END})) == [0, 1, 1, 1, 2, 2, 2]
    assert next_is_mark(tokens) == [0, 0, 1, 0, 0, 1, 0]


def test_negation_covers_the_word_and_the_three_after():
    words = "i did not like this movie at all never".split()
    assert inside_negation(words) == [0, 0, 1, 1, 1, 1, 0, 0, 1]


def test_sine_phase_of_a_pure_sine_is_t_over_two_pi():
    step = 0.01
    t = np.arange(1, 400) * step
    phases = np.asarray(sine_phases(list(np.sin(t)), step))
    expected = (t / (2 * np.pi)) % 1.0
    gap = np.abs(phases - expected)
    assert np.minimum(gap, 1 - gap)[1:].max() < 0.01  # the slope is a backward difference
    assert slope_signs([0.0, 1.0, 0.5, 0.5]) == [1.0, 1.0, -1.0, 0.0]


def test_every_task_declares_features_and_computes_them_from_a_text():
    for task_id, steps in [("onehot4", "abcd"), ("recall", "abcdefgh"), ("poems", "床前明月光，"),
                           ("imdb", ["<start>", "not", "bad"]), ("sine", [0.0, 0.1, 0.2])]:
        task = get_task(task_id)
        hp = task.hparams()
        assert task.unit_features, task_id
        for feature in task.unit_features:
            values = task.feature_values(hp, feature.name, UnitText(None, tuple(steps)))
            assert len(values) == len(steps), (task_id, feature.name)
        with pytest.raises(KeyError):
            task.feature_values(hp, "no_such_feature", UnitText(None, tuple(steps)))
    assert get_task("onehot4").feature_values(
        get_task("onehot4").hparams(), "place", UnitText(None, tuple("cdea"))) == [2, 3, 4, 0]


def test_dice_texts_carry_the_hidden_die():
    task = get_task("dice")
    hp = task.hparams({"seq_len": 6})
    data = task.load(hp)
    texts = task.unit_texts(hp, data, None)
    assert len(texts) == len(data.x_test)
    die = task.feature_values(hp, "die", texts[0])
    assert set(die) <= {4.0, 6.0, 8.0} and len(die) == 6
    assert die == [float((4, 6, 8)[d]) for d in data.y_test[0]]  # mode die: labels are dice


# -- states, pinned to Keras -----------------------------------------------------------------
def _keras_model(cell: str, layers: int = 2, bidirectional: bool = False, seed: int = 0):
    keras = pytest.importorskip("keras")
    make = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM,
            "gru": keras.layers.GRU}[cell]
    stack = [keras.Input(shape=(6,), dtype="int32"), keras.layers.Embedding(7, 3)]
    for index in range(layers):
        rnn = make(4 - index, return_sequences=True)
        stack.append(keras.layers.Bidirectional(rnn) if bidirectional else rnn)
    stack.append(keras.layers.Dense(7, activation="softmax"))
    model = keras.Sequential(stack)
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        layer.set_weights([rng.normal(0.0, 0.5, w.shape) for w in layer.get_weights()])
    return model


@pytest.mark.parametrize("cell,bidirectional", [("simple", False), ("lstm", False),
                                                ("gru", False), ("lstm", True)])
def test_collected_h_equals_a_keras_sub_model_of_each_layer(cell, bidirectional):
    keras = pytest.importorskip("keras")
    model = _keras_model(cell, 2, bidirectional)
    net = network_from_keras(model)
    x = np.random.default_rng(1).integers(0, 7, (5, 6)).astype("int32")
    texts = [UnitText(row, tuple(str(v) for v in row)) for row in x]
    states = collect(net, texts)
    recurrent = [layer for layer in model.layers
                 if type(layer).__name__ in ("SimpleRNN", "LSTM", "GRU", "Bidirectional")]
    for number, layer in enumerate(recurrent):
        sub = keras.Model(model.inputs[0], layer.output)
        expected = np.asarray(sub(x)).reshape(-1, layer.output.shape[-1])  # text after text
        columns = states.columns("h", number)
        assert np.allclose(states.values[:, columns], expected, atol=1e-5)


def test_collected_c_ends_at_keras_final_cell_state():
    keras = pytest.importorskip("keras")
    model = _keras_model("lstm", 1)
    net = network_from_keras(model)
    x = np.random.default_rng(2).integers(0, 7, (3, 6)).astype("int32")
    states = collect(net, [UnitText(row, tuple(row)) for row in x])
    lstm = model.layers[1]
    clone = keras.layers.LSTM.from_config({**lstm.get_config(), "return_state": True})
    emb = model.layers[0](x)
    clone(emb)
    clone.set_weights(lstm.get_weights())
    _, _, c_final = clone(emb)
    ours = states.values[:, states.columns("c", 0)].reshape(3, 6, -1)[:, -1]
    assert np.allclose(ours, np.asarray(c_final), atol=1e-5)


def _tiny_net(kind: str = "lstm", units: int = 3, seed: int = 0) -> Network:
    rng = np.random.default_rng(seed)
    blocks = 4 if kind == "lstm" else 1
    cell = (LSTMCell if kind == "lstm" else SimpleRNNCell)(
        rng.normal(0, 0.8, (2, blocks * units)), rng.normal(0, 0.8, (units, blocks * units)),
        rng.normal(0, 0.3, blocks * units))
    return Network([Recurrent("rnn", cell, return_sequences=True),
                    Dense("dense", rng.normal(0, 1, (units, 2)), np.zeros(2))])


def _vector_texts(lengths=(5, 5, 7), seed: int = 3) -> list[UnitText]:
    rng = np.random.default_rng(seed)
    return [UnitText(rng.normal(size=(n, 2)), tuple(range(n))) for n in lengths]


def test_states_of_texts_of_different_lengths_are_each_texts_own_pass():
    net = _tiny_net()
    texts = _vector_texts()
    states = collect(net, texts)
    for i, text in enumerate(texts):
        _, trace = net.forward(text.x, trace=True)
        gates = trace.layers[0].gates["forward"]
        assert np.allclose(states.text(i), np.concatenate([gates["h"], gates["c"]], axis=1))


def test_collect_refuses_a_network_without_recurrent_layers_and_an_empty_text():
    dense_only = Network([Dense("dense", np.ones((2, 2)), None)], input_shape=(None, 2))
    with pytest.raises(ValueError, match="no recurrent layer"):
        collect(dense_only, _vector_texts())
    with pytest.raises(ValueError, match="empty"):
        collect(_tiny_net(), [UnitText(np.zeros((0, 2)), ())])


def test_untrained_like_has_the_shape_and_keras_initial_weights_and_is_seeded():
    net = _tiny_net("lstm", units=4)
    fresh = untrained_like(net, seed=5)
    again = untrained_like(net, seed=5)
    cell, new = net.recurrent_layers[0].cell, fresh.recurrent_layers[0].cell
    assert new.kernel.shape == cell.kernel.shape and not np.allclose(new.kernel, cell.kernel)
    assert np.array_equal(new.kernel, again.recurrent_layers[0].cell.kernel)
    rk = new.recurrent_kernel  # (4, 16): orthonormal rows
    assert np.allclose(rk @ rk.T, np.eye(4), atol=1e-9)
    assert np.array_equal(new.bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    assert net.recurrent_layers[0].cell.kernel is cell.kernel  # the original is untouched


# -- ranking ---------------------------------------------------------------------------------
def test_pearson_equals_numpy_corrcoef_and_skips_undefined_steps():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(200, 6))
    values[:, 5] = 1.0  # a unit that never moves
    feature = values[:, 2] * 0.5 + rng.normal(size=200)
    feature[[3, 50]] = np.nan
    r, steps = ranking.pearson(values, feature)
    keep = np.isfinite(feature)
    assert steps == 198
    for j in range(5):
        assert r[j] == pytest.approx(np.corrcoef(values[keep, j], feature[keep])[0, 1],
                                     abs=1e-12)
    assert r[5] == 0.0
    with pytest.raises(ValueError, match="does not vary"):
        ranking.pearson(values, np.ones(200))


def test_rank_orders_by_absolute_r_and_says_it_in_words():
    units = tuple(UnitId(0, "forward", "h", u) for u in range(3))
    t = np.arange(50, dtype=float)
    values = np.stack([np.sin(t), -t + np.sin(3 * t), np.cos(t)], axis=1)
    states = States(units, values, np.array([0, 50]))
    result = ranking.rank(states, t, "position", chance=0.2)
    assert [r.unit.unit for r in result.units][0] == 1 and result.units[0].r < -0.9
    assert result.sentence(result.units[0]).startswith("layer 0 unit 1 tracks position (r = -")
    data = result.to_dict()
    assert data["steps"] == 50 and data["chance"] == 0.2
    assert data["units"][0] == {"layer": 0, "unit": 1, "state": "h",
                                "r": round(result.units[0].r, 6)}


# -- select and match ------------------------------------------------------------------------
def test_on_across_equals_a_brute_force_window_check():
    rng = np.random.default_rng(4)
    values = rng.uniform(-1, 1, (30, 5))
    for length in (1, 3, 7):
        brute = np.array([[np.all(values[s:s + length, u] > 0.1) for u in range(5)]
                          for s in range(30 - length + 1)])
        assert np.array_equal(on_across(values, length, 0.1), brute)


def test_select_and_match_reward_shared_and_penalise_extra_units():
    units = tuple(UnitId(0, "forward", "h", u) for u in range(4))
    query = np.full((6, 4), -1.0)
    query[2:4, [0, 1]] = 1.0
    chosen = select(query, units, (2, 4), 0.5)
    assert chosen.units == (0, 1)
    a = np.full((5, 4), -1.0)
    a[1:3, [0, 1, 2, 3]] = 1.0  # both shared, two extra: score 0
    b = np.full((5, 4), -1.0)
    b[3:5, [0, 1]] = 1.0  # both shared, none extra: score 2
    c = np.full((5, 4), -1.0)
    c[0:2, [0]] = 1.0  # one shared: score 1
    held = States(units, np.concatenate([a, b, c]), np.array([0, 5, 10, 15]))
    found = match(held, chosen, top=3)
    assert [(m.text, m.span, m.score) for m in found] == [(1, (3, 5), 2), (2, (0, 2), 1),
                                                          (0, (1, 3), 0)]


def test_span_errors_are_one_line():
    assert parse_span("2:5", 10) == (2, 5)
    with pytest.raises(SpanError, match="outside the text: it has 4 steps"):
        parse_span("2:9", 4)
    with pytest.raises(SpanError, match="empty"):
        parse_span("3:3", 4)
    with pytest.raises(SpanError, match="START:END"):
        parse_span("two", 4)


# -- saturation ------------------------------------------------------------------------------
def test_saturation_fractions_equal_plain_numpy_over_the_traces():
    net = _tiny_net("lstm", units=3)
    texts = _vector_texts((6, 4))
    result = saturation.saturation(net, texts)
    traces = [net.forward(t.x, trace=True)[1].layers[0].gates["forward"] for t in texts]
    assert result["steps"] == 10
    layer = result["layers"][0]
    assert set(layer["gates"]) == {"i", "f", "o"}
    for gate in ("i", "f", "o"):
        values = np.concatenate([g[gate] for g in traces])
        assert np.allclose(layer["gates"][gate]["left"], (values < 0.1).mean(axis=0))
        assert np.allclose(layer["gates"][gate]["right"], (values > 0.9).mean(axis=0))
    simple = saturation.saturation(_tiny_net("simple"), texts)
    assert simple["layers"][0]["gates"] == {}


def test_saturation_is_kept_by_epoch_and_a_resume_replaces_later_ones(tmp_path):
    for epoch in (1, 2, 3):
        saturation.record(tmp_path, epoch, {"steps": epoch, "layers": []}, 0.01)
    saturation.record(tmp_path, 2, {"steps": 20, "layers": []}, 0.01)
    assert [(e["epoch"], e["steps"]) for e in saturation.read(tmp_path)] == [(1, 1), (2, 20)]
    assert saturation.at_epoch(tmp_path)["epoch"] == 2
    with pytest.raises(saturation.SaturationError, match="recorded: 1, 2"):
        saturation.at_epoch(tmp_path, 7)
    with pytest.raises(saturation.SaturationError, match="no saturation recorded"):
        saturation.at_epoch(tmp_path / "none")


def test_sample_stays_within_the_budget_by_whole_texts():
    texts = _vector_texts((5,) * 20)
    kept = saturation.sample(texts, 12, seed=0)
    assert sum(len(t) for t in kept) == 15 and kept == saturation.sample(texts, 12, seed=0)


# -- ablation --------------------------------------------------------------------------------
def test_pinning_a_unit_to_zero_equals_cutting_its_outgoing_weights():
    net = _tiny_net("simple", units=3)
    x = _vector_texts((7,))[0].x
    with ablated(net, [Pinned(0, 1)], "zero"):
        pinned, trace = net.forward(x, trace=True)
        assert np.all(trace.layers[0].gates["forward"]["h"][:, 1] == 0.0)
    assert net.recurrent_layers[0].pins is None  # intact again
    cut = _tiny_net("simple", units=3)
    cut.recurrent_layers[0].cell.recurrent_kernel[1, :] = 0.0
    cut.layers[-1].kernel[1, :] = 0.0
    assert np.allclose(pinned, cut.forward(x))
    assert not np.allclose(pinned, net.forward(x))


def test_pinned_generation_steps_as_the_full_pass_does():
    net = _tiny_net("lstm", units=3)
    x = _vector_texts((5,))[0].x
    with ablated(net, [Pinned(0, 0), Pinned(0, 2)], "mean", {Pinned(0, 0): 0.25,
                                                             Pinned(0, 2): -0.5}):
        full = net.forward(x)
        state = net.initial_state()
        for t in range(5):
            out, state = net.step(x[t], state)
            assert np.allclose(out, full[t])
        assert state[0][0][0] == 0.25 and state[0][0][2] == -0.5


def test_ablate_spec_errors_name_the_bounds():
    net = _tiny_net("lstm", units=3)
    assert parse_units("0:2,0:1", net) == (Pinned(0, 1), Pinned(0, 2))
    with pytest.raises(AblationError, match=r"layer 0 has 3 units \(0…2\)"):
        parse_units("0:3", net)
    with pytest.raises(AblationError, match="1 recurrent layer"):
        parse_units("1:0", net)
    with pytest.raises(AblationError, match="not LAYER:UNIT"):
        parse_units("0-1", net)


# -- a run opened for the unit views (fixed weights, no training) ----------------------------
@pytest.fixture(scope="module")
def poems_run(tmp_path_factory):
    """A poems run of 40 starter poems (4 held out for the test half) whose LSTM(8) has
    seeded random weights, not trained: the views need a network, not a good one."""
    pytest.importorskip("keras")
    from rnntui.engine.model import build_model
    from rnntui.runs import RunStore
    from rnntui.tasks import DataSource
    from rnntui.tasks.corpus import read_poems

    root = tmp_path_factory.mktemp("units")
    corpus = root / "poems.txt"
    corpus.write_text("\n".join(read_poems()[:80]), encoding="utf-8")
    task = get_task("poems")
    hp = task.hparams({"units": 8, "embedding_dim": 4, "seq_len": 8, "max_poems": 80})
    source = DataSource(corpus=str(corpus))
    data = task.load(hp, source)
    model = build_model(task.model_spec(hp, data), hp)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32")
                       for w in model.get_weights()])
    run = RunStore(root / "runs").create("poems", hp, source)
    run.save_checkpoint(lambda path: model.save(path), [{"loss": 1.0}])
    run.save_vocab(data.vocab)
    return run


def test_units_run_ranks_held_out_poems_with_a_chance_level(poems_run):
    units = UnitsRun.open(poems_run)
    texts = units.held_out
    assert all(t.steps[0] == END for t in texts)  # each poem read from its start
    result = units.rank("line_position")
    assert result.steps == sum(len(t) for t in texts)
    assert result.chance is not None and 0 <= result.chance <= 1
    assert abs(result.units[0].r) >= abs(result.units[-1].r)
    with pytest.raises(UnitsError, match="its features: line_position, line_number, "
                                         "next_is_mark"):
        units.rank("rhyme")
    with pytest.raises(UnitsError, match="empty"):
        units.typed("   ")


def test_a_network_without_recurrent_layers_is_refused_in_one_line(poems_run):
    from rnntui.play import open_play

    play = open_play(poems_run)
    play.net = Network([Dense("dense", np.ones((2, 2)), None)], input_shape=(None, 2))
    with pytest.raises(UnitsError, match="no recurrent layer"):
        UnitsRun(play)


def test_cells_command_json_and_errors(poems_run, capsys):
    from rnntui.cli import main

    assert main(["cells", str(poems_run.path), "--feature", "line_position", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"feature", "steps", "chance", "units"}
    assert out["feature"] == "line_position" and out["steps"] > 0
    assert set(out["units"][0]) == {"layer", "unit", "state", "r"}
    assert abs(out["units"][0]["r"]) >= abs(out["units"][1]["r"])
    with pytest.raises(SystemExit) as exit_info:
        main(["cells", str(poems_run.path), "--feature", "rhyme"])
    assert exit_info.value.code == 2
    assert "its features: line_position" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["cells", str(poems_run.path), "--select", "床前明月光", "3:9"])
    assert "outside the text" in capsys.readouterr().err
    assert main(["cells", str(poems_run.path), "--select", "床前明月光", "1:3",
                 "--threshold", "-1", "--json"]) == 0
    selected = json.loads(capsys.readouterr().out)
    assert selected["count"] == len(selected["selected"]) > 0
    assert selected["matches"] and selected["matches"][0]["score"] >= \
        selected["matches"][-1]["score"]


def test_cells_ablate_gives_the_held_out_figure_beside_the_intact_one(poems_run, capsys):
    from rnntui.cli import main

    assert main(["cells", str(poems_run.path), "--ablate", "0:0,0:1", "--json"]) == 0
    held = json.loads(capsys.readouterr().out)["held_out"]
    assert held["ablate"] == ["0:0", "0:1"]
    assert set(held["intact"]) == set(held["ablated"]) >= {"accuracy", "perplexity"}
    assert held["intact"]["perplexity"] != held["ablated"]["perplexity"]
    assert math.isfinite(held["ablated"]["perplexity"])


def test_predict_and_score_ablate_show_the_intact_answer_beside(poems_run, capsys):
    from rnntui.cli import main

    assert main(["predict", str(poems_run.path), "春", "--lines", "1", "--ablate", "0:0",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ablate"] == ["0:0"] and out["intact"] and out["ablated"]
    assert main(["score", str(poems_run.path), "--ablate", "0:0,0:3", "--ablate-mode", "mean",
                 "--json"]) == 0
    scored = json.loads(capsys.readouterr().out)
    assert scored["intact"]["events"] == scored["ablated"]["events"]
    assert scored["intact"]["perplexity"] != scored["ablated"]["perplexity"]
    with pytest.raises(SystemExit):
        main(["score", str(poems_run.path), "--ablate", "0:99"])
    assert "layer 0 has 8 units" in capsys.readouterr().err


def test_a_typed_poem_is_read_after_the_start_token_as_the_held_out_ones(poems_run):
    units = UnitsRun.open(poems_run)
    typed = units.typed("春眠")
    assert typed.steps[0] == END and len(typed) == 3
    assert units.task.feature_values(units.hp, "line_position", typed) == [0, 1, 2]


@pytest.mark.slow  # real training (two tiny epochs)
def test_training_records_saturation_each_epoch_for_the_saturation_command(tmp_path, capsys):
    pytest.importorskip("keras")
    from rnntui.cli import main
    from rnntui.engine.train import train
    from rnntui.runs import RunStore

    task = get_task("recall")
    run = RunStore(tmp_path / "runs").create("recall", task.hparams(
        {"units": 4, "seq_len": 5, "epochs": 2}))
    assert train(run).status == "completed"
    epochs = saturation.read(run.path)
    assert [e["epoch"] for e in epochs] == [1, 2]
    assert epochs[0]["steps"] == saturation.BUDGET_STEPS  # 400 whole sequences of 5
    assert main(["saturation", str(run.path), "--epoch", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["epoch"] == 1 and out["layers"][0]["layer"] == 0
    gates = out["layers"][0]["gates"]
    assert set(gates) == {"i", "f", "o"} and len(gates["f"]["left"]) == 4
    assert all(0 <= v <= 1 for v in gates["f"]["right"])
