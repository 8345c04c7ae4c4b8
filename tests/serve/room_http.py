"""An in-process client for the room's web server (aiohttp's test server on loopback), with the
steps a rater's browser takes: join, claim a seat, score."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientResponse, ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from calibrate.serve.app import make_app
from calibrate.serve.room import Room
from tests.serve.conftest import Served

HOSTS = ("127.0.0.1", "localhost")


@asynccontextmanager
async def room_server(served: Served) -> AsyncIterator[tuple[Room, TestServer]]:
    room = Room(served.store, served.session_id)
    server = TestServer(make_app(room, allowed_hosts=HOSTS), host="127.0.0.1")
    await server.start_server()
    try:
        yield room, server
    finally:
        await server.close()


class Browser:
    """One browser: its own cookie jar, and the Origin a page of the server would send."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.origin = f"http://127.0.0.1:{server.port}"
        self.client = ClientSession(
            base_url=self.origin,
            cookie_jar=CookieJar(unsafe=True),  # unsafe: an IP host
        )

    async def __aenter__(self) -> Browser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.close()

    async def get(self, path: str, **kw: Any) -> ClientResponse:
        return await self.client.get(path, allow_redirects=False, **kw)

    async def post(self, path: str, *, origin: str | None = "", **kw: Any) -> ClientResponse:
        headers = dict(kw.pop("headers", {}))
        if origin is not None:
            headers["Origin"] = origin or self.origin
        return await self.client.post(path, allow_redirects=False, headers=headers, **kw)

    async def join(self, code: str) -> ClientResponse:
        return await self.post("/join", data={"code": code})

    async def claim(self, rater_id: int, pin: str) -> ClientResponse:
        return await self.post("/seat", data={"rater": str(rater_id), "pin": pin})

    async def seated(self, code: str, rater_id: int, pin: str = "2468") -> None:
        """Join and claim ``rater_id``'s seat; fails the test if either is refused."""
        joined = await self.join(code)
        assert joined.status == 303, await joined.text()
        claimed = await self.claim(rater_id, pin)
        assert claimed.status == 303 and claimed.headers["Location"] == "/score", (
            await claimed.text()
        )

    async def score(self, sample_id: int, criterion: str, level: int, **extra: Any) -> Any:
        payload = {"sample_id": sample_id, "criterion": criterion, "level": level, "round": 1}
        payload.update(extra)
        response = await self.post("/api/score", json=payload)
        return response.status, await response.json()

    def cookie(self) -> str | None:
        for cookie in self.client.cookie_jar:
            if cookie.key == "calibrate_seat":
                return cookie.value
        return None


def text_of(html: str) -> str:
    """A page's visible text, roughly (tags dropped, spaces folded)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
