"""Many schools' records in one database: ``calibrate merge`` brings other databases and kits in,
``calibrate sync`` writes this one's records as a file a coach can collect, ``calibrate
schools`` compares the schools on the work they all scored.

Each command is one call into ``calibrate.services.records`` (errors and ``--db`` as in
:mod:`calibrate.cli._common`).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click

from calibrate.cli._common import WHOLE, RecordCommand, db_after_command, fail, records, text_table
from calibrate.domain.errors import CalibrateError


@click.command(cls=RecordCommand)
@click.argument(
    "sources",
    metavar="OTHER.db|KIT.toml...",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
)
@click.option(
    "--map-raters",
    "rater_map",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A CSV file of lines their_name,our_name: raters of the other school who are our "
    "raters under another (or the same) name.",
)
@click.option(
    "--as-separate",
    is_flag=True,
    help="Bring in a rater whose name is taken here as a separate person, named "
    "“Name (file name)”.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what came in as JSON.")
@db_after_command
def merge(
    sources: tuple[Path, ...],
    rater_map: Path | None,
    as_separate: bool,
    as_json: bool,
    command_db: Path | None,
) -> None:
    """Merge other schools' databases (or kits) into this one.

    Each source comes in all or nothing, in one transaction; merging the same file twice
    changes nothing. The source is only read (one made by an older calibrate is brought up to
    date on a temporary copy). Nothing is overwritten: a record that says something else in the
    source is reported and ours kept, a rubric edited in both places keeps both versions, a
    sample key used for other work keeps both samples. A rater whose name is taken here by
    someone else stops that source unless --map-raters or --as-separate says what to do.
    Live-meeting join and facilitator codes and seats are not copied.
    """
    from calibrate.services.records.merge import (
        merge_source,
        merge_summary,
        read_rater_map,
        report_json,
    )

    failed = 0
    results: list[dict[str, object]] = []
    with records(command_db, create=True) as store:
        names = read_rater_map(rater_map) if rater_map is not None else {}
        for source in sources:
            try:
                report = merge_source(store, source, rater_names=names, as_separate=as_separate)
            except CalibrateError as exc:
                failed += 1
                click.echo(f"error: {exc.message}", err=True)
                results.append({"source": str(source), "error": exc.message})
                continue
            if as_json:
                results.append(report_json(source, report))
            else:
                click.echo(merge_summary(source, report))
    if as_json:
        click.echo(json.dumps(results, indent=2, ensure_ascii=False))
    if failed:
        sys.exit(2)


@click.command(cls=RecordCommand)
@click.option(
    "--to",
    "folder",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder to write to (a shared drive, a USB stick).",
)
@click.option(
    "--school",
    help="The school's name, used as the file's name (default: the database file's name;"
    " needed for the default database).",
)
@db_after_command
def sync(folder: Path, school: str | None, command_db: Path | None) -> None:
    """Write this database's records to FOLDER/SCHOOL.db for a coach to merge.

    The file is replaced whole each time (merging is idempotent, so the coach's database gets
    what is new and nothing twice). Live-meeting codes, seats and the room's key are left out.
    """
    from calibrate.services.records.sync import sync_to_folder

    with records(command_db) as store:
        try:
            written = sync_to_folder(store, folder, school=school)
        except OSError as exc:
            fail(f"{folder}: cannot write there ({exc.strerror or exc})")
        click.echo(
            f"Wrote {written.records} records to {written.path}"
            f" ({written.new} new since the last sync to this folder)."
        )


@click.command(cls=RecordCommand)
@click.option("--json", "as_json", is_flag=True, help="Print the view as JSON.")
@click.option(
    "--rasch",
    is_flag=True,
    help="Put every school's raters on one Rasch scale instead (see docs/rasch.md).",
)
@click.option(
    "--rubric",
    "rubric_id",
    type=WHOLE,
    help="With --rasch: a version id of the rubric (default: the one with the most meetings).",
)
@db_after_command
def schools(as_json: bool, rasch: bool, rubric_id: int | None, command_db: Path | None) -> None:
    """School by school agreement on the samples every school scored (for coaches).

    On a database that `calibrate merge` filled: for each school, its first-round scores on
    the samples and criteria with an agreed level (an approved anchor, else the master key)
    that at least two schools scored: the share at the agreed level, within one level, and the
    mean difference in levels (+ scores higher). Every school is measured on the same work.

    With --rasch: every school's raters on one scale (many-facet Rasch model on every revealed
    meeting of one rubric), and each school's mean difference from the district in levels.
    It names raters: for coaches.
    """
    from calibrate.services.district.schools import cross_school_agreement

    if rasch:
        _schools_rasch(command_db, rubric_id, as_json=as_json)
        return
    with records(command_db) as store:
        view = cross_school_agreement(store)
    if as_json:
        data = {
            "shared_cells": view.shared_cells,
            "note": view.note,
            "schools": [dataclasses.asdict(row) for row in view.schools],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    header = ("school", "sessions", "raters", "cells", "scores", "at level", "within 1", "lean")
    rows = [
        (
            row.school,
            str(row.sessions),
            str(row.raters),
            str(row.cells),
            str(row.scores),
            "—" if row.exact is None else f"{row.exact:.0%}",
            "—" if row.within_one is None else f"{row.within_one:.0%}",
            "—" if row.lean is None else f"{row.lean:+.2f}",
        )
        for row in view.schools
    ]
    click.echo(f"{view.shared_cells} shared sample-criterion cells with an agreed level.")
    if rows:
        click.echo(text_table(header, rows, right={1, 2, 3, 4, 5, 6, 7}))
    for row in view.schools:
        if row.samples:
            click.echo(f"{row.school} scored: {', '.join(row.samples)}")
        elif row.note:
            click.echo(f"{row.school}: {row.note}")
        if row.anchors:
            click.echo(f"{row.school}'s anchors: {', '.join(row.anchors)}")
    if view.note:
        click.echo(view.note)


def _schools_rasch(command_db: Path | None, rubric_id: int | None, *, as_json: bool) -> None:
    from calibrate.services.district.rasch import busiest_family, district_lines, district_rasch

    with records(command_db) as store:
        family = busiest_family(store) if rubric_id is None else None
        if rubric_id is not None:
            family = store.get_rubric(rubric_id).family_id or rubric_id
        if family is None:
            fail("there is no meeting here yet to put raters on a scale")
        result = district_rasch(store, family)
    fit = result.fit
    if as_json:
        data = {
            "meetings": result.meetings,
            "left_out": list(result.left_out),
            "reason": fit.reason,
            "schools": [dataclasses.asdict(s) for s in result.schools],
            "readings": {r.rater: list(r.sentences) for r in fit.readings},
            "fit": None if fit.fit is None else fit.fit.as_json(),
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if fit.reason:
        fail(f"{fit.ratings.title}: {fit.reason}")
    for line in district_lines(result):
        click.echo(line)


MERGE_COMMANDS = (merge, sync, schools)
