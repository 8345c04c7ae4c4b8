"""Tests mapped to learning targets, and what each student made of each item.

A :class:`Blueprint` is a test: its items, each testing one :class:`LearningTarget` written in a
student's words ("I can …") and worth some points. A target may belong to a rubric criterion
(:class:`CriterionLink`), whose approved anchors then show "what success looks like".
A :class:`StudentResult` is one student's result on one item, from the reflection sheet: right,
or wrong and then a simple mistake the student can fix or something they don't get yet (or plain
wrong, not reflected on), or missing.

For learning contracts the targets of a blueprint are also kept as a rubric on a small
proficiency scale (:func:`target_scale`), so that a contract target can be a learning target.
Pure, frozen dataclasses and small helpers; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Criterion, Level, Rubric, RubricKind

STATEMENT_START = "I can"

# The proficiency scale a learning target is held on in a contract.
GAP_LEVEL = 0
CARELESS_LEVEL = 1
SECURE_LEVEL = 2


class Outcome(StrEnum):
    """One student's result on one item."""

    RIGHT = "right"
    WRONG = "wrong"  # wrong, and the student has not said why yet
    SIMPLE_MISTAKE = "simple mistake"  # wrong, a slip the student can fix
    NOT_YET = "don't get it yet"  # wrong, something the student does not understand yet
    MISSING = "missing"  # no answer (absent, skipped, not entered)

    @property
    def code(self) -> str:
        """The one-letter code used in result files and the entry grid."""
        return _CODES[self]

    @property
    def wrong(self) -> bool:
        return self in (Outcome.WRONG, Outcome.SIMPLE_MISTAKE, Outcome.NOT_YET)


_CODES = {
    Outcome.RIGHT: "R",
    Outcome.WRONG: "W",
    Outcome.SIMPLE_MISTAKE: "S",
    Outcome.NOT_YET: "N",
    Outcome.MISSING: "",
}

_SPELLINGS = {
    **{code.casefold(): outcome for outcome, code in _CODES.items() if code},
    **{outcome.value.casefold(): outcome for outcome in Outcome},
    "": Outcome.MISSING,
    "-": Outcome.MISSING,
    "m": Outcome.MISSING,
    "1": Outcome.RIGHT,
    "0": Outcome.WRONG,
    "simple": Outcome.SIMPLE_MISTAKE,
    "not yet": Outcome.NOT_YET,
    "dont get it yet": Outcome.NOT_YET,
    "don’t get it yet": Outcome.NOT_YET,
}

OUTCOME_HELP = (
    "R (right), S (wrong: simple mistake), N (wrong: don't get it yet), "
    "W (wrong, not reflected on) or empty (missing)"
)


def parse_outcome(text: str) -> Outcome | None:
    """An outcome from its code (R, W, S, N, empty), its words (``"simple mistake"``) or 1/0;
    case and surrounding spaces do not matter. None if ``text`` is none of these."""
    return _SPELLINGS.get(" ".join(text.split()).casefold())


MAX_CODE = 40


def student_code_problem(code: str) -> str:
    """What is wrong with a (trimmed) student code, in words; "" if nothing. A code has no
    spaces: results keep codes, never names."""
    if not code:
        return "the student code is empty."
    if any(c.isspace() for c in code):
        return (
            f"“{code}” has a space: write a student code such as S01, not a name "
            "(results keep codes only)."
        )
    if len(code) > MAX_CODE or not all(c.isprintable() for c in code):
        return (
            f"“{code[:MAX_CODE]}” is not a student code (at most {MAX_CODE} printable characters)."
        )
    return ""


@dataclass(frozen=True)
class CriterionLink:
    """The rubric criterion a learning target belongs to; ``level`` is the level that shows the
    target reached (None: the criterion's top level). ``rubric_id`` is set once stored."""

    rubric_name: str
    criterion_key: str
    level: int | None = None
    rubric_id: int | None = None


@dataclass(frozen=True)
class LearningTarget:
    key: str
    statement: str  # in a student's words: "I can subtract 3-digit numbers with regrouping."
    criterion: CriterionLink | None = None
    id: int | None = None


@dataclass(frozen=True)
class Item:
    key: str  # as printed on the test: "1", "2", "7b"
    target_key: str
    points: int = 1
    prompt: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Blueprint:
    """A test: its learning targets and items (both in order)."""

    key: str  # stable, e.g. "grade5-math-checkpoint"
    title: str
    targets: tuple[LearningTarget, ...]
    items: tuple[Item, ...]
    subject: str = ""
    grade: str = ""
    description: str = ""
    rubric_id: int | None = None  # the targets as a rubric (``target_scale``), once stored
    created_at: str = ""
    id: int | None = None

    def target(self, key: str) -> LearningTarget | None:
        return next((t for t in self.targets if t.key == key), None)

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def items_of(self, target_key: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.target_key == target_key)

    @property
    def total_points(self) -> int:
        return sum(i.points for i in self.items)


@dataclass(frozen=True)
class StudentResult:
    student_code: str
    item_key: str
    outcome: Outcome


def target_scale(blueprint: Blueprint) -> Rubric:
    """The blueprint's learning targets as a rubric on a three-level proficiency scale, one
    criterion per target (same key, the statement as its student wording). A learning contract
    on a learning target is a contract on this rubric."""
    levels = (
        Level(
            GAP_LEVEL,
            "Not yet",
            "Wrong answers the student does not understand yet.",
            "I don't get it yet.",
        ),
        Level(
            CARELESS_LEVEL,
            "Almost",
            "Only simple mistakes the student can fix.",
            "I get it, but I make simple mistakes.",
        ),
        Level(SECURE_LEVEL, "Secure", "Every item on the target right.", "I can do it."),
    )
    return Rubric(
        name=f"{blueprint.title}: learning targets",
        subject=blueprint.subject,
        grade_band=blueprint.grade,
        kind=RubricKind.ANALYTIC,
        criteria=tuple(
            Criterion(
                key=t.key,
                name=t.statement,
                description=f"Learning target of the test “{blueprint.title}”.",
                student_wording=t.statement,
                levels=levels,
            )
            for t in blueprint.targets
        ),
    )


class TargetLinkError(InvalidOperationError):
    """A learning target's rubric criterion that cannot be found; ``target_key`` names the
    target so a file's reader can point at its line."""

    def __init__(self, target_key: str, message: str) -> None:
        super().__init__(message)
        self.target_key = target_key
