"""A learning contract from a test: a student's gaps become the contract's targets.

The contract is on the test's learning targets (the rubric made from them on the proficiency
scale: 0 not yet, 1 almost, 2 secure), so each target *is* a learning target ("I can subtract
3-digit numbers with regrouping"), from its current level to secure. Its starting evidence is
the test's items behind the gap, in words, and when the learning target belongs to a rubric
criterion, the approved anchors of that criterion's success level show what success looks like.
The draft is saved with :func:`calibrate.services.contracts.plans.create_contract`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from calibrate.domain.assessment import SECURE_LEVEL, Blueprint, Outcome
from calibrate.domain.contracts import (
    MAX_TARGETS,
    Activity,
    Commitments,
    Contract,
    ContractVersion,
    CurrentLevel,
    LevelSource,
    Stage,
    Target,
)
from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import Rubric
from calibrate.services.assessment.classify import (
    StudentReport,
    TargetReading,
    TargetStatus,
    classify_student,
)
from calibrate.services.contracts.anchors import AnchorQuote, success_anchors
from calibrate.storage.store import Store

DEFAULT_WEEKS = 4


@dataclass(frozen=True)
class GapDraft:
    """A new contract from a student's gaps on a test, not yet saved."""

    contract: Contract
    rubric: Rubric  # the test's learning targets on the proficiency scale
    blueprint: Blueprint
    report: StudentReport
    anchors: Mapping[str, tuple[AnchorQuote, ...]]  # per target: what success looks like
    left_out: tuple[str, ...]  # gaps beyond the three a contract holds, to plan later


def gap_target(reading: TargetReading, *, due_date: str, anchor_ids: tuple[int, ...]) -> Target:
    """A gap as a contract target: the learning target from its current level to secure, with
    the items behind the gap as its starting evidence."""
    status_level = reading.status.level
    assert status_level is not None
    items = [e.item.key for e in reading.evidence]
    return Target(
        criterion_key=reading.target.key,
        current_level=status_level,
        target_level=SECURE_LEVEL,
        indicator=(
            f"On my next check on this target I get every item right and explain one "
            f"of them in my own words (today: item{'s' if len(items) > 1 else ''} "
            f"{', '.join(items)})."
        ),
        due_date=due_date,
        anchor_ids=anchor_ids,
        evidence=tuple(e.describe() for e in reading.evidence)
        + ((f"Note: {reading.note}",) if reading.note else ()),
    )


def draft_from_gaps(
    store: Store,
    assessment_id: int,
    student_code: str,
    *,
    teacher: str,
    targets: Sequence[str] | None = None,
    class_name: str = "",
    today: date | None = None,
    weeks: int = DEFAULT_WEEKS,
) -> GapDraft:
    """A draft contract for ``student_code`` on their gaps on a stored test (or on the chosen
    ``targets``, each of which must be a gap), at most three, those with the most items not
    understood yet first; every target with evidence is in the current levels. Nothing is saved.

    Raises NotFoundError if there is no such test or no result for the student;
    InvalidOperationError if the student has no gap there (or a chosen target is not a gap).
    """
    blueprint = store.get_assessment(assessment_id)
    results = [r for r in store.assessment_results(assessment_id) if r.student_code == student_code]
    if not results:
        raise NotFoundError(f"“{blueprint.title}” has no results for {student_code}.")
    report = classify_student(blueprint, student_code, results)
    gaps = list(report.gaps)
    if targets is not None:
        chosen = []
        for key in targets:
            reading = next((r for r in report.readings if r.target.key == key), None)
            if reading is None:
                raise InvalidOperationError(
                    f"“{key}” is not a learning target of “{blueprint.title}”."
                )
            if reading.status is not TargetStatus.GAP:
                raise InvalidOperationError(
                    f"{student_code} is {reading.status} on “{key}”, not a gap."
                )
            chosen.append(reading)
        gaps = chosen
    else:
        gaps.sort(key=lambda r: -sum(e.outcome is Outcome.NOT_YET for e in r.items))
    if not gaps:
        raise InvalidOperationError(
            f"{student_code} has no gap on “{blueprint.title}”: every target is secure, only "
            "careless, or without evidence."
        )
    assert blueprint.rubric_id is not None
    rubric = store.get_rubric(blueprint.rubric_id)
    start = today or date.today()
    due = (start + timedelta(weeks=weeks)).isoformat()
    quotes = {
        r.target.key: success_anchors(store, blueprint.rubric_id, r.target.key, SECURE_LEVEL)
        for r in gaps[:MAX_TARGETS]
    }
    chosen_targets = tuple(
        gap_target(r, due_date=due, anchor_ids=tuple(q.id for q in quotes[r.target.key]))
        for r in gaps[:MAX_TARGETS]
    )
    diagnostic = tuple(
        CurrentLevel(r.target.key, level, LevelSource.ASSESSMENT)
        for r in report.readings
        if (level := r.status.level) is not None
    )
    version = ContractVersion(
        diagnostic=diagnostic,
        targets=chosen_targets,
        activities=gap_activities(chosen_targets),
        commitments=Commitments(student_practice="Practise my targets three times a week."),
        start_date=start.isoformat(),
    )
    contract = Contract(
        student_code=student_code,
        rubric_id=blueprint.rubric_id,
        teacher=teacher,
        current=version,
        class_name=class_name,
    )
    left_out = tuple(r.target.key for r in gaps[MAX_TARGETS:])
    return GapDraft(contract, rubric, blueprint, report, quotes, left_out)


def gap_activities(targets: tuple[Target, ...]) -> tuple[Activity, ...]:
    """A first sequence to edit, starting from the test items behind the gaps."""
    items = sorted({text.split(" (")[0] for t in targets for text in t.evidence if "(" in text})
    redo = ", ".join(items) or "the items I got wrong"
    return (
        Activity(Stage.WARM_UP, f"Redo {redo} and find the step where my method went wrong."),
        Activity(
            Stage.GUIDED_PRACTICE,
            "Work through similar problems with my teacher, saying each step out loud.",
        ),
        Activity(Stage.INDEPENDENT_APPLICATION, "Solve a short set of new problems on my own."),
        Activity(
            Stage.REFLECTIVE_EVALUATION,
            "Check my answers, compare them with what success looks like, and note what to "
            "do next.",
        ),
    )
