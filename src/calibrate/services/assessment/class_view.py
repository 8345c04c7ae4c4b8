"""The class as targets × students: every student's reading of every target, and counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from calibrate.domain.assessment import Blueprint, StudentResult
from calibrate.services.assessment.classify import (
    StudentReport,
    TargetReading,
    TargetStatus,
    classify_student,
)
from calibrate.storage.store import Store


@dataclass(frozen=True)
class ClassView:
    blueprint: Blueprint
    reports: tuple[StudentReport, ...]  # by student code

    @property
    def students(self) -> tuple[str, ...]:
        return tuple(r.student_code for r in self.reports)

    def report(self, student_code: str) -> StudentReport | None:
        return next((r for r in self.reports if r.student_code == student_code), None)

    def reading(self, student_code: str, target_key: str) -> TargetReading:
        report = self.report(student_code)
        assert report is not None
        return report.reading(target_key)

    def counts(self, target_key: str) -> Counter[TargetStatus]:
        """How many students are secure, careless only, … on one target."""
        return Counter(r.reading(target_key).status for r in self.reports)

    def with_status(self, target_key: str, status: TargetStatus) -> tuple[str, ...]:
        """The students whose reading of the target has ``status``, by code."""
        return tuple(r.student_code for r in self.reports if r.reading(target_key).status is status)


def build_class_view(blueprint: Blueprint, results: Iterable[StudentResult]) -> ClassView:
    """Every student with at least one result, classified (see ``classify``)."""
    by_student: dict[str, list[StudentResult]] = {}
    for result in results:
        by_student.setdefault(result.student_code, []).append(result)
    return ClassView(
        blueprint,
        tuple(classify_student(blueprint, c, by_student[c]) for c in sorted(by_student)),
    )


def class_view(store: Store, assessment_id: int) -> ClassView:
    """The stored test's class view. Raises NotFoundError if there is no such test."""
    blueprint = store.get_assessment(assessment_id)
    return build_class_view(blueprint, store.assessment_results(assessment_id))


def class_view_data(view: ClassView) -> dict[str, object]:
    """The class view as plain data (for JSON): the test, its targets, and per student each
    target's status, points, evidence items and note."""
    blueprint = view.blueprint
    return {
        "test": {"id": blueprint.id, "key": blueprint.key, "title": blueprint.title},
        "targets": [
            {
                "key": t.key,
                "statement": t.statement,
                "items": [i.key for i in blueprint.items_of(t.key)],
                "counts": {s.value: view.counts(t.key)[s] for s in TargetStatus},
            }
            for t in blueprint.targets
        ],
        "students": [
            {
                "student": report.student_code,
                "targets": {
                    r.target.key: {
                        "status": r.status.value,
                        "earned": r.earned,
                        "possible": r.possible,
                        "evidence": [
                            {"item": e.item.key, "outcome": e.outcome.value} for e in r.evidence
                        ],
                        "note": r.note,
                    }
                    for r in report.readings
                },
            }
            for report in view.reports
        ],
    }
