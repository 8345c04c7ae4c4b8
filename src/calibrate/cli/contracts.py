"""``calibrate contract …``: learning contracts from the command line.

``list`` shows the contracts, ``export`` writes one as a printable document (Markdown or HTML)
or as JSON, ``new`` starts a draft from a sample scored in a session (current levels, suggested
targets and their anchors filled in; edit it in the app). Over time, so that a teacher can
script it and a coach audit it: ``activate`` (the draft is agreed), ``progress`` (a log entry),
``review`` (a checkpoint), ``amend`` (a new version with its reason) and ``close`` (the
reassessment). Each is one call into ``calibrate.services``; every mistake prints one line
``error: …`` naming the option, and exits with status 2.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import click

from calibrate.cli._common import (
    WHOLE,
    RecordCommand,
    WholeNumber,
    db_after_command,
    fail,
    records,
    text_table,
    write_private,
)
from calibrate.cli.contract_tracking import TRACKING_COMMANDS
from calibrate.domain.contracts import ContractStatus, LevelSource

# The same names as calibrate.services.contracts.export.ContractFormat (checked by a test);
# spelled out here so that `calibrate --help` does not load the storage layer.
CONTRACT_FORMATS = ("md", "html", "json")
SOURCES = {"consensus": LevelSource.CONSENSUS, "teacher": LevelSource.TEACHER}


@click.group()
def contract() -> None:
    """Learning contracts: a student's targets on the rubric, with the anchors of the target
    level, built from a scored sample."""


@contract.command("list", cls=RecordCommand)
@click.option("--teacher", help="Only this teacher's contracts.")
@click.option("--class", "class_name", help="Only the contracts of this class (e.g. 8B).")
@click.option(
    "--status", type=click.Choice([s.value for s in ContractStatus]), help="Only this status."
)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@db_after_command
def list_contracts(
    teacher: str | None,
    class_name: str | None,
    status: str | None,
    as_json: bool,
    command_db: Path | None,
) -> None:
    """List the contracts, newest first: id, student code, class, teacher, rubric, status,
    version, targets and the next checkpoint."""
    from calibrate.services.contracts.plans import contract_summaries

    with records(command_db) as store:
        summaries = contract_summaries(
            store,
            teacher=teacher,
            status=None if status is None else ContractStatus(status),
            class_name=class_name,
        )
    if as_json:
        data = [
            {
                "id": s.id,
                "student_code": s.contract.student_code,
                "class": s.contract.class_name,
                "teacher": s.contract.teacher,
                "rubric_id": s.rubric.id,
                "rubric": s.rubric.name,
                "rubric_version": s.rubric.version,
                "status": str(s.contract.status),
                "version": s.contract.version,
                "targets": [
                    {
                        "criterion": t.criterion_key,
                        "current_level": t.current_level,
                        "target_level": t.target_level,
                        "due_date": t.due_date,
                    }
                    for t in s.contract.current.targets
                ],
                "next_checkpoint": s.next_checkpoint,
                "progress_entries": s.n_progress,
                "last_review": None if s.last_review is None else str(s.last_review.outcome),
                "updated_at": s.contract.updated_at,
            }
            for s in summaries
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not summaries:
        click.echo("No contracts yet. Start one with: calibrate contract new --help")
        return
    header = (
        "id",
        "student",
        "class",
        "teacher",
        "rubric",
        "status",
        "version",
        "targets",
        "next check",
    )
    rows = [
        (
            str(s.id),
            s.contract.student_code,
            s.contract.class_name or "-",
            s.contract.teacher,
            f"{s.rubric.name} v{s.rubric.version}",
            str(s.contract.status),
            str(s.contract.version),
            ", ".join(
                f"{t.criterion_key} {t.current_level}→{t.target_level}"
                for t in s.contract.current.targets
            ),
            s.next_checkpoint or "-",
        )
        for s in summaries
    ]
    click.echo(text_table(header, rows, right={0, 6}))


@contract.command(cls=RecordCommand)
@click.argument("contract_id", metavar="ID", type=WHOLE)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CONTRACT_FORMATS),
    required=True,
    help="md or html: a printable document to sign; json: the full data.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (replacing it) instead of the screen.",
)
@click.option(
    "--with-name",
    is_flag=True,
    help="Include the student's display name (left out by default: it stays on this computer).",
)
@db_after_command
def export(
    contract_id: int, fmt: str, output: Path | None, with_name: bool, command_db: Path | None
) -> None:
    """Export contract ID (see: calibrate contract list).

    md and html give a student-friendly document: where the student is now, the targets in
    the rubric's student wording with the anchors quoted, activities, supports, commitments,
    accommodations, the review schedule, the progress log, reviews, the closing reassessment
    and signature lines. The HTML page is self-contained and prints cleanly. json gives every
    version and record.
    """
    from calibrate.services.contracts.export import ContractFormat, export_contract

    with records(command_db) as store:
        text = export_contract(store, contract_id, ContractFormat(fmt), include_name=with_name)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_private(output, text)
    except OSError as exc:
        fail(f"{output}: cannot be written ({exc.strerror or exc})")
    click.echo(f"Wrote contract {contract_id} ({fmt}) to {output}.")


@contract.command(cls=RecordCommand)
@click.option("--session", "session_id", type=WHOLE, required=True, help="The session's id.")
@click.option(
    "--sample", required=True, help="The scored sample: its id, its key in the kit, or title."
)
@click.option("--teacher", required=True, help="The teacher's name, as a rater.")
@click.option(
    "--source",
    type=click.Choice(list(SOURCES)),
    default="consensus",
    show_default=True,
    help="consensus: the agreed level, else the teacher's score; teacher: the teacher's own.",
)
@click.option("--targets", type=WholeNumber(1, 3), default=2, show_default=True, help="How many.")
@click.option("--student-name", default="", help="A display name, kept on this computer only.")
@click.option("--class", "class_name", default="", help="The student's class (e.g. 8B).")
@click.option("--start", help="The start date, YYYY-MM-DD (default: today).")
@db_after_command
def new(
    session_id: int,
    sample: str,
    teacher: str,
    source: str,
    targets: int,
    student_name: str,
    class_name: str,
    start: str | None,
    command_db: Path | None,
) -> None:
    """Start a draft contract from a sample scored in a session: the current levels, the
    suggested targets (the next level on the weakest criteria) and the approved anchors of each
    target level are filled in."""
    from calibrate.services.contracts.plans import create_contract, draft_from_sample

    try:
        today = None if start is None else date.fromisoformat(start)
    except ValueError:
        fail(f"--start: “{start}” is not a date; write it as YYYY-MM-DD")
    with records(command_db) as store:
        rater = store.rater_by_name(teacher)
        if rater is None or rater.id is None:
            fail(f"there is no rater named “{teacher}”")
        session = store.get_session(session_id)
        chosen = [
            s
            for s in (store.get_sample(i) for i in session.sample_ids)
            if sample in (str(s.id), s.key, s.title) or s.key.endswith(f"/{sample}")
        ]
        if len(chosen) != 1 or chosen[0].id is None:
            fail(f"the session {session_id} has no sample “{sample}”")
        draft = draft_from_sample(
            store,
            session_id,
            chosen[0].id,
            teacher_id=rater.id,
            source=SOURCES[source],
            student_name=student_name,
            today=today,
            count=targets,
        )
        if not draft.contract.current.targets:
            fail(
                f"there is nothing to suggest for “{sample}”: it has no consensus or score by "
                f"{teacher} below the top level"
            )
        stored = create_contract(store, replace(draft.contract, class_name=class_name))
    plan = ", ".join(
        f"{t.criterion_key} {t.current_level} → {t.target_level} "
        f"({len(t.anchor_ids)} anchor{'' if len(t.anchor_ids) == 1 else 's'})"
        for t in stored.current.targets
    )
    due = stored.current.last_due_date
    click.echo(f"Created draft contract {stored.id} for {stored.student_code}: {plan}; due {due}.")
    if draft.missing:
        click.echo(f"No level yet for {', '.join(draft.missing)}: enter them by hand in the app.")


for _command in TRACKING_COMMANDS:  # activate, progress, review, amend, close
    contract.add_command(_command)

CONTRACT_COMMANDS = (contract,)
