"""Per-rater figures: fit mean-squares, exact agreement, rater × criterion bias, plain words."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from calibrate.stats.rasch import (
    FacetsFit,
    facet_data,
    fit_facets,
    level_difference,
    rater_criterion_bias,
    rater_readings,
)
from calibrate.stats.rasch.estimation import category_probabilities
from calibrate.stats.rasch.fit_statistics import wilson_hilferty
from tests.stats.rasch.simulate import Simulated, simulate

LEVELS = (1, 2, 3, 4, 5)
NAMES = ("Erik", "Lena", "Mia", "Noor", "Omar", "Pia")


def _fit(sim: Simulated, code: np.ndarray | None = None) -> FacetsFit:
    data = facet_data(
        sim.sample, sim.criterion, sim.rater, sim.code if code is None else code,
        categories=LEVELS, rater_labels=NAMES,
    )  # fmt: skip
    return fit_facets(data, model="rating scale")


def _sim(seed: int, **kw: object) -> Simulated:
    return simulate(np.random.default_rng(seed), n_samples=40, n_criteria=4, n_raters=6, **kw)  # type: ignore[arg-type]


def test_wilson_hilferty_is_zero_at_one_and_signed() -> None:
    z = wilson_hilferty(np.array([1.0, 0.5, 2.0]), np.array([0.2, 0.2, 0.2]))
    assert z[0] == pytest.approx(0.2 / 3)
    assert z[1] < -2 < 2 < z[2]


def test_model_fitting_data_fit_the_pattern() -> None:
    fit = _fit(_sim(1))
    for r in fit.raters:
        assert r.fit.infit is not None and 0.7 < r.fit.infit < 1.3
        assert r.fit.outfit is not None and 0.6 < r.fit.outfit < 1.5
        assert abs(r.fit.infit_z or 0) < 3
    assert rater_readings(fit, "Lena").fit == "Lena's scores fit the pattern."


def test_a_rater_who_keeps_to_the_middle_is_more_predictable_than_expected() -> None:
    sim = _sim(2)
    code = sim.code.copy()
    mia = sim.rater == 2
    # Mia gives the middle level unless the work is clearly weak or strong, never the ends
    theta = sim.ability[sim.sample[mia]]
    code[mia] = 2 + (theta > 1.0).astype(int) - (theta < -1.0).astype(int)
    fit = _fit(sim, code)
    assert fit.rater("Mia").fit.infit is not None and fit.rater("Mia").fit.infit < 0.5
    assert "more predictable than expected" in rater_readings(fit, "Mia").fit
    assert "middle" in rater_readings(fit, "Mia").fit


def test_a_rater_who_scores_at_random_degrades_measurement() -> None:
    sim = _sim(3)
    code = sim.code.copy()
    noor = sim.rater == 3
    code[noor] = np.random.default_rng(0).integers(0, 5, int(noor.sum()))
    fit = _fit(sim, code)
    assert fit.rater("Noor").fit.outfit is not None and fit.rater("Noor").fit.outfit > 2.0
    assert "against the pattern" in rater_readings(fit, "Noor").fit


def test_exact_agreement_counts_every_pair_of_raters_on_one_piece() -> None:
    sim = _sim(4, raters_per_sample=3)
    fit = _fit(sim)
    d = fit.data
    theta = np.array([s.measure for s in fit.samples])
    delta = np.array([c.measure for c in fit.criteria])
    sev = np.array([r.measure for r in fit.raters])
    psi = np.array([[np.inf if v is None else v for v in fit.psi[0]]])
    p = category_probabilities(
        theta[d.sample] - delta[d.criterion] - sev[d.rater], np.repeat(psi, d.n, axis=0)
    )
    opp = hits = expected = 0.0
    erik = [0.0, 0.0, 0.0]
    for a, b in itertools.combinations(range(d.n), 2):  # brute force over all pairs
        if d.sample[a] == d.sample[b] and d.criterion[a] == d.criterion[b]:
            same, e = float(d.code[a] == d.code[b]), float(p[a] @ p[b])
            opp, hits, expected = opp + 1, hits + same, expected + e
            if 0 in (d.rater[a], d.rater[b]):
                erik = [erik[0] + 1, erik[1] + same, erik[2] + e]
    team = fit.agreement[0]
    assert team.opportunities == opp == 40 * 4 * 3
    assert team.observed == pytest.approx(hits / opp)
    assert team.expected == pytest.approx(expected / opp)
    mine = fit.agreement[1]
    assert mine.label == "Erik" and mine.opportunities == erik[0]
    assert mine.observed == pytest.approx(erik[1] / erik[0])
    assert mine.expected == pytest.approx(erik[2] / erik[0])
    assert team.rasch_kappa is not None and abs(team.rasch_kappa) < 0.15


def test_a_rater_harsh_on_one_criterion_shows_as_a_bias() -> None:
    sim = _sim(5, bias={(0, 2): 1.5})
    fit = _fit(sim)
    table = rater_criterion_bias(fit)
    assert len(table) == 6 * 4
    cell = next(b for b in table if b.rater == 0 and b.criterion == 2)
    assert cell.significant and cell.t is not None and cell.t > 3
    assert cell.bias is not None and cell.standard_error is not None
    assert abs(cell.bias - 1.5) < 3 * cell.standard_error
    assert cell.observed_average < cell.expected_average
    others = [b for b in table if (b.rater, b.criterion) != (0, 2)]
    assert sum(b.significant for b in others) <= 4  # Erik's other criteria lean the other way


def test_a_pair_with_only_the_lowest_level_has_no_bias_size() -> None:
    sim = _sim(6)
    code = sim.code.copy()
    code[(sim.rater == 1) & (sim.criterion == 0)] = 0
    cell = next(
        b for b in rater_criterion_bias(_fit(sim, code)) if (b.rater, b.criterion) == (1, 0)
    )
    assert cell.bias is None and cell.reason and "lowest level" in cell.reason


def test_severity_is_said_in_rubric_levels() -> None:
    sim = _sim(7, severity=[1.4, 0.0, 0.0, 0.0, 0.0, -1.4])
    fit = _fit(sim)
    erik = rater_readings(fit, "Erik")
    pia = rater_readings(fit, "Pia")
    assert erik.level_difference is not None and erik.level_difference < -0.3
    assert "harder than the team on similar work" in erik.severity
    assert "more generously than the team" in pia.severity
    assert level_difference(fit, fit.rater("Erik")) == erik.level_difference
    assert any("like the team" in rater_readings(fit, n).severity for n in NAMES[1:5])
