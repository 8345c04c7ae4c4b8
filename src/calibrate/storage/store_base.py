"""What every part of the :class:`~calibrate.storage.store.Store` shares: the connection, the
transaction helpers, the clock, and the checks several record types need (does this exist, is this
a level of that criterion)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.storage import database

if TYPE_CHECKING:
    import sqlite_utils

Params = Sequence[Any]


def quoted(text: str) -> str:
    """Text as it appears in a message: in curly quotes."""
    return f"“{text}”"


def spoken_list(items: Iterable[object]) -> str:
    """``[1, 2, 3]`` -> ``"1, 2 and 3"``."""
    words = [str(item) for item in items]
    if not words:
        return "none"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


class StoreBase:
    """The shared state and helpers. Use :class:`~calibrate.storage.store.Store`."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, *, clock: Callable[[], str] | None = None
    ) -> None:
        self._db: sqlite_utils.Database | None = None  # made when first asked for
        self._conn = conn
        self._path = Path(path)
        self._clock: Callable[[], str] = clock or database.utc_now

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    @property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the connection (for schema inspection and tests), made the
        first time it is asked for: the store itself needs only the connection."""
        if self._db is None:
            self._db = database.wrap(self._conn)
        return self._db

    def transaction(self) -> AbstractContextManager[None]:
        """Make everything inside the ``with`` block one all-or-nothing change.

        Opens ``BEGIN IMMEDIATE`` (waiting up to 5 s for another writer); nested use makes a
        savepoint. If the block raises, everything it wrote is rolled back and the exception
        propagates. Every Store method that writes runs inside one of these, so a series of calls
        inside an outer ``with store.transaction():`` is atomic as a whole.
        """
        return database.transaction(self._conn)

    def _snapshot(self) -> AbstractContextManager[None]:
        return database.snapshot(self._conn)

    def _now(self) -> str:
        return self._clock()

    # --- SQL helpers (sqlite3.Row never leaves the store) ---------------------------------

    def _rows(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        cursor = self._conn.cursor()
        cursor.row_factory = sqlite3.Row
        return list(cursor.execute(sql, params))

    def _row(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        cursor = self._conn.cursor()
        cursor.row_factory = sqlite3.Row
        row: sqlite3.Row | None = cursor.execute(sql, params).fetchone()
        return row

    def _scalar(self, sql: str, params: Params = ()) -> Any:
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _insert(self, sql: str, params: Params) -> int:
        rowid = self._conn.execute(sql, params).lastrowid
        assert rowid is not None
        return rowid

    def _write(self, sql: str, params: Params = ()) -> int:
        return self._conn.execute(sql, params).rowcount

    # --- shared checks ----------------------------------------------------------------------

    def _require(self, table: str, record_id: int | None, what: str) -> sqlite3.Row:
        """The row ``record_id`` of ``table``; NotFoundError naming ``what`` if absent."""
        if record_id is None:
            raise InvalidOperationError(f"This {what} has not been saved yet, so it has no id.")
        row = self._row(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
        if row is None:
            raise NotFoundError(f"There is no {what} with id {record_id}.")
        return row

    def _rubric_label(self, rubric_id: int) -> str:
        row = self._require("rubrics", rubric_id, "rubric")
        return f"{quoted(row['name'])} (version {row['version']})"

    def _check_level(self, rubric_id: int, criterion_key: str, level: int) -> None:
        """InvalidOperationError unless ``criterion_key`` is a criterion of that rubric version
        and ``level`` one of its levels."""
        criterion = self._row(
            "SELECT id, name FROM criteria WHERE rubric_id = ? AND key = ?",
            (rubric_id, criterion_key),
        )
        if criterion is None:
            raise InvalidOperationError(
                f"The rubric {self._rubric_label(rubric_id)} has no criterion "
                f"{quoted(criterion_key)}."
            )
        scores = [
            row[0]
            for row in self._conn.execute(
                "SELECT score FROM levels WHERE criterion_id = ? ORDER BY score",
                (criterion["id"],),
            )
        ]
        if level not in scores:
            raise InvalidOperationError(
                f"{level} is not a level of {quoted(criterion['name'])} on the rubric "
                f"{self._rubric_label(rubric_id)}: its levels are {spoken_list(scores)}."
            )
