"""The database's schema migrations, in order: one named function each, run once, in a transaction.

Never edit a migration once released: add a new one at the end (``m0NN_what_it_adds``).
:mod:`calibrate.storage.database` applies them when a file is opened. Imports only the schema
modules and sqlite-utils (through :mod:`calibrate.storage.lean_import`).
"""

from __future__ import annotations

from calibrate.storage.assessment_schema import ASSESSMENT_TABLES
from calibrate.storage.code_hashes import hash_code
from calibrate.storage.contract_schema import CONTRACT_TABLES
from calibrate.storage.core_schema import CORE_TABLES
from calibrate.storage.lean_import import Migrations, sqlite_utils
from calibrate.storage.migration_names import MIGRATION_NAMES, MIGRATION_SET
from calibrate.storage.stable_ids import M010_TABLES, M013_TABLES, add_stable_ids

MIGRATIONS = Migrations(MIGRATION_SET)


@MIGRATIONS()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Every core table: rubrics (one row per version) and their criteria and levels, samples,
    raters, sessions with their samples and raters, scores and their history, consensus,
    reference (master-key) scores and anchors."""
    for statement in CORE_TABLES:
        db.execute(statement)


@MIGRATIONS()
def m002_session_codes(db: sqlite_utils.Database) -> None:
    """Per-session join and facilitator codes, for serving a live meeting (random, rotatable;
    NULL until set)."""
    sessions = db.table("sessions")
    sessions.add_column("join_code", str)
    sessions.add_column("facilitator_code", str)
    sessions.create_index(["join_code"], index_name="idx_sessions_join_code", unique=True)
    sessions.create_index(
        ["facilitator_code"], index_name="idx_sessions_facilitator_code", unique=True
    )


@MIGRATIONS()
def m003_contracts(db: sqlite_utils.Database) -> None:
    """Learning contracts: the contract, each of its versions (every amendment kept) with the
    diagnostic levels, targets and their anchors, and activities; the progress log, checkpoint
    reviews and the closing reassessment with its per-target results."""
    for statement in CONTRACT_TABLES:
        db.execute(statement)


@MIGRATIONS()
def m004_reveal_names(db: sqlite_utils.Database) -> None:
    """Whether raters joining a live meeting see who gave which level after the reveal (off
    until the facilitator allows it)."""
    db.table("sessions").add_column("reveal_names", int, not_null_default=0)


@MIGRATIONS()
def m005_master_key_per_rubric(db: sqlite_utils.Database) -> None:
    """A master key per rubric: one sample keyed for two rubrics that share a criterion key
    keeps both keys (before, the second replaced the first, and the first rubric's sessions
    silently lost it). ``family_id`` is the rubric family the key was set against; 0 for a key
    set against no rubric. Every row is kept."""
    db.execute(
        """CREATE TABLE reference_scores_m005 (
        id INTEGER PRIMARY KEY,
        sample_id INTEGER NOT NULL REFERENCES samples(id),
        criterion_key TEXT NOT NULL,
        level INTEGER NOT NULL,
        set_by TEXT NOT NULL DEFAULT '',
        set_at TEXT NOT NULL,
        rubric_id INTEGER REFERENCES rubrics(id),
        family_id INTEGER NOT NULL DEFAULT 0,
        UNIQUE (sample_id, criterion_key, family_id)
    )"""
    )
    db.execute(
        "INSERT INTO reference_scores_m005 (id, sample_id, criterion_key, level, set_by, set_at,"
        " rubric_id, family_id)"
        " SELECT rs.id, rs.sample_id, rs.criterion_key, rs.level, rs.set_by, rs.set_at,"
        " rs.rubric_id, COALESCE(r.family_id, 0)"
        " FROM reference_scores rs LEFT JOIN rubrics r ON r.id = rs.rubric_id"
    )
    db.execute("DROP TABLE reference_scores")
    db.execute("ALTER TABLE reference_scores_m005 RENAME TO reference_scores")


@MIGRATIONS()
def m006_contract_class(db: sqlite_utils.Database) -> None:
    """The class (or group) a learning contract's student is in, so a teacher with several
    classes can list them class by class. Empty for contracts written before."""
    db.table("contracts").add_column("class_name", str, not_null_default="")


@MIGRATIONS()
def m008_room_seats(db: sqlite_utils.Database) -> None:
    """Seats with identity in a served meeting: a rater's seat is claimed with a personal PIN
    (only its salted scrypt hash is kept) and bound to a signed cookie; ``generation`` grows when
    the facilitator releases the seat, so cookies signed before stop working. ``room_secret``
    holds the key the cookies are signed with, so a restarted server keeps its seats."""
    db.execute(
        """CREATE TABLE room_seats (
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        rater_id INTEGER NOT NULL REFERENCES raters(id),
        pin_salt BLOB,
        pin_hash BLOB,
        generation INTEGER NOT NULL DEFAULT 0,
        claimed_at TEXT,
        PRIMARY KEY (session_id, rater_id)
    )"""
    )
    db.execute(
        "CREATE TABLE room_secret (id INTEGER PRIMARY KEY CHECK (id = 1), key BLOB NOT NULL)"
    )


@MIGRATIONS()
def m009_assessments(db: sqlite_utils.Database) -> None:
    """Tests mapped to learning targets: the blueprint (its learning targets, each perhaps on a
    rubric criterion, and its items with their points) and each student's result per item. A
    learning contract's target can then be a learning target: ``contract_targets.evidence``
    keeps its starting evidence (the test items, in words; a JSON array, empty for targets
    written before)."""
    for statement in ASSESSMENT_TABLES:
        db.execute(statement)
    db.table("contract_targets").add_column("evidence", str, not_null_default="[]")


@MIGRATIONS()
def m010_stable_ids(db: sqlite_utils.Database) -> None:
    """A ``uuid`` on every record with an id of its own (unique; new rows get a random one from
    a trigger, existing rows one derived from the file's first records, so copies of one file
    agree), so that databases can be merged (see :mod:`calibrate.storage.stable_ids`); the
    school a session was held at, for a coach's merged database (empty: held here); and the
    other databases' raters a merge was told are ours (``--map-raters``), by their uuid, so
    merging the same file again needs no map."""
    add_stable_ids(db.conn, M010_TABLES)
    db.table("sessions").add_column("school", str, not_null_default="")
    db.execute(
        """CREATE TABLE rater_aliases (
        uuid TEXT PRIMARY KEY,
        rater_id INTEGER NOT NULL REFERENCES raters(id)
    )"""
    )


@MIGRATIONS()
def m011_round_items(db: sqlite_utils.Database) -> None:
    """The items (sample × criterion) a re-score round asks for: after the discussion only the
    items talked about (or a chosen set) are scored again. A round with no rows here covers
    every item, as every round did before."""
    db.execute(
        """CREATE TABLE round_items (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        round INTEGER NOT NULL,
        sample_id INTEGER NOT NULL REFERENCES samples(id),
        criterion_key TEXT NOT NULL,
        PRIMARY KEY (session_id, round, sample_id, criterion_key),
        FOREIGN KEY (session_id, sample_id)
            REFERENCES session_samples(session_id, sample_id) ON DELETE CASCADE
    )"""
    )


@MIGRATIONS()
def m012_master_key_timing(db: sqlite_utils.Database) -> None:
    """When each session's team saw the master key, kept with the session (it was the app's
    memory only): ``key_timing`` is ``after`` (on an item once the team agreed it) or
    ``before`` (from the reveal on), NULL until the session is first revealed, when the
    meeting's choice is written; ``key_shown`` is 1 once the facilitator showed it now (k)."""
    sessions = db.table("sessions")
    sessions.add_column("key_timing", str)
    sessions.add_column("key_shown", int, not_null_default=0)


@MIGRATIONS()
def m013_assessment_ids(db: sqlite_utils.Database) -> None:
    """A ``uuid`` on the tests, their learning targets and their items, as m010 gave the other
    records (existing rows derive theirs from the file, so copies of one file agree), so that a
    coach's merge brings in the tests and their results too."""
    add_stable_ids(db.conn, M013_TABLES)


@MIGRATIONS()
def m014_hashed_codes(db: sqlite_utils.Database) -> None:
    """The facilitator's code is kept hashed (``sessions.facilitator_hash``, see
    :mod:`calibrate.storage.code_hashes`) and the readable column goes: a code set before keeps
    working, since its hash is made from it here."""
    db.execute("ALTER TABLE sessions ADD COLUMN facilitator_hash TEXT")
    rows = db.execute(
        "SELECT id, facilitator_code FROM sessions WHERE facilitator_code IS NOT NULL"
    ).fetchall()
    for session_id, code in rows:
        db.execute(
            "UPDATE sessions SET facilitator_hash = ? WHERE id = ?", (hash_code(code), session_id)
        )
    db.execute("DROP INDEX IF EXISTS idx_sessions_facilitator_code")
    db.execute("ALTER TABLE sessions DROP COLUMN facilitator_code")


@MIGRATIONS()
def m015_hashed_join_codes(db: sqlite_utils.Database) -> None:
    """The join code is kept hashed too (``sessions.join_hash``), as the facilitator's is since
    m014, and the readable column goes: a code set before keeps working (its hash is made from
    it here); ``calibrate serve`` shows a new one each time it starts."""
    db.execute("ALTER TABLE sessions ADD COLUMN join_hash TEXT")
    rows = db.execute("SELECT id, join_code FROM sessions WHERE join_code IS NOT NULL").fetchall()
    for session_id, code in rows:
        db.execute("UPDATE sessions SET join_hash = ? WHERE id = ?", (hash_code(code), session_id))
    db.execute("DROP INDEX IF EXISTS idx_sessions_join_code")
    db.execute("ALTER TABLE sessions DROP COLUMN join_code")


_REGISTERED = tuple(m.name for m in MIGRATIONS._migrations)
if _REGISTERED != MIGRATION_NAMES:  # a new migration is named in migration_names.py too
    raise RuntimeError(
        f"calibrate.storage.migration_names lists {MIGRATION_NAMES}, but the migrations are "
        f"{_REGISTERED}: add the new one's name there."
    )
