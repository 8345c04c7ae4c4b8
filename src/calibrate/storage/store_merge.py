"""Merging another calibrate database into this one, and the stable identities it relies on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from calibrate.domain.errors import InvalidOperationError
from calibrate.storage.merge_sources import open_source
from calibrate.storage.merge_tables import MergeOutcome, MergePolicy, merge_records
from calibrate.storage.stable_ids import RANDOM_UUID_SQL, UUID_TABLES
from calibrate.storage.store_base import StoreBase


class MergeStore(StoreBase):
    def merge_from(self, path: Path | str, policy: MergePolicy) -> MergeOutcome:
        """Bring in every record of the database at ``path`` that this one lacks, all or nothing
        (one ``BEGIN IMMEDIATE`` transaction); merging the same file twice changes nothing.

        The file is opened read-only; one made by an older calibrate is brought up to date on a
        temporary copy first. Raises MergeError (nothing written) if the file is not a calibrate
        database, was made by a newer calibrate, is this database, or has raters whose names are
        taken here and ``policy`` does not say who is who.
        """
        with open_source(Path(path), this=self._path) as theirs, self.transaction():
            return merge_records(self._conn, theirs, policy)

    def uuid_of(self, table: str, record_id: int) -> str:
        """The stable identity of a record (see :mod:`calibrate.storage.stable_ids`)."""
        if table not in UUID_TABLES:
            raise InvalidOperationError(f"{table} records have no identity of their own.")
        return str(self._require(table, record_id, table)["uuid"])

    def name_record(self, table: str, record_id: int, uuid: str) -> None:
        """Give a record just made the identity it has everywhere else (a kit's rater or session
        is the same record in every database that loaded the kit)."""
        if table not in UUID_TABLES:
            raise InvalidOperationError(f"{table} records have no identity of their own.")
        with self.transaction():
            self._write(f"UPDATE {table} SET uuid = ? WHERE id = ?", (uuid, record_id))

    def write_sync_copy(self, dest: Path | str, *, school: str) -> None:
        """Copy the database to ``dest`` (mode 0600, replaced if there) for another database to
        merge: everything but what belongs to this room alone (join and facilitator codes, seats
        and the room's signing key), the sessions held here marked as held at ``school``."""
        dest = Path(dest)
        dest.unlink(missing_ok=True)
        self.backup(dest)  # type: ignore[attr-defined]  # Store.backup
        conn = sqlite3.connect(dest, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE sessions SET join_hash = NULL, facilitator_hash = NULL")
            conn.execute("UPDATE sessions SET school = ? WHERE school = ''", (school,))
            conn.execute("DELETE FROM room_seats")
            conn.execute("DELETE FROM room_secret")
            conn.execute("COMMIT")
            conn.execute("VACUUM")
        finally:
            conn.close()

    def renew_copy(self, *, dated: str, today: str, now: str) -> None:
        """Make this database, just copied from a template, records of its own: the sessions
        dated ``dated`` (the template's) get ``today`` and new identities, and every creation
        time becomes ``now``. Kit records keep their identities, which every database that
        loads the kit shares."""
        with self.transaction():
            self._write(
                f"UPDATE sessions SET date = ?, uuid = {RANDOM_UUID_SQL} WHERE date = ?",
                (today, dated),
            )
            for table in self._tables_with("created_at"):
                self._write(f"UPDATE {table} SET created_at = ?", (now,))
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the file alone is whole

    def compact(self) -> None:
        """Rewrite the file without free pages and fold the write-ahead log into it."""
        self._conn.execute("VACUUM")
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _tables_with(self, column: str) -> list[str]:
        tables = [
            r[0]
            for r in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return [
            t
            for t in tables
            if any(c[1] == column for c in self._conn.execute(f"PRAGMA table_info({t})"))
        ]
