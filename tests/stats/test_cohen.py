"""Cohen's kappa and weighted kappa: published examples, oracles, degenerate data, properties."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa

from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.stats import cohen
from calibrate.stats.cohen import (
    cohen_kappa,
    kappa_from_crosstab,
    weighted_kappa_linear,
    weighted_kappa_quadratic,
)
from calibrate.stats.result import AgreementResult, Family
from tests.stats.shared import assert_same_result, rating_tables

ALL = (cohen_kappa, weighted_kappa_linear, weighted_kappa_quadratic)
WEIGHTED = (weighted_kappa_linear, weighted_kappa_quadratic)


def from_crosstab(
    counts: npt.ArrayLike,
    categories: tuple[float, ...] | None = None,
    level: Measurement = Measurement.ORDINAL,
) -> RatingTable:
    """A two-rater table whose cross-tabulation (rater 1 in rows) is ``counts``."""
    c = np.asarray(counts, dtype=np.int64)
    q = c.shape[0]
    rows = [(i, j) for i in range(q) for j in range(q) for _ in range(c[i, j])]
    cats = categories if categories is not None else tuple(float(k + 1) for k in range(q))
    return RatingTable(np.array(rows, dtype=np.int64).reshape(-1, 2), cats, level)


# ----------------------------------------------------------------- published examples
# SAS/STAT User's Guide, PROC FREQ, "Getting Started: Agreement Study" (skin condition data,
# two dermatologists, levels terrible < poor < marginal < clear, order=data).
SKIN = [[10, 4, 1, 0], [5, 10, 12, 2], [2, 4, 12, 5], [0, 2, 6, 13]]


def test_sas_proc_freq_agreement_study_simple_kappa() -> None:
    res = cohen_kappa(from_crosstab(SKIN))
    # SAS/STAT PROC FREQ documentation, Getting Started example 2 (Agreement Study):
    # simple kappa 0.3449, 95% confidence limits (0.2030, 0.4868).
    assert res.statistic == pytest.approx(0.3449, abs=5e-5)
    assert res.ci_low == pytest.approx(0.2030, abs=5e-5)
    assert res.ci_high == pytest.approx(0.4868, abs=5e-5)
    # The ASE those limits imply: (0.4868 - 0.2030) / (2 × 1.96) = 0.0724 (SAS prints 0.0724).
    assert res.standard_error == pytest.approx(0.0724, abs=5e-5)
    assert res.n_units == 88
    assert res.n_raters == 2
    assert res.family is Family.KAPPA


# A SAS PROC FREQ printout for a 3 × 3 table, reproduced in statsmodels' test suite
# (statsmodels/stats/tests/test_inter_rater.py, TestUnweightedCohens / TestWeightedCohens,
# "comparison to printout of a SAS example"). Weighted kappa there uses scores 0, 1, 2.
TABLE10 = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]


def test_sas_printout_simple_kappa() -> None:
    res = cohen_kappa(from_crosstab(TABLE10, (0.0, 1.0, 2.0)))
    # SAS printout: Kappa 0.4842, ASE 0.1380, 95% limits 0.2137, 0.7547.
    assert res.statistic == pytest.approx(0.4842, abs=5e-5)
    assert res.standard_error == pytest.approx(0.1380, abs=5e-5)
    assert res.ci_low == pytest.approx(0.2137, abs=5e-5)
    assert res.ci_high == pytest.approx(0.7547, abs=5e-5)


def test_sas_printout_weighted_kappa() -> None:
    res = weighted_kappa_linear(from_crosstab(TABLE10, (0.0, 1.0, 2.0)))
    # SAS printout: Weighted Kappa 0.4701, ASE 0.1457, 95% limits 0.1845, 0.7558.
    assert res.statistic == pytest.approx(0.4701, abs=5e-5)
    assert res.standard_error == pytest.approx(0.1457, abs=5e-5)
    assert res.ci_low == pytest.approx(0.1845, abs=5e-5)
    assert res.ci_high == pytest.approx(0.7558, abs=5e-5)


# Cohen (1968), Psychological Bulletin 70:213-220, Table 1: two judges, N = 200 cases,
# personality disorder / neurosis / psychosis, observed proportions (judge B in rows).
# His ratio-scaled disagreement weights: 1 for PD-neurosis, 3 for PD-psychosis, 6 for
# neurosis-psychosis. (Proportions and weights as reproduced in the psych package's
# cohen.kappa examples.)
COHEN_1968 = np.array([[0.44, 0.07, 0.09], [0.05, 0.20, 0.05], [0.01, 0.03, 0.06]]) * 200
COHEN_1968_DISAGREEMENT = np.array([[0, 1, 3], [1, 0, 6], [3, 6, 0]], dtype=float)


def test_cohen_1968_kappa_and_weighted_kappa() -> None:
    unweighted = kappa_from_crosstab(COHEN_1968, np.eye(3))
    # Cohen (1968): kappa = .492 for Table 1.
    assert unweighted.kappa == pytest.approx(0.492, abs=5e-4)
    # Disagreement weights v become agreement weights 1 - v / v_max; kappa is unchanged
    # by that rescaling (Cohen 1968).
    weighted = kappa_from_crosstab(COHEN_1968, 1.0 - COHEN_1968_DISAGREEMENT / 6.0)
    # Cohen (1968): kappa_w = .348 for Table 1 with weights 1, 3, 6.
    assert weighted.kappa == pytest.approx(0.348, abs=5e-4)
    assert weighted.observed == pytest.approx(0.85)  # 1 - sum p v / 6 = 1 - 0.90 / 6
    assert weighted.expected == pytest.approx(0.77)


def test_cohen_1968_asymmetric_weights() -> None:
    v = np.array([[0, 1, 4], [1, 0, 6], [2, 2, 0]], dtype=float)
    res = kappa_from_crosstab(COHEN_1968, 1.0 - v / 6.0)
    # Cohen (1968): kappa_w = .353 with the non-symmetric weights (as in psych's examples).
    assert res.kappa == pytest.approx(0.353, abs=5e-4)


# Fleiss, Cohen & Everitt (1969), Psychological Bulletin 72:323-327: 200 patients, three
# diagnostic categories, agreement weights 0 (1-2), 4/9 (1-3), 6/9 (2-3). The table is as
# reproduced in the psych package's cohen.kappa examples; the paper's SE could not be looked
# up here, so the check is against statsmodels (which implements the same ASE).
FCE_1969 = np.array([[106, 10, 4], [22, 28, 10], [2, 12, 6]])
FCE_1969_WEIGHTS = np.array([[1, 0, 4 / 9], [0, 1, 6 / 9], [4 / 9, 6 / 9, 1]])


def test_fleiss_cohen_everitt_1969_table_against_statsmodels() -> None:
    for w in (np.eye(3), FCE_1969_WEIGHTS):
        ours = kappa_from_crosstab(FCE_1969, w)
        ref = cohens_kappa(FCE_1969, weights=1.0 - w)  # statsmodels takes disagreement weights
        assert ours.kappa == pytest.approx(ref.kappa, abs=1e-12)
        assert ours.standard_error == pytest.approx(ref.std_kappa, abs=1e-12)
    # kappa = (0.70 - 0.475) / (1 - 0.475) = 3/7 exactly, from the table's margins.
    assert kappa_from_crosstab(FCE_1969, np.eye(3)).kappa == pytest.approx(3 / 7, abs=1e-12)


# ----------------------------------------------------------------- oracles on random data
def random_pair(
    seed: int,
    *,
    n: int,
    q: int,
    used: int | None = None,
    missing: float = 0.0,
    dominant: float | None = None,
    noise: float = 0.4,
) -> npt.NDArray[np.int64]:
    """Two correlated raters' codes; ``used`` limits the levels drawn (unused levels stay)."""
    rng = np.random.default_rng(seed)
    k = used or q
    if dominant is None:
        truth = rng.integers(0, k, size=n)
    else:
        p = np.full(k, (1 - dominant) / (k - 1))
        p[k // 2] = dominant
        truth = rng.choice(k, size=n, p=p)
    codes = np.empty((n, 2), dtype=np.int64)
    for j in range(2):
        jitter = rng.integers(-1, 2, size=n) * (rng.random(n) < noise)
        codes[:, j] = np.clip(truth + jitter, 0, k - 1)
    codes[rng.random((n, 2)) < missing] = MISSING
    return codes


CASES = [
    dict(seed=1, n=40, q=4),
    dict(seed=2, n=60, q=5, missing=0.2),
    dict(seed=3, n=35, q=6, used=4),  # levels 5 and 6 declared but never used
    dict(seed=4, n=80, q=4, dominant=0.85),  # one level nearly everyone gets
    dict(seed=5, n=12, q=3, missing=0.1, noise=0.7),
    dict(seed=6, n=150, q=5, used=3, missing=0.3, noise=0.6),
    dict(seed=7, n=25, q=2, noise=0.5),
    dict(seed=8, n=50, q=7, dominant=0.6, missing=0.15),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"seed{c['seed']}")
def test_matches_sklearn(case: dict[str, int | float]) -> None:
    codes = random_pair(**case)  # type: ignore[arg-type]
    q = int(case["q"])
    table = RatingTable(codes, tuple(float(k + 1) for k in range(q)), Measurement.ORDINAL)
    both = (codes != MISSING).all(axis=1)
    labels = list(range(q))  # the declared levels, equally spaced, so index weights = values
    for fn, weights in zip(ALL, (None, "linear", "quadratic"), strict=True):
        expected = cohen_kappa_score(codes[both, 0], codes[both, 1], labels=labels, weights=weights)
        res = fn(table)
        assert res.statistic == pytest.approx(expected, abs=1e-9)
        assert res.n_units == int(both.sum())


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"seed{c['seed']}")
def test_matches_statsmodels_with_unequal_spacing(case: dict[str, int | float]) -> None:
    codes = random_pair(**case)  # type: ignore[arg-type]
    q = int(case["q"])
    values = np.array([0.0, 1.0, 2.0, 4.0, 7.0, 8.0, 12.0][:q])  # unequally spaced levels
    table = RatingTable(codes, tuple(values.tolist()), Measurement.INTERVAL)
    counts = cohen.crosstab(table)
    # statsmodels' wt="linear"/"quadratic" with 1-D weights treats them as level scores and
    # builds disagreement |x_i - x_j| / (x_max - x_min) (squared), i.e. 1 - our weights.
    refs = (
        cohens_kappa(counts),
        cohens_kappa(counts, weights=values, wt="linear"),
        cohens_kappa(counts, weights=values, wt="quadratic"),
    )
    for fn, ref in zip(ALL, refs, strict=True):
        res = fn(table)
        assert res.statistic == pytest.approx(ref.kappa, abs=1e-9)
        assert res.standard_error == pytest.approx(ref.std_kappa, abs=1e-9)
        assert res.ci_low == pytest.approx(ref.kappa_low, abs=1e-9)
        assert res.ci_high == pytest.approx(ref.kappa_upp, abs=1e-9)


def test_unused_end_levels_leave_kappa_unchanged() -> None:
    """Declared-but-unused levels at the ends only rescale the disagreement weights.

    Linear and quadratic disagreement |x_i - x_j| / span (squared) change by a constant factor
    when the span grows, and kappa is invariant to a common rescaling of disagreement weights
    (Cohen 1968), so unused outer levels must not move any of the three coefficients.
    """
    codes = random_pair(11, n=40, q=3)
    narrow = RatingTable(codes, (1.0, 2.0, 3.0), Measurement.ORDINAL)
    wide = RatingTable(codes, (1.0, 2.0, 3.0, 4.0, 5.0), Measurement.ORDINAL)
    for fn in ALL:
        a, b = fn(narrow), fn(wide)
        assert a.statistic == pytest.approx(b.statistic, abs=1e-12)
        assert a.standard_error == pytest.approx(b.standard_error, abs=1e-12)


# ----------------------------------------------------------------- degenerate data
def test_three_raters_is_undefined_with_advice() -> None:
    table = RatingTable(np.array([[0, 1, 1], [1, 1, 0]]), (1.0, 2.0), Measurement.ORDINAL)
    for fn in ALL:
        res = fn(table)
        assert res.statistic is None
        assert res.reason == (
            "Cohen's kappa compares exactly two raters; this table has 3. "
            "Use Fleiss' kappa or Gwet's AC1 for more raters."
        )
        assert res.name == fn.__name__


def test_one_rater_is_undefined() -> None:
    res = cohen_kappa(RatingTable(np.array([[0], [1]]), (1.0, 2.0), Measurement.ORDINAL))
    assert res.statistic is None
    assert res.reason is not None and "this table has 1" in res.reason


def test_single_shared_level_is_undefined_and_says_so() -> None:
    table = RatingTable(np.full((6, 2), 2), (1.0, 2.0, 3.0, 4.0), Measurement.ORDINAL)
    for fn in ALL:
        res = fn(table)
        assert res.statistic is None
        assert res.standard_error is None and res.ci_low is None
        assert res.reason is not None
        assert "same level (3)" in res.reason
        assert "all 6 samples" in res.reason


def test_raters_each_on_their_own_single_level_is_zero_not_undefined() -> None:
    # Rater 1 always "1", rater 2 always "2": chance agreement is 0, observed 0, kappa 0.
    table = RatingTable(np.tile([0, 1], (5, 1)), (1.0, 2.0, 3.0), Measurement.ORDINAL)
    res = cohen_kappa(table)
    assert res.statistic == pytest.approx(0.0)


def test_fewer_than_two_shared_units_is_undefined() -> None:
    codes = np.array([[0, 1], [1, MISSING], [MISSING, 0]])
    res = cohen_kappa(RatingTable(codes, (1.0, 2.0), Measurement.ORDINAL))
    assert res.statistic is None
    assert res.reason is not None and "scored 1 in common" in res.reason
    assert res.n_units == 1


def test_weighted_kappa_is_undefined_for_nominal_data() -> None:
    table = RatingTable(np.array([[0, 1], [1, 1], [2, 2]]), ("a", "b", "c"), Measurement.NOMINAL)
    assert cohen_kappa(table).defined
    for fn in WEIGHTED:
        res = fn(table)
        assert res.statistic is None
        assert res.reason is not None and "nominal" in res.reason


def test_kappa_from_crosstab_refuses_degenerate_tables() -> None:
    with pytest.raises(ValueError):
        kappa_from_crosstab([[5, 0], [0, 0]], np.eye(2))
    with pytest.raises(ValueError):
        kappa_from_crosstab([[0, 0], [0, 0]], np.eye(2))


def test_exports() -> None:
    assert cohen.NAMES == ("cohen_kappa", "weighted_kappa_linear", "weighted_kappa_quadratic")
    assert tuple(cohen.FUNCTIONS) == cohen.NAMES
    table = from_crosstab(SKIN)
    for name, fn in cohen.FUNCTIONS.items():
        assert fn(table).name == name


# ----------------------------------------------------------------- properties
def two_rater_tables() -> st.SearchStrategy[RatingTable]:
    return rating_tables(raters=(2, 2), max_units=30)


def _same(a: AgreementResult, b: AgreementResult) -> None:
    # The ASE subtracts nearly equal terms on near-degenerate tables: allow rounding noise.
    assert_same_result(a, b, rel=1e-9, abs=1e-10)


@settings(max_examples=150, deadline=None)
@given(two_rater_tables(), st.randoms(use_true_random=False))
def test_permuting_units_changes_nothing(table: RatingTable, rnd: object) -> None:
    order = list(range(table.n_units))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = RatingTable(table.codes[order], table.categories, table.level)
    for fn in ALL:
        _same(fn(table), fn(shuffled))


@settings(max_examples=150, deadline=None)
@given(two_rater_tables())
def test_swapping_raters_changes_nothing(table: RatingTable) -> None:
    swapped = table.select_raters([1, 0])
    for fn in ALL:
        _same(fn(table), fn(swapped))


@settings(max_examples=150, deadline=None)
@given(two_rater_tables())
def test_results_are_finite_and_ci_contains_statistic(table: RatingTable) -> None:
    for fn in ALL:
        res = fn(table)
        assert res.name == fn.__name__
        if not res.defined:
            assert res.reason
            continue
        assert res.statistic is not None and math.isfinite(res.statistic)
        assert -1.0 - 1e-9 <= res.statistic <= 1.0 + 1e-9
        assert res.ci_low is not None and res.ci_high is not None
        assert res.ci_low - 1e-12 <= res.statistic <= res.ci_high + 1e-12


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda q: st.tuples(st.just(q), st.lists(st.integers(0, q - 1), min_size=2, max_size=30))
    )
)
def test_perfect_agreement_gives_one(case: tuple[int, list[int]]) -> None:
    q, levels = case
    if len(set(levels)) < 2:
        levels = [*levels, (levels[0] + 1) % q]
    codes = np.column_stack([levels, levels]).astype(np.int64)
    table = RatingTable(codes, tuple(float(k) for k in range(q)), Measurement.ORDINAL)
    for fn in ALL:
        res = fn(table)
        assert res.statistic == pytest.approx(1.0, abs=1e-12)
        assert res.standard_error == pytest.approx(0.0, abs=1e-7)
