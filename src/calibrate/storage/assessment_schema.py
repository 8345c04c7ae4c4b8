"""The tables of tests mapped to learning targets and their results, created by migration
``m009_assessments`` (never edit them: add a new migration).

An assessment (a test blueprint) has its learning targets and items in order; ``rubric_id`` is
the targets kept as a rubric on the proficiency scale, which learning contracts use. A learning
target may belong to a rubric criterion (``criterion_rubric_id``, ``criterion_key``, the level
showing success in ``success_level``; NULL for the criterion's top level). Results are one row per
student and item: students are codes only.
"""

from __future__ import annotations

ASSESSMENT_TABLES = (
    """CREATE TABLE assessments (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        grade TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        rubric_id INTEGER NOT NULL REFERENCES rubrics(id),
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE learning_targets (
        id INTEGER PRIMARY KEY,
        assessment_id INTEGER NOT NULL REFERENCES assessments(id),
        position INTEGER NOT NULL,
        key TEXT NOT NULL,
        statement TEXT NOT NULL,
        criterion_rubric_id INTEGER REFERENCES rubrics(id),
        criterion_key TEXT NOT NULL DEFAULT '',
        success_level INTEGER,
        UNIQUE (assessment_id, key)
    )""",
    """CREATE TABLE assessment_items (
        id INTEGER PRIMARY KEY,
        assessment_id INTEGER NOT NULL REFERENCES assessments(id),
        position INTEGER NOT NULL,
        key TEXT NOT NULL,
        target_id INTEGER NOT NULL REFERENCES learning_targets(id),
        points INTEGER NOT NULL,
        prompt TEXT NOT NULL DEFAULT '',
        UNIQUE (assessment_id, key)
    )""",
    """CREATE TABLE assessment_results (
        item_id INTEGER NOT NULL REFERENCES assessment_items(id),
        student_code TEXT NOT NULL,
        outcome TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (item_id, student_code)
    )""",
    "CREATE INDEX idx_assessments_rubric_id ON assessments (rubric_id)",
    "CREATE INDEX idx_learning_targets_criterion ON learning_targets"
    " (criterion_rubric_id, criterion_key)",
    "CREATE INDEX idx_assessment_items_target_id ON assessment_items (target_id)",
)
