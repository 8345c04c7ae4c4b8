"""Percent agreement: published examples, oracles, degenerate data, properties."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from irrCAC.raw import CAC
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.stats import percent
from calibrate.stats.percent import (
    percent_adjacent,
    percent_adjacent_all_raters,
    percent_exact,
    percent_exact_all_raters,
    unit_pair_shares,
    wilson_interval,
)
from calibrate.stats.result import AgreementResult, Family
from tests.stats.shared import GWET_4RATERS, assert_same_result, rating_tables

ALL = (percent_exact, percent_adjacent, percent_exact_all_raters, percent_adjacent_all_raters)
LEVELS = (1.0, 2.0, 3.0, 4.0, 5.0)


def ordinal(
    values: list[list[float | None]], categories: tuple[float, ...] = LEVELS
) -> RatingTable:
    return RatingTable.from_values(values, categories=categories, level=Measurement.ORDINAL)


# ----------------------------------------------------------------- published examples
# Gwet (2014)'s "raw 4 raters" example: tests/stats/shared.py.


def test_gwet_2014_four_raters_percent_agreement() -> None:
    res = percent_exact(ordinal(GWET_4RATERS))
    # Gwet (2014), 4-rater example: pa = 0.8182 (= 9/11; the last unit has a single rating and
    # does not count). The same value is printed in irrCAC's documented example output.
    assert res.statistic == pytest.approx(9 / 11, abs=1e-12)
    assert res.statistic == pytest.approx(0.81818, abs=5e-6)
    assert res.n_units == 11
    assert res.n_raters == 4
    assert res.family is Family.PERCENT


def test_gwet_2014_four_raters_other_views() -> None:
    table = ordinal(GWET_4RATERS)
    # Adjacent, by hand: unit 6 (levels 1, 2, 3, 4) has 3 of 6 pairs one step apart; every
    # other multiply rated unit is within one step everywhere. (10 + 0.5) / 11.
    assert percent_adjacent(table).statistic == pytest.approx(10.5 / 11, abs=1e-12)
    # Complete units are 2-9; all four agree on 3, 4, 5, 7, 9 -> 5 / 8; within one step on
    # all but unit 6 -> 7 / 8.
    exact_all = percent_exact_all_raters(table)
    assert exact_all.statistic == pytest.approx(5 / 8)
    assert exact_all.n_units == 8
    assert percent_adjacent_all_raters(table).statistic == pytest.approx(7 / 8)


# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories, given as
# counts per category, with the per-subject agreement P_i and P-bar = 0.378.
WIKIPEDIA_COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]
WIKIPEDIA_P_I = [1.000, 0.253, 0.308, 0.440, 0.330, 0.462, 0.242, 0.176, 0.286, 0.286]


def from_counts(counts: list[list[int]], level: Measurement) -> RatingTable:
    rows = [[k for k, c in enumerate(row) for _ in range(c)] for row in counts]
    cats: tuple[float | str, ...] = (
        LEVELS if level.ordered else tuple(f"c{k}" for k in range(len(counts[0])))
    )
    return RatingTable(np.array(rows, dtype=np.int64), cats, level)


def test_wikipedia_fleiss_example_pair_agreement() -> None:
    table = from_counts(WIKIPEDIA_COUNTS, Measurement.NOMINAL)
    shares = unit_pair_shares(table)
    # Wikipedia "Fleiss' kappa" worked example: P_i to three decimals, P-bar = 0.378.
    assert shares == pytest.approx(WIKIPEDIA_P_I, abs=5e-4)
    assert percent_exact(table).statistic == pytest.approx(0.378, abs=5e-4)


def test_wilson_interval_matches_newcombe_1998() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (Wilson score,
    # no continuity correction), 95% limits.
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert wilson_interval(15, 148) == pytest.approx((0.0624, 0.1605), abs=5e-5)
    assert wilson_interval(0, 20) == pytest.approx((0.0, 0.1611), abs=5e-5)
    assert wilson_interval(1, 29) == pytest.approx((0.0061, 0.1718), abs=5e-5)


# ----------------------------------------------------------------- hand-checked definitions
def test_adjacent_counts_steps_between_declared_positions_not_values() -> None:
    # Levels 0, 10, 20: 0 and 10 are one step apart although 10 units apart in value.
    table = ordinal([[0, 10], [0, 20], [10, 20], [20, 20]], categories=(0.0, 10.0, 20.0))
    assert percent_adjacent(table).statistic == pytest.approx(3 / 4)
    assert percent_adjacent_all_raters(table).statistic == pytest.approx(3 / 4)
    # An unused level in between is still a step: with 1..4 declared, 1 and 3 are two apart.
    gap = ordinal([[1, 3], [1, 2]], categories=(1.0, 2.0, 3.0, 4.0))
    assert percent_adjacent(gap).statistic == pytest.approx(1 / 2)


def test_pairwise_weights_every_unit_equally_whatever_its_raters() -> None:
    # Unit 1: 2 raters agree (1 of 1 pair). Unit 2: 3 raters, one pair of 3 agrees.
    table = ordinal([[2, 2, None], [1, 1, 3]])
    res = percent_exact(table)
    assert res.statistic == pytest.approx((1 + 1 / 3) / 2)
    assert res.n_units == 2


# ----------------------------------------------------------------- oracles on random data
def random_table(
    seed: int,
    *,
    n: int,
    raters: int,
    q: int,
    used: int | None = None,
    missing: float = 0.0,
    dominant: float | None = None,
) -> npt.NDArray[np.int64]:
    rng = np.random.default_rng(seed)
    k = used or q
    if dominant is None:
        truth = rng.integers(0, k, size=n)
    else:
        p = np.full(k, (1 - dominant) / (k - 1))
        p[0] = dominant
        truth = rng.choice(k, size=n, p=p)
    jitter = rng.integers(-1, 2, size=(n, raters)) * (rng.random((n, raters)) < 0.5)
    codes = np.clip(truth[:, None] + jitter, 0, k - 1).astype(np.int64)
    codes[rng.random((n, raters)) < missing] = MISSING
    return codes


CASES = [
    dict(seed=1, n=30, raters=3, q=4),
    dict(seed=2, n=50, raters=5, q=5, missing=0.25),
    dict(seed=3, n=20, raters=4, q=6, used=3, missing=0.1),  # unused levels
    dict(seed=4, n=60, raters=3, q=4, dominant=0.85),  # one dominant level
    dict(seed=5, n=12, raters=6, q=3, missing=0.4),
    dict(seed=6, n=100, raters=2, q=5, missing=0.2),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"seed{c['seed']}")
def test_percent_exact_matches_irrcac_pa(case: dict[str, int | float]) -> None:
    codes = random_table(**case)  # type: ignore[arg-type]
    q = int(case["q"])
    cats = tuple(float(k + 1) for k in range(q))
    table = RatingTable(codes, cats, Measurement.ORDINAL)
    frame = pd.DataFrame(table.values())
    # irrCAC rounds its outputs to 5 decimals.
    ref = CAC(frame, categories=list(cats)).fleiss()["est"]["pa"]
    assert percent_exact(table).statistic == pytest.approx(ref, abs=1e-5)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"seed{c['seed']}")
def test_pairwise_interval_is_the_t_interval_of_unit_shares(case: dict[str, int | float]) -> None:
    codes = random_table(**case)  # type: ignore[arg-type]
    table = RatingTable(
        codes, tuple(float(k + 1) for k in range(int(case["q"]))), Measurement.ORDINAL
    )
    for fn, adjacent in ((percent_exact, False), (percent_adjacent, True)):
        shares = unit_pair_shares(table, adjacent=adjacent)
        shares = shares[~np.isnan(shares)]
        se = stats.sem(shares)
        low, high = stats.t.interval(0.95, len(shares) - 1, loc=shares.mean(), scale=se)
        res = fn(table)
        assert res.statistic == pytest.approx(shares.mean(), abs=1e-12)
        assert res.standard_error == pytest.approx(se, abs=1e-12)
        assert res.ci_low == pytest.approx(max(0.0, low), abs=1e-12)
        assert res.ci_high == pytest.approx(min(1.0, high), abs=1e-12)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"seed{c['seed']}")
def test_all_raters_interval_matches_statsmodels_wilson(case: dict[str, int | float]) -> None:
    codes = random_table(**case)  # type: ignore[arg-type]
    table = RatingTable(
        codes, tuple(float(k + 1) for k in range(int(case["q"]))), Measurement.ORDINAL
    )
    complete = codes[(codes != MISSING).all(axis=1)]
    n = len(complete)
    if n == 0:
        assert not percent_exact_all_raters(table).defined
        return
    spread = complete.max(axis=1) - complete.min(axis=1)
    for fn, limit in ((percent_exact_all_raters, 0), (percent_adjacent_all_raters, 1)):
        hits = int((spread <= limit).sum())
        low, high = proportion_confint(hits, n, alpha=0.05, method="wilson")
        res = fn(table)
        assert res.statistic == pytest.approx(hits / n, abs=1e-12)
        assert res.standard_error == pytest.approx(math.sqrt(hits / n * (1 - hits / n) / n))
        assert res.ci_low == pytest.approx(low, abs=1e-9)
        assert res.ci_high == pytest.approx(high, abs=1e-9)


# ----------------------------------------------------------------- degenerate data
def test_adjacent_is_undefined_for_nominal_data() -> None:
    table = RatingTable(np.array([[0, 1], [1, 1]]), ("red", "blue"), Measurement.NOMINAL)
    assert percent_exact(table).statistic == pytest.approx(0.5)
    for fn in (percent_adjacent, percent_adjacent_all_raters):
        res = fn(table)
        assert res.statistic is None
        assert res.reason is not None and "nominal" in res.reason


def test_no_unit_with_two_ratings_is_undefined() -> None:
    table = ordinal([[1, None, None], [None, 2, None], [None, None, None]])
    for fn in (percent_exact, percent_adjacent):
        res = fn(table)
        assert res.statistic is None
        assert res.reason == (
            "No sample was scored by two or more raters, so there is nothing to compare yet."
        )
    res = percent_exact_all_raters(table)
    assert res.statistic is None
    assert res.reason is not None and "No sample was scored by every rater" in res.reason


def test_single_rater_is_undefined_for_all_raters_views() -> None:
    table = ordinal([[1], [2]])
    for fn in ALL:
        res = fn(table)
        assert res.statistic is None
        assert res.reason


def test_one_usable_unit_gives_a_value_without_interval() -> None:
    table = ordinal([[1, 1], [2, None]])
    res = percent_exact(table)
    assert res.statistic == pytest.approx(1.0)
    assert res.ci_low is None and res.standard_error is None
    assert res.reason is not None and "Only one sample" in res.reason


def test_empty_table_is_undefined_not_nan() -> None:
    table = RatingTable(np.empty((0, 3), dtype=np.int64), LEVELS, Measurement.ORDINAL)
    for fn in ALL:
        res = fn(table)
        assert res.statistic is None and res.reason


def test_exports() -> None:
    assert percent.NAMES == (
        "percent_exact",
        "percent_adjacent",
        "percent_exact_all_raters",
        "percent_adjacent_all_raters",
    )
    assert tuple(percent.FUNCTIONS) == percent.NAMES
    table = ordinal(GWET_4RATERS)
    for name, fn in percent.FUNCTIONS.items():
        assert fn(table).name == name


# ----------------------------------------------------------------- properties
def tables() -> st.SearchStrategy[RatingTable]:
    return rating_tables(raters=(1, 5), max_units=25)


def _same(a: AgreementResult, b: AgreementResult) -> None:
    assert_same_result(a, b, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_permuting_units_or_raters_changes_nothing(table: RatingTable, rnd: object) -> None:
    units = list(range(table.n_units))
    raters = list(range(table.n_raters))
    rnd.shuffle(units)  # type: ignore[attr-defined]
    rnd.shuffle(raters)  # type: ignore[attr-defined]
    by_unit = RatingTable(table.codes[units], table.categories, table.level)
    by_rater = table.select_raters(raters)
    for fn in ALL:
        _same(fn(table), fn(by_unit))
        _same(fn(table), fn(by_rater))


@settings(max_examples=150, deadline=None)
@given(tables())
def test_bounds_and_ci_contains_statistic(table: RatingTable) -> None:
    for fn in ALL:
        res = fn(table)
        assert res.name == fn.__name__
        if not res.defined:
            assert res.reason
            continue
        assert res.statistic is not None and 0.0 <= res.statistic <= 1.0
        if res.ci_low is not None and res.ci_high is not None:
            assert 0.0 <= res.ci_low <= res.statistic + 1e-12
            assert res.statistic - 1e-12 <= res.ci_high <= 1.0
    exact, adjacent = percent_exact(table), percent_adjacent(table)
    if exact.statistic is not None and adjacent.statistic is not None:
        assert adjacent.statistic >= exact.statistic - 1e-12


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda q: st.tuples(
            st.just(q),
            st.integers(2, 5),
            st.lists(st.integers(0, q - 1), min_size=2, max_size=25),
        )
    )
)
def test_perfect_agreement_gives_one(case: tuple[int, int, list[int]]) -> None:
    q, raters, levels = case
    if len(set(levels)) < 2:
        levels = [*levels, (levels[0] + 1) % q]
    codes = np.repeat(np.array(levels, dtype=np.int64)[:, None], raters, axis=1)
    table = RatingTable(codes, tuple(float(k) for k in range(q)), Measurement.ORDINAL)
    for fn in ALL:
        res = fn(table)
        assert res.statistic == pytest.approx(1.0, abs=1e-12)
        if res.confidence_interval() is None:
            # Pairwise shares identical on every unit: no zero-width interval, a reason instead.
            assert res.reason is not None and "same on every one" in res.reason
        else:
            assert res.ci_high == pytest.approx(1.0)
