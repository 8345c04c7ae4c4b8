"""The SQLite file: where it lives, how it is opened, its schema migrations and transactions.

One connection per :class:`~calibrate.storage.store.Store`, opened here with
``isolation_level=None`` so that neither Python's ``sqlite3`` module nor sqlite-utils ever opens a
transaction on its own: every transaction is opened explicitly by :func:`transaction`, with
``BEGIN IMMEDIATE`` (a deferred ``BEGIN`` that reads before it writes fails at once with
"database is locked" when another process writes at the same time, whatever the busy timeout).

Pragmas: foreign keys on, WAL journal, ``synchronous=NORMAL``, busy timeout 5000 ms. The file
(and its ``-wal``/``-shm`` companions) is created readable and writable by its owner only.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from calibrate.domain.errors import CalibrateError
from calibrate.storage.migration_names import MIGRATION_NAMES, MIGRATION_SET

if TYPE_CHECKING:
    import sqlite_utils


def __getattr__(name: str) -> Any:
    """``MIGRATIONS`` (sqlite-utils' migration set) is loaded only when a file needs migrating."""
    if name == "MIGRATIONS":
        from calibrate.storage.migrations import MIGRATIONS

        return MIGRATIONS
    raise AttributeError(name)


BUSY_TIMEOUT_MS = 5000
FILE_MODE = 0o600
DB_FILENAME = "calibrate.db"


class NewerDatabaseError(CalibrateError):
    """The database file was made by a newer calibrate."""


def default_db_path(env: Mapping[str, str]) -> Path:
    """Where the database lives when the user did not say (``--db`` is the CLI's business).

    ``CALIBRATE_DB`` (a file) wins, then ``CALIBRATE_HOME`` (a folder, holding ``calibrate.db``),
    then the platform's per-user data folder (e.g. ``~/.local/share/calibrate/calibrate.db``).
    Empty values count as unset.
    """
    if db := env.get("CALIBRATE_DB", ""):
        return Path(db).expanduser()
    if home := env.get("CALIBRATE_HOME", ""):
        return Path(home).expanduser() / DB_FILENAME
    return platformdirs.user_data_path("calibrate") / DB_FILENAME


def utc_now() -> str:
    """The current time as ISO-8601 UTC text, e.g. ``2026-10-14T09:30:00.123+00:00``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def create_private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only, if it does not exist yet. A missing folder
    is created too (the innermost one owner-only)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, FILE_MODE)  # in case the umask was stricter than usual in some odd way


def _tighten_companions(path: Path) -> None:
    """Make the file owner-only (an existing one made by ``touch`` or copied in is often 0644)
    and its ``-wal`` and ``-shm`` files too (SQLite copies the main file's mode, this is a
    second line of defence). A file the user does not own is left as it is."""
    for suffix in ("", "-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        try:
            if companion.stat().st_mode & 0o077:
                os.chmod(companion, FILE_MODE)
        except (FileNotFoundError, PermissionError):
            pass


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed, mode 0600) the database file with the house pragmas.

    The connection is in autocommit mode (``isolation_level=None``); use :func:`transaction`.
    Raises ``sqlite3.Error`` if the file cannot be opened or is not a database.
    """
    path = Path(path)
    created = not path.exists()
    if created:
        create_private_file(path)
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    _tighten_companions(path)
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL (a setting stored in the file, so usually already done).

    Changing the journal mode needs the file to itself, and SQLite does not always wait on the
    busy handler for it: several processes opening a brand-new file at once can get "database
    is locked" straight away. Retry for as long as the busy timeout allows.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def wrap(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """Wrap an open connection for sqlite-utils (without its plugins, which we do not use)."""
    from calibrate.storage.lean_import import sqlite_utils

    return sqlite_utils.Database(conn, execute_plugins=False)


_savepoints = itertools.count(1)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """Run the block in one transaction; re-entrant.

    Outermost use: ``BEGIN IMMEDIATE`` (takes the write lock at once, waiting up to the busy
    timeout), ``COMMIT`` at the end, ``ROLLBACK`` of everything if the block raises. Nested use
    (also inside sqlite-utils' own ``atomic()``): a ``SAVEPOINT``, rolled back to if the block
    raises; the exception then propagates, so an outer block not catching it rolls back wholly.
    """
    if conn.in_transaction:
        name = f"calibrate_{next(_savepoints)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # some errors end the whole transaction themselves
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Run several reads against one consistent snapshot (a deferred, read-only transaction).

    Inside an open transaction this does nothing extra. Never write inside it: use
    :func:`transaction` for anything that writes.
    """
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def migrate(db: sqlite_utils.Database, *, stop_before: str | Iterable[str] | None = None) -> None:
    """Apply the pending "calibrate" migrations (all of them, or those before ``stop_before``).

    Applying twice is a no-op. All pending migrations run in one ``BEGIN IMMEDIATE`` transaction,
    so two processes opening a new file at once do not both apply them, and a failure leaves the
    file as it was. Raises ``ValueError`` if ``stop_before`` names a migration already applied.
    """
    from calibrate.storage.migrations import MIGRATIONS

    if stop_before is None and not MIGRATIONS.pending(db):
        return  # nothing to do, and no write lock taken
    with transaction(db.conn):
        MIGRATIONS.apply(db, stop_before=stop_before)


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    """Names of the "calibrate" migrations applied to this database, in the order applied."""
    from calibrate.storage.migrations import MIGRATIONS

    return [m.name for m in MIGRATIONS.applied(db)]


def unknown_migrations(db: sqlite_utils.Database) -> list[str]:
    """Migrations applied to this database that this calibrate does not know: the file was
    made (or last opened) by a newer calibrate."""
    return [name for name in applied_migrations(db) if name not in MIGRATION_NAMES]


def open_connection(path: Path, *, stop_before: str | None = None) -> sqlite3.Connection:
    """Connect to ``path`` (created 0600 if new) and bring its schema up to date.

    A file that already has every migration (the usual case) is checked with one query;
    sqlite-utils is loaded only to migrate. Raises :class:`NewerDatabaseError` if a newer
    calibrate has changed the file's schema: an older program would read it wrongly or fail
    later, so it does not open it at all."""
    conn = connect(path)
    try:
        if stop_before is not None or not _up_to_date(conn):
            db = wrap(conn)
            if newer := unknown_migrations(db):
                raise NewerDatabaseError(
                    f"{path} was made by a newer calibrate (it has {', '.join(newer)}); "
                    "update calibrate to open it."
                )
            migrate(db, stop_before=stop_before)
    except BaseException:
        conn.close()
        raise
    _tighten_companions(Path(path))
    return conn


def _up_to_date(conn: sqlite3.Connection) -> bool:
    """Whether the file has exactly this calibrate's migrations, in order (one query)."""
    try:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
            (MIGRATION_SET,),
        ).fetchall()
    except sqlite3.OperationalError:  # no such table: a new file
        return False
    return tuple(row[0] for row in rows) == MIGRATION_NAMES


def open_database(path: Path, *, stop_before: str | None = None) -> sqlite_utils.Database:
    """:func:`open_connection`, wrapped for sqlite-utils (schema inspection, tests)."""
    return wrap(open_connection(path, stop_before=stop_before))
