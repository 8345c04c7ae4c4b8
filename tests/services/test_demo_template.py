"""The demo's database made ahead (issue 15): the committed template is exactly what loading
the bundled kit and preparing the demo makes, and a copy becomes records of its own."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

from calibrate.services.records.catalog import bundled_scenario_dir
from calibrate.services.records.database import DEMO_KIT, DEMO_TITLE, prepare_demo
from calibrate.services.records.demo_template import (
    BUILT_ON,
    build_template,
    start_from_template,
    template_path,
)
from calibrate.storage.migration_names import MIGRATION_NAMES
from calibrate.storage.store import Store

KIT = bundled_scenario_dir() / DEMO_KIT
REBUILD = "python -m calibrate.services.records.demo_template"


def records(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, without identities and times (which a copy makes its own)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out = {}
        for table in tables:
            columns = [
                c[1]
                for c in conn.execute(f"PRAGMA table_info({table})")
                if c[1] != "uuid" and not c[1].endswith("_at")
            ]
            out[table] = conn.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid"
            ).fetchall()
        return out
    finally:
        conn.close()


def test_the_template_is_the_kit_loaded_now(tmp_path: Path) -> None:
    template = template_path(KIT)
    assert template.exists(), f"the demo kit changed: make its template again ({REBUILD})"
    fresh = tmp_path / "fresh.db"
    build_template(KIT, fresh)
    assert records(template) == records(fresh), f"the template is stale: {REBUILD}"
    with Store.open(template) as store:
        applied = store._conn.execute("SELECT name FROM _sqlite_migrations").fetchall()
    assert tuple(r[0] for r in applied) == MIGRATION_NAMES
    assert len(list(KIT.parent.glob("*.demo.db"))) == 1  # no old template left behind


def test_a_copy_is_a_new_private_database_of_its_own(tmp_path: Path) -> None:
    db = tmp_path / "folder" / "mine.db"
    assert start_from_template(db, today=date(2027, 3, 1))
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert [p.name for p in db.parent.iterdir()] == ["mine.db"]  # nothing staged is left
    with Store.open(db) as store, Store.open(template_path(KIT)) as template:
        demo = [s for s in store.list_sessions() if s.title.startswith("Demo meeting")]
        assert len(demo) == 1 and demo[0].date == "2027-03-01"
        assert demo[0].id is not None
        theirs = next(s for s in template.list_sessions() if s.date == BUILT_ON.isoformat())
        assert theirs.id is not None
        assert store.uuid_of("sessions", demo[0].id) != template.uuid_of("sessions", theirs.id)
        rubric = store.list_rubrics()[0]
        assert rubric.id is not None  # kit records keep the identity every load gives them
        assert store.uuid_of("rubrics", rubric.id) == template.uuid_of("rubrics", rubric.id)
        assert prepare_demo(store) == demo[0].id  # the demo, ready to score
        assert store.scores(demo[0].id) == []


def test_an_existing_database_is_never_replaced(tmp_path: Path) -> None:
    db = tmp_path / "mine.db"
    with Store.open(db) as store:
        prepare_demo(store, today=date(2026, 11, 23))
    before = db.read_bytes()
    assert not start_from_template(db)
    assert db.read_bytes() == before


def test_the_demo_on_a_new_database_loads_neither_pydantic_nor_sqlite_utils(
    tmp_path: Path,
) -> None:
    db = tmp_path / "new.db"
    probe = (
        "import sys; from pathlib import Path;"
        "from calibrate.services.records.demo_template import start_from_template;"
        "from calibrate.services.records.database import prepare_demo;"
        "from calibrate.storage.store import Store;"
        f"assert start_from_template(Path({str(db)!r}));"
        f"store = Store.open({str(db)!r}); print(store.get_session(prepare_demo(store)).title);"
        "print(sorted(m for m in ('pydantic', 'sqlite_utils') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.splitlines() == [DEMO_TITLE.format(name="Argument writing, grade 8"), "[]"], (
        out.stderr
    )
