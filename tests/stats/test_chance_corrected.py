"""Multi-rater chance-corrected coefficients (Fleiss, Conger, Gwet AC1/AC2, Brennan-Prediger).

Checked against published worked examples, against irrCAC (Gwet's formulas, GPL: a test-time
oracle only) and statsmodels on seeded random tables, against a brute-force implementation
written here from the definitions, and by hypothesis properties.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from calibrate.domain.ratings import Measurement, RatingTable
from calibrate.stats.chance_corrected import FUNCTIONS, NAMES
from calibrate.stats.result import AgreementResult, Family
from calibrate.stats.weights import weight_matrix
from tests.stats.shared import GWET_4RATERS

# --------------------------------------------------------------------------- data
# Fleiss (1971, Psychological Bulletin 76:378-382): 30 patients, 6 psychiatrists, 5 diagnoses
# (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other); one string per
# patient, as distributed in R irr's `diagnoses` dataset.
_DIAGNOSES_TEXT = (
    "444444 222555 233335 555555 222444 113333 333355 113334 114444 555555 "
    "144444 124444 222333 144444 224445 333335 111455 111112 224444 133555 "
    "555555 244444 224555 114444 144445 222224 111155 224444 133333 555555"
)
DIAGNOSES = _DIAGNOSES_TEXT.split()


WEIGHTING = {name: "identity" for name in NAMES}
WEIGHTING.update({n: "linear" for n in NAMES if n.endswith("_linear")})
WEIGHTING.update({n: "quadratic" for n in NAMES if n.endswith("_quadratic")})
KIND = {n: n.split("_")[0] for n in NAMES}  # fleiss | conger | gwet | brennan


def raw4raters() -> RatingTable:
    return RatingTable.from_values(GWET_4RATERS, categories=[1, 2, 3, 4, 5], level="ordinal")


def ordinal(codes: np.ndarray, q: int) -> RatingTable:
    return RatingTable(
        np.asarray(codes), tuple(float(k + 1) for k in range(q)), Measurement.ORDINAL
    )


# --------------------------------------------------------------------------- published
def test_fleiss_1971_diagnoses_kappa() -> None:
    rows = [[int(c) for c in patient] for patient in DIAGNOSES]
    table = RatingTable.from_values(rows, categories=[1, 2, 3, 4, 5], level="nominal")
    for name in ("fleiss_kappa", "fleiss_kappa_listwise"):
        result = FUNCTIONS[name](table)
        assert result.statistic is not None
        # Fleiss (1971), worked example on these data: kappa = .430 (R irr kappam.fleiss: 0.430)
        assert round(result.statistic, 3) == 0.430
        assert (result.n_units, result.n_raters) == (30, 6)


# irrCAC 1.0 (Gwet 2019, R package README / overview vignette) on cac.raw4raters, unweighted:
# name: (coeff.val, coeff.se, conf.int lower end, pe); pa = 0.8181818 for all; upper end 1.
GWET_RAW4RATERS = {
    "fleiss_kappa": (0.76117, 0.15302, 0.424, 0.2387153),  # Fleiss' Kappa
    "conger_kappa": (0.76282, 0.14917, 0.435, 0.2334252),  # Conger's Kappa
    "gwet_ac1": (0.77544, 0.14295, 0.461, 0.1903212),  # AC1
    "brennan_prediger": (0.77273, 0.14472, 0.454, 0.2),  # Brennan-Prediger
}


@pytest.mark.parametrize("name", sorted(GWET_RAW4RATERS))
def test_gwet_raw4raters_published(name: str) -> None:
    value, se, low, pe = GWET_RAW4RATERS[name]
    result = FUNCTIONS[name](raw4raters())
    assert result.statistic == pytest.approx(value, abs=5e-6)
    assert result.statistic == pytest.approx((0.8181818 - pe) / (1 - pe), abs=1e-6)
    assert result.standard_error == pytest.approx(se, abs=5e-6)
    assert result.ci_low == pytest.approx(low, abs=5e-4)
    assert result.ci_high == 1.0
    assert (result.n_units, result.n_raters) == (12, 4)
    assert result.family is Family.KAPPA and result.name == name


def test_brennan_prediger_by_hand_counts_unused_levels() -> None:
    # Brennan & Prediger (1981): pe = 1/q over the q declared levels. Two raters agree on 3 of
    # 4 units on a 3-level scale with level 3 unused: pa = 3/4, pe = 1/3, BP = 0.625.
    table = ordinal(np.array([[0, 0], [1, 1], [0, 0], [0, 1]]), 3)
    assert FUNCTIONS["brennan_prediger"](table).statistic == pytest.approx(0.625, abs=1e-12)


# --------------------------------------------------------------------------- brute force
def brute_force(codes: np.ndarray, q: int, weights: np.ndarray, kind: str) -> tuple[float, float]:
    """Coefficient and SE from the definitions, with loops (Gwet 2014, ch. 2-5).

    Observed agreement counts ordered rater pairs; each unit's share of chance agreement is
    half its influence on pe, found by complex-step differentiation of pe as a function of unit
    weights (exact to rounding), independently of the closed forms in the module.
    """
    rows = [[int(x) for x in row] for row in codes if any(x >= 0 for x in row)]
    n, n_raters = len(rows), len(rows[0])
    pa_units, multi = [], []
    for row in rows:
        rated = [x for x in row if x >= 0]
        pairs = [(a, b) for a, b in itertools.permutations(range(len(rated)), 2)]
        multi.append(len(rated) >= 2)
        pa_units.append(
            sum(weights[rated[a], rated[b]] for a, b in pairs) / len(pairs) if pairs else 0.0
        )
    n_multi = sum(multi)
    pa = sum(p for p, m in zip(pa_units, multi, strict=True) if m) / n_multi
    total_w = float(weights.sum())

    def chance(v: list[complex]) -> complex:
        if kind == "brennan":
            return complex(total_w / q**2)
        if kind == "conger":
            probs = []
            for g in range(n_raters):
                seen = sum(v[i] for i in range(n) if rows[i][g] >= 0)
                if seen != 0:
                    probs.append(
                        [sum(v[i] for i in range(n) if rows[i][g] == k) / seen for k in range(q)]
                    )
            pairs = list(itertools.permutations(range(len(probs)), 2))
            return sum(
                weights[k, m] * probs[g][k] * probs[h][m]
                for g, h in pairs
                for k in range(q)
                for m in range(q)
            ) / len(pairs)
        pi = [
            sum(
                v[i] * sum(1 for x in rows[i] if x == k) / sum(1 for x in rows[i] if x >= 0)
                for i in range(n)
            )
            / sum(v)
            for k in range(q)
        ]
        if kind == "gwet":
            return total_w / (q * (q - 1)) * sum(p * (1 - p) for p in pi)
        return sum(weights[k, m] * pi[k] * pi[m] for k in range(q) for m in range(q))

    pe = chance([1.0 + 0j] * n).real
    step = 1e-30
    pe_units = []
    for i in range(n):
        v = [1.0 + 0j] * n
        v[i] += step * 1j
        pe_units.append(pe + n / 2 * chance(v).imag / step)
    kappa = (pa - pe) / (1 - pe)
    total = 0.0
    for i in range(n):
        k_i = n / n_multi * (pa_units[i] - (pe if multi[i] else 0.0)) / (1 - pe)
        k_i -= 2 * (1 - kappa) * (pe_units[i] - pe) / (1 - pe)
        total += (k_i - kappa) ** 2
    return kappa, (total / (n * (n - 1))) ** 0.5


def random_codes(
    seed: int, n: int, r: int, q: int, *, missing: float, dominant: bool, unused: int
) -> np.ndarray:
    """Correlated ratings: each unit has a true level that a rater gives with probability .6."""
    rng = np.random.default_rng(seed)
    levels = np.arange(q - unused)
    p = (
        np.full(levels.size, 0.1 / max(levels.size - 1, 1))
        if dominant
        else rng.dirichlet(np.ones(levels.size))
    )
    if dominant:
        p[0] = 0.9
    truth = rng.choice(levels, size=n, p=p / p.sum())
    codes = np.where(rng.random((n, r)) < 0.6, truth[:, None], rng.choice(levels, size=(n, r)))
    codes[rng.random((n, r)) < missing] = -1
    codes[0, :] = truth[0]  # one fully rated unit; every rater rates something
    return codes.astype(np.int64)


# seed, units, raters, declared levels, missing share, one dominant level, unused levels
CONFIGS = [
    (1, 20, 2, 3, 0.0, False, 0),
    (2, 25, 3, 4, 0.2, False, 1),
    (3, 30, 5, 5, 0.3, True, 1),
    (4, 15, 12, 4, 0.4, False, 0),
    (5, 40, 4, 6, 0.1, False, 2),
    (6, 12, 7, 3, 0.5, True, 0),
    (7, 50, 6, 5, 0.0, True, 2),
    (8, 18, 10, 2, 0.25, False, 0),
]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"seed{c[0]}")
@pytest.mark.parametrize("name", [n for n in NAMES if n != "fleiss_kappa_listwise"])
def test_matches_brute_force(
    config: tuple[int, int, int, int, float, bool, int], name: str
) -> None:
    seed, n, r, q, missing, dominant, unused = config
    codes = random_codes(seed, n, r, q, missing=missing, dominant=dominant, unused=unused)
    table = ordinal(codes, q)
    weights = weight_matrix(table.category_values, WEIGHTING[name])
    kappa, se = brute_force(codes, q, weights, KIND[name])
    result = FUNCTIONS[name](table)
    assert result.statistic == pytest.approx(kappa, abs=1e-9)
    assert result.standard_error == pytest.approx(se, abs=1e-9)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"seed{c[0]}")
def test_listwise_matches_brute_force_and_statsmodels(
    config: tuple[int, int, int, int, float, bool, int],
) -> None:
    seed, n, r, q, missing, dominant, unused = config
    codes = random_codes(seed, n, r, q, missing=missing, dominant=dominant, unused=unused)
    complete = codes[(codes >= 0).all(axis=1)]
    result = FUNCTIONS["fleiss_kappa_listwise"](ordinal(codes, q))
    assert result.n_units == complete.shape[0]
    if complete.shape[0] < 2:
        return
    kappa, se = brute_force(complete, q, np.eye(q), "fleiss")
    assert result.statistic == pytest.approx(kappa, abs=1e-9)
    assert result.standard_error == pytest.approx(se, abs=1e-9)
    counts, _ = aggregate_raters(complete, n_cat=q)
    assert result.statistic == pytest.approx(sm_fleiss_kappa(counts, method="fleiss"), abs=1e-9)


@pytest.mark.parametrize("config", [c for c in CONFIGS if c[4] == 0.0], ids=lambda c: f"seed{c[0]}")
def test_complete_tables_match_statsmodels(
    config: tuple[int, int, int, int, float, bool, int],
) -> None:
    seed, n, r, q, missing, dominant, unused = config
    codes = random_codes(seed, n, r, q, missing=missing, dominant=dominant, unused=unused)
    counts, _ = aggregate_raters(codes, n_cat=q)
    expected = sm_fleiss_kappa(counts, method="fleiss")
    assert FUNCTIONS["fleiss_kappa"](ordinal(codes, q)).statistic == pytest.approx(
        expected, abs=1e-9
    )


IRRCAC_METHOD = {"fleiss": "fleiss", "conger": "conger", "gwet": "gwet", "brennan": "bp"}


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"seed{c[0]}")
@pytest.mark.parametrize("name", [n for n in NAMES if n != "fleiss_kappa_listwise"])
def test_matches_irrcac(config: tuple[int, int, int, int, float, bool, int], name: str) -> None:
    from irrCAC.raw import CAC

    seed, n, r, q, missing, dominant, unused = config
    codes = random_codes(seed, n, r, q, missing=missing, dominant=dominant, unused=unused)
    table = ordinal(codes, q)
    values = np.where(codes >= 0, codes + 1.0, np.nan)
    weights = weight_matrix(table.category_values, WEIGHTING[name])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cac = CAC(
            pd.DataFrame(values), weights=weights, categories=[float(k + 1) for k in range(q)]
        )
        est = getattr(cac, IRRCAC_METHOD[KIND[name]])()["est"]
    result = FUNCTIONS[name](table)
    # irrCAC rounds its outputs to 5 decimals.
    assert result.statistic == pytest.approx(float(est["coefficient_value"]), abs=1e-5)
    assert result.standard_error == pytest.approx(float(est["se"]), abs=1e-5)
    assert result.ci_low == pytest.approx(float(est["confidence_interval"][0]), abs=1e-5)
    assert result.ci_high == pytest.approx(float(est["confidence_interval"][1]), abs=1e-5)


# --------------------------------------------------------------------------- degenerate
def test_every_rating_in_one_level() -> None:
    table = ordinal(np.array([[2, 2, 2], [2, 2, -1], [2, -1, 2], [2, 2, 2]]), 4)
    for name in NAMES:
        result = FUNCTIONS[name](table)
        if KIND[name] in ("fleiss", "conger"):  # pe = 1
            assert result.statistic is None and "same level" in (result.reason or ""), name
        else:  # AC1/AC2: pe = 0; BP: pe = T_w / q^2 < 1; pa = 1
            assert result.statistic == 1.0, name
            assert result.standard_error == 0.0 and result.ci_low == result.ci_high == 1.0, name


def test_undefined_cases_say_why() -> None:
    one_level = RatingTable(np.array([[0, 0], [0, 0]]), ("pass",), Measurement.NOMINAL)
    lonely = ordinal(np.array([[0, -1], [-1, 1], [-1, -1]]), 3)
    nominal = RatingTable(np.array([[0, 1], [1, 1], [0, 0]]), ("a", "b"), Measurement.NOMINAL)
    skipped = ordinal(np.array([[0, -1, 1], [0, 1, 1]]), 2)
    for name in NAMES:
        assert "only one level" in (FUNCTIONS[name](one_level).reason or "")
        lonely_reason = FUNCTIONS[name](lonely).reason or ""
        expected = "every rater" if name == "fleiss_kappa_listwise" else "two or more raters"
        assert expected in lonely_reason, name
        weighted = WEIGHTING[name] != "identity"
        assert FUNCTIONS[name](nominal).defined is not weighted
        if weighted:
            assert "nominal" in (FUNCTIONS[name](nominal).reason or "")
    single = FUNCTIONS["fleiss_kappa_listwise"](skipped)  # one complete unit: no interval
    assert single.statistic == pytest.approx(-0.5, abs=1e-12)  # pa = 1/3, pe = 5/9 by hand
    assert single.reason and "only one sample" in single.reason and single.ci_low is None
    none = FUNCTIONS["fleiss_kappa_listwise"](ordinal(np.array([[0, -1], [-1, 1]]), 2))
    assert none.statistic is None and "every rater" in (none.reason or "")


def test_unused_levels_count_for_ac1_and_bp_only() -> None:
    codes = random_codes(11, 20, 4, 3, missing=0.2, dominant=False, unused=0)
    three, five = ordinal(codes, 3), ordinal(codes, 5)
    for name in ("fleiss_kappa", "conger_kappa"):
        assert FUNCTIONS[name](three).statistic == pytest.approx(
            FUNCTIONS[name](five).statistic, abs=1e-12
        )
    for name in ("gwet_ac1", "brennan_prediger"):
        assert FUNCTIONS[name](three).statistic != pytest.approx(
            FUNCTIONS[name](five).statistic, abs=1e-6
        )


def test_large_table_is_fast_and_complete() -> None:
    codes = random_codes(12, 20_000, 10, 5, missing=0.1, dominant=False, unused=0)
    table = ordinal(codes, 5)
    for name in NAMES:
        result = FUNCTIONS[name](table)
        assert result.defined and result.n_raters == 10, name


def test_registry() -> None:
    assert tuple(FUNCTIONS) == NAMES and len(NAMES) == 13
    assert all(FUNCTIONS[n](raw4raters()).name == n for n in NAMES)


# --------------------------------------------------------------------------- properties
@st.composite
def tables(draw: st.DrawFn) -> RatingTable:
    n = draw(st.integers(1, 10))
    r = draw(st.integers(1, 6))
    q = draw(st.integers(1, 5))
    codes = draw(arrays(np.int64, (n, r), elements=st.integers(-1, q - 1)))
    return ordinal(codes, q)


def same(a: AgreementResult, b: AgreementResult) -> bool:
    if a.statistic is None or b.statistic is None:
        return a.statistic is b.statistic and a.reason == b.reason
    pairs = [(a.statistic, b.statistic), (a.standard_error, b.standard_error), (a.ci_low, b.ci_low)]
    return all((x is None and y is None) or abs((x or 0) - (y or 0)) < 1e-9 for x, y in pairs)


@settings(max_examples=150, deadline=None)
@given(tables(), st.data())
def test_permuting_raters_or_units_changes_nothing(table: RatingTable, data: st.DataObject) -> None:
    units = data.draw(st.permutations(range(table.n_units)))
    raters = data.draw(st.permutations(range(table.n_raters)))
    shuffled = RatingTable(table.codes[units][:, raters], table.categories, table.level)
    for name in NAMES:
        assert same(FUNCTIONS[name](table), FUNCTIONS[name](shuffled)), name


@settings(max_examples=200, deadline=None)
@given(tables())
def test_never_nan_and_interval_contains_statistic(table: RatingTable) -> None:
    for name in NAMES:
        result = FUNCTIONS[name](table)  # AgreementResult itself refuses NaN and infinities
        if result.statistic is None:
            assert result.reason
            continue
        assert result.statistic <= 1.0
        if result.ci_low is not None and result.ci_high is not None:
            assert result.ci_low <= result.statistic <= result.ci_high <= 1.0
            assert result.standard_error is not None and result.standard_error >= 0.0


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_perfect_agreement_gives_one(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 10))
    r = data.draw(st.integers(2, 6))
    q = data.draw(st.integers(2, 5))
    truth = np.array(data.draw(st.lists(st.integers(0, q - 1), min_size=n, max_size=n)))
    present = data.draw(arrays(np.bool_, (n, r)))
    present[0, :2] = True
    if len(set(truth[present.any(axis=1)])) < 2:
        present[1, 0] = True
        truth[1] = (truth[0] + 1) % q
    table = ordinal(np.where(present, truth[:, None], -1), q)
    complete = truth[present.all(axis=1)]
    for name in NAMES:
        result = FUNCTIONS[name](table)
        if name == "fleiss_kappa_listwise" and len(set(complete)) < 2:
            assert result.statistic is None
        else:
            assert result.statistic == pytest.approx(1.0, abs=1e-12), name
