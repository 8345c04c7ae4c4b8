"""Regrouping for re-teaching: the students who share a gap on a target, in groups no larger
than the teacher asks, as even as possible (7 students in groups of at most 3 → 3, 2, 2).

A student with gaps on two targets is in a group for each. Exported as CSV (student codes only,
cells never run as spreadsheet formulas).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from calibrate.domain.errors import InvalidOperationError
from calibrate.services.assessment.class_view import ClassView
from calibrate.services.assessment.classify import TargetStatus
from calibrate.storage.private_files import write_private_text

MAX_GROUP_SIZE = 100
GROUP_COLUMNS = ("target", "statement", "group", "student")


@dataclass(frozen=True)
class Group:
    target_key: str
    statement: str
    number: int  # 1, 2, … within the target
    of: int  # how many groups the target has
    students: tuple[str, ...]


def split_evenly(students: Sequence[str], size: int) -> list[tuple[str, ...]]:
    """``students`` in order, cut into the fewest groups of at most ``size``, sizes differing by
    at most one (the larger groups first)."""
    if not students:
        return []
    count = -(-len(students) // size)
    base, extra = divmod(len(students), count)
    out, start = [], 0
    for n in range(count):
        end = start + base + (1 if n < extra else 0)
        out.append(tuple(students[start:end]))
        start = end
    return out


def regroup(
    view: ClassView, *, size: int, targets: Sequence[str] | None = None
) -> tuple[Group, ...]:
    """Groups of the students with a gap, target by target (in blueprint order, or the order of
    ``targets``), each of at most ``size`` students. Targets where nobody has a gap have none.

    Raises InvalidOperationError if ``size`` is not 1 to 100 or a target key is not on the test.
    """
    if not 1 <= size <= MAX_GROUP_SIZE:
        raise InvalidOperationError(
            f"Group size: give a whole number from 1 to {MAX_GROUP_SIZE} (not {size})."
        )
    keys = [t.key for t in view.blueprint.targets] if targets is None else list(targets)
    out: list[Group] = []
    for key in keys:
        target = view.blueprint.target(key)
        if target is None:
            raise InvalidOperationError(
                f"“{key}” is not a learning target of the test “{view.blueprint.title}” "
                f"(its targets are {', '.join(t.key for t in view.blueprint.targets)})."
            )
        chunks = split_evenly(view.with_status(key, TargetStatus.GAP), size)
        out.extend(
            Group(key, target.statement, n, len(chunks), chunk) for n, chunk in enumerate(chunks, 1)
        )
    return tuple(out)


def groups_csv(groups: Sequence[Group]) -> str:
    """One row per student per group: target, statement, group number, student code."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(GROUP_COLUMNS)
    for group in groups:
        for student in group.students:
            writer.writerow(
                [_safe(group.target_key), _safe(group.statement), group.number, _safe(student)]
            )
    return out.getvalue()


def export_groups(groups: Sequence[Group], path: Path) -> Path:
    """Write :func:`groups_csv` to ``path`` (owner-only, like every export of student data).
    Raises InvalidOperationError if the file cannot be written."""
    path = path.expanduser()
    try:
        write_private_text(path, groups_csv(groups), newline="")
    except OSError as exc:
        raise InvalidOperationError(f"{path}: cannot be written ({exc.strerror or exc}).") from None
    return path


def _safe(text: str) -> str:
    """Text a spreadsheet shows but never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
