"""Numbers a long training run piles up, held as columns of floats rather than Python objects.

A float in a dict or a tuple costs ~60-100 bytes of Python objects; in an `array('d')` it
costs 8. A session that trains for 100,000 epochs keeps every epoch's metrics (the plots
show them all) and a thinned trail of batch losses: as columns, that is a few MB, not a
few hundred. No Textual here.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import overload

Point = tuple[float, float]


class Points(Sequence[Point]):
    """(x, y) pairs as two columns: what a plot keeps of a curve."""

    __slots__ = ("xs", "ys")

    def __init__(self, points: Iterable[Point] = ()):
        self.xs, self.ys = array("d"), array("d")
        for x, y in points:
            self.append(x, y)

    @classmethod
    def from_columns(cls, xs: array, ys: array) -> Points:
        """Points over `xs` and `ys` (arrays of 'd', the same length), not copied."""
        if len(xs) != len(ys):
            raise ValueError(f"{len(xs)} xs but {len(ys)} ys")
        points = cls()
        points.xs, points.ys = xs, ys
        return points

    def append(self, x: float, y: float) -> None:
        self.xs.append(x)
        self.ys.append(y)

    def __len__(self) -> int:
        return len(self.xs)

    @overload
    def __getitem__(self, index: int) -> Point: ...
    @overload
    def __getitem__(self, index: slice) -> Points: ...
    def __getitem__(self, index: int | slice) -> Point | Points:
        if isinstance(index, slice):
            return Points.from_columns(self.xs[index], self.ys[index])
        return self.xs[index], self.ys[index]

    def __iter__(self) -> Iterator[Point]:
        return zip(self.xs, self.ys)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"Points({list(self)!r})"


class Trail:
    """At most `limit` (x, y) points spread evenly over everything appended, however long.

    It keeps every point until full, then every second one, and from then on takes one
    point in two; full again, one in four, and so on. The trail always covers the whole run,
    the first point to the newest, in `limit` points or fewer.
    """

    def __init__(self, limit: int):
        if limit < 2:
            raise ValueError("a trail needs room for at least two points")
        self.limit = limit
        self.points = Points()
        self.seen = 0  # points ever appended (the trail keeps one in `stride` of them)
        self.stride = 1

    def append(self, x: float, y: float) -> None:
        self.seen += 1
        if (self.seen - 1) % self.stride:
            return
        if len(self.points) >= self.limit:
            self.points = self.points[::2]
            self.stride *= 2
            if (self.seen - 1) % self.stride:
                return
        self.points.append(x, y)


class EpochTable(Sequence[dict[str, float]]):
    """A run's per-epoch metrics: one float column a metric. An epoch that did not log a
    metric (or logged NaN) holds NaN there, and reading the epoch back leaves it out."""

    def __init__(self, records: Iterable[Mapping[str, float]] = ()):
        self._columns: dict[str, array] = {}
        self._gaps: set[str] = set()  # metrics with a NaN somewhere (or once had one)
        self._length = 0
        for record in records:
            self.append(record)

    def append(self, record: Mapping[str, float]) -> None:
        for key, value in record.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue  # only numbers are metrics
            column = self._columns.get(key)
            if column is None:
                column = self._columns[key] = array("d", [math.nan]) * self._length
                if self._length:
                    self._gaps.add(key)
            column.append(float(value))
            if math.isnan(value):
                self._gaps.add(key)
        self._length += 1
        for key, column in self._columns.items():
            if len(column) < self._length:
                column.append(math.nan)
                self._gaps.add(key)

    def truncate(self, length: int) -> None:
        """Keep the first `length` epochs (a resumed run trains from there)."""
        self._length = max(0, min(length, self._length))
        for column in self._columns.values():
            del column[self._length:]

    def keys(self) -> list[str]:
        """The metrics some epoch logged, in the order they first came."""
        return list(self._columns)

    def complete(self, key: str) -> bool:
        """Every epoch logged `key` (no NaN in its column): read without checking each."""
        return key in self._columns and key not in self._gaps

    def column(self, key: str) -> Sequence[float]:
        """`key`'s value at every epoch, NaN where it was not logged."""
        column = self._columns.get(key)
        return column if column is not None else array("d", [math.nan]) * self._length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> dict[str, float]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, float]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, float] | list[dict[str, float]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("epoch index out of range")
        return {key: column[index] for key, column in self._columns.items()
                if not math.isnan(column[index])}
