"""The ``calibrate`` command line: the group, the app it opens without a command, the demo, and
every command group registered from its own module (one module per group, each command a thin
call into ``calibrate.services``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from calibrate.cli._common import db_option, fail, open_store
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
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None) -> None:
    """calibrate: calibration meetings for teacher teams.

    Without a command, opens the app on your database.
    """
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path
    if ctx.invoked_subcommand is None:
        from calibrate.tui.app import CalibrateApp

        store = open_store(db_path)
        try:
            CalibrateApp(store).run()
        finally:
            store.close()


@cli.command()
@click.option(
    "--keep",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Keep the demo database in this file instead of a temporary one.",
)
def demo(keep: Path | None) -> None:
    """Open a fresh copy of the grade-8 writing kit, ready to score."""
    from calibrate.services.records.database import prepare_demo
    from calibrate.storage.store import Store
    from calibrate.tui.app import CalibrateApp

    with tempfile.TemporaryDirectory(prefix="calibrate-demo-") as folder:
        path = keep or Path(folder) / "demo.db"
        if keep is not None and keep.exists():
            fail(f"{keep} already exists; choose a new file for the demo")
        store = Store.open(path)
        try:
            session_id = prepare_demo(store)
            CalibrateApp(store, open_session=session_id).run()
        except CalibrateError as exc:
            fail(exc.message)
        finally:
            store.close()


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
