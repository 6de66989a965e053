"""A discrete hidden Markov model, exactly: sampling, the forward algorithm, smoothing and
Viterbi (seed 004's three dice, or any other).

NumPy only; every function takes one sequence of observations (T,) or a batch (N, T) and
works on the whole batch at once (600 sequences of 50 rolls: about 2 ms for the forward
algorithm, 5 ms for Viterbi).

- `forward`: P(state_t | obs_1..t) at every step, the forward algorithm with each step's
  probabilities rescaled to sum to 1 (the scales multiply to the sequence's likelihood, so
  long sequences never underflow). This is the best a model that reads left to right can
  know about the hidden state: no RNN can name the die better on average.
- `smooth`: P(state_t | all obs), forward-backward, the best a model that also reads ahead
  (a bidirectional RNN) can know.
- `viterbi`: the single most likely state sequence, in log space.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class ImpossibleObservations(ValueError):
    """Observations the model gives probability 0 (a 7 when no state can show one).

    Attributes:
        step: the first step (0-based) at which the sequence became impossible.
    """

    def __init__(self, step: int):
        super().__init__(f"impossible under this model from step {step + 1}")
        self.step = step


@dataclass(frozen=True)
class HMM:
    """Start, transition and emission probabilities.

    Attributes:
        start: (K,) P(state_0).
        transition: (K, K) P(state_t+1 = j | state_t = i), rows sum to 1.
        emission: (K, M) P(obs = m | state = k), rows sum to 1.
    """

    start: np.ndarray
    transition: np.ndarray
    emission: np.ndarray

    @classmethod
    def of(cls, start, transition, emission) -> HMM:
        """An HMM from nested lists; checks shapes and that every row sums to 1."""
        start, transition, emission = (np.asarray(a, dtype=np.float64)
                                       for a in (start, transition, emission))
        k = len(start)
        if start.ndim != 1 or transition.shape != (k, k) or emission.ndim != 2 \
                or emission.shape[0] != k:
            raise ValueError(f"shapes do not fit: start {start.shape}, transition "
                             f"{transition.shape}, emission {emission.shape}")
        for name, rows in (("start", start[None]), ("transition", transition),
                           ("emission", emission)):
            if (rows < 0).any() or not np.allclose(rows.sum(-1), 1.0, atol=1e-9):
                raise ValueError(f"{name}: probabilities must be ≥ 0 and each row sum to 1")
        return cls(start, transition, emission)

    @property
    def states(self) -> int:
        return len(self.start)

    @property
    def symbols(self) -> int:
        return self.emission.shape[1]

    # -- sampling ------------------------------------------------------------------------
    def sample(self, count: int, length: int, rng: np.random.Generator
               ) -> tuple[np.ndarray, np.ndarray]:
        """`count` sequences of `length` steps: (hidden states, observations), each (N, T)
        int32. Pick a state (from `start`, then from the row of the one before), emit from
        its row: seed 004's "pick a die, roll it, write the number down"."""
        states = np.empty((count, length), dtype=np.int32)
        obs = np.empty((count, length), dtype=np.int32)
        trans_cdf = np.cumsum(self.transition, axis=1)
        emit_cdf = np.cumsum(self.emission, axis=1)
        state = _draw(np.broadcast_to(np.cumsum(self.start), (count, self.states)), rng)
        for t in range(length):
            if t:
                state = _draw(trans_cdf[state], rng)
            states[:, t] = state
            obs[:, t] = _draw(emit_cdf[state], rng)
        return states, obs

    # -- inference -----------------------------------------------------------------------
    def forward(self, obs) -> tuple[np.ndarray, np.ndarray]:
        """The forward algorithm.

        Args:
            obs: (T,) or (N, T) observation ids.

        Returns:
            posterior P(state_t | obs_1..t), (T, K) or (N, T, K), and the log-likelihood of
            each sequence, a float or (N,).

        Raises:
            ImpossibleObservations: for a sequence with probability 0.
        """
        obs, single = _batch(obs, self.symbols)
        n, length = obs.shape
        alpha = np.empty((n, length, self.states))
        loglik = np.zeros(n)
        prior = np.broadcast_to(self.start, (n, self.states))
        for t in range(length):
            if t:
                prior = alpha[:, t - 1] @ self.transition
            joint = prior * self.emission[:, obs[:, t]].T
            scale = joint.sum(axis=1)
            if (scale <= 0).any():
                raise ImpossibleObservations(t)
            alpha[:, t] = joint / scale[:, None]
            loglik += np.log(scale)
        return (alpha[0], float(loglik[0])) if single else (alpha, loglik)

    def predictive(self, posterior: np.ndarray) -> np.ndarray:
        """P(obs_t+1 | obs_1..t) from the forward posterior at t: (…, T, K) → (…, T, M)."""
        return posterior @ self.transition @ self.emission

    def smooth(self, obs) -> np.ndarray:
        """P(state_t | every observation), forward-backward: (T, K) or (N, T, K).

        Raises:
            ImpossibleObservations: for a sequence with probability 0.
        """
        obs, single = _batch(obs, self.symbols)
        alpha, _ = self.forward(obs)
        n, length = obs.shape
        beta = np.ones((n, length, self.states))
        for t in range(length - 2, -1, -1):
            nxt = self.emission[:, obs[:, t + 1]].T * beta[:, t + 1]  # (N, K)
            back = nxt @ self.transition.T
            beta[:, t] = back / back.sum(axis=1, keepdims=True)  # rescaled: only ratios count
        gamma = alpha * beta
        gamma /= gamma.sum(axis=-1, keepdims=True)
        return gamma[0] if single else gamma

    def viterbi(self, obs) -> tuple[np.ndarray, np.ndarray | float]:
        """The most likely hidden sequence, in log space.

        Returns:
            the path, (T,) or (N, T) int32, and its log-probability jointly with the
            observations (a float or (N,)).

        Raises:
            ImpossibleObservations: for a sequence with probability 0.
        """
        obs, single = _batch(obs, self.symbols)
        n, length = obs.shape
        with np.errstate(divide="ignore"):
            log_start, log_a, log_b = (np.log(a) for a in
                                       (self.start, self.transition, self.emission))
        delta = log_start + log_b[:, obs[:, 0]].T  # (N, K)
        back = np.zeros((n, length, self.states), dtype=np.int32)
        for t in range(length):
            if t:
                scores = delta[:, :, None] + log_a  # (N, from, to)
                back[:, t] = scores.argmax(axis=1)
                delta = scores.max(axis=1) + log_b[:, obs[:, t]].T
            if np.isneginf(delta.max(axis=1)).any():
                raise ImpossibleObservations(t)
        path = np.empty((n, length), dtype=np.int32)
        path[:, -1] = delta.argmax(axis=1)
        for t in range(length - 1, 0, -1):
            path[:, t - 1] = back[np.arange(n), t, path[:, t]]
        best = delta.max(axis=1)
        return (path[0], float(best[0])) if single else (path, best)


def _draw(cdf: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One index per row of cumulative probabilities (N, K)."""
    u = rng.random(len(cdf)) * cdf[:, -1]
    return np.minimum((cdf <= u[:, None]).sum(axis=1), cdf.shape[1] - 1).astype(np.int32)


def _batch(obs, symbols: int) -> tuple[np.ndarray, bool]:
    obs = np.asarray(obs)
    single = obs.ndim == 1
    obs = obs[None] if single else obs
    if obs.ndim != 2 or obs.shape[1] == 0:
        raise ValueError(f"observations must be (T,) or (N, T) with T ≥ 1; got {obs.shape}")
    if not np.issubdtype(obs.dtype, np.integer) or obs.min() < 0 or obs.max() >= symbols:
        raise ValueError(f"observations must be whole numbers from 0 to {symbols - 1}")
    return obs.astype(np.intp), single


def kl_divergence(p: np.ndarray, q: np.ndarray, floor: float = 1e-12) -> np.ndarray:
    """KL(p ‖ q) in nats along the last axis (q floored so a confident mistake is finite)."""
    p = np.asarray(p, dtype=np.float64)
    q = np.clip(np.asarray(q, dtype=np.float64), floor, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1.0)) - np.log(q)), 0.0)
    return terms.sum(axis=-1)
