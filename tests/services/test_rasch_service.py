"""The coach's Rasch path: store → plain arrays → fit → readings, and drift across sessions."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from calibrate.services.records.database import load_scenario_file
from calibrate.services.reliability.rasch import (
    SessionRatings,
    fit_session,
    rater_drift,
    session_ratings,
)
from calibrate.stats.rasch import facet_data, fit_facets
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KITS = {p.stem: p for p in sorted((ROOT / "scenarios").glob("*.toml"))}


def clock() -> str:
    return "2026-10-14T09:00:00.000+00:00"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "kits.db", clock=clock) as opened:
        for path in KITS.values():
            load_scenario_file(opened, path)
        yield opened


@pytest.mark.parametrize("kit", list(KITS))
def test_arrays_hold_every_round_one_score_of_the_kit(store: Store, kit: str) -> None:
    data = tomllib.loads(KITS[kit].read_text(encoding="utf-8"))
    session = next(s for s in store.list_sessions() if s.title == data["session"]["title"])
    assert session.id is not None
    ratings = session_ratings(store, session.id)
    expected = sorted(
        (e["rater"], c, float(lv))
        for e in data["session"]["scores"]
        if e.get("round", 1) == 1
        for c, lv in e["levels"].items()
    )
    if ratings.reason:
        assert "hidden" in ratings.reason
        return
    got = sorted(
        (ratings.rater_labels[r], ratings.levels[code])
        for r, code in zip(ratings.raters, ratings.codes, strict=True)
    )
    assert got == sorted((r, lv) for r, _, lv in expected)
    assert len(got) == len(expected)
    result = fit_session(ratings)
    if result.reason is None:
        assert result.fit is not None
        assert {r.rater for r in result.readings} == set(ratings.rater_labels)
        assert all(r.severity for r in result.readings)


def _ratings(
    rows: list[tuple[int, int, int, int]],
    *,
    sid: int = 1,
    date: str = "2026-01-01",
    n_samples: int = 6,
    raters: tuple[str, ...] = ("Ada", "Ben", "Cy"),
) -> SessionRatings:
    return SessionRatings(
        session_id=sid,
        title=f"S{sid}",
        date=date,
        samples=tuple(r[0] for r in rows),
        criteria=tuple(r[1] for r in rows),
        raters=tuple(r[2] for r in rows),
        codes=tuple(r[3] for r in rows),
        levels=(1.0, 2.0, 3.0, 4.0),
        sample_labels=tuple(f"s{i}" for i in range(n_samples)),
        criterion_labels=("Ideas", "Evidence"),
        rater_labels=raters,
        master_key_samples=tuple(f"s{i}" for i in range(n_samples)),
    )


def _random_rows(seed: int, shift: dict[int, int]) -> list[tuple[int, int, int, int]]:
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(6):
        for c in range(2):
            for r in range(3):
                level = int(np.clip(rng.integers(0, 4) - shift.get(r, 0), 0, 3))
                rows.append((s, c, r, level))
    return rows


def test_fit_on_plain_data_is_the_stats_fit() -> None:
    ratings = _ratings(_random_rows(3, {}))
    result = fit_session(ratings)
    direct = fit_facets(
        facet_data(
            ratings.samples,
            ratings.criteria,
            ratings.raters,
            ratings.codes,
            categories=ratings.levels,
            sample_labels=ratings.sample_labels,
            criterion_labels=ratings.criterion_labels,
            rater_labels=ratings.rater_labels,
        ),
        model="rating scale",
    )
    assert result.fit is not None
    assert result.fit.as_json() == direct.as_json()
    assert len(result.bias) == 6


def test_disconnected_design_names_the_groups() -> None:
    rows = [(s, c, r, (s + c + r) % 4) for s in (0, 1, 2) for c in (0, 1) for r in (0,)]
    rows += [(s, c, r, (s * c + r) % 4) for s in (3, 4, 5) for c in (0, 1) for r in (1, 2)]
    result = fit_session(_ratings(rows))
    assert result.reason is not None
    assert "Ada" in result.reason and "Ben" in result.reason and "group 2" in result.reason


def test_too_little_data_says_so() -> None:
    result = fit_session(_ratings([(0, 0, 0, 1), (1, 0, 0, 2)]))
    assert result.fit is None and result.reason and "Too little data" in result.reason


def test_drift_across_anchored_sessions() -> None:
    first = _ratings(_random_rows(5, {}), sid=1, date="2026-01-01")
    later = _ratings(_random_rows(5, {2: 1}), sid=2, date="2026-03-01")
    steps = rater_drift([later, first], "Cy")
    assert [s.session_id for s in steps] == [1, 2]
    assert steps[0].drift is None
    drift = steps[1].drift
    assert drift is not None
    assert drift.reason is None and drift.change is not None and drift.standard_error is not None
    assert steps[0].severity is not None and steps[1].severity is not None
    assert drift.change == pytest.approx(steps[1].severity - steps[0].severity)
    assert drift.change > 0  # scored a level lower on much of the work: harsher
