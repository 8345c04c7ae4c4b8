"""The records commands of ``calibrate``: load kits, import and export scores, list, back up.

Each command is one call into ``calibrate.services.records`` (errors and ``--db`` as in
:mod:`calibrate.cli._common`).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from calibrate.cli._common import (
    WHOLE,
    RecordCommand,
    db_after_command,
    fail,
    records,
    text_table,
    write_private,
)

# The same names as calibrate.services.records.exports.ExportKind / ExportFormat (a test checks);
# spelled out here so that `calibrate --help` does not load the storage layer.
EXPORT_KINDS = ("scores", "anchors", "session")
EXPORT_FORMATS = ("csv", "json", "toml")


@click.command(cls=RecordCommand)
@click.argument("scenario", metavar="SCENARIO.toml", type=click.Path(path_type=Path))
@db_after_command
def load(scenario: Path, command_db: Path | None) -> None:
    """Store a workshop kit (a scenario TOML file): its rubric, samples, raters, master key,
    recorded session (scores, consensus) and anchors, all or nothing.

    Loading the same kit again creates nothing; samples already stored with the same text are
    reused. The format is described in docs/scenario-format.md. A file ending in .json is read
    as the same kit in JSON (what `calibrate export session --format json` writes).
    """
    from calibrate.domain.errors import CalibrateError
    from calibrate.services.records.database import (
        check_scenario_file,
        load_checked_kit,
        load_summary,
    )

    if not scenario.is_file():
        fail(f"{scenario}: there is no such file")
    try:
        kit = check_scenario_file(scenario)  # before the database: a bad kit creates no file
    except CalibrateError as exc:
        fail(exc.message)
    with records(command_db, create=True) as store:
        click.echo(load_summary(load_checked_kit(store, kit, source=scenario)))


@click.command("import-scores", cls=RecordCommand)
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(path_type=Path))
@click.option(
    "--session",
    "session_id",
    type=WHOLE,
    required=True,
    help="The id of the session to import into (see: calibrate sessions).",
)
@db_after_command
def import_scores(csv_file: Path, session_id: int, command_db: Path | None) -> None:
    """Import scores (e.g. collected on paper) into a session that is being scored.

    The CSV file has a header row with the columns sample, criterion, rater, level and
    optionally note, then one score per row; sample is the sample's key (as in the kit) or its
    title; rater is a rater's name (letter case and spacing aside). Every row is checked
    first: if one is wrong, the error names its line and column and nothing is imported.
    """
    from calibrate.services.records.database import import_scores_file

    with records(command_db) as store:
        n = import_scores_file(store, csv_file, session_id)
        click.echo(f"{n} score{'' if n == 1 else 's'} imported into session {session_id}.")


@click.command(cls=RecordCommand)
@click.argument("what", type=click.Choice(EXPORT_KINDS))
@click.option("--session", "session_id", type=WHOLE, required=True, help="The session's id.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="csv",
    show_default=True,
    help="The file format.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (replacing it) instead of the screen.",
)
@db_after_command
def export(
    what: str, session_id: int, fmt: str, output: Path | None, command_db: Path | None
) -> None:
    """Export a session's scores, its anchors, or the whole session.

    \b
    scores   one row per current score of every round: round, sample (its key),
             sample_title, criterion, rater, level, note, scored_at.
             csv: those columns; json: a list of objects; toml: [[scores]] tables.
    anchors  the anchors taken from the session: rubric, rubric_version, criterion,
             level, sample, sample_title, annotation, status.
             csv: those columns; json: a list of objects; toml: [[anchors]] tables.
    session  toml: the session as a workshop kit (rubric, samples, raters, scores,
             master key, anchors) that `calibrate load` reads back;
             json: the same kit as JSON; csv: the scores rows, as for scores.
    """
    from calibrate.services.records.exports import ExportFormat, ExportKind, export_text

    with records(command_db) as store:
        text = export_text(store, session_id, what=ExportKind(what), fmt=ExportFormat(fmt))
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_private(output, text, newline="")
    except OSError as exc:
        fail(f"{output}: cannot be written ({exc.strerror or exc})")
    subject = (
        f"session {session_id}" if what == "session" else f"the {what} of session {session_id}"
    )
    click.echo(f"Wrote {subject} ({fmt}) to {output}.")


@click.command(cls=RecordCommand)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@db_after_command
def sessions(as_json: bool, command_db: Path | None) -> None:
    """List the sessions, newest first: id, date, phase, title, rubric, raters and progress."""
    from calibrate.services.records.catalog import session_summaries

    with records(command_db) as store:
        summaries = session_summaries(store)
    if as_json:
        data = [
            {
                "id": s.session.id,
                "title": s.session.title,
                "date": s.session.date,
                "phase": str(s.session.phase),
                "round": s.session.round,
                "facilitator": s.session.facilitator,
                "rubric_id": s.session.rubric_id,
                "rubric": s.rubric_name,
                "rubric_version": s.rubric_version,
                "samples": s.n_samples,
                "raters": s.n_raters,
                "criteria": s.n_criteria,
                "scores": s.n_scores,
                "expected_scores": s.expected,
                "progress": s.progress_text,
            }
            for s in summaries
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not summaries:
        click.echo("No sessions yet. Load a kit with: calibrate load SCENARIO.toml")
        return
    header = ("id", "date", "phase", "title", "rubric", "raters", "progress")
    rows = [
        (
            str(s.session.id),
            s.session.date,
            str(s.session.phase),
            s.session.title,
            f"{s.rubric_name} v{s.rubric_version}",
            str(s.n_raters),
            s.progress_text,
        )
        for s in summaries
    ]
    click.echo(text_table(header, rows, right={0, 5}))


@click.command(cls=RecordCommand)
@click.option("--all-versions", is_flag=True, help="List every version, not only the newest.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@db_after_command
def rubrics(all_versions: bool, as_json: bool, command_db: Path | None) -> None:
    """List the rubrics by name (the newest version of each): id, version, date stored,
    criteria, levels, how many sessions and anchors use that version, and the use of its
    other versions."""
    from calibrate.services.records.database import list_rubrics

    with records(command_db) as store:
        summaries = list_rubrics(store, all_versions=all_versions)
    if as_json:
        data = [
            {
                "id": s.rubric.id,
                "family_id": s.rubric.family_id,
                "name": s.rubric.name,
                "version": s.rubric.version,
                "subject": s.rubric.subject,
                "grade_band": s.rubric.grade_band,
                "kind": str(s.rubric.kind),
                "created_at": s.rubric.created_at,
                "criteria": [c.key for c in s.rubric.criteria],
                "levels": s.n_levels,
                "sessions": s.n_sessions,
                "anchors": s.n_anchors,
                "versions": [
                    {
                        "id": v.rubric_id,
                        "version": v.version,
                        "sessions": v.n_sessions,
                        "anchors": v.n_anchors,
                    }
                    for v in s.versions
                ],
            }
            for s in summaries
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not summaries:
        click.echo("No rubrics yet. Load a kit with: calibrate load SCENARIO.toml")
        return
    header = (
        "id",
        "name",
        "version",
        "date",
        "criteria",
        "levels",
        "sessions",
        "anchors",
        "other versions",
    )
    rows = [
        (
            str(s.rubric.id),
            s.rubric.name,
            str(s.rubric.version),
            s.rubric.created_at[:10],
            str(len(s.rubric.criteria)),
            str(s.n_levels),
            str(s.n_sessions),
            str(s.n_anchors),
            s.other_use_text or ("unused" if s.other_versions else "—"),
        )
        for s in summaries
    ]
    click.echo(text_table(header, rows, right={0, 2, 4, 5, 6, 7}))
    if not all_versions and any(s.other_versions for s in summaries):
        click.echo("\nSessions and anchors count this version only; --all-versions lists each.")


@click.command(cls=RecordCommand)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@db_after_command
def backup(path: Path, force: bool, command_db: Path | None) -> None:
    """Copy the whole database to PATH, a single file.

    Safe while the app is open (SQLite's online backup). An existing PATH is kept unless you
    add --force; it is replaced only once the new copy is complete.
    """
    from calibrate.services.records.database import backup_database

    with records(command_db) as store:
        backup_database(store, path, force=force)
        click.echo(f"Backed up {store.path} to {path}.")


@click.command("merge-raters", cls=RecordCommand)
@click.argument("keep")
@click.argument("other")
@click.option("--json", "as_json", is_flag=True, help="Print what was moved as JSON.")
@db_after_command
def merge_raters(keep: str, other: str, as_json: bool, command_db: Path | None) -> None:
    """Fold OTHER into KEEP: two entries for one person ("Ann Lee" and "ann lee").

    KEEP and OTHER are a rater's id or name. Every score, note, session seat, anchor and
    contract of OTHER moves to KEEP and OTHER goes, all or nothing; if both scored the same
    item, nothing is merged and the items are named (the app's Manage raters, m, does the same).
    """
    from calibrate.services.authoring import raters as svc

    with records(command_db) as store:
        kept, dropped = svc.find_rater(store, keep), svc.find_rater(store, other)
        assert kept.id is not None and dropped.id is not None
        if kept.id == dropped.id:
            fail(f"“{kept.name}” is named twice; give two different raters.")
        report = svc.merge_raters(store, kept.id, dropped.id)
        if as_json:
            moved = dataclasses.asdict(report)
            del moved["kept_id"], moved["dropped_name"]  # said as "kept" and "merged"
            out = {"kept": {"id": kept.id, "name": kept.name}, "merged": dropped.name, **moved}
            click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            click.echo(
                f"{svc.merged_message(report, kept)} (“{dropped.name}” was id {dropped.id}.)"
            )


RECORD_COMMANDS = (load, import_scores, export, sessions, rubrics, backup, merge_raters)
