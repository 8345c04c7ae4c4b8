"""The ``calibrate`` command line. Each command is a thin call into ``calibrate.services``."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from calibrate.cli_contracts import CONTRACT_COMMANDS
from calibrate.cli_records import RECORD_COMMANDS
from calibrate.cli_reliability import RELIABILITY_COMMANDS
from calibrate.cli_serve import SERVE_COMMANDS
from calibrate.domain.errors import CalibrateError
from calibrate.domain.ratings import Measurement

if TYPE_CHECKING:
    from calibrate.storage.store import Store

F = TypeVar("F", bound=Callable[..., object])


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def db_option(fn: F) -> F:
    """``--db PATH``: which database file (default: CALIBRATE_DB, CALIBRATE_HOME or the user's
    data folder)."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(path_type=Path, dir_okay=False),
        envvar="CALIBRATE_DB",
        help="The database file (default: $CALIBRATE_DB, or calibrate.db in $CALIBRATE_HOME "
        "or the user's data folder).",
    )(fn)


def open_store(db_path: Path | None) -> Store:
    from calibrate.storage.database import default_db_path
    from calibrate.storage.store import Store

    path = db_path or default_db_path(os.environ)
    try:
        return Store.open(path)
    except sqlite3.Error as exc:
        _fail(f"{path}: cannot be opened as a calibrate database ({exc})")
        raise AssertionError from exc  # unreachable: _fail exits


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
    from calibrate.services.records import prepare_demo
    from calibrate.storage.store import Store
    from calibrate.tui.app import CalibrateApp

    with tempfile.TemporaryDirectory(prefix="calibrate-demo-") as folder:
        path = keep or Path(folder) / "demo.db"
        if keep is not None and keep.exists():
            _fail(f"{keep} already exists; choose a new file for the demo")
        store = Store.open(path)
        try:
            session_id = prepare_demo(store)
            CalibrateApp(store, open_session=session_id).run()
        except CalibrateError as exc:
            _fail(exc.message)
        finally:
            store.close()


@cli.command()
@click.argument("ratings", type=click.Path(path_type=Path))
@click.option(
    "--level",
    type=click.Choice([m.value for m in Measurement]),
    required=True,
    help="Level of measurement of the scores (rubric levels are usually ordinal).",
)
@click.option(
    "--categories",
    help="The rubric's levels, comma-separated (e.g. 1,2,3,4), including levels nobody used.",
)
@click.option(
    "--layout",
    type=click.Choice(["wide", "long"]),
    help="wide: unit,<rater>,…  long: unit,rater,score. Detected from the header if not given.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed for bootstrap intervals."
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def agree(
    ratings: Path,
    level: str,
    categories: str | None,
    layout: str | None,
    seed: int,
    as_json: bool,
) -> None:
    """Agreement statistics for a ratings CSV, each with a plain-language reading."""
    from calibrate.services.agreement import agree_file
    from calibrate.services.agreement_text import render_report
    from calibrate.storage.ratings_csv import Layout

    try:
        report = agree_file(
            ratings,
            level=Measurement(level),
            categories=None if categories is None else categories.split(","),
            layout=None if layout is None else Layout(layout),
            seed=seed,
        )
    except CalibrateError as exc:
        _fail(exc.message)
        return
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
        return
    click.echo(render_report(report, title=str(ratings)))


for _command in (*RECORD_COMMANDS, *SERVE_COMMANDS, *CONTRACT_COMMANDS):
    cli.add_command(_command)
for _command in RELIABILITY_COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli()
