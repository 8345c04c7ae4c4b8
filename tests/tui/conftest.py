"""Pilot test fixtures: a demo database, and the app built the way the CLI builds it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from calibrate.domain.model import Phase
from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp

SIZE = (120, 40)


@dataclass
class Demo:
    store: Store
    session_id: int  # the fresh session, ready to score
    recorded_id: int  # the kit's recorded session, already revealed


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    store = Store.open(tmp_path / "demo.db")
    session_id = prepare_demo(store, today=date(2026, 11, 23))
    recorded = next(
        s for s in store.list_sessions() if s.id != session_id and s.phase is Phase.REVEAL
    )
    assert recorded.id is not None
    yield Demo(store, session_id, recorded.id)
    store.close()


def make_app(demo: Demo, *, open_session: int | None = None) -> CalibrateApp:
    return CalibrateApp(demo.store, open_session=open_session)
