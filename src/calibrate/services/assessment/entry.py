"""Entering results by hand, one cell at a time (the app's keyboard grid): what the grid shows
and writing one student's result on one item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from calibrate.domain.assessment import Blueprint, Outcome, StudentResult, student_code_problem
from calibrate.domain.errors import InvalidOperationError
from calibrate.storage.store import Store


@dataclass(frozen=True)
class EntryGrid:
    """A test's results as a grid: students (by code) × items (in test order)."""

    blueprint: Blueprint
    students: tuple[str, ...]
    outcomes: Mapping[tuple[str, str], Outcome]  # (student, item) -> outcome; absent = missing

    def outcome(self, student_code: str, item_key: str) -> Outcome:
        return self.outcomes.get((student_code, item_key), Outcome.MISSING)


def entry_grid(store: Store, assessment_id: int) -> EntryGrid:
    """The grid of a stored test. Raises NotFoundError if there is no such test."""
    blueprint = store.get_assessment(assessment_id)
    results = store.assessment_results(assessment_id)
    students = tuple(sorted({r.student_code for r in results}))
    return EntryGrid(
        blueprint, students, {(r.student_code, r.item_key): r.outcome for r in results}
    )


def new_student_code(text: str, existing: tuple[str, ...]) -> str:
    """A student code typed to add a row, trimmed. Raises InvalidOperationError if it is not a
    code (blank, with a space, too long) or is already in the grid."""
    code = text.strip()
    if problem := student_code_problem(code):
        raise InvalidOperationError(f"Student code: {problem}")
    if code in existing:
        raise InvalidOperationError(f"{code} is already in the grid.")
    return code


def record_result(
    store: Store, assessment_id: int, student_code: str, item_key: str, outcome: Outcome
) -> None:
    """Keep one student's result on one item (replacing any before). Raises
    InvalidOperationError for a bad code or an item not on the test; NotFoundError if there is
    no such test."""
    store.record_results(assessment_id, [StudentResult(student_code, item_key, outcome)])
