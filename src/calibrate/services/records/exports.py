"""Export a session's records as text: its scores, its anchors, or the whole session as a kit.

What can be exported, and in which format (``export_text``):

- scores: csv, one row per current score (``SCORE_COLUMNS``); json, a list of objects with the
  same fields; toml, one ``[[scores]]`` table per score.
- anchors: the anchors taken from the session, in the same three shapes (``ANCHOR_COLUMNS``,
  ``[[anchors]]`` tables).
- session: toml, the whole session as a kit (a scenario file); json, the same structure as
  JSON; csv, the scores rows (a kit does not fit one table).

"Current score" means the value a score has now (earlier values of a changed score are not
exported), for every round. A session exported as TOML is a scenario file: ``calibrate load``
reads it back into the same session.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Mapping, Sequence
from enum import StrEnum

import tomli_w

from calibrate.storage.scenario_export import kit_keys, kit_name
from calibrate.storage.scenario_files import dump_scenario
from calibrate.storage.scenario_store import export_session
from calibrate.storage.score_import import looks_like_formula
from calibrate.storage.store import Store

Row = dict[str, str | int]

SCORE_COLUMNS = (
    "round",
    "sample",
    "sample_title",
    "criterion",
    "rater",
    "level",
    "note",
    "scored_at",
)
ANCHOR_COLUMNS = (
    "rubric",
    "rubric_version",
    "criterion",
    "level",
    "sample",
    "sample_title",
    "annotation",
    "status",
)


class ExportKind(StrEnum):
    SCORES = "scores"
    ANCHORS = "anchors"
    SESSION = "session"


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    TOML = "toml"


def export_text(store: Store, session_id: int, *, what: ExportKind, fmt: ExportFormat) -> str:
    """The records of session ``session_id`` as text (see the module docstring for what each
    combination holds). Raises NotFoundError if there is no such session."""
    if what is ExportKind.SESSION:
        if fmt is ExportFormat.CSV:
            return rows_as_csv(score_rows(store, session_id), SCORE_COLUMNS)
        kit = dump_scenario(export_session(store, session_id))
        if fmt is ExportFormat.TOML:
            return kit
        return _json(tomllib.loads(kit))
    if what is ExportKind.SCORES:
        rows, columns = score_rows(store, session_id), SCORE_COLUMNS
    else:
        rows, columns = anchor_rows(store, session_id), ANCHOR_COLUMNS
    if fmt is ExportFormat.CSV:
        return rows_as_csv(rows, columns)
    if fmt is ExportFormat.JSON:
        return _json(rows)
    return rows_as_toml(rows, table=str(what))


def score_rows(store: Store, session_id: int) -> list[Row]:
    """One row per current score of the session, every round, in the store's order (round,
    sample, criterion, rater); the fields are ``SCORE_COLUMNS``. Samples are named by their key
    within the kit (as ``import-scores`` and an exported kit name them) and by title."""
    keys, titles = _sample_names(store, session_id)
    raters = {i: store.get_rater(i).name for i in store.get_session(session_id).rater_ids}
    return [
        {
            "round": s.round,
            "sample": keys[s.sample_id],
            "sample_title": titles[s.sample_id],
            "criterion": s.criterion_key,
            "rater": raters[s.rater_id],
            "level": s.level,
            "note": s.note,
            "scored_at": s.scored_at,
        }
        for s in store.scores(session_id)
    ]


def anchor_rows(store: Store, session_id: int) -> list[Row]:
    """One row per anchor taken from the session (every status), by criterion order and level;
    the fields are ``ANCHOR_COLUMNS``."""
    session = store.get_session(session_id)
    rubric = store.get_rubric(session.rubric_id)
    keys, titles = _sample_names(store, session_id)
    rows: list[Row] = []
    for a in store.anchors(rubric_id=rubric.id):
        if a.session_id != session_id:
            continue
        if a.sample_id not in keys:  # not (or no longer) one of the session's samples
            sample = store.get_sample(a.sample_id)
            keys[a.sample_id] = sample.key or f"sample-{a.sample_id}"
            titles[a.sample_id] = sample.title
        rows.append(
            {
                "rubric": rubric.name,
                "rubric_version": rubric.version,
                "criterion": a.criterion_key,
                "level": a.level,
                "sample": keys[a.sample_id],
                "sample_title": titles[a.sample_id],
                "annotation": a.annotation,
                "status": str(a.status),
            }
        )
    return rows


def rows_as_csv(rows: Sequence[Mapping[str, str | int]], columns: Sequence[str]) -> str:
    """A header of ``columns`` then one line per row, as RFC 4180 has it: CRLF line ends, and
    any cell with a comma, quote or line break quoted (so notes with a lone CR read back).

    A text cell that a spreadsheet would run as a formula (it starts with ``= + - @``, a tab
    or a carriage return) is written with a leading ``'``, as OWASP's CSV-injection advice
    has it; ``calibrate import-scores`` takes that quote off again."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: neutralise_formula(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def neutralise_formula(value: str | int) -> str | int:
    """``value`` as a spreadsheet shows it but never runs it (numbers stay numbers). Text that
    already starts with quotes before a formula sign gets one more, so reading back is exact."""
    if isinstance(value, str) and looks_like_formula(value.lstrip("'")):
        return "'" + value
    return value


def rows_as_toml(rows: Sequence[Mapping[str, str | int]], *, table: str) -> str:
    """One ``[[table]]`` per row (``table = []`` when there are none); long text stays readable
    as multi-line strings, except text with a carriage return: TOML turns the line breaks
    inside a multi-line string into plain newlines, so such text is written escaped."""
    data = {table: [dict(row) for row in rows]}
    has_cr = any(isinstance(v, str) and "\r" in v for row in rows for v in row.values())
    return tomli_w.dumps(data, multiline_strings=not has_cr)


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _sample_names(store: Store, session_id: int) -> tuple[dict[int, str], dict[int, str]]:
    """Each of the session's samples' key within its kit, and its title, by sample id."""
    session = store.get_session(session_id)
    samples = [store.get_sample(i) for i in session.sample_ids]
    keys = kit_keys(samples, kit_name(samples, session))
    titles = {s.id: s.title for s in samples if s.id is not None}
    return keys, titles
