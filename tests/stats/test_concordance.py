"""Kendall's W: published examples, scipy's Friedman test as an oracle, the bootstrap, degenerate
data, and properties."""

from __future__ import annotations

import random

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2, friedmanchisquare

from calibrate.domain.ratings import Measurement, RatingTable
from calibrate.stats import concordance
from calibrate.stats.concordance import (
    FUNCTIONS,
    MIN_UNITS_FOR_INTERVAL,
    NAMES,
    kendall_w,
    tie_corrected_w,
)
from calibrate.stats.result import Family

SIX = tuple(float(v) for v in range(1, 7))


def table(values: npt.ArrayLike, *, categories: tuple[float, ...] = SIX) -> RatingTable:
    """An ordinal table from numeric scores; NaN marks a missing score."""
    return RatingTable.from_values(
        np.asarray(values, dtype=float), categories=categories, level=Measurement.ORDINAL
    )


# ----------------------------------------------------------------- published examples
# R package irr (Gamer, Lemon, Fellows & Singh), data set `anxiety`: 20 subjects rated by three
# raters on a 1-6 scale, with many ties (as shipped in sophiedkk/pyirr pyirr/data/anxiety.csv).
ANXIETY = [
    [3, 3, 2], [3, 6, 1], [3, 4, 4], [4, 6, 4], [5, 2, 3],
    [5, 4, 2], [2, 2, 1], [3, 4, 6], [5, 3, 1], [2, 3, 1],
    [2, 2, 1], [6, 3, 2], [1, 3, 3], [5, 3, 3], [2, 2, 1],
    [2, 2, 1], [1, 1, 3], [2, 3, 3], [4, 3, 2], [3, 4, 2],
]  # fmt: skip


def test_irr_anxiety_with_tie_correction() -> None:
    res = kendall_w(table(ANXIETY))
    assert res.statistic is not None
    # irr::kendall(anxiety, correct = TRUE): Wt = 0.54, Chisq(19) = 30.8, p = 0.0429
    # (the values asserted in sophiedkk/pyirr tests/test_kendall.py, a port of irr).
    assert round(res.statistic, 2) == 0.54
    chi_sq = 3 * (20 - 1) * res.statistic
    assert round(chi_sq, 1) == 30.8
    assert round(float(chi2.sf(chi_sq, 19)), 4) == 0.0429
    assert (res.n_units, res.n_raters) == (20, 3)
    assert res.family is Family.CONCORDANCE and res.name == "kendall_w"
    assert res.reason is None


def test_rexrepos_example_without_ties() -> None:
    # dwoll/RExRepos md/interRaterICC.md, irr::kendall on three raters ranking six subjects:
    # W = 0.568, Chisq(5) = 8.52, p-value = 0.13.
    ranks = [[1, 1, 2], [6, 5, 3], [3, 6, 6], [2, 2, 5], [5, 4, 4], [4, 3, 1]]
    res = kendall_w(table(ranks))
    assert res.statistic is not None
    assert round(res.statistic, 3) == 0.568
    assert round(3 * 5 * res.statistic, 2) == 8.52
    assert round(float(chi2.sf(15 * res.statistic, 5)), 2) == 0.13
    # Without ties: W = 12 S / (m² (n³ - n)) with rank sums 4, 14, 15, 9, 13, 8: S = 89.5.
    assert res.statistic == pytest.approx(12 * 89.5 / (9 * 210), abs=1e-12)


# ----------------------------------------------------------------- scipy's Friedman test
@pytest.mark.parametrize("seed", range(60))
def test_matches_friedman_chi_square_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m, q = int(rng.integers(3, 40)), int(rng.integers(3, 12)), int(rng.integers(2, 7))
    truth = rng.normal(0, rng.uniform(0, 2), size=(n, 1))
    x = np.clip(np.rint((q + 1) / 2 + truth + rng.normal(0, 1, size=(n, m))), 1, q)
    if np.all(np.ptp(x, axis=0) == 0):
        x[0, 0] = 1 if x[0, 0] != 1 else q
    res = kendall_w(table(x, categories=tuple(float(v) for v in range(1, q + 1))), n_boot=0)
    # Units are the treatments, raters the blocks; scipy corrects the statistic for ties.
    friedman = friedmanchisquare(*x).statistic
    assert res.statistic == pytest.approx(friedman / (m * (n - 1)), abs=1e-9)


def test_tie_corrected_w_by_hand() -> None:
    # Two raters, three units; rater 2 ties units 1 and 2.
    # Ranks: rater 1 = 1, 2, 3; rater 2 = 1.5, 1.5, 3. Rank sums 2.5, 3.5, 6; mean 4; S = 6.5.
    # T = 2³ - 2 = 6 for rater 2; W = 12·6.5 / (4·24 - 2·6) = 78 / 84.
    assert tie_corrected_w([[1, 2], [2, 2], [3, 5]]) == pytest.approx(78 / 84, abs=1e-15)


def test_listwise_deletion() -> None:
    x = np.array([*ANXIETY, [1, np.nan, 2], [np.nan, 3, 3]], dtype=float)
    res, full = kendall_w(table(x)), kendall_w(table(ANXIETY))
    assert res.n_units == 20
    assert res.statistic == full.statistic


# ----------------------------------------------------------------- the bootstrap
def test_bootstrap_is_seeded_and_reproducible() -> None:
    a, b = kendall_w(table(ANXIETY)), kendall_w(table(ANXIETY), rng=0)
    assert (a.ci_low, a.ci_high, a.standard_error) == (b.ci_low, b.ci_high, b.standard_error)
    c = kendall_w(table(ANXIETY), rng=np.random.default_rng(0))
    assert (c.ci_low, c.ci_high) == (a.ci_low, a.ci_high)
    d = kendall_w(table(ANXIETY), rng=7)
    assert (d.ci_low, d.ci_high) != (a.ci_low, a.ci_high)
    assert a.ci_method == "percentile bootstrap over samples (1000 resamples, seed 0)"


def test_bootstrap_interval_and_standard_error_are_sensible() -> None:
    res = kendall_w(table(ANXIETY), n_boot=2000)
    assert res.statistic is not None and res.ci_low is not None and res.ci_high is not None
    assert 0.0 <= res.ci_low < res.statistic < res.ci_high <= 1.0
    assert res.standard_error is not None
    # A normal-theory interval from the bootstrap SE is close to the percentile one here.
    assert res.ci_high - res.ci_low == pytest.approx(2 * 1.96 * res.standard_error, rel=0.25)


def test_no_bootstrap_asked_for() -> None:
    res = kendall_w(table(ANXIETY), n_boot=0)
    assert res.statistic is not None
    assert res.ci_low is None and res.standard_error is None
    assert res.reason and "no resampling" in res.reason
    with pytest.raises(ValueError, match="n_boot"):
        kendall_w(table(ANXIETY), n_boot=-1)


def test_too_few_units_for_an_interval() -> None:
    res = kendall_w(table(ANXIETY[: MIN_UNITS_FOR_INTERVAL - 1]))
    assert res.statistic is not None
    assert res.ci_low is None and res.reason and "fewer than" in res.reason


# ----------------------------------------------------------------- when it is not defined
def test_nominal_levels_are_refused() -> None:
    t = RatingTable.from_values(
        [["a", "b"], ["b", "b"], ["a", "a"]], categories=["a", "b"], level="nominal"
    )
    res = kendall_w(t)
    assert res.statistic is None and res.reason and "no order" in res.reason


def test_too_few_raters_or_units() -> None:
    one_rater = kendall_w(table([[1], [2], [3]]))
    assert one_rater.statistic is None and one_rater.reason and "one rater" in one_rater.reason
    one_unit = kendall_w(table([[1, 2, 3], [2, np.nan, 3]]))
    assert one_unit.statistic is None and one_unit.n_units == 1
    assert one_unit.reason and "two samples" in one_unit.reason


def test_every_rater_ties_everything() -> None:
    res = kendall_w(table([[1, 4, 2], [1, 4, 2], [1, 4, 2]]))
    assert res.statistic is None
    assert res.reason and "same score" in res.reason


def test_one_rater_without_order_still_counts() -> None:
    # Rater 3 ties every unit; the others agree perfectly. T_3 = n³ - n.
    x = [[1, 1, 3], [2, 2, 3], [3, 3, 3], [4, 4, 3], [5, 5, 3]]
    res = kendall_w(table(x))
    # Rank sums 2+3, 4+3, 6+3, 8+3, 10+3 → S = 40; W = 12·40 / (9·120 - 3·120) = 480 / 720.
    assert res.statistic == pytest.approx(480 / 720, abs=1e-12)


def test_names_and_functions() -> None:
    assert NAMES == ("kendall_w",) == tuple(FUNCTIONS)
    assert concordance.FUNCTIONS["kendall_w"](table(ANXIETY)).name == "kendall_w"


# ----------------------------------------------------------------- properties
@st.composite
def score_tables(draw: st.DrawFn) -> RatingTable:
    n = draw(st.integers(2, 12))
    m = draw(st.integers(2, 6))
    cells = draw(st.lists(st.integers(1, 5), min_size=n * m, max_size=n * m))
    return table(np.array(cells, dtype=float).reshape(n, m), categories=(1.0, 2.0, 3.0, 4.0, 5.0))


@settings(max_examples=100, deadline=None)
@given(score_tables(), st.randoms(use_true_random=False))
def test_permuting_units_and_raters_changes_nothing(t: RatingTable, rnd: random.Random) -> None:
    rows, cols = list(range(t.n_units)), list(range(t.n_raters))
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    a = kendall_w(t, n_boot=200)
    b = kendall_w(RatingTable(t.codes[rows][:, cols], t.categories, t.level), n_boot=200)
    assert (a.statistic is None) == (b.statistic is None)
    if a.statistic is not None and b.statistic is not None:
        assert a.statistic == pytest.approx(b.statistic, abs=1e-12)
    # Reordering raters alone keeps the same resamples, so the interval is unchanged too.
    c = kendall_w(RatingTable(t.codes[:, cols], t.categories, t.level), n_boot=200)
    for x, y in ((a.ci_low, c.ci_low), (a.ci_high, c.ci_high)):
        assert (x is None) == (y is None)
        if x is not None and y is not None:
            assert x == pytest.approx(y, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(score_tables())
def test_interval_contains_the_statistic_and_nothing_is_nan(t: RatingTable) -> None:
    res = kendall_w(t, n_boot=300)
    if res.statistic is None:
        assert res.reason
        return
    assert 0.0 <= res.statistic <= 1.0
    if res.ci_low is None:
        assert res.reason
    else:
        assert res.ci_high is not None and res.standard_error is not None
        assert res.ci_low <= res.statistic <= res.ci_high
        assert res.standard_error >= 0.0
        assert res.reason is None


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 6), min_size=2, max_size=15).filter(lambda v: len(set(v)) > 1),
    st.integers(2, 6),
)
def test_perfect_agreement_with_variation_gives_one(levels: list[int], m: int) -> None:
    x = np.repeat(np.array(levels, dtype=float)[:, None], m, axis=1)
    res = kendall_w(table(x), n_boot=100)
    assert res.statistic == 1.0
    assert res.ci_low is None and res.ci_high is None and res.reason


# ----------------------------------------------------------------- the bootstrap's arithmetic
def _reference_bootstrap(x: npt.NDArray[np.float64], n_boot: int, seed: int) -> list[float]:
    """The plain bootstrap: resample rows, re-rank, recompute W, from the same draws."""
    picks = np.random.default_rng(seed).integers(0, x.shape[0], size=(n_boot, x.shape[0]))
    values = (tie_corrected_w(x[rows]) for rows in picks)
    return [w for w in values if w is not None]


@pytest.mark.parametrize(("n", "m", "q"), [(9, 3, 4), (40, 5, 6), (150, 4, 30), (25, 2, 200)])
def test_counted_bootstrap_equals_re_ranking_each_resample(n: int, m: int, q: int) -> None:
    rng = np.random.default_rng(n + q)
    codes = np.clip(rng.integers(0, q, size=n)[:, None] + rng.integers(-2, 3, (n, m)), 0, q - 1)
    counted = concordance._bootstrap_w(codes, q, 300, np.random.default_rng(5))
    reference = _reference_bootstrap(codes.astype(np.float64), 300, 5)
    np.testing.assert_allclose(counted, reference, rtol=1e-12, atol=1e-12)


def test_the_by_rater_route_for_many_levels_equals_the_one_hot_route(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 12, size=(3000, 6))  # 3,000 units: more than one chunk
    one_hot = concordance._bootstrap_w(codes, 12, 1000, np.random.default_rng(1))
    monkeypatch.setattr(concordance, "_ONE_HOT_COLUMNS", 0)
    by_rater = concordance._bootstrap_w(codes, 12, 1000, np.random.default_rng(1))
    np.testing.assert_array_equal(one_hot, by_rater)  # integers and halves: exactly equal


def test_mid_ranks_are_scipy_rankdata() -> None:
    from scipy.stats import rankdata

    x = np.asarray(ANXIETY, dtype=np.float64)
    ranks = rankdata(x, axis=0)
    sums = ranks.sum(axis=1)
    s = float(np.sum((sums - sums.mean()) ** 2))
    ties = sum(float(np.sum(t**3 - t)) for t in (np.unique(c, return_counts=True)[1] for c in x.T))
    m, n = x.shape[1], x.shape[0]
    assert tie_corrected_w(x) == 12.0 * s / (m * m * (n**3 - n) - m * ties)
