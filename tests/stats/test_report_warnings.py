"""The warnings at the top of an agreement report count what was rated in the right unit
(issue 14: a session of 3 samples on 3 criteria was reported as "Only 9 samples were rated")."""

from __future__ import annotations

import numpy as np
import pytest

from calibrate.domain.errors import CalibrateError
from calibrate.domain.ratings import Measurement, RatingTable
from calibrate.stats.report import agreement_report


def table(n_samples: int, n_criteria: int, *, items: bool) -> RatingTable:
    rng = np.random.default_rng(5)
    n = n_samples * n_criteria
    codes = rng.integers(0, 4, size=(n, 3))
    samples = tuple(f"s{i // n_criteria}" for i in range(n)) if items else ()
    return RatingTable(codes, (1.0, 2.0, 3.0, 4.0), Measurement.ORDINAL, unit_samples=samples)


def small_sample_warning(t: RatingTable) -> str:
    report = agreement_report(t, n_boot=50)
    return next(w for w in report.warnings if w.startswith("Only "))


def test_a_table_of_items_counts_the_samples_and_the_items() -> None:
    t = table(3, 3, items=True)
    assert (t.n_units, t.n_samples) == (9, 3)
    assert small_sample_warning(t).startswith(
        "Only 3 samples (9 sample × criterion items) were rated:"
    )


def test_a_table_of_samples_counts_samples() -> None:
    assert small_sample_warning(table(3, 1, items=False)).startswith("Only 3 samples were rated:")
    assert small_sample_warning(table(1, 1, items=False)).startswith("Only 1 sample was rated:")


def test_one_sample_on_several_criteria() -> None:
    assert small_sample_warning(table(1, 4, items=True)).startswith(
        "Only 1 sample (4 sample × criterion items) were rated:"
    )


def test_the_samples_follow_the_units_when_raters_or_units_are_dropped() -> None:
    t = table(2, 3, items=True)
    assert t.select_raters([0, 1]).unit_samples == t.unit_samples
    assert t.with_level(Measurement.NOMINAL).n_samples == 2
    assert t.complete_units().n_samples == 2


def test_samples_that_do_not_match_the_units_are_refused() -> None:
    with pytest.raises(CalibrateError, match="samples of the units"):
        RatingTable(np.zeros((2, 2), dtype=np.int64), (1.0, 2.0), "ordinal", unit_samples=("a",))
