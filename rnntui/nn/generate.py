"""Text generation by carrying the recurrent state: one step per new token.

Unlike re-running the model on a sliding window for every new character (the seeds' way, a
``model.predict`` call per character), the state after the seed is kept and each sampled id
costs one ``Network.step``.
"""

from __future__ import annotations

from typing import Iterable, Iterator

import numpy as np

from rnntui.nn.errors import MirrorError
from rnntui.nn.network import Network


def pick_id(logits: np.ndarray, temperature: float = 1.0, top_k: int | None = None,
            rng: np.random.Generator | None = None, top_p: float | None = None) -> int:
    """Sample an id from a softmax head's logits.

    Sampling from softmax(log p / T) is sampling from softmax(logits / T): the log-softmax
    differs from the logits by a constant, which softmax ignores.

    Args:
        logits: the final Dense pre-activation, (V,).
        temperature: T; 0 (or less) means greedy.
        top_k: keep only the k most likely ids (None or 0: all); 1 means greedy.
        rng: the random generator (default: a fresh one).
        top_p: nucleus sampling: keep the fewest likeliest ids whose probabilities (after
            temperature and top-k) sum to at least p (None or 1: all).

    Returns:
        The chosen id.
    """
    if temperature <= 0 or top_k == 1:
        return int(np.argmax(logits))
    rng = rng if rng is not None else np.random.default_rng()
    scaled = logits if temperature == 1 else logits / temperature
    ids = None
    if top_k and top_k < scaled.shape[-1]:
        ids = np.argpartition(scaled, -top_k)[-top_k:]
        scaled = scaled[ids]
    if top_p is not None and 0 < top_p < 1:
        order = np.argsort(-scaled, kind="stable")
        weights = np.exp(scaled[order] - scaled[order[0]])
        # the likeliest ids until their share reaches top_p (at least one)
        keep = int(np.searchsorted(np.cumsum(weights), top_p * weights.sum())) + 1
        order = order[:keep]
        ids = order if ids is None else ids[order]
        scaled = scaled[order]
    # Inverse-CDF draw on the unnormalised softmax weights (the draw is scaled by their sum):
    # ~3x cheaper than rng.choice(p=...) for a few thousand ids.
    cumulative = np.cumsum(np.exp(scaled - scaled.max()))
    index = min(int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")),
                cumulative.shape[0] - 1)
    return int(ids[index]) if ids is not None else index


def sample_stream(net: Network, seed_ids: Iterable[int], length: int,
                  temperature: float = 1.0, top_k: int | None = None,
                  rng: np.random.Generator | None = None,
                  stop_ids: Iterable[int] = (), banned_ids: Iterable[int] = (),
                  top_p: float | None = None) -> Iterator[int]:
    """Generate ids one by one after a seed, carrying the state.

    The seed ids are fed through ``net.step`` first to warm the state; then each sampled id
    is yielded and fed back in.

    Args:
        net: a steppable network (not bidirectional) with a softmax head. For a one-hot
            model the ids are fed as one-hot vectors.
        seed_ids: at least one id to start from.
        length: the most ids to yield.
        temperature: sampling temperature; 0 means greedy.
        top_k: sample among the k most likely ids only (None: all; 1: greedy).
        rng: the random generator (default: a fresh one).
        stop_ids: ids that end the stream; a stop id is yielded, then the stream ends.
        banned_ids: ids never sampled (e.g. the unknown-token id, which stands for a
            character the network cannot name); the others share their probability.
        top_p: nucleus sampling (see `pick_id`).

    Yields:
        The generated ids.

    Raises:
        ValueError: no seed ids.
        MirrorError: a bidirectional network or one without a softmax head.
    """
    if net.output_activation != "softmax":
        raise MirrorError(f"sampling needs a softmax output; this network's is "
                          f"{net.output_activation!r}")
    rng = rng if rng is not None else np.random.default_rng()
    stops = frozenset(int(i) for i in stop_ids)
    banned = np.asarray(sorted({int(i) for i in banned_ids}), dtype=np.int64)
    state = net.initial_state()
    logits = None
    for token in seed_ids:
        logits, state = net.step_logits(token, state)
    if logits is None:
        raise ValueError("generation needs at least one seed id")
    for produced in range(length):
        if banned.size:
            logits = np.array(logits, dtype=np.float64)
            logits[banned] = -np.inf
        token = pick_id(logits, temperature, top_k, rng, top_p)
        yield token
        if token in stops:
            return
        if produced + 1 < length:  # the last id needs no prediction after it
            logits, state = net.step_logits(token, state)
