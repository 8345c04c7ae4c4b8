"""Properties: relabelling raters or shifting the level numbers changes no measure."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from calibrate.stats.rasch import facet_data, fit_facets
from tests.stats.rasch.simulate import simulate


def _sim(seed: int):  # type: ignore[no-untyped-def]
    return simulate(
        np.random.default_rng(seed), n_samples=15, n_criteria=3, n_raters=5, raters_per_sample=4
    )


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), perm=st.permutations(range(5)))
def test_relabelling_raters_permutes_their_measures(seed: int, perm: list[int]) -> None:
    sim = _sim(seed)
    levels = (1, 2, 3, 4, 5)
    a = fit_facets(facet_data(sim.sample, sim.criterion, sim.rater, sim.code, categories=levels),
                   model="rating scale")  # fmt: skip
    new = np.array(perm)[sim.rater]
    b = fit_facets(facet_data(sim.sample, sim.criterion, new, sim.code, categories=levels),
                   model="rating scale")  # fmt: skip
    for j in range(5):
        ra, rb = a.raters[j], b.raters[perm[j]]
        assert ra.status == rb.status
        if ra.measure is not None and rb.measure is not None:
            assert abs(ra.measure - rb.measure) < 1e-6


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), shift=st.integers(-3, 10))
def test_numbering_the_levels_differently_changes_only_the_fair_averages(
    seed: int, shift: int
) -> None:
    sim = _sim(seed)
    one = fit_facets(facet_data(sim.sample, sim.criterion, sim.rater, sim.code,
                                categories=(1, 2, 3, 4, 5)), model="rating scale")  # fmt: skip
    other = fit_facets(facet_data(sim.sample, sim.criterion, sim.rater, sim.code,
                                  categories=tuple(range(shift, shift + 5))),
                       model="rating scale")  # fmt: skip
    for a, b in zip(one.samples + one.raters, other.samples + other.raters, strict=True):
        assert a.measure == b.measure
    for a, b in zip(one.samples, other.samples, strict=True):
        if a.fair_average is not None and b.fair_average is not None:
            assert abs((b.fair_average - a.fair_average) - (shift - 1)) < 1e-9
