"""What every ``calibrate`` command shares: where the database is, opening it, one-line errors
and plain text tables.

Every mistake (a missing file, an unknown session, a bad option) prints one line ``error: …`` on
stderr and exits with status 2. Each command also accepts ``--db`` after its name
(``calibrate load kit.toml --db X.db``), which wins over the group's ``--db`` and
``CALIBRATE_DB``. Nothing here imports the services or the storage layer at module load, so
``calibrate --help`` stays quick.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from calibrate.domain.errors import CalibrateError

if TYPE_CHECKING:
    from calibrate.storage.store import Store

F = TypeVar("F", bound=Callable[..., object])


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


class _OneLineUsageError(click.UsageError):
    def show(self, file: IO[Any] | None = None) -> None:
        hint = f" (see: {self.ctx.command_path} --help)" if self.ctx is not None else ""
        message = " ".join(self.format_message().split())  # click lists choices on lines
        click.echo(f"error: {message}{hint}", err=True)


class RecordCommand(click.Command):
    """A command whose usage mistakes (a missing option, a bad value) print one line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise _OneLineUsageError(exc.format_message(), ctx) from None


def db_after_command(fn: F) -> F:
    """``--db PATH`` given after the command's name."""
    return click.option(
        "--db",
        "command_db",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="The database file (the same as `calibrate --db PATH COMMAND`).",
    )(fn)


def database_path(command_db: Path | None) -> Path:
    """The command's ``--db``, else the group's ``--db`` or CALIBRATE_DB, else the default."""
    from calibrate.storage.database import default_db_path

    if command_db is not None:
        return command_db
    obj = click.get_current_context().obj
    group_db = obj.get("db_path") if isinstance(obj, dict) else None
    return group_db or default_db_path(os.environ)


@contextmanager
def records(command_db: Path | None, *, create: bool = False) -> Iterator[Store]:
    """The store, closed afterwards; a CalibrateError inside becomes ``error: …``, exit 2.
    Without ``create``, a database that does not exist yet is a mistake (not a new file)."""
    path = database_path(command_db)
    if not create and not path.exists():
        fail(
            f"there is no calibrate database at {path} yet; "
            "load a kit into it first (calibrate load FILE.toml)"
        )
    store = open_store(path)
    try:
        yield store
    except CalibrateError as exc:
        fail(exc.message)
    finally:
        store.close()


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
        fail(f"{path}: cannot be opened as a calibrate database ({exc})")
    except CalibrateError as exc:  # e.g. made by a newer calibrate
        fail(exc.message)


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, right: set[int]) -> str:
    """Columns padded to their widest cell (those in ``right`` aligned right), two spaces apart."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = (
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), *(line(row) for row in rows)])


def write_private(path: Path, text: str, *, newline: str | None = None) -> None:
    """Write an export or report readable by its owner only (it holds student work); a folder
    or permission problem is ``error: …``."""
    from calibrate.storage.private_files import write_private_text

    try:
        write_private_text(path, text, newline=newline)
    except OSError as exc:
        fail(f"{path}: cannot be written ({exc.strerror or exc})")


class WholeNumber(click.ParamType[int]):
    """A whole number written with the digits 0-9 only (and perhaps a sign), within bounds.

    click's ``int`` takes whatever Python's ``int()`` takes, which includes Arabic-Indic and
    other Unicode digits (``--session ٣`` would open session 3) and underscores (``1_0``): a
    number a teacher did not mean to type is refused instead.
    """

    name = "integer"

    def __init__(self, min: int | None = None, max: int | None = None) -> None:
        self.min = min
        self.max = max

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            digits = text[1:] if text[:1] in "+-" else text
            if not digits or not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
                self.fail(f"{value!r} is not a whole number written with 0-9.", param, ctx)
            number = int(text)
        if self.min is not None and number < self.min:
            self.fail(f"{number} is below {self.min}.", param, ctx)
        if self.max is not None and number > self.max:
            self.fail(f"{number} is above {self.max}.", param, ctx)
        return number


WHOLE = WholeNumber()
