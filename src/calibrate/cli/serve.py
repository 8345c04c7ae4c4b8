"""The live-meeting commands of ``calibrate``: serve a session to browsers, show or rotate its
codes, and join it (what each browser tab runs; it works in a terminal too).

Like the records commands, each accepts ``--db`` after its name and reports a mistake as one
line ``error: …`` with exit status 2.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from calibrate.cli._common import RecordCommand, database_path, db_after_command, fail
from calibrate.domain.errors import CalibrateError

if TYPE_CHECKING:
    from calibrate.storage.store_serve import ServedStore

LOOPBACK = ("localhost", "127.0.0.1", "::1")

session_option = click.option(
    "--session",
    "session_id",
    type=int,
    help="The session's id (see: calibrate sessions). Default: the one session being scored.",
)


@contextmanager
def served_store(command_db: Path | None) -> Iterator[ServedStore]:
    """The database (which must exist), closed afterwards; CalibrateError → ``error: …``."""
    from calibrate.storage.store_serve import ServedStore

    path = database_path(command_db)
    if not path.exists():
        fail(f"there is no calibrate database at {path}; set up a session in the app first")
    try:
        store = ServedStore.open(path)
    except Exception as exc:  # sqlite3.DatabaseError: not a calibrate file
        fail(f"{path}: cannot be opened as a calibrate database ({exc})")
    try:
        yield store
    except CalibrateError as exc:
        fail(exc.message)
    finally:
        store.close()


def is_loopback(host: str) -> bool:
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This computer's address on its local network (no packet is sent), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


def public_address(host: str, port: int, public_url: str | None) -> str:
    """The address browsers use. ``0.0.0.0`` means every interface, so it is never printed or
    put into the page (browsers cannot connect to it): the LAN address is used instead."""
    if public_url:
        return public_url.rstrip("/")
    if host in ("0.0.0.0", "::", ""):
        host = lan_address() or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def print_qr(url: str) -> None:
    try:
        import segno
    except ImportError:  # optional: the address and code are printed anyway
        return
    segno.make(url, error="m").terminal(compact=True)


@click.command(cls=RecordCommand)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Where to listen. The default lets only this computer in; to serve the room use "
    "--host 0.0.0.0 (every network) or this computer's address on the room's network.",
)
@click.option("--port", type=int, default=8000, show_default=True, help="The port to listen on.")
@click.option(
    "--public-url",
    help="The address raters type, if not http://HOST:PORT (e.g. behind a forwarded port).",
)
@session_option
@click.option("--rotate-codes", is_flag=True, help="Make new codes first (the old ones stop).")
@click.option(
    "--spares",
    type=click.IntRange(min=0),
    help="App processes to start before anyone joins, so that pages open at once "
    "(default: one per rater, plus one for the facilitator; 0: start each when its tab opens).",
)
@db_after_command
def serve(
    host: str,
    port: int,
    public_url: str | None,
    session_id: int | None,
    rotate_codes: bool,
    spares: int | None,
    command_db: Path | None,
) -> None:
    """Run a live meeting: every teacher scores in their own browser, blind.

    Prints the address, the join code raters type, and the facilitator's code (which opens
    the board and the reveal). Each browser tab runs its own copy of the app on this computer;
    everything is saved in the database file. Nothing is loaded from the internet.
    """
    from calibrate.serve.server import CalibrateServer, join_command
    from calibrate.services.room.access import choose_session, ensure_codes

    with served_store(command_db) as store:
        session = choose_session(store, session_id)
        assert session.id is not None
        codes = ensure_codes(store, session.id, rotate=rotate_codes)
        path = store.path
    url = public_address(host, port, public_url)
    click.echo(f"Serving “{session.title}” (session {session.id}) at  {url}")
    click.echo(f"Raters: open that address and type the join code   {codes.join_code}")
    click.echo(f"Facilitator's code (keep it to yourself):          {codes.facilitator_code}")
    if is_loopback(host):
        click.echo("Only this computer can join. To serve the room: --host 0.0.0.0")
    else:
        print_qr(url)
    click.echo("Press Ctrl+C to stop.")
    server = CalibrateServer(
        join_command(path, session_id=session.id),
        host=host,
        port=port,
        public_url=url,
        title=f"calibrate: {session.title}",
        spare_command=join_command(path, session_id=session.id, spare=True),
        expected_tabs=len(session.rater_ids) + 1 if spares is None else spares,
    )
    server.serve()


@click.command(cls=RecordCommand)
@session_option
@click.option("--rotate", is_flag=True, help="Make new codes (the old ones stop working).")
@click.option("--json", "as_json", is_flag=True, help="Print the codes as JSON.")
@db_after_command
def codes(session_id: int | None, rotate: bool, as_json: bool, command_db: Path | None) -> None:
    """Show a session's join and facilitator codes (made the first time), or rotate them."""
    from calibrate.services.room.access import choose_session, ensure_codes

    with served_store(command_db) as store:
        session = choose_session(store, session_id)
        assert session.id is not None
        found = ensure_codes(store, session.id, rotate=rotate)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "session": session.id,
                    "join_code": found.join_code,
                    "facilitator_code": found.facilitator_code,
                }
            )
        )
        return
    click.echo(f"Session {session.id}: {session.title}")
    click.echo(f"join code:         {found.join_code}")
    click.echo(f"facilitator code:  {found.facilitator_code}")


@click.command(cls=RecordCommand)
@click.option(
    "--session",
    "session_id",
    type=int,
    help="Accept only this session's codes (calibrate serve passes it).",
)
@click.option("--spare", is_flag=True, hidden=True, help="Wait for a tab (calibrate serve).")
@db_after_command
def join(session_id: int | None, spare: bool, command_db: Path | None) -> None:
    """Join a live meeting with its code: score as yourself, or run it as the facilitator.

    This is what each browser tab of `calibrate serve` runs; it works in a terminal too.
    """
    from calibrate.serve.tab import run_tab

    with served_store(command_db) as store:  # checks the file and that it opens
        path = store.path
    run_tab(path, session_id=session_id, spare=spare)


SERVE_COMMANDS = (serve, codes, join)
