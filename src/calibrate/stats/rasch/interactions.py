"""Rater × criterion bias: is a rater harsher (or kinder) on one criterion than on the rest?

As in FACETS' bias/interaction analysis (Tables 13–14), all main measures are held at their
fitted values and one extra term is estimated for each rater-criterion pair from that pair's
ratings only: ``eta = B - D - C - bias``. A positive bias is extra severity (the rater scored
this criterion lower than the model expects from the rater's overall severity). Its model
standard error is ``1/sqrt(sum W)``; ``t = bias / SE`` on ``count - 1`` degrees of freedom.
Pairs whose ratings are all at the lowest (or highest) level in use have no finite bias.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from calibrate.stats.rasch.estimation import category_probabilities, moments
from calibrate.stats.rasch.fit_statistics import to_levels
from calibrate.stats.rasch.results import FacetsFit


@dataclass(frozen=True)
class Interaction:
    """One rater on one criterion, beyond the rater's overall severity."""

    rater: int
    criterion: int
    rater_label: str
    criterion_label: str
    count: int
    observed_average: float  # mean level given
    expected_average: float  # mean level the main model expects
    bias: float | None  # logits; positive = harsher on this criterion than overall
    standard_error: float | None
    t: float | None
    df: int
    p_value: float | None
    reason: str | None = None

    def __post_init__(self) -> None:
        for v in (self.bias, self.standard_error, self.t, self.p_value):
            if v is not None and not math.isfinite(v):
                raise ValueError("interaction figures must be finite or None with a reason")
        if self.bias is None and not self.reason:
            raise ValueError("an undefined interaction must say why")

    @property
    def significant(self) -> bool:
        """FACETS' usual screen: |t| >= 2 (and a p-value below .05 on count - 1 df)."""
        return self.t is not None and self.p_value is not None and self.p_value < 0.05


def rater_criterion_bias(fit: FacetsFit) -> tuple[Interaction, ...]:
    """Every rater × criterion pair with ratings, in rater then criterion order."""
    d = fit.data
    theta = np.array([e.measure or 0.0 for e in fit.samples])
    delta = np.array([e.measure or 0.0 for e in fit.criteria])
    c = np.array([e.measure or 0.0 for e in fit.raters])
    if fit.bias_corrected:
        raise ValueError("bias analysis needs the uncorrected JMLE measures; refit without it")
    psi = np.array([[np.inf if v is None else v for v in row] for row in fit.psi])
    scale = d.criterion if fit.model == "partial credit" else np.zeros(d.n, dtype=np.int64)
    rows_psi = psi[scale]
    base = theta[d.sample] - delta[d.criterion] - c[d.rater]
    pair = d.rater * d.n_criteria + d.criterion
    n_pairs = d.n_raters * d.n_criteria
    count = np.bincount(pair, minlength=n_pairs)
    used = np.isfinite(rows_psi)
    lo = np.argmax(used, axis=1)
    hi = used.shape[1] - 1 - np.argmax(used[:, ::-1], axis=1)
    n_lo = np.bincount(pair, weights=(d.code == lo), minlength=n_pairs)
    n_hi = np.bincount(pair, weights=(d.code == hi), minlength=n_pairs)
    e0, _, _ = moments(category_probabilities(base, rows_psi))
    obs_levels = np.bincount(pair, weights=np.asarray(d.categories)[d.code], minlength=n_pairs)
    exp_levels = np.bincount(pair, weights=to_levels(e0, d.categories), minlength=n_pairs)
    extreme = (n_lo == count) | (n_hi == count)
    bias = np.zeros(n_pairs)
    for _ in range(100):
        e, v, _ = moments(category_probabilities(base - bias[pair], rows_psi))
        resid = np.bincount(pair, weights=d.code - e, minlength=n_pairs)
        info = np.bincount(pair, weights=v, minlength=n_pairs)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(info > 0, -resid / info, 0.0)
        step = np.clip(np.where(extreme, 0.0, step), -1.0, 1.0)
        bias += step
        if np.abs(step).max() < 1e-9:
            break
    _, v, _ = moments(category_probabilities(base - bias[pair], rows_psi))
    info = np.bincount(pair, weights=v, minlength=n_pairs)
    out = []
    for k in np.flatnonzero(count):
        j, i = divmod(int(k), d.n_criteria)
        n = int(count[k])
        b: float | None = None
        se: float | None = None
        t: float | None = None
        p: float | None = None
        if extreme[k]:
            where = "lowest" if n_lo[k] == count[k] else "highest"
            why: str | None = (
                f"Every one of these {n} ratings was the {where} level in use, so the size "
                "of the difference cannot be estimated."
            )
        else:
            b, se = float(bias[k]), 1.0 / math.sqrt(info[k])
            t = b / se
            p = float(2 * stats.t.sf(abs(t), n - 1)) if n > 1 else None
            why = None if p is not None else "One rating only: no degrees of freedom for a test."
        out.append(
            Interaction(
                rater=j,
                criterion=i,
                rater_label=d.rater_labels[j],
                criterion_label=d.criterion_labels[i],
                count=n,
                observed_average=float(obs_levels[k] / n),
                expected_average=float(exp_levels[k] / n),
                bias=b,
                standard_error=se,
                t=t,
                df=n - 1,
                p_value=p,
                reason=why,
            )
        )
    return tuple(out)
