"""The calibration records: pure, frozen dataclasses. No I/O.

Identifiers are integers assigned by the store (``id=None`` before a record is saved).
Timestamps are ISO-8601 UTC text, as stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RubricKind(StrEnum):
    ANALYTIC = "analytic"
    HOLISTIC = "holistic"


class SampleKind(StrEnum):
    ESSAY = "essay"
    SOLUTION = "solution"
    LESSON_VIGNETTE = "lesson vignette"
    OTHER = "other"


class Phase(StrEnum):
    SETUP = "setup"
    SCORING = "scoring"
    REVEAL = "reveal"
    CONSENSUS = "consensus"
    CLOSED = "closed"

    @property
    def order(self) -> int:
        return list(Phase).index(self)


class AnchorStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    RETIRED = "retired"


@dataclass(frozen=True)
class Level:
    """One level of one criterion: a score, a short label and what work at this level shows."""

    score: int
    label: str
    descriptor: str
    student_wording: str = ""


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    description: str = ""
    student_wording: str = ""
    levels: tuple[Level, ...] = ()

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(level.score for level in self.levels)

    def level(self, score: int) -> Level | None:
        return next((lv for lv in self.levels if lv.score == score), None)


@dataclass(frozen=True)
class Rubric:
    """A rubric *version*. Editing a rubric in use creates a new version (a new row)."""

    name: str
    subject: str = ""
    grade_band: str = ""
    kind: RubricKind = RubricKind.ANALYTIC
    version: int = 1
    criteria: tuple[Criterion, ...] = ()
    id: int | None = None
    family_id: int | None = None  # the id shared by every version of the same rubric
    created_at: str = ""

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.criteria if c.key == key), None)


@dataclass(frozen=True)
class Sample:
    title: str
    body: str
    kind: SampleKind = SampleKind.ESSAY
    student_code: str = ""
    grade: str = ""
    task: str = ""
    attachments: tuple[str, ...] = ()
    key: str = ""  # stable key within a scenario (e.g. "essay-3"), used for re-loading
    id: int | None = None


@dataclass(frozen=True)
class Rater:
    name: str
    initials: str = ""
    role: str = ""
    team: str = ""
    active: bool = True
    id: int | None = None


@dataclass(frozen=True)
class Session:
    title: str
    date: str  # ISO date, e.g. "2026-11-23"
    rubric_id: int  # a rubric *version* id
    facilitator: str = ""
    sample_ids: tuple[int, ...] = ()  # in the order they are shown
    rater_ids: tuple[int, ...] = ()
    phase: Phase = Phase.SETUP
    blind: bool = True
    round: int = 1  # the current round; a re-score round after discussion is round 2
    cut_score: int | None = None  # "meets standard" at or above this level
    id: int | None = None
    created_at: str = ""


@dataclass(frozen=True)
class Score:
    session_id: int
    sample_id: int
    criterion_key: str
    rater_id: int
    level: int
    round: int = 1
    note: str = ""  # one-line "because…" evidence
    scored_at: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Consensus:
    session_id: int
    sample_id: int
    criterion_key: str
    level: int
    rationale: str = ""
    decided_at: str = ""
    id: int | None = None


@dataclass(frozen=True)
class ReferenceScore:
    """A master-key score for a sample on a criterion."""

    sample_id: int
    criterion_key: str
    level: int
    set_by: str = ""
    set_at: str = ""
    rubric_id: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class Anchor:
    rubric_id: int
    criterion_key: str
    level: int
    sample_id: int
    annotation: str = ""
    session_id: int | None = None
    status: AnchorStatus = AnchorStatus.PROPOSED
    created_at: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Scenario:
    """A whole workshop kit: what a scenario TOML file holds, before it is stored.

    Scores, reference scores and anchors refer to samples by ``Sample.key``, raters by name and
    criteria by key, because nothing has a database id yet.
    """

    name: str
    description: str
    rubric: Rubric
    samples: tuple[Sample, ...]
    raters: tuple[Rater, ...]
    session: ScenarioSession | None = None
    master_key: tuple[ScenarioScore, ...] = ()
    anchors: tuple[ScenarioAnchor, ...] = ()


@dataclass(frozen=True)
class ScenarioScore:
    sample: str  # Sample.key
    criterion: str  # Criterion.key
    level: int
    rater: str = ""  # Rater.name ("" for master-key rows)
    note: str = ""
    round: int = 1
    set_by: str = ""  # master key only


@dataclass(frozen=True)
class ScenarioAnchor:
    sample: str
    criterion: str
    level: int
    annotation: str = ""
    status: AnchorStatus = AnchorStatus.APPROVED


@dataclass(frozen=True)
class ScenarioConsensus:
    """A level the team agreed for a sample on a criterion, and why."""

    sample: str  # Sample.key
    criterion: str  # Criterion.key
    level: int
    rationale: str = ""


@dataclass(frozen=True)
class ScenarioRoundItem:
    """An item a re-score round asked for; a round with none listed asked for every item."""

    round: int
    sample: str  # Sample.key
    criterion: str  # Criterion.key


@dataclass(frozen=True)
class ScenarioSession:
    title: str
    date: str
    facilitator: str = ""
    blind: bool = True
    cut_score: int | None = None
    phase: Phase = Phase.SCORING
    scores: tuple[ScenarioScore, ...] = field(default=())
    consensus: tuple[ScenarioConsensus, ...] = field(default=())
    round: int | None = None  # the current round (None: the highest round of the scores)
    round_items: tuple[ScenarioRoundItem, ...] = field(default=())  # partial rounds' items

    @property
    def current_round(self) -> int:
        """The round the session is in: ``round`` if given, never below a scored round."""
        scored = max((s.round for s in self.scores), default=1)
        return max(scored, self.round or 1)
