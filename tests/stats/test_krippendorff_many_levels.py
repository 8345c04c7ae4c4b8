"""Krippendorff's alpha on marks (many distinct levels): the interval and nominal metrics through
sums instead of a levels × levels matrix give the same alpha and, from the same seeded draws, the
same bootstrap interval as the matrix route, and the krippendorff package's alpha."""

from __future__ import annotations

import numpy as np
import pytest

from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.stats import krippendorff as kripp
from tests.stats.test_krippendorff import brute_force_alpha, package_alpha, random_table

INTERVAL, NOMINAL = Measurement.INTERVAL, Measurement.NOMINAL


def marks_table(seed: int, n_units: int = 60, n_raters: int = 5) -> RatingTable:
    """Marks out of 20 to two decimals around a true mark per unit, 10% missing."""
    rng = np.random.default_rng(seed)
    marks = np.clip(
        rng.uniform(4, 18, n_units)[:, None] + rng.normal(0, 1.5, (n_units, n_raters)), 0, 20
    )
    marks = np.round(marks, 2)
    marks[rng.random(marks.shape) < 0.1] = np.nan
    levels = sorted({float(v) for v in marks.ravel() if not np.isnan(v)})
    return RatingTable.from_values(marks, categories=levels, level=INTERVAL)


def both_routes(
    table: RatingTable, level: Measurement, monkeypatch: pytest.MonkeyPatch, **kwargs: object
) -> tuple[kripp.AgreementResult, kripp.AgreementResult]:
    with monkeypatch.context() as patch:
        patch.setattr(kripp, "_DELTA_LEVELS", 10**9)  # always the q × q matrix
        matrix = kripp.krippendorff_alpha(table, level=level, **kwargs)  # type: ignore[arg-type]
    with monkeypatch.context() as patch:
        patch.setattr(kripp, "_DELTA_LEVELS", 0)  # always the sums
        sums = kripp.krippendorff_alpha(table, level=level, **kwargs)  # type: ignore[arg-type]
    return matrix, sums


@pytest.mark.parametrize("level", [INTERVAL, NOMINAL])
@pytest.mark.parametrize("seed", range(30))
def test_sums_give_the_matrix_route_alpha_and_interval(
    seed: int, level: Measurement, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = random_table(seed, level)
    matrix, sums = both_routes(table, level, monkeypatch, n_boot=400, rng=seed)
    assert matrix.reason == sums.reason
    for a, b in (
        (matrix.statistic, sums.statistic),
        (matrix.ci_low, sums.ci_low),
        (matrix.ci_high, sums.ci_high),
        (matrix.standard_error, sums.standard_error),
    ):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert b == pytest.approx(a, abs=1e-10)
    assert matrix.ci_method == sums.ci_method  # same number of resamples set aside


@pytest.mark.parametrize("seed", range(6))
def test_marks_match_the_package_and_the_definition(seed: int) -> None:
    table = marks_table(seed)
    assert table.n_categories > kripp._DELTA_LEVELS  # the sums route is the one taken
    ours = kripp.krippendorff_alpha(table, n_boot=200)
    assert ours.statistic == pytest.approx(package_alpha(table, INTERVAL), abs=1e-9)
    assert ours.statistic == pytest.approx(brute_force_alpha(table, INTERVAL), abs=1e-9)
    assert ours.ci_low is not None and ours.ci_high is not None
    assert ours.ci_low < ours.statistic < ours.ci_high


def test_marks_far_from_zero_stay_accurate() -> None:
    """Sums of squares lose digits when values are large and close; centring keeps them."""
    base = marks_table(2)
    shifted = RatingTable(base.codes, tuple(c + 1e6 for c in base.categories), INTERVAL)  # type: ignore[operator]
    a = kripp.krippendorff_alpha_value(base)
    b = kripp.krippendorff_alpha_value(shifted)
    assert a is not None and b == pytest.approx(a, abs=1e-9)


def test_resamples_on_one_mark_are_set_aside(monkeypatch: pytest.MonkeyPatch) -> None:
    # 40 units on which both raters agree, 38 of them on 10.00: many resamples hold one mark.
    codes = np.zeros((40, 2), dtype=np.int64)
    codes[0] = [1, 1]
    codes[1] = [2, 2]
    levels = tuple(10.0 + k / 100 for k in range(40))
    table = RatingTable(codes, levels, INTERVAL)
    matrix, sums = both_routes(table, INTERVAL, monkeypatch, n_boot=300, rng=4)
    assert sums.ci_method == matrix.ci_method and "set aside" in sums.ci_method
    assert sums.statistic == matrix.statistic == 1.0


def test_a_missing_rating_does_not_count_as_a_mark() -> None:
    table = marks_table(3, n_units=12, n_raters=3)
    assert (table.codes == MISSING).any()
    assert kripp.krippendorff_alpha_value(table) == pytest.approx(
        package_alpha(table, INTERVAL), abs=1e-9
    )
