"""Gwet's family on marks (many levels): the running-sum route for r* gives the q × q product's
coefficients, standard errors and intervals."""

from __future__ import annotations

import numpy as np
import pytest

from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.stats import chance_corrected, gwet_core
from tests.stats.shared import assert_same_result


def table(seed: int) -> RatingTable:
    rng = np.random.default_rng(seed)
    q = int(rng.integers(2, 60))
    values = np.sort(rng.choice(np.arange(0, 500), size=q, replace=False)) / 10.0
    n, m = int(rng.integers(2, 80)), int(rng.integers(2, 9))
    codes = np.clip(rng.integers(0, q, n)[:, None] + rng.integers(-3, 4, (n, m)), 0, q - 1)
    codes[rng.random(codes.shape) < 0.2] = MISSING
    return RatingTable(codes, tuple(values.tolist()), Measurement.INTERVAL)


@pytest.mark.parametrize("seed", range(25))
def test_running_sums_give_the_product_route(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    t = table(seed)
    product = {name: f(t) for name, f in chance_corrected.FUNCTIONS.items()}
    monkeypatch.setattr(gwet_core, "MANY_LEVELS", 0)
    for name, f in chance_corrected.FUNCTIONS.items():
        assert_same_result(f(t), product[name], abs=1e-10)
