"""Each learning target of one student: secure, careless only, or a gap, and the items that show it.

The rules, target by target, over the items that test it (an item with no result is missing):

- **no evidence**: every item is missing, so nothing can be said (the reading says so).
- **gap**: at least one wrong answer the student does not get yet, *or* a wrong answer not
  reflected on (until the student says it was a slip, a wrong answer is not assumed to be one).
- **careless only**: every wrong answer is a simple mistake the student can fix (the student's
  reflection is trusted; the note says when no item on the target was right).
- **secure**: every answered item right.

Missing items never count for or against: the note says how many there were, and when a target
rests on one answered item only, the note says that too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from calibrate.domain.assessment import (
    CARELESS_LEVEL,
    GAP_LEVEL,
    SECURE_LEVEL,
    Blueprint,
    Item,
    LearningTarget,
    Outcome,
    StudentResult,
)


class TargetStatus(StrEnum):
    SECURE = "secure"
    CARELESS = "careless only"
    GAP = "gap"
    NO_EVIDENCE = "no evidence"

    @property
    def symbol(self) -> str:
        """One character for a grid: ``+`` secure, ``~`` careless only, ``x`` gap, ``?``."""
        return {"secure": "+", "careless only": "~", "gap": "x", "no evidence": "?"}[self.value]

    @property
    def level(self) -> int | None:
        """The level on the learning-target scale (None without evidence)."""
        return {
            TargetStatus.SECURE: SECURE_LEVEL,
            TargetStatus.CARELESS: CARELESS_LEVEL,
            TargetStatus.GAP: GAP_LEVEL,
        }.get(self)


@dataclass(frozen=True)
class ItemEvidence:
    item: Item
    outcome: Outcome

    def describe(self) -> str:
        """``"Item 3 (2 points): don't get it yet"``."""
        points = "1 point" if self.item.points == 1 else f"{self.item.points} points"
        return f"Item {self.item.key} ({points}): {self.outcome}"


@dataclass(frozen=True)
class TargetReading:
    """One student on one learning target."""

    target: LearningTarget
    status: TargetStatus
    items: tuple[ItemEvidence, ...]  # every item on the target, in test order
    note: str = ""  # why the evidence is thin or partial, in words ("" when it is not)

    @property
    def evidence(self) -> tuple[ItemEvidence, ...]:
        """The items that decided the status: the wrong ones (the right ones when secure)."""
        if self.status is TargetStatus.SECURE:
            return tuple(e for e in self.items if e.outcome is Outcome.RIGHT)
        return tuple(e for e in self.items if e.outcome.wrong)

    @property
    def earned(self) -> int:
        return sum(e.item.points for e in self.items if e.outcome is Outcome.RIGHT)

    @property
    def possible(self) -> int:
        """Points of the answered items."""
        return sum(e.item.points for e in self.items if e.outcome is not Outcome.MISSING)


@dataclass(frozen=True)
class StudentReport:
    student_code: str
    readings: tuple[TargetReading, ...]  # in blueprint order

    def reading(self, target_key: str) -> TargetReading:
        return next(r for r in self.readings if r.target.key == target_key)

    def with_status(self, status: TargetStatus) -> tuple[TargetReading, ...]:
        return tuple(r for r in self.readings if r.status is status)

    @property
    def gaps(self) -> tuple[TargetReading, ...]:
        return self.with_status(TargetStatus.GAP)


def classify_target(target: LearningTarget, evidence: tuple[ItemEvidence, ...]) -> TargetReading:
    """The reading of one target from its items' outcomes (see the module docstring)."""
    outcomes = [e.outcome for e in evidence]
    answered = [o for o in outcomes if o is not Outcome.MISSING]
    notes = []
    missing = len(outcomes) - len(answered)
    if not answered:
        return TargetReading(
            target,
            TargetStatus.NO_EVIDENCE,
            evidence,
            f"no answer on {_items(len(outcomes))}: nothing to go on yet",
        )
    if missing:
        notes.append(f"{missing} of {_items(len(outcomes))} missing")
    if len(answered) == 1:
        notes.append("one answered item only: thin evidence")
    unreflected = outcomes.count(Outcome.WRONG)
    if Outcome.NOT_YET in answered or unreflected:
        status = TargetStatus.GAP
        if unreflected:
            notes.append(
                f"{_items(unreflected)} wrong and not reflected on: counted as not yet understood"
            )
    elif Outcome.SIMPLE_MISTAKE in answered:
        status = TargetStatus.CARELESS
        if Outcome.RIGHT not in answered:
            notes.append("no item right: check that these really are simple mistakes")
    else:
        status = TargetStatus.SECURE
    return TargetReading(target, status, evidence, "; ".join(notes))


def classify_student(
    blueprint: Blueprint, student_code: str, results: Iterable[StudentResult]
) -> StudentReport:
    """Every target of ``blueprint`` for one student; results of other students and items not
    on the test are ignored, and an item without a result counts as missing."""
    outcomes = {
        r.item_key: r.outcome
        for r in results
        if r.student_code == student_code and blueprint.item(r.item_key) is not None
    }
    readings = []
    for target in blueprint.targets:
        evidence = tuple(
            ItemEvidence(item, outcomes.get(item.key, Outcome.MISSING))
            for item in blueprint.items_of(target.key)
        )
        readings.append(classify_target(target, evidence))
    return StudentReport(student_code, tuple(readings))


def _items(n: int) -> str:
    return "1 item" if n == 1 else f"{n} items"
