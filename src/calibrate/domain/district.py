"""Records seen across schools in a coach's merged database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchmarkedScore:
    """A first-round score on a sample and criterion that has an agreed level for the
    session's rubric family: an approved anchor's level, else the master key's.

    ``school`` is where the session was held ("" for this database's own sessions)."""

    school: str
    session_id: int
    rater_id: int
    family_id: int
    sample_id: int
    sample_key: str
    criterion_key: str
    level: int
    benchmark: int
    source: str  # "anchor" or "master key"
