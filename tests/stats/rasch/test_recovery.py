"""Known severities come back from data simulated from the model, within their errors.

Design from the issue: 8 raters × 30 samples × 4 criteria on a 1–5 rubric; each sample scored
by 5 of the 8 raters (a linked design), 5% of ratings missing at random, and one sample scored
the lowest level by everyone.
"""

from __future__ import annotations

import numpy as np
import pytest

from calibrate.stats.rasch import FacetsFit, Status, facet_data, fit_facets
from tests.stats.rasch.simulate import Simulated, simulate

LEVELS = (1, 2, 3, 4, 5)


def _linked(seed: int) -> tuple[Simulated, FacetsFit]:
    sim = simulate(
        np.random.default_rng(seed),
        n_samples=30,
        n_criteria=4,
        n_raters=8,
        raters_per_sample=5,
        missing=0.05,
    )
    code = sim.code.copy()
    code[sim.sample == 0] = 0  # an extreme sample: all lowest level
    data = facet_data(sim.sample, sim.criterion, sim.rater, code, categories=LEVELS)
    return sim, fit_facets(data, model="rating scale")


def test_severities_are_recovered_within_their_standard_errors() -> None:
    z = []
    for seed in range(20):
        sim, fit = _linked(seed)
        assert fit.converged and fit.connected
        for r in fit.raters:
            assert r.status is Status.ESTIMATED and r.standard_error
            z.append((r.measure - sim.severity[r.index]) / r.standard_error)
    z_abs = np.abs(np.array(z))
    # 160 severities: about 95% should lie within 1.96 SE. FACETS' model SE treats the other
    # facets' measures as known, so in a sparse linked design (each sample has 20 ratings) it
    # is somewhat optimistic: the z's spread with SD about 1.15 here. Measured: 91% within
    # 1.96 SE, 98% within 3 SE.
    assert np.mean(z_abs < 1.96) >= 0.88
    assert np.mean(z_abs < 3.0) >= 0.97
    assert 0.9 < np.std(z) < 1.3


def test_the_extreme_sample_is_measured_apart_and_said() -> None:
    _, fit = _linked(3)
    s = fit.samples[0]
    assert s.status is Status.EXTREME_LOW
    assert "lowest level" in (s.reason or "")
    assert s.fair_average is not None and 1.0 <= s.fair_average < 1.5
    assert s.count >= 15  # every one of its ratings is counted (5 raters × 4, less missing)
    estimated = [e for e in fit.samples if e.status is Status.ESTIMATED]
    assert len(estimated) == 29
    assert fit.separation_of("samples").n == 29


def test_sample_measures_track_true_ability() -> None:
    sim, fit = _linked(5)
    est = np.array([s.measure for s in fit.samples[1:]])
    assert np.corrcoef(est, sim.ability[1:])[0, 1] > 0.9


def test_fair_averages_rank_samples_like_their_measures() -> None:
    _, fit = _linked(7)
    m = np.array([s.measure for s in fit.samples])
    fair = np.array([s.fair_average for s in fit.samples])
    assert (np.diff(fair[np.argsort(m)]) >= -1e-12).all()
    assert fair.min() >= 1 and fair.max() <= 5


def test_a_harsh_rater_on_easy_work_is_not_confused_with_hard_work() -> None:
    """The point of the model: the raw mean of the rater who scored the weakest samples is
    lowest, yet the model finds that rater of average severity."""
    rng = np.random.default_rng(11)
    theta = np.concatenate([rng.normal(-1.5, 0.5, 20), rng.normal(1.0, 0.5, 20)])
    rows = []
    for n in range(40):
        raters = [0, 1] if n < 20 else [1, 2]  # rater 0 sees only the weak samples
        rows += [(n, i, j) for j in raters for i in range(4)]
    a = np.array(rows)
    eta = theta[a[:, 0]]
    psi = np.concatenate([[0.0], np.cumsum([-1.5, -0.3, 0.4, 1.4])])
    z = eta[:, None] * np.arange(5) - psi
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    x = (p.cumsum(axis=1) < rng.random(len(a))[:, None]).sum(axis=1)
    fit = fit_facets(
        facet_data(a[:, 0], a[:, 1], a[:, 2], x, categories=LEVELS), model="rating scale"
    )
    raw = [x[a[:, 2] == j].mean() for j in range(3)]
    assert raw[0] < raw[1] < raw[2]
    for r in fit.raters:
        assert r.measure is not None and r.standard_error is not None
        assert abs(r.measure) < 2.5 * r.standard_error + 0.1


@pytest.mark.parametrize("model", ["rating scale", "partial credit"])
def test_both_models_fit_the_issue_design(model: str) -> None:
    sim, _ = _linked(1)
    data = facet_data(sim.sample, sim.criterion, sim.rater, sim.code, categories=LEVELS)
    fit = fit_facets(data, model=model)  # type: ignore[arg-type]
    assert fit.converged
    scales = {t.scale for t in fit.thresholds}
    assert scales == ({"all criteria"} if model == "rating scale" else set(data.criterion_labels))
    est = np.array([r.measure for r in fit.raters])
    assert np.corrcoef(est, sim.severity)[0, 1] > 0.9
