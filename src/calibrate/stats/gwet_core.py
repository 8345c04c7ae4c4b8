"""The engine shared by the multi-rater chance-corrected coefficients (Gwet 2014).

Every coefficient of the family has the form ``(pa - pe) / (1 - pe)``: the same observed
agreement ``pa`` and a chance agreement ``pe`` that differs by coefficient. This module
computes ``pa`` from raw ratings, turns a coefficient's ``pe`` and its unit-level values into a
result with a standard error and a confidence interval, and says in plain words when the data
cannot support the coefficient. :mod:`calibrate.stats.chance_corrected` supplies the ``pe``.

Conventions (Gwet 2014, *Handbook of Inter-Rater Reliability*, 4th ed., ch. 2-5, raw ratings):

- A unit that nobody rated carries no information and is left out. Every other unit is used:
  its ratings enter chance agreement, and ``n`` below counts these units.
- Observed agreement averages, over the ``n'`` units with at least two ratings, the weighted
  share of ordered rater pairs that agree::

      pa_i = sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1)),   r*_ik = sum_l w_kl r_il

  where ``r_ik`` is how many raters put unit ``i`` in level ``k`` and ``r_i`` its ratings.
- The variance is Gwet's linearization variance conditional on the raters, without the
  finite-population correction (the units are a sample from an unlimited population)::

      kappa*_i = (n / n') (pa_i - pe [r_i >= 2]) / (1 - pe) - 2 (1 - kappa) (pe_i - pe) / (1 - pe)
      var      = sum_i (kappa*_i - kappa)^2 / (n (n - 1))

  where ``pe_i`` is unit ``i``'s share of chance agreement (its mean over units is ``pe``).
- The 95% interval is ``kappa ± t(0.975, n - 1) · SE`` with ``n`` the units entering the
  variance (those with at least one rating). As in Gwet's own software (irrCAC, AgreeStat) the
  upper end is capped at 1; the lower end is left as it falls (it is not cut at -1).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.stats.distributions import t_quantile
from calibrate.stats.per_table import remembered
from calibrate.stats.result import AgreementResult, Family, defined, undefined
from calibrate.stats.weights import Weighting, weight_matrix

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Chance agreement this close to 1 leaves nothing for a coefficient to measure.
PE_TOLERANCE = 1e-12

CI_METHOD = (
    "Gwet (2014) linearization variance conditional on the raters, no finite-population "
    "correction; coefficient ± t(0.975, n−1)·SE over the n rated units, upper end capped at 1"
)

REASON_ONE_LEVEL = "the rubric has only one level, so there is nothing to agree or disagree on"
REASON_NOMINAL = (
    "{weighting} weights give partial credit for near misses, which needs ordered levels; "
    "these ratings are nominal (unordered categories)"
)
REASON_NO_PAIRS = "no sample was rated by two or more raters, so there is no agreement to measure"
REASON_PE_ONE = (
    "every rating is the same level, so chance alone would produce the same agreement and "
    "agreement beyond chance cannot be measured"
)
REASON_NO_CI = (
    "only one sample was rated, so there is no way to tell how much the result would change "
    "with other samples"
)


@dataclass(frozen=True)
class Ratings:
    """The rated units of a table, as the coefficients need them.

    Attributes:
        codes: units × raters category codes (``MISSING`` = -1), units with no rating removed.
        counts: ``r_ik``, units × categories, as floats.
        totals: ``r_i``, the number of ratings of each unit.
        weights: q × q agreement weights ``w_kl``.
        pa_units: ``pa_i`` (0 for units with fewer than two ratings).
        multi: which units have at least two ratings.
    """

    codes: IntArray
    counts: FloatArray
    totals: FloatArray
    weights: FloatArray
    pa_units: FloatArray
    multi: npt.NDArray[np.bool_]

    @property
    def n(self) -> int:
        """Units with at least one rating: the ``n`` of the variance and of ``t(n - 1)``."""
        return int(self.counts.shape[0])

    @property
    def n_multi(self) -> int:
        """``n'``: units with at least two ratings."""
        return int(self.multi.sum())

    @property
    def q(self) -> int:
        return int(self.counts.shape[1])

    @property
    def pa(self) -> float:
        return float(self.pa_units[self.multi].mean())

    @property
    def shares(self) -> FloatArray:
        """``r_ik / r_i``: each unit's distribution of ratings over the levels."""
        return self.counts / self.totals[:, None]

    @property
    def class_probabilities(self) -> FloatArray:
        """``pi_k``: the mean over units of ``r_ik / r_i`` (Fleiss 1971; Gwet 2014)."""
        return np.asarray(self.shares.mean(axis=0), dtype=np.float64)


#: Above this many levels (marks) ``r*`` is computed from running sums, not a q × q product.
MANY_LEVELS = 32


def prepare(table: RatingTable, weights: FloatArray, weighting: Weighting | None = None) -> Ratings:
    """Count the ratings of each rated unit and its observed agreement ``pa_i``.

    ``weighting`` names the kind of ``weights`` (over ``table``'s category values), which
    lets many levels avoid the units × q × q product; without it the product is used.
    """
    codes, counts, totals, multi = _counted(table)
    pa_units = _observed(table, counts, totals, multi, weights, weighting)
    return Ratings(codes, counts, totals, weights, pa_units, multi)


def _counted(
    table: RatingTable,
) -> tuple[IntArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """The rated units' codes, counts ``r_ik`` (floats), totals ``r_i`` and two-or-more mask."""
    rated = (table.codes != MISSING).any(axis=1)
    every = bool(rated.all())  # then no copy of the codes is made
    codes = table.codes if every else table.codes[rated]
    counts = (table.counts() if every else table.counts()[rated]).astype(np.float64)
    totals = counts.sum(axis=1)
    return codes, counts, totals, totals >= 2


def _observed(
    table: RatingTable,
    counts: FloatArray,
    totals: FloatArray,
    multi: npt.NDArray[np.bool_],
    weights: FloatArray,
    weighting: Weighting | None,
) -> FloatArray:
    """``pa_i``: each unit's weighted share of agreeing rater pairs (0 below two ratings)."""
    if weighting is None or table.n_categories <= MANY_LEVELS:
        credited = counts @ weights.T  # r*_ik = sum_l w_kl r_il
    else:
        credited = _credited(counts, totals, table.category_values, weighting)
    agreeing_pairs = (counts * (credited - 1.0)).sum(axis=1)
    pairs = np.where(multi, totals * (totals - 1.0), 1.0)
    return np.asarray(np.where(multi, agreeing_pairs / pairs, 0.0), dtype=np.float64)


def _credited(
    counts: FloatArray, totals: FloatArray, values: FloatArray, weighting: Weighting
) -> FloatArray:
    """``r*_ik = sum_l w_kl r_il`` in O(units × q) for the weights of :mod:`.weights`.

    Identity: ``r*`` is ``r``. With ``d_kl = |v_k - v_l| / span``, quadratic weights give
    ``r_i - sum_l r_il d_kl^2``, expanded in sums of ``r_il v_l`` and ``r_il v_l^2``; linear
    weights give ``r_i - sum_l r_il d_kl``, split at ``k`` into running sums over ascending
    levels (the categories of an ordered table are ascending).
    """
    if weighting is Weighting.IDENTITY:
        return counts
    span = float(values[-1] - values[0])
    x = (values - values[0]) / span  # in [0, 1]: d_kl = |x_k - x_l|
    s1 = counts @ x
    if weighting is Weighting.QUADRATIC:
        s2 = counts @ (x * x)
        spread = totals[:, None] * (x * x)[None, :] - 2.0 * x[None, :] * s1[:, None] + s2[:, None]
        return np.asarray(totals[:, None] - spread, dtype=np.float64)
    below = np.cumsum(counts, axis=1)  # sum_{l <= k} r_il
    below_x = np.cumsum(counts * x[None, :], axis=1)  # sum_{l <= k} r_il x_l
    spread = x[None, :] * (2.0 * below - totals[:, None]) - 2.0 * below_x + s1[:, None]
    return np.asarray(totals[:, None] - spread, dtype=np.float64)


#: A coefficient's chance model: ``pe`` and its unit-level values ``pe_i`` (mean ``pe``).
ChanceModel = Callable[[Ratings], tuple[float, FloatArray]]


def evaluate(
    name: str,
    table: RatingTable,
    weighting: Weighting,
    chance: ChanceModel,
    *,
    keep: bool = True,
) -> AgreementResult:
    """Compute one coefficient ``(pa - pe) / (1 - pe)`` with its SE and 95% interval.

    ``keep`` keeps the table's counts for the other coefficients of the same table."""
    n_raters, n_units = remembered(table, "rated sizes", lambda: _rated_sizes(table))

    def unsupported(reason: str) -> AgreementResult:
        return undefined(name, Family.KAPPA, reason, n_units=n_units, n_raters=n_raters)

    if table.n_categories < 2:
        return unsupported(REASON_ONE_LEVEL)
    if weighting is not Weighting.IDENTITY and table.level is Measurement.NOMINAL:
        return unsupported(REASON_NOMINAL.format(weighting=weighting.value.capitalize()))
    ratings = (
        _prepared(table, weighting)
        if keep
        else prepare(table, _weights(table, weighting), weighting)
    )
    if ratings.n_multi == 0:
        return unsupported(REASON_NO_PAIRS)
    pe, pe_units = chance(ratings)
    if not 1.0 - pe > PE_TOLERANCE:
        return unsupported(REASON_PE_ONE)
    # pa <= 1, so the coefficient cannot exceed 1; min() only removes rounding noise.
    kappa = min((ratings.pa - pe) / (1.0 - pe), 1.0)
    se = linearized_se(ratings, kappa, pe, pe_units)
    if se is None:
        return defined(
            name,
            Family.KAPPA,
            kappa,
            n_units=ratings.n,
            n_raters=n_raters,
            reason_no_ci=REASON_NO_CI,
        )
    half = t_quantile(0.975, ratings.n - 1) * se
    return defined(
        name,
        Family.KAPPA,
        kappa,
        n_units=ratings.n,
        n_raters=n_raters,
        standard_error=se,
        ci=(kappa - half, min(kappa + half, 1.0)),
        ci_method=CI_METHOD,
    )


def _rated_sizes(table: RatingTable) -> tuple[int, int]:
    """Raters with a rating, and units with a rating."""
    present = table.codes != MISSING
    return int(present.any(axis=0).sum()), int(present.any(axis=1).sum())


def _prepared(table: RatingTable, weighting: Weighting) -> Ratings:
    """:func:`prepare`, sharing one count of the table between all weightings and keeping each
    weighting's observed agreement: twelve coefficients ask, three weightings differ. The
    arrays are read-only, since every coefficient of the table reads the same ones."""
    codes, counts, totals, multi = remembered(table, "gwet counts", lambda: _frozen(table))
    weights = _weights(table, weighting)

    def observed() -> FloatArray:
        pa = _observed(table, counts, totals, multi, weights, weighting)
        pa.flags.writeable = False
        return pa

    pa_units = remembered(table, ("gwet observed", weighting), observed)
    weights.flags.writeable = False
    return Ratings(codes, counts, totals, weights, pa_units, multi)


def _weights(table: RatingTable, weighting: Weighting) -> FloatArray:
    """The q × q agreement weights of ``weighting`` over the table's levels."""
    if weighting is Weighting.IDENTITY:
        return np.eye(table.n_categories)
    return weight_matrix(table.category_values, weighting)


def _frozen(table: RatingTable) -> tuple[IntArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    counted = _counted(table)
    for array in counted[1:]:
        array.flags.writeable = False
    return counted


def linearized_se(ratings: Ratings, kappa: float, pe: float, pe_units: FloatArray) -> float | None:
    """Gwet's (2014) standard error conditional on the raters, f = 0; None when n < 2."""
    n = ratings.n
    if n < 2:
        return None
    scale = n / ratings.n_multi
    values = scale * (ratings.pa_units - pe * ratings.multi) / (1.0 - pe)
    values -= 2.0 * (1.0 - kappa) * (pe_units - pe) / (1.0 - pe)
    variance = float(((values - kappa) ** 2).sum()) / (n * (n - 1))
    return math.sqrt(variance)
