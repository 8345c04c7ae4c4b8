"""The live-meeting commands of ``calibrate``: serve a session to raters' browsers, show or
rotate its codes, and join it in a terminal.

Like the records commands, each accepts ``--db`` after its name and reports a mistake as one
line ``error: …`` with exit status 2.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from calibrate.cli._common import WHOLE, RecordCommand, database_path, db_after_command, fail
from calibrate.domain.errors import CalibrateError

if TYPE_CHECKING:
    from calibrate.storage.store_serve import ServedStore

LOOPBACK = ("localhost", "127.0.0.1", "::1")

session_option = click.option(
    "--session",
    "session_id",
    type=WHOLE,
    help="The session's id (see: calibrate sessions). Default: the one session being scored.",
)


@contextmanager
def served_store(command_db: Path | None, *, create: bool = False) -> Iterator[ServedStore]:
    """The database (which must exist unless ``create``), closed afterwards; CalibrateError →
    ``error: …``."""
    from calibrate.storage.store_serve import ServedStore

    path = database_path(command_db)
    if not path.exists() and not create:
        fail(
            f"there is no calibrate database at {path}; set up a session in the app "
            "(calibrate), or try a served meeting now with: calibrate serve --demo"
        )
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
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


def public_address(host: str, port: int, public_url: str | None, *, scheme: str = "http") -> str:
    """The address browsers use. ``0.0.0.0`` means every interface, so it is never printed or
    put into the page (browsers cannot connect to it): the LAN address is used instead."""
    if public_url:
        return public_url.rstrip("/")
    if host in ("0.0.0.0", "::", ""):
        host = lan_address() or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def print_qr(url: str) -> None:
    try:
        import segno
    except ImportError:  # optional: the address and code are printed anyway
        return
    segno.make(url, error="m").terminal(compact=True)


def tell_reach(host: str, url: str, *, encrypted: bool, only_here: str, others: str) -> None:
    """Say who can reach the page (``only_here`` on loopback, else ``others``, with a QR code
    of ``url``), and how to stop."""
    if is_loopback(host):
        click.echo(only_here)
    else:
        click.echo(others + ("" if encrypted else " Traffic is not encrypted (see --tls-cert)."))
        print_qr(url)
    click.echo("Press Ctrl+C to stop.")


def allowed_hosts(host: str, public_url: str | None, extra: tuple[str, ...]) -> set[str]:
    """The names browsers may reach this server by (any other Host header is refused)."""
    names = {"localhost", "127.0.0.1", "::1", *extra}
    if host not in ("0.0.0.0", "::", ""):
        names.add(host)
    else:
        names.add(socket.gethostname())
        try:
            for info in socket.getaddrinfo(socket.gethostname(), None):
                names.add(str(info[4][0]))
        except OSError:
            pass
        address = lan_address()
        if address:
            names.add(address)
    if public_url:
        from urllib.parse import urlsplit

        hostname = urlsplit(public_url).hostname
        if hostname:
            names.add(hostname)
    return {name.lower() for name in names}


SERVER_OPTIONS = (
    click.option(
        "--host",
        default="127.0.0.1",
        show_default=True,
        help="Where to listen. The default lets only this computer in; to serve the room use "
        "--host 0.0.0.0 (every network) or this computer's address on the room's network.",
    ),
    click.option(
        "--port", type=WHOLE, default=8000, show_default=True, help="The port to listen on."
    ),
    click.option(
        "--public-url",
        help="The address browsers type, if not http://HOST:PORT (e.g. behind a forwarded port).",
    ),
    click.option(
        "--allow-host",
        "extra_hosts",
        multiple=True,
        help="Another name browsers reach this computer by (e.g. calibrate.school.lan); "
        "repeatable.",
    ),
    click.option(
        "--tls-cert",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Serve HTTPS with this certificate (PEM; your school's); needs --tls-key.",
    ),
    click.option(
        "--tls-key",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="The private key (PEM) of --tls-cert.",
    ),
)
F = TypeVar("F", bound=Callable[..., Any])


def server_options(command: F) -> F:
    """The options every served page shares: where to listen, the address it is reached by,
    and TLS (see :func:`open_server`)."""
    for option in reversed(SERVER_OPTIONS):
        command = option(command)
    return command


def open_server(
    host: str, port: int, tls_cert: Path | None, tls_key: Path | None
) -> tuple[socket.socket, ssl.SSLContext | None]:
    """The listening socket and TLS context of :func:`server_options`, or ``error: …``."""
    from calibrate.serve.app import listen, tls_context

    if (tls_cert is None) != (tls_key is None):
        fail("--tls-cert and --tls-key go together: give both, or neither")
    ssl_context = None
    if tls_cert is not None and tls_key is not None:
        try:
            ssl_context = tls_context(tls_cert, tls_key)
        except (OSError, ValueError) as exc:
            fail(f"{tls_cert}: cannot be used as a certificate with {tls_key} ({exc})")
    try:
        sock = listen(host, port)
    except OSError as exc:
        reason = "is in use (another server is running there?)" if exc.errno == 98 else str(exc)
        fail(f"cannot listen on {host}:{port}: {reason}; choose another with --port")
    return sock, ssl_context


@click.command(cls=RecordCommand)
@server_options
@session_option
@click.option("--rotate-codes", is_flag=True, help="Make new codes first (the old ones stop).")
@click.option(
    "--demo",
    is_flag=True,
    help="Serve the bundled demo meeting (the grade-8 writing kit), ready to score.",
)
@db_after_command
def serve(
    host: str,
    port: int,
    public_url: str | None,
    extra_hosts: tuple[str, ...],
    tls_cert: Path | None,
    tls_key: Path | None,
    session_id: int | None,
    rotate_codes: bool,
    demo: bool,
    command_db: Path | None,
) -> None:
    """Run a live meeting: every teacher scores on their own laptop, tablet or phone, blind.

    Raters open the printed address in a browser, type the join code, and claim their seat
    with their name and a PIN of their own. One small server answers everyone (no program per
    rater); every score is saved in the database file the moment it is chosen. Nothing is
    loaded from the internet. Run the board, the reveal and the discussion in the app
    (`calibrate`) on this computer; the facilitator's code (`calibrate codes`) opens a small
    board page in a browser for freeing seats.
    """
    from calibrate.serve.app import make_app, run
    from calibrate.serve.room import Room
    from calibrate.services.room.access import choose_session, ensure_codes

    sock, ssl_context = open_server(host, port, tls_cert, tls_key)
    with served_store(command_db, create=demo) as store:
        if demo:
            from calibrate.services.records.database import prepare_demo

            session_id = prepare_demo(store)
            if store.get_session(session_id).phase.value != "scoring":
                session_id = prepare_demo(store, fresh=True)
        session = choose_session(store, session_id)
        assert session.id is not None
        # A new join code at each start: it is kept hashed, so only the one made now can be
        # shown. Raters already seated (name and PIN) keep scoring.
        codes = ensure_codes(store, session.id, rotate=rotate_codes, new_join=True)
        scheme = "https" if ssl_context else "http"
        url = public_address(host, port, public_url, scheme=scheme)
        click.echo(f"Serving “{session.title}” (session {session.id}) at  {url}")
        click.echo(f"Raters: open that address and type the join code   {codes.join_code}")
        click.echo(
            "The facilitator's code is not shown here (this screen may be projected): "
            "`calibrate codes --facilitator` gives you one."
        )
        tell_reach(
            host,
            url,
            encrypted=ssl_context is not None,
            only_here="Only this computer can join. To serve the room: --host 0.0.0.0",
            others="Warning: anyone on this network who has the join code can open the page; "
            "raters then need their own PIN.",
        )
        room = Room(store, session.id, secure=ssl_context is not None)
        app = make_app(room, allowed_hosts=allowed_hosts(host, public_url, extra_hosts))
        run(app, sock, ssl_context=ssl_context)


@click.command(cls=RecordCommand)
@session_option
@click.option("--rotate", is_flag=True, help="Make new codes (the old ones stop working).")
@click.option(
    "--join",
    "new_join",
    is_flag=True,
    help="Make a new join code and show it (the one before stops working; seated raters keep "
    "their seats).",
)
@click.option(
    "--facilitator",
    "new_facilitator",
    is_flag=True,
    help="Make a new facilitator code and show it (the one before stops working; raters keep "
    "their seats).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the codes as JSON.")
@db_after_command
def codes(
    session_id: int | None,
    rotate: bool,
    new_join: bool,
    new_facilitator: bool,
    as_json: bool,
    command_db: Path | None,
) -> None:
    """Make a session's codes (both, the first time), or new ones. Both are kept hashed, so a
    code is shown only when it is made; `calibrate serve` makes and shows a new join code each
    time it starts."""
    from calibrate.services.room.access import choose_session, ensure_codes

    with served_store(command_db) as store:
        session = choose_session(store, session_id)
        assert session.id is not None
        found = ensure_codes(
            store,
            session.id,
            rotate=rotate,
            new_join=new_join,
            new_facilitator=new_facilitator,
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "session": session.id,
                    "join_code": found.join_code,  # null unless just made
                    "facilitator_code": found.facilitator_code,  # null unless just made
                }
            )
        )
        return
    click.echo(f"Session {session.id}: {session.title}")
    if found.join_code is not None:
        click.echo(f"join code:         {found.join_code}")
    else:
        click.echo(
            "join code:         set, and kept hashed so it cannot be shown again; "
            "`calibrate serve` shows a new one when it starts, `--join` makes one now."
        )
    if found.facilitator_code is not None:
        click.echo(f"facilitator code:  {found.facilitator_code}")
        click.echo("Keep it to yourself: it is stored hashed and not shown again.")
    else:
        click.echo(
            "facilitator code:  set, and kept hashed so it cannot be shown again; "
            "`calibrate codes --facilitator` makes a new one."
        )


@click.command(cls=RecordCommand)
@click.option(
    "--session",
    "session_id",
    type=WHOLE,
    help="Accept only this session's codes (calibrate serve passes it).",
)
@db_after_command
def join(session_id: int | None, command_db: Path | None) -> None:
    """Join a live meeting in this terminal with its code (e.g. over SSH, or on a shared
    computer): score as yourself, or run it as the facilitator. Browsers use `calibrate serve`.
    """
    from calibrate.serve.tab import run_tab

    with served_store(command_db) as store:  # checks the file and that it opens
        path = store.path
    run_tab(path, session_id=session_id)


@click.command(cls=RecordCommand)
@session_option
@click.option(
    "--release",
    "release_name",
    metavar="NAME",
    help="Free this rater's seat: their PIN is forgotten and their devices must claim it again.",
)
@db_after_command
def seats(session_id: int | None, release_name: str | None, command_db: Path | None) -> None:
    """Show who holds a seat in a served meeting, or free one (e.g. a forgotten PIN)."""
    from calibrate.services.room.access import choose_session
    from calibrate.services.room.seats import release_seat

    with served_store(command_db) as store:
        session = choose_session(store, session_id)
        assert session.id is not None
        raters = [store.get_rater(r) for r in session.rater_ids]
        if release_name is not None:
            found = [r for r in raters if r.name.casefold() == release_name.strip().casefold()]
            if not found or found[0].id is None:
                names = ", ".join(r.name for r in raters)
                fail(f"{release_name!r} is not a rater of this session (raters: {names})")
            if release_seat(store, session.id, found[0].id):
                click.echo(f"{found[0].name}'s seat is free: they can claim it with a new PIN.")
            else:
                click.echo(f"{found[0].name} holds no seat; nothing to free.")
            return
        click.echo(f"Session {session.id}: {session.title}")
        for rater in raters:
            assert rater.id is not None
            row = store.seat_row(session.id, rater.id)
            held = row is not None and row["pin_hash"] is not None
            since = f" since {row['claimed_at']}" if held and row is not None else ""
            click.echo(f"  {rater.name}: {'seated' + since if held else 'free'}")


SERVE_COMMANDS = (serve, codes, join, seats)
