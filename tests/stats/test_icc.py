"""Intraclass correlations: Shrout & Fleiss's worked example, pingouin as an oracle, the
McGraw & Wong interval formulas written out again here, degenerate data, and properties."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import f as f_dist

from calibrate.domain.ratings import Measurement, RatingTable
from calibrate.stats import icc
from calibrate.stats.icc import (
    FUNCTIONS,
    NAMES,
    icc_1_1,
    icc_1_k,
    icc_2_1,
    icc_2_k,
    icc_3_1,
    icc_3_k,
    mean_squares,
)
from calibrate.stats.result import AgreementResult, Family

pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning")

Icc = Callable[[RatingTable], AgreementResult]
ALL: tuple[Icc, ...] = (icc_1_1, icc_2_1, icc_3_1, icc_1_k, icc_2_k, icc_3_k)
LEVELS = tuple(float(v) for v in range(1, 11))


def table(
    values: npt.ArrayLike,
    *,
    categories: tuple[float, ...] = LEVELS,
    level: Measurement = Measurement.INTERVAL,
) -> RatingTable:
    """A table from numeric scores; NaN marks a missing score."""
    return RatingTable.from_values(
        np.asarray(values, dtype=float), categories=categories, level=level
    )


# ----------------------------------------------------------------- Shrout & Fleiss (1979)
# Shrout & Fleiss (1979), Psychological Bulletin 86:420-428, Table 2: six targets × four judges.
SF_TABLE2 = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
SF = table(SF_TABLE2)

# estimate: Shrout & Fleiss (1979), Table 4 (p. 424), printed to two decimals (ICC(1,4) etc.).
# psych: psych::ICC (Revelle) on the Table 2 data as printed in dwoll/RExRepos
#   md/interRaterICC.md, lower bound to 3 decimals and upper bound to 2.
# pingouin: pingouin 0.7.0 intraclass_corr on the same data, CI95 column as printed (rounded to
#   2 decimals by default, pingouin.options["round.column.CI95"] == 2).
SF_PUBLISHED = [
    # fn,     estimate, psych low, high, pingouin low, high
    (icc_1_1, 0.17, -0.133, 0.72, -0.13, 0.72),
    (icc_2_1, 0.29, 0.019, 0.76, 0.02, 0.76),
    (icc_3_1, 0.71, 0.342, 0.95, 0.34, 0.95),
    (icc_1_k, 0.44, -0.884, 0.91, -0.88, 0.91),
    (icc_2_k, 0.62, 0.071, 0.93, 0.07, 0.93),
    (icc_3_k, 0.91, 0.676, 0.99, 0.68, 0.99),
]


@pytest.mark.parametrize(("fn", "estimate", "p_low", "p_high", "pg_low", "pg_high"), SF_PUBLISHED)
def test_shrout_fleiss_published_values(
    fn: Icc, estimate: float, p_low: float, p_high: float, pg_low: float, pg_high: float
) -> None:
    res = fn(SF)
    assert res.statistic is not None and res.ci_low is not None and res.ci_high is not None
    assert round(res.statistic, 2) == estimate
    assert res.ci_low == pytest.approx(p_low, abs=5e-4)
    assert res.ci_high == pytest.approx(p_high, abs=5e-3)
    assert (round(res.ci_low, 2), round(res.ci_high, 2)) == (pg_low, pg_high)
    assert res.name == fn.__name__ and res.family is Family.ICC
    assert (res.n_units, res.n_raters) == (6, 4)
    assert res.reason is None and res.standard_error is None


def test_shrout_fleiss_table_3_mean_squares() -> None:
    ms = mean_squares(np.array(SF_TABLE2, dtype=float))
    # Shrout & Fleiss (1979), Table 3: BMS 11.24, WMS 6.26, JMS 32.49, EMS 1.02.
    assert (ms.msr, ms.msw, ms.msc, ms.mse) == pytest.approx((11.24, 6.26, 32.49, 1.02), abs=5e-3)


# ----------------------------------------------------------------- McGraw & Wong, again
def mcgraw_wong(x: npt.NDArray[np.float64], alpha: float = 0.05) -> dict[str, tuple[float, ...]]:
    """Estimates and limits written straight from McGraw & Wong (1996)'s formula tables.

    Mean squares from raw sums (not from deviations, as the module does); ICC(A,k) limits from
    the paper's own ICC(A,k) formulas with the ICC(A,1) df, not as a Spearman-Brown transform.
    """
    n, k = x.shape
    total = x.sum()
    correction = total**2 / (n * k)
    ss_total = float((x**2).sum() - correction)
    ss_r = float((x.sum(axis=1) ** 2).sum() / k - correction)
    ss_c = float((x.sum(axis=0) ** 2).sum() / n - correction)
    ss_e = ss_total - ss_r - ss_c
    msr, msc = ss_r / (n - 1), ss_c / (k - 1)
    mse = ss_e / ((n - 1) * (k - 1))
    msw = (ss_c + ss_e) / (n * (k - 1))

    def q(d1: float, d2: float) -> float:
        return float(f_dist.ppf(1 - alpha / 2, d1, d2))

    out: dict[str, tuple[float, ...]] = {}
    # Case 1: F = MSR/MSW on n-1 and n(k-1) df.
    f1 = msr / msw
    fl, fu = f1 / q(n - 1, n * (k - 1)), f1 * q(n * (k - 1), n - 1)
    out["icc_1_1"] = (
        (msr - msw) / (msr + (k - 1) * msw),
        (fl - 1) / (fl + k - 1),
        (fu - 1) / (fu + k - 1),
    )
    out["icc_1_k"] = ((msr - msw) / msr, 1 - 1 / fl, 1 - 1 / fu)
    # Case 3 (consistency): F = MSR/MSE on n-1 and (n-1)(k-1) df.
    f3 = msr / mse
    fl, fu = f3 / q(n - 1, (n - 1) * (k - 1)), f3 * q((n - 1) * (k - 1), n - 1)
    out["icc_3_1"] = (
        (msr - mse) / (msr + (k - 1) * mse),
        (fl - 1) / (fl + k - 1),
        (fu - 1) / (fu + k - 1),
    )
    out["icc_3_k"] = ((msr - mse) / msr, 1 - 1 / fl, 1 - 1 / fu)
    # Case 2 (absolute agreement): v written with Fj = MSC/MSE, as in the paper.
    p = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    fj = msc / mse
    v = ((k - 1) * (n - 1) * (k * p * fj + n * (1 + (k - 1) * p) - k * p) ** 2) / (
        (n - 1) * k**2 * p**2 * fj**2 + (n * (1 + (k - 1) * p) - k * p) ** 2
    )
    fs, fs2 = q(n - 1, v), q(v, n - 1)
    out["icc_2_1"] = (
        p,
        n * (msr - fs * mse) / (fs * (k * msc + (k * n - k - n) * mse) + n * msr),
        n * (fs2 * msr - mse) / (k * msc + (k * n - k - n) * mse + n * fs2 * msr),
    )
    out["icc_2_k"] = (
        (msr - mse) / (msr + (msc - mse) / n),
        n * (msr - fs * mse) / (fs * (msc - mse) + n * msr),
        n * (fs2 * msr - mse) / (msc - mse + n * fs2 * msr),
    )
    return out


def test_shrout_fleiss_against_mcgraw_wong_formulas() -> None:
    ref = mcgraw_wong(np.array(SF_TABLE2, dtype=float))
    for name in NAMES:
        res = FUNCTIONS[name](SF)
        assert (res.statistic, res.ci_low, res.ci_high) == pytest.approx(ref[name], abs=1e-12)


def random_scores(rng: np.random.Generator, n: int, k: int, q: int) -> npt.NDArray[np.float64]:
    """Scores 1..q with a true unit effect, rater severity and noise, so ICCs vary."""
    truth = rng.normal(0, rng.uniform(0.2, 2.0), size=(n, 1))
    severity = rng.normal(0, rng.uniform(0.0, 1.0), size=(1, k))
    noise = rng.normal(0, 1.0, size=(n, k))
    return np.clip(np.rint((q + 1) / 2 + truth + severity + noise), 1, q)


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_against_mcgraw_wong_formulas(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k, q = int(rng.integers(3, 30)), int(rng.integers(2, 13)), int(rng.integers(3, 8))
    x = random_scores(rng, n, k, q)
    t = table(x, categories=tuple(float(v) for v in range(1, q + 1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ref = mcgraw_wong(x)
    for name in NAMES:
        res = FUNCTIONS[name](t)
        if res.statistic is None:
            continue
        assert res.statistic == pytest.approx(ref[name][0], abs=1e-9)
        if res.ci_low is not None:
            assert (res.ci_low, res.ci_high) == pytest.approx(ref[name][1:], abs=1e-9)


# ----------------------------------------------------------------- pingouin as an oracle
PINGOUIN_ROW = dict(
    zip(
        NAMES, ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"), strict=True
    )
)


def pingouin_icc(x: npt.NDArray[np.float64]) -> pd.DataFrame:
    """pingouin's six ICCs with unrounded intervals; incomplete targets dropped (nan_policy)."""
    i, j = np.nonzero(~np.isnan(x))
    long = pd.DataFrame({"unit": i, "rater": j, "score": x[i, j]})
    saved = pg.options["round.column.CI95"]
    pg.options["round.column.CI95"] = None  # the default rounds the interval to 2 decimals
    try:
        with np.errstate(all="ignore"):
            out = pg.intraclass_corr(long, "unit", "rater", "score", nan_policy="omit")
    finally:
        pg.options["round.column.CI95"] = saved
    return out.set_index("Type")


def check_against_pingouin(x: npt.NDArray[np.float64], q: int) -> int:
    t = table(x, categories=tuple(float(v) for v in range(1, q + 1)))
    ref = pingouin_icc(x)
    compared = 0
    for name in NAMES:
        res = FUNCTIONS[name](t)
        row = ref.loc[PINGOUIN_ROW[name]]
        assert res.n_units == int(t.present.all(axis=1).sum())
        if res.statistic is None:
            # Only the degenerate ICC(A,k) denominator can do this on such data; pingouin then
            # returns an impossible value (above 1, or infinite).
            assert name == "icc_2_k"
            assert not (-1e6 < row["ICC"] <= 1.0)
            continue
        assert res.statistic == pytest.approx(row["ICC"], abs=1e-9)
        if res.ci_low is not None:
            assert (res.ci_low, res.ci_high) == pytest.approx(tuple(row["CI95"]), abs=1e-9)
        compared += 1
    return compared


@pytest.mark.parametrize("seed", range(40))
def test_random_complete_tables_against_pingouin(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n, k, q = int(rng.integers(3, 40)), int(rng.integers(2, 13)), int(rng.integers(3, 8))
    assert check_against_pingouin(random_scores(rng, n, k, q), q) >= 5


@pytest.mark.parametrize("seed", range(30))
def test_random_tables_with_missing_scores_against_pingouin(seed: int) -> None:
    rng = np.random.default_rng(2000 + seed)
    n, k, q = int(rng.integers(8, 40)), int(rng.integers(2, 9)), int(rng.integers(3, 8))
    x = random_scores(rng, n, k, q)
    x[rng.random(x.shape) < rng.uniform(0.02, 0.12)] = np.nan
    complete = int((~np.isnan(x)).all(axis=1).sum())
    if complete < 3:
        x[:3] = random_scores(rng, 3, k, q)
    assert check_against_pingouin(x, q) >= 5


def test_listwise_deletion_counts_complete_units() -> None:
    x = np.array([*SF_TABLE2, [3, np.nan, 4, 5], [np.nan, np.nan, 1, 2]], dtype=float)
    for fn in ALL:
        with_gaps, original = fn(table(x)), fn(SF)
        assert with_gaps.n_units == 6
        assert with_gaps.statistic == original.statistic
        assert (with_gaps.ci_low, with_gaps.ci_high) == (original.ci_low, original.ci_high)


# ----------------------------------------------------------------- when it is not defined
@pytest.mark.parametrize("fn", ALL)
def test_nominal_levels_are_refused(fn: Icc) -> None:
    t = RatingTable.from_values(
        [["a", "b"], ["b", "b"], ["a", "a"]], categories=["a", "b"], level="nominal"
    )
    res = fn(t)
    assert res.statistic is None and res.reason and "names" in res.reason
    assert res.name == fn.__name__


@pytest.mark.parametrize("fn", ALL)
def test_too_few_raters_or_units(fn: Icc) -> None:
    one_rater = fn(table([[1], [2], [3]]))
    assert one_rater.statistic is None and one_rater.reason and "one rater" in one_rater.reason
    one_unit = fn(table([[1, 2, 3], [2, np.nan, 3]]))
    assert one_unit.statistic is None and one_unit.reason and "two samples" in one_unit.reason
    assert one_unit.n_units == 1
    empty = fn(table(np.empty((0, 3))))
    assert empty.statistic is None and empty.n_units == 0


@pytest.mark.parametrize("fn", ALL)
def test_all_scores_identical(fn: Icc) -> None:
    res = fn(table([[3, 3, 3], [3, 3, 3], [3, 3, 3]]))
    assert res.statistic is None
    assert res.reason and "same score" in res.reason


@pytest.mark.parametrize("fn", ALL)
def test_perfect_agreement_is_one_without_an_interval(fn: Icc) -> None:
    res = fn(table([[1, 1, 1], [4, 4, 4], [2, 2, 2], [5, 5, 5]]))
    assert res.statistic == 1.0
    assert res.ci_low is None and res.ci_high is None
    assert res.reason and "never disagreed" in res.reason


def test_parallel_raters_consistent_but_not_in_absolute_agreement() -> None:
    t = table([[1, 2], [2, 3], [3, 4], [5, 6]])  # rater 2 always one level higher
    assert icc_3_1(t).statistic == 1.0 and icc_3_k(t).statistic == 1.0
    reason = icc_3_1(t).reason
    assert reason is not None and "together" in reason
    a1, ak = icc_2_1(t), icc_2_k(t)
    assert a1.statistic is not None and 0.0 < a1.statistic < 1.0
    assert a1.ci_low is not None and a1.ci_high is not None
    assert ak.statistic is not None and ak.statistic > a1.statistic
    # With MSE = 0, McGraw & Wong's ICC(A,1) reduces to MSR / (MSR + k MSC / n).
    ms = mean_squares(np.array([[1, 2], [2, 3], [3, 4], [5, 6]], dtype=float))
    assert a1.statistic == pytest.approx(ms.msr / (ms.msr + 2 * ms.msc / 4), abs=1e-12)


def test_no_differences_between_units_or_only_severity() -> None:
    # Unit means all 1.5 and rater means all 1.5: MSR = MSC = 0 < MSE.
    t = table([[1, 2], [2, 1]])
    assert icc_1_1(t).statistic == -1.0  # -1/(k-1): all variance is within units
    assert icc_3_1(t).statistic == -1.0
    for fn in (icc_2_1, icc_1_k, icc_2_k, icc_3_k):
        res = fn(t)
        assert res.statistic is None and res.reason
    flat = icc_1_1(t)
    assert flat.ci_low is None and flat.reason and "same average" in flat.reason
    t = table([[1, 3], [1, 3], [1, 3]])  # each rater constant: they differ only in severity
    assert icc_3_1(t).statistic is None and icc_3_k(t).statistic is None
    assert icc_2_1(t).statistic == 0.0
    assert icc_1_1(t).statistic == -1.0


def test_impossible_average_agreement_where_pingouin_reports_above_one() -> None:
    x = np.array([[1, 3], [2, 2], [3, 1], [2, 3], [3, 2]], dtype=float)
    # pingouin 0.7.0 returns ICC(A,k) = 11 here (the formula's denominator is negative).
    assert pingouin_icc(x).loc["ICC(A,k)", "ICC"] == pytest.approx(11.0)
    assert icc_2_k(table(x)).statistic is None
    # The other five agree with pingouin, however negative.
    assert check_against_pingouin(x, 10) == 5


def test_average_agreement_interval_without_a_lower_end() -> None:
    x = np.array([[2, 2, 4], [4, 4, 2], [3, 4, 3], [4, 3, 3]], dtype=float)
    single, average = icc_2_1(table(x)), icc_2_k(table(x))
    # The ICC(A,1) lower limit lies below -1/(k-1), where Spearman-Brown has no finite value.
    assert single.ci_low is not None and single.ci_low < -0.5
    assert average.statistic == pytest.approx(pingouin_icc(x).loc["ICC(A,k)", "ICC"], abs=1e-9)
    assert average.ci_low is None and average.ci_high is None
    assert average.reason and "no lower end" in average.reason


def test_interval_that_misses_its_own_estimate_is_not_shown() -> None:
    # Found by hypothesis. ICC(A,1) = -12/19 with a Satterthwaite df v < 1, so that
    # F_.975(v, n-1) < 1 and McGraw & Wong's upper limit falls below the estimate.
    x = np.array([[1, 4], [1, 4], [1, 4], [3, 1]], dtype=float)
    res = icc_2_1(table(x))
    assert res.statistic == pytest.approx(-12 / 19, abs=1e-12)
    pingouin_high = pingouin_icc(x).loc["ICC(A,1)", "CI95"][1]
    assert pingouin_high < res.statistic  # pingouin 0.7.0 prints that interval
    assert res.ci_low is None and res.reason and "breaks down" in res.reason


def test_names_and_functions() -> None:
    assert tuple(FUNCTIONS) == NAMES
    assert set(NAMES) == {fn.__name__ for fn in ALL}
    for name, fn in icc.FUNCTIONS.items():
        assert fn(SF).name == name
        assert fn(SF).ci_method


# ----------------------------------------------------------------- properties
@st.composite
def score_tables(draw: st.DrawFn) -> RatingTable:
    n = draw(st.integers(2, 12))
    k = draw(st.integers(2, 6))
    cells = draw(st.lists(st.integers(1, 5), min_size=n * k, max_size=n * k))
    x = np.array(cells, dtype=float).reshape(n, k)
    gaps = draw(st.lists(st.booleans(), min_size=n * k, max_size=n * k))
    if draw(st.booleans()):
        x[np.array(gaps).reshape(n, k) & (np.arange(k) > 0)[None, :]] = np.nan
    return table(x, categories=(1.0, 2.0, 3.0, 4.0, 5.0), level=Measurement.ORDINAL)


def _same(a: AgreementResult, b: AgreementResult) -> None:
    assert (a.statistic is None) == (b.statistic is None)
    assert a.reason == b.reason or a.statistic is not None
    for x, y in ((a.statistic, b.statistic), (a.ci_low, b.ci_low), (a.ci_high, b.ci_high)):
        assert (x is None) == (y is None)
        if x is not None and y is not None:
            assert x == pytest.approx(y, rel=1e-9, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(score_tables(), st.randoms(use_true_random=False))
def test_permuting_units_and_raters_changes_nothing(t: RatingTable, rnd: random.Random) -> None:
    rows = list(range(t.n_units))
    cols = list(range(t.n_raters))
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    shuffled = RatingTable(t.codes[rows][:, cols], t.categories, t.level)
    for fn in ALL:
        _same(fn(t), fn(shuffled))


@settings(max_examples=150, deadline=None)
@given(score_tables())
def test_defined_results_are_finite_and_inside_their_interval(t: RatingTable) -> None:
    for fn in ALL:
        res = fn(t)
        assert res.name == fn.__name__
        if res.statistic is None:
            assert res.reason
            continue
        assert math.isfinite(res.statistic)
        assert res.statistic <= 1.0 + 1e-12
        if res.ci_low is None:
            assert res.reason  # a defined value without interval says why
        else:
            assert res.ci_high is not None
            assert res.ci_low - 1e-9 <= res.statistic <= res.ci_high + 1e-9
            assert res.reason is None


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 7), min_size=2, max_size=15).filter(lambda v: len(set(v)) > 1),
    st.integers(2, 6),
)
def test_perfect_agreement_with_variation_gives_one(levels: list[int], k: int) -> None:
    x = np.repeat(np.array(levels, dtype=float)[:, None], k, axis=1)
    t = table(x, categories=tuple(float(v) for v in range(1, 8)), level=Measurement.ORDINAL)
    for fn in ALL:
        assert fn(t).statistic == 1.0
