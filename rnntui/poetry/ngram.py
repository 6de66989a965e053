"""An interpolated Kneser-Ney n-gram language model over token ids: the baseline every poem
perplexity is shown beside.

Written here rather than taken from a library: nltk's `KneserNeyInterpolated` scores one
n-gram at a time through Python recursion (hours for a held-out set of thousands of poems)
and its interpolation has known bugs (probabilities that do not sum to one, infinite
perplexity on unseen contexts); KenLM needs a C++ build and writes ARPA files. This one is
counts in dicts, Chen & Goodman's interpolated form with one discount per order
(D = n1 / (n1 + 2·n2)), and a uniform distribution over the vocabulary at the bottom, so every
token of the vocabulary (UNK included) has a probability and they sum to one (tested).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence


class KneserNey:
    """Interpolated Kneser-Ney of a given order, fitted on poems of token ids.

    Each poem is read from its start, its context padded with `end` (the token that ends a
    poem, so "a poem begins" reads as "the last one ended"), and ends with `end` as its last
    event: the same events the network is scored on.
    """

    def __init__(self, order: int, vocab_size: int, end: int):
        """Args:
            order: n (1 for a unigram, 5 for a 5-gram).
            vocab_size: V, every id lies in [0, V).
            end: the id that ends a poem.

        Raises:
            ValueError: for an order below 1 or an empty vocabulary.
        """
        if order < 1 or vocab_size < 1:
            raise ValueError("order and vocab_size must be at least 1")
        self.order = order
        self.vocab_size = vocab_size
        self.end = end
        # Per order k (index k-1): n-gram counts (raw at the top order, continuation counts
        # below), each context's total and its number of distinct followers, the discount.
        self._counts: list[dict[tuple[int, ...], int]] = []
        self._totals: list[dict[tuple[int, ...], int]] = []
        self._types: list[dict[tuple[int, ...], int]] = []
        self._discounts: list[float] = []

    def events(self, poem: Sequence[int]) -> Iterable[tuple[tuple[int, ...], int]]:
        """(context of order-1 ids, next id) for each event of one poem."""
        n = self.order
        padded = [self.end] * (n - 1) + list(poem) + [self.end]
        for i in range(n - 1, len(padded)):
            yield tuple(padded[i - n + 1:i]), padded[i]

    def fit(self, poems: Iterable[Sequence[int]]) -> KneserNey:
        """Count the poems' n-grams.

        Args:
            poems: each a sequence of ids (without the final `end`).

        Returns:
            self.
        """
        top: Counter[tuple[int, ...]] = Counter()
        for poem in poems:
            for ctx, tok in self.events(poem):
                top[ctx + (tok,)] += 1
        by_order: list[dict[tuple[int, ...], int]] = [dict(top)]
        for _ in range(self.order - 1):  # continuation counts: distinct left extensions
            lower: Counter[tuple[int, ...]] = Counter()
            for gram in by_order[-1]:
                lower[gram[1:]] += 1
            by_order.append(dict(lower))
        by_order.reverse()  # index 0: unigrams
        self._counts, self._totals, self._types, self._discounts = [], [], [], []
        for counts in by_order:
            totals: dict[tuple[int, ...], int] = defaultdict(int)
            types: dict[tuple[int, ...], int] = defaultdict(int)
            for gram, c in counts.items():
                totals[gram[:-1]] += c
                types[gram[:-1]] += 1
            n1 = sum(1 for c in counts.values() if c == 1)
            n2 = sum(1 for c in counts.values() if c == 2)
            discount = n1 / (n1 + 2 * n2) if n1 and n2 else 0.75
            self._counts.append(counts)
            self._totals.append(dict(totals))
            self._types.append(dict(types))
            self._discounts.append(min(max(discount, 0.05), 0.95))
        return self

    def prob(self, context: Sequence[int], token: int) -> float:
        """P(token | the last order-1 ids of context).

        Raises:
            RuntimeError: before `fit`.
        """
        if not self._counts:
            raise RuntimeError("fit the model first")
        p = 1.0 / self.vocab_size
        context = tuple(context)
        for k in range(1, self.order + 1):
            ctx = context[len(context) - (k - 1):] if k > 1 else ()
            total = self._totals[k - 1].get(ctx)
            if not total:
                continue  # an unseen context: the lower order's estimate stands
            d = self._discounts[k - 1]
            c = self._counts[k - 1].get(ctx + (token,), 0)
            p = max(c - d, 0.0) / total + d * self._types[k - 1][ctx] / total * p
        return p

    def log_likelihood(self, poems: Iterable[Sequence[int]]) -> tuple[float, int]:
        """Summed natural-log likelihood of the poems' events, and how many events.

        Returns:
            (log-likelihood, events).
        """
        total, events = 0.0, 0
        for poem in poems:
            for ctx, tok in self.events(poem):
                total += math.log(self.prob(ctx, tok))
                events += 1
        return total, events

    def perplexity(self, poems: Iterable[Sequence[int]]) -> float:
        """exp(−mean log-likelihood per event) over the poems' events."""
        total, events = self.log_likelihood(poems)
        return math.exp(-total / events) if events else float("nan")
