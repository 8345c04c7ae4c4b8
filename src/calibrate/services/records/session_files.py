"""A session's report or export written to a file from inside the app.

The app offers these in its command palette ("report", "export"). The writing opens its own
connection to the database (:func:`write_session_file`), so a front end can run it in a thread
worker without handing the worker its store; the path written is returned to be shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from calibrate.domain.errors import CalibrateError, InvalidOperationError
from calibrate.domain.model import Phase
from calibrate.storage.private_files import write_private_text
from calibrate.storage.store import Store


class SessionFile(StrEnum):
    REPORT_HTML = "report-html"
    REPORT_MD = "report-md"
    REPORT_JSON = "report-json"
    SCORES_CSV = "scores-csv"
    ANCHORS_CSV = "anchors-csv"
    SESSION_TOML = "session-toml"


@dataclass(frozen=True)
class FileKind:
    title: str  # what the command palette lists
    help: str
    suffix: str
    report: bool  # a report (needs the scores revealed) or an export


KINDS: dict[SessionFile, FileKind] = {
    SessionFile.REPORT_HTML: FileKind(
        "Report: the session (HTML, to print)",
        "The team's session report as one web page; it names no rater",
        "report.html",
        True,
    ),
    SessionFile.REPORT_MD: FileKind(
        "Report: the session (Markdown)",
        "The team's session report as Markdown; it names no rater",
        "report.md",
        True,
    ),
    SessionFile.REPORT_JSON: FileKind(
        "Report: the session (JSON data)",
        "Every figure of the session report, as JSON",
        "report.json",
        True,
    ),
    SessionFile.SCORES_CSV: FileKind(
        "Export: the session's scores (CSV)",
        "One row per score of every round, with the rater's note",
        "scores.csv",
        False,
    ),
    SessionFile.ANCHORS_CSV: FileKind(
        "Export: the session's anchors (CSV)",
        "The anchors kept from this session",
        "anchors.csv",
        False,
    ),
    SessionFile.SESSION_TOML: FileKind(
        "Export: the session as a kit (TOML)",
        "Rubric, samples, raters, scores and master key: `calibrate load` reads it back",
        "session.toml",
        False,
    ),
}


def default_path(session_id: int, what: SessionFile, *, folder: Path) -> Path:
    """``folder/session-3-report.html``: where the file goes unless the user says otherwise."""
    return folder / f"session-{session_id}-{KINDS[what].suffix}"


def chosen_path(text: str, *, folder: Path, default_name: str) -> Path:
    """Where the user said the file goes: ``~`` expanded, a relative path taken from
    ``folder``, a folder given the default name. Raises CalibrateError naming the folder if
    it does not exist (nothing is created behind the user's back)."""
    typed = text.strip()
    if not typed:
        raise InvalidOperationError("Type where the file goes, or press Escape.")
    path = Path(typed).expanduser()
    if not path.is_absolute():
        path = folder / path
    if path.is_dir():
        path = path / default_name
    if not path.parent.is_dir():
        raise InvalidOperationError(f"There is no folder {path.parent}; make it first.")
    return path


def check_can_write(store: Store, session_id: int, what: SessionFile) -> None:
    """Refuse early, on the caller's thread, what cannot be written: scores while a blind
    session is still being scored (the file would show them), a report with no scores."""
    session = store.get_session(session_id)
    if (
        session.blind
        and session.phase in (Phase.SETUP, Phase.SCORING)
        and what
        in (
            SessionFile.SCORES_CSV,
            SessionFile.SESSION_TOML,
            *(k for k, v in KINDS.items() if v.report),
        )
    ):
        raise InvalidOperationError(
            "The scores are hidden until the reveal (the session is blind): reports and "
            "score exports can be written after it."
        )


def session_file_text(store: Store, session_id: int, what: SessionFile) -> str:
    """The file's text. The report computes its figures (bootstrap intervals): slow, so call
    this off the UI thread, with a store opened there."""
    from calibrate.services.records.exports import ExportFormat, ExportKind, export_text

    if what is SessionFile.SCORES_CSV:
        return export_text(store, session_id, what=ExportKind.SCORES, fmt=ExportFormat.CSV)
    if what is SessionFile.ANCHORS_CSV:
        return export_text(store, session_id, what=ExportKind.ANCHORS, fmt=ExportFormat.CSV)
    if what is SessionFile.SESSION_TOML:
        return export_text(store, session_id, what=ExportKind.SESSION, fmt=ExportFormat.TOML)
    from calibrate.services.reports import gather

    report = gather.session_report(store, session_id)
    if what is SessionFile.REPORT_JSON:
        from calibrate.services.reports.report_json import session_report_json

        return json.dumps(session_report_json(report), indent=2, ensure_ascii=False)
    if what is SessionFile.REPORT_HTML:
        from calibrate.services.reports.html import session_html

        return session_html(report)
    from calibrate.services.reports.markdown import session_markdown

    return session_markdown(report)


def write_session_file(db_path: Path, session_id: int, what: SessionFile, path: Path) -> Path:
    """Write the file from the database at ``db_path`` through a connection of its own (safe in
    a thread worker), readable by its owner only. Returns the path written; raises
    CalibrateError saying why not (blind, nothing scored, the file cannot be written)."""
    store = Store.open(db_path)
    try:
        check_can_write(store, session_id, what)
        text = session_file_text(store, session_id, what)
    finally:
        store.close()
    try:
        write_private_text(path, text, newline="" if path.suffix == ".csv" else None)
    except OSError as exc:
        raise CalibrateError(f"{path} cannot be written ({exc.strerror or exc}).") from None
    return path
