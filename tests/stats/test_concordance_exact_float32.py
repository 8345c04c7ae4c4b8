"""Kendall's W bootstrap keeps its one-hot products in float32 where they are exact (issue 15):
the resampled W values must be bit-for-bit those of the float64 route."""

from __future__ import annotations

import numpy as np
import pytest

from calibrate.stats import concordance


@pytest.mark.parametrize(("n", "m", "q"), [(40, 3, 4), (2_500, 10, 5), (30_000, 6, 3)])
def test_float32_products_give_the_float64_values_exactly(
    n: int, m: int, q: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(n)
    codes = rng.integers(0, q, size=(n, m)).astype(np.int64)
    codes[:, 1] = np.minimum(q - 1, codes[:, 0] + rng.integers(0, 2, size=n))  # some agreement
    fast = concordance._bootstrap_w(codes, q, 200, np.random.default_rng(1))
    monkeypatch.setattr(concordance, "_FLOAT32_EXACT", 0)  # every product in float64
    wide = concordance._bootstrap_w(codes, q, 200, np.random.default_rng(1))
    assert fast.shape == wide.shape and fast.size > 0
    assert np.array_equal(fast, wide)
