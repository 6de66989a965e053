"""The exact hidden Markov model: forward, smoothing and Viterbi on cases worked by hand and
against brute force, and sampling that follows the given probabilities (chi-square, fixed seed).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnntui.hmm import HMM, ImpossibleObservations, kl_divergence

D4, D6, D8 = 0, 1, 2
FAIR = [[1 / 4] * 4 + [0] * 4, [1 / 6] * 6 + [0] * 2, [1 / 8] * 8]
THIRD = [1 / 3] * 3
UNIFORM = HMM.of(THIRD, [THIRD] * 3, FAIR)  # the seed's dice
STICKY = HMM.of(THIRD, [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]], FAIR)

# Chi-square 0.999 quantiles by degrees of freedom (scipy.stats.chi2.ppf(0.999, df)).
CHI2_999 = {1: 10.83, 2: 13.82, 3: 16.27, 5: 20.52, 7: 24.32}


def roll(*faces: int) -> list[int]:
    return [f - 1 for f in faces]


# -- forward, worked by hand ---------------------------------------------------------------------
def test_one_roll_of_1_favours_the_small_die():
    # P(die | 1) ∝ 1/3 · (1/4, 1/6, 1/8) = (6, 4, 3) / 24
    posterior, loglik = UNIFORM.forward(roll(1))
    np.testing.assert_allclose(posterior, [[6 / 13, 4 / 13, 3 / 13]])
    assert loglik == pytest.approx(math.log(13 / 72))


def test_a_5_rules_out_the_d4_and_uniform_dice_forget_the_past():
    posterior, loglik = UNIFORM.forward(roll(1, 5))
    np.testing.assert_allclose(posterior[1], [0, 4 / 7, 3 / 7])  # (0, 1/6, 1/8) normalised
    assert loglik == pytest.approx(math.log(13 / 72) + math.log(7 / 72))


def test_sticky_dice_carry_belief_forward():
    # after 1: a = (6, 4, 3)/13; prior_j = 0.05 + 0.85 a_j = (5.75, 4.05, 3.2)/13;
    # times (1/4, 1/6, 1/8) = (1.4375, 0.675, 0.4), normalised by 2.5125
    posterior, _ = STICKY.forward(roll(1, 1))
    np.testing.assert_allclose(posterior[1], np.array([1.4375, 0.675, 0.4]) / 2.5125)
    # the uniform dice give the same step-2 belief as step 1: no memory
    np.testing.assert_allclose(UNIFORM.forward(roll(1, 1))[0][1], [6 / 13, 4 / 13, 3 / 13])


def test_predictive_next_roll():
    # uniform dice: next roll = 1/3 (D4 + D6 + D8) whatever came before
    posterior, _ = UNIFORM.forward(roll(3))
    expected = np.array([1 / 12 + 1 / 18 + 1 / 24] * 4 + [1 / 18 + 1 / 24] * 2 + [1 / 24] * 2)
    np.testing.assert_allclose(UNIFORM.predictive(posterior)[0], expected)
    assert UNIFORM.predictive(posterior)[0].sum() == pytest.approx(1.0)


# -- Viterbi, worked by hand ---------------------------------------------------------------------
def test_viterbi_names_the_path_not_each_step():
    # rolls 1, 7 with sticky dice. Forward at step 1 says D4 (6/13); but the 7 needs a D8,
    # and D8→D8 = 1/3·1/8·0.9·1/8 = 1/3·0.0140625 beats D4→D8 = 1/3·1/4·0.05·1/8 = 1/3·0.0015625
    posterior, _ = STICKY.forward(roll(1, 7))
    assert posterior[0].argmax() == D4
    path, logp = STICKY.viterbi(roll(1, 7))
    assert path.tolist() == [D8, D8]
    assert logp == pytest.approx(math.log(1 / 3 * 1 / 8 * 0.9 * 1 / 8))


def test_viterbi_on_the_seeds_d6_variant():
    # D6 is never followed by D4 and stays with 0.9. Rolls 5, 1: D6→D6 = 1/3·1/6·0.9·1/6
    # = 1/120 beats D8→D4 = 1/3·1/8·1/3·1/4 = 1/288 (and D6→D4 is impossible)
    variant = HMM.of(THIRD, [THIRD, [0, 0.9, 0.1], THIRD], FAIR)
    path, logp = variant.viterbi(roll(5, 1))
    assert path.tolist() == [D6, D6] and logp == pytest.approx(math.log(1 / 120))
    posterior, _ = variant.forward(roll(6, 1))
    # after a 6 the die is D6 or D8; D6 never goes to D4
    prior = np.array([4 / 7, 3 / 7]) @ np.array([[0, 0.9, 0.1], THIRD[:3]])
    expected = prior * [1 / 4, 1 / 6, 1 / 8]
    np.testing.assert_allclose(posterior[1], expected / expected.sum())


def test_impossible_rolls_name_their_step():
    only_d4 = HMM.of([1, 0, 0], np.eye(3), FAIR)
    with pytest.raises(ImpossibleObservations) as err:
        only_d4.forward(roll(1, 2, 6))
    assert err.value.step == 2
    with pytest.raises(ImpossibleObservations):
        only_d4.viterbi(roll(7))


def test_long_sequences_do_not_underflow():
    rng = np.random.default_rng(0)
    _, obs = STICKY.sample(1, 5000, rng)
    posterior, loglik = STICKY.forward(obs[0])
    assert np.isfinite(loglik) and loglik < -5000
    np.testing.assert_allclose(posterior.sum(-1), 1.0)
    assert np.isfinite(STICKY.smooth(obs[0])).all()
    assert np.isfinite(STICKY.viterbi(obs[0])[1])


# -- against brute force ---------------------------------------------------------------------------
def brute_force(model: HMM, obs: list[int]):
    """Every hidden path's joint probability with `obs`."""
    paths = list(itertools.product(range(model.states), repeat=len(obs)))
    joint = []
    for path in paths:
        p = model.start[path[0]] * model.emission[path[0], obs[0]]
        for t in range(1, len(obs)):
            p *= model.transition[path[t - 1], path[t]] * model.emission[path[t], obs[t]]
        joint.append(p)
    return paths, np.array(joint)


def rows(draw, n: int, m: int) -> np.ndarray:
    raw = np.array(draw(st.lists(st.lists(st.floats(0.05, 1.0), min_size=m, max_size=m),
                                 min_size=n, max_size=n)))
    return raw / raw.sum(axis=1, keepdims=True)


@st.composite
def models_and_rolls(draw):
    k, m = draw(st.integers(2, 3)), draw(st.integers(2, 4))
    model = HMM.of(rows(draw, 1, k)[0], rows(draw, k, k), rows(draw, k, m))
    obs = draw(st.lists(st.integers(0, m - 1), min_size=1, max_size=5))
    return model, obs


@settings(max_examples=60, deadline=None)
@given(models_and_rolls())
def test_forward_smoothing_and_viterbi_match_brute_force(case):
    model, obs = case
    paths, joint = brute_force(model, obs)
    posterior, loglik = model.forward(obs)
    assert loglik == pytest.approx(math.log(joint.sum()))
    smoothed = model.smooth(obs)
    for t in range(len(obs)):
        # filtering: marginalise the paths over the observations up to t only
        _, upto = brute_force(model, obs[:t + 1])
        upto_paths = list(itertools.product(range(model.states), repeat=t + 1))
        filt = np.array([sum(p for path, p in zip(upto_paths, upto) if path[t] == k)
                         for k in range(model.states)])
        np.testing.assert_allclose(posterior[t], filt / filt.sum(), atol=1e-9)
        smooth = np.array([sum(p for path, p in zip(paths, joint) if path[t] == k)
                           for k in range(model.states)])
        np.testing.assert_allclose(smoothed[t], smooth / smooth.sum(), atol=1e-9)
    path, logp = model.viterbi(obs)
    assert logp == pytest.approx(math.log(joint.max()))
    assert joint[paths.index(tuple(path.tolist()))] == pytest.approx(joint.max())


def test_a_batch_is_each_sequence_alone():
    rng = np.random.default_rng(3)
    _, obs = STICKY.sample(5, 12, rng)
    posterior, loglik = STICKY.forward(obs)
    path, _ = STICKY.viterbi(obs)
    for i in range(5):
        alone, ll = STICKY.forward(obs[i])
        np.testing.assert_allclose(posterior[i], alone)
        assert loglik[i] == pytest.approx(ll)
        assert path[i].tolist() == STICKY.viterbi(obs[i])[0].tolist()


# -- sampling follows the probabilities --------------------------------------------------------------
def chi_square(observed: np.ndarray, probabilities: np.ndarray) -> tuple[float, int]:
    """Pearson's statistic over the cells with a nonzero expected count, and its degrees of
    freedom; a cell expected empty must be empty."""
    expected = observed.sum() * probabilities
    assert (observed[expected == 0] == 0).all(), "a count where the probability is 0"
    keep = expected > 0
    stat = float((((observed - expected) ** 2)[keep] / expected[keep]).sum())
    return stat, int(keep.sum()) - 1


@pytest.mark.parametrize("transition, emission", [
    ([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]], FAIR),  # default, sticky
    ([THIRD, [0, 0.9, 0.1], THIRD],  # the seed's variant
     [FAIR[0], [1 / 2] + [1 / 10] * 5 + [0, 0], FAIR[2]]),  # and its loaded D6
])
def test_samples_follow_the_given_probabilities(transition, emission):
    model = HMM.of(THIRD, transition, emission)
    states, obs = model.sample(2000, 30, np.random.default_rng(1234))
    assert states.shape == obs.shape == (2000, 30) and states.dtype == np.int32
    stat, df = chi_square(np.bincount(states[:, 0], minlength=3), model.start)
    assert stat < CHI2_999[df]
    for k in range(3):
        nxt = states[:, 1:][states[:, :-1] == k]
        stat, df = chi_square(np.bincount(nxt, minlength=3), model.transition[k])
        assert stat < CHI2_999[df], (k, stat)
        rolled = obs[states == k]
        stat, df = chi_square(np.bincount(rolled, minlength=8), model.emission[k])
        assert stat < CHI2_999[df], (k, stat)


def test_sampling_is_reproducible_by_seed():
    a = STICKY.sample(3, 10, np.random.default_rng(7))
    b = STICKY.sample(3, 10, np.random.default_rng(7))
    assert all((x == y).all() for x, y in zip(a, b))


def test_model_checks_its_tables():
    with pytest.raises(ValueError, match="sum to 1"):
        HMM.of(THIRD, [[0.5, 0.5, 0.5]] * 3, FAIR)
    with pytest.raises(ValueError, match="shapes"):
        HMM.of(THIRD, [[1.0]], FAIR)
    with pytest.raises(ValueError, match="from 0 to 7"):
        STICKY.forward([8])


def test_kl_divergence():
    p = np.array([0.5, 0.5, 0.0])
    assert kl_divergence(p, p) == pytest.approx(0.0)
    assert kl_divergence(p, np.array([0.25, 0.75, 0.0])) == pytest.approx(
        0.5 * math.log(2) + 0.5 * math.log(0.5 / 0.75))
    assert np.isfinite(kl_divergence(np.array([1.0, 0]), np.array([0.0, 1.0])))
