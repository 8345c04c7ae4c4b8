"""calibrate's JMLE against an independent conditional-ML fit (R eRm 1.0.2, LPCM).

The values come from tests/stats/oracles/rasch_erm.json, made by make_rasch_oracle.py (eRm
``LPCM`` over rater × criterion items with a facets design matrix). JMLE and CML differ in
spread by a few percent (JMLE is wider, its known statistical bias), so the tests check the
order, the spread ratio and, with the (L-1)/L correction, the values themselves.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from calibrate.stats.rasch import FacetsFit, Status, facet_data, fit_facets

ORACLE = json.loads(
    (Path(__file__).parents[1] / "oracles" / "rasch_erm.json").read_text(encoding="utf-8")
)
NAMES = sorted(ORACLE["data_sets"])


def _fit(name: str, *, bias_correction: bool = False) -> tuple[FacetsFit, dict]:  # type: ignore[type-arg]
    ds = ORACLE["data_sets"][name]
    data = facet_data(
        ds["sample"], ds["criterion"], ds["rater"], ds["code"], categories=ORACLE["levels"]
    )
    fit = fit_facets(data, model=ds["model"], bias_correction=bias_correction)
    return fit, ds["cml"]


def _order(fit: FacetsFit):  # type: ignore[no-untyped-def]
    names = ["all criteria", *fit.data.criterion_labels]
    return names.index


def _measures(elements: tuple) -> np.ndarray:  # type: ignore[type-arg]
    return np.array([e.measure for e in elements])


@pytest.mark.parametrize("name", NAMES)
def test_raters_and_criteria_come_in_the_same_order_as_cml(name: str) -> None:
    fit, cml = _fit(name)
    assert fit.converged
    for facet in ("raters", "criteria"):
        ours = _measures(fit.facet(facet))
        assert list(np.argsort(ours)) == list(np.argsort(cml[facet]))
        assert stats.pearsonr(ours, cml[facet])[0] > 0.998


@pytest.mark.parametrize("name", NAMES)
def test_jmle_spreads_a_few_percent_wider_than_cml(name: str) -> None:
    fit, cml = _fit(name)
    for facet in ("raters", "criteria"):
        ratio = _measures(fit.facet(facet)).std() / np.std(cml[facet])
        assert 1.0 < ratio < 1.10, (facet, ratio)
    for scale, theirs in zip(sorted({t.scale for t in fit.thresholds}, key=_order(fit)),
                             cml["thresholds"], strict=True):  # fmt: skip
        ours = np.array([t.measure for t in fit.thresholds if t.scale == scale])
        assert list(np.argsort(ours)) == list(np.argsort(theirs))
        assert 1.0 < np.ptp(ours) / np.ptp(theirs) < 1.12, scale


@pytest.mark.parametrize("name", NAMES)
def test_bias_corrected_jmle_matches_cml_within_a_fiftieth_of_a_logit(name: str) -> None:
    fit, cml = _fit(name, bias_correction=True)
    assert fit.bias_corrected
    for facet in ("raters", "criteria"):
        np.testing.assert_allclose(_measures(fit.facet(facet)), cml[facet], atol=0.02)


@pytest.mark.parametrize("name", NAMES)
def test_model_standard_errors_are_close_to_cml(name: str) -> None:
    fit, cml = _fit(name)
    # eRm reports SEs for the free (first J-1) raters of its effect coding
    ours = np.array([r.standard_error for r in fit.raters[: len(cml["rater_se"])]])
    np.testing.assert_allclose(ours, cml["rater_se"], rtol=0.15)


def test_the_extreme_sample_is_set_aside_as_cml_does() -> None:
    fit, _ = _fit("linked_with_extreme")
    first = fit.samples[0]
    assert first.status is Status.EXTREME_LOW
    assert first.measure is not None and first.reason
    assert first.fit.infit is None and first.fit.reason
    others = [s.measure for s in fit.samples[1:] if s.measure is not None]
    assert first.measure < min(others)
