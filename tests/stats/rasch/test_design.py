"""Input checks, unused levels, disconnected designs and separation figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calibrate.stats.rasch import FacetDataError, facet_data, fit_facets
from calibrate.stats.rasch.fit_statistics import separation
from tests.stats.rasch.simulate import simulate

LEVELS = (1, 2, 3, 4, 5)


def _sim(seed: int = 0, **kw: object) -> tuple:  # type: ignore[type-arg]
    design = dict(n_samples=30, n_criteria=4, n_raters=6) | kw
    s = simulate(np.random.default_rng(seed), **design)  # type: ignore[arg-type]
    return s.sample, s.criterion, s.rater, s.code


def test_missing_codes_are_dropped_and_counted() -> None:
    s, c, r, x = _sim()
    x = x.astype(float)
    x[:5] = np.nan
    x[5:8] = -1
    data = facet_data(s, c, r, x, categories=LEVELS)
    assert data.n == len(x) - 8 and data.n_missing == 8


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a[3].__setitem__(2, 7), "row 3, field level"),
        (lambda a: a[0].__setitem__(4, -2), "row 5, field sample"),
        (lambda a: a[2].__setitem__(0, 0.5), "row 1, field rater"),
    ],
)
def test_bad_rows_are_named(change, message: str) -> None:  # type: ignore[no-untyped-def]
    cols = [np.array(v, dtype=float) for v in _sim()]
    change(cols)
    with pytest.raises(FacetDataError, match=message):
        facet_data(*cols, categories=LEVELS)


def test_a_rating_given_twice_is_refused_with_both_rows() -> None:
    s, c, r, x = (np.concatenate([v, v[:1]]) for v in _sim())
    with pytest.raises(FacetDataError, match=rf"rows 1 and {len(x)}"):
        facet_data(s, c, r, x, categories=LEVELS)


def test_levels_must_ascend() -> None:
    with pytest.raises(FacetDataError, match="ascending"):
        facet_data([0], [0], [0], [0], categories=(3, 2, 1))


def test_an_unused_middle_level_keeps_its_place_on_the_scale() -> None:
    s, c, r, x = _sim(2)
    x = np.where(x == 2, 1, x)  # nobody uses level 3
    fit = fit_facets(facet_data(s, c, r, x, categories=LEVELS), model="rating scale")
    assert fit.converged
    assert [(t.below, t.level) for t in fit.thresholds] == [(1, 2), (2, 4), (4, 5)]
    assert fit.psi[0][2] is None
    fair = [e.fair_average for e in fit.samples if e.fair_average is not None]
    assert min(fair) >= 1 and max(fair) <= 5


def test_an_unused_top_level_is_not_part_of_the_fitted_range() -> None:
    s, c, r, x = _sim(3)
    fit = fit_facets(facet_data(s, c, r, x, categories=(*LEVELS, 6)), model="rating scale")
    assert fit.thresholds[-1].level == 5 and fit.psi[0][5] is None


def test_a_disconnected_design_is_said_with_its_subsets() -> None:
    s, c, r, x = _sim(4)
    # samples 0-14 scored only by raters 0-2, samples 15-29 only by raters 3-5
    keep = (s < 15) == (r < 3)
    fit = fit_facets(
        facet_data(s[keep], c[keep], r[keep], x[keep], categories=LEVELS), model="rating scale"
    )
    assert not fit.connected and len(fit.subsets) == 2
    got = sorted((sub.samples, sub.raters) for sub in fit.subsets)
    assert got == [(tuple(range(15)), (0, 1, 2)), (tuple(range(15, 30)), (3, 4, 5))]
    assert all(sub.criteria == (0, 1, 2, 3) for sub in fit.subsets)
    assert any("groups" in w for w in fit.warnings)
    assert fit.raters[4].subset != fit.raters[0].subset


def test_a_linked_design_is_one_subset() -> None:
    fit = fit_facets(facet_data(*_sim(5), categories=LEVELS), model="rating scale")
    assert fit.connected and len(fit.subsets) == 1


def test_permuting_rows_changes_nothing() -> None:
    s, c, r, x = _sim(6)
    order = np.random.default_rng(0).permutation(len(x))
    a = fit_facets(facet_data(s, c, r, x, categories=LEVELS), model="rating scale")
    b = fit_facets(
        facet_data(s[order], c[order], r[order], x[order], categories=LEVELS),
        model="rating scale",
    )
    for fa, fb in zip(a.raters + a.samples, b.raters + b.samples, strict=True):
        assert fa.measure == pytest.approx(fb.measure, abs=1e-7)


def test_separation_strata_and_reliability_match_facets_printed_summary() -> None:
    """FACETS manual, "Inter-rater and intra-rater Reliability" (winsteps.com/facetman/
    inter-rater-reliability.htm), Table 7.3.1 summary: RMSE .05, Separation 4.02,
    Strata 5.69, Reliability .94."""
    rmse, g = 0.05, 4.02
    sd = rmse * math.sqrt(1 + g**2)
    m = np.array([-sd, sd])  # population SD = sd
    sep = separation("raters", m, np.full(2, rmse))
    assert sep.separation == pytest.approx(4.02)
    assert round(sep.strata, 2) == 5.69
    assert round(sep.reliability, 2) == 0.94
    assert "not that they agree" in sep.note


def test_separation_is_zero_when_spread_is_all_error() -> None:
    sep = separation("raters", np.array([-0.01, 0.01]), np.array([0.2, 0.2]))
    assert sep.separation == 0.0 and sep.reliability == 0.0


def test_one_element_has_no_separation_and_says_why() -> None:
    sep = separation("criteria", np.array([0.3]), np.array([0.1]))
    assert sep.separation is None and sep.reason


def test_a_fit_exports_as_json() -> None:
    import json

    fit = fit_facets(facet_data(*_sim(8), categories=LEVELS), model="rating scale")
    text = json.dumps(fit.as_json())
    back = json.loads(text)
    assert back["raters"][0]["status"] == "estimated"
    assert back["separation"][2]["facet"] == "raters"
    assert back["connected"] is True and len(back["samples"]) == 30


def test_ratings_that_are_all_one_level_are_refused_in_plain_words() -> None:
    s, c, r, x = _sim(9)
    with pytest.raises(FacetDataError, match="no comparison"):
        fit_facets(facet_data(s, c, r, np.full_like(x, 2), categories=LEVELS), model="rating scale")


def test_two_raters_are_enough() -> None:
    s, c, r, x = _sim(10, n_raters=2)
    fit = fit_facets(facet_data(s, c, r, x, categories=LEVELS), model="rating scale")
    a, b = (e.measure for e in fit.raters)
    assert fit.converged and a is not None and b is not None and abs(a + b) < 1e-9
    assert fit.agreement[0].opportunities == 30 * 4


def test_the_last_sample_being_extreme_is_handled() -> None:
    """Found by hypothesis: an extreme sample with the highest index."""
    s, c, r, x = _sim(11)
    x = x.copy()
    x[s == s.max()] = 4
    fit = fit_facets(facet_data(s, c, r, x, categories=LEVELS), model="rating scale",
                     bias_correction=True)  # fmt: skip
    assert fit.samples[-1].status.value == "extreme (all highest level)"
