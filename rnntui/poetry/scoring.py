"""Honest scoring of a trained poems run: per-token perplexity on any poems, beside the
interpolated Kneser-Ney n-grams fitted on the run's own training poems with its vocabulary.

Events: each poem read from its start (after END, as in training), every character and mark,
then END; characters outside the vocabulary are UNK, for the network and the n-grams alike.
Everything runs on the NumPy mirror (no TensorFlow).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rnntui.nn.layers import Dense
from rnntui.nn.network import Network
from rnntui.poetry.ngram import KneserNey
from rnntui.poetry.script import to_script
from rnntui.tasks.base import DataUnavailable
from rnntui.tasks.corpus import END, UNK, read_poems, tokenize

BASELINE_ORDER = 5


@dataclass(frozen=True)
class PoemScore:
    """Perplexities of one run on some poems, on the same events.

    Attributes:
        perplexity: the network's, per event.
        events: events scored (characters, marks and one END per poem).
        unknown: events that are UNK.
        poems: poems scored.
        in_training: scored poems that are training poems of the run (0 for honest figures).
        baselines: Kneser-Ney perplexities by name ("kneser_ney_5gram", "kneser_ney_3gram",
            "kneser_ney_2gram").
    """

    perplexity: float
    events: int
    unknown: int
    poems: int
    in_training: int
    baselines: dict[str, float] = field(default_factory=dict)

    @property
    def baseline(self) -> float:
        """The Kneser-Ney 5-gram's perplexity."""
        return self.baselines[f"kneser_ney_{BASELINE_ORDER}gram"]

    def to_dict(self) -> dict[str, float | int]:
        return {"perplexity": self.perplexity, "events": self.events, "unknown": self.unknown,
                "poems": self.poems, "in_training": self.in_training,
                "baseline": self.baseline, "ratio": self.perplexity / self.baseline,
                **self.baselines}


def poem_ids(poems: Sequence[str], vocab: Sequence[str], tokens: str = "char"
             ) -> list[list[int]]:
    """Poems as token ids of `vocab`, unknown tokens as UNK (no END: it is added when
    scoring)."""
    index = {t: i for i, t in enumerate(vocab)}
    unk = index[UNK]
    return [[index.get(t, unk) for t in tokenize(p, tokens)] for p in poems]


# Probabilities held at once while scoring: batches of poems (or pieces of one long poem)
# are cut so that steps × vocabulary stays under this, which keeps memory flat whatever the
# file's size (a 290 KB file once took 3.9 GB as one (8000, 13, 1583) array).
SCORE_BUDGET = 1 << 22  # numbers an array holds: 32 MB of float64 (~250 MB at the peak)


def network_log_likelihood(predict: Callable[[np.ndarray], np.ndarray],
                           poems: Sequence[Sequence[int]], end: int,
                           vocab_size: int | None = None,
                           piece: Callable[..., tuple[np.ndarray, list]] | None = None,
                           budget: int = SCORE_BUDGET) -> tuple[float, int]:
    """Summed natural-log likelihood of the poems' events under the network, and events.

    Each poem is read from a fresh state: END, its ids; the targets are its ids and END.
    Poems of one length go through in batches (a corpus of one form has a handful of
    lengths), which is what keeps scoring thousands of poems to seconds; each batch holds at
    most `budget` probabilities, and a poem longer than that is read in pieces through
    `piece`, the state carried from one to the next.

    Args:
        predict: the network, a batch of id sequences (batch, T) → probabilities
            (batch, T, vocabulary), e.g. `Network.forward`.
        poems: each poem's ids, without END.
        end: END's id.
        vocab_size: the width of the network's output (None: batches are not cut).
        piece: `Network.forward_piece`, to read a poem too long for the budget in pieces
            (None: read whole).
        budget: probabilities held at once.

    Returns:
        (log likelihood, events).
    """
    by_length: dict[int, list[Sequence[int]]] = {}
    for ids in poems:
        by_length.setdefault(len(ids), []).append(ids)
    steps_at_once = max(1, budget // vocab_size) if vocab_size else None
    total, events = 0.0, 0
    for length, group in by_length.items():
        if steps_at_once is not None and piece is not None and length + 1 > steps_at_once:
            for ids in group:
                total += _long_poem_log_likelihood(piece, ids, end, steps_at_once)
                events += length + 1
            continue
        rows = len(group) if steps_at_once is None else max(1, steps_at_once // (length + 1))
        for seqs, targets in _batches(group, rows, length, end):
            probs = np.asarray(predict(seqs)).reshape(*seqs.shape, -1)
            total += _summed_log(probs, targets)
            events += seqs.size
    return total, events


def _summed_log(probs: np.ndarray, targets: np.ndarray) -> float:
    picked = np.take_along_axis(probs, targets[..., None], axis=-1)
    return float(np.log(np.clip(picked, 1e-300, None)).sum())


def mirror_log_likelihood(net: Network, poems: Sequence[Sequence[int]], end: int,
                          budget: int = SCORE_BUDGET) -> tuple[float, int]:
    """`network_log_likelihood` through the NumPy mirror, in memory that does not grow with
    the poems: batches of poems of one length go through the recurrent layers with at most
    `budget` numbers a layer array, a poem longer than that in pieces with the state
    carried, and the softmax head (as wide as the vocabulary) on slices of `budget`
    numbers. A network that cannot be read in pieces (bidirectional) is scored by
    `network_log_likelihood` in vocabulary-sized batches.

    Returns:
        (log likelihood, events).
    """
    head = net.body[-1] if net.body else None
    if not net.can_step or not isinstance(head, Dense) or not all(
            layer.return_sequences for layer in net.recurrent_layers):
        return network_log_likelihood(net.forward, poems, end, vocab_size=head.units
                                      if isinstance(head, Dense) else None, budget=budget)
    widest = max([4 * layer.units for layer in net.recurrent_layers] + [head.kernel.shape[0]])
    steps_at_once = max(1, budget // widest)
    head_rows = max(1, budget // head.units)

    def summed(hidden: np.ndarray, targets: np.ndarray) -> float:
        flat, wanted = hidden.reshape(-1, hidden.shape[-1]), targets.reshape(-1)
        return sum(_summed_log(head.forward(flat[i:i + head_rows]), wanted[i:i + head_rows])
                   for i in range(0, len(flat), head_rows))

    by_length: dict[int, list[Sequence[int]]] = {}
    for ids in poems:
        by_length.setdefault(len(ids), []).append(ids)
    total, events = 0.0, 0
    for length, group in by_length.items():
        if length + 1 > steps_at_once:  # one poem, in pieces
            for ids in group:
                seq = np.asarray([end, *ids], dtype=np.int32)[None]
                targets = np.asarray([*ids, end], dtype=np.int64)[None]
                state = None
                for first in range(0, length + 1, steps_at_once):
                    hidden, state = net.forward_piece(seq[:, first:first + steps_at_once],
                                                      state, head=False)
                    total += summed(hidden, targets[:, first:first + steps_at_once])
                events += length + 1
            continue
        rows = max(1, steps_at_once // (length + 1))
        for seqs, targets in _batches(group, rows, length, end):
            hidden, _ = net.forward_piece(seqs, None, head=False)
            total += summed(hidden, targets)
            events += seqs.size
    return total, events


def _long_poem_log_likelihood(piece: Callable[..., tuple[np.ndarray, list]],
                              ids: Sequence[int], end: int, steps: int) -> float:
    """One poem read `steps` ids at a time, the network's state carried across pieces."""
    seq = np.asarray([end, *ids], dtype=np.int32)
    targets = np.asarray([*ids, end], dtype=np.int64)
    state, total = None, 0.0
    for first in range(0, len(seq), steps):
        probs, state = piece(seq[None, first:first + steps], state)
        total += _summed_log(np.asarray(probs).reshape(1, -1, np.shape(probs)[-1]),
                             targets[None, first:first + steps])
    return total


def network_perplexity(predict: Callable[[np.ndarray], np.ndarray],
                       poems: Sequence[Sequence[int]], end: int) -> float:
    """The network's per-event perplexity on the poems (see `network_log_likelihood`).

    Raises:
        ValueError: no poem.
    """
    if not poems:
        raise ValueError("no poem to score")
    ll, events = network_log_likelihood(predict, poems, end)
    return math.exp(-ll / events)


def score_poems(net: Network, vocab: Sequence[str], train_poems: Sequence[str],
                train_targets: Sequence[Sequence[int]], poems: Sequence[str],
                tokens: str = "char") -> PoemScore:
    """The network and the Kneser-Ney 5-, 3- and 2-grams (fitted on `train_targets`, the
    training poems as the network learnt them) on `poems`.

    Args:
        net: the run's network (softmax head, one output per step).
        vocab: the run's vocabulary.
        train_poems: the run's training poems, in its script (to say which scored poems
            are training poems).
        train_targets: the training poems' target ids, rare characters read as UNK as in
            training (`PoemsTask.training_targets`).
        poems: the poems to score, in its script.
        tokens: "char" or "word".

    Returns:
        The score.

    Raises:
        DataUnavailable: no poem to score.
    """
    if not poems:
        raise DataUnavailable("no poems to score")
    end = list(vocab).index(END)
    ids = poem_ids(poems, vocab, tokens)
    ll, events = mirror_log_likelihood(net, ids, end)
    baselines = {}
    for order in (BASELINE_ORDER, 3, 2):
        model = KneserNey(order, len(vocab), end).fit(train_targets)
        baselines[f"kneser_ney_{order}gram"] = model.perplexity(ids)
    unk = list(vocab).index(UNK)
    training = set(train_poems)
    return PoemScore(perplexity=math.exp(-ll / events), events=events,
                     unknown=sum(t == unk for p in ids for t in p), poems=len(poems),
                     in_training=sum(p in training for p in poems), baselines=baselines)


def read_scored_poems(path: str | Path, script: str | None) -> list[str]:
    """A poem file (text or chinese-poetry JSON) in the run's script.

    Raises:
        DataUnavailable: as `read_poems`.
    """
    poems = read_poems(path, label=str(path))
    return [to_script(p, script) for p in poems] if script else poems


def _batches(group: Sequence[Sequence[int]], rows: int, length: int, end: int
             ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Poems of one `length`, `rows` at a time: each read from END (the start state's input)
    and scored on its characters then END, as (inputs, targets) arrays."""
    for first in range(0, len(group), rows):
        batch = group[first:first + rows]
        seqs = np.asarray([[end, *ids] for ids in batch], dtype=np.int32).reshape(-1, length + 1)
        targets = np.asarray([[*ids, end] for ids in batch], dtype=np.int64).reshape(seqs.shape)
        yield seqs, targets
