"""Intraclass correlations: the six forms of Shrout & Fleiss (1979).

Each rubric level is read as its numeric value (the declared category values, equally spaced for
an ordinary rubric), so the table must be ordinal, interval or ratio. Only the units every rater
scored are used (listwise deletion); ``n_units`` in the result counts them.

The mean squares come from the two-way ANOVA without replication of the n × k table:

- MSR, between units (rows), n − 1 df;
- MSC, between raters (columns), k − 1 df;
- MSE, residual, (n − 1)(k − 1) df;
- MSW, within units (columns and residual pooled), n(k − 1) df, for the one-way model.

===========  ===============  =================================================
function     McGraw & Wong    estimate
===========  ===============  =================================================
icc_1_1      ICC(1)           (MSR − MSW) / (MSR + (k − 1) MSW)
icc_2_1      ICC(A,1)         (MSR − MSE) / (MSR + (k − 1) MSE + k (MSC − MSE) / n)
icc_3_1      ICC(C,1)         (MSR − MSE) / (MSR + (k − 1) MSE)
icc_1_k      ICC(k)           (MSR − MSW) / MSR
icc_2_k      ICC(A,k)         (MSR − MSE) / (MSR + (MSC − MSE) / n)
icc_3_k      ICC(C,k)         (MSR − MSE) / MSR
===========  ===============  =================================================

95% confidence intervals are the F-based limits of McGraw & Wong (1996, Psychological Methods
1:30-46, their table of confidence intervals). ICC(A,1) uses their Satterthwaite-type degrees
of freedom v, written with the ICC(A,1) estimate; the ICC(A,k) limits are the
Spearman-Brown transform of the ICC(A,1) limits (as psych and pingouin compute them; R irr uses
other degrees of freedom). No standard error is reported: the interval carries the uncertainty.

When the data leave a formula with a zero (or, for ICC(A,k), negative) denominator the result is
undefined with a reason; when the F ratio is infinite (no disagreement at all) or zero (no
differences between units) the interval collapses to a point, so none is reported and the result
says why. For a strongly negative ICC(A,1) the Satterthwaite df can be so small that the upper
limit falls below the estimate (F_{.975}(v, n − 1) < 1); psych and pingouin print that interval,
this module reports none and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from calibrate.domain.ratings import RatingTable
from calibrate.stats.distributions import f_quantile
from calibrate.stats.per_table import remembered
from calibrate.stats.result import AgreementResult, Family, defined, undefined

NAMES: tuple[str, ...] = ("icc_1_1", "icc_2_1", "icc_3_1", "icc_1_k", "icc_2_k", "icc_3_k")

CONFIDENCE = 0.95

#: Mean squares smaller than this fraction of the total sum of squares are rounding noise.
_RELATIVE_ZERO = 1e-12

_METHOD_F = "F-based limits (McGraw & Wong 1996)"
_METHOD_A1 = "F-based limits with Satterthwaite df (McGraw & Wong 1996)"
_METHOD_AK = "Spearman-Brown transform of the ICC(A,1) limits (McGraw & Wong 1996)"

_NO_CI_PERFECT = (
    "the raters never disagreed on these samples, so there is no disagreement to build "
    "a confidence interval from; with more samples an interval would show how sure this is"
)
_NO_CI_FLAT = (
    "every sample got the same average score, so there is no spread between samples to "
    "build a confidence interval from"
)
_NO_CI_PARALLEL = (
    "the raters' scores rose and fell exactly together on these samples (only their overall "
    "strictness differed), so there is no inconsistency to build a confidence interval from"
)
_NO_CI_DEGENERATE = "the confidence interval cannot be computed from these scores"
_NO_CI_BREAKDOWN = (
    "the raters disagree more than the samples differ, and the usual confidence interval "
    "formula breaks down for such scores, so none is shown"
)
_NO_CI_WIDE = (
    "the confidence interval for the average of all raters has no lower end with this little "
    "data (it runs below any number), so none is shown"
)


@dataclass(frozen=True)
class MeanSquares:
    """The two-way ANOVA of a complete n × k table (one score per unit and rater)."""

    n: int
    k: int
    msr: float  # between units (rows)
    msc: float  # between raters (columns)
    mse: float  # residual
    msw: float  # within units (one-way model)


def mean_squares(values: npt.ArrayLike) -> MeanSquares:
    """Mean squares of a complete units × raters array of numbers (at least 2 × 2)."""
    x = np.asarray(values, dtype=np.float64)
    n, k = x.shape
    grand = x.mean()
    row = x.mean(axis=1)
    col = x.mean(axis=0)
    ss_rows = k * float(np.sum((row - grand) ** 2))
    ss_cols = n * float(np.sum((col - grand) ** 2))
    resid = x - row[:, None] - col[None, :] + grand
    ss_error = float(np.sum(resid**2))
    ss_total = float(np.sum((x - grand) ** 2))
    tiny = _RELATIVE_ZERO * ss_total

    def clean(ss: float) -> float:
        return 0.0 if ss <= tiny else ss

    ss_rows, ss_cols, ss_error = clean(ss_rows), clean(ss_cols), clean(ss_error)
    return MeanSquares(
        n=n,
        k=k,
        msr=ss_rows / (n - 1),
        msc=ss_cols / (k - 1),
        mse=ss_error / ((n - 1) * (k - 1)),
        msw=(ss_cols + ss_error) / (n * (k - 1)),
    )


def _positive(denominator: float, ms: MeanSquares) -> bool:
    """Whether a denominator that mixes mean squares with minus signs is clearly above zero."""
    return denominator > _RELATIVE_ZERO * (ms.msr + ms.msc + ms.mse)


def _f_crit(dfn: float, dfd: float) -> float:
    """The upper (1 + CONFIDENCE) / 2 quantile of F(dfn, dfd)."""
    return f_quantile(0.5 + CONFIDENCE / 2, dfn, dfd)


def _spearman_brown(r: float, k: int) -> float | None:
    """Reliability of the mean of k ratings from single-rating reliability r; None if unbounded."""
    den = 1.0 + (k - 1) * r
    # Near r = -1/(k-1) the result runs off to minus infinity and is rounding noise.
    return None if den <= 1e-9 else k * r / den


# ------------------------------------------------------------------- checks shared by all six
def _prepare(table: RatingTable, name: str) -> MeanSquares | AgreementResult:
    found = remembered(table, "icc mean squares", lambda: _mean_squares_of(table))
    if isinstance(found, str):
        n = table.complete_units().n_units
        return undefined(name, Family.ICC, found, n_units=n, n_raters=table.n_raters)
    return found


def _mean_squares_of(table: RatingTable) -> MeanSquares | str:
    """The two-way mean squares of the fully scored units, or why there are none.

    The same for all six forms, so a report computes them once (:func:`remembered`)."""
    k = table.n_raters
    complete = table.complete_units()
    n = complete.n_units
    if not table.level.ordered:
        return (
            "the rubric levels are names, not scores in order, so they cannot be treated "
            "as numbers; an intraclass correlation needs numbered levels"
        )
    if k < 2:
        return "it compares raters, and only one rater's scores are here"
    if n < 2:
        return (
            "fewer than two samples were scored by every rater; it needs at least two "
            "samples that all raters scored"
        )
    x = complete.values()
    if float(np.ptp(x)) == 0.0:
        return (
            "every rater gave every sample the same score, so there are no differences "
            "between samples or raters to compare"
        )
    return mean_squares(x)


def _finish(
    name: str,
    ms: MeanSquares,
    value: float,
    ci: tuple[float, float] | None,
    method: str,
    no_ci: str,
) -> AgreementResult:
    if ci is not None and not ci[0] - 1e-12 <= value <= ci[1] + 1e-12:
        # Only ICC(A,1)/ICC(A,k) with a tiny Satterthwaite df (a strongly negative estimate)
        # get here: F_{.975}(v, n − 1) < 1 then puts the upper limit below the estimate.
        ci, no_ci = None, _NO_CI_BREAKDOWN
    return defined(
        name,
        Family.ICC,
        value,
        n_units=ms.n,
        n_raters=ms.k,
        ci=ci,
        ci_method=method if ci is not None else "",
        reason_no_ci=None if ci is not None else no_ci,
    )


# ------------------------------------------------------------------- one-way model, ICC(1)
def _one_way_limits(ms: MeanSquares) -> tuple[float, float] | None:
    """F limits (FL, FU) for MSR / MSW, or None when the ratio is 0 or infinite."""
    if ms.msw == 0.0 or ms.msr == 0.0:
        return None
    f_obs = ms.msr / ms.msw
    return (
        f_obs / _f_crit(ms.n - 1, ms.n * (ms.k - 1)),
        f_obs * _f_crit(ms.n * (ms.k - 1), ms.n - 1),
    )


def _consistency_limits(ms: MeanSquares) -> tuple[float, float] | None:
    """F limits (FL, FU) for MSR / MSE, or None when the ratio is 0 or infinite."""
    if ms.mse == 0.0 or ms.msr == 0.0:
        return None
    f_obs = ms.msr / ms.mse
    return (
        f_obs / _f_crit(ms.n - 1, (ms.n - 1) * (ms.k - 1)),
        f_obs * _f_crit((ms.n - 1) * (ms.k - 1), ms.n - 1),
    )


def _no_ci_reason(ms: MeanSquares, within: float) -> str:
    """Why an F interval collapsed: no disagreement (``within`` is 0) or no spread of units."""
    if within != 0.0:
        return _NO_CI_FLAT
    return _NO_CI_PERFECT if ms.msc == 0.0 else _NO_CI_PARALLEL


def icc_1_1(table: RatingTable) -> AgreementResult:
    """ICC(1,1) (McGraw & Wong's ICC(1)): one-way random model, a single rater's score."""
    name = "icc_1_1"
    ms = _prepare(table, name)
    if isinstance(ms, AgreementResult):
        return ms
    k = ms.k
    # MSR + (k − 1) MSW > 0 here: both zero would mean every score is identical.
    value = (ms.msr - ms.msw) / (ms.msr + (k - 1) * ms.msw)
    lim = _one_way_limits(ms)
    ci = None if lim is None else tuple((f - 1.0) / (f + k - 1.0) for f in lim)
    return _finish(name, ms, value, _pair(ci), _METHOD_F, _no_ci_reason(ms, ms.msw))


def icc_1_k(table: RatingTable) -> AgreementResult:
    """ICC(1,k) (McGraw & Wong's ICC(k)): one-way random model, the mean of the k raters."""
    name = "icc_1_k"
    ms = _prepare(table, name)
    if isinstance(ms, AgreementResult):
        return ms
    if ms.msr == 0.0:
        return _undefined(name, ms, _FLAT_UNITS)
    value = (ms.msr - ms.msw) / ms.msr
    lim = _one_way_limits(ms)
    ci = None if lim is None else tuple(1.0 - 1.0 / f for f in lim)
    return _finish(name, ms, value, _pair(ci), _METHOD_F, _no_ci_reason(ms, ms.msw))


# ------------------------------------------------------------------- two-way, consistency
def icc_3_1(table: RatingTable) -> AgreementResult:
    """ICC(3,1) (McGraw & Wong's ICC(C,1)): two-way model, consistency of a single rater."""
    name = "icc_3_1"
    ms = _prepare(table, name)
    if isinstance(ms, AgreementResult):
        return ms
    k = ms.k
    if ms.msr == 0.0 and ms.mse == 0.0:
        return _undefined(name, ms, _SEVERITY_ONLY)
    value = (ms.msr - ms.mse) / (ms.msr + (k - 1) * ms.mse)
    lim = _consistency_limits(ms)
    ci = None if lim is None else tuple((f - 1.0) / (f + k - 1.0) for f in lim)
    return _finish(name, ms, value, _pair(ci), _METHOD_F, _no_ci_reason(ms, ms.mse))


def icc_3_k(table: RatingTable) -> AgreementResult:
    """ICC(3,k) (McGraw & Wong's ICC(C,k)): two-way model, consistency of the k raters' mean."""
    name = "icc_3_k"
    ms = _prepare(table, name)
    if isinstance(ms, AgreementResult):
        return ms
    if ms.msr == 0.0:
        return _undefined(name, ms, _SEVERITY_ONLY if ms.mse == 0.0 else _FLAT_UNITS)
    value = (ms.msr - ms.mse) / ms.msr
    lim = _consistency_limits(ms)
    ci = None if lim is None else tuple(1.0 - 1.0 / f for f in lim)
    return _finish(name, ms, value, _pair(ci), _METHOD_F, _no_ci_reason(ms, ms.mse))


# ------------------------------------------------------------------- two-way, absolute agreement
def _absolute_value(ms: MeanSquares) -> float | None:
    n, k = ms.n, ms.k
    den = ms.msr + (k - 1) * ms.mse + k * (ms.msc - ms.mse) / n
    return (ms.msr - ms.mse) / den if _positive(den, ms) else None


def _absolute_limits(ms: MeanSquares, rho: float) -> tuple[float, float] | str:
    """McGraw & Wong (1996) limits for ICC(A,1) from its estimate ``rho``, or why not."""
    n, k = ms.n, ms.k
    if ms.mse == 0.0 and ms.msc == 0.0:
        return _NO_CI_PERFECT  # the limits collapse to 1
    if ms.msr == 0.0:
        return _NO_CI_FLAT  # the limits collapse to the estimate
    # a, b and the Satterthwaite df v, written with the point estimate rho (< 1 here).
    a = k * rho / (n * (1.0 - rho))
    b = 1.0 + k * rho * (n - 1) / (n * (1.0 - rho))
    num = (a * ms.msc + b * ms.mse) ** 2
    den = (a * ms.msc) ** 2 / (k - 1) + (b * ms.mse) ** 2 / ((n - 1) * (k - 1))
    if not (num > 0.0 and den > 0.0):
        return _NO_CI_DEGENERATE
    v = num / den
    f_star = _f_crit(n - 1, v)  # F_{1-α/2}(n − 1, v)
    f_star_inv = _f_crit(v, n - 1)  # F_{1-α/2}(v, n − 1)
    spread = k * ms.msc + (k * n - k - n) * ms.mse
    low = n * (ms.msr - f_star * ms.mse) / (f_star * spread + n * ms.msr)
    high = n * (f_star_inv * ms.msr - ms.mse) / (spread + n * f_star_inv * ms.msr)
    return low, high


def icc_2_1(table: RatingTable) -> AgreementResult:
    """ICC(2,1) (McGraw & Wong's ICC(A,1)): two-way random model, absolute agreement."""
    name = "icc_2_1"
    ms = _prepare(table, name)
    if isinstance(ms, AgreementResult):
        return ms
    value = _absolute_value(ms)
    if value is None:
        return _undefined(name, ms, _BALANCED)
    lim = _absolute_limits(ms, value)
    if isinstance(lim, str):
        return _finish(name, ms, value, None, _METHOD_A1, lim)
    return _finish(name, ms, value, lim, _METHOD_A1, "")


def icc_2_k(table: RatingTable) -> AgreementResult:
    """ICC(2,k) (McGraw & Wong's ICC(A,k)): absolute agreement of the k raters' mean."""
    name = "icc_2_k"
    ms = _prepare(table, name)
    if isinstance(ms, AgreementResult):
        return ms
    den = ms.msr + (ms.msc - ms.mse) / ms.n
    single = _absolute_value(ms)
    if not _positive(den, ms) or single is None:
        return _undefined(name, ms, _SCATTER)
    value = (ms.msr - ms.mse) / den
    lim = _absolute_limits(ms, single)
    if isinstance(lim, str):
        return _finish(name, ms, value, None, _METHOD_AK, lim)
    low, high = (_spearman_brown(r, ms.k) for r in lim)
    if low is None or high is None:
        return _finish(name, ms, value, None, _METHOD_AK, _NO_CI_WIDE)
    return _finish(name, ms, value, (low, high), _METHOD_AK, "")


# ------------------------------------------------------------------- undefined edge cases
_FLAT_UNITS = (
    "every sample got the same average score, so the raters' average cannot tell samples "
    "apart and its reliability cannot be estimated"
)
_SEVERITY_ONLY = (
    "each rater gave all samples the same score, so the scores show no differences between "
    "samples, only between raters"
)
_BALANCED = (
    "with two raters and two samples whose averages are all equal, the raters' disagreement "
    "cannot be separated from differences between samples"
)
_SCATTER = (
    "the samples differ from each other less than the raters' scores scatter, so the "
    "reliability of the raters' average cannot be estimated from these data"
)


def _undefined(name: str, ms: MeanSquares, reason: str) -> AgreementResult:
    return undefined(name, Family.ICC, reason, n_units=ms.n, n_raters=ms.k)


def _pair(values: tuple[float, ...] | None) -> tuple[float, float] | None:
    return None if values is None else (values[0], values[1])


FUNCTIONS: dict[str, Callable[[RatingTable], AgreementResult]] = {
    "icc_1_1": icc_1_1,
    "icc_2_1": icc_2_1,
    "icc_3_1": icc_3_1,
    "icc_1_k": icc_1_k,
    "icc_2_k": icc_2_k,
    "icc_3_k": icc_3_k,
}

__all__ = [
    "FUNCTIONS",
    "NAMES",
    "MeanSquares",
    "icc_1_1",
    "icc_1_k",
    "icc_2_1",
    "icc_2_k",
    "icc_3_1",
    "icc_3_k",
    "mean_squares",
]
