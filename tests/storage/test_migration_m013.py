"""Migration m013_assessment_ids: the tests' tables get stable identities as m010 gave the rest;
every row is kept, copies of one file agree, new rows get a random uuid."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

from calibrate.services.assessment.files import load_blueprint_file
from calibrate.services.records.database import load_scenario_file
from calibrate.storage.database import applied_migrations
from calibrate.storage.stable_ids import M013_TABLES
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]


def at_m012(path: Path) -> dict[str, int]:
    """A database holding the bundled test as calibrate stored it before m013; its row counts."""
    with Store.open(path) as store:
        load_scenario_file(store, ROOT / "scenarios" / "grade5-subtraction.toml")
        load_blueprint_file(
            store, ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint.toml"
        )
    conn = sqlite3.connect(path)
    for table in M013_TABLES:
        conn.execute(f"DROP TRIGGER {table}_uuid")
        conn.execute(f"DROP INDEX idx_{table}_uuid")
        conn.execute(f"ALTER TABLE {table} DROP COLUMN uuid")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm013_assessment_ids'")
    conn.commit()
    rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in M013_TABLES}
    conn.close()
    return rows


def named(store: Store) -> dict[str, list[tuple[int, str]]]:
    return {
        t: store.db.execute(f"SELECT id, uuid FROM {t} ORDER BY id").fetchall() for t in M013_TABLES
    }


def test_m013_names_every_test_row_once_and_copies_agree(tmp_path: Path) -> None:
    path = tmp_path / "school.db"
    rows = at_m012(path)
    assert rows == {"assessments": 1, "learning_targets": 5, "assessment_items": 20}
    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)
    with Store.open(path) as store, Store.open(copy) as twin:
        assert applied_migrations(store.db)[-1] == "m013_assessment_ids"
        ids = named(store)
        assert {t: len(v) for t, v in ids.items()} == rows  # every row kept
        every = [u for v in ids.values() for _, u in v]
        assert len(set(every)) == len(every) == sum(rows.values())
        assert all(uuid.UUID(u).version == 5 for u in every)  # derived from the file
        assert named(twin) == ids  # the same file migrated twice gets the same names
        test = store.list_assessments()[0]
        assert len(test.items) == 20 and len(test.targets) == 5  # still reads whole


def test_after_m013_a_new_test_gets_random_uuids(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cal.db") as store:
        load_scenario_file(store, ROOT / "scenarios" / "grade5-subtraction.toml")
        load_blueprint_file(
            store, ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint.toml"
        )
        every = [u for v in named(store).values() for _, u in v]
        assert len(every) == 1 + 5 + 20
        assert all(uuid.UUID(u).version == 4 for u in every)
        assert store.uuid_of("assessments", store.list_assessments()[0].id or 0) == every[0]


def test_m014_m015_keep_both_codes_working_but_no_longer_readable(tmp_path: Path) -> None:
    """Issue 14: codes sat in plain text beside the scores. A join and a facilitator code set
    before the upgrade open the meeting afterwards; the file no longer holds either."""
    from calibrate.domain.model import Phase
    from calibrate.storage.database import open_database

    path = tmp_path / "m013.db"
    db = open_database(path, stop_before="m014_hashed_codes")
    db.execute("INSERT INTO raters (name) VALUES ('Ana')")
    db.execute(
        "INSERT INTO rubrics (family_id, version, name, created_at) VALUES (1, 1, 'R', 'now')"
    )
    db.execute(
        "INSERT INTO sessions (title, date, rubric_id, phase, join_code, facilitator_code,"
        " created_at) VALUES ('Live', '2026-12-03', 1, 'scoring', 'JOIN42', 'LEAD4242', 'now')"
    )
    db.conn.commit()
    db.close()
    assert b"LEAD4242" in path.read_bytes() and b"JOIN42" in path.read_bytes()
    with Store.open(path) as store:
        assert applied_migrations(store.db)[-2:] == ["m014_hashed_codes", "m015_hashed_join_codes"]
        codes = store.session_codes(1)
        assert codes.join_code is None and codes.facilitator_code is None
        assert codes.join_hash is not None and "JOIN42" not in codes.join_hash
        assert codes.facilitator_hash is not None and "LEAD4242" not in codes.facilitator_hash
        found = store.session_for_code("LEAD4242", session_id=1)
        assert found is not None and found[0].phase is Phase.SCORING and found[1] is True
        assert store.session_for_code("LEAD4242")[1] is True  # type: ignore[index]
        assert store.session_for_code("JOIN42", session_id=1)[1] is False  # type: ignore[index]
        assert store.session_for_code("JOIN42")[1] is False  # type: ignore[index]
        assert store.session_for_code("LEAD4243", session_id=1) is None
        store.db.execute("VACUUM")  # no freed page keeps the old text
    files = [p for p in tmp_path.iterdir() if p.name.startswith("m013.db")]
    assert all(b"LEAD4242" not in p.read_bytes() for p in files)
    assert all(b"JOIN42" not in p.read_bytes() for p in files)
