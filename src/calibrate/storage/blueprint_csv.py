"""Test blueprints written as a spreadsheet: one row per item, read all or nothing.

Columns (any order; names as written here, any case): ``item`` and ``target`` (their keys),
``statement`` (the target's "I can …", on the target's first row; later rows leave it empty or
repeat it), ``points`` (default 1), ``prompt``, and ``rubric``, ``criterion``, ``level`` (the
rubric criterion the target belongs to, on any one of its rows). The test's key and title are
given by the caller (from the file's name, or ``--title``). The first problem is reported with
its file, line and column, as :class:`AssessmentFileError`.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from calibrate.domain.assessment import (
    STATEMENT_START,
    Blueprint,
    CriterionLink,
    Item,
    LearningTarget,
)
from calibrate.domain.errors import AssessmentFileError
from calibrate.storage.assessment_files import KEY_PATTERN, MAX_TEXT, BlueprintFile, read_text

MAX_POINTS = 1000

COLUMNS = ("item", "target", "statement", "points", "prompt", "rubric", "criterion", "level")
REQUIRED = ("item", "target")
_NOT_KEY = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class _Target:
    key: str
    line: int
    statement: str = ""
    link: CriterionLink | None = None
    link_place: str = ""
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    """One row of the file, with what is needed to place a problem in it."""

    source: str
    line: int
    cells: list[str]
    columns: dict[str, int]

    def place(self, name: str) -> str:
        if name not in self.columns:
            return f"{self.source}, line {self.line} (there is no “{name}” column)"
        return f"{self.source}, line {self.line}, column {self.columns[name] + 1} ({name})"

    def fail(self, name: str, message: str) -> AssessmentFileError:
        return AssessmentFileError(f"{self.place(name)}: {message}")

    def get(self, name: str) -> str:
        n = self.columns.get(name)
        value = self.cells[n].strip() if n is not None and n < len(self.cells) else ""
        if len(value) > MAX_TEXT or any(not c.isprintable() for c in value):
            raise self.fail(name, "is too long or holds a control character.")
        return value

    def key(self, name: str) -> str:
        value = self.get(name)
        if not value:
            raise self.fail(name, "is empty.")
        if not KEY_PATTERN.fullmatch(value):
            raise self.fail(name, f"“{value}” must be letters, digits, “-”, “_” or “.”.")
        return value

    def points(self) -> int:
        text = self.get("points") or "1"
        if not text.isdigit() or not 1 <= int(text) <= MAX_POINTS:
            raise self.fail("points", f"“{text}” is not a whole number from 1 to {MAX_POINTS}.")
        return int(text)

    def link(self) -> CriterionLink | None:
        rubric, criterion, level = self.get("rubric"), self.get("criterion"), self.get("level")
        if not rubric and not criterion and not level:
            return None
        if not rubric or not criterion:
            missing = "rubric" if not rubric else "criterion"
            raise self.fail(missing, "give both the rubric and the criterion.")
        if level and not level.isdigit():
            raise self.fail("level", f"“{level}” is not a whole number.")
        return CriterionLink(rubric, criterion, int(level) if level else None)


def _header(rows: Iterator[list[str]], source: str) -> dict[str, int]:
    try:
        header = [" ".join(h.split()).casefold() for h in next(rows, [])]
    except csv.Error as exc:
        raise AssessmentFileError(f"{source}, line 1: {exc}") from None
    if not any(header):
        raise AssessmentFileError(f"{source}, line 1: the file is empty; it needs a header row.")
    for n, name in enumerate(header):
        if name not in COLUMNS:
            raise AssessmentFileError(
                f"{source}, line 1, column {n + 1}: “{name}” is not a column of a test "
                f"blueprint (they are {', '.join(COLUMNS)})."
            )
        if name in header[:n]:
            raise AssessmentFileError(f"{source}, line 1, column {n + 1}: “{name}” is there twice.")
    for name in REQUIRED:
        if name not in header:
            raise AssessmentFileError(f"{source}, line 1: no “{name}” column.")
    return {name: n for n, name in enumerate(header)}


def _add(row: _Row, targets: dict[str, _Target], items: dict[str, int]) -> None:
    item_key, target_key = row.key("item"), row.key("target")
    if item_key in items:
        raise row.fail("item", f"item “{item_key}” is already on line {items[item_key]}.")
    items[item_key] = row.line
    target = targets.setdefault(target_key, _Target(target_key, row.line))
    statement = row.get("statement")
    if statement and target.statement and statement != target.statement:
        raise row.fail(
            "statement",
            f"differs from the statement of “{target_key}” on line {target.line}; leave it "
            "empty on the target's later rows.",
        )
    if statement and not target.statement:
        if not statement.startswith(STATEMENT_START):
            raise row.fail(
                "statement", f"write it as the student would say it, starting “{STATEMENT_START}”."
            )
        target.statement = statement
    link = row.link()
    if link is not None:
        if target.link is not None and link != target.link:
            raise row.fail("criterion", f"“{target_key}” already has another criterion.")
        target.link, target.link_place = link, row.place("criterion")
    target.items.append(Item(item_key, target_key, row.points(), row.get("prompt")))


def read_blueprint_csv(path: str | os.PathLike[str], *, title: str = "") -> BlueprintFile:
    """Read the blueprint CSV at ``path``; the test's key is made from the file's name, its
    title is ``title`` (else the file's name)."""
    stem = Path(path).stem
    key = _NOT_KEY.sub("-", stem).strip("-.") or "test"
    return parse_blueprint_csv(read_text(path), key=key, title=title or stem, source=str(path))


def parse_blueprint_csv(text: str, *, key: str, title: str, source: str) -> BlueprintFile:
    """A blueprint from CSV text (see the module docstring)."""
    rows = csv.reader(io.StringIO(text, newline=""))
    columns = _header(rows, source)
    targets: dict[str, _Target] = {}
    items: dict[str, int] = {}  # item key -> its line
    line = 1
    try:
        for cells in rows:
            line = rows.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns):
                raise AssessmentFileError(
                    f"{source}, line {line}: this row has {len(cells)} cells but the header has "
                    f"{len(columns)} columns."
                )
            _add(_Row(source, line, cells, columns), targets, items)
    except csv.Error as exc:
        raise AssessmentFileError(f"{source}, line {line}: {exc}") from None
    if not items:
        raise AssessmentFileError(f"{source}: no items below the header.")
    for target in targets.values():
        if not target.statement:
            raise AssessmentFileError(
                f"{source}, line {target.line}: the learning target “{target.key}” has no "
                "statement (write its “I can …” on its first row)."
            )
    in_file_order = sorted(
        (i for t in targets.values() for i in t.items), key=lambda i: items[i.key]
    )
    blueprint = Blueprint(
        key=key,
        title=title,
        targets=tuple(LearningTarget(t.key, t.statement, t.link) for t in targets.values()),
        items=tuple(in_file_order),
    )
    places = {t.key: t.link_place for t in targets.values() if t.link_place}
    return BlueprintFile(blueprint, source, places)
