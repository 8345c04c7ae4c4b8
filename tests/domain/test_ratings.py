"""The ratings table: codes, declared categories (unused ones kept), and refusals."""

from __future__ import annotations

import numpy as np
import pytest

from calibrate.domain.errors import CalibrateError
from calibrate.domain.ratings import MISSING, Measurement, RatingTable


def test_from_values_keeps_unused_declared_levels_and_missing_cells() -> None:
    t = RatingTable.from_values(
        [[1, 2, None], [2, 2, 3], [float("nan"), 1, 1]],
        categories=[1, 2, 3, 4],
        level="ordinal",
    )
    assert t.n_units == 3 and t.n_raters == 3 and t.n_categories == 4
    assert t.n_ratings == 7
    assert t.codes[0, 2] == MISSING and t.codes[2, 0] == MISSING
    np.testing.assert_array_equal(t.counts()[:, 3], [0, 0, 0])  # level 4 declared, unused
    np.testing.assert_array_equal(t.counts().sum(axis=1), [2, 3, 2])
    assert np.isnan(t.values()[0, 2]) and t.values()[1, 2] == 3.0


def test_complete_units_is_listwise() -> None:
    t = RatingTable.from_values([[1, 2], [2, None], [3, 3]], categories=[1, 2, 3], level="ordinal")
    c = t.complete_units()
    assert c.n_units == 2 and c.unit_ids == ("1", "3")


def test_nominal_labels_are_allowed_but_not_for_ordered_levels() -> None:
    t = RatingTable.from_values([["yes", "no"]], categories=["no", "yes"], level="nominal")
    assert t.codes.tolist() == [[1, 0]]
    with pytest.raises(CalibrateError, match="numeric categories"):
        RatingTable(np.zeros((1, 2), dtype=np.int64), ("no", "yes"), Measurement.ORDINAL)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"categories": (1.0, 1.0)}, "duplicate"),
        ({"categories": (2.0, 1.0)}, "ascending"),
    ],
)
def test_bad_categories_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(CalibrateError, match=message):
        RatingTable(np.zeros((1, 2), dtype=np.int64), level=Measurement.ORDINAL, **kwargs)  # type: ignore[arg-type]


def test_a_value_outside_the_categories_is_refused() -> None:
    with pytest.raises(CalibrateError, match="not one of the declared categories"):
        RatingTable.from_values([[1, 5]], categories=[1, 2, 3, 4], level="ordinal")


def test_nominal_string_categories_that_look_like_numbers() -> None:
    t = RatingTable.from_values([["0", "1"]], categories=["0", "1"], level="nominal")
    assert t.codes.tolist() == [[0, 1]]


@pytest.mark.parametrize("q", [4, 40])
def test_counts_agree_with_a_plain_tally_for_small_and_large_scales(q: int) -> None:
    rng = np.random.default_rng(q)
    codes = rng.integers(-1, q, size=(50, 7))
    t = RatingTable(codes, tuple(float(k) for k in range(q)), Measurement.INTERVAL)
    expected = np.zeros((50, q), dtype=np.int64)
    for i in range(50):
        for j in range(7):
            if codes[i, j] >= 0:
                expected[i, codes[i, j]] += 1
    np.testing.assert_array_equal(t.counts(), expected)
