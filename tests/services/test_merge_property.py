"""Merge then export equals the union of the parts, whatever meetings each school held."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calibrate.domain.model import Phase, Session
from calibrate.services.records.database import load_scenario_file
from calibrate.services.records.exports import score_rows
from calibrate.services.records.merge import merge_source
from calibrate.storage.store import Store
from tests.services.merge_fixtures import write_kit

# A meeting: which school holds it, then each (sample, rater, criterion) cell's level or none.
CELLS = 2 * 2 * 2
meetings = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "both"]),
        st.lists(st.one_of(st.none(), st.integers(1, 2)), min_size=CELLS, max_size=CELLS),
    ),
    max_size=4,
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("base")
    with Store.open(folder / "base.db") as store:
        load_scenario_file(store, write_kit(folder))
    return (folder / "base.db").read_bytes()


def exported(store: Store) -> set[tuple[object, ...]]:
    """Every session's score export (``calibrate export scores``' rows), with its title."""
    rows: set[tuple[object, ...]] = set()
    for session in store.list_sessions():
        assert session.id is not None
        for row in score_rows(store, session.id):
            rows.add((session.title, *(row[k] for k in sorted(row) if k != "scored_at")))
    return rows


def hold(store: Store, n: int, levels: list[int | None]) -> None:
    rubric = store.list_rubrics()[0]
    assert rubric.id is not None
    samples = [s.id or 0 for s in store.list_samples()]
    raters = [r.id or 0 for r in store.list_raters()]
    session = store.create_session(
        Session(
            title=f"Meeting {n}",
            date="2026-11-01",
            rubric_id=rubric.id,
            sample_ids=tuple(samples),
            rater_ids=tuple(raters),
        )
    )
    assert session.id is not None
    store.set_phase(session.id, Phase.SCORING)
    cells = [(s, r, c.key) for s in samples for r in raters for c in rubric.criteria]
    for (sample, rater, criterion), level in zip(cells, levels, strict=True):
        if level is not None:
            store.record_score(session.id, sample, criterion, rater, level)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(held=meetings)
def test_merge_then_export_is_the_union_of_the_parts(
    base: bytes, held: list[tuple[str, list[int | None]]]
) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        parts = {}
        for school in ("a", "b"):
            parts[school] = folder / f"{school}.db"
            parts[school].write_bytes(base)
        with Store.open(parts["a"]) as a, Store.open(parts["b"]) as b:
            for n, (where, levels) in enumerate(held):
                if where == "both":  # the same meeting held apart: two sessions of one title
                    hold(a, n, levels)
                    hold(b, n, levels)
                else:
                    hold(a if where == "a" else b, n, levels)
            union = exported(a) | exported(b)
            counted = len(a.list_sessions()) + len(b.list_sessions()) - 1  # the kit's, once
        with Store.open(folder / "coach.db") as coach:
            for path in (parts["a"], parts["b"], parts["a"]):
                merge_source(coach, path)
            assert exported(coach) == union
            assert len(coach.list_sessions()) == counted
