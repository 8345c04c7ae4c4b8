"""The distribution functions from scipy.special are scipy.stats' values, bit for bit."""

from __future__ import annotations

import numpy as np
from scipy import stats

from calibrate.stats.distributions import (
    f_quantile,
    normal_quantile,
    normal_two_sided_p,
    t_quantile,
    t_two_sided_p,
)

RNG = np.random.default_rng(15)
PROBABILITIES = [0.975, 0.995, 0.9, 0.5, 0.025, *RNG.random(20).tolist()]
DFS = [1, 2, 3, 7, 11, 29, 30, 99, 1000, 0.7, 2.5, *RNG.uniform(0.5, 5e4, 20).tolist()]


def test_quantiles_are_identical_to_scipy_stats() -> None:
    for p in PROBABILITIES:
        assert normal_quantile(p) == float(stats.norm.ppf(p))
        for df in DFS:
            assert t_quantile(p, df) == float(stats.t.ppf(p, df)), (p, df)
            for dfd in DFS[:12]:
                assert f_quantile(p, df, dfd) == float(stats.f.ppf(p, df, dfd)), (p, df, dfd)


def test_two_sided_p_values_are_identical_to_scipy_stats() -> None:
    for x in [0.0, 1e-9, 0.5, 1.96, -2.3, 7.0, 40.0, *RNG.normal(0, 3, 20).tolist()]:
        assert normal_two_sided_p(x) == float(2.0 * stats.norm.sf(abs(x)))
        for df in DFS:
            assert t_two_sided_p(x, df) == float(2.0 * stats.t.sf(abs(x), df)), (x, df)
