"""Merging another calibrate database into this one, and the stable identities it relies on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from calibrate.domain.errors import InvalidOperationError
from calibrate.storage.merge_sources import open_source
from calibrate.storage.merge_tables import MergeOutcome, MergePolicy, merge_records
from calibrate.storage.stable_ids import UUID_TABLES
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
