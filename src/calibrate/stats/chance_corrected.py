"""Multi-rater chance-corrected agreement: Fleiss, Conger, Gwet's AC1/AC2, Brennan-Prediger.

All are ``(pa - pe) / (1 - pe)`` over raw ratings with missing values, following Gwet (2014,
*Handbook of Inter-Rater Reliability*, 4th ed.): the same observed agreement ``pa`` (the
weighted share of agreeing rater pairs, averaged over units with two or more ratings) and a
different chance agreement ``pe``. See :mod:`calibrate.stats.gwet_core` for ``pa``, the
standard error and the interval. Here ``q`` is the number of *declared* levels (unused ones
included), ``w`` the q × q weights, ``T_w`` their sum, ``n`` the units with at least one
rating and ``pi_k`` the mean over those units of the share of a unit's ratings in level ``k``.

- Fleiss (1971), weighted as in Gwet (2014, ch. 3): ``pe = sum_kl w_kl pi_k pi_l``.
- Conger (1980): ``pe`` is the mean over ordered pairs of distinct raters ``g != h`` of
  ``sum_kl w_kl p_gk p_hl``, where ``p_gk`` is the share of the units rater ``g`` rated that
  they put in level ``k``. Only raters with at least one rating count.
- Gwet's AC1 (2008) and AC2 (2014): ``pe = T_w / (q (q - 1)) · sum_k pi_k (1 - pi_k)``.
- Brennan & Prediger (1981): ``pe = T_w / q^2``, a constant, so it does not depend on the
  ratings: with every rating in one level it is still defined (``pe = 1/q`` unweighted).

Linear and quadratic weights (:func:`calibrate.stats.weights.weight_matrix`) need ordered
levels; on nominal ratings the weighted forms are undefined, with the reason.

Each coefficient's unit-level chance agreement ``pe_i`` (used by the variance, mean ``pe``) is
half the unit's influence on ``pe``: for Fleiss ``sum_k (r_ik/r_i) (w pi)_k``; for AC1/AC2
``T_w/(q(q-1)) sum_k (r_ik/r_i)(1 - pi_k)``; for Conger Gwet's (2014, ch. 5) expression, in
closed form below; for Brennan-Prediger ``pe`` itself.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from calibrate.domain.ratings import MISSING, RatingTable
from calibrate.stats.gwet_core import FloatArray, Ratings, evaluate
from calibrate.stats.result import AgreementResult, Family, undefined
from calibrate.stats.weights import Weighting

NAMES: tuple[str, ...] = (
    "fleiss_kappa",
    "conger_kappa",
    "gwet_ac1",
    "brennan_prediger",
    "fleiss_kappa_linear",
    "fleiss_kappa_quadratic",
    "conger_kappa_linear",
    "conger_kappa_quadratic",
    "gwet_ac2_linear",
    "gwet_ac2_quadratic",
    "brennan_prediger_linear",
    "brennan_prediger_quadratic",
    "fleiss_kappa_listwise",
)

_IDENTITY = Weighting.IDENTITY
_LINEAR = Weighting.LINEAR
_QUADRATIC = Weighting.QUADRATIC

#: Units per block in Conger's per-rating steps (a few MiB of temporaries at 10 raters).
_CONGER_BLOCK = 32_768

REASON_NO_COMPLETE = (
    "no sample was rated by every rater, and this version of Fleiss' kappa uses only fully "
    "rated samples"
)


# ----------------------------------------------------------------- chance models
def _fleiss_chance(ratings: Ratings) -> tuple[float, FloatArray]:
    pi = ratings.class_probabilities
    w = ratings.weights
    pe = float(pi @ w @ pi)
    symmetric = (w + w.T) / 2.0
    pe_units = ratings.shares @ (symmetric @ pi)
    return pe, pe_units


def _gwet_chance(ratings: Ratings) -> tuple[float, FloatArray]:
    pi = ratings.class_probabilities
    q = ratings.q
    factor = float(ratings.weights.sum()) / (q * (q - 1))
    pe = factor * float((pi * (1.0 - pi)).sum())
    pe_units = factor * (ratings.shares @ (1.0 - pi))
    return pe, pe_units


def _brennan_prediger_chance(ratings: Ratings) -> tuple[float, FloatArray]:
    q = ratings.q
    pe = float(ratings.weights.sum()) / (q * q)
    return pe, np.full(ratings.n, pe)


def _conger_chance(ratings: Ratings) -> tuple[float, FloatArray]:
    """Conger's chance agreement and Gwet's (2014) unit-level values for it.

    With ``P`` the raters × levels matrix of ``p_gk``, ``S = sum_g p_g`` and ``B`` the
    symmetrised weights, ``pe = (S'wS - sum_g p_g'w p_g) / (r (r - 1))``. Unit ``i``'s value is
    ``pe_i = sum_g u_ig' B (S - p_g) / (r (r - 1))`` where ``u_igl = p_gl + (n / n_g)
    (delta_igl - eps_ig p_gl)`` linearizes rater ``g``'s classification probabilities
    (``delta_igl`` = rater ``g`` put unit ``i`` in level ``l``; ``eps_ig`` = rater ``g`` rated
    unit ``i``; ``n_g`` = units rater ``g`` rated). Writing ``C_g = B (S - p_g)`` this is
    ``(sum_g p_g'C_g + sum_{g rated i} (n / n_g)(C_g[x_ig] - p_g'C_g)) / (r (r - 1))``: one
    lookup per rating, so memory stays at the size of the table.
    """
    codes = ratings.codes
    active = (codes != MISSING).any(axis=0)
    if not active.all():
        codes = codes[:, active]
    n, r = codes.shape
    q = ratings.q
    # The per-rating steps run over blocks of units, so their temporaries stay a few MiB
    # whatever the table's size; counts are integers and each unit's sum is its own row's,
    # so the blocks change no value.
    blocks = [codes[lo : lo + _CONGER_BLOCK] for lo in range(0, n, _CONGER_BLOCK)]
    # Each rater's count per level: one bincount over (rater, level) pairs, missing cells aside.
    per_rater_flat = np.zeros(r * q + 1, dtype=np.int64)
    for block in blocks:
        small = block.astype(np.int32)  # raters × levels is small: 32-bit indexes
        pair = np.where(block != MISSING, np.arange(r, dtype=np.int32)[None, :] * q + small, r * q)
        per_rater_flat += np.bincount(pair.ravel(), minlength=r * q + 1)
    per_rater = per_rater_flat[: r * q].reshape(r, q).astype(np.float64)
    rated_by = per_rater.sum(axis=1)  # n_g >= 1 for every active rater
    p = per_rater / rated_by[:, None]
    w = ratings.weights
    total = p.sum(axis=0)
    pairs = float(r * (r - 1))
    pe = (float(total @ w @ total) - float(np.einsum("gk,kl,gl->", p, w, p))) / pairs
    symmetric = (w + w.T) / 2.0
    c = (total[None, :] - p) @ symmetric  # C_g, raters × levels
    base = (p * c).sum(axis=1)  # p_g' C_g
    # sum over the raters of unit i of (n / n_g)(C_g[x_ig] - p_g'C_g): one lookup per rating
    # in a table that is 0 for a missing cell.
    scaled = np.zeros((r, q + 1))
    scaled[:, :q] = (n / rated_by)[:, None] * (c - base[:, None])
    offsets = np.arange(r, dtype=np.int32)[None, :] * (q + 1)
    lookup = scaled.ravel()
    deviation = np.empty(n)
    for lo, block in zip(range(0, n, _CONGER_BLOCK), blocks, strict=True):
        flat = np.where(block != MISSING, offsets + block.astype(np.int32), offsets + q)
        deviation[lo : lo + block.shape[0]] = lookup[flat].sum(axis=1)
    pe_units = (base.sum() + deviation) / pairs
    return pe, pe_units


# ----------------------------------------------------------------- unweighted
def fleiss_kappa(table: RatingTable) -> AgreementResult:
    """Fleiss' (1971) kappa on raw ratings with missing values (Gwet 2014).

    Uses every unit with at least one rating (``n``) for the classification probabilities and
    the variance; observed agreement averages the units with two or more ratings. SE: Gwet's
    linearization variance conditional on the raters; CI: ``± t(0.975, n - 1) · SE``, upper
    end capped at 1, lower end not truncated. Undefined when no unit has two ratings, when
    every rating is in one level (``pe = 1``), or with a single declared level.
    """
    return evaluate("fleiss_kappa", table, _IDENTITY, _fleiss_chance)


def conger_kappa(table: RatingTable) -> AgreementResult:
    """Conger's (1980) kappa: chance agreement from each rater's own level proportions.

    ``n`` (variance and ``t(n - 1)``): units with at least one rating; raters who rated
    nothing are left out. SE and CI as for :func:`fleiss_kappa`.
    """
    return evaluate("conger_kappa", table, _IDENTITY, _conger_chance)


def gwet_ac1(table: RatingTable) -> AgreementResult:
    """Gwet's (2008) AC1, resistant to the kappa paradox of one dominant level.

    ``q`` counts every declared level. Defined even when every rating is one level (then
    ``pe = 0`` and AC1 equals the observed agreement). ``n`` and SE as for
    :func:`fleiss_kappa`.
    """
    return evaluate("gwet_ac1", table, _IDENTITY, _gwet_chance)


def brennan_prediger(table: RatingTable) -> AgreementResult:
    """Brennan & Prediger's (1981) coefficient: chance agreement ``1/q`` over declared levels.

    Defined even when every rating is one level. ``n`` and SE as for :func:`fleiss_kappa`
    (``pe`` is a constant, so only observed agreement varies).
    """
    return evaluate("brennan_prediger", table, _IDENTITY, _brennan_prediger_chance)


# ----------------------------------------------------------------- weighted
def fleiss_kappa_linear(table: RatingTable) -> AgreementResult:
    """Fleiss' kappa with linear weights (Gwet 2014, ch. 3); ordered levels only."""
    return evaluate("fleiss_kappa_linear", table, _LINEAR, _fleiss_chance)


def fleiss_kappa_quadratic(table: RatingTable) -> AgreementResult:
    """Fleiss' kappa with quadratic weights (Gwet 2014, ch. 3); ordered levels only."""
    return evaluate("fleiss_kappa_quadratic", table, _QUADRATIC, _fleiss_chance)


def conger_kappa_linear(table: RatingTable) -> AgreementResult:
    """Conger's kappa with linear weights (Gwet 2014, ch. 3); ordered levels only."""
    return evaluate("conger_kappa_linear", table, _LINEAR, _conger_chance)


def conger_kappa_quadratic(table: RatingTable) -> AgreementResult:
    """Conger's kappa with quadratic weights (Gwet 2014, ch. 3); ordered levels only."""
    return evaluate("conger_kappa_quadratic", table, _QUADRATIC, _conger_chance)


def gwet_ac2_linear(table: RatingTable) -> AgreementResult:
    """Gwet's AC2 with linear weights: ``pe = T_w/(q(q-1)) sum pi_k(1-pi_k)``; ordered only."""
    return evaluate("gwet_ac2_linear", table, _LINEAR, _gwet_chance)


def gwet_ac2_quadratic(table: RatingTable) -> AgreementResult:
    """Gwet's AC2 with quadratic weights (Gwet 2014, ch. 3); ordered levels only."""
    return evaluate("gwet_ac2_quadratic", table, _QUADRATIC, _gwet_chance)


def brennan_prediger_linear(table: RatingTable) -> AgreementResult:
    """Brennan-Prediger with linear weights: ``pe = T_w / q^2``; ordered levels only."""
    return evaluate("brennan_prediger_linear", table, _LINEAR, _brennan_prediger_chance)


def brennan_prediger_quadratic(table: RatingTable) -> AgreementResult:
    """Brennan-Prediger with quadratic weights: ``pe = T_w / q^2``; ordered levels only."""
    return evaluate("brennan_prediger_quadratic", table, _QUADRATIC, _brennan_prediger_chance)


# ----------------------------------------------------------------- listwise
def fleiss_kappa_listwise(table: RatingTable) -> AgreementResult:
    """Fleiss' (1971) kappa on the complete units only (every rater rated), as Fleiss defined it.

    The units some rater skipped are dropped first, so every unit has the same number of
    ratings (Fleiss' own setting; statsmodels' ``fleiss_kappa`` gives the same value). SE:
    Gwet's (2014) linearization variance on those complete units (conditional on the raters,
    no finite-population correction), not Fleiss, Nee & Landis' (1979) variance, which holds
    only under the null hypothesis of no agreement and suits a test, not an interval. ``n``
    (variance and ``t(n - 1)``) is the number of complete units.
    """
    complete = table.complete_units()
    if table.n_units and complete.n_units == 0:
        return undefined(
            "fleiss_kappa_listwise",
            Family.KAPPA,
            REASON_NO_COMPLETE,
            n_units=0,
            n_raters=table.n_raters,
        )
    # Only this coefficient reads the complete units' counts: keep them only when the complete
    # units are the table itself, which every other coefficient shares.
    return evaluate(
        "fleiss_kappa_listwise", complete, _IDENTITY, _fleiss_chance, keep=complete is table
    )


FUNCTIONS: dict[str, Callable[[RatingTable], AgreementResult]] = {
    "fleiss_kappa": fleiss_kappa,
    "conger_kappa": conger_kappa,
    "gwet_ac1": gwet_ac1,
    "brennan_prediger": brennan_prediger,
    "fleiss_kappa_linear": fleiss_kappa_linear,
    "fleiss_kappa_quadratic": fleiss_kappa_quadratic,
    "conger_kappa_linear": conger_kappa_linear,
    "conger_kappa_quadratic": conger_kappa_quadratic,
    "gwet_ac2_linear": gwet_ac2_linear,
    "gwet_ac2_quadratic": gwet_ac2_quadratic,
    "brennan_prediger_linear": brennan_prediger_linear,
    "brennan_prediger_quadratic": brennan_prediger_quadratic,
    "fleiss_kappa_listwise": fleiss_kappa_listwise,
}
