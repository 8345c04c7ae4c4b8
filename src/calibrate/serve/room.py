"""What every view of the room's server shares: the store, the served session and the door's
count of wrong tries (one :class:`Room` per server, kept on the application)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from calibrate.serve.gate import WrongTries
from calibrate.services.room.access import Seat
from calibrate.services.room.seats import read_seat
from calibrate.storage.store_serve import ServedStore


@dataclass
class Room:
    """What every view needs: the store, the served session, and the door's state."""

    store: ServedStore
    session_id: int
    secure: bool = False
    tries: WrongTries = field(default_factory=WrongTries)

    def read_seat(self, cookie: str) -> Seat | None:
        """The seat a cookie carries, if it is valid *for this session*."""
        seat = read_seat(self.store, cookie)
        return seat if seat is not None and seat.session_id == self.session_id else None


ROOM: web.AppKey[Room] = web.AppKey("room", Room)


def room_of(request: web.Request) -> Room:
    return request.app[ROOM]
