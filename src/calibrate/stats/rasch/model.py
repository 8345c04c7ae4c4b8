"""Fit a many-facet Rasch model to one set of ratings: :func:`fit_facets`.

Conventions, as FACETS applies them (FACETS manual, "Guilford" example specification:
``Non-centered = 1``, ``Positive = examinees``):

- One facet floats (by default the samples); the other facets are centred on 0 logits over
  their estimated elements. A facet with anchored elements is not centred, and only as many
  facets are centred as the design needs (two location constraints for three facets).
- Extreme elements (every rating at the lowest, or the highest, level in use) are left out of
  the joint estimation, repeatedly, and then measured one at a time, the others held fixed,
  at their score pulled in by ``extreme_adjustment`` score points (0.3 by default, the
  adjustment Winsteps and FACETS use). They carry no fit statistics.
- Estimates are JMLE (FACETS' method), which spreads measures a little wider than conditional
  (CML) estimates. ``bias_correction=True`` multiplies the centred facets' measures and errors
  by ``(L - 1) / L``, ``L`` the median number of ratings per sample (Wright & Douglas 1977's
  correction for JMLE); FACETS does not apply it by default, nor do we.
"""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np

import calibrate.stats.rasch.fit_statistics as fs
from calibrate.stats.rasch.anchoring import Anchors
from calibrate.stats.rasch.design import (
    FACETS,
    FacetData,
    FacetDataError,
    extreme_elements,
    subsets,
)
from calibrate.stats.rasch.estimation import (
    Problem,
    category_probabilities,
    estimate,
    moments,
    solve_single,
)
from calibrate.stats.rasch.results import (
    ElementMeasure,
    FacetsFit,
    Fit,
    Status,
    Threshold,
)

Model = Literal["rating scale", "partial credit"]
ALL = "all criteria"


def _constraints(anchored: set[str], float_facet: str) -> tuple[tuple[str, ...], str | None]:
    centred = [f for f in FACETS if f not in anchored and f != float_facet]
    for drop in ("raters", "criteria", "samples"):
        if len(anchored) + len(centred) <= 2:
            break
        if drop in centred:
            centred.remove(drop)
    floats = [f for f in FACETS if f not in anchored and f not in centred]
    return tuple(centred), (floats[0] if floats else None)


def fit_facets(
    data: FacetData,
    *,
    model: Model,
    anchors: Anchors | None = None,
    float_facet: Literal["samples", "criteria", "raters"] = "samples",
    extreme_adjustment: float = 0.3,
    bias_correction: bool = False,
    max_iterations: int = 100,
    tolerance: float = 1e-8,
) -> FacetsFit:
    """JMLE many-facet Rasch fit of ``data`` (see :func:`~calibrate.stats.rasch.facet_data`).

    ``model`` is "rating scale" (one set of steps shared by all criteria) or "partial credit"
    (steps per criterion, for criteria whose levels work differently). Returns a
    :class:`FacetsFit`; raises :class:`FacetDataError` if there is nothing to fit.
    """
    if model not in ("rating scale", "partial credit"):
        raise FacetDataError(f"unknown model {model!r}: use 'rating scale' or 'partial credit'.")
    if data.n == 0:
        raise FacetDataError("there are no ratings to fit.")
    if not 0 < extreme_adjustment < 1:
        raise FacetDataError("the extreme-score adjustment must be between 0 and 1 score points.")
    anchors = anchors or Anchors()
    pcm = model == "partial credit"
    scale_names = list(data.criterion_labels) if pcm else [ALL]
    scale = data.criterion if pcm else np.zeros(data.n, dtype=np.int64)
    warnings: list[str] = []
    values = {f: np.zeros(len(data.labels(f))) for f in FACETS}
    fixed = {f: np.zeros(len(data.labels(f)), dtype=bool) for f in FACETS}
    for f in FACETS:
        lookup = {label: k for k, label in enumerate(data.labels(f))}
        missing = []
        for label, anchor in anchors.of(f).items():
            if label in lookup:
                values[f][lookup[label]], fixed[f][lookup[label]] = float(anchor), True
            else:
                missing.append(label)
        if missing:
            warnings.append(f"{len(missing)} anchored {f} are not in these ratings.")
    kept, status, active = extreme_elements(data, scale, partial_credit=pcm, anchored=fixed)
    if not kept.any():
        raise FacetDataError(
            "every sample, rater or criterion got only the lowest or only the highest level, "
            "so the ratings hold no comparison for the model to measure."
        )
    kk = data.n_categories
    psi = np.where(active, 0.0, np.inf)
    psi_fixed = np.zeros_like(active)
    for s_idx, name in enumerate(scale_names):
        if name in anchors.thresholds:
            given = anchors.thresholds[name]
            if len(given) != kk:
                raise FacetDataError(
                    f"anchored steps for {name} have {len(given)} levels, not {kk}."
                )
            row = np.array([np.inf if g is None else float(g) for g in given])
            if np.isinf(row[active[s_idx]]).any():
                raise FacetDataError(f"a level used in {name} has no anchored step.")
            psi[s_idx], psi_fixed[s_idx] = row, True
    lo = np.argmax(active, axis=1)
    hi = kk - 1 - np.argmax(active[:, ::-1], axis=1)
    free_psi = active & ~psi_fixed
    free_psi[np.arange(len(scale_names)), lo] = False
    free_psi[np.arange(len(scale_names)), hi] = False
    anchored = {f for f in FACETS if fixed[f].any()}
    centred, floating = _constraints(anchored, float_facet)
    free = {
        f: (np.bincount(data.index(f)[kept], minlength=len(data.labels(f))) > 0) & ~fixed[f]
        for f in FACETS
    }
    pb = Problem(
        n=data.sample[kept],
        i=data.criterion[kept],
        j=data.rater[kept],
        x=data.code[kept],
        s=scale[kept],
        theta=values["samples"].copy(),
        delta=values["criteria"].copy(),
        c=values["raters"].copy(),
        psi=psi,
        free_theta=free["samples"],
        free_delta=free["criteria"],
        free_c=free["raters"],
        free_psi=free_psi,
        centred=centred,
        float_facet=floating,
    )
    estimate(pb, max_iterations=max_iterations, tolerance=tolerance)
    if not pb.converged:
        warnings.append(
            f"The estimates had not settled after {pb.iterations} rounds (last change "
            f"{pb.max_change:.1e} logits); read them with care."
        )
    measure = {"samples": pb.theta, "criteria": pb.delta, "raters": pb.c}
    se = {f: np.full(len(data.labels(f)), np.nan) for f in FACETS}
    # extreme elements: one at a time, others fixed, score pulled in from the extreme
    sign = {"samples": 1.0, "criteria": -1.0, "raters": -1.0}
    for f in FACETS:
        for x in np.flatnonzero(np.isin(status[f], (-1, 1))):
            rows = np.flatnonzero(data.index(f) == x)
            eta = measure["samples"][data.sample[rows]] - measure["criteria"][data.criterion[rows]]
            eta = eta - measure["raters"][data.rater[rows]] - sign[f] * measure[f][x]
            s_rows = scale[rows]
            if status[f][x] == -1:
                target = float(lo[s_rows].sum()) + extreme_adjustment
            else:
                target = float(hi[s_rows].sum()) - extreme_adjustment
            measure[f][x], se[f][x] = solve_single(eta, psi[s_rows], target, sign=sign[f])
    eta_all = (
        measure["samples"][data.sample]
        - measure["criteria"][data.criterion]
        - measure["raters"][data.rater]
    )
    p_all = category_probabilities(eta_all, psi[scale])
    e_all, v_all, c4_all = moments(p_all)
    median_l = (
        float(np.median(np.bincount(data.sample[kept], minlength=data.n_samples)[free["samples"]]))
        if kept.any() and free["samples"].any()
        else 0
    )  # every sample anchored (a later meeting on master-key samples): no median, no shrink
    shrink = (median_l - 1) / median_l if bias_correction and median_l > 1 else 1.0
    design = subsets(data, kept)
    where: dict[str, np.ndarray] = {
        f: np.zeros(len(data.labels(f)), dtype=np.int64) for f in FACETS
    }
    for k, sub in enumerate(design):
        where["samples"][list(sub.samples)] = k
        where["raters"][list(sub.raters)] = k
        where["criteria"][list(sub.criteria)] = k
    if len(design) > 1:
        warnings.append(
            f"The ratings fall into {len(design)} groups that no rater links: measures are "
            "comparable only within a group (see subsets)."
        )
    cats = np.asarray(data.categories)
    elements: dict[str, tuple[ElementMeasure, ...]] = {}
    for f in FACETS:
        idx, m = data.index(f), len(data.labels(f))
        infit, infit_z, outfit, outfit_z, _ = fs.element_fits(
            idx[kept], m, (data.code - e_all)[kept], v_all[kept], c4_all[kept]
        )
        count = np.bincount(idx, minlength=m)
        info = np.bincount(idx[kept], weights=v_all[kept], minlength=m)
        obs_avg = np.bincount(idx, weights=cats[data.code], minlength=m)
        exp_avg = np.bincount(idx, weights=fs.to_levels(e_all, data.categories), minlength=m)
        out = []
        for e in range(m):
            st, reason = _status(int(status[f][e]), bool(fixed[f][e]))
            value = None if st is Status.NO_DATA else float(measure[f][e])
            err = (
                se[f][e]
                if np.isfinite(se[f][e])
                else (1 / np.sqrt(info[e]) if info[e] > 0 else np.nan)
            )
            if f != float_facet and f in centred and value is not None:
                value, err = value * shrink, err * shrink
            fit = (
                fs.fit_of(infit[e], infit_z[e], outfit[e], outfit_z[e], int(count[e]))
                if st in (Status.ESTIMATED, Status.ANCHORED)
                else Fit(None, None, None, None, reason or "No fit for this element.")
            )
            n_e = int(count[e])
            out.append(
                ElementMeasure(
                    facet=f,
                    index=e,
                    label=data.labels(f)[e],
                    status=st,
                    measure=value,
                    standard_error=float(err) if np.isfinite(err) else None,
                    count=n_e,
                    observed_average=float(obs_avg[e] / n_e) if n_e else None,
                    expected_average=float(exp_avg[e] / n_e) if n_e else None,
                    fit=fit,
                    subset=int(where[f][e]),
                    reason=reason,
                )
            )
        elements[f] = tuple(out)
    elements["samples"] = _with_fair_averages(elements["samples"], measure, psi, data, pcm)
    separation = tuple(
        fs.separation(
            f,
            np.array([e.measure for e in elements[f] if e.status is Status.ESTIMATED], dtype=float),
            np.array(
                [e.standard_error for e in elements[f] if e.status is Status.ESTIMATED], dtype=float
            ),
        )
        for f in FACETS
    )
    agreement = fs.exact_agreement(
        data.sample,
        data.criterion,
        data.rater,
        data.code,
        p_all,
        data.n_criteria,
        data.rater_labels,
    )
    return FacetsFit(
        model=model,
        method="JMLE",
        data=data,
        samples=elements["samples"],
        criteria=elements["criteria"],
        raters=elements["raters"],
        thresholds=_thresholds(psi, active, scale_names, data.categories),
        psi=tuple(tuple(None if np.isinf(v) else float(v) for v in row) for row in psi),
        separation=separation,
        agreement=agreement,
        subsets=design,
        centred=centred,
        anchored=tuple(f for f in FACETS if f in anchored),
        converged=pb.converged,
        iterations=pb.iterations,
        log_likelihood=pb.log_likelihood,
        bias_corrected=shrink != 1.0,
        extreme_adjustment=extreme_adjustment,
        warnings=tuple(warnings),
    )


def _status(code: int, anchored: bool) -> tuple[Status, str | None]:
    if anchored:
        return Status.ANCHORED, None
    if code == 2:
        return Status.NO_DATA, "No ratings for this element."
    if code == -1:
        return Status.EXTREME_LOW, (
            "Every rating was the lowest level in use, so the model puts it below any finite "
            "measure; this value is estimated from its score raised by the extreme-score "
            "adjustment and has no fit statistics."
        )
    if code == 1:
        return Status.EXTREME_HIGH, (
            "Every rating was the highest level in use, so the model puts it above any finite "
            "measure; this value is estimated from its score lowered by the extreme-score "
            "adjustment and has no fit statistics."
        )
    return Status.ESTIMATED, None


def _with_fair_averages(
    samples: tuple[ElementMeasure, ...],
    measure: dict[str, np.ndarray],
    psi: np.ndarray,
    data: FacetData,
    pcm: bool,
) -> tuple[ElementMeasure, ...]:
    """FACETS' Fair-M average: the expected level with the other facets at their mean measure.

    For the partial-credit model the expected level is averaged over the criteria, each at
    the raters' mean severity.
    """
    from dataclasses import replace

    c_mean = float(measure["raters"].mean())
    theta = measure["samples"]
    if pcm:
        scores = np.zeros(theta.size)
        for i in range(data.n_criteria):
            eta = theta - measure["criteria"][i] - c_mean
            e, _, _ = moments(category_probabilities(eta, np.repeat(psi[i : i + 1], theta.size, 0)))
            scores += e / data.n_criteria
    else:
        eta = theta - float(measure["criteria"].mean()) - c_mean
        scores, _, _ = moments(category_probabilities(eta, np.repeat(psi[:1], theta.size, 0)))
    fair = fs.to_levels(scores, data.categories)
    return tuple(
        replace(s, fair_average=float(fair[s.index])) if s.measure is not None else s
        for s in samples
    )


def _thresholds(
    psi: np.ndarray, active: np.ndarray, names: list[str], categories: tuple[float, ...]
) -> tuple[Threshold, ...]:
    out = []
    for s_idx, name in enumerate(names):
        used = np.flatnonzero(active[s_idx])
        for prev, k in itertools.pairwise(used):
            out.append(
                Threshold(
                    name, categories[k], categories[prev], float(psi[s_idx, k] - psi[s_idx, prev])
                )
            )
    return tuple(out)
