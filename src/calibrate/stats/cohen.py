"""Cohen's kappa and weighted kappa for exactly two raters.

Cohen (1960) kappa and Cohen (1968) weighted kappa on the units both raters scored, with
agreement weights over the *declared* rubric levels (unused levels included), computed from the
levels' numeric values by :func:`calibrate.stats.weights.weight_matrix`: linear (Cicchetti &
Allison 1971) or quadratic (Fleiss & Cohen 1973). Unweighted kappa uses identity weights, so it
also serves nominal categories.

With ``p[i, j]`` the share of units rater 1 put in level ``i`` and rater 2 in level ``j``, row
and column margins ``p[i, .]`` and ``p[., j]`` and agreement weights ``w`` (1 on the diagonal):

    po = sum w[i, j] p[i, j]          pe = sum w[i, j] p[i, .] p[., j]
    kappa = (po - pe) / (1 - pe)

Standard error: the large-sample *non-null* asymptotic standard error of Fleiss, Cohen &
Everitt (1969, Psychological Bulletin 72:323-327), the "ASE" SAS PROC FREQ prints:

    wbar_i. = sum_j p[., j] w[i, j]        wbar_.j = sum_i p[i, .] w[i, j]
    var = ( sum p[i, j] (w[i, j] - (wbar_i. + wbar_.j)(1 - kappa))^2
            - (kappa - pe (1 - kappa))^2 ) / (n (1 - pe)^2)

With identity weights this is Fleiss, Cohen & Everitt's formula for unweighted kappa. The 95%
interval is ``kappa ± z(0.975) · ASE``, as SAS PROC FREQ reports it (not truncated to [-1, 1]).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from calibrate.domain.ratings import RatingTable
from calibrate.stats.distributions import normal_quantile
from calibrate.stats.result import AgreementResult, Family, defined, undefined
from calibrate.stats.weights import Weighting, weight_matrix

NAMES: tuple[str, ...] = ("cohen_kappa", "weighted_kappa_linear", "weighted_kappa_quadratic")

_Z95 = normal_quantile(0.975)
_CI_METHOD = "kappa ± 1.96 × ASE (Fleiss, Cohen & Everitt 1969; as SAS PROC FREQ)"
#: Chance agreement this close to 1 leaves nothing for kappa to measure.
_DEGENERATE = 1e-12


class KappaEstimate(NamedTuple):
    """Kappa from a two-rater cross-tabulation, before it becomes an :class:`AgreementResult`."""

    kappa: float
    standard_error: float
    observed: float  # po: (weighted) observed agreement
    expected: float  # pe: (weighted) agreement expected by chance
    n: float  # number of units (the table's total)


def kappa_from_crosstab(crosstab: npt.ArrayLike, weights: npt.ArrayLike) -> KappaEstimate:
    """Cohen's (weighted) kappa and its Fleiss-Cohen-Everitt non-null ASE.

    ``crosstab[i, j]`` counts units rater 1 put in level ``i`` and rater 2 in level ``j``;
    ``weights`` are agreement weights in [0, 1] with ones on the diagonal. Raises
    ``ValueError`` when chance agreement is 1 (kappa is then 0/0) or the table is empty.
    """
    counts = np.asarray(crosstab, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    n = float(counts.sum())
    if n <= 0:
        raise ValueError("the cross-tabulation is empty")
    p = counts / n
    rows = p.sum(axis=1)
    cols = p.sum(axis=0)
    po = float((w * p).sum())
    pe = float((w * np.outer(rows, cols)).sum())
    if pe >= 1.0 - _DEGENERATE:
        raise ValueError("chance agreement is 1, so kappa is undefined")
    kappa = (po - pe) / (1.0 - pe)
    wbar_row = w @ cols  # wbar_i. = sum_j p.j w_ij
    wbar_col = rows @ w  # wbar_.j = sum_i p_i. w_ij
    spread = w - (wbar_row[:, None] + wbar_col[None, :]) * (1.0 - kappa)
    spread_term = float((p * spread**2).sum())
    centre_term = (kappa - pe * (1.0 - kappa)) ** 2
    numerator = spread_term - centre_term
    # When the true variance is 0 (perfect agreement, or one rater who never varies) the two
    # terms cancel and rounding leaves noise of either sign; treat that noise as 0.
    if numerator <= 1e-12 * max(spread_term, centre_term, 1e-300):
        numerator = 0.0
    se = math.sqrt(numerator / (n * (1.0 - pe) ** 2))
    return KappaEstimate(float(kappa), se, po, pe, n)


def cohen_kappa(table: RatingTable) -> AgreementResult:
    """Cohen's (1960) kappa: exact agreement between two raters, corrected for chance."""
    return _kappa("cohen_kappa", table, None)


def weighted_kappa_linear(table: RatingTable) -> AgreementResult:
    """Cohen's (1968) weighted kappa with linear weights (Cicchetti & Allison 1971)."""
    return _kappa("weighted_kappa_linear", table, Weighting.LINEAR)


def weighted_kappa_quadratic(table: RatingTable) -> AgreementResult:
    """Cohen's (1968) weighted kappa with quadratic weights (Fleiss & Cohen 1973)."""
    return _kappa("weighted_kappa_quadratic", table, Weighting.QUADRATIC)


def crosstab(table: RatingTable) -> npt.NDArray[np.int64]:
    """q × q counts of the units both raters of a two-rater table scored (rater 1 in rows)."""
    q = table.n_categories
    both = table.present.all(axis=1)
    out = np.zeros((q, q), dtype=np.int64)
    np.add.at(out, (table.codes[both, 0], table.codes[both, 1]), 1)
    return out


def _kappa(name: str, table: RatingTable, weighting: Weighting | None) -> AgreementResult:
    if table.n_raters != 2:
        reason = f"Cohen's kappa compares exactly two raters; this table has {table.n_raters}."
        if table.n_raters > 2:
            reason += " Use Fleiss' kappa or Gwet's AC1 for more raters."
        return undefined(name, Family.KAPPA, reason, n_units=0, n_raters=table.n_raters)
    if weighting is not None and not table.level.ordered:
        return undefined(
            name,
            Family.KAPPA,
            "Weighted kappa gives partial credit for near misses, which needs ordered levels; "
            "these ratings are nominal (categories without an order). Use Cohen's kappa.",
            n_units=0,
            n_raters=2,
        )
    counts = crosstab(table)
    n = int(counts.sum())
    if n < 2:
        return undefined(
            name,
            Family.KAPPA,
            f"Kappa needs at least two samples scored by both raters; these two raters "
            f"scored {n} in common.",
            n_units=n,
            n_raters=2,
        )
    q = table.n_categories
    weights = np.eye(q) if weighting is None else weight_matrix(table.category_values, weighting)
    try:
        est = kappa_from_crosstab(counts, weights)
    except ValueError:
        return undefined(
            name, Family.KAPPA, _degenerate_reason(table, counts), n_units=n, n_raters=2
        )
    half = _Z95 * est.standard_error
    return defined(
        name,
        Family.KAPPA,
        est.kappa,
        n_units=n,
        n_raters=2,
        standard_error=est.standard_error,
        ci=(est.kappa - half, est.kappa + half),
        ci_method=_CI_METHOD,
    )


def _degenerate_reason(table: RatingTable, counts: npt.NDArray[np.int64]) -> str:
    used_1 = np.flatnonzero(counts.sum(axis=1))
    used_2 = np.flatnonzero(counts.sum(axis=0))
    n = int(counts.sum())
    if used_1.size == 1 and used_2.size == 1 and used_1[0] == used_2[0]:
        level = _label(table.categories[int(used_1[0])])
        return (
            f"Both raters gave all {n} samples they scored in common the same level ({level}), "
            "so chance alone would predict complete agreement and kappa cannot tell skill from "
            "luck. Samples of differing quality are needed to measure agreement."
        )
    return (
        "Agreement expected by chance is already complete for these ratings, so kappa cannot "
        "be computed."
    )


def _label(category: object) -> str:
    if isinstance(category, float) and category.is_integer():
        return str(int(category))
    return str(category)


FUNCTIONS: dict[str, Callable[[RatingTable], AgreementResult]] = {
    "cohen_kappa": cohen_kappa,
    "weighted_kappa_linear": weighted_kappa_linear,
    "weighted_kappa_quadratic": weighted_kappa_quadratic,
}
