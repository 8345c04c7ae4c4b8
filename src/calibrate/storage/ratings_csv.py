"""Read a ratings CSV (wide or long) into a :class:`RatingTable`.

Wide: a header ``unit,<rater>,<rater>,…`` and one row per unit; an empty cell is a missing rating.
Long: columns ``unit``, ``rater``, ``score`` (any order), one row per rating.
Every problem is a :class:`RatingsFileError` naming the file, the line and the column.

The file is read in one pass and kept lean: each cell becomes a small integer standing for its
text (a file holds few distinct texts: the rubric's levels), so no Python object outlives its
row, and each distinct text is parsed once. A problem with a text is reported at the text's
first appearance, which is the first bad cell in the file, as a cell-by-cell reader would.
"""

from __future__ import annotations

import csv
import io
import math
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import numpy.typing as npt

from calibrate.domain.errors import RatingsFileError
from calibrate.domain.names import name_key
from calibrate.domain.ratings import MISSING, Category, Measurement, RatingTable
from calibrate.storage.csv_bytes import find_bad_bytes, mac_csv_text

LONG_COLUMNS = ("unit", "rater", "score")


class Layout(StrEnum):
    WIDE = "wide"
    LONG = "long"


class _TextIds(dict[str, int]):
    """Numbers distinct cell texts in the order they first appear."""

    def __missing__(self, text: str) -> int:
        number = len(self)
        self[text] = number
        return number


@dataclass(frozen=True)
class _Grid:
    """What a file holds, before its texts are parsed.

    ``ids`` numbers each cell's text (an index into ``texts``) in file order: for a wide file
    every cell, row by row (``shape`` gives the rows); for a long file each non-empty score,
    placed at ``rows``/``cols``. ``locate`` turns a position in ``ids`` into line, column and
    column name.
    """

    units: list[str]
    raters: list[str]
    texts: list[str]
    ids: npt.NDArray[np.int32]
    rows: npt.NDArray[np.intp] | None
    cols: npt.NDArray[np.intp] | None
    locate: Callable[[int], tuple[int, int, str]]


class _BadText(Exception):
    """A cell text that cannot be a rating; the message lacks only the place."""


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
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            grid = _read_grid(name, csv.reader(file), layout)
    except FileNotFoundError:
        raise RatingsFileError(f"{name}: no such file") from None
    except UnicodeDecodeError:
        mac = mac_csv_text(path.read_bytes())  # Excel for Mac's "CSV (Macintosh)"
        if mac is None:
            raise RatingsFileError(_undecodable(name, path)) from None
        try:
            grid = _read_grid(name, csv.reader(io.StringIO(mac, newline="")), layout)
        except csv.Error as exc:
            raise RatingsFileError(f"{name}: not a readable CSV file ({exc})") from None
    except OSError as exc:
        raise RatingsFileError(f"{name}: cannot be read ({exc.strerror})") from None
    except csv.Error as exc:
        raise RatingsFileError(f"{name}: not a readable CSV file ({exc})") from None
    declared = categories is not None
    cats = _categories(name, level, categories, grid)
    codes = _codes(name, level, cats, grid)
    table = RatingTable(codes, tuple(cats), level, tuple(grid.units), tuple(grid.raters))
    return table, declared


def _read_grid(name: str, reader: Iterator[list[str]], layout: Layout | None) -> _Grid:
    header_row, body = _split(name, reader)
    header = [h.strip() for h in header_row]
    detected = _detect_layout(name, header)
    layout = layout or detected
    if layout is Layout.LONG and detected is not Layout.LONG:
        raise RatingsFileError(
            f"{name}, line 1: a long file needs the columns unit, rater, score; "
            f"the header is {', '.join(header)}"
        )
    if layout is Layout.WIDE and header[0].lower() != "unit":
        raise RatingsFileError(f"{name}, line 1, column 1: the first column must be 'unit'")
    return _wide(name, header, body) if layout is Layout.WIDE else _long(name, header, body)


def _undecodable(name: str, path: Path) -> str:
    """Where the file stops being UTF-8 text, and what it seems to be (read whole only here)."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = find_bad_bytes(raw, exc)
    else:  # pragma: no cover - only called after a decoding error
        return f"{name}: the file is not UTF-8 text (save it as CSV UTF-8)"
    if bad.binary:
        return (
            f"{name}, {bad.place}: this is not a CSV text file (it holds binary data: is it a "
            "spreadsheet or another kind of file?); save it as CSV UTF-8"
        )
    return (
        f"{name}, {bad.place}: is not UTF-8 text (byte {bad.byte:#04x} cannot be read); save "
        "the file as CSV UTF-8"
    )


def _blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _split(
    name: str, reader: Iterator[list[str]]
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and the body's rows with their line numbers; blank rows are skipped later.

    Refuses a file that is empty (blank lines only) or has a header but no ratings.
    """
    header = next(reader, None)
    first: tuple[int, list[str]] | None = None
    for line, row in enumerate(reader, start=2):
        if not _blank(row):
            first = (line, row)
            break
    if header is None or (_blank(header) and first is None):
        raise RatingsFileError(f"{name}: the file is empty")
    if first is None:
        raise RatingsFileError(f"{name}, line 2: the file has a header but no ratings")

    def body() -> Iterator[tuple[int, list[str]]]:
        assert first is not None
        yield first
        yield from enumerate(reader, start=first[0] + 1)

    return header, body()


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


def _wide(name: str, header: list[str], body: Iterator[tuple[int, list[str]]]) -> _Grid:
    raters = header[1:]
    if not raters:
        raise RatingsFileError(f"{name}, line 1: no rater columns after 'unit'")
    seen: dict[str, tuple[int, str]] = {}  # "Ann" and "ann" are one person, as in the store
    for col, rater in enumerate(raters, start=2):
        if not rater:
            raise RatingsFileError(f"{name}, line 1, column {col}: a rater column has no name")
        first = seen.setdefault(name_key(rater), (col, rater))
        if first[0] != col:
            also = "" if first[1] == rater else f" (as {_shown(first[1])} in column {first[0]})"
            raise RatingsFileError(
                f"{name}, line 1, column {col}: rater {_shown(rater)} appears twice{also}"
            )
    width = len(header)
    lines: dict[str, int] = {}  # unit -> its line; insertion order is the units' order
    texts = _TextIds()
    ids = array("i")
    number = texts.__getitem__
    for line, row in body:
        unit = row[0].strip() if row else ""
        if len(row) != width or not unit:
            if _blank(row):
                continue
            if len(row) != width:
                raise RatingsFileError(
                    f"{name}, line {line}: {len(row)} columns but the header has {width}"
                )
            raise RatingsFileError(f"{name}, line {line}, column 1 (unit): the unit is empty")
        if unit in lines:
            raise RatingsFileError(
                f"{name}, line {line}, column 1 (unit): unit {_shown(unit)} appears twice"
            )
        lines[unit] = line
        ids.extend(map(number, row[1:]))
    unit_lines = list(lines.values())
    m = len(raters)

    def locate(k: int) -> tuple[int, int, str]:
        return unit_lines[k // m], k % m + 2, raters[k % m]

    flat = np.frombuffer(ids, dtype=np.int32) if ids else np.zeros(0, dtype=np.int32)
    return _Grid(list(lines), raters, list(texts), flat, None, None, locate)


def _long(name: str, header: list[str], body: Iterator[tuple[int, list[str]]]) -> _Grid:
    lowered = [h.lower() for h in header]
    col = {c: lowered.index(c) for c in LONG_COLUMNS}
    width = len(header)
    units: dict[str, int] = {}
    raters: dict[str, int] = {}  # by name_key
    spellings: dict[str, int] = {}  # each way a rater's name is written -> the rater
    names: dict[int, str] = {}
    first_line: dict[tuple[int, int], int] = {}  # a unit-rater pair's first scored line
    rows, cols, ids, lines = array("q"), array("q"), array("i"), array("q")
    texts = _TextIds()
    for line, row in body:
        if _blank(row):
            continue
        if len(row) != width:
            raise RatingsFileError(
                f"{name}, line {line}: {len(row)} columns but the header has {width}"
            )
        unit, rater, score = (row[col[c]].strip() for c in LONG_COLUMNS)
        for field_name, value in (("unit", unit), ("rater", rater)):
            if not value:
                raise RatingsFileError(
                    f"{name}, line {line}, column {col[field_name] + 1} ({field_name}): empty"
                )
        i = units.setdefault(unit, len(units))
        j = spellings.get(rater)
        if j is None:  # "Ann" and "ann" are one rater, shown as first written
            j = spellings[rater] = raters.setdefault(name_key(rater), len(raters))
            names.setdefault(j, rater)
        if (i, j) in first_line:
            raise RatingsFileError(
                f"{name}, line {line}: {_shown(rater)} rated {_shown(unit)} twice "
                f"(first on line {first_line[(i, j)]})"
            )
        if score:
            first_line[(i, j)] = line
            rows.append(i)
            cols.append(j)
            ids.append(texts[score])
            lines.append(line)

    def locate(k: int) -> tuple[int, int, str]:
        return lines[k], col["score"] + 1, "score"

    return _Grid(
        list(units),
        [names[j] for j in range(len(raters))],
        list(texts),
        np.array(ids, dtype=np.int32),
        np.array(rows, dtype=np.intp),
        np.array(cols, dtype=np.intp),
        locate,
    )


def _shown(text: str) -> str:
    """A cell's text quoted for a message; a long one cut (a 5,000-digit number, say)."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _parse_text(level: Measurement, text: str) -> Category:
    """A stripped, non-empty cell as a number, or as a word at the nominal level."""
    try:
        if not text.isascii():  # float() also reads "٣" (Arabic-Indic three) as 3.0
            raise ValueError(text)
        number = float(text)
    except ValueError:
        if level.ordered:
            raise _BadText(
                f"{_shown(text)} is not a number, and {level.value} ratings must be numbers"
            ) from None
        return text
    if not math.isfinite(number):
        raise _BadText(f"{_shown(text)} is not a usable score")
    if abs(number) > MAGNITUDE_LIMIT:
        raise _BadText(
            f"{_shown(text)} is too large a score to compute with (at most {MAGNITUDE_LIMIT:g})"
        )
    if level.value == "ratio" and number < 0:
        raise _BadText(f"{_shown(text)} is negative, and ratio ratings cannot be below zero")
    return number


# Squared differences of larger scores overflow a float (1e155² is infinite).
MAGNITUDE_LIMIT = 1e12


def _where(name: str, grid: _Grid, text_id: int) -> str:
    """The place of the first cell holding text number ``text_id``."""
    line, column, column_name = grid.locate(int(np.argmax(grid.ids == text_id)))
    return f"{name}, line {line}, column {column} ({column_name})"


def _values(name: str, level: Measurement, grid: _Grid) -> Iterator[tuple[int, Category | None]]:
    """Each distinct text's number and value (None for an empty cell), in order of first
    appearance; the first text that cannot be a rating is refused at its first cell."""
    for text_id, raw in enumerate(grid.texts):
        text = raw.strip()
        if not text:
            yield text_id, None
            continue
        try:
            yield text_id, _parse_text(level, text)
        except _BadText as exc:
            raise RatingsFileError(f"{_where(name, grid, text_id)}: {exc}") from None


def _categories(
    name: str,
    level: Measurement,
    declared: Sequence[str] | None,
    grid: _Grid,
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
                        f"--categories: {_shown(text)} is not a number, and {level.value} levels "
                        "must be numbers"
                    ) from None
                out.append(text)
        if len(set(out)) != len(out):
            raise RatingsFileError("--categories: a level is listed twice")
        if level.ordered:
            out.sort(key=float)
        return out
    observed = {v for _, v in _values(name, level, grid) if v is not None}
    if level.ordered or all(isinstance(v, float) for v in observed):
        return sorted(observed, key=lambda v: float(v))
    return sorted(observed, key=str)


def _codes(
    name: str, level: Measurement, cats: list[Category], grid: _Grid
) -> npt.NDArray[np.int64]:
    """The units × raters codes; a text outside the categories is refused where it first is."""
    index = {c: k for k, c in enumerate(cats)}
    lookup = np.full(len(grid.texts), MISSING, dtype=np.int64)
    for text_id, value in _values(name, level, grid):
        if value is None:
            continue
        if value not in index:
            text = grid.texts[text_id].strip()
            raise RatingsFileError(
                f"{_where(name, grid, text_id)}: {_shown(text)} is not one of the declared levels "
                f"({', '.join(_show(c) for c in cats)})"
            )
        lookup[text_id] = index[value]
    shape = (len(grid.units), len(grid.raters))
    if grid.rows is None or grid.cols is None:
        return lookup[grid.ids].reshape(shape)
    codes = np.full(shape, MISSING, dtype=np.int64)
    codes[grid.rows, grid.cols] = lookup[grid.ids]
    return codes


def _show(c: Category) -> str:
    if isinstance(c, float) and c.is_integer():
        return str(int(c))
    return str(c)
