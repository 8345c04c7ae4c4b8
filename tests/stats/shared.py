"""What several statistics test modules use: a published data set, a hypothesis strategy for
random rating tables, and a comparison of two results."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.stats.result import AgreementResult

# Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed. (p. 120): 4 raters, 12 units,
# 5 categories, with missing ratings; irrCAC ships it as raw_4raters.
GWET_4RATERS: list[list[float | None]] = [
    [1, 1, None, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [None, 5, 5, 5],
    [None, None, 1, 1],
    [None, None, 3, None],
]


@st.composite
def rating_tables(draw: st.DrawFn, *, raters: tuple[int, int], max_units: int) -> RatingTable:
    """A random table: 2-6 levels (nominal or ordinal), missing ratings anywhere."""
    q = draw(st.integers(2, 6))
    r = draw(st.integers(*raters))
    n = draw(st.integers(0, max_units))
    codes = draw(arrays(np.int64, (n, r), elements=st.integers(MISSING, q - 1)))
    level = draw(st.sampled_from([Measurement.NOMINAL, Measurement.ORDINAL]))
    cats: tuple[float | str, ...] = (
        tuple(f"c{k}" for k in range(q))
        if level is Measurement.NOMINAL
        else tuple(float(k + 1) for k in range(q))
    )
    return RatingTable(codes, cats, level)


def assert_same_result(
    a: AgreementResult, b: AgreementResult, *, rel: float | None = None, abs: float
) -> None:
    """Both undefined for the same reason, or the same statistic, SE and interval."""
    assert a.defined == b.defined
    assert a.reason == b.reason
    for x, y in (
        (a.statistic, b.statistic),
        (a.standard_error, b.standard_error),
        (a.ci_low, b.ci_low),
        (a.ci_high, b.ci_high),
    ):
        assert (x is None) == (y is None)
        if x is not None and y is not None:
            assert x == pytest.approx(y, rel=rel, abs=abs)
