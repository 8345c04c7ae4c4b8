"""The "calibrate" migration set: idempotent, the final schema, upgrades keep every row."""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from pathlib import Path

import pytest
import sqlite_utils
from sqlite_utils.migrations import Migrations

from calibrate.domain.model import ReferenceScore
from calibrate.storage import database
from calibrate.storage.database import applied_migrations, migrate, open_database
from calibrate.storage.migration_names import MIGRATION_NAMES
from calibrate.storage.stable_ids import UUID_TABLES
from calibrate.storage.store import Store
from tests.storage.conftest import make_rubric

EXPECTED_COLUMNS: dict[str, str] = {
    "rubrics": "id family_id version name subject grade_band kind created_at uuid",
    "criteria": "id rubric_id position key name description student_wording uuid",
    "levels": "id criterion_id score label descriptor student_wording uuid",
    "samples": "id key title body kind student_code grade task attachments uuid",
    "raters": "id name initials role team active uuid",
    "sessions": "id title date rubric_id facilitator phase blind round cut_score created_at"
    " reveal_names uuid school key_timing key_shown facilitator_hash join_hash",
    "session_samples": "session_id sample_id position",
    "session_raters": "session_id rater_id position",
    "scores": "id session_id round sample_id criterion_key rater_id level note scored_at uuid",
    "score_history": "id score_id session_id round sample_id criterion_key rater_id level note"
    " scored_at replaced_at uuid",
    "consensus": "id session_id sample_id criterion_key level rationale decided_at uuid",
    "reference_scores": "id sample_id criterion_key level set_by set_at rubric_id family_id uuid",
    "room_seats": "session_id rater_id pin_salt pin_hash generation claimed_at",
    "room_secret": "id key",
    "rater_aliases": "uuid rater_id",
    "round_items": "session_id round sample_id criterion_key",
    "anchors": "id rubric_id criterion_key level sample_id annotation session_id status created_at"
    " uuid",
    "contracts": "id student_code student_name teacher teacher_id rubric_id sample_id session_id"
    " status created_at updated_at class_name uuid",
    "contract_versions": "id contract_id version start_date supports resources"
    " teacher_feedback_days teacher_note student_practice student_keeps_log review_every_days"
    " accessibility_needs evidence_formats flexible_deadlines note created_at uuid",
    "contract_levels": "version_id position criterion_key level source",
    "contract_targets": "id version_id position criterion_key current_level target_level"
    " indicator due_date evidence uuid",
    "contract_target_anchors": "target_id anchor_id position",
    "contract_activities": "version_id position stage description criterion_key",
    "contract_progress": "id contract_id date evidence evidence_file worked didnt_work next_step"
    " created_at uuid",
    "contract_reviews": "id contract_id version date outcome note created_at uuid",
    "contract_reassessments": "id contract_id date reflection teacher_note created_at uuid",
    "contract_results": "reassessment_id position criterion_key target_level achieved_level",
    "assessments": "id key title subject grade description rubric_id created_at uuid",
    "learning_targets": "id assessment_id position key statement criterion_rubric_id"
    " criterion_key success_level uuid",
    "assessment_items": "id assessment_id position key target_id points prompt uuid",
    "assessment_results": "item_id student_code outcome recorded_at",
}

#: Every migration, in the order it is applied (calibrate.storage.migrations refuses to load
#: unless it registers exactly these).
ALL_MIGRATIONS = list(MIGRATION_NAMES)


def schema(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    return db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


def unique_sets(db: sqlite_utils.Database, table: str) -> set[tuple[str, ...]]:
    return {tuple(index.columns) for index in db.table(table).indexes if index.unique}


def foreign_keys(db: sqlite_utils.Database, table: str) -> set[tuple[str, tuple[str, ...]]]:
    """(parent table, child columns) of every foreign key, composite ones as one entry."""
    keys: dict[int, tuple[str, list[str]]] = {}
    for fk_id, _seq, parent, column, *_ in db.execute(f"PRAGMA foreign_key_list({table})"):
        keys.setdefault(fk_id, (parent, []))[1].append(column)
    return {(parent, tuple(columns)) for parent, columns in keys.values()}


def test_applying_twice_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "cal.db"
    db = open_database(path)
    try:
        assert applied_migrations(db) == ALL_MIGRATIONS
        before = (schema(db), db.execute("SELECT * FROM _sqlite_migrations").fetchall())
        migrate(db)
        database.MIGRATIONS.apply(db)  # even without our guard
        after = (schema(db), db.execute("SELECT * FROM _sqlite_migrations").fetchall())
        assert after == before
    finally:
        db.close()
    with Store.open(path) as store:
        assert applied_migrations(store.db) == ALL_MIGRATIONS
        assert schema(store.db) == before[0]


def test_final_schema(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cal.db") as store:
        db = store.db
        assert set(db.table_names()) == {*EXPECTED_COLUMNS, "_sqlite_migrations"}
        for table, columns in EXPECTED_COLUMNS.items():
            assert [c.name for c in db.table(table).columns] == columns.split(), table
        assert unique_sets(db, "scores") == {
            ("session_id", "round", "sample_id", "criterion_key", "rater_id"),
            ("uuid",),
        }
        assert unique_sets(db, "consensus") == {
            ("session_id", "sample_id", "criterion_key"),
            ("uuid",),
        }
        assert unique_sets(db, "reference_scores") == {
            ("sample_id", "criterion_key", "family_id"),
            ("uuid",),
        }
        for table in UUID_TABLES:
            assert ("uuid",) in unique_sets(db, table), table
        triggers = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert triggers == {f"{table}_uuid" for table in UUID_TABLES}
        assert foreign_keys(db, "reference_scores") == {
            ("samples", ("sample_id",)),
            ("rubrics", ("rubric_id",)),
        }
        assert ("key",) in unique_sets(db, "samples")
        assert ("name",) in unique_sets(db, "raters")
        columns = db.table("sessions").columns_dict
        assert "facilitator_code" not in columns and "join_code" not in columns  # m014, m015
        assert ("family_id", "version") in unique_sets(db, "rubrics")
        assert foreign_keys(db, "scores") == {
            ("sessions", ("session_id",)),
            ("raters", ("rater_id",)),
            ("samples", ("sample_id",)),
            ("session_samples", ("session_id", "sample_id")),
            ("session_raters", ("session_id", "rater_id")),
        }
        assert foreign_keys(db, "anchors") == {
            ("rubrics", ("rubric_id",)),
            ("samples", ("sample_id",)),
            ("sessions", ("session_id",)),
        }
        assert foreign_keys(db, "learning_targets") == {
            ("assessments", ("assessment_id",)),
            ("rubrics", ("criterion_rubric_id",)),
        }
        assert foreign_keys(db, "assessment_results") == {("assessment_items", ("item_id",))}
        assert ("assessment_id", "key") in unique_sets(db, "assessment_items")
        pragma = {
            name: db.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
        }
        assert pragma == {
            "foreign_keys": 1,
            "journal_mode": "wal",
            "synchronous": 1,  # NORMAL
            "busy_timeout": 5000,
        }


ROWS_AT_M001: dict[str, list[tuple[object, ...]]] = {
    "rubrics": [(1, 1, 1, "Argument", "ELA", "6–8", "analytic", "2026-01-01T00:00:00+00:00")],
    "criteria": [(1, 1, 1, "claim", "Claim", "Takes a position.", "I take a position.")],
    "levels": [(1, 1, 1, "Beginning", "No clear claim.", ""), (2, 1, 2, "Secure", "Clear.", "")],
    "samples": [(1, "essay-1", "Later start?", "Body", "essay", "G8-1", "8", "Argue", "[]")],
    "raters": [(1, "Amara Okafor", "AO", "teacher", "ELA", 1), (2, "Ben Li", "BL", "", "", 0)],
    "sessions": [
        (1, "October", "2026-10-14", 1, "Amara", "reveal", 1, 1, 2, "2026-10-14T09:00:00+00:00")
    ],
    "session_samples": [(1, 1, 1)],
    "session_raters": [(1, 1, 1), (1, 2, 2)],
    "scores": [(1, 1, 1, 1, "claim", 1, 2, "Clear.", "2026-10-14T09:05:00+00:00")],
    "score_history": [
        (1, 1, 1, 1, 1, "claim", 1, 1, "", "2026-10-14T09:01:00+00:00", "2026-10-14T09:05:00+00:00")
    ],
    "consensus": [(1, 1, 1, "claim", 2, "Agreed.", "2026-10-14T09:30:00+00:00")],
    "reference_scores": [(1, 1, "claim", 2, "Coach", "2026-09-01T00:00:00+00:00", 1)],
    "anchors": [(1, 1, "claim", 2, 1, "Clear claim.", 1, "approved", "2026-10-14T10:00:00+00:00")],
}


def test_an_m001_database_upgrades_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = open_database(path, stop_before="m002_session_codes")
    try:
        assert applied_migrations(db) == ["m001_initial"]
        assert "join_code" not in db.table("sessions").columns_dict
        with database.transaction(db.conn):
            for table, rows in ROWS_AT_M001.items():
                marks = ", ".join("?" * len(rows[0]))
                db.conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        with pytest.raises(ValueError, match="already"):
            migrate(db, stop_before="m001_initial")
    finally:
        db.close()

    with Store.open(path) as store:
        assert applied_migrations(store.db) == ALL_MIGRATIONS
        for table, rows in ROWS_AT_M001.items():
            stored = store.db.execute(f"SELECT * FROM {table}").fetchall()
            if table == "sessions":
                # names hidden, held here, master key not yet shown, no codes (m014 and
                # m015 keep them hashed, last)
                rows = [(*row, 0, "", None, 0, None, None) for row in rows]
            if table == "reference_scores":
                rows = [(*row, 1) for row in rows]  # keyed for rubric family 1
            if table in UUID_TABLES:
                at = [c.name for c in store.db.table(table).columns].index("uuid")
                assert all(uuid.UUID(row[at]) for row in stored), table  # m010 named each row
                stored = [row[:at] + row[at + 1 :] for row in stored]
            assert stored == rows, table
        session = store.get_session(1)
        assert (session.title, session.rater_ids, session.round) == ("October", (1, 2), 1)
        assert store.session_codes(1) == (None, None, None, None)
        store.set_session_codes(1, "JOIN42", "LEAD42")
        assert [s.level for s in store.scores(1)] == [2]
        assert [h.level for h in store.score_history(1, 1, "claim", 1, 1)] == [1, 2]
        assert store.get_rubric(1).criteria[0].levels[1].label == "Secure"


def test_m005_keeps_every_master_key_and_lets_two_rubrics_key_one_sample(tmp_path: Path) -> None:
    path = tmp_path / "m004.db"
    db = open_database(path, stop_before="m005_master_key_per_rubric")
    try:
        with database.transaction(db.conn):
            for table, rows in ROWS_AT_M001.items():
                if table in ("sessions",):
                    rows = [(*row, None, None, 0) for row in rows]
                marks = ", ".join("?" * len(rows[0]))
                db.conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            # a second sample keyed against no rubric
            db.conn.execute(
                "INSERT INTO samples VALUES (2, 'essay-2', 'Uniforms?', 'Body', 'essay', 'G8-2',"
                " '8', 'Argue', '[]')"
            )
            db.conn.execute(
                "INSERT INTO reference_scores VALUES"
                " (2, 2, 'claim', 1, 'Coach', '2026-09-02', NULL)"
            )
    finally:
        db.close()

    with Store.open(path) as store:
        rows = store.db.execute("SELECT * FROM reference_scores ORDER BY id").fetchall()
        assert [row[:-1] for row in rows] == [
            (1, 1, "claim", 2, "Coach", "2026-09-01T00:00:00+00:00", 1, 1),
            (2, 2, "claim", 1, "Coach", "2026-09-02", None, 0),
        ]
        # Another rubric (its own family) keys essay 1 on "claim": both keys stay.
        other = dataclasses.replace(store.get_rubric(1), id=None, name="Another rubric")
        other_id = store.add_rubric(other).id
        assert other_id is not None
        store.set_reference_score(
            ReferenceScore(1, "claim", 1, set_by="District", rubric_id=other_id)
        )
        assert [r.level for r in store.reference_scores([1], rubric_id=1)] == [2]
        assert [r.level for r in store.reference_scores([1], rubric_id=other_id)] == [1]
        assert len(store.reference_scores([1])) == 2


def test_a_failing_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = Migrations("calibrate")

    @broken()
    def m001_initial(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE first (id INTEGER PRIMARY KEY)")

    @broken()
    def m002_fails(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE second (id INTEGER PRIMARY KEY)")
        raise RuntimeError("boom")

    import calibrate.storage.migrations

    monkeypatch.setattr(calibrate.storage.migrations, "MIGRATIONS", broken)
    with pytest.raises(RuntimeError, match="boom"):
        open_database(tmp_path / "cal.db")
    db = database.wrap(database.connect(tmp_path / "cal.db"))
    try:
        assert db.table_names() == []  # not even m001 or the migrations table
    finally:
        db.close()


def _fill_m008_database(path: Path) -> None:
    db = open_database(path, stop_before="m010_stable_ids")
    try:
        assert "uuid" not in db.table("raters").columns_dict
        with database.transaction(db.conn):
            for table, rows in ROWS_AT_M001.items():
                if table == "sessions":
                    rows = [(*row, None, None, 0) for row in rows]
                if table == "reference_scores":
                    rows = [(*row, 1) for row in rows]
                marks = ", ".join("?" * len(rows[0]))
                db.conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    finally:
        db.close()


def uuids(store: Store) -> dict[str, list[tuple[int, str]]]:
    return {
        t: store.db.execute(f"SELECT id, uuid FROM {t} ORDER BY id").fetchall() for t in UUID_TABLES
    }


def test_m010_names_every_row_once_and_copies_of_a_file_agree(tmp_path: Path) -> None:
    path = tmp_path / "m008.db"
    _fill_m008_database(path)
    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)
    other = tmp_path / "other-school.db"
    _fill_m008_database(other)
    conn = database.connect(other)
    conn.execute("UPDATE raters SET name = 'Chidi Obi' WHERE id = 1")  # another school's
    conn.close()

    with Store.open(path) as store, Store.open(copy) as twin, Store.open(other) as stranger:
        named = uuids(store)
        for table, rows in ROWS_AT_M001.items():
            if table in UUID_TABLES:
                assert [i for i, _ in named[table]] == [row[0] for row in rows], table
        every = [u for rows in named.values() for _, u in rows]
        assert (
            len(every)
            == len(set(every))
            == sum(len(rows) for t, rows in ROWS_AT_M001.items() if t in UUID_TABLES)
        )
        assert all(uuid.UUID(u) for u in every)
        assert uuids(twin) == named  # the same file migrated twice gets the same names
        theirs = {u for rows in uuids(stranger).values() for _, u in rows}
        assert theirs.isdisjoint(every)  # another file's rows are other records

        before = schema(store.db), uuids(store)
        database.MIGRATIONS.apply(store.db)
        assert (schema(store.db), uuids(store)) == before


def test_every_new_row_gets_a_uuid_from_the_trigger(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cal.db") as store:
        stored = store.add_rubric(make_rubric())
        assert stored.id is not None
        rows = store.db.execute(
            "SELECT uuid FROM rubrics UNION ALL SELECT uuid FROM criteria"
            " UNION ALL SELECT uuid FROM levels"
        ).fetchall()
        assert len(rows) == 1 + 2 + 2 * 4  # the rubric, 2 criteria of 4 levels
        assert all(uuid.UUID(u).version == 4 for (u,) in rows)
        assert len({u for (u,) in rows}) == len(rows)
        store.db.conn.execute(
            "INSERT INTO raters (name, uuid) VALUES (?, ?)",
            ("Given", "00000000-0000-4000-8000-000000000001"),
        )
        (given,) = store.db.execute("SELECT uuid FROM raters WHERE name = 'Given'").fetchone()
        assert given == "00000000-0000-4000-8000-000000000001"  # a uuid set on insert is kept
