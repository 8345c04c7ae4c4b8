"""The core tables as migration m001 created them: rubrics (one row per version) with their
criteria and levels, samples, raters, sessions with their samples and raters, scores and their
history, consensus, reference (master-key) scores and anchors.

Later migrations change some of these (see ``database.py``); this is the starting point, and
must stay as it was so that every database upgrades the same way.
"""

from __future__ import annotations

CORE_TABLES = (
    """CREATE TABLE rubrics (
        id INTEGER PRIMARY KEY,
        family_id INTEGER REFERENCES rubrics(id),
        version INTEGER NOT NULL DEFAULT 1,
        name TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        grade_band TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL DEFAULT 'analytic',
        created_at TEXT NOT NULL,
        UNIQUE (family_id, version)
    )""",
    """CREATE TABLE criteria (
        id INTEGER PRIMARY KEY,
        rubric_id INTEGER NOT NULL REFERENCES rubrics(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        student_wording TEXT NOT NULL DEFAULT '',
        UNIQUE (rubric_id, key)
    )""",
    """CREATE TABLE levels (
        id INTEGER PRIMARY KEY,
        criterion_id INTEGER NOT NULL REFERENCES criteria(id) ON DELETE CASCADE,
        score INTEGER NOT NULL,
        label TEXT NOT NULL,
        descriptor TEXT NOT NULL DEFAULT '',
        student_wording TEXT NOT NULL DEFAULT '',
        UNIQUE (criterion_id, score)
    )""",
    """CREATE TABLE samples (
        id INTEGER PRIMARY KEY,
        key TEXT UNIQUE,
        title TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL DEFAULT 'essay',
        student_code TEXT NOT NULL DEFAULT '',
        grade TEXT NOT NULL DEFAULT '',
        task TEXT NOT NULL DEFAULT '',
        attachments TEXT NOT NULL DEFAULT '[]'
    )""",
    """CREATE TABLE raters (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        initials TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT '',
        team TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1
    )""",
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        date TEXT NOT NULL,
        rubric_id INTEGER NOT NULL REFERENCES rubrics(id),
        facilitator TEXT NOT NULL DEFAULT '',
        phase TEXT NOT NULL DEFAULT 'setup',
        blind INTEGER NOT NULL DEFAULT 1,
        round INTEGER NOT NULL DEFAULT 1,
        cut_score INTEGER,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE session_samples (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        sample_id INTEGER NOT NULL REFERENCES samples(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (session_id, sample_id)
    )""",
    """CREATE TABLE session_raters (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        rater_id INTEGER NOT NULL REFERENCES raters(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (session_id, rater_id)
    )""",
    """CREATE TABLE scores (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        round INTEGER NOT NULL,
        sample_id INTEGER NOT NULL REFERENCES samples(id),
        criterion_key TEXT NOT NULL,
        rater_id INTEGER NOT NULL REFERENCES raters(id),
        level INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        scored_at TEXT NOT NULL,
        UNIQUE (session_id, round, sample_id, criterion_key, rater_id),
        FOREIGN KEY (session_id, sample_id) REFERENCES session_samples(session_id, sample_id),
        FOREIGN KEY (session_id, rater_id) REFERENCES session_raters(session_id, rater_id)
    )""",
    """CREATE TABLE score_history (
        id INTEGER PRIMARY KEY,
        score_id INTEGER NOT NULL REFERENCES scores(id),
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        round INTEGER NOT NULL,
        sample_id INTEGER NOT NULL REFERENCES samples(id),
        criterion_key TEXT NOT NULL,
        rater_id INTEGER NOT NULL REFERENCES raters(id),
        level INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        scored_at TEXT NOT NULL,
        replaced_at TEXT NOT NULL
    )""",
    """CREATE TABLE consensus (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        sample_id INTEGER NOT NULL REFERENCES samples(id),
        criterion_key TEXT NOT NULL,
        level INTEGER NOT NULL,
        rationale TEXT NOT NULL DEFAULT '',
        decided_at TEXT NOT NULL,
        UNIQUE (session_id, sample_id, criterion_key)
    )""",
    """CREATE TABLE reference_scores (
        id INTEGER PRIMARY KEY,
        sample_id INTEGER NOT NULL REFERENCES samples(id),
        criterion_key TEXT NOT NULL,
        level INTEGER NOT NULL,
        set_by TEXT NOT NULL DEFAULT '',
        set_at TEXT NOT NULL,
        rubric_id INTEGER REFERENCES rubrics(id),
        UNIQUE (sample_id, criterion_key)
    )""",
    """CREATE TABLE anchors (
        id INTEGER PRIMARY KEY,
        rubric_id INTEGER NOT NULL REFERENCES rubrics(id),
        criterion_key TEXT NOT NULL,
        level INTEGER NOT NULL,
        sample_id INTEGER NOT NULL REFERENCES samples(id),
        annotation TEXT NOT NULL DEFAULT '',
        session_id INTEGER REFERENCES sessions(id),
        status TEXT NOT NULL DEFAULT 'proposed',
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX idx_sessions_rubric_id ON sessions (rubric_id)",
    "CREATE INDEX idx_score_history_score_id ON score_history (score_id)",
    "CREATE INDEX idx_scores_rater_id ON scores (session_id, rater_id)",
    "CREATE INDEX idx_anchors_rubric_id ON anchors (rubric_id)",
    "CREATE INDEX idx_anchors_sample_id ON anchors (sample_id)",
)
