"""Stable identities: a UUID on every record, so that records from different databases (one per
school, a coach's, a kit loaded in several places) can be merged without their integer ids
clashing.

Migration ``m010_stable_ids`` adds a ``uuid`` TEXT column with a unique index to every table
whose rows have an ``id`` of their own (:data:`M010_TABLES`; ``m013_assessment_ids`` the same
to the tests' tables, :data:`M013_TABLES`), and an ``AFTER INSERT`` trigger on
each that gives a new row a random (version 4) UUID when the insert did not set one, so every
insert path is covered, the store's methods, a migration and a merge alike. The link and child
tables without an ``id`` (``session_samples``, ``contract_levels``, …) need none: a row there is
named by the records it links.

Rows that exist when the migration runs get a UUID derived from the database's *fingerprint*
(its first records, see :func:`fingerprint`), the table and the row id. Two copies of the same
older file (a backup and the file itself, or a file migrated twice on temporary copies by
``calibrate merge``) therefore get the same UUIDs, so merging an older file twice still changes
nothing; two different schools' files have different first records, so their UUIDs differ.

A later migration that rebuilds one of these tables must keep the column, its index and its
trigger (:func:`add_stable_ids` recreates the last two).
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid

#: The tables migration ``m010_stable_ids`` gave a uuid (never change: a released migration).
M010_TABLES = (
    "rubrics",
    "criteria",
    "levels",
    "samples",
    "raters",
    "sessions",
    "scores",
    "score_history",
    "consensus",
    "reference_scores",
    "anchors",
    "contracts",
    "contract_versions",
    "contract_targets",
    "contract_progress",
    "contract_reviews",
    "contract_reassessments",
)

#: The tests' tables, given a uuid by migration ``m013_assessment_ids``.
M013_TABLES = ("assessments", "learning_targets", "assessment_items")

#: Every table with an ``id`` of its own, parents before children within each migration's set.
UUID_TABLES = M010_TABLES + M013_TABLES

#: The namespace of every UUID calibrate derives (uuid5) rather than draws.
NAMESPACE = uuid.UUID("5b0d7c1e-4c1a-4f55-9a53-2f1f3c6a9e10")

#: SQL for a random version-4 UUID in its usual text form.
RANDOM_UUID_SQL = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||"
    " substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||"
    " substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)


def derived_uuid(*parts: object) -> str:
    """A UUID that is the same wherever the same parts are given (uuid5 in our namespace)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def fingerprint(conn: sqlite3.Connection) -> str:
    """What names this database among others: its earliest rubric, session and contract times
    and its first rater and sample (empty parts for tables that are empty or absent)."""
    probes = (
        "SELECT min(created_at) FROM rubrics",
        "SELECT min(created_at) FROM sessions",
        "SELECT min(created_at) FROM contracts",
        "SELECT name FROM raters ORDER BY id LIMIT 1",
        "SELECT coalesce(key, '') || title FROM samples ORDER BY id LIMIT 1",
        "SELECT min(scored_at) FROM scores",
    )
    parts: list[str] = []
    for sql in probes:
        try:
            row = conn.execute(sql).fetchone()
        except sqlite3.OperationalError:  # a table that this schema does not have yet
            row = None
        parts.append("" if row is None or row[0] is None else str(row[0]))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def add_stable_ids(conn: sqlite3.Connection, tables: tuple[str, ...]) -> None:
    """Add the column (where missing), fill it for existing rows, and create the unique index
    and the trigger of every table in ``tables``. Runs inside the caller's transaction."""
    salt = fingerprint(conn)
    for table in tables:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if "uuid" not in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN uuid TEXT")
        ids = [row[0] for row in conn.execute(f"SELECT id FROM {table} WHERE uuid IS NULL")]
        conn.executemany(
            f"UPDATE {table} SET uuid = ? WHERE id = ?",
            [(derived_uuid(salt, table, i), i) for i in ids],
        )
        conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS idx_{table}_uuid ON {table} (uuid)")
        conn.execute(
            f"CREATE TRIGGER IF NOT EXISTS {table}_uuid AFTER INSERT ON {table}"
            f" WHEN NEW.uuid IS NULL BEGIN"
            f" UPDATE {table} SET uuid = {RANDOM_UUID_SQL} WHERE id = NEW.id; END"
        )
