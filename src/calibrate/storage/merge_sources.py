"""Opening another school's database to merge from: read-only, and never changed.

A file made by an older calibrate (migrations pending) is copied to a temporary file with
SQLite's backup API and brought up to date there; the copy is deleted afterwards. Its older
rows get the same stable identities on every such copy (see
:mod:`calibrate.storage.stable_ids`), so merging the same older file twice adds nothing the
second time.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from calibrate.storage import database
from calibrate.storage.merge_tables import MergeError

#: The first bytes of every SQLite 3 file.
SQLITE_HEADER = b"SQLite format 3\x00"


def _refuse(path: Path, why: str) -> MergeError:
    return MergeError(f"{path} cannot be merged: {why}. Nothing was merged.")


@contextmanager
def open_source(path: Path, *, this: Path | None = None) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the calibrate database at ``path``, at the current schema.

    Raises MergeError if the file is missing, is ``this`` database, is not a calibrate database,
    or was made by a newer calibrate.
    """
    if not path.is_file():
        raise _refuse(path, "there is no such file")
    if this is not None and this.exists() and path.resolve() == this.resolve():
        raise _refuse(path, "it is the database being merged into")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise _refuse(path, "it is not a calibrate database (nor a kit ending in .toml)")
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        db = database.wrap(conn)
        try:
            applied = set(database.applied_migrations(db))
        except sqlite3.DatabaseError as exc:
            raise _refuse(path, f"it cannot be read ({exc})") from exc
        if "m001_initial" not in applied:
            raise _refuse(path, "it is an SQLite file, but not a calibrate database")
        if newer := database.unknown_migrations(db):
            raise _refuse(
                path, f"it was made by a newer calibrate ({', '.join(newer)}); update calibrate"
            )
        if not database.MIGRATIONS.pending(db):
            yield conn
            return
        with tempfile.TemporaryDirectory(prefix="calibrate-merge-") as folder:
            copy = Path(folder) / "source.db"
            target = sqlite3.connect(copy)
            try:
                conn.backup(target)
            finally:
                target.close()
            upgraded = database.open_database(copy)
            try:
                yield upgraded.conn
            finally:
                upgraded.close()
    finally:
        conn.close()


def record_uuids(path: Path) -> set[tuple[str, str]]:
    """(table, uuid) of every record in the database at ``path`` (read-only); empty for a file
    that is missing, not a database, or older than stable identities."""
    from calibrate.storage.stable_ids import UUID_TABLES

    if not path.is_file():
        return set()
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        found: set[tuple[str, str]] = set()
        for table in UUID_TABLES:
            columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if "uuid" in columns:  # an older file lacks the tests' (m013)
                found.update((table, u) for (u,) in conn.execute(f"SELECT uuid FROM {table}"))
        return found
    except sqlite3.DatabaseError:
        return set()
    finally:
        conn.close()
