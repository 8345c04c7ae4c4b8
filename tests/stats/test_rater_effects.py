"""Rater effects: Wilson bound, severity with a t interval, central tendency, level use, drift."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.stats.rater_effects import (
    Lean,
    central_tendency,
    lean_of,
    level_use,
    proportion,
    severity,
    two_proportion_z_test,
    welch_test,
    wilson_lower_bound,
)


# ----------------------------------------------------------------- Wilson lower bound
def test_wilson_lower_bound_matches_newcombe_1998() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (Wilson score
    # interval without continuity correction), lower 95% limits.
    assert wilson_lower_bound(81, 263) == pytest.approx(0.2553, abs=5e-5)
    assert wilson_lower_bound(15, 148) == pytest.approx(0.0624, abs=5e-5)
    assert wilson_lower_bound(0, 20) == 0.0
    assert wilson_lower_bound(1, 29) == pytest.approx(0.0061, abs=5e-5)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 400),
    share=st.floats(0, 1),
    level=st.sampled_from([0.80, 0.90, 0.95, 0.99]),
)
def test_wilson_lower_bound_matches_statsmodels(n: int, share: float, level: float) -> None:
    # statsmodels proportion_confint(method="wilson") as an independent implementation.
    x = round(share * n)
    low, _ = proportion_confint(x, n, alpha=1 - level, method="wilson")
    assert wilson_lower_bound(x, n, confidence_level=level) == pytest.approx(low, abs=1e-10)


def test_a_perfect_record_needs_enough_scores_to_clear_a_bar() -> None:
    # With every score right, the Wilson lower bound is n / (n + z²) (Wilson 1927, p = 1).
    z2 = stats.norm.ppf(0.975) ** 2
    for n in (5, 9, 20, 35):
        assert wilson_lower_bound(n, n) == pytest.approx(n / (n + z2), abs=1e-12)
    assert wilson_lower_bound(8, 8) < 0.70 <= wilson_lower_bound(9, 9)


def test_wilson_lower_bound_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError):
        wilson_lower_bound(3, 2)
    with pytest.raises(ValueError):
        wilson_lower_bound(0, 0)


def test_proportion_states_n_and_interval_or_says_why_not() -> None:
    est = proportion("exact", 21, 40, what="matched the reference exactly")
    assert est.statistic == pytest.approx(0.525)
    assert est.n == 40
    ci = est.confidence_interval()
    assert ci is not None
    assert ci == pytest.approx(proportion_confint(21, 40, alpha=0.05, method="wilson"))
    assert "21 of 40 scores matched the reference exactly (52%" in est.reading
    empty = proportion("exact", 0, 0, what="matched")
    assert empty.statistic is None and empty.reason


# ----------------------------------------------------------------- severity
def test_severity_is_the_mean_deviation_with_a_t_interval() -> None:
    d = [1, 0, 1, 2, 0, 1, 0, 1]
    est = severity(d)
    mean = sum(d) / len(d)  # 0.75
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (len(d) - 1))
    half = stats.t.ppf(0.975, len(d) - 1) * sd / math.sqrt(len(d))
    assert est.statistic == pytest.approx(0.75)
    assert est.confidence_interval() == pytest.approx((mean - half, mean + half))
    assert est.n == 8
    assert lean_of(est) is Lean.LENIENT
    assert "lenient" in est.reading


def test_severity_reads_severe_and_no_clear_lean() -> None:
    assert lean_of(severity([-1, -1, 0, -2, -1, -1])) is Lean.SEVERE
    balanced = severity([1, -1, 0, 1, -1, 0])
    assert lean_of(balanced) is Lean.NONE
    assert "no clear lean" in balanced.reading


@pytest.mark.parametrize(
    ("deviations", "words"),
    [([], "No score"), ([1], "Only one score"), ([1, 1, 1], "same distance")],
)
def test_severity_without_an_interval_says_why(deviations: list[int], words: str) -> None:
    est = severity(deviations)
    assert est.confidence_interval() is None
    assert est.reason is not None and words in est.reason
    assert lean_of(est) is Lean.UNKNOWN


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=2, max_size=60), st.randoms())
def test_severity_interval_holds_the_mean_and_ignores_order(
    deviations: list[int], rnd: object
) -> None:
    est = severity(deviations)
    shuffled = list(deviations)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = severity(shuffled)
    assert again.statistic == pytest.approx(est.statistic)
    ci = est.confidence_interval()
    if ci is not None:
        assert ci[0] <= est.statistic <= ci[1]  # type: ignore[operator]


# ----------------------------------------------------------------- central tendency, level use
def _table(columns: list[list[int]], q: int = 4) -> RatingTable:
    codes = np.array(columns, dtype=np.int64).T
    return RatingTable(codes, tuple(float(k + 1) for k in range(q)), Measurement.ORDINAL)


def test_a_rater_who_avoids_the_ends_is_flagged() -> None:
    others = [0, 1, 2, 3, 0, 3, 1, 2, 3, 0]
    middle = [1, 1, 2, 2, 1, 2, 1, 2, 2, 1]
    table = _table([middle, others, others])
    ct = central_tendency(table, 0)
    assert ct.flagged
    assert ct.extreme_share == 0.0
    assert ct.others_extreme_share == pytest.approx(0.6)
    assert ct.rater_sd == pytest.approx(float(np.std(middle, ddof=1)))
    assert ct.others_sd == pytest.approx(float(np.std(others + others, ddof=1)))
    assert "middle" in ct.reading
    assert not central_tendency(table, 1).flagged


def test_central_tendency_uses_only_units_the_rater_scored() -> None:
    codes = np.array([[1, 0], [2, 3], [MISSING, 0], [1, 3], [2, 0]], dtype=np.int64)
    table = RatingTable(codes, (1.0, 2.0, 3.0, 4.0), Measurement.ORDINAL)
    ct = central_tendency(table, 0)
    assert ct.n == 4 and ct.n_others == 4


def test_central_tendency_without_enough_data_says_why() -> None:
    assert central_tendency(_table([[0, 1], [1, 0]], q=2), 0).reason is not None
    short = central_tendency(_table([[0, 1], [1, 2]]), 0)
    assert not short.flagged and short.reason and "Fewer than three" in short.reason


def test_level_use_counts_every_declared_level() -> None:
    table = _table([[1, 1, 2, 2], [0, 1, 2, 2], [0, 1, 1, 2]], q=5)
    use = level_use(table, 0)
    assert [u.count for u in use] == [0, 2, 2, 0, 0]
    assert [u.others_count for u in use] == [2, 3, 3, 0, 0]
    assert use[0].flag == "under" and use[0].difference == pytest.approx(-0.25)
    assert use[4].flag == "" and use[4].share == 0.0


# ----------------------------------------------------------------- drift
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scipy, on a constant sample
@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n1=st.integers(2, 40), n2=st.integers(2, 40))
def test_welch_test_matches_scipy(seed: int, n1: int, n2: int) -> None:
    # scipy.stats.ttest_ind(equal_var=False) implements Welch (1947) with Satterthwaite df.
    rng = np.random.default_rng(seed)
    a = rng.integers(-2, 3, size=n1).astype(float)
    b = rng.integers(-1, 3, size=n2).astype(float)
    test = welch_test(a, b)
    if a.var() + b.var() == 0:
        assert test.p_value is None and test.reason
        return
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert test.statistic == pytest.approx(float(ref.statistic), rel=1e-9)
    assert test.p_value == pytest.approx(float(ref.pvalue), rel=1e-9, abs=1e-15)
    assert test.df == pytest.approx(float(ref.df), rel=1e-9)


def test_welch_test_by_hand() -> None:
    # Welch (1947): t = (m2 - m1) / sqrt(s1²/n1 + s2²/n2),
    # df = (s1²/n1 + s2²/n2)² / ((s1²/n1)²/(n1-1) + (s2²/n2)²/(n2-1)).
    before, after = [0, 0, 1, 0, -1, 0], [1, 1, 2, 1, 0, 1, 1, 2]
    # m1 = 0, s1² = 0.4; m2 = 1.125, s2² = 0.410714...
    v1, v2 = 0.4 / 6, (0.410714285714 / 8)
    t = 1.125 / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1**2 / 5 + v2**2 / 7)
    test = welch_test(before, after)
    assert test.statistic == pytest.approx(t, rel=1e-9)
    assert test.df == pytest.approx(df, rel=1e-9)
    assert test.significant
    assert "more lenient" in test.reading


def test_two_proportion_z_test_by_hand() -> None:
    # Pooled z test (Fleiss, Levin & Paik 2003, sec. 2.5): 21/40 exact, then 32/40.
    pooled = 53 / 80
    z = (32 / 40 - 21 / 40) / math.sqrt(pooled * (1 - pooled) * (1 / 40 + 1 / 40))
    p = math.erfc(abs(z) / math.sqrt(2))
    test = two_proportion_z_test(21, 40, 32, 40)
    assert z == pytest.approx(2.6009, abs=1e-4)  # hand arithmetic: 0.275 / 0.105734
    assert test.statistic == pytest.approx(z, rel=1e-12)
    assert test.p_value == pytest.approx(p, rel=1e-9)
    assert test.significant and "more accurate" in test.reading
    # statsmodels' proportions_ztest (pooled variance by default) agrees.
    z_sm, p_sm = proportions_ztest([32, 21], [40, 40])
    assert test.statistic == pytest.approx(z_sm) and test.p_value == pytest.approx(p_sm)


@pytest.mark.parametrize(
    ("counts", "words"),
    [((0, 0, 3, 4), "needs compared scores"), ((5, 5, 4, 4), "exact match")],
)
def test_two_proportion_z_test_without_data_says_why(
    counts: tuple[int, int, int, int], words: str
) -> None:
    test = two_proportion_z_test(*counts)
    assert test.p_value is None and test.reason and words in test.reason
    assert not test.significant


def test_welch_test_needs_two_scores_per_session() -> None:
    test = welch_test([1], [0, 1, 2])
    assert test.p_value is None and test.reason and "at least two" in test.reason


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0, "p < 0.001"),
        (0.0004, "p < 0.001"),
        (0.001, "p = 0.001"),
        (0.0429, "p = 0.043"),
        (0.25, "p = 0.25"),
    ],
)
def test_p_values_are_never_printed_as_zero(p: float, text: str) -> None:
    from calibrate.stats.drift import p_text

    assert p_text(p) == text
