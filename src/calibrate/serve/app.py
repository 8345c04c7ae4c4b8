"""The room's web server: one aiohttp application in one process, whatever the number of raters.

Raters' pages are HTML from Jinja2 templates with a small script of our own (static/room.js);
nothing is loaded from the internet. Every request passes :mod:`calibrate.serve.gate` first.
The database is opened once, on the server's own thread (the event loop's), and every request
is answered by a quick call into ``calibrate.services``; only the deliberately slow PIN hash
runs in a thread, and it touches no database.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable
from pathlib import Path

from aiohttp import web

from calibrate.serve import lead_views, rater_views, reflect_views
from calibrate.serve.gate import gate_middleware
from calibrate.serve.reflect_views import DESK, SLIP_COOKIE, Desk
from calibrate.serve.room import ROOM, Room

STATIC = Path(__file__).parent / "static"
MAX_BODY = 64 * 1024  # a score, a code or a PIN: nothing a rater sends is bigger
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make Chromium send "Origin: null"
    "X-Frame-Options": "DENY",
}


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"


def make_app(room: Room, *, allowed_hosts: Iterable[str]) -> web.Application:
    """The application serving ``room`` to browsers that reach it by one of ``allowed_hosts``."""
    app = web.Application(
        middlewares=[gate_middleware(allowed_hosts, room.read_seat)], client_max_size=MAX_BODY
    )
    app[ROOM] = room
    app.on_response_prepare.append(_security_headers)
    rater_views.add_routes(app)
    lead_views.add_routes(app)
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
    return app


def make_reflect_app(desk: Desk, *, allowed_hosts: Iterable[str]) -> web.Application:
    """The application serving one test to its students, each opening their own page with
    their slip code, behind the same door as a meeting (its own cookie)."""
    gate = gate_middleware(
        allowed_hosts,
        desk.read_slip,
        cookie_name=SLIP_COOKIE,
        open_paths=reflect_views.OPEN_PATHS,
    )
    app = web.Application(middlewares=[gate], client_max_size=MAX_BODY)
    app[DESK] = desk
    app.on_response_prepare.append(_security_headers)
    reflect_views.add_routes(app)
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
    return app


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A server TLS context from a school's certificate and key (PEM files)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound now so that a busy port is known before anything is printed.
    Raises OSError if the port is taken or the address is not this computer's."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, reuse_port=False)


def run(app: web.Application, sock: socket.socket, *, ssl_context: ssl.SSLContext | None) -> None:
    """Serve until Ctrl+C or SIGTERM (both stop it cleanly; there are no child processes)."""
    web.run_app(app, sock=sock, ssl_context=ssl_context, print=None, access_log=None)
