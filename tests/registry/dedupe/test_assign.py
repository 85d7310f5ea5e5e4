"""Stable victim ids across runs."""

from __future__ import annotations

import itertools

import numpy as np

from zicht.registry.dedupe.assign import assign_victim_ids


def _assign(labels: list[int], previous: dict[int, int]) -> dict[int, int]:
    counter = itertools.count(100)
    ids = np.arange(1, len(labels) + 1)
    return assign_victim_ids(ids, np.array(labels), previous, lambda: next(counter)).victim_of


def test_unchanged_grown_merged_split() -> None:
    previous = {1: 7, 2: 7, 3: 8, 4: 9, 5: 9, 6: 9}
    # 1,2 unchanged; 3 merges with 4 (victim 8 + part of 9); 5,6 stay; 7 is new.
    result = _assign([0, 0, 1, 1, 2, 2, 3], previous)
    assert result[1] == result[2] == 7
    assert result[5] == result[6] == 9  # the larger part of 9 keeps the id
    assert result[3] == result[4] == 8
    assert result[7] == 100


def test_merge_keeps_older_id() -> None:
    result = _assign([0, 0, 0, 0], {1: 5, 2: 5, 3: 4, 4: 4})
    assert set(result.values()) == {4}
