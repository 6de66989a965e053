"""The batches of every epoch, fixed by the run's seed and the epoch's number alone.

Keras's own `shuffle=True` draws each epoch's order from a random stream that restarts with
every `fit`, so a resumed run (a new `fit` from epoch k) shuffled differently from a straight
one: 3 epochs then 3 more of embed4 at batch_size=8 ended 0.136 away in loss. Here batch `i`
of a `fit` that starts at epoch `first` is a pure function of (seed, first + i // steps,
i % steps): straight and resumed runs see the same batches, and nothing about the order needs
saving in the checkpoint.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def epoch_order(seed: int, epoch: int, samples: int) -> np.ndarray:
    """The order of the training samples in epoch `epoch` (0-based) of a run.

    Args:
        seed: the run's seed.
        epoch: the epoch's index from the run's start, whatever session trains it.
        samples: how many training samples there are.

    Returns:
        A permutation of range(samples).
    """
    # A generator of its own, seeded by the pair: no global state read or disturbed.
    return np.random.default_rng([seed, epoch]).permutation(samples)


def split_validation(x: np.ndarray, y: np.ndarray,
                     fraction: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Keras's `validation_split`, done here: the last `fraction` of the arrays, unshuffled.

    Done before the batches are made, so no validation sample is ever shuffled into training.

    Returns:
        x_train, y_train, x_val, y_val.
    """
    split_at = int(math.floor(len(x) * (1.0 - fraction)))  # as keras.src's array_slicing
    return x[:split_at], y[:split_at], x[split_at:], y[split_at:]


def batch_bounds(samples: int, batch_size: int, index: int) -> tuple[int, int]:
    """Where batch `index` of an epoch starts and ends in the epoch's order.

    A short batch (when `batch_size` does not divide `samples`) comes first, not last: Keras
    takes the shape of a generated dataset from its first two batches, and their differing
    sizes keep the batch axis free for it (two full ones would fix it, and the short one
    would then be refused).
    """
    short = samples % batch_size
    if short == 0:
        return index * batch_size, (index + 1) * batch_size
    if index == 0:
        return 0, short
    start = short + (index - 1) * batch_size
    return start, start + batch_size


def steps_per_epoch(samples: int, batch_size: int) -> int:
    return max(1, math.ceil(samples / batch_size))


def padded(chosen: np.ndarray, order: np.ndarray, end: int, multiple: int) -> np.ndarray:
    """`chosen` (a batch's sample indices) padded to a multiple of `multiple` with the samples
    that follow it in the epoch's order, wrapping around.

    Data-parallel training splits every batch evenly over its devices: TensorFlow's
    MirroredStrategy refused onehot4's 5 windows on 2 devices (AddN shapes [3,4,5] vs
    [2,4,5]). Padding repeats a few samples (at most `multiple` − 1 a batch) rather than
    dropping any: every sample is still trained on in every epoch, and the steps are the same.
    """
    short = (-len(chosen)) % multiple
    if short == 0:
        return chosen
    extra = order[(end + np.arange(short)) % len(order)]
    return np.concatenate([chosen, extra])


def epoch_batches(keras: Any, x: np.ndarray, y: np.ndarray, batch_size: int, seed: int,
                  first_epoch: int, multiple: int = 1) -> Any:
    """A `keras.utils.PyDataset` of the batches from epoch `first_epoch` on, without end.

    Give `fit` `steps_per_epoch=steps_per_epoch(len(x), batch_size)` with it: Keras then keeps
    one iterator across epochs, and batch `i` of this fit is batch `i % steps` of epoch
    `first_epoch + i // steps`, whatever Keras prefetches or peeks at.

    Args:
        keras: the imported keras module (imported by the caller, in its thread).
        x, y: the training inputs and targets.
        batch_size: samples per batch (an epoch's first batch may be shorter).
        seed: the run's seed.
        first_epoch: the run's epoch this fit starts at (0-based).
        multiple: every batch's size is made a multiple of this (the devices of
            data-parallel training; see `padded`).

    Returns:
        The dataset.
    """
    samples = len(x)
    batch_size = max(1, min(batch_size, samples))
    steps = steps_per_epoch(samples, batch_size)

    class EpochBatches(keras.utils.PyDataset):
        def __init__(self) -> None:
            super().__init__(workers=1, use_multiprocessing=False)
            self._orders: dict[int, np.ndarray] = {}

        @property
        def num_batches(self) -> int | None:
            return None  # without end: `steps_per_epoch` cuts the epochs

        def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
            epoch = first_epoch + index // steps
            order = self._orders.get(epoch)
            if order is None:
                # Two epochs at most are live (prefetching crosses into the next one).
                self._orders = {k: v for k, v in self._orders.items() if k >= epoch - 1}
                order = self._orders[epoch] = epoch_order(seed, epoch, samples)
            start, end = batch_bounds(samples, batch_size, index % steps)
            chosen = padded(order[start:end], order, end, multiple)
            return x[chosen], y[chosen]

    return EpochBatches()
