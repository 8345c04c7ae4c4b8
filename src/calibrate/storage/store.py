"""The calibration records in one SQLite file, behind a typed API.

Domain objects (``calibrate.domain.model``) go in and come out; no sqlite row leaves the store.
Mistakes are reported as :class:`~calibrate.domain.errors.NotFoundError` or
:class:`~calibrate.domain.errors.InvalidOperationError` with a message fit for a teacher, and
nothing is written when one is raised.

A Store holds one ``sqlite3`` connection: use it from the thread that opened it (open another
Store in a worker thread or process). Several processes may write to the same file at once.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

from calibrate.domain.errors import InvalidOperationError
from calibrate.storage import database
from calibrate.storage.store_assessment_edits import AssessmentEditStore
from calibrate.storage.store_authoring import AuthoringStore
from calibrate.storage.store_catalog import CatalogStore
from calibrate.storage.store_contracts import ContractStore
from calibrate.storage.store_district import DistrictStore
from calibrate.storage.store_merge import MergeStore
from calibrate.storage.store_records import RecordStore
from calibrate.storage.store_rubrics import RubricStore
from calibrate.storage.store_scores import ScoreStore
from calibrate.storage.store_sessions import SessionCodes, SessionStore, new_session_code

__all__ = ["SessionCodes", "Store", "new_session_code"]


class Store(
    AssessmentEditStore,  # before RubricStore, which it builds on
    RubricStore,
    CatalogStore,
    SessionStore,
    ScoreStore,
    RecordStore,
    AuthoringStore,
    ContractStore,
    MergeStore,
    DistrictStore,
):
    """Rubrics, samples, raters, sessions, scores, consensus, reference scores and anchors;
    learning contracts; tests mapped to learning targets and their results.

    Open with :meth:`open`; use as a context manager or call :meth:`close`. Every method that
    writes is one transaction; wrap several calls in :meth:`transaction` to make them one
    all-or-nothing change.
    """

    @classmethod
    def open(cls, path: Path | str, *, clock: Callable[[], str] | None = None) -> Self:
        """Open the database at ``path``, creating it (owner-only, mode 0600) and its folder if
        needed, and bring its schema up to date.

        ``clock`` returns the ISO-8601 UTC text used for timestamps (tests pass a fixed one).
        Raises ``sqlite3.DatabaseError`` if the file is not a calibrate database.
        """
        path = Path(path)
        return cls(database.open_connection(path), path, clock=clock)

    def close(self) -> None:
        """Close the connection. Safe to call twice."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def data_version(self) -> int:
        """A number that changes when *another* connection commits a change to the file
        (``PRAGMA data_version``); compare two readings to notice outside changes cheaply."""
        return int(self._scalar("PRAGMA data_version"))

    def backup(self, dest: Path | str) -> None:
        """Copy the whole database to ``dest`` (a single self-contained file, mode 0600) with
        SQLite's online backup API: safe while this and other processes use the database.

        Raises InvalidOperationError if ``dest`` is this database file or a transaction is open
        on this Store; ``sqlite3.Error`` or ``OSError`` if the copy cannot be written.
        """
        dest = Path(dest)
        if dest.exists() and dest.resolve() == self._path.resolve():
            raise InvalidOperationError("A backup cannot overwrite the database it copies.")
        if self._conn.in_transaction:
            raise InvalidOperationError("Finish the current change before making a backup.")
        database.create_private_file(dest)
        os.chmod(dest, database.FILE_MODE)
        target = sqlite3.connect(dest, isolation_level=None)
        try:
            self._conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # no -wal file beside the copy
        finally:
            target.close()
