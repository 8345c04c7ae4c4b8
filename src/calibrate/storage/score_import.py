"""Import scores from a CSV file into a session (e.g. scores collected on paper).

The file has a header row with the columns ``sample``, ``criterion``, ``rater``, ``level`` and
optionally ``note`` (any order, any letter case), then one score per row:

- ``sample``: the sample's key within the session, as an exported kit names it (``essay-3``),
  or its title;
- ``criterion``: a criterion key of the session's rubric;
- ``rater``: the name of one of the session's raters (letter case and spacing aside, as the
  served picker matches names);
- ``level``: a whole number, one of that criterion's levels.

Scores go into the session's current round. Every row is checked before anything is written;
any problem raises a :class:`ScoreImportError` naming the file, the line and the column, and
nothing is imported (one transaction).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.domain.errors import InvalidOperationError, NotFoundError, ScoreImportError
from calibrate.domain.model import Phase, Rubric
from calibrate.domain.names import name_key
from calibrate.domain.text_rules import text_problem
from calibrate.storage.csv_bytes import BadBytes, find_bad_bytes, mac_csv_text
from calibrate.storage.scenario_export import kit_keys, kit_name
from calibrate.storage.scenario_schema import printable

if TYPE_CHECKING:
    from calibrate.storage.store import Store

REQUIRED_COLUMNS = ("sample", "criterion", "rater", "level")
OPTIONAL_COLUMNS = ("note",)
_INTEGER = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: int() also reads "٣" as 3


@dataclass(frozen=True)
class _Row:
    line: int
    sample_id: int
    criterion: str
    rater_id: int
    level: int
    note: str


@dataclass(frozen=True)
class _Targets:
    """What the cells of one session's file may name."""

    rubric: Rubric
    by_key: dict[str, int]
    by_title: dict[str, list[int]]
    raters: dict[str, int]


def import_scores_csv(store: Store, path: str | os.PathLike[str], session_id: int) -> int:
    """Record every score in the CSV file ``path`` in session ``session_id``; returns how many.

    Raises ScoreImportError (nothing imported) for an unreadable, undecodable or empty file, a
    missing or unknown column, an unknown sample, criterion or rater, a level that is not a
    whole number or not on the rubric, a score given twice, or a session that is not in the
    scoring phase.
    """
    name = str(path)
    try:
        session = store.get_session(session_id)
    except NotFoundError as exc:
        raise ScoreImportError(f"{name}: {exc.message} Nothing was imported.") from None
    if session.phase is not Phase.SCORING:
        raise ScoreImportError(
            f"{name}: scores can be imported only while the session is in the scoring phase; "
            f'"{session.title}" is in the {session.phase} phase. Nothing was imported.'
        )
    rows = _read(name, path)
    targets = _targets(store, session_id)
    header, body = rows[0], rows[1:]
    columns = _columns(name, header[1])
    if not body:
        raise ScoreImportError(
            f"{name}, line {header[0] + 1}: there are no scores after the header row. "
            "Nothing was imported."
        )
    parsed = [_parse_row(name, line, cells, columns, targets) for line, cells in body]
    _refuse_repeats(name, parsed, columns["sample"] + 1)
    with store.transaction():
        for row in parsed:
            try:
                store.record_score(
                    session_id, row.sample_id, row.criterion, row.rater_id, row.level, note=row.note
                )
            except (InvalidOperationError, NotFoundError) as exc:
                raise ScoreImportError(
                    f"{name}, line {row.line}: {exc.message} Nothing was imported."
                ) from None
    return len(parsed)


def _read(name: str, path: str | os.PathLike[str]) -> list[tuple[int, list[str]]]:
    """The non-blank rows with the line each starts on; the header first."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ScoreImportError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        mac = mac_csv_text(raw)
        if mac is None:
            raise ScoreImportError(_not_text(name, find_bad_bytes(raw, exc))) from None
        text = mac
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ScoreImportError(
            f"{name}, line {reader.line_num}: this is not valid CSV ({exc}). Nothing was imported."
        ) from None
    if not rows:
        raise ScoreImportError(
            f"{name}, line 1, column 1: the file is empty; it needs a header row "
            f"({', '.join(REQUIRED_COLUMNS)}) and then one score per row. Nothing was imported."
        )
    return rows


def _columns(name: str, header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    allowed = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    for number, title in enumerate(header, start=1):
        column = title.strip().lower()
        if column not in allowed:
            raise ScoreImportError(
                f"{name}, line 1, column {number}: unknown column "
                f'"{printable(title.strip())}"; the columns are '
                f"{', '.join(REQUIRED_COLUMNS)} and optionally note. "
                "Nothing was imported."
            )
        if column in columns:
            raise ScoreImportError(
                f'{name}, line 1, column {number}: the column "{column}" appears twice '
                f"(also column {columns[column] + 1}). Nothing was imported."
            )
        columns[column] = number - 1
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ScoreImportError(
            f"{name}, line 1, column {len(header) + 1}: the column"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} missing; the header needs "
            f"{', '.join(REQUIRED_COLUMNS)} (and optionally note). Nothing was imported."
        )
    return columns


def _targets(store: Store, session_id: int) -> _Targets:
    session = store.get_session(session_id)
    samples = [store.get_sample(i) for i in session.sample_ids]
    keys = kit_keys(samples, kit_name(samples, session))
    by_title: dict[str, list[int]] = {}
    for sample in samples:
        assert sample.id is not None
        by_title.setdefault(sample.title, []).append(sample.id)
    raters = {name_key(store.get_rater(i).name): i for i in session.rater_ids}
    return _Targets(
        rubric=store.get_rubric(session.rubric_id),
        by_key={key: sample_id for sample_id, key in keys.items()},
        by_title=by_title,
        raters=raters,
    )


def _parse_row(
    name: str, line: int, cells: list[str], columns: dict[str, int], targets: _Targets
) -> _Row:
    def refuse(column: str, problem: str) -> ScoreImportError:
        where = f"column {columns[column] + 1} ({column})"
        return ScoreImportError(f"{name}, line {line}, {where}: {problem}. Nothing was imported.")

    width = len(columns)
    if len(cells) != width:
        raise ScoreImportError(
            f"{name}, line {line}, column {min(len(cells), width) + 1}: expected {width} values "
            f"like the header, found {len(cells)}. Nothing was imported."
        )
    value = {column: cells[index].strip() for column, index in columns.items()}
    sample = value["sample"]
    sample_id = targets.by_key.get(sample)
    if sample_id is None:
        matches = targets.by_title.get(sample, [])
        if len(matches) > 1:
            raise refuse(
                "sample",
                f'several samples of the session have the title "{printable(sample)}"; '
                "use the sample's key instead",
            )
        if not matches:
            raise refuse(
                "sample", f'the session has no sample with the key or title "{printable(sample)}"'
            )
        sample_id = matches[0]
    criterion = targets.rubric.criterion(value["criterion"])
    if criterion is None:
        known = ", ".join(c.key for c in targets.rubric.criteria)
        raise refuse(
            "criterion",
            f'the rubric has no criterion "{printable(value["criterion"])}" (it has {known})',
        )
    rater_id = targets.raters.get(name_key(value["rater"]))  # as the served picker matches
    if rater_id is None:
        raise refuse(
            "rater", f'"{printable(value["rater"])}" is not one of the raters of this session'
        )
    if not _INTEGER.fullmatch(value["level"]):
        shown = value["level"] if len(value["level"]) <= 40 else value["level"][:37] + "..."
        raise refuse("level", f'"{printable(shown)}" is not a whole number')
    if len(value["level"].lstrip("+-")) > 9:  # no rubric has such a level (and int() balks)
        raise refuse("level", f'"{value["level"][:12]}..." is far too large to be a level')
    level = int(value["level"])
    if level not in criterion.scores:
        allowed = ", ".join(str(s) for s in criterion.scores)
        raise refuse(
            "level", f'{level} is not a level of "{criterion.key}" (its levels: {allowed})'
        )
    note = _formula_quote_off(value.get("note", ""))
    if (problem := text_problem(note)) is not None:
        raise refuse("note", f"the note {problem}")
    return _Row(line, sample_id, criterion.key, rater_id, level, note)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet run this cell (OWASP's CSV-injection list)?"""
    return text.startswith(FORMULA_STARTS)


def _formula_quote_off(note: str) -> str:
    """A note exported as ``'=…`` (the quote keeps a spreadsheet from running it) reads back as
    ``=…``; see calibrate.services.records.exports.rows_as_csv."""
    if note.startswith("'") and looks_like_formula(note.lstrip("'")):
        return note[1:]
    return note


def _refuse_repeats(name: str, rows: list[_Row], sample_column: int) -> None:
    seen: dict[tuple[int, str, int], int] = {}
    for row in rows:
        key = (row.sample_id, row.criterion, row.rater_id)
        if key in seen:
            raise ScoreImportError(
                f"{name}, line {row.line}, column {sample_column} (sample): this rater already "
                f"scored this sample on this criterion on line {seen[key]}. Nothing was imported."
            )
        seen[key] = row.line


def _not_text(name: str, bad: BadBytes) -> str:
    if bad.binary:
        return (
            f"{name}, {bad.place}: this is not a CSV text file (it holds binary data: is it a "
            "spreadsheet or another kind of file?); save it as UTF-8 CSV. Nothing was imported."
        )
    return (
        f"{name}, {bad.place}: is not UTF-8 text (byte {bad.byte:#04x} cannot be read); save "
        "the file as UTF-8 CSV. Nothing was imported."
    )
