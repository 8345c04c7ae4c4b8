"""The room's door: every request passes here before any page or database work runs.

- **Host**: only the names this server is reached by (its address, the LAN address,
  localhost) are answered; any other Host (a DNS-rebinding page) gets 421 and nothing else.
- **Origin**: a request that changes something (anything but GET/HEAD) must come from a page
  of this server: its Origin must be this server's own, or it gets 403.
- **Seat**: only the join page and its two assets are open. Everything else needs a valid seat
  cookie (checked with one HMAC and one row read): an API call without one gets 401, a page a
  redirect to the join page. Nothing is started or kept for a request turned away.
- **Wrong codes**: counted per client address (not per tab or cookie), so a new tab does not
  reset the wait; the count is bounded, so a flood of addresses cannot grow memory without end.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Middleware

from calibrate.services.room.access import Seat, wait_after_wrong

COOKIE = "calibrate_seat"
OPEN_PATHS = frozenset({"/", "/join", "/static/room.css", "/static/room.js", "/favicon.ico"})
SAFE_METHODS = frozenset({"GET", "HEAD"})

# What the cookie carries: a meeting's Seat, or a student's Slip on a served test.
SEAT: web.RequestKey[object] = web.RequestKey("seat", object)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SeatReader = Callable[[str], object | None]


@dataclass
class _Tries:
    wrong: int
    until: float


class WrongTries:
    """Wrong codes and PINs in a row per client address, and how long each must wait."""

    def __init__(self, *, limit: int = 4096, clock: Callable[[], float] = time.monotonic):
        self._tries: OrderedDict[str, _Tries] = OrderedDict()
        self._limit = limit
        self._clock = clock

    def wait(self, client: str) -> float:
        """Seconds ``client`` must still wait before its next try (0 if none)."""
        tries = self._tries.get(client)
        return 0.0 if tries is None else max(0.0, tries.until - self._clock())

    def wrong(self, client: str) -> float:
        """Count a wrong try; returns the wait it now has."""
        tries = self._tries.pop(client, None) or _Tries(0, 0.0)
        tries.wrong += 1
        tries.until = self._clock() + wait_after_wrong(tries.wrong)
        self._tries[client] = tries
        while len(self._tries) > self._limit:
            self._tries.popitem(last=False)  # the oldest address is forgotten first
        return self.wait(client)

    def right(self, client: str) -> None:
        self._tries.pop(client, None)

    def __len__(self) -> int:
        return len(self._tries)


def client_address(request: web.Request) -> str:
    """The address a request came from (the peer; no proxy header is trusted)."""
    return request.remote or "unknown"


def host_name(host_header: str) -> str:
    """The name part of a Host header (``[::1]:8000`` → ``::1``, ``a.b:80`` → ``a.b``)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        return host.partition(":")[0]
    return host


def gate_middleware(
    allowed_hosts: Iterable[str],
    read_seat: SeatReader,
    *,
    cookie_name: str = COOKIE,
    open_paths: frozenset[str] = OPEN_PATHS,
) -> Middleware:
    """The middleware: Host, Origin and seat checks in that order (see the module docstring).
    ``read_seat`` turns the ``cookie_name`` cookie into a seat (None when forged, released or
    stale); only ``open_paths`` are answered without one."""
    hosts = frozenset(host.lower().strip("[]") for host in allowed_hosts)

    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if host_name(request.host) not in hosts:
            return web.Response(status=421, text="This server does not answer to that name.")
        if request.method not in SAFE_METHODS:
            origin = request.headers.get("Origin", "")
            if origin != f"{request.scheme}://{request.host}":
                return web.Response(status=403, text="Refused: the request came from elsewhere.")
        seat = None
        cookie = request.cookies.get(cookie_name)
        if cookie:
            seat = read_seat(cookie)
        if seat is None and request.path not in open_paths:
            if request.path.startswith("/api/"):
                return web.json_response(
                    {"error": "Join the meeting first.", "code": "no_seat"}, status=401
                )
            raise web.HTTPSeeOther("/")
        request[SEAT] = seat
        return await handler(request)

    return gate


def seat_of(request: web.Request) -> Seat | None:
    """The seat the gate found for this request (None on the open pages without a cookie)."""
    seat = request.get(SEAT)
    return seat if isinstance(seat, Seat) else None


def set_seat_cookie(
    response: web.StreamResponse, value: str, *, secure: bool, name: str = COOKIE, hours: int = 12
) -> None:
    """Bind the seat to this browser: HttpOnly (no script reads it), SameSite=Strict (no other
    site's page sends it), Secure when served over HTTPS; it lasts ``hours`` (the day of a
    meeting by default)."""
    response.set_cookie(
        name,
        value,
        max_age=hours * 3600,
        httponly=True,
        samesite="Strict",
        secure=secure,
        path="/",
    )
