"""Ratings simulated from the many-facet rating-scale model, for recovery tests and benches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Simulated:
    sample: npt.NDArray[np.int64]
    criterion: npt.NDArray[np.int64]
    rater: npt.NDArray[np.int64]
    code: npt.NDArray[np.int64]
    ability: npt.NDArray[np.float64]
    difficulty: npt.NDArray[np.float64]
    severity: npt.NDArray[np.float64]
    steps: npt.NDArray[np.float64]  # Andrich thresholds F_1..F_{K-1}, sum 0


def simulate(
    rng: np.random.Generator,
    *,
    n_samples: int,
    n_criteria: int,
    n_raters: int,
    steps: tuple[float, ...] = (-1.5, -0.3, 0.4, 1.4),
    raters_per_sample: int | None = None,
    missing: float = 0.0,
    ability_sd: float = 1.2,
    severity: npt.ArrayLike | None = None,
    ability: npt.ArrayLike | None = None,
    bias: dict[tuple[int, int], float] | None = None,
    criterion_steps: tuple[tuple[float, ...], ...] | None = None,
) -> Simulated:
    """One rating per (sample, criterion, rater) in the design, drawn from the model.

    ``bias`` adds extra severity (logits) for given (rater, criterion) pairs;
    ``criterion_steps`` gives each criterion its own steps (the partial-credit model).
    """
    f = np.asarray(steps) - np.mean(steps)
    theta = (
        np.asarray(ability, dtype=float)
        if ability is not None
        else rng.normal(0, ability_sd, n_samples)
    )
    delta = np.linspace(-0.6, 0.6, n_criteria)
    c = np.asarray(severity, dtype=float) if severity is not None else np.linspace(-1, 1, n_raters)
    c = c - c.mean()
    rows = []
    for n in range(n_samples):
        raters = (
            np.sort(rng.choice(n_raters, raters_per_sample, replace=False))
            if raters_per_sample
            else np.arange(n_raters)
        )
        for j in raters:
            for i in range(n_criteria):
                rows.append((n, i, j))
    a = np.array(rows, dtype=np.int64)
    if missing:
        a = a[rng.random(len(a)) >= missing]
    eta = theta[a[:, 0]] - delta[a[:, 1]] - c[a[:, 2]]
    for (j, i), extra in (bias or {}).items():
        eta[(a[:, 2] == j) & (a[:, 1] == i)] -= extra
    k = np.arange(f.size + 1)
    rows_psi = np.repeat(np.concatenate([[0.0], np.cumsum(f)])[None, :], len(a), axis=0)
    for i, own in enumerate(criterion_steps or ()):
        g = np.asarray(own) - np.mean(own)
        rows_psi[a[:, 1] == i] = np.concatenate([[0.0], np.cumsum(g)])
    z = eta[:, None] * k[None, :] - rows_psi
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    u = rng.random(len(a))
    x = (p.cumsum(axis=1) < u[:, None]).sum(axis=1)
    return Simulated(a[:, 0], a[:, 1], a[:, 2], x.astype(np.int64), theta, delta, c, f)
