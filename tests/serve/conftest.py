"""Fixtures for the served meeting: a demo database with codes, and a room of many raters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from calibrate.domain.model import Rater
from calibrate.services.meeting import sessions as meeting
from calibrate.services.records.database import prepare_demo
from calibrate.services.room.access import ensure_codes
from calibrate.storage.store import SessionCodes
from calibrate.storage.store_serve import ServedStore

SIZE = (120, 40)


@dataclass
class Served:
    store: ServedStore
    path: Path
    session_id: int
    codes: SessionCodes

    @property
    def join_code(self) -> str:
        assert self.codes.join_code is not None
        return self.codes.join_code

    @property
    def lead_code(self) -> str:
        assert self.codes.facilitator_code is not None
        return self.codes.facilitator_code

    def rater_ids(self) -> tuple[int, ...]:
        return self.store.get_session(self.session_id).rater_ids


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    path = tmp_path / "demo.db"
    store = ServedStore.open(path)
    session_id = prepare_demo(store, today=date(2026, 11, 23))
    codes = ensure_codes(store, session_id)
    yield Served(store, path, session_id, codes)
    store.close()


def make_room(path: Path, *, raters: int, samples: int) -> Served:
    """A database whose one scoring session has ``raters`` raters named "Rater 01"… and the
    demo kit's first ``samples`` essays (5 criteria each)."""
    store = ServedStore.open(path)
    demo = prepare_demo(store, today=date(2026, 11, 23))
    context = meeting.load_context(store, demo)
    meeting.close_session(store, demo)
    rater_ids = []
    for n in range(1, raters + 1):
        rater = store.add_rater(Rater(f"Rater {n:02d}", initials=f"R{n:02d}"))
        assert rater.id is not None
        rater_ids.append(rater.id)
    session = meeting.create_session(
        store,
        title="Room",
        date="2026-11-23",
        rubric_id=context.session.rubric_id,
        sample_ids=[s.id for s in context.samples[:samples] if s.id is not None],
        rater_ids=rater_ids,
    )
    assert session.id is not None
    return Served(store, path, session.id, ensure_codes(store, session.id))
