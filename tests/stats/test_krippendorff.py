"""Krippendorff's alpha: published examples, an independent oracle, properties, degenerate data."""

from __future__ import annotations

import math
import time
import tracemalloc
import warnings
from collections.abc import Sequence
from typing import TypeVar

import krippendorff  # GPL: a test-time oracle only, never imported by src/
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.stats import krippendorff as kmod
from calibrate.stats.krippendorff import krippendorff_alpha, krippendorff_alpha_value
from calibrate.stats.result import AgreementResult, Family

LEVELS = list(Measurement)
T = TypeVar("T")

# --------------------------------------------------------------------------- published examples

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania. Section C ("Any number of observers, any metric,
# missing data"): 4 observers (rows) x 12 units (columns), values 1-5, None = missing.
KRIPP_2011_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
# Same source, section C, the four results reported at the end of the section.
KRIPP_2011_C_ALPHA = {
    Measurement.NOMINAL: 0.743,
    Measurement.ORDINAL: 0.815,
    Measurement.INTERVAL: 0.849,
    Measurement.RATIO: 0.797,
}


def _units_by_raters(rows_are_observers: Sequence[Sequence[T]]) -> list[list[T]]:
    """The paper prints observers as rows; a RatingTable has units as rows."""
    return [list(col) for col in zip(*rows_are_observers, strict=True)]


def _section_c(level: Measurement) -> RatingTable:
    return RatingTable.from_values(
        _units_by_raters(KRIPP_2011_C), categories=[1, 2, 3, 4, 5], level=level
    )


@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_2011_section_c_four_metrics(level: Measurement) -> None:
    result = krippendorff_alpha(_section_c(level))
    assert result.name == "krippendorff_alpha"
    assert result.family is Family.ALPHA
    assert result.statistic is not None
    # Krippendorff (2011), section C: .743 nominal, .815 ordinal, .849 interval, .797 ratio.
    assert round(result.statistic, 3) == KRIPP_2011_C_ALPHA[level]
    assert krippendorff_alpha_value(_section_c(level)) == result.statistic
    # Unit 12 has a single value, so it is not pairable and drops out (same section).
    assert result.n_units == 11
    assert result.n_raters == 4


def test_krippendorff_2011_section_c_exact_nominal() -> None:
    # Krippendorff (2011), section C, coincidence matrix: marginals n_1..n_5 = 9, 13, 10, 5, 3
    # (n = 40 pairable values) and off-diagonal coincidences summing to 8, so nominal
    # alpha = 1 - 39 * 8 / (40^2 - (81 + 169 + 100 + 25 + 9)) = 113/152 = 0.7434...
    table = _section_c(Measurement.NOMINAL)
    pairable = table.counts()[table.present.sum(axis=1) >= 2]
    assert pairable.sum(axis=0).tolist() == [9, 13, 10, 5, 3]
    assert krippendorff_alpha_value(table) == pytest.approx(113 / 152, abs=1e-15)


def test_krippendorff_2011_section_a_binary_two_observers() -> None:
    # Krippendorff (2011), section A ("Binary or dichotomous data, two observers, no missing
    # data"): 10 units; the paper reports alpha = 0.095. Its coincidence matrix has o_01 = 4,
    # n_0 = 14, n_1 = 6, n = 20, so alpha = 1 - 19 * 4 / (14 * 6) = 2/21 exactly.
    observer_a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    observer_b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    table = RatingTable.from_values(
        _units_by_raters([observer_a, observer_b]), categories=[0, 1], level="nominal"
    )
    value = krippendorff_alpha_value(table)
    assert value is not None
    assert round(value, 3) == 0.095
    assert value == pytest.approx(2 / 21, abs=1e-15)


def test_krippendorff_2011_section_b_nominal_two_observers() -> None:
    # Krippendorff (2011), section B ("Nominal data, two observers, no missing data"):
    # 12 units coded a-e; the paper reports alpha = 0.692.
    observer_a = list("aabbdcccedda")
    observer_b = list("babbbccceddd")
    table = RatingTable.from_values(
        _units_by_raters([observer_a, observer_b]),
        categories=list("abcde"),
        level="nominal",
    )
    value = krippendorff_alpha_value(table)
    assert value is not None
    assert round(value, 3) == 0.692


# --------------------------------------------------------------------------- oracles


def brute_force_alpha(table: RatingTable, level: Measurement) -> float:
    """Krippendorff (2011) written out literally: pairs of values within units, loops only.

    The ordinal metric is the published one, d2_ck = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2,
    over the declared categories sorted by value.
    """
    values = (
        [float(c) for c in table.categories] if level.ordered else list(range(table.n_categories))
    )
    order = sorted(range(table.n_categories), key=lambda k: values[k])
    rank = {k: r for r, k in enumerate(order)}
    q = table.n_categories
    o = [[0.0] * q for _ in range(q)]
    for row in table.codes:
        rated = [rank[int(c)] for c in row if c != MISSING]
        m = len(rated)
        if m < 2:
            continue
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[rated[i]][rated[j]] += 1.0 / (m - 1)
    v = [values[k] for k in order]
    n_c = [sum(o[c]) for c in range(q)]
    n = sum(n_c)

    def d2(c: int, k: int) -> float:
        if c == k:
            return 0.0
        if level is Measurement.NOMINAL:
            return 1.0
        if level is Measurement.ORDINAL:
            lo, hi = min(c, k), max(c, k)
            return (sum(n_c[lo : hi + 1]) - (n_c[c] + n_c[k]) / 2) ** 2
        if level is Measurement.INTERVAL:
            return (v[c] - v[k]) ** 2
        return ((v[c] - v[k]) / (v[c] + v[k])) ** 2

    observed = sum(o[c][k] * d2(c, k) for c in range(q) for k in range(q))
    expected = sum(n_c[c] * n_c[k] * d2(c, k) for c in range(q) for k in range(q))
    return 1.0 - (n - 1) * observed / expected


def random_table(seed: int, level: Measurement) -> RatingTable:
    """Seeded test data: 2-12 raters, missing ratings, unused and unevenly spaced levels,
    sometimes one dominant level."""
    rng = np.random.default_rng(seed)
    q = int(rng.integers(2, 8))
    values = np.sort(rng.choice(np.arange(0, 25), size=q, replace=False)).astype(float)
    n_used = int(rng.integers(2, q + 1)) if seed % 2 else q
    used = np.sort(rng.choice(q, size=n_used, replace=False))
    p = rng.dirichlet(np.ones(n_used))
    if seed % 3 == 0:  # one level that almost everyone uses
        p = np.full(n_used, 0.1 / (n_used - 1) if n_used > 1 else 0.0)
        p[int(rng.integers(n_used))] = 0.9
        p /= p.sum()
    n_units = int(rng.integers(3, 60))
    n_raters = int(rng.integers(2, 13))
    truth = rng.choice(n_used, size=n_units, p=p)
    agree = rng.random((n_units, n_raters)) < rng.uniform(0.3, 0.95)
    other = rng.choice(n_used, size=(n_units, n_raters), p=p)
    codes = used[np.where(agree, truth[:, None], other)]
    codes[rng.random(codes.shape) < rng.uniform(0.0, 0.45)] = MISSING
    return RatingTable(codes, tuple(float(x) for x in values), level)


def package_alpha(table: RatingTable, level: Measurement) -> float:
    """The `krippendorff` package (Castro, fast-krippendorff 0.9) on the same data."""
    cats = np.array([float(c) for c in table.categories])
    data = np.where(table.codes.T == MISSING, np.nan, cats[np.maximum(table.codes.T, 0)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(
            krippendorff.alpha(
                reliability_data=data, level_of_measurement=level.value, value_domain=cats
            )
        )


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", range(40))
def test_matches_krippendorff_package(seed: int, level: Measurement) -> None:
    # The package's ordinal metric sums the coincidence marginals n_v over the value_domain
    # between the two values, i.e. Krippendorff's rank-based metric; an unused declared value
    # has n_v = 0 there too, so the two agree even with unused levels (checked here: every
    # other seed leaves some declared levels unused).
    table = random_table(seed, level)
    ours = krippendorff_alpha_value(table)
    if ours is None:
        try:
            theirs = package_alpha(table, level)
        except ValueError:  # "at least one unit with values assigned by at least two coders"
            return
        assert math.isnan(theirs)  # 0/0: no variation among the pairable values
        return
    assert ours == pytest.approx(package_alpha(table, level), abs=1e-9)
    assert ours == pytest.approx(brute_force_alpha(table, level), abs=1e-9)


def test_some_cross_check_tables_have_unused_levels_and_are_defined() -> None:
    """Guard the cross-check above against testing only easy or undefined cases."""
    tables = [random_table(seed, Measurement.ORDINAL) for seed in range(40)]
    with_unused = [t for t in tables if (t.counts().sum(axis=0) == 0).any()]
    assert len(with_unused) >= 10
    assert sum(krippendorff_alpha_value(t) is not None for t in with_unused) >= 8
    assert min(t.n_raters for t in tables) == 2
    assert max(t.n_raters for t in tables) >= 10


def test_ordinal_on_a_nominal_table_uses_value_order() -> None:
    # Categories declared out of order (fine at the nominal level): the ordinal metric must
    # rank them by value. Oracle: the published formula, written out in brute_force_alpha.
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 4, size=(25, 4))
    codes[rng.random(codes.shape) < 0.2] = MISSING
    table = RatingTable(codes, (3.0, 1.0, 4.0, 2.0), Measurement.NOMINAL)
    ours = krippendorff_alpha_value(table, level=Measurement.ORDINAL)
    assert ours == pytest.approx(brute_force_alpha(table, Measurement.ORDINAL), abs=1e-12)
    assert ours != pytest.approx(krippendorff_alpha_value(table), abs=1e-6)


def test_level_argument_overrides_table_level() -> None:
    table = _section_c(Measurement.NOMINAL)
    interval = krippendorff_alpha(table, level=Measurement.INTERVAL, n_boot=0)
    assert interval.statistic == krippendorff_alpha_value(_section_c(Measurement.INTERVAL))


# --------------------------------------------------------------------------- properties


@st.composite
def tables(draw: st.DrawFn, max_units: int = 25, max_raters: int = 6) -> RatingTable:
    q = draw(st.integers(2, 5))
    n_units = draw(st.integers(0, max_units))
    n_raters = draw(st.integers(1, max_raters))
    codes = draw(
        st.lists(
            st.lists(st.integers(MISSING, q - 1), min_size=n_raters, max_size=n_raters),
            min_size=n_units,
            max_size=n_units,
        )
    )
    level = draw(st.sampled_from(LEVELS))
    array = np.array(codes, dtype=np.int64).reshape(n_units, n_raters)
    return RatingTable(array, tuple(float(k + 1) for k in range(q)), level)


@settings(max_examples=60, deadline=None)
@given(table=tables(), data=st.data())
def test_permuting_raters_or_units_changes_nothing(table: RatingTable, data: st.DataObject) -> None:
    units = data.draw(st.permutations(range(table.n_units)))
    raters = data.draw(st.permutations(range(table.n_raters)))
    shuffled = RatingTable(
        table.codes[np.ix_(list(units), list(raters))] if table.n_units else table.codes,
        table.categories,
        table.level,
    )
    # Same seed: the bootstrap works on unit patterns, so even the interval is unchanged.
    assert krippendorff_alpha(shuffled, n_boot=100) == krippendorff_alpha(table, n_boot=100)


@settings(max_examples=60, deadline=None)
@given(
    levels=st.lists(st.integers(0, 4), min_size=2, max_size=30).filter(lambda x: len(set(x)) > 1),
    n_raters=st.integers(2, 6),
    level=st.sampled_from(LEVELS),
    seed=st.integers(0, 2**32 - 1),
)
def test_perfect_agreement_is_one(
    levels: list[int], n_raters: int, level: Measurement, seed: int
) -> None:
    codes = np.repeat(np.array(levels)[:, None], n_raters, axis=1)
    drop = np.random.default_rng(seed).random(codes.shape) < 0.3
    drop[:, :2] = False  # every unit keeps two ratings, so the distinct levels stay pairable
    codes[drop] = MISSING
    result = krippendorff_alpha(RatingTable(codes, (0.0, 1.0, 2.0, 3.0, 5.0), level), n_boot=100)
    assert result.statistic == 1.0
    # Each usable resample also agrees perfectly (with two units, half the resamples hold one
    # level only and there may be too few left for an interval).
    assert result.ci_high in (None, 1.0)
    assert result.ci_low in (None, 1.0)


@settings(max_examples=80, deadline=None)
@given(table=tables(max_units=12, max_raters=5))
def test_never_nan(table: RatingTable) -> None:
    result = krippendorff_alpha(table, n_boot=50, rng=1)
    # AgreementResult itself refuses non-finite numbers, so reaching here means none leaked.
    assert isinstance(result, AgreementResult)
    if result.statistic is None:
        assert result.reason
        assert krippendorff_alpha_value(table) is None
    else:
        assert result.statistic <= 1.0 + 1e-12
        if result.ci_low is not None and result.ci_high is not None:
            assert result.ci_low <= result.ci_high <= 1.0 + 1e-12


def _realistic(seed: int, n_units: int, n_raters: int) -> RatingTable:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 5, size=n_units)
    codes = np.clip(truth[:, None] + rng.integers(-1, 2, size=(n_units, n_raters)), 0, 4)
    codes[rng.random(codes.shape) < 0.1] = MISSING
    return RatingTable(codes, (1.0, 2.0, 3.0, 4.0, 5.0), Measurement.ORDINAL)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_units=st.integers(60, 200),
    n_raters=st.integers(3, 6),
    level=st.sampled_from(LEVELS),
)
def test_interval_contains_estimate_on_reasonable_data(
    seed: int, n_units: int, n_raters: int, level: Measurement
) -> None:
    result = krippendorff_alpha(_realistic(seed, n_units, n_raters), level=level, n_boot=400)
    assert result.statistic is not None
    assert result.ci_low is not None and result.ci_high is not None
    assert result.ci_low <= result.statistic <= result.ci_high
    assert result.standard_error is not None and result.standard_error > 0
    assert "percentile bootstrap" in result.ci_method


def test_seed_reproduces_and_different_seeds_differ() -> None:
    table = _realistic(3, 80, 4)
    a = krippendorff_alpha(table, rng=11)
    b = krippendorff_alpha(table, rng=11)
    c = krippendorff_alpha(table, rng=12)
    d = krippendorff_alpha(table, rng=np.random.default_rng(11))
    assert (a.ci_low, a.ci_high, a.standard_error) == (b.ci_low, b.ci_high, b.standard_error)
    assert (a.ci_low, a.ci_high) == (d.ci_low, d.ci_high)
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)
    assert a.statistic == c.statistic


def test_bootstrap_is_fast_and_memory_bounded_on_20000_units() -> None:
    # Many distinct unit patterns (7 levels, 6 raters, missing ratings): the worst case for
    # the pattern grouping.
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 7, size=20_000)
    codes = np.clip(truth[:, None] + rng.integers(-2, 3, size=(20_000, 6)), 0, 6)
    codes[rng.random(codes.shape) < 0.15] = MISSING
    table = RatingTable(codes, tuple(float(k) for k in range(7)), Measurement.ORDINAL)
    tracemalloc.start()
    start = time.perf_counter()
    result = krippendorff_alpha(table, n_boot=1000)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.ci_low is not None
    assert elapsed < 10.0
    assert peak < 100 * 1024 * 1024


# --------------------------------------------------------------------------- degenerate data


@pytest.mark.parametrize("level", LEVELS)
def test_one_level_everywhere_is_undefined(level: Measurement) -> None:
    codes = np.full((6, 3), 2)
    codes[0, 1] = MISSING
    result = krippendorff_alpha(RatingTable(codes, (1.0, 2.0, 3.0, 4.0), level))
    assert result.statistic is None
    assert result.reason == (
        "every rating is the same level, so there is no disagreement to measure against chance"
    )
    assert result.reading.startswith("Not available")
    assert result.ci_low is None and result.standard_error is None


@pytest.mark.parametrize("level", LEVELS)
def test_no_unit_with_two_ratings_is_undefined(level: Measurement) -> None:
    codes = np.array([[0, MISSING, MISSING], [MISSING, 1, MISSING], [MISSING, MISSING, 2]])
    result = krippendorff_alpha(RatingTable(codes, (1.0, 2.0, 3.0), level))
    assert result.statistic is None
    assert result.reason is not None and "two or more raters" in result.reason
    assert result.n_units == 0
    assert krippendorff_alpha_value(RatingTable(codes, (1.0, 2.0, 3.0), level)) is None


def test_empty_table_is_undefined() -> None:
    table = RatingTable(np.zeros((0, 3), dtype=np.int64), (1.0, 2.0), Measurement.NOMINAL)
    assert krippendorff_alpha(table).statistic is None


@pytest.mark.parametrize("level", [Measurement.ORDINAL, Measurement.INTERVAL, Measurement.RATIO])
def test_word_levels_at_an_ordered_level_are_undefined(level: Measurement) -> None:
    table = RatingTable.from_values(
        [["low", "high"], ["high", "high"], ["low", "low"]],
        categories=["low", "high"],
        level="nominal",
    )
    assert krippendorff_alpha_value(table) is not None
    result = krippendorff_alpha(table, level=level)
    assert result.statistic is None
    assert result.reason is not None and "words" in result.reason


def test_ratio_needs_non_negative_levels() -> None:
    codes = np.array([[0, 1], [1, 2], [2, 2]])
    table = RatingTable(codes, (-1.0, 0.0, 1.0), Measurement.RATIO)
    result = krippendorff_alpha(table)
    assert result.statistic is None
    assert result.reason is not None and "interval" in result.reason
    assert krippendorff_alpha(table, level=Measurement.INTERVAL).statistic is not None


def _one_dissenting_unit() -> RatingTable:
    # 30 units everyone put at level 2, and one unit with a 1: about e^-1 = 37% of resamples
    # miss that unit, so every rating in them is the same level and alpha is undefined there.
    codes = np.full((31, 3), 1)
    codes[30, 0] = 0
    return RatingTable(codes, (1.0, 2.0, 3.0), Measurement.NOMINAL)


def test_degenerate_resamples_are_set_aside_not_nan() -> None:
    result = krippendorff_alpha(_one_dissenting_unit(), n_boot=1000)
    assert result.statistic is not None
    assert result.ci_low is not None and result.ci_high is not None
    assert math.isfinite(result.ci_low) and math.isfinite(result.ci_high)
    assert "set aside" in result.ci_method
    set_aside = int(result.ci_method.split("; ")[1].split()[0])
    assert 250 < set_aside < 500  # about 1000 * (30/31)^31 = 362


def test_too_many_degenerate_resamples_gives_no_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kmod, "_MIN_USABLE_SHARE", 0.9)
    result = krippendorff_alpha(_one_dissenting_unit(), n_boot=500)
    assert result.statistic is not None
    assert result.ci_low is None and result.standard_error is None
    assert result.reason is not None and "only a few samples" in result.reason


def test_no_bootstrap_when_n_boot_is_zero() -> None:
    result = krippendorff_alpha(_section_c(Measurement.INTERVAL), n_boot=0)
    assert result.statistic is not None
    assert result.ci_low is None
    assert result.reason is not None and "no bootstrap" in result.reason
    with pytest.raises(ValueError):
        krippendorff_alpha(_section_c(Measurement.INTERVAL), n_boot=-1)
