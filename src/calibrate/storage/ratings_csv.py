"""Read a ratings CSV (wide or long) into a :class:`RatingTable`.

Wide: a header ``unit,<rater>,<rater>,…`` and one row per unit; an empty cell is a missing rating.
Long: columns ``unit``, ``rater``, ``score`` (any order), one row per rating.
Every problem is a :class:`RatingsFileError` naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from calibrate.domain.errors import RatingsFileError
from calibrate.domain.ratings import MISSING, Category, Measurement, RatingTable

LONG_COLUMNS = ("unit", "rater", "score")


class Layout(StrEnum):
    WIDE = "wide"
    LONG = "long"


@dataclass(frozen=True)
class _Cell:
    line: int
    column: int
    column_name: str
    text: str


def read_ratings_csv(
    path: Path,
    *,
    level: Measurement,
    categories: Sequence[str] | None = None,
    layout: Layout | None = None,
) -> tuple[RatingTable, bool]:
    """Read ``path``; returns the table and whether the categories were declared by the caller.

    ``categories`` are the declared levels as written by the user (e.g. ``["1", "2", "3", "4"]``).
    Without them the distinct observed values are used (sorted for ordered levels).
    """
    name = str(path)
    rows = _read_rows(path)
    header = [h.strip() for h in rows[0]]
    detected = _detect_layout(name, header)
    layout = layout or detected
    if layout is Layout.LONG and detected is not Layout.LONG:
        raise RatingsFileError(
            f"{name}, line 1: a long file needs the columns unit, rater, score; "
            f"the header is {', '.join(header)}"
        )
    if layout is Layout.WIDE and header[0].lower() != "unit":
        raise RatingsFileError(f"{name}, line 1, column 1: the first column must be 'unit'")
    units, raters, cells = (
        _wide_cells(name, header, rows)
        if layout is Layout.WIDE
        else _long_cells(name, header, rows)
    )
    declared = categories is not None
    cats = _categories(name, level, categories, cells)
    index = {c: k for k, c in enumerate(cats)}
    codes = np.full((len(units), len(raters)), MISSING, dtype=np.int64)
    for (i, j), cell in cells.items():
        value = _parse_value(name, level, cell)
        if value not in index:
            raise RatingsFileError(
                f"{name}, line {cell.line}, column {cell.column} ({cell.column_name}): "
                f"{cell.text!r} is not one of the declared levels "
                f"({', '.join(_show(c) for c in cats)})"
            )
        codes[i, j] = index[value]
    table = RatingTable(codes, tuple(cats), level, tuple(units), tuple(raters))
    return table, declared


def _read_rows(path: Path) -> list[list[str]]:
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RatingsFileError(f"{name}: no such file") from None
    except OSError as exc:
        raise RatingsFileError(f"{name}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RatingsFileError(
            f"{name}, line {line}: the file is not UTF-8 text (save it as CSV UTF-8)"
        ) from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise RatingsFileError(f"{name}: not a readable CSV file ({exc})") from None
    # Drop trailing blank lines but keep line numbers for the rest.
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise RatingsFileError(f"{name}: the file is empty")
    if len(rows) < 2:
        raise RatingsFileError(f"{name}, line 2: the file has a header but no ratings")
    return rows


def _detect_layout(name: str, header: list[str]) -> Layout:
    lowered = [h.lower() for h in header]
    if sorted(lowered) == sorted(LONG_COLUMNS):
        return Layout.LONG
    if lowered and lowered[0] == "unit":
        return Layout.WIDE
    raise RatingsFileError(
        f"{name}, line 1: the header must start with 'unit' (wide: unit,<rater>,<rater>,…) "
        f"or be unit,rater,score (long); it is {','.join(header)}"
    )


def _wide_cells(
    name: str, header: list[str], rows: list[list[str]]
) -> tuple[list[str], list[str], dict[tuple[int, int], _Cell]]:
    raters = header[1:]
    if not raters:
        raise RatingsFileError(f"{name}, line 1: no rater columns after 'unit'")
    for col, rater in enumerate(raters, start=2):
        if not rater:
            raise RatingsFileError(f"{name}, line 1, column {col}: a rater column has no name")
        if raters.index(rater) != col - 2:
            raise RatingsFileError(f"{name}, line 1, column {col}: rater {rater!r} appears twice")
    units: list[str] = []
    cells: dict[tuple[int, int], _Cell] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise RatingsFileError(
                f"{name}, line {line}: {len(row)} columns but the header has {len(header)}"
            )
        unit = row[0].strip()
        if not unit:
            raise RatingsFileError(f"{name}, line {line}, column 1 (unit): the unit is empty")
        if unit in units:
            raise RatingsFileError(
                f"{name}, line {line}, column 1 (unit): unit {unit!r} appears twice"
            )
        i = len(units)
        units.append(unit)
        for j, text in enumerate(row[1:]):
            if text.strip():
                cells[(i, j)] = _Cell(line, j + 2, raters[j], text.strip())
    return units, raters, cells


def _long_cells(
    name: str, header: list[str], rows: list[list[str]]
) -> tuple[list[str], list[str], dict[tuple[int, int], _Cell]]:
    lowered = [h.lower() for h in header]
    col = {c: lowered.index(c) for c in LONG_COLUMNS}
    units: dict[str, int] = {}
    raters: dict[str, int] = {}
    cells: dict[tuple[int, int], _Cell] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise RatingsFileError(
                f"{name}, line {line}: {len(row)} columns but the header has {len(header)}"
            )
        unit, rater, score = (row[col[c]].strip() for c in LONG_COLUMNS)
        for field_name, value in (("unit", unit), ("rater", rater)):
            if not value:
                raise RatingsFileError(
                    f"{name}, line {line}, column {col[field_name] + 1} ({field_name}): empty"
                )
        i = units.setdefault(unit, len(units))
        j = raters.setdefault(rater, len(raters))
        if (i, j) in cells:
            raise RatingsFileError(
                f"{name}, line {line}: {rater!r} rated {unit!r} twice "
                f"(first on line {cells[(i, j)].line})"
            )
        if score:
            cells[(i, j)] = _Cell(line, col["score"] + 1, "score", score)
    return list(units), list(raters), cells


def _parse_value(name: str, level: Measurement, cell: _Cell) -> Category:
    try:
        number = float(cell.text)
    except ValueError:
        if level.ordered:
            raise RatingsFileError(
                f"{name}, line {cell.line}, column {cell.column} ({cell.column_name}): "
                f"{cell.text!r} is not a number, and {level.value} ratings must be numbers"
            ) from None
        return cell.text
    if not np.isfinite(number):
        raise RatingsFileError(
            f"{name}, line {cell.line}, column {cell.column} ({cell.column_name}): "
            f"{cell.text!r} is not a usable score"
        )
    return number


def _categories(
    name: str,
    level: Measurement,
    declared: Sequence[str] | None,
    cells: dict[tuple[int, int], _Cell],
) -> list[Category]:
    if declared is not None:
        out: list[Category] = []
        for text in declared:
            text = text.strip()
            try:
                out.append(float(text))
            except ValueError:
                if level.ordered:
                    raise RatingsFileError(
                        f"--categories: {text!r} is not a number, and {level.value} levels "
                        "must be numbers"
                    ) from None
                out.append(text)
        if len(set(out)) != len(out):
            raise RatingsFileError("--categories: a level is listed twice")
        if level.ordered:
            out.sort(key=float)
        return out
    observed = {_parse_value(name, level, cell) for cell in cells.values()}
    if level.ordered or all(isinstance(v, float) for v in observed):
        return sorted(observed, key=lambda v: float(v))
    return sorted(observed, key=str)


def _show(c: Category) -> str:
    if isinstance(c, float) and c.is_integer():
        return str(int(c))
    return str(c)
