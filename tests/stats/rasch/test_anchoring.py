"""Two meetings on one scale: anchor on the master-key samples, then read drift in logits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calibrate.stats.rasch import (
    Anchors,
    FacetsFit,
    Status,
    anchors_from,
    facet_data,
    fit_facets,
    severity_drift,
)
from tests.stats.rasch.simulate import simulate

LEVELS = (1, 2, 3, 4, 5)
RATERS = ("Ada", "Ben", "Cleo", "Dev", "Eli", "Fay")
SEVERITY = np.array([-0.9, -0.4, 0.0, 0.2, 0.4, 0.7])


def _session(seed: int, ability: np.ndarray, labels: list[str], severity: np.ndarray) -> tuple:  # type: ignore[type-arg]
    sim = simulate(
        np.random.default_rng(seed),
        n_samples=len(ability),
        n_criteria=4,
        n_raters=6,
        ability=ability,
        severity=severity,
    )
    data = facet_data(
        sim.sample, sim.criterion, sim.rater, sim.code, categories=LEVELS,
        sample_labels=labels, rater_labels=RATERS,
    )  # fmt: skip
    return data, sim


@pytest.fixture(scope="module")
def meetings() -> tuple[FacetsFit, FacetsFit, FacetsFit]:
    rng = np.random.default_rng(42)
    key = rng.normal(0, 1.2, 12)  # master-key samples scored in both meetings
    first = np.concatenate([key, rng.normal(0, 1.2, 28)])
    second = np.concatenate([key, rng.normal(0.5, 1.2, 28)])  # stronger new work
    key_labels = [f"key {k}" for k in range(12)]
    a_labels = key_labels + [f"autumn {k}" for k in range(28)]
    b_labels = key_labels + [f"spring {k}" for k in range(28)]
    # Cleo becomes 0.9 logits harsher; simulated severities are re-centred, so give the
    # second meeting the same mean by moving everyone's true value relative to the first
    later = SEVERITY.copy()
    later[2] += 0.9
    data_a, _ = _session(1, first, a_labels, SEVERITY)
    data_b, _ = _session(2, second, b_labels, later)
    fit_a = fit_facets(data_a, model="rating scale")
    anchors = anchors_from(fit_a, samples=key_labels, criteria=True, thresholds=True)
    fit_b = fit_facets(data_b, model="rating scale", anchors=anchors)
    plain_b = fit_facets(data_b, model="rating scale")
    return fit_a, fit_b, plain_b


def test_anchors_come_from_the_reference_fit(meetings: tuple[FacetsFit, ...]) -> None:
    fit_a, fit_b, _ = meetings
    assert fit_b.anchored == ("samples", "criteria")
    assert fit_b.centred == ()
    key = next(s for s in fit_b.samples if s.label == "key 3")
    assert key.status is Status.ANCHORED
    assert key.measure == next(s.measure for s in fit_a.samples if s.label == "key 3")
    assert fit_b.psi == fit_a.psi  # the steps are held too


def test_drift_finds_the_rater_who_changed(meetings: tuple[FacetsFit, ...]) -> None:
    fit_a, fit_b, _ = meetings
    cleo = severity_drift(fit_a, fit_b, "Cleo")
    assert cleo.significant and cleo.change is not None and cleo.standard_error is not None
    # the simulation re-centres true severities, so Cleo's true change is 0.9 - 0.9/6
    assert abs(cleo.change - (0.9 - 0.15)) < 2.5 * cleo.standard_error
    assert "harsher" in cleo.reading
    a, b = fit_a.rater("Cleo"), fit_b.rater("Cleo")
    assert a.standard_error and b.standard_error
    assert cleo.standard_error == pytest.approx(math.hypot(a.standard_error, b.standard_error))
    assert cleo.z == pytest.approx(cleo.change / cleo.standard_error)


def test_raters_who_did_not_change_mostly_show_no_drift(meetings: tuple[FacetsFit, ...]) -> None:
    fit_a, fit_b, _ = meetings
    others = [severity_drift(fit_a, fit_b, r) for r in RATERS if r != "Cleo"]
    assert sum(d.significant for d in others) <= 1
    assert all(abs(d.z or 0) < 3.5 for d in others)


def test_unanchored_fits_are_not_compared(meetings: tuple[FacetsFit, ...]) -> None:
    fit_a, _, plain_b = meetings
    d = severity_drift(fit_a, plain_b, "Cleo")
    assert d.change is None and d.reason and "common scale" in d.reason


def test_anchors_for_elements_not_in_the_session_are_reported() -> None:
    data, _ = _session(3, np.zeros(10), [f"s{k}" for k in range(10)], SEVERITY)
    fit = fit_facets(data, model="rating scale", anchors=Anchors(samples={"nobody": 0.0}))
    assert any("not in these ratings" in w for w in fit.warnings)
    assert fit.anchored == ()


def test_anchoring_raters_lets_the_criteria_stay_centred() -> None:
    data, _ = _session(4, np.random.default_rng(0).normal(0, 1, 30), [f"s{k}" for k in range(30)],
                       SEVERITY)  # fmt: skip
    fit = fit_facets(data, model="rating scale", anchors=Anchors(raters={"Ada": -0.9}))
    assert fit.anchored == ("raters",) and fit.centred == ("criteria",)
    assert fit.rater("Ada").measure == -0.9
    assert abs(sum(c.measure or 0 for c in fit.criteria)) < 1e-9
