"""Fit, separation and agreement figures of a many-facet Rasch fit (FACETS Table 7).

- **Infit / outfit mean-square** (Wright & Masters 1982, *Rating Scale Analysis*, ch. 5):
  outfit ``= mean(z²)`` with ``z = (x - E) / sqrt(W)``; infit ``= sum (x - E)² / sum W``.
- **ZStd** by the Wilson-Hilferty cube-root transformation, ``(MnSq^(1/3) - 1)(3/q) + q/3``,
  with ``q² = sum(C/W²)/n² - 1/n`` for outfit and ``q² = sum(C - W²)/(sum W)²`` for infit,
  ``C`` the fourth central moment of each rating (Wright & Masters 1982; Linacre, FACETS manual
  "Fit statistics"). Bands read as FACETS gives them: 0.5–1.5 productive for measurement,
  1.5–2.0 unproductive but not degrading, above 2.0 distorts or degrades; below 0.5 less
  varied than the model expects (muted, e.g. keeping to the middle or halo).
- **Separation** (FACETS Table 7 summary): see :class:`~calibrate.stats.rasch.results.Separation`.
- **Exact agreement** (FACETS ``Inter-rater=``): every pair of ratings of one sample on one
  criterion by two raters is an opportunity; observed exact agreements against the expected
  ``sum_k P_ak P_bk`` from the model.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy import stats

from calibrate.stats.rasch.results import Agreement, Fit, Separation

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RATER_RELIABILITY_NOTE = (
    "For raters, a high 'reliability' means the raters differ reliably in severity, not that "
    "they agree: the ideal for a team is a rater reliability near 0."
)


def wilson_hilferty(mnsq: FloatArray, q: FloatArray) -> FloatArray:
    """Standardise mean-squares to approximately unit-normal ZStd (Wilson & Hilferty 1931)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.cbrt(mnsq) - 1.0) * (3.0 / q) + q / 3.0


def element_fits(
    index: IntArray,
    m: int,
    residual: FloatArray,
    variance: FloatArray,
    kurtosis: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, IntArray]:
    """Per-element infit, infit ZStd, outfit, outfit ZStd and rating counts (NaN if none)."""
    n = np.bincount(index, minlength=m).astype(np.float64)
    w = np.bincount(index, weights=variance, minlength=m)
    with np.errstate(divide="ignore", invalid="ignore"):
        z2 = residual**2 / variance
        outfit = np.bincount(index, weights=z2, minlength=m) / n
        infit = np.bincount(index, weights=residual**2, minlength=m) / w
        q_out = np.sqrt(
            np.maximum(
                np.bincount(index, weights=kurtosis / variance**2, minlength=m) / n**2 - 1 / n, 0
            )
        )
        q_in = np.sqrt(
            np.maximum(np.bincount(index, weights=kurtosis - variance**2, minlength=m) / w**2, 0)
        )
    return (
        infit,
        wilson_hilferty(infit, q_in),
        outfit,
        wilson_hilferty(outfit, q_out),
        n.astype(np.int64),
    )


def fit_of(infit: float, infit_z: float, outfit: float, outfit_z: float, count: int) -> Fit:
    if count < 2 or not all(map(math.isfinite, (infit, outfit))):
        return Fit(None, None, None, None, "Too few ratings with any variation to judge fit.")
    iz = float(infit_z) if math.isfinite(infit_z) else None
    oz = float(outfit_z) if math.isfinite(outfit_z) else None
    return Fit(float(infit), iz, float(outfit), oz)


def separation(facet: str, measures: FloatArray, ses: FloatArray) -> Separation:
    """Separation, strata and reliability of one facet from its estimated elements."""
    note = {
        "raters": RATER_RELIABILITY_NOTE,
        "samples": "How reliably the samples are told apart, like a test's reliability.",
        "criteria": "How reliably the criteria differ in difficulty.",
    }[facet]
    n = int(measures.size)
    if n < 2:
        return Separation(
            facet,
            n,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            0,
            None,
            note,
            reason="Fewer than two estimated elements: nothing to separate.",
        )
    obs_sd = float(measures.std())
    rmse = float(np.sqrt(np.mean(ses**2)))
    true_var = obs_sd**2 - rmse**2
    w = 1.0 / ses**2
    mean_w = float((w * measures).sum() / w.sum())
    chi = float((w * (measures - mean_w) ** 2).sum())
    p = float(stats.chi2.sf(chi, n - 1))
    if true_var <= 0:
        return Separation(facet, n, obs_sd, rmse, 0.0, 0.0, 1.0 / 3.0, 0.0, chi, n - 1, p, note)
    true_sd = math.sqrt(true_var)
    g = true_sd / rmse
    return Separation(
        facet,
        n,
        obs_sd,
        rmse,
        true_sd,
        g,
        (4 * g + 1) / 3,
        true_var / obs_sd**2,
        chi,
        n - 1,
        p,
        note,
    )


def exact_agreement(
    sample: IntArray,
    criterion: IntArray,
    rater: IntArray,
    code: IntArray,
    p: FloatArray,
    n_criteria: int,
    rater_labels: tuple[str, ...],
) -> tuple[Agreement, ...]:
    """Observed and expected exact agreement, for the team and per rater."""
    key = sample * n_criteria + criterion
    order = np.lexsort((rater, key))
    key, rat, x, pp = key[order], rater[order], code[order], p[order]
    nr = len(rater_labels)
    opp = np.zeros(nr)
    obs = np.zeros(nr)
    exp = np.zeros(nr)
    total = [0.0, 0.0, 0.0]
    for d in range(1, key.size):
        same = key[d:] == key[:-d]
        if not same.any():
            break
        a, b = np.flatnonzero(same), np.flatnonzero(same) + d
        hit = (x[a] == x[b]).astype(np.float64)
        e = (pp[a] * pp[b]).sum(axis=1)
        for who in (rat[a], rat[b]):
            opp += np.bincount(who, minlength=nr)
            obs += np.bincount(who, weights=hit, minlength=nr)
            exp += np.bincount(who, weights=e, minlength=nr)
        total[0] += a.size
        total[1] += float(hit.sum())
        total[2] += float(e.sum())
    none = "No other rater scored the same samples on the same criteria, so there is no pair."
    team = (
        Agreement(None, "team", int(total[0]), total[1] / total[0], total[2] / total[0])
        if total[0]
        else Agreement(None, "team", 0, None, None, none)
    )
    out = [team]
    for r in range(nr):
        if opp[r]:
            out.append(Agreement(r, rater_labels[r], int(opp[r]), obs[r] / opp[r], exp[r] / opp[r]))
        else:
            out.append(Agreement(r, rater_labels[r], 0, None, None, none))
    return tuple(out)


def to_levels(score: FloatArray | float, categories: tuple[float, ...]) -> FloatArray:
    """A score in steps from the lowest level (0 … K-1, fractional) as a rubric level value."""
    k = np.arange(len(categories), dtype=np.float64)
    out = np.interp(np.asarray(score, dtype=np.float64), k, np.asarray(categories))
    return np.asarray(out, dtype=np.float64)
