"""Krippendorff's alpha, with a percentile bootstrap over units.

Formulas follow Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability" (Annenberg
School for Communication, University of Pennsylvania), and Krippendorff (2004), *Content
Analysis*, 2nd ed., ch. 11:

- per unit ``u`` with ``m_u`` ratings and ``n_uc`` of them in category ``c``, only units with
  ``m_u >= 2`` are *pairable*; the others drop out;
- coincidences ``o_ck = sum_u (n_uc n_uk - [c == k] n_uc) / (m_u - 1)``, marginals
  ``n_c = sum_k o_ck`` (which equals the number of pairable ratings in ``c``), ``n = sum_c n_c``;
- ``alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_ck o_ck d2_ck / sum_ck n_c n_k d2_ck``.

Difference functions ``d2_ck`` over the *declared* categories (unused levels included):
nominal ``[c != k]``; interval ``(v_c - v_k)^2``; ratio ``((v_c - v_k) / (v_c + v_k))^2``;
ordinal, Krippendorff's rank-based metric ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2``. The last
equals ``(M_c - M_k)^2`` with the mid-rank ``M_g = sum_{h<g} n_h + n_g / 2``, so the ordinal
metric is the interval metric on mid-ranks; an unused level has ``n_g = 0`` and adds nothing.

Because ``d2_cc = 0``, a unit's share of the observed disagreement is
``sum_ck n_uc n_uk d2_ck / (m_u - 1)``: everything is computed from the units x categories
count matrix, never from pairs of ratings, so memory grows with categories, not ratings.

Bootstrap: units with the same counts row are grouped into *patterns*; resampling ``U``
pairable units with replacement puts a multinomial(U, pattern frequencies) number of draws on
each pattern, so each resample is one weight vector over patterns, drawn in memory-bounded
chunks. A resample in which every rating is the same level has no expected disagreement
(``D_e = 0``) and no alpha; such resamples are set aside (never turned into NaN, 0 or 1) and
the interval is taken over the rest. When more than half of them are degenerate no interval is
reported. Units that are not pairable are not resampled: they carry no information.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from calibrate.domain.errors import CalibrateError
from calibrate.domain.ratings import Measurement, RatingTable
from calibrate.stats.result import AgreementResult, Family, defined, undefined

NAME = "krippendorff_alpha"

#: Confidence level of the bootstrap interval.
CONFIDENCE = 0.95
#: Elements per temporary array in the bootstrap (about 8 MB of float64).
_CHUNK_ELEMENTS = 1_000_000
#: Below this share of usable (non-degenerate) resamples no interval is reported.
_MIN_USABLE_SHARE = 0.5
#: Above this many levels the interval and nominal metrics use sums, not a q x q matrix.
_DELTA_LEVELS = 32

FloatArray = npt.NDArray[np.float64]

_NO_PAIRS = (
    "no sample was scored by two or more raters, so there are no pairs of ratings to compare"
)
_NO_VARIATION = (
    "every rating is the same level, so there is no disagreement to measure against chance"
)


@dataclass(frozen=True)
class _Prepared:
    """The pairable part of a table, grouped into distinct unit patterns."""

    level: Measurement
    patterns: FloatArray  # P x q: n_uc of each distinct pairable counts row
    frequency: npt.NDArray[np.int64]  # P: how many units share each pattern
    delta: FloatArray | None  # q x q fixed d2 (nominal, interval, ratio); None for ordinal
    unit_disagreement: FloatArray | None  # P: sum_ck n_pc n_pk d2_ck / (m_p - 1), fixed metrics
    n_units: int  # pairable units
    n_raters: int  # raters with at least one pairable rating
    m: FloatArray  # P: ratings per unit of each pattern (all >= 2)
    unanimous: npt.NDArray[np.bool_]  # P: every rating of the unit is the same level
    moments: _Moments | None = None  # interval and nominal with many levels (see _Moments)


@dataclass(frozen=True)
class _Moments:
    """Per pattern, what the interval or nominal metric needs instead of the q x q matrix.

    Interval: ``sum_ck a_c a_k (x_c - x_k)^2 = 2 (sum a * sum a x^2 - (sum a x)^2)`` for any
    counts ``a``, so a resample needs only each pattern's ``s1 = sum_c n_pc x_c`` and
    ``s2 = sum_c n_pc x_c^2`` (values centred and scaled first: alpha does not change).
    Nominal: ``sum_ck a_c a_k [c != k] = (sum a)^2 - sum a^2``, with the per-category totals.
    """

    s1: FloatArray | None  # P (interval)
    s2: FloatArray | None  # P (interval)
    value: FloatArray  # P: the level of a unanimous pattern (NaN if the raters differ)


def krippendorff_alpha(
    table: RatingTable,
    *,
    level: Measurement | None = None,
    n_boot: int = 1000,
    rng: np.random.Generator | int | None = 0,
) -> AgreementResult:
    """Krippendorff's alpha with a 95% percentile bootstrap interval over units.

    ``level`` defaults to the table's own level of measurement. Missing ratings are handled
    natively; units with fewer than two ratings drop out. ``n_boot = 0`` skips the bootstrap.
    The standard error is the standard deviation of the bootstrap distribution.
    """
    if n_boot < 0:
        raise ValueError("n_boot must be zero or more")
    prep = _prepare(table, table.level if level is None else Measurement(level))
    if isinstance(prep, str):
        n_units, n_raters = _sizes(table)
        return undefined(NAME, Family.ALPHA, prep, n_units=n_units, n_raters=n_raters)
    value = _point(prep)
    if n_boot == 0:
        return defined(
            NAME,
            Family.ALPHA,
            value,
            n_units=prep.n_units,
            n_raters=prep.n_raters,
            reason_no_ci="no bootstrap was run, so there is no confidence interval",
        )
    boot = _bootstrap(prep, n_boot, np.random.default_rng(rng))
    set_aside = n_boot - boot.size
    method = f"percentile bootstrap over units ({n_boot} resamples)"
    if set_aside:
        method += (
            f"; {set_aside} resamples in which every rating was the same level had no alpha "
            "and were set aside"
        )
    if boot.size < max(2, _MIN_USABLE_SHARE * n_boot):
        return defined(
            NAME,
            Family.ALPHA,
            value,
            n_units=prep.n_units,
            n_raters=prep.n_raters,
            ci_method=method,
            reason_no_ci=(
                "only a few samples received different levels, so we cannot tell how much "
                "alpha would change with other samples; there is no confidence interval"
            ),
        )
    tail = (1.0 - CONFIDENCE) / 2.0
    low, high = np.quantile(boot, [tail, 1.0 - tail])
    return defined(
        NAME,
        Family.ALPHA,
        value,
        n_units=prep.n_units,
        n_raters=prep.n_raters,
        standard_error=float(np.std(boot, ddof=1)),
        ci=(float(low), float(high)),
        ci_method=method,
    )


def krippendorff_alpha_value(
    table: RatingTable, *, level: Measurement | None = None
) -> float | None:
    """The point estimate only (no bootstrap), or None when alpha is undefined."""
    prep = _prepare(table, table.level if level is None else Measurement(level))
    if isinstance(prep, str):
        return None
    return _point(prep)


# --------------------------------------------------------------------------- internals


def _point(prep: _Prepared) -> float:
    alpha, _ = _alpha_batch(prep, prep.frequency[None, :].astype(np.float64))
    return float(alpha[0])


def _sizes(table: RatingTable) -> tuple[int, int]:
    """Pairable units, and raters with at least one rating on a pairable unit."""
    pairable = table.present.sum(axis=1) >= 2
    raters = int((table.present & pairable[:, None]).any(axis=0).sum())
    return int(pairable.sum()), raters


def _prepare(table: RatingTable, level: Measurement) -> _Prepared | str:
    """Group pairable units into patterns and fix the metric, or say why alpha is undefined."""
    counts = table.counts()
    values: FloatArray | None = None
    if level.ordered:
        try:
            values = table.category_values
        except CalibrateError:
            return (
                f"the {level.value} level needs levels that are numbers in order, but these "
                "levels are words; use the nominal level instead"
            )
        order = np.argsort(values, kind="stable")
        values = values[order]
        counts = counts[:, order]
        if np.any(np.diff(values) <= 0):
            return "two of the declared levels have the same value, so they cannot be ordered"
        if level is Measurement.RATIO and values[0] < 0:
            return (
                "the ratio level needs scores of zero or more; use the interval level for a "
                "scale with negative scores"
            )
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return _NO_PAIRS
    used = counts[pairable].sum(axis=0)
    if np.count_nonzero(used) < 2:
        return _NO_VARIATION
    unique, frequency = _patterns(counts[pairable])
    n_units, n_raters = _sizes(table)
    patterns = unique.astype(np.float64)
    m = patterns.sum(axis=1)
    delta = unit = moments = None
    unanimous = np.count_nonzero(patterns, axis=1) == 1
    if level is Measurement.INTERVAL and values is not None and values.size > _DELTA_LEVELS:
        moments, unit = _interval_moments(patterns, values, m, unanimous)
    elif level is Measurement.NOMINAL and counts.shape[1] > _DELTA_LEVELS:
        moments, unit = _nominal_moments(patterns, m, unanimous)
    elif level is not Measurement.ORDINAL:
        delta = _fixed_delta(level, values, counts.shape[1])
        unit = np.einsum("pc,ck,pk->p", patterns, delta, patterns) / (m - 1.0)
    return _Prepared(
        level=level,
        patterns=patterns,
        frequency=frequency.astype(np.int64),
        delta=delta,
        unit_disagreement=unit,
        n_units=n_units,
        n_raters=n_raters,
        m=m,
        unanimous=unanimous,
        moments=moments,
    )


def _interval_moments(
    patterns: FloatArray, values: FloatArray, m: FloatArray, unanimous: npt.NDArray[np.bool_]
) -> tuple[_Moments, FloatArray]:
    """The interval metric through sums of values and squares (see :class:`_Moments`)."""
    span = float(values[-1] - values[0])
    x = (values - values.mean()) / span  # centred and scaled: well-conditioned sums
    s1 = patterns @ x
    s2 = patterns @ (x * x)
    # A unit's share is a variance: exactly 0 when its raters agree, never below 0 (rounding).
    unit = np.maximum(2.0 * (m * s2 - s1 * s1) / (m - 1.0), 0.0)
    unit[unanimous] = 0.0
    return _Moments(s1, s2, _unanimous_level(patterns, unanimous)), unit


def _nominal_moments(
    patterns: FloatArray, m: FloatArray, unanimous: npt.NDArray[np.bool_]
) -> tuple[_Moments, FloatArray]:
    """The nominal metric through per-category totals (see :class:`_Moments`)."""
    unit = (m * m - (patterns * patterns).sum(axis=1)) / (m - 1.0)
    return _Moments(None, None, _unanimous_level(patterns, unanimous)), unit


def _unanimous_level(patterns: FloatArray, unanimous: npt.NDArray[np.bool_]) -> FloatArray:
    return np.where(unanimous, np.argmax(patterns, axis=1).astype(np.float64), np.nan)


def _patterns(counts: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """The distinct rows of a units × categories count matrix, and how often each occurs.

    Rows are packed into one integer each (base = most ratings on a unit + 1) so that a plain
    1-D sort finds them; ``np.unique(axis=0)`` sorts byte views and is several times slower.
    Falls back to it when the packed key would not fit in 63 bits.
    """
    base = int(counts.max()) + 1
    q = counts.shape[1]
    if q * np.log2(base) >= 62:
        rows, freq = np.unique(counts, axis=0, return_counts=True)
        return rows, freq
    weights = base ** np.arange(q, dtype=np.int64)
    keys = counts @ weights
    _, first, freq = np.unique(keys, return_index=True, return_counts=True)
    return counts[first], freq


def _fixed_delta(level: Measurement, values: FloatArray | None, q: int) -> FloatArray:
    """Squared differences for the metrics that do not depend on the data."""
    if level is Measurement.NOMINAL or values is None:
        return 1.0 - np.eye(q)
    diff = values[:, None] - values[None, :]
    if level is Measurement.INTERVAL:
        return np.asarray(diff**2, dtype=np.float64)
    total = values[:, None] + values[None, :]
    ratio = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0)
    return np.asarray(ratio**2, dtype=np.float64)


def _alpha_batch(prep: _Prepared, weights: FloatArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Alpha for each row of ``weights`` (b x P units per pattern) and which rows are usable.

    Unusable rows (every rating in one level, so ``D_e = 0``) get alpha 0.0 as a filler and
    ``False`` in the mask; callers must drop them.
    """
    if prep.moments is not None and prep.unit_disagreement is not None:
        n = weights @ prep.m
        usable = _varied(prep.moments, weights)
        observed = weights @ prep.unit_disagreement
        if prep.moments.s1 is not None and prep.moments.s2 is not None:
            t1, t2 = weights @ prep.moments.s1, weights @ prep.moments.s2
            expected = 2.0 * (n * t2 - t1 * t1)
        else:
            n_c = weights @ prep.patterns
            expected = n * n - np.einsum("bc,bc->b", n_c, n_c)
        expected = np.where(usable, expected, 0.0)
        alpha = np.zeros(weights.shape[0])
        ok = usable & (expected > 0)
        alpha[ok] = 1.0 - (n[ok] - 1.0) * observed[ok] / expected[ok]
        return alpha, ok
    n_c = weights @ prep.patterns  # b x q pairable ratings per category
    n = n_c.sum(axis=1)
    usable = np.count_nonzero(n_c > 0, axis=1) >= 2
    if prep.delta is not None and prep.unit_disagreement is not None:
        observed = weights @ prep.unit_disagreement
        expected = np.einsum("bc,ck,bk->b", n_c, prep.delta, n_c)
    else:
        observed, expected = _ordinal_sums(prep, weights, n_c, n)
    alpha = np.zeros(weights.shape[0])
    ok = usable & (expected > 0)
    alpha[ok] = 1.0 - (n[ok] - 1.0) * observed[ok] / expected[ok]
    return alpha, ok


def _varied(moments: _Moments, weights: FloatArray) -> npt.NDArray[np.bool_]:
    """Which resamples hold two different levels: a unit whose raters differ, or two unanimous
    units on different levels (decided on the levels themselves, not on rounded sums)."""
    drawn = weights > 0
    mixed = (drawn & np.isnan(moments.value)).any(axis=1)
    level = np.where(drawn, moments.value, np.nan)
    with np.errstate(invalid="ignore"):
        low, high = np.fmin.reduce(level, axis=1), np.fmax.reduce(level, axis=1)
    return np.asarray(mixed | (high > low), dtype=np.bool_)


def _ordinal_sums(
    prep: _Prepared, weights: FloatArray, n_c: FloatArray, n: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Observed and expected sums for the ordinal metric, as an interval metric on mid-ranks.

    ``sum_ck a_c a_k (x_c - x_k)^2 = 2 (sum a * sum a x^2 - (sum a x)^2)``; mid-ranks are
    centred and scaled by ``n`` first (alpha does not change) to keep the sums well conditioned.
    """
    safe_n = np.where(n > 0, n, 1.0)[:, None]
    midrank = np.cumsum(n_c, axis=1) - n_c / 2.0  # b x q
    x = (midrank - safe_n / 2.0) / safe_n
    m = prep.m
    first = (x**2) @ prep.patterns.T  # b x P: sum_c n_pc x_c^2
    second = x @ prep.patterns.T  # b x P: sum_c n_pc x_c
    # A unit's share is a variance: exactly 0 when its raters agree, never below 0 (rounding).
    # Computed in place, (m first - second²) / (m - 1), the same operations in the same order:
    # each fresh b x P temporary costs its page faults, which were most of this function's time.
    first *= m
    first -= np.square(second, out=second)
    first /= m - 1.0
    per_unit = np.maximum(first, 0.0, out=first)
    per_unit[:, prep.unanimous] = 0.0
    observed = 2.0 * np.einsum("bp,bp->b", weights, per_unit)
    s1 = np.einsum("bc,bc->b", n_c, x)
    s2 = np.einsum("bc,bc->b", n_c, x**2)
    expected = 2.0 * (n * s2 - s1**2)
    return observed, expected


def _bootstrap(prep: _Prepared, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """Alpha on ``n_boot`` resamples of the pairable units; degenerate resamples left out."""
    n_patterns = prep.frequency.size
    p = prep.frequency / prep.frequency.sum()
    chunk = max(1, _CHUNK_ELEMENTS // max(n_patterns, prep.patterns.shape[1] ** 2))
    kept: list[FloatArray] = []
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        draws = rng.multinomial(prep.n_units, p, size=size).astype(np.float64)
        alpha, ok = _alpha_batch(prep, draws)
        kept.append(alpha[ok])
        done += size
    return np.concatenate(kept)
