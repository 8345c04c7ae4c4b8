"""Work shared between coefficients is done once per table and changes no figure."""

from __future__ import annotations

import gc
import json

import numpy as np
import pytest

from calibrate.domain.ratings import RatingTable
from calibrate.stats import chance_corrected, icc, per_table
from calibrate.stats.report import NAMES, _calculators, agreement_report


def _table(seed: int, *, n: int = 60, m: int = 5, missing: float = 0.15) -> RatingTable:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, size=n)
    codes = np.clip(truth[:, None] + rng.choice([-1, 0, 0, 1], size=(n, m)), 0, 3)
    codes[rng.random(codes.shape) < missing] = -1
    return RatingTable(codes, (1.0, 2.0, 3.0, 4.0), "ordinal")


def _as_json(results: dict[str, object]) -> str:
    return json.dumps({k: v.as_json() for k, v in results.items()}, sort_keys=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_coefficient_is_the_same_whatever_was_computed_before_it(seed: int) -> None:
    """Each coefficient alone on a fresh table equals the report's, which shares the work."""
    report = agreement_report(_table(seed), rng=0, n_boot=200)
    alone = {name: _calculators(0, 200)[name](_table(seed)) for name in NAMES}
    backwards = {}
    table = _table(seed)
    for name in reversed(NAMES):
        backwards[name] = _calculators(0, 200)[name](table)
    shared = {name: report.results[name] for name in NAMES}
    # The report adds paradox notes to some readings; compare the figures themselves.
    for name in NAMES:
        for other in (alone[name], backwards[name]):
            for field in ("statistic", "standard_error", "ci_low", "ci_high", "reason"):
                assert getattr(other, field) == getattr(shared[name], field), (name, field)
    assert _as_json(alone) == _as_json(backwards)


def test_a_step_is_computed_once_per_table_and_forgotten_with_it() -> None:
    table = _table(4)
    calls: list[int] = []

    def compute() -> list[int]:
        calls.append(1)
        return [len(calls)]

    first = per_table.remembered(table, "step", compute)
    again = per_table.remembered(table, "step", compute)
    assert first is again and calls == [1]
    other = per_table.remembered(table, ("step", "other key"), compute)
    assert other == [2]
    assert per_table.remembered(_table(4), "step", compute) == [3]  # another table: its own
    before = len(per_table._KEPT)
    del table
    gc.collect()
    assert len(per_table._KEPT) < before


def test_the_shared_gwet_arrays_cannot_be_changed_by_a_reader() -> None:
    table = _table(5)
    chance_corrected.fleiss_kappa(table)
    kept = per_table._KEPT[table]
    observed = next(v for k, v in kept.items() if isinstance(k, tuple) and k[0] == "gwet observed")
    with pytest.raises(ValueError, match="read-only"):
        observed[0] = 0.5  # type: ignore[index]


def test_the_six_iccs_share_one_reason_when_there_are_no_complete_units() -> None:
    codes = np.array([[0, -1], [-1, 1], [2, -1]])
    table = RatingTable(codes, (1.0, 2.0, 3.0), "ordinal")
    results = [f(table) for f in icc.FUNCTIONS.values()]
    assert {r.name for r in results} == set(icc.FUNCTIONS)
    assert all(r.statistic is None for r in results)
    assert len({r.reason for r in results}) == 1
    assert "fewer than two samples were scored by every rater" in str(results[0].reason)
    assert all(r.n_units == 0 for r in results)


def test_complete_units_is_made_once() -> None:
    table = _table(6)
    assert table.complete_units() is table.complete_units()
    assert table.complete_units().present.all()


def test_conger_in_blocks_of_units_gives_the_one_block_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Conger's per-rating steps run over blocks of units; the blocks change no value."""
    table = _table(7, n=500, m=6, missing=0.3)
    whole = [
        f(table) for f in (chance_corrected.conger_kappa, chance_corrected.conger_kappa_linear)
    ]
    monkeypatch.setattr(chance_corrected, "_CONGER_BLOCK", 37)
    table = _table(7, n=500, m=6, missing=0.3)
    blocks = [
        f(table) for f in (chance_corrected.conger_kappa, chance_corrected.conger_kappa_linear)
    ]
    assert [r.as_json() for r in blocks] == [r.as_json() for r in whole]
    assert whole[0].standard_error is not None
