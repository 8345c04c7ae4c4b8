"""``calibrate assessment slips`` and ``calibrate assessment serve``: students reflect on their
own test on their own device.

``slips`` prints each student's slip code (to print and hand out, or save as CSV); ``serve``
runs the small web page where a student types their slip code and marks each item they got
wrong as a simple mistake or something they don't get yet. Every mistake prints one line
``error: …`` and exits with status 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from calibrate.cli._common import RecordCommand, db_after_command
from calibrate.cli.serve import (
    allowed_hosts,
    open_server,
    public_address,
    served_store,
    server_options,
    tell_reach,
)


@click.command("slips", cls=RecordCommand)
@click.argument("test")
@click.option(
    "--csv",
    "output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write student,slip as CSV to this file (readable by you only) instead of printing.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the slips as JSON.")
@db_after_command
def slips(test: str, output: Path | None, as_json: bool, command_db: Path | None) -> None:
    """Each student's slip code for TEST (its key or id): the code that opens that student's
    own reflection page while `calibrate assessment serve TEST` runs. Nothing new is stored,
    so the same codes can be printed again at any time."""
    from calibrate.services.assessment.files import find_assessment
    from calibrate.services.assessment.reflection import export_slips, printed_slips

    with served_store(command_db) as store:
        blueprint = find_assessment(store, test)
        assert blueprint.id is not None
        rows = printed_slips(store, blueprint.id)
        if rows and output is not None:
            count = export_slips(store, blueprint.id, output)
            click.echo(f"Wrote {count} slips to {output} (readable by you only).")
            return
    if not rows:
        click.echo(
            f"“{blueprint.title}” has no results yet: import or enter them first "
            "(calibrate assessment import-results); a slip opens a student's own results."
        )
        return
    if as_json:
        click.echo(json.dumps([{"student": s, "slip": c} for s, c in rows]))
        return
    click.echo(f"Slip codes for “{blueprint.title}” (cut along the lines; one per student):")
    for student, code in rows:
        click.echo(f"  {student:<12} {code}")


@click.command("serve", cls=RecordCommand)
@click.argument("test")
@server_options
@db_after_command
def serve_test(
    test: str,
    host: str,
    port: int,
    public_url: str | None,
    extra_hosts: tuple[str, ...],
    tls_cert: Path | None,
    tls_key: Path | None,
    command_db: Path | None,
) -> None:
    """Let students reflect on TEST (its key or id) on their own device: each opens the
    printed address, types the slip code from `calibrate assessment slips`, and marks each
    item they got wrong as a simple mistake or something they don't get yet. They see only
    their own results; every choice is saved the moment it is made."""
    from calibrate.serve.app import make_reflect_app, run
    from calibrate.serve.reflect_views import Desk
    from calibrate.services.assessment.files import find_assessment

    sock, ssl_context = open_server(host, port, tls_cert, tls_key)
    with served_store(command_db) as store:
        blueprint = find_assessment(store, test)
        assert blueprint.id is not None
        students = len({r.student_code for r in store.assessment_results(blueprint.id)})
        url = public_address(host, port, public_url, scheme="https" if ssl_context else "http")
        click.echo(f"Serving “{blueprint.title}” for {students} students at  {url}")
        click.echo(
            "Students: open that address and type the code on your slip "
            f"(calibrate assessment slips {blueprint.key})."
        )
        tell_reach(
            host,
            url,
            encrypted=ssl_context is not None,
            only_here="Only this computer can open it. To serve the class: --host 0.0.0.0",
            others="Anyone on this network can open the page, but a slip code opens only that "
            "student's own results.",
        )
        desk = Desk(store, blueprint.id, secure=ssl_context is not None)
        app = make_reflect_app(desk, allowed_hosts=allowed_hosts(host, public_url, extra_hosts))
        run(app, sock, ssl_context=ssl_context)


REFLECTION_COMMANDS = (slips, serve_test)
