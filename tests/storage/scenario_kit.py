"""A small, complete scenario kit and helpers shared by the scenario and score-import tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.toml"))

# Every key of the format appears at least once. Line numbers matter to the tests: the
# ``# line N`` comments mark lines that tests point at.
KIT = '''\
[scenario]
name = "Tiny kit"
description = "Two essays, two raters."
format = 1

[rubric]
name = "Tiny argument rubric"
subject = "English language arts"
grade_band = "6–8"
kind = "analytic"
version = 1

[[rubric.criteria]]
key = "claim"
name = "Claim"
description = "Takes and keeps a position."
student_wording = "I say what I think."

[[rubric.criteria.levels]]
score = 1
label = "Beginning"
descriptor = "No clear claim."

[[rubric.criteria.levels]]
score = 2
label = "Developing"
descriptor = "A claim that drifts."
student_wording = "My claim wanders."

[[rubric.criteria.levels]]
score = 3
label = "Meeting"
descriptor = "A clear claim, kept."

[[rubric.criteria]]
key = "evidence"
name = "Evidence"
description = "Uses the sources."

[[rubric.criteria.levels]]
score = 1
label = "Beginning"
descriptor = "No sources."

[[rubric.criteria.levels]]
score = 2
label = "Meeting"
descriptor = "Cites both sources."

[[samples]]
key = "essay-1"
title = "Later start"
kind = "essay"
student_code = "G8-001"
grade = "8"
task = "Argue for or against a later start."
attachments = ["prompt.pdf"]
body = """
School should start later.

[[samples]]
key = "a line that looks like a table but is text"
"""

[[samples]]
key = "essay-2"
title = "Phones"
kind = "solution"
student_code = "G8-002"
grade = "8"
task = "Argue about phones."
body = "Phones help."

[[raters]]
name = "Amara Okafor"
initials = "AO"
role = "facilitator"
team = "Grade 8 ELA"

[[raters]]
name = "Ben Lindqvist"

[[master_key]]
sample = "essay-1"
set_by = "District coach"
levels = { claim = 3, evidence = 2 }

[session]
title = "October calibration"
date = "2026-10-14"
facilitator = "Amara Okafor"
blind = true
cut_score = 2
phase = "reveal"

[[session.scores]]
rater = "Amara Okafor"
sample = "essay-1"
levels = { claim = 3, evidence = 2 }
notes = { claim = "States it at once." }

[[session.scores]]
rater = "Ben Lindqvist"
sample = "essay-1"
levels = { claim = 2 }

[[session.scores]]
rater = "Ben Lindqvist"
sample = "essay-2"
round = 2
levels = { evidence = 1, claim = 1 }

[[anchors]]
sample = "essay-1"
criterion = "claim"
level = 3
status = "proposed"
annotation = "Claim in the first sentence, kept to the end."
'''

TABLES = (
    "rubrics",
    "criteria",
    "levels",
    "samples",
    "raters",
    "sessions",
    "session_samples",
    "session_raters",
    "scores",
    "score_history",
    "consensus",
    "reference_scores",
    "anchors",
)


def row_counts(store: Store) -> dict[str, int]:
    """How many rows each table holds."""
    return {table: store.db.table(table).count for table in TABLES}


def digest(path: Path) -> str:
    """SHA-256 of a closed database file (its WAL must be checkpointed: close stores first)."""
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return hashlib.sha256(path.read_bytes()).hexdigest()
