"""Results files (a gradebook export) read for a stored test, all or nothing, and written.

A results file has a ``student`` column of student codes and one column per item (its key, or
``Item 7`` / ``Q7``); each cell is an outcome code (see
:data:`~calibrate.domain.assessment.OUTCOME_HELP`). The first bad cell is reported with its
file, line and column. :func:`results_csv` writes the same format (``parse_results_csv`` of it
gives the results back).
"""

from __future__ import annotations

import csv
import io
import os
import re

from calibrate.domain.assessment import (
    OUTCOME_HELP,
    Blueprint,
    Outcome,
    StudentResult,
    parse_outcome,
    student_code_problem,
)
from calibrate.domain.errors import AssessmentFileError
from calibrate.storage.assessment_files import read_text

STUDENT_COLUMNS = ("student", "student code", "student_code", "code")


def read_results_csv(path: str | os.PathLike[str], blueprint: Blueprint) -> list[StudentResult]:
    """Read a results file for ``blueprint`` (see the module docstring); all or nothing."""
    return parse_results_csv(read_text(path), blueprint, source=str(path))


def _column_item(header: str, blueprint: Blueprint) -> str | None:
    name = " ".join(header.split())
    for candidate in (name, re.sub(r"^(?:item|question|q)\s*", "", name, flags=re.IGNORECASE)):
        if blueprint.item(candidate) is not None:
            return candidate
    return None


def parse_results_csv(
    text: str, blueprint: Blueprint, *, source: str = "<results>"
) -> list[StudentResult]:
    """Results from CSV text; raises AssessmentFileError at the first problem (file, line,
    column)."""
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows, None)
    except csv.Error as exc:
        raise AssessmentFileError(f"{source}, line 1: {exc}") from None
    if header is None or not any(h.strip() for h in header):
        raise AssessmentFileError(f"{source}, line 1: the file is empty; it needs a header row.")

    items: dict[int, str] = {}

    def where(line: int, col: int) -> str:
        name = f"item {items[col]}" if col in items else ""
        if not name and col < len(header):
            name = header[col].strip()
        return f"{source}, line {line}, column {col + 1}" + (f" ({name})" if name else "")

    student_col = next(
        (n for n, h in enumerate(header) if " ".join(h.split()).casefold() in STUDENT_COLUMNS),
        None,
    )
    if student_col is None:
        raise AssessmentFileError(
            f"{source}, line 1: no “student” column (the column of student codes)."
        )
    for col, name in enumerate(header):
        if col == student_col:
            continue
        item = _column_item(name, blueprint)
        if item is None:
            if not name.strip():
                raise AssessmentFileError(f"{where(1, col)}: a column without a name.")
            raise AssessmentFileError(
                f"{where(1, col)}: “{name.strip()}” is not an item of the test "
                f"“{blueprint.title}” (its items are {', '.join(i.key for i in blueprint.items)})."
            )
        if item in items.values():
            raise AssessmentFileError(f"{where(1, col)}: item “{item}” has a second column.")
        items[col] = item
    results: list[StudentResult] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise AssessmentFileError(
                    f"{where(line, len(header))}: this row has {len(row)} cells but the header "
                    f"has {len(header)} columns."
                )
            code = row[student_col].strip() if student_col < len(row) else ""
            problem = student_code_problem(code)
            if problem:
                raise AssessmentFileError(f"{where(line, student_col)}: {problem}")
            if code in seen:
                raise AssessmentFileError(
                    f"{where(line, student_col)}: {code} already has a row (line {seen[code]})."
                )
            seen[code] = line
            for col, item in items.items():
                cell = row[col] if col < len(row) else ""
                outcome = parse_outcome(cell)
                if outcome is None:
                    raise AssessmentFileError(
                        f"{where(line, col)}: “{cell.strip()}” is not a result; "
                        f"write {OUTCOME_HELP}."
                    )
                results.append(StudentResult(code, item, outcome))
    except csv.Error as exc:
        raise AssessmentFileError(f"{source}, line {line}: {exc}") from None
    if not seen:
        raise AssessmentFileError(f"{source}: no student rows below the header.")
    return results


def results_csv(blueprint: Blueprint, results: list[StudentResult]) -> str:
    """A results file: one row per student (by code), one column per item; a missing result is
    an empty cell."""
    outcomes = {(r.student_code, r.item_key): r.outcome for r in results}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["student", *(i.key for i in blueprint.items)])
    for code in sorted({r.student_code for r in results}):
        cells = (outcomes.get((code, i.key), Outcome.MISSING).code for i in blueprint.items)
        writer.writerow([code, *cells])
    return out.getvalue()
