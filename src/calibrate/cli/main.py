"""The ``calibrate`` command line: the group, the app it opens without a command, the demo, and
every command group registered from its own module (one module per group, each command a thin
call into ``calibrate.services``)."""

from __future__ import annotations

from pathlib import Path

import click

from calibrate.cli._common import database_path, db_after_command, db_option, fail, open_store
from calibrate.cli.agreement import AGREEMENT_COMMANDS
from calibrate.cli.contracts import CONTRACT_COMMANDS
from calibrate.cli.rasch import RASCH_COMMANDS
from calibrate.cli.records import RECORD_COMMANDS
from calibrate.cli.reliability import RELIABILITY_COMMANDS
from calibrate.cli.serve import SERVE_COMMANDS
from calibrate.domain.errors import CalibrateError


@click.group(invoke_without_command=True)
@click.version_option(package_name="calibrate")
@db_option
@click.option(
    "--minutes",
    type=click.IntRange(min=1),
    default=45,
    show_default=True,
    help="Minutes the meeting has for discussion; the reveal marks which items fit.",
)
@click.option(
    "--pace",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Minutes the team takes to discuss one item.",
)
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, minutes: int, pace: int) -> None:
    """calibrate: calibration meetings for teacher teams.

    Without a command, opens the app on your database.
    """
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path
    ctx.obj["plan"] = {"meeting_minutes": minutes, "minutes_per_item": pace}
    if ctx.invoked_subcommand is None:
        from calibrate.tui.app import CalibrateApp

        store = open_store(db_path)
        try:
            CalibrateApp(store, **ctx.obj["plan"]).run()
        finally:
            store.close()


@cli.command()
@db_after_command
@click.pass_context
@click.option(
    "--fresh",
    is_flag=True,
    help="Start a new demo session instead of reopening the one already there.",
)
def demo(ctx: click.Context, command_db: Path | None, fresh: bool) -> None:
    """Open the grade-8 writing kit's demo meeting, ready to score.

    The demo is kept in your database (the same one plain `calibrate` opens): a second run
    reopens the demo session with its scores, `--fresh` starts a new one.
    """
    from calibrate.services.records.database import prepare_demo
    from calibrate.tui.app import CalibrateApp

    path = database_path(command_db)
    store = open_store(path)
    try:
        session_id = prepare_demo(store, fresh=fresh)
        CalibrateApp(store, open_session=session_id, **ctx.obj["plan"]).run()
    except CalibrateError as exc:
        fail(exc.message)
    finally:
        store.close()
    click.echo(f"The demo meeting is kept in {path}; run `calibrate` to open it again.")


for _command in (
    *AGREEMENT_COMMANDS,
    *RECORD_COMMANDS,
    *SERVE_COMMANDS,
    *CONTRACT_COMMANDS,
    *RELIABILITY_COMMANDS,
    *RASCH_COMMANDS,
):
    cli.add_command(_command)


def main() -> None:
    cli()
