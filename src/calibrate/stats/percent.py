"""Percent agreement: how often raters gave the same level, or levels within one step.

Two views of the same ratings table:

- **Pairwise** (:func:`percent_exact`, :func:`percent_adjacent`): Fleiss' (1971) and Gwet's
  (2014) observed agreement ``pa``. Every unit rated by at least two raters contributes the
  share of its rater pairs that agree; the coefficient is the mean of those shares over the
  ``n'`` contributing units. A unit with ``r`` ratings has ``r(r - 1) / 2`` pairs, so a
  partly rated unit still counts.
- **Whole team** (:func:`percent_exact_all_raters`, :func:`percent_adjacent_all_raters`): the
  share of *complete* units (every rater rated) on which all raters agree exactly / span at
  most one step.

"Adjacent" means at most one step apart in the declared, ordered rubric levels: the step is
the difference of the levels' *positions* in ``table.categories``, not of their values, so an
unused level in between still counts as a step. It needs ordered levels.

Uncertainty:

- Pairwise: ``SE = s / sqrt(n')``, where ``s`` is the sample standard deviation (divisor
  ``n' - 1``) of the unit-level shares, and the 95% interval is ``pa ± t(0.975, n' - 1) · SE``
  clipped to [0, 1]. This is the unit-level (linearisation) variance with Student's t on
  ``n' - 1`` degrees of freedom that Gwet (2008, BJMSP 61:29-48; 2014, Handbook of
  Inter-Rater Reliability, 4th ed.) uses for agreement coefficients computed from raw
  ratings, applied to ``pa`` itself, whose unit-level values are the shares. With fewer than
  two contributing units there is no interval. When every unit has the same share (e.g. all
  pairs agree everywhere) the interval has zero width: the spread between units is the only
  source of uncertainty this method sees.
- Whole team: a proportion of ``n`` independent units, so ``SE = sqrt(p(1 - p) / n)`` and the
  Wilson (1927) score interval, which stays inside [0, 1] and behaves at p = 0 or 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from calibrate.domain.ratings import RatingTable
from calibrate.stats.distributions import normal_quantile, t_quantile
from calibrate.stats.result import AgreementResult, Family, defined, undefined

NAMES: tuple[str, ...] = (
    "percent_exact",
    "percent_adjacent",
    "percent_exact_all_raters",
    "percent_adjacent_all_raters",
)

_Z95 = normal_quantile(0.975)
_PAIRWISE_CI = "mean of unit-level pair agreement ± t(n'-1) × SE, clipped to [0, 1] (Gwet 2014)"
_WILSON_CI = "Wilson score interval (Wilson 1927)"


# ----------------------------------------------------------------- pairwise agreement
def percent_exact(table: RatingTable) -> AgreementResult:
    """Mean share of rater pairs, per unit, that gave exactly the same level."""
    return _pairwise("percent_exact", table, adjacent=False)


def percent_adjacent(table: RatingTable) -> AgreementResult:
    """Mean share of rater pairs, per unit, whose levels are at most one step apart."""
    if not table.level.ordered:
        return undefined(
            "percent_adjacent",
            Family.PERCENT,
            _NOMINAL_ADJACENT,
            n_units=0,
            n_raters=table.n_raters,
        )
    return _pairwise("percent_adjacent", table, adjacent=True)


def _pairwise(name: str, table: RatingTable, *, adjacent: bool) -> AgreementResult:
    all_shares = unit_pair_shares(table, adjacent=adjacent)
    used = ~np.isnan(all_shares)
    n_used = int(used.sum())
    if n_used == 0:
        return undefined(
            name,
            Family.PERCENT,
            "No sample was scored by two or more raters, so there is nothing to compare yet.",
            n_units=0,
            n_raters=table.n_raters,
        )
    shares = all_shares[used]
    estimate = float(shares.mean())
    n_raters = int(table.present[used].any(axis=0).sum())
    se = float(shares.std(ddof=1)) / math.sqrt(n_used) if n_used >= 2 else 0.0
    no_interval = None
    if n_used < 2:
        no_interval = (
            "Only one sample was scored by two or more raters, so there is no way to "
            "tell how much this figure would change with other samples."
        )
    elif se == 0.0:
        # Every sample had the same share of agreeing pairs (e.g. full agreement on all three
        # samples): the spread between samples is zero, which says nothing about how the figure
        # would move on other samples. An interval of zero width would overstate certainty.
        no_interval = (
            f"Agreement was the same on every one of the {n_used} samples, so there is no "
            "spread from which to estimate a margin of error."
        )
    if no_interval is not None:
        return defined(
            name,
            Family.PERCENT,
            estimate,
            n_units=n_used,
            n_raters=n_raters,
            ci_method=_PAIRWISE_CI,
            reason_no_ci=no_interval,
        )
    half = t_quantile(0.975, n_used - 1) * se
    return defined(
        name,
        Family.PERCENT,
        estimate,
        n_units=n_used,
        n_raters=n_raters,
        standard_error=se,
        ci=(max(0.0, estimate - half), min(1.0, estimate + half)),
        ci_method=_PAIRWISE_CI,
    )


# ----------------------------------------------------------------- whole-team agreement
def percent_exact_all_raters(table: RatingTable) -> AgreementResult:
    """Share of fully rated units on which every rater gave the same level."""
    return _all_raters("percent_exact_all_raters", table, max_spread=0)


def percent_adjacent_all_raters(table: RatingTable) -> AgreementResult:
    """Share of fully rated units on which all levels given lie within one step."""
    if not table.level.ordered:
        return undefined(
            "percent_adjacent_all_raters",
            Family.PERCENT,
            _NOMINAL_ADJACENT,
            n_units=0,
            n_raters=table.n_raters,
        )
    return _all_raters("percent_adjacent_all_raters", table, max_spread=1)


def _all_raters(name: str, table: RatingTable, *, max_spread: int) -> AgreementResult:
    if table.n_raters < 2:
        return undefined(
            name,
            Family.PERCENT,
            f"Agreement needs at least two raters; this table has {table.n_raters}.",
            n_units=0,
            n_raters=table.n_raters,
        )
    complete = table.present.all(axis=1)
    codes = table.codes[complete]
    n = int(codes.shape[0])
    if n == 0:
        return undefined(
            name,
            Family.PERCENT,
            "No sample was scored by every rater, so whole-team agreement cannot be worked "
            "out yet; the pairwise figures use the partly scored samples.",
            n_units=0,
            n_raters=table.n_raters,
        )
    spread = codes.max(axis=1) - codes.min(axis=1)
    hits = int((spread <= max_spread).sum())
    p = hits / n
    return defined(
        name,
        Family.PERCENT,
        p,
        n_units=n,
        n_raters=table.n_raters,
        standard_error=math.sqrt(p * (1.0 - p) / n),
        ci=wilson_interval(hits, n),
        ci_method=_WILSON_CI,
    )


def wilson_interval(successes: int, n: int, *, z: float = _Z95) -> tuple[float, float]:
    """Wilson (1927) score interval for a binomial proportion ``successes / n`` (n >= 1)."""
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def unit_pair_shares(table: RatingTable, *, adjacent: bool = False) -> npt.NDArray[np.float64]:
    """Per unit, the share of agreeing rater pairs; NaN for units with fewer than 2 ratings."""
    counts = table.counts().astype(np.float64)
    r = counts.sum(axis=1)
    agreeing = (counts * (counts - 1.0)).sum(axis=1) / 2.0
    if adjacent:
        agreeing = agreeing + (counts[:, :-1] * counts[:, 1:]).sum(axis=1)
    out = np.full(table.n_units, np.nan)
    ok = r >= 2
    out[ok] = agreeing[ok] / (r[ok] * (r[ok] - 1.0) / 2.0)
    return out


_NOMINAL_ADJACENT = (
    "'Within one level' needs ordered levels, and these ratings are nominal (categories "
    "without an order), so only exact agreement applies."
)

FUNCTIONS: dict[str, Callable[[RatingTable], AgreementResult]] = {
    "percent_exact": percent_exact,
    "percent_adjacent": percent_adjacent,
    "percent_exact_all_raters": percent_exact_all_raters,
    "percent_adjacent_all_raters": percent_adjacent_all_raters,
}
