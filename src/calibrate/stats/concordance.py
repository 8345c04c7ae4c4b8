"""Kendall's coefficient of concordance W: do the raters put the samples in the same order?

Each rater is a judge ranking the units (only the units every rater scored). Tied scores share
the mean of the ranks they span, and W is corrected for ties (Kendall & Babington Smith 1939;
Siegel & Castellan 1988, eq. 9.16):

    W = 12 S / (m² (n³ − n) − m Σ_j T_j),    T_j = Σ (t³ − t) over rater j's groups of ties,

with m raters, n units and S the sum of squared deviations of the units' rank sums from their
mean. Equivalently W = χ²_F / (m (n − 1)) with χ²_F Friedman's tie-corrected statistic (units
as treatments, raters as blocks).

The 95% interval is a percentile bootstrap over units: ``n_boot`` resamples of the units with
replacement, drawn from ``numpy.random.default_rng(rng)`` (``rng=0`` by default, so a report is
reproducible), each re-ranked and its W computed; resamples in which every rater's scores are
all tied have no W and are left out. The standard error is the standard deviation of the
bootstrap values. With fewer than ``MIN_UNITS_FOR_INTERVAL`` units a resampling interval
would mean little, and when every resample gives the same value (raters ranking identically) it
would be a single point, so in those cases none is given and the result says why.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from calibrate.domain.ratings import RatingTable
from calibrate.stats.result import AgreementResult, Family, defined, undefined

NAMES: tuple[str, ...] = ("kendall_w",)

CONFIDENCE = 0.95

#: The smallest number of fully scored units for which a bootstrap interval is reported.
MIN_UNITS_FOR_INTERVAL = 5

#: At least this share of the bootstrap resamples must have a W for the interval to be shown.
_MIN_VALID_SHARE = 0.5

#: Unit draws per chunk of bootstrap resamples (memory: a few float arrays of this size).
_CHUNK_DRAWS = 500_000

#: Integers and halves below this are exact in float32 (2**24 for integers, one bit for halves).
_FLOAT32_EXACT = 2**22

#: Above this many rater × level columns the one-hot route gives way to sorting by rater.
_ONE_HOT_COLUMNS = 256

Seed = int | np.random.Generator | None


def tie_corrected_w(values: npt.ArrayLike) -> float | None:
    """W for a complete units × raters array of scores; None when every rater tied everything."""
    x = np.asarray(values, dtype=np.float64)
    n, m = int(x.shape[0]), int(x.shape[1])
    ranks = np.empty_like(x)
    ties = 0.0
    for j in range(m):  # mid-ranks, rater by rater: a tie shares the mean of the ranks it spans
        _, where, t = np.unique(x[:, j], return_inverse=True, return_counts=True)
        ranks[:, j] = (np.cumsum(t) - (t - 1) / 2.0)[where]
        ties += float(np.sum(t.astype(np.float64) ** 3 - t))
    rank_sums = ranks.sum(axis=1)
    s = float(np.sum((rank_sums - rank_sums.mean()) ** 2))
    denominator = float(m * m * (n * n * n - n)) - m * ties
    if denominator <= 0.0:
        return None
    return 12.0 * s / denominator


def _bootstrap_w(
    codes: npt.NDArray[np.int64], q: int, n_boot: int, generator: np.random.Generator
) -> npt.NDArray[np.float64]:
    """W on ``n_boot`` resamples of the units (rows); resamples without a W are dropped.

    ``codes`` are the complete units' category codes (n × m), in the categories' order. Because
    every score is one of q levels, a rater's mid-ranks in a resample follow from how many
    resampled units they put in each level, so nothing is sorted: with the resample's
    multiplicities w (B × n) and the one-hot coding H (n × m·q),

        counts = w @ H                      (per rater and level, B × m·q)
        midrank = below + (count + 1) / 2   (per rater and level)
        R = midrank @ Hᵀ                    (each unit's rank sum, B × n)
        S = Σ_i w_i R_i² − n (m (n + 1) / 2)²,  V = Σ_jk count_jk (midrank_jk − (n + 1) / 2)²

    and W = S / (m V) (Kendall & Babington Smith 1939, with the tie-corrected denominator
    written through V). With many levels (marks) H would be huge, so each rater's levels are
    then summed over that rater's units in score order instead (:func:`_rank_sums_by_rater`);
    both give the same counts and mid-ranks, exactly (they are integers and halves).

    Resamples are drawn and processed in chunks of about two million unit draws, so memory
    stays bounded whatever ``n_boot``; with up to 2,000 units there is one chunk, the draws of
    one ``integers(0, n, size=(n_boot, n))`` call.
    """
    n, m = int(codes.shape[0]), int(codes.shape[1])
    centre = (n + 1) / 2.0
    mean_sum = m * centre
    out = np.empty(n_boot)
    chunk = max(1, min(n_boot, _CHUNK_DRAWS // max(n, 1)))
    one_hot = m * q <= _ONE_HOT_COLUMNS
    # The one-hot products are sums of multiplicities (≤ n) and of mid-ranks (halves, each unit's
    # sum ≤ m·n): exact in float32 while m·n < 2**22, at half the memory (64 MiB → 32 MiB for
    # the one-hot coding at 200,000 units × 10 raters × 4 levels). Squares are taken in float64.
    exact = np.float32 if m * (n + 1) < _FLOAT32_EXACT else np.float64
    if one_hot:
        onehot = np.zeros((n, m * q), dtype=exact)
        onehot[np.arange(n)[:, None], np.arange(m) * q + codes] = 1.0
    # Buffers reused by every chunk: fresh arrays of this size cost page faults each time.
    weights_buffer = np.empty((chunk, n), dtype=exact if one_hot else np.float64)
    ranks_buffer = np.empty((chunk, n), dtype=exact)
    squares_buffer = np.empty((chunk, n))
    for lo in range(0, n_boot, chunk):
        b = min(chunk, n_boot - lo)
        flat = generator.integers(0, n, size=(b, n))
        flat += (np.arange(b) * n)[:, None]
        flat = flat.ravel()
        weights = weights_buffer[:b]
        np.copyto(weights, np.bincount(flat, minlength=b * n).reshape(b, n))
        if one_hot:
            counts = (weights @ onehot).astype(np.float64).reshape(b, m, q)
            midrank = np.cumsum(counts, axis=2) - counts + (counts + 1.0) / 2.0
            rank_sums = np.matmul(
                midrank.reshape(b, m * q).astype(exact), onehot.T, out=ranks_buffer[:b]
            )
            v = np.einsum("bjk,bjk->b", counts, (midrank - centre) ** 2)
        else:
            rank_sums, v = _rank_sums_by_rater(codes, weights, centre)
        squares = np.square(rank_sums, out=squares_buffer[:b], dtype=np.float64)
        weights64 = weights if weights.dtype == np.float64 else weights.astype(np.float64)
        s = np.einsum("bi,bi->b", weights64, squares) - n * mean_sum**2
        out[lo : lo + b] = np.where(v > 1e-9, s / (m * np.where(v > 1e-9, v, 1.0)), np.nan)
    return np.asarray(out[~np.isnan(out)], dtype=np.float64)


def _rank_sums_by_rater(
    codes: npt.NDArray[np.int64], weights: npt.NDArray[np.float64], centre: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Each unit's rank sum R (B × n) and V (B) in the resamples ``weights``, rater by rater.

    For one rater, the units in score order, split where the score changes, give each level's
    count in a resample as a sum of the units' multiplicities (``reduceat``); the mid-ranks
    follow as in :func:`_bootstrap_w`. Work and memory grow with B × n, not with the levels.
    """
    rank_sums = np.zeros_like(weights)
    v = np.zeros(weights.shape[0])
    for column in codes.T:
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        level_of = np.empty(column.size, dtype=np.intp)
        level_of[order] = np.cumsum(np.r_[True, ordered[1:] != ordered[:-1]]) - 1
        counts = np.add.reduceat(weights[:, order], starts, axis=1)
        midrank = np.cumsum(counts, axis=1) - counts + (counts + 1.0) / 2.0
        rank_sums += midrank[:, level_of]
        v += np.einsum("bk,bk->b", counts, (midrank - centre) ** 2)
    return rank_sums, v


def kendall_w(table: RatingTable, *, n_boot: int = 1000, rng: Seed = 0) -> AgreementResult:
    """Kendall's W, tie-corrected, on the units every rater scored, with a bootstrap interval.

    ``n_boot`` resamples (0 for none) are drawn from ``numpy.random.default_rng(rng)``.
    """
    name = "kendall_w"
    if n_boot < 0:
        raise ValueError("n_boot must be zero or more")
    m = table.n_raters
    complete = table.complete_units()
    n = complete.n_units

    def no(reason: str) -> AgreementResult:
        return undefined(name, Family.CONCORDANCE, reason, n_units=n, n_raters=m)

    if not table.level.ordered:
        return no(
            "the rubric levels are names with no order, so the samples cannot be ranked from them"
        )
    if m < 2:
        return no("it compares how raters order the samples, and only one rater's scores are here")
    if n < 2:
        return no(
            "fewer than two samples were scored by every rater; ranking needs at least two "
            "samples that all raters scored"
        )
    w = tie_corrected_w(complete.values())  # the values go before the resampling starts
    if w is None:
        return no(
            "each rater gave all the samples the same score, so no rater put the samples "
            "in any order"
        )
    w = min(max(w, 0.0), 1.0)  # only rounding can take it outside [0, 1]

    seed = f"seed {rng}" if isinstance(rng, int) else "caller's generator"
    method = f"percentile bootstrap over samples ({n_boot} resamples, {seed})"
    if n_boot == 0:
        return defined(
            name,
            Family.CONCORDANCE,
            w,
            n_units=n,
            n_raters=m,
            reason_no_ci="no resampling was asked for, so there is no confidence interval",
        )
    if n < MIN_UNITS_FOR_INTERVAL:
        return defined(
            name,
            Family.CONCORDANCE,
            w,
            n_units=n,
            n_raters=m,
            reason_no_ci=(
                f"only {n} samples were scored by every rater; with fewer than "
                f"{MIN_UNITS_FOR_INTERVAL} a confidence interval would mean little"
            ),
        )
    boots = _bootstrap_w(complete.codes, table.n_categories, n_boot, np.random.default_rng(rng))
    if boots.size < max(2, _MIN_VALID_SHARE * n_boot):
        return defined(
            name,
            Family.CONCORDANCE,
            w,
            n_units=n,
            n_raters=m,
            reason_no_ci=(
                "most resampled sets of samples had every score tied, so there is no "
                "confidence interval"
            ),
        )
    if float(np.ptp(boots)) == 0.0:
        return defined(
            name,
            Family.CONCORDANCE,
            w,
            n_units=n,
            n_raters=m,
            reason_no_ci=(
                "the raters put the samples in exactly the same order, so resampling shows no "
                "spread to build a confidence interval from"
                if w == 1.0
                else "every resampled set of samples gave the same value, so resampling shows "
                "no spread to build a confidence interval from"
            ),
        )
    tail = 100.0 * (1.0 - CONFIDENCE) / 2.0
    low, high = np.percentile(boots, [tail, 100.0 - tail])
    return defined(
        name,
        Family.CONCORDANCE,
        w,
        n_units=n,
        n_raters=m,
        standard_error=float(np.std(boots, ddof=1)),
        ci=(float(low), float(high)),
        ci_method=method,
    )


FUNCTIONS: dict[str, Callable[[RatingTable], AgreementResult]] = {"kendall_w": kendall_w}

__all__ = ["FUNCTIONS", "MIN_UNITS_FOR_INTERVAL", "NAMES", "kendall_w", "tie_corrected_w"]
