"""The tables of learning contracts, created by migration ``m003_contracts`` (never edit them:
add a new migration).

A contract has one row per version in ``contract_versions`` (every amendment is a new version;
nothing is ever updated there), and each version its diagnostic levels, targets (with their
anchors) and activities in child tables. Lists of short texts are JSON arrays.
"""

from __future__ import annotations

CONTRACT_TABLES = (
    """CREATE TABLE contracts (
        id INTEGER PRIMARY KEY,
        student_code TEXT NOT NULL,
        student_name TEXT NOT NULL DEFAULT '',
        teacher TEXT NOT NULL,
        teacher_id INTEGER REFERENCES raters(id),
        rubric_id INTEGER NOT NULL REFERENCES rubrics(id),
        sample_id INTEGER REFERENCES samples(id),
        session_id INTEGER REFERENCES sessions(id),
        status TEXT NOT NULL DEFAULT 'draft',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE contract_versions (
        id INTEGER PRIMARY KEY,
        contract_id INTEGER NOT NULL REFERENCES contracts(id),
        version INTEGER NOT NULL,
        start_date TEXT NOT NULL DEFAULT '',
        supports TEXT NOT NULL DEFAULT '[]',
        resources TEXT NOT NULL DEFAULT '[]',
        teacher_feedback_days INTEGER NOT NULL,
        teacher_note TEXT NOT NULL DEFAULT '',
        student_practice TEXT NOT NULL DEFAULT '',
        student_keeps_log INTEGER NOT NULL DEFAULT 1,
        review_every_days INTEGER NOT NULL,
        accessibility_needs TEXT NOT NULL DEFAULT '[]',
        evidence_formats TEXT NOT NULL DEFAULT '[]',
        flexible_deadlines TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        UNIQUE (contract_id, version)
    )""",
    """CREATE TABLE contract_levels (
        version_id INTEGER NOT NULL REFERENCES contract_versions(id),
        position INTEGER NOT NULL,
        criterion_key TEXT NOT NULL,
        level INTEGER NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (version_id, criterion_key)
    )""",
    """CREATE TABLE contract_targets (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES contract_versions(id),
        position INTEGER NOT NULL,
        criterion_key TEXT NOT NULL,
        current_level INTEGER NOT NULL,
        target_level INTEGER NOT NULL,
        indicator TEXT NOT NULL,
        due_date TEXT NOT NULL,
        UNIQUE (version_id, criterion_key)
    )""",
    """CREATE TABLE contract_target_anchors (
        target_id INTEGER NOT NULL REFERENCES contract_targets(id),
        anchor_id INTEGER NOT NULL REFERENCES anchors(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (target_id, anchor_id)
    )""",
    """CREATE TABLE contract_activities (
        version_id INTEGER NOT NULL REFERENCES contract_versions(id),
        position INTEGER NOT NULL,
        stage TEXT NOT NULL,
        description TEXT NOT NULL,
        criterion_key TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (version_id, position)
    )""",
    """CREATE TABLE contract_progress (
        id INTEGER PRIMARY KEY,
        contract_id INTEGER NOT NULL REFERENCES contracts(id),
        date TEXT NOT NULL,
        evidence TEXT NOT NULL,
        evidence_file TEXT NOT NULL DEFAULT '',
        worked TEXT NOT NULL DEFAULT '',
        didnt_work TEXT NOT NULL DEFAULT '',
        next_step TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE contract_reviews (
        id INTEGER PRIMARY KEY,
        contract_id INTEGER NOT NULL REFERENCES contracts(id),
        version INTEGER NOT NULL,
        date TEXT NOT NULL,
        outcome TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE contract_reassessments (
        id INTEGER PRIMARY KEY,
        contract_id INTEGER NOT NULL UNIQUE REFERENCES contracts(id),
        date TEXT NOT NULL,
        reflection TEXT NOT NULL,
        teacher_note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE contract_results (
        reassessment_id INTEGER NOT NULL REFERENCES contract_reassessments(id),
        position INTEGER NOT NULL,
        criterion_key TEXT NOT NULL,
        target_level INTEGER NOT NULL,
        achieved_level INTEGER NOT NULL,
        PRIMARY KEY (reassessment_id, criterion_key)
    )""",
    "CREATE INDEX idx_contracts_rubric_id ON contracts (rubric_id)",
    "CREATE INDEX idx_contracts_teacher_id ON contracts (teacher_id)",
    "CREATE INDEX idx_contract_target_anchors_anchor_id ON contract_target_anchors (anchor_id)",
    "CREATE INDEX idx_contract_progress_contract_id ON contract_progress (contract_id)",
    "CREATE INDEX idx_contract_reviews_contract_id ON contract_reviews (contract_id)",
)
