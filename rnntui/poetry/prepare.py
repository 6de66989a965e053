"""Corpus preparation: one script, no duplicates, a chosen form, a sized subset, and a
held-out part that shares no line with the training part, itself split into a validation part
(which picks the kept epoch) and a test part (the figure reported, never used to choose).

The order matters: convert first (two traditional variants of one poem become one simplified
poem), remove exact duplicates, keep the form, take the subset, then split. The split groups
poems that share a line (a repeated line, a poem copied with one line changed) and sends each
group wholly to one side, so no held-out poem has a line the network was trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rnntui.poetry.script import to_script
from rnntui.tasks.corpus import LINE_ENDS, poem_lines

FORMS = ("any", "regulated", "5-char", "7-char")
HELD_OUT = 0.1


def line_texts(poem: str) -> list[str]:
    """A poem's lines without the marks that end them (what "the same line" compares)."""
    return [line.rstrip(LINE_ENDS) for line in poem_lines(poem)]


def poem_form(poem: str) -> int | None:
    """5 or 7 for a quatrain or regulated verse (4 or 8 lines of that many characters, the
    couplets' first lines ending in ，and the second in 。); None for anything else."""
    lines = poem_lines(poem)
    if len(lines) not in (4, 8):
        return None
    size = len(lines[0]) - 1
    if size not in (5, 7):
        return None
    for n, line in enumerate(lines):
        if len(line) != size + 1 or line[-1] != ("，" if n % 2 == 0 else "。"):
            return None
        if any(ch in LINE_ENDS for ch in line[:-1]):
            return None
    return size


def keeps_form(poem: str, form: str) -> bool:
    """Whether a poem belongs to a `form` choice.

    Raises:
        ValueError: for an unknown form.
    """
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}: one of {', '.join(FORMS)}")
    if form == "any":
        return True
    size = poem_form(poem)
    return size is not None and (form == "regulated" or form == f"{size}-char")


@dataclass(frozen=True)
class PreparedCorpus:
    """The poems of a run, split.

    Attributes:
        train: the training poems.
        validation: held-out poems that pick the kept epoch; none shares a line with a
            training or a test poem.
        test: held-out poems whose figure is reported; none shares a line with a training or
            a validation poem.
        read: poems in the file.
        duplicates: exact duplicates removed (after script conversion).
        other_form: poems left out for not being of the chosen form.
        beyond_max: poems left out by `max_poems`.
    """

    train: list[str]
    validation: list[str]
    test: list[str]
    read: int
    duplicates: int
    other_form: int
    beyond_max: int

    @property
    def held_out(self) -> list[str]:
        """Every held-out poem: validation, then test."""
        return self.validation + self.test

    def describe(self) -> str:
        """One line for the task card and the training log."""
        dropped = []
        if self.duplicates:
            dropped.append(f"{self.duplicates:,} duplicates")
        if self.other_form:
            dropped.append(f"{self.other_form:,} of another form")
        if self.beyond_max:
            dropped.append(f"{self.beyond_max:,} beyond max_poems")
        left = f" (left out: {', '.join(dropped)})" if dropped else ""
        return (f"{len(self.train) + len(self.held_out):,} of {self.read:,} poems"
                f"{left}; {len(self.held_out):,} held out ({len(self.validation):,} to "
                f"pick the epoch, {len(self.test):,} to test), sharing no line with the "
                f"{len(self.train):,} to train")


def split_by_lines(poems: Sequence[str], seed: int,
                   fraction: float = HELD_OUT) -> tuple[list[str], list[str]]:
    """Train and held-out poems, with no line shared across the two.

    Poems that share a line are one group (union-find over lines); the groups are shuffled
    with `seed` and taken for the held-out part until it holds `fraction` of the poems (at
    least one poem when there are ten or more).

    Args:
        poems: the poems (duplicates already removed).
        seed: the run's seed.
        fraction: the share of poems to hold out.

    Returns:
        (train, held_out), each in corpus order.
    """
    import numpy as np

    parent = list(range(len(poems)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for i, poem in enumerate(poems):
        for line in line_texts(poem):
            if not line:
                continue
            j = first_with.setdefault(line, i)
            if j != i:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(poems)):
        groups.setdefault(root(i), []).append(i)
    ordered = list(groups.values())
    wanted = int(len(poems) * fraction)
    held: set[int] = set()
    for g in np.random.default_rng(seed).permutation(len(ordered)):
        if len(held) >= wanted:
            break
        members = ordered[int(g)]
        if len(held) + len(members) <= max(wanted, 1) * 1.5:  # skip a group far too big
            held.update(members)
    train = [p for i, p in enumerate(poems) if i not in held]
    return train, [p for i, p in enumerate(poems) if i in held]


def prepare(poems: Sequence[str], script: str, form: str, max_poems: int,
            seed: int) -> PreparedCorpus:
    """Convert, deduplicate, keep the form, subset and split a corpus's poems.

    Args:
        poems: the poems as read.
        script: "simplified" or "traditional".
        form: one of FORMS.
        max_poems: the most poems kept (0: all), a random subset drawn with `seed`.
        seed: the run's seed.

    Returns:
        The prepared corpus.
    """
    import numpy as np

    converted = to_script("\x00".join(poems), script).split("\x00")  # one OpenCC call
    unique = list(dict.fromkeys(converted))
    kept = [p for p in unique if keeps_form(p, form)]
    other_form = len(unique) - len(kept)
    beyond = 0
    if max_poems and len(kept) > max_poems:
        chosen = np.sort(np.random.default_rng(seed).permutation(len(kept))[:max_poems])
        beyond = len(kept) - max_poems
        kept = [kept[int(i)] for i in chosen]
    train, held = split_by_lines(kept, seed)
    # Half the held-out poems pick the epoch, the other half are scored: a figure used to
    # choose would flatter the run. Split by lines again so the two halves share none.
    test, validation = split_by_lines(held, seed, 0.5)
    return PreparedCorpus(train, validation, test, read=len(poems),
                          duplicates=len(converted) - len(unique),
                          other_form=other_form, beyond_max=beyond)
