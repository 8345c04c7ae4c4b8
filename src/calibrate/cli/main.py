"""The ``calibrate`` command line: the group, the app it opens without a command, the demo, and
every command group registered from its own module (one module per group, each command a thin
call into ``calibrate.services``)."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from calibrate.cli._common import (
    WholeNumber,
    database_path,
    db_after_command,
    db_option,
    fail,
    open_store,
)
from calibrate.domain.errors import CalibrateError
from calibrate.services.meeting.key_timing import KeyTiming

#: Where each command lives, as ``module:tuple of commands``. A module is imported only when one
#: of its commands runs (or a help page lists them), so `calibrate agree` does not pay for the
#: server, the contracts or the reliability reports before it reads its file.
COMMAND_MODULES: dict[str, str] = {
    "agree": "calibrate.cli.agreement:AGREEMENT_COMMANDS",
    **dict.fromkeys(
        ("load", "import-scores", "export", "sessions", "rubrics", "backup", "merge-raters"),
        "calibrate.cli.records:RECORD_COMMANDS",
    ),
    **dict.fromkeys(("serve", "codes", "join", "seats"), "calibrate.cli.serve:SERVE_COMMANDS"),
    "contract": "calibrate.cli.contracts:CONTRACT_COMMANDS",
    **dict.fromkeys(
        ("raters", "rater", "report"), "calibrate.cli.reliability:RELIABILITY_COMMANDS"
    ),
    "rasch": "calibrate.cli.rasch:RASCH_COMMANDS",
    **dict.fromkeys(("merge", "sync", "schools"), "calibrate.cli.merge:MERGE_COMMANDS"),
    "assessment": "calibrate.cli.assessment:ASSESSMENT_COMMANDS",
}


class LazyGroup(click.Group):
    """The ``calibrate`` group, whose commands are imported from :data:`COMMAND_MODULES` when
    first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in COMMAND_MODULES:
            return command
        module_name, _, attribute = COMMAND_MODULES[cmd_name].partition(":")
        commands = getattr(importlib.import_module(module_name), attribute)
        for candidate in commands:
            self.add_command(candidate)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(package_name="calibrate")
@db_option
@click.option(
    "--minutes",
    type=WholeNumber(min=1),
    default=45,
    show_default=True,
    help="Minutes the meeting has for discussion; the reveal marks which items fit.",
)
@click.option(
    "--pace",
    type=WholeNumber(min=1),
    default=3,
    show_default=True,
    help="Minutes the team takes to discuss one item.",
)
@click.option(
    "--master-key",
    "master_key",
    type=click.Choice(["after", "before"]),
    default=None,
    help="When the team sees the master key in the reveal and consensus: on an item once it "
    "has agreed it (so the key does not anchor the talk; the default), or from the reveal "
    "on. Each session keeps the choice it was revealed with; this changes it for the "
    "sessions revealed now.",
)
@click.pass_context
def cli(
    ctx: click.Context, db_path: Path | None, minutes: int, pace: int, master_key: str | None
) -> None:
    """calibrate: calibration meetings for teacher teams.

    Without a command, opens the app on your database.
    """
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path
    ctx.obj["plan"] = {
        "meeting_minutes": minutes,
        "minutes_per_item": pace,
        "master_key": None if master_key is None else KeyTiming(master_key),
    }
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
    from calibrate.services.records.demo_template import start_from_template
    from calibrate.tui.app import CalibrateApp

    path = database_path(command_db)
    try:
        if not fresh:  # a new database: the demo made ahead, copied (--fresh makes its own)
            start_from_template(path)
    except OSError as exc:
        fail(f"{path}: cannot be written ({exc.strerror or exc})")
    store = open_store(path)
    try:
        session_id = prepare_demo(store, fresh=fresh)
        CalibrateApp(store, open_session=session_id, **ctx.obj["plan"]).run()
    except CalibrateError as exc:
        fail(exc.message)
    finally:
        store.close()
    click.echo(f"The demo meeting is kept in {path}; run `calibrate` to open it again.")


def main() -> None:
    cli()
