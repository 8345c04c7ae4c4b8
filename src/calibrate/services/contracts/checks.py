"""What makes a learning contract fit to save: the checks behind
:mod:`calibrate.services.contracts.plans`.

Each problem is reported as :class:`~calibrate.domain.contracts.ContractFieldError` naming the
field twice: in words for the teacher ("Target 2 (Evidence), due date: …") and as a path for a
form (``field="targets[2].due_date"``; positions count from 1). The first problem found is
reported. Texts are tidied first (spaces trimmed, empty list items dropped).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import fields, is_dataclass, replace
from typing import NoReturn

from calibrate.domain.contracts import (
    MAX_TARGETS,
    Accommodations,
    Activity,
    Commitments,
    Contract,
    ContractFieldError,
    ContractVersion,
    Target,
    parse_date,
)
from calibrate.domain.model import Anchor, AnchorStatus, Rubric
from calibrate.domain.text_rules import text_problem

MAX_FEEDBACK_DAYS = 60
MAX_REVIEW_DAYS = 90


def tidy_version(version: ContractVersion) -> ContractVersion:
    """The version with every text trimmed and empty list items dropped."""

    def items(texts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(t.strip() for t in texts if t.strip())

    c, a = version.commitments, version.accommodations
    return replace(
        version,
        targets=tuple(
            replace(t, indicator=t.indicator.strip(), due_date=t.due_date.strip())
            for t in version.targets
        ),
        activities=tuple(
            replace(x, description=x.description.strip(), criterion_key=x.criterion_key.strip())
            for x in version.activities
        ),
        supports=items(version.supports),
        resources=items(version.resources),
        commitments=replace(
            c, teacher_note=c.teacher_note.strip(), student_practice=c.student_practice.strip()
        ),
        accommodations=Accommodations(
            accessibility_needs=items(a.accessibility_needs),
            evidence_formats=items(a.evidence_formats),
            flexible_deadlines=a.flexible_deadlines.strip(),
        ),
        start_date=version.start_date.strip(),
        note=version.note.strip(),
    )


def tidy_contract(contract: Contract) -> Contract:
    return replace(
        contract,
        student_code=contract.student_code.strip(),
        student_name=contract.student_name.strip(),
        class_name=" ".join(contract.class_name.split()),
        teacher=contract.teacher.strip(),
        current=tidy_version(contract.current),
    )


def check_contract(
    contract: Contract,
    rubric: Rubric,
    anchors: Mapping[int, Anchor],
    *,
    borrowed: Mapping[str, Collection[int]] | None = None,
) -> None:
    """Raise ContractFieldError for the first problem of a (tidied) contract; ``anchors`` are
    the anchors of its rubric version, by id, and ``borrowed`` (by target criterion key) the
    anchors a test's learning target may carry from the rubric criterion it belongs to (those
    are in ``anchors`` too)."""
    for part in fields(contract):
        if part.name != "current":  # check_version names the version's fields
            check_kept(getattr(contract, part.name), part.name)
    if not contract.student_code:
        _fail("student_code", "Student code: give the student's pseudonymous code.")
    if contract.student_name and contract.student_code.casefold() == (
        contract.student_name.casefold()
    ):
        _fail(
            "student_code",
            "Student code: use a pseudonymous code, not the student's name "
            "(the name is kept separately and stays on this computer).",
        )
    if not contract.teacher:
        _fail("teacher", "Teacher: say who the student's teacher is.")
    if not contract.status.open:
        _fail("status", "Status: a new contract is a draft or active.")
    check_version(contract.current, rubric, anchors, borrowed=borrowed)


def check_version(
    version: ContractVersion,
    rubric: Rubric,
    anchors: Mapping[int, Anchor],
    *,
    borrowed: Mapping[str, Collection[int]] | None = None,
) -> None:
    """Raise ContractFieldError for the first problem of a (tidied) version of a contract on
    ``rubric`` (``anchors`` and ``borrowed`` as for :func:`check_contract`)."""
    check_kept(version)
    start = parse_date(version.start_date)
    if start is None:
        _fail("start_date", f"Start date: {_date_problem(version.start_date)}")
    seen: set[str] = set()
    for n, current in enumerate(version.diagnostic, 1):
        where = f"diagnostic[{n}]"
        criterion = rubric.criterion(current.criterion_key)
        if criterion is None:
            _fail(where, f"Current levels: the rubric has no criterion “{current.criterion_key}”.")
        if current.criterion_key in seen:
            _fail(where, f"Current levels: {criterion.name} is listed twice.")
        seen.add(current.criterion_key)
        if criterion.level(current.level) is None:
            _fail(
                f"{where}.level",
                f"Current level of {criterion.name}: {current.level} is not one of its levels "
                f"({_levels(criterion.scores)}).",
            )
    if not 1 <= len(version.targets) <= MAX_TARGETS:
        _fail(
            "targets",
            f"Targets: choose one to {MAX_TARGETS} targets (there are {len(version.targets)}).",
        )
    seen.clear()
    for n, target in enumerate(version.targets, 1):
        lent = (borrowed or {}).get(target.criterion_key, ())
        _check_target(n, target, version, rubric, anchors, seen, lent)
    _check_activities(version.activities, rubric)
    _check_commitments(version.commitments)


def _check_target(
    n: int,
    target: Target,
    version: ContractVersion,
    rubric: Rubric,
    anchors: Mapping[int, Anchor],
    seen: set[str],
    borrowed: Collection[int] = (),
) -> None:
    where = f"targets[{n}]"
    criterion = rubric.criterion(target.criterion_key)
    if criterion is None:
        _fail(
            f"{where}.criterion_key",
            f"Target {n}: the rubric has no criterion “{target.criterion_key}”.",
        )
    said = f"Target {n} ({criterion.name})"
    if target.criterion_key in seen:
        _fail(f"{where}.criterion_key", f"{said}: there is already a target on this criterion.")
    seen.add(target.criterion_key)
    if criterion.level(target.current_level) is None:
        _fail(
            f"{where}.current_level",
            f"{said}, current level: {target.current_level} is not one of its levels "
            f"({_levels(criterion.scores)}).",
        )
    diagnosed = version.current_level(target.criterion_key)
    if diagnosed is not None and diagnosed.level != target.current_level:
        _fail(
            f"{where}.current_level",
            f"{said}, current level: the current levels say {diagnosed.level}, "
            f"not {target.current_level}.",
        )
    if criterion.level(target.target_level) is None:
        _fail(
            f"{where}.target_level",
            f"{said}, target level: {target.target_level} is not one of its levels "
            f"({_levels(criterion.scores)}).",
        )
    if target.target_level <= target.current_level:
        _fail(
            f"{where}.target_level",
            f"{said}, target level: aim above the current level {target.current_level}.",
        )
    if not target.indicator:
        _fail(
            f"{where}.indicator",
            f"{said}, indicator: describe what we will see when the target is reached "
            "(for example: “cite two pieces of evidence in each of the next three essays”).",
        )
    due = parse_date(target.due_date)
    if due is None:
        _fail(f"{where}.due_date", f"{said}, due date: {_date_problem(target.due_date)}")
    start = parse_date(version.start_date)
    if start is not None and due < start:
        _fail(
            f"{where}.due_date",
            f"{said}, due date: {target.due_date} is before the start date {version.start_date}.",
        )
    for anchor_id in target.anchor_ids:
        anchor = anchors.get(anchor_id)
        if anchor is not None and anchor_id in borrowed:
            continue  # an approved anchor of the rubric criterion this learning target is on
        if anchor is None or anchor.criterion_key != target.criterion_key:
            _fail(
                f"{where}.anchor_ids",
                f"{said}, anchors: anchor {anchor_id} is not an anchor of {criterion.name} "
                "on this rubric.",
            )
        if anchor.level != target.target_level:
            _fail(
                f"{where}.anchor_ids",
                f"{said}, anchors: anchor {anchor_id} shows level {anchor.level}, "
                f"not the target level {target.target_level}.",
            )
        if anchor.status is not AnchorStatus.APPROVED:
            _fail(
                f"{where}.anchor_ids",
                f"{said}, anchors: anchor {anchor_id} is {anchor.status}, not approved; "
                "choose an approved anchor.",
            )


def _check_activities(activities: tuple[Activity, ...], rubric: Rubric) -> None:
    for n, activity in enumerate(activities, 1):
        where = f"activities[{n}]"
        if not activity.description:
            _fail(f"{where}.description", f"Activity {n} ({activity.stage}): describe it.")
        if activity.criterion_key and rubric.criterion(activity.criterion_key) is None:
            _fail(
                f"{where}.criterion_key",
                f"Activity {n}: the rubric has no criterion “{activity.criterion_key}”.",
            )
        if n > 1 and activity.stage.order < activities[n - 2].stage.order:
            _fail(
                f"{where}.stage",
                f"Activity {n}: a {activity.stage} step cannot come after a "
                f"{activities[n - 2].stage} step (the order is warm-up, guided practice, "
                "independent application, reflective evaluation).",
            )


def _check_commitments(c: Commitments) -> None:
    if not 1 <= c.teacher_feedback_days <= MAX_FEEDBACK_DAYS:
        _fail(
            "commitments.teacher_feedback_days",
            f"Teacher's commitment: feedback within 1 to {MAX_FEEDBACK_DAYS} days "
            f"(not {c.teacher_feedback_days}).",
        )
    if not 1 <= c.review_every_days <= MAX_REVIEW_DAYS:
        _fail(
            "commitments.review_every_days",
            f"Reviews: every 1 to {MAX_REVIEW_DAYS} days (not {c.review_every_days}).",
        )


def check_kept(value: object, where: str = "") -> None:
    """ContractFieldError for the first text anywhere in ``value`` (a contract, a version, a
    target …) that calibrate cannot keep: control characters such as NUL, or over a million
    characters. The same rule as every other front end and the CLI (issue 14: the app's
    contract editor accepted a NUL byte the CLI refused)."""
    if isinstance(value, str):
        if (problem := text_problem(value)) is not None:
            label = where.replace("_", " ").replace(".", ", ").replace("[", " ").replace("]", "")
            _fail(where, f"{label[:1].upper()}{label[1:]}: the text {problem}.")
    elif isinstance(value, tuple):
        for n, item in enumerate(value, 1):
            check_kept(item, f"{where}[{n}]")
    elif is_dataclass(value) and not isinstance(value, type):
        for part in fields(value):
            check_kept(getattr(value, part.name), f"{where}.{part.name}" if where else part.name)


def check_date(field: str, label: str, text: str) -> None:
    """ContractFieldError unless ``text`` is a ``YYYY-MM-DD`` date."""
    if parse_date(text.strip()) is None:
        _fail(field, f"{label}: {_date_problem(text.strip())}")


def check_text(field: str, label: str, text: str, what: str) -> None:
    """ContractFieldError if ``text`` is blank; ``what`` says what to write."""
    if not text.strip():
        _fail(field, f"{label}: {what}")


def _date_problem(text: str) -> str:
    if not text:
        return "give a date as YYYY-MM-DD, e.g. 2026-12-18."
    return f"“{text}” is not a date; write it as YYYY-MM-DD, e.g. 2026-12-18."


def _levels(scores: tuple[int, ...]) -> str:
    return ", ".join(str(s) for s in scores)


def _fail(field: str, message: str) -> NoReturn:
    raise ContractFieldError(field, message)
