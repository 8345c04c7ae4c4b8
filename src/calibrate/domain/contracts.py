"""Learning contracts: a student's plan built from a scored sample, carrying the anchors.

Pure, frozen dataclasses and small helpers; no I/O. A :class:`Contract` is the stable part
(who, which rubric version, status) plus its *current* :class:`ContractVersion`: every amendment
is a new version, and earlier versions stay on record. Progress log entries, checkpoint reviews
and the closing :class:`Reassessment` belong to the contract as a whole.

Dates are ISO text (``YYYY-MM-DD``); timestamps are ISO-8601 UTC text, as stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from calibrate.domain.errors import CalibrateError

MAX_TARGETS = 3


class ContractFieldError(CalibrateError):
    """A contract that cannot be saved as given. ``field`` names the offending field (e.g.
    ``"targets[2].due_date"``) so a form can point at it; the message names it in words."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ContractStatus(StrEnum):
    DRAFT = "draft"  # being written with the student; not yet agreed
    ACTIVE = "active"  # agreed and running: progress is logged and reviewed
    MET = "met"  # closed with every target reached
    CLOSED = "closed"  # closed with some target not (yet) reached

    @property
    def open(self) -> bool:
        """Whether the contract can still change (draft or active)."""
        return self in (ContractStatus.DRAFT, ContractStatus.ACTIVE)


class LevelSource(StrEnum):
    """Where a current level in the diagnostic summary comes from."""

    CONSENSUS = "consensus"  # the team's agreed level in a calibration session
    TEACHER = "teacher score"  # the teacher's own score of the sample
    HAND = "entered by hand"
    ASSESSMENT = "test reflection"  # from a test's items, as the student reflected on them


class Stage(StrEnum):
    """The steps of the activity sequence, in order."""

    WARM_UP = "warm-up"
    GUIDED_PRACTICE = "guided practice"
    INDEPENDENT_APPLICATION = "independent application"
    REFLECTIVE_EVALUATION = "reflective evaluation"

    @property
    def order(self) -> int:
        return list(Stage).index(self)


class ReviewOutcome(StrEnum):
    ON_TRACK = "on track"
    ADJUST = "adjust"
    MET = "met"


@dataclass(frozen=True)
class CurrentLevel:
    """The student's level on one criterion when the contract was written."""

    criterion_key: str
    level: int
    source: LevelSource = LevelSource.HAND


@dataclass(frozen=True)
class Target:
    """One improvement target: a criterion, current → target level, what will show it, by when,
    and the anchors of the target level ("what success looks like").

    The criterion may be a learning target of a test: then the contract's rubric is the test's
    targets on their proficiency scale (:func:`calibrate.domain.assessment.target_scale`), and
    the anchors are those of the rubric criterion the learning target belongs to, if any."""

    criterion_key: str
    current_level: int
    target_level: int
    indicator: str  # observable, e.g. "cite two pieces of evidence in each of the next 3 essays"
    due_date: str
    anchor_ids: tuple[int, ...] = ()
    # Where the target came from, in words (e.g. "Item 7: don't get it yet"): the starting
    # evidence of a target drafted from a test's learning target.
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Activity:
    stage: Stage
    description: str
    criterion_key: str = ""  # the target it serves, if one


@dataclass(frozen=True)
class Commitments:
    """What each party promises, and how often progress is reviewed together."""

    teacher_feedback_days: int = 7  # the teacher gives feedback within this many days
    teacher_note: str = ""  # anything else the teacher commits to
    student_practice: str = ""  # what practice the student commits to
    student_keeps_log: bool = True  # the student keeps the progress log
    review_every_days: int = 14


@dataclass(frozen=True)
class Accommodations:
    accessibility_needs: tuple[str, ...] = ()
    evidence_formats: tuple[str, ...] = ()  # alternative formats accepted as evidence
    flexible_deadlines: str = ""  # "" = none agreed

    @property
    def any(self) -> bool:
        return bool(self.accessibility_needs or self.evidence_formats or self.flexible_deadlines)


@dataclass(frozen=True)
class ContractVersion:
    """Everything an amendment may change. Version 1 is the contract as first written."""

    diagnostic: tuple[CurrentLevel, ...]
    targets: tuple[Target, ...]
    activities: tuple[Activity, ...] = ()
    supports: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    commitments: Commitments = field(default_factory=Commitments)
    accommodations: Accommodations = field(default_factory=Accommodations)
    start_date: str = ""
    note: str = ""  # why this version was made (the amendment's reason); "" for version 1
    version: int = 1
    created_at: str = ""
    id: int | None = None

    def target(self, criterion_key: str) -> Target | None:
        return next((t for t in self.targets if t.criterion_key == criterion_key), None)

    def current_level(self, criterion_key: str) -> CurrentLevel | None:
        return next((c for c in self.diagnostic if c.criterion_key == criterion_key), None)

    @property
    def last_due_date(self) -> str:
        return max((t.due_date for t in self.targets), default="")


@dataclass(frozen=True)
class Contract:
    """A learning contract and its current version.

    ``student_code`` is pseudonymous; ``student_name`` (a display name) stays in the local
    database and is left out of exports unless asked for.
    """

    student_code: str
    rubric_id: int  # a rubric *version* id
    teacher: str
    current: ContractVersion
    student_name: str = ""
    class_name: str = ""  # the student's class or group (e.g. "8B", "Period 3 ELA"), if given
    teacher_id: int | None = None  # the teacher as a rater, if they are one
    sample_id: int | None = None  # the scored sample it was built from, if any
    session_id: int | None = None  # the session that scored it, if any
    status: ContractStatus = ContractStatus.DRAFT
    created_at: str = ""
    updated_at: str = ""
    id: int | None = None

    @property
    def version(self) -> int:
        return self.current.version


@dataclass(frozen=True)
class ProgressEntry:
    """One entry of the student's progress log, with their reflection."""

    contract_id: int
    date: str
    evidence: str  # what was done, in words
    evidence_file: str = ""  # a file reference, if any
    worked: str = ""  # what worked
    didnt_work: str = ""  # what didn't
    next_step: str = ""  # what next
    created_at: str = ""
    id: int | None = None


@dataclass(frozen=True)
class CheckpointReview:
    contract_id: int
    date: str
    outcome: ReviewOutcome
    note: str = ""
    version: int = 0  # the contract version reviewed (set by the store when 0)
    created_at: str = ""
    id: int | None = None


@dataclass(frozen=True)
class TargetResult:
    criterion_key: str
    target_level: int
    achieved_level: int

    @property
    def met(self) -> bool:
        return self.achieved_level >= self.target_level


@dataclass(frozen=True)
class Reassessment:
    """The closing reassessment against the targets, and the student's culminating reflection."""

    contract_id: int
    date: str
    results: tuple[TargetResult, ...]
    reflection: str
    teacher_note: str = ""
    created_at: str = ""
    id: int | None = None

    @property
    def all_met(self) -> bool:
        return bool(self.results) and all(r.met for r in self.results)


# --- pure helpers ------------------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD`` as a date; None for anything else (including other ISO spellings)."""
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def review_dates(version: ContractVersion) -> tuple[str, ...]:
    """The planned checkpoint dates: every ``review_every_days`` from the start date, up to and
    including the last due date (empty without a valid start date, due date or frequency)."""
    start = parse_date(version.start_date)
    end = parse_date(version.last_due_date)
    step = version.commitments.review_every_days
    if start is None or end is None or step < 1:
        return ()
    out = []
    day = start + timedelta(days=step)
    while day <= end:
        out.append(day.isoformat())
        day += timedelta(days=step)
    if not out or out[-1] != end.isoformat():
        out.append(end.isoformat())
    return tuple(out)


def next_checkpoint(contract: Contract, reviews: tuple[CheckpointReview, ...] = ()) -> str | None:
    """When progress is next reviewed: ``review_every_days`` after the latest review (or after
    the start date if none yet). None once the contract is no longer open, or without dates."""
    if not contract.status.open:
        return None
    dates = [d for r in reviews if (d := parse_date(r.date)) is not None]
    base = max(dates) if dates else parse_date(contract.current.start_date)
    if base is None or contract.current.commitments.review_every_days < 1:
        return None
    return (base + timedelta(days=contract.current.commitments.review_every_days)).isoformat()
