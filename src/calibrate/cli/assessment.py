"""``calibrate assessment …``: tests mapped to learning targets, from the command line.

``load`` stores a test blueprint (TOML), ``list`` shows the stored tests, ``import-results``
reads a gradebook export (one column per item) all or nothing, ``class`` shows the class as
targets × students (or one student's targets with their evidence), ``groups`` suggests groups of
students who share a gap and exports them, ``contract`` drafts a learning contract from a
student's gaps. Each is one call into ``calibrate.services``; every mistake prints one line
``error: …`` and exits with status 2.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

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
from calibrate.domain.errors import CalibrateError

if TYPE_CHECKING:
    from calibrate.services.assessment.class_view import ClassView

LEGEND = "+ secure   ~ careless only   x gap   ? no evidence"
WIDE_CLASS = 12


@click.group()
def assessment() -> None:
    """Tests mapped to learning targets: each student's reflection on each item, who has a real
    gap on which target, regrouping for re-teaching, and contracts from gaps."""


@assessment.command("load", cls=RecordCommand)
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--title", default="", help="The test's title, for a CSV blueprint (default: its name)."
)
@click.option(
    "--update",
    is_flag=True,
    help="The test is stored already (same key): update it from the file, every result kept "
    "(targets and items by key; an item with results cannot be left out).",
)
@db_after_command
def load(path: Path, title: str, update: bool, command_db: Path | None) -> None:
    """Store the test blueprint PATH: TOML (learning targets "I can …" and items), or a CSV of
    one row per item (columns item, target, statement, points, prompt, rubric, criterion,
    level). A target linked to a rubric criterion needs that rubric's kit loaded first."""
    from calibrate.services.assessment.files import load_blueprint_file

    with records(command_db, create=True) as store:
        before = len(store.list_assessments())
        stored = load_blueprint_file(store, path, title=title, update=update)
        verb = "Updated" if len(store.list_assessments()) == before else "Stored"
    linked = sum(1 for t in stored.targets if t.criterion is not None)
    click.echo(
        f"{verb} the test “{stored.title}” (key {stored.key}, id {stored.id}): "
        f"{len(stored.items)} items on {len(stored.targets)} learning targets, "
        f"{linked} linked to a rubric criterion."
    )


@assessment.command("list", cls=RecordCommand)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@db_after_command
def list_tests(as_json: bool, command_db: Path | None) -> None:
    """List the stored tests: id, key, title, items, targets and students with results."""
    with records(command_db) as store:
        rows = [
            (b, len({r.student_code for r in store.assessment_results(b.id or 0)}))
            for b in store.list_assessments()
        ]
    if as_json:
        data = [
            {
                "id": b.id,
                "key": b.key,
                "title": b.title,
                "items": len(b.items),
                "targets": [{"key": t.key, "statement": t.statement} for t in b.targets],
                "students": n,
            }
            for b, n in rows
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No tests yet: store one with `calibrate assessment load FILE.toml`.")
        return
    table = [
        [str(b.id), b.key, b.title, str(len(b.items)), str(len(b.targets)), str(n)] for b, n in rows
    ]
    header = ["id", "key", "title", "items", "targets", "students"]
    click.echo(text_table(header, table, right={0, 3, 4, 5}))


@assessment.command("import-results", cls=RecordCommand)
@click.argument("test")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@db_after_command
def import_results(test: str, path: Path, command_db: Path | None) -> None:
    """Import the results of TEST (its key or id) from PATH: a CSV with a `student` column of
    codes and one column per item; each cell R (right), S (simple mistake), N (don't get it
    yet), W (wrong, not reflected on) or empty (missing). All or nothing."""
    from calibrate.services.assessment.files import find_assessment, import_results_file

    with records(command_db) as store:
        blueprint = find_assessment(store, test)
        assert blueprint.id is not None
        count = import_results_file(store, blueprint.id, path)
        students = len({r.student_code for r in store.assessment_results(blueprint.id)})
    click.echo(
        f"Imported {count} results into “{blueprint.title}”; it has results for "
        f"{students} students."
    )


@assessment.command("class", cls=RecordCommand)
@click.argument("test")
@click.option("--student", help="One student's targets, with the items behind each.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole class view as JSON.")
@db_after_command
def class_(test: str, student: str | None, as_json: bool, command_db: Path | None) -> None:
    """The class on TEST as targets × students (secure, careless only, gap), with counts per
    target; or, with --student, one student's targets and their evidence."""
    from calibrate.services.assessment.class_view import class_view, class_view_data
    from calibrate.services.assessment.files import find_assessment

    with records(command_db) as store:
        blueprint = find_assessment(store, test)
        assert blueprint.id is not None
        view = class_view(store, blueprint.id)
    if as_json:
        click.echo(json.dumps(class_view_data(view), indent=2, ensure_ascii=False))
        return
    if not view.students:
        fail(f"“{blueprint.title}” has no results yet (calibrate assessment import-results)")
    if student is not None:
        report = view.report(student)
        if report is None:
            fail(f"“{blueprint.title}” has no results for {student}")
        click.echo(f"{student} on “{blueprint.title}”:")
        for r in report.readings:
            items = ", ".join(e.describe() for e in r.evidence) or "none"
            click.echo(f"- {r.target.statement} [{r.target.key}]: {r.status}")
            click.echo(f"    points {r.earned}/{r.possible}; items: {items}")
            if r.note:
                click.echo(f"    note: {r.note}")
        return
    click.echo(f"“{blueprint.title}”: {len(view.students)} students")
    click.echo(heat_map(view))
    click.echo(LEGEND)


def heat_map(view: ClassView) -> str:
    """Targets × students as text, with counts per target. Up to 12 students the targets are
    rows; a larger class has a row per student (T1, T2, … are named below the grid)."""
    from calibrate.services.assessment.classify import TargetStatus

    blueprint = view.blueprint
    keys = [t.key for t in blueprint.targets]
    if len(view.students) <= WIDE_CLASS:
        n = len(view.students)
        header = ["target", *view.students, "secure", "careless", "gap"]
        rows = []
        for key in keys:
            counts = view.counts(key)
            statuses = [view.reading(s, key).status.symbol for s in view.students]
            rows.append(
                [key, *statuses]
                + [str(counts[s]) for s in (TargetStatus.SECURE, TargetStatus.CARELESS)]
                + [str(counts[TargetStatus.GAP])]
            )
        return text_table(header, rows, right={n + 1, n + 2, n + 3})
    names = [f"T{n}" for n in range(1, len(keys) + 1)]
    rows = [
        [student, *(view.reading(student, key).status.symbol for key in keys)]
        for student in view.students
    ]
    for status in (TargetStatus.SECURE, TargetStatus.CARELESS, TargetStatus.GAP):
        label = status.value.split()[0]
        rows.append([label, *(str(view.counts(key)[status]) for key in keys)])
    grid = text_table(["student", *names], rows, right=set(range(1, len(keys) + 1)))
    named = "\n".join(
        f"{name}  {key}: {blueprint.targets[n].statement}"
        for n, (name, key) in enumerate(zip(names, keys, strict=True))
    )
    return f"{grid}\n\n{named}"


@assessment.command("groups", cls=RecordCommand)
@click.argument("test")
@click.option(
    "--size",
    type=WHOLE,
    required=True,
    help="The largest group you want (groups come out as even as possible).",
)
@click.option("--target", "targets", multiple=True, help="Only this target (repeat for several).")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the groups to this CSV file (student codes only).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the groups as JSON.")
@db_after_command
def groups(
    test: str,
    size: int,
    targets: tuple[str, ...],
    output: Path | None,
    as_json: bool,
    command_db: Path | None,
) -> None:
    """Suggest re-teaching groups on TEST: the students who share a gap on each target, in
    groups of at most --size."""
    from calibrate.services.assessment.class_view import class_view
    from calibrate.services.assessment.files import find_assessment
    from calibrate.services.assessment.groups import export_groups, regroup

    with records(command_db) as store:
        blueprint = find_assessment(store, test)
        assert blueprint.id is not None
        found = regroup(class_view(store, blueprint.id), size=size, targets=targets or None)
    if output is not None:
        try:
            export_groups(found, output)
        except CalibrateError as exc:
            fail(exc.message)
        click.echo(f"Wrote {len(found)} groups to {output}.")
        return
    if as_json:
        data = [
            {
                "target": g.target_key,
                "statement": g.statement,
                "group": g.number,
                "of": g.of,
                "students": list(g.students),
            }
            for g in found
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("Nobody has a gap on these targets: no groups to suggest.")
        return
    for g in found:
        label = f"{g.target_key} {g.number}/{g.of}"
        click.echo(f"{label}: {', '.join(g.students)}  ({g.statement})")


@assessment.command("contract", cls=RecordCommand)
@click.argument("test")
@click.argument("student")
@click.option("--teacher", required=True, help="The student's teacher.")
@click.option(
    "--target", "targets", multiple=True, help="Only this gap (repeat for several; up to 3)."
)
@click.option("--class", "class_name", default="", help="The student's class (e.g. 5B).")
@click.option("--start", help="The start date, YYYY-MM-DD (default: today).")
@db_after_command
def contract(
    test: str,
    student: str,
    teacher: str,
    targets: tuple[str, ...],
    class_name: str,
    start: str | None,
    command_db: Path | None,
) -> None:
    """Start a draft learning contract for STUDENT from their gaps on TEST: each gap becomes a
    target (the learning target, to secure), with the test items as its starting evidence and,
    for a target on a rubric criterion, that criterion's approved anchors."""
    from calibrate.services.assessment.files import find_assessment
    from calibrate.services.contracts.from_test import draft_from_gaps
    from calibrate.services.contracts.plans import create_contract

    try:
        today = None if start is None else date.fromisoformat(start)
    except ValueError:
        fail(f"--start: “{start}” is not a date; write it as YYYY-MM-DD")
    with records(command_db) as store:
        blueprint = find_assessment(store, test)
        assert blueprint.id is not None
        draft = draft_from_gaps(
            store,
            blueprint.id,
            student,
            teacher=teacher,
            targets=targets or None,
            class_name=class_name,
            today=today,
        )
        stored = create_contract(store, draft.contract)
    plan = ", ".join(
        f"{t.criterion_key} ({len(t.evidence)} items, {len(t.anchor_ids)} "
        f"anchor{'' if len(t.anchor_ids) == 1 else 's'})"
        for t in stored.current.targets
    )
    click.echo(
        f"Created draft contract {stored.id} for {stored.student_code}: {plan}; "
        f"due {stored.current.last_due_date}."
    )
    if draft.left_out:
        click.echo(f"Also a gap, for a later contract: {', '.join(draft.left_out)}.")


@assessment.command("export", cls=RecordCommand)
@click.argument("test")
@click.option("--results", is_flag=True, help="The results as CSV instead of the blueprint.")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (default: print).",
)
@db_after_command
def export(test: str, results: bool, output: Path | None, command_db: Path | None) -> None:
    """TEST as the file it loads from: its blueprint as TOML (what `assessment load` reads), or
    with --results its results as CSV (what `assessment import-results` reads)."""
    from calibrate.services.assessment.files import export_test, find_assessment

    with records(command_db) as store:
        blueprint = find_assessment(store, test)
        assert blueprint.id is not None
        text = export_test(store, blueprint.id, results=results)
    if output is None:
        click.echo(text, nl=False)
        return
    write_private(output, text, newline="" if results else None)
    click.echo(
        f"Wrote {'the results' if results else 'the blueprint'} of “{blueprint.title}” to {output}."
    )


@assessment.command("enter", cls=RecordCommand)
@click.argument("test")
@db_after_command
def enter(test: str, command_db: Path | None) -> None:
    """Open the app on TEST's results grid: students × items, one key per answer (R, S, N, W;
    Delete clears; A adds a student; V shows the class view)."""
    from calibrate.services.assessment.files import find_assessment
    from calibrate.tui.app import CalibrateApp

    with records(command_db) as store:
        blueprint = find_assessment(store, test)
        CalibrateApp(store, open_assessment=blueprint.id).run()


def _add_reflection_commands() -> None:
    from calibrate.cli.reflection import REFLECTION_COMMANDS

    for command in REFLECTION_COMMANDS:
        assessment.add_command(command)


_add_reflection_commands()
ASSESSMENT_COMMANDS = (assessment,)
