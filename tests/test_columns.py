"""Columns of floats for long runs: points, the batch-loss trail, the epoch table."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnntui.ui.columns import EpochTable, Points, Trail


def test_points_read_like_a_list_of_pairs():
    pairs = [(1.0, 0.5), (2.0, 0.25), (3.0, 0.125)]
    points = Points(pairs)
    assert len(points) == 3 and points[1] == (2.0, 0.25) and points[-1] == (3.0, 0.125)
    assert points == pairs and list(points) == pairs
    assert points[1:] == pairs[1:] and isinstance(points[1:], Points)
    assert points != pairs[:2]


@settings(max_examples=60, deadline=None)
@given(limit=st.integers(2, 40), count=st.integers(0, 3000))
def test_a_trail_stays_within_its_limit_and_spans_the_whole_run(limit, count):
    trail = Trail(limit)
    for i in range(count):
        trail.append(float(i), float(-i))
    xs = list(trail.points.xs)
    assert len(xs) <= limit and trail.seen == count
    if count:
        assert xs[0] == 0.0
        # Evenly spread: every kept point is a multiple of the stride, with no gaps.
        assert xs == [float(i) for i in range(0, count, trail.stride)]
        # The newest point is never further behind than one stride.
        assert count - 1 - xs[-1] < trail.stride
        # And the trail is not thinned more than it must be.
        assert len(xs) > limit // 2 or trail.stride == 1


def test_a_trail_needs_room_for_two_points():
    with pytest.raises(ValueError):
        Trail(1)


def test_an_epoch_table_gives_back_what_it_took():
    records = [{"loss": 1.0, "accuracy": 0.25}, {"loss": 0.5, "accuracy": 0.5},
               {"loss": 0.25, "accuracy": 0.75, "val_loss": 0.3}]
    table = EpochTable(records)
    assert len(table) == 3 and table[0] == records[0] and table[-1] == records[-1]
    assert list(table) == records and table[1:] == records[1:]
    assert list(table.column("loss")) == [1.0, 0.5, 0.25]
    assert table.keys() == ["loss", "accuracy", "val_loss"]
    assert all(math.isnan(v) for v in table.column("val_loss")[:2])
    assert all(math.isnan(v) for v in table.column("absent")) and len(table.column("absent")) == 3
    with pytest.raises(IndexError):
        table[3]


def test_an_epoch_table_truncates_for_a_resumed_run():
    table = EpochTable({"loss": 1.0 / n} for n in range(1, 6))
    table.truncate(2)
    table.append({"loss": 9.0, "rmse": 3.0})
    assert len(table) == 3 and table[2] == {"loss": 9.0, "rmse": 3.0}
    assert table[1] == {"loss": 0.5}
    table.truncate(10)  # longer than the table: nothing to cut
    assert len(table) == 3


def test_an_epoch_table_keeps_numbers_only():
    table = EpochTable([{"loss": 1, "note": "x", "flag": True}])
    assert table[0] == {"loss": 1.0}
