"""The reveal's per-item spread: disagreement, spread in steps, and the cut."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from calibrate.services.meeting.reveal import _pairwise_disagreement


def pair_by_pair(levels: list[int]) -> float:
    """The definition, counted the slow way: each pair of raters once."""
    pairs = list(combinations(levels, 2))
    return sum(a != b for a, b in pairs) / len(pairs) if pairs else 0.0


@given(st.lists(st.integers(min_value=1, max_value=6), max_size=60))
def test_disagreement_from_tallies_equals_counting_every_pair(levels: list[int]) -> None:
    assert _pairwise_disagreement(levels) == pair_by_pair(levels)


def test_disagreement_worked_examples() -> None:
    assert _pairwise_disagreement([]) == 0.0
    assert _pairwise_disagreement([3]) == 0.0  # one rater: no pair to disagree
    assert _pairwise_disagreement([2, 2, 2]) == 0.0
    # 2, 3, 4: every one of the 3 pairs differs.
    assert _pairwise_disagreement([2, 3, 4]) == 1.0
    # 3, 3, 4, 4: of 6 pairs, (3,3) and (4,4) agree, 4 differ.
    assert _pairwise_disagreement([3, 3, 4, 4]) == 4 / 6
