"""A session's master-key timing is kept with it (migration m012_master_key_timing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store


def test_timing_and_shown_are_stored_and_checked(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cal.db") as store:
        sid = prepare_demo(store)
        assert store.session_key_timing(sid) == (None, False)
        store.set_session_key_timing(sid, timing="before")
        assert store.session_key_timing(sid) == ("before", False)
        store.set_session_key_timing(sid, shown=True)  # the timing stays
        assert store.session_key_timing(sid) == ("before", True)
        with pytest.raises(InvalidOperationError, match="“after” or “before”"):
            store.set_session_key_timing(sid, timing="sometimes")
        assert store.session_key_timing(sid) == ("before", True)
        with pytest.raises(NotFoundError):
            store.set_session_key_timing(9999, shown=True)
    with Store.open(tmp_path / "cal.db") as again:  # kept in the file
        assert again.session_key_timing(sid) == ("before", True)
