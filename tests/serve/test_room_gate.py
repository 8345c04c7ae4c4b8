"""The room's door, over HTTP: every rule of :mod:`calibrate.serve.gate` (no cookie, wrong
code, foreign Host and Origin, someone else's seat, the rate limit), and that turned-away
traffic starts nothing and keeps nothing."""

from __future__ import annotations

import os
import threading

from calibrate.services.room.access import ensure_codes
from calibrate.services.room.seats import release_seat
from tests.serve.conftest import Served
from tests.serve.room_http import Browser, room_server, text_of


async def test_only_the_join_page_and_its_assets_are_open(served: Served) -> None:
    async with room_server(served) as (_, server), Browser(server) as browser:
        for path in ("/", "/static/room.css", "/static/room.js"):
            assert (await browser.get(path)).status == 200, path
        for path in ("/seat", "/score", "/reveal", "/board", "/closed"):
            response = await browser.get(path)
            assert response.status == 303 and response.headers["Location"] == "/", path
        state = await browser.get("/api/state")
        assert state.status == 401 and (await state.json())["code"] == "no_seat"
        status, answer = await browser.score(1, "claim", 3)
        assert status == 401 and answer["code"] == "no_seat"


async def test_no_directory_listing_even_with_a_seat(served: Served) -> None:
    async with room_server(served) as (_, server), Browser(server) as browser:
        await browser.seated(served.join_code, served.rater_ids()[0])
        listing = await browser.get("/static/")
        assert listing.status in (403, 404)
        assert "room.js" not in await listing.text()


async def test_a_foreign_host_gets_nothing(served: Served) -> None:
    async with room_server(served) as (_, server), Browser(server) as browser:
        for path in ("/", "/static/room.js"):
            response = await browser.get(path, headers={"Host": f"rebind.example:{server.port}"})
            assert response.status == 421
            assert "calibrate" not in await response.text()


async def test_a_change_from_another_origin_or_none_is_refused(served: Served) -> None:
    async with room_server(served) as (room, server), Browser(server) as browser:
        for origin in ("http://evil.example", f"https://127.0.0.1:{server.port}", None):
            response = await browser.post("/join", origin=origin, data={"code": served.join_code})
            assert response.status == 403, origin
            assert browser.cookie() is None
        assert len(room.tries) == 0  # not even counted as a try


async def test_a_wrong_code_says_so_and_a_right_one_sets_a_strict_http_only_cookie(
    served: Served,
) -> None:
    async with room_server(served) as (_, server), Browser(server) as browser:
        wrong = await browser.join("ZZZZZZ")
        assert wrong.status == 401
        assert "That code is not right" in text_of(await wrong.text())
        assert browser.cookie() is None
        right = await browser.join(served.join_code.lower())
        assert right.status == 303 and right.headers["Location"] == "/seat"
        header = right.headers["Set-Cookie"]
        assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/" in header
        assert "Secure" not in header  # plain HTTP on loopback; --tls-cert sets it


async def test_wrong_codes_are_limited_per_address_not_per_tab(served: Served) -> None:
    async with room_server(served) as (_, server):
        async with Browser(server) as first:
            for _ in range(3):
                await first.join("ZZZZZZ")
        async with Browser(server) as new_tab:  # a fresh cookie jar, same address
            response = await new_tab.join(served.join_code)
            assert response.status == 429
            assert "Wait" in text_of(await response.text())
            assert new_tab.cookie() is None


async def test_the_facilitators_code_opens_the_board_and_a_raters_does_not(
    served: Served,
) -> None:
    async with room_server(served) as (_, server):
        async with Browser(server) as lead:
            joined = await lead.join(served.lead_code)
            assert joined.headers["Location"] == "/board"
            board = await lead.get("/board")
            assert board.status == 200 and "Who is scoring" in await board.text()
        async with Browser(server) as rater:
            await rater.seated(served.join_code, served.rater_ids()[0])
            assert (await rater.get("/board")).status == 403
            release = await rater.post("/board/release", data={"rater": "1"})
            assert release.status == 403


async def test_a_held_seat_needs_its_pin_on_a_second_device(served: Served) -> None:
    amara = served.rater_ids()[0]
    async with room_server(served) as (_, server):
        async with Browser(server) as phone:
            await phone.seated(served.join_code, amara, "4821")
        async with Browser(server) as laptop:
            await laptop.join(served.join_code)
            refused = await laptop.claim(amara, "1111")
            assert refused.status == 403
            assert "PIN is not right" in text_of(await refused.text())
            assert laptop.cookie() is not None  # still only joined
            assert (await laptop.get("/score")).headers["Location"] == "/seat"
            again = await laptop.claim(amara, "4821")
            assert again.status == 303 and again.headers["Location"] == "/score"


async def test_a_forged_or_released_seat_cookie_opens_nothing(served: Served) -> None:
    amara, erik = served.rater_ids()[:2]
    async with room_server(served) as (_, server), Browser(server) as browser:
        await browser.seated(served.join_code, amara)
        cookie = browser.cookie()
        assert cookie is not None
        forged = cookie.replace(f".r{amara}.", f".r{erik}.")
        forged_state = await browser.get("/api/state", cookies={"calibrate_seat": forged})
        assert forged_state.status == 401
        assert (await browser.get("/api/state")).status == 200
        release_seat(served.store, served.session_id, amara)
        assert (await browser.get("/api/state")).status == 401
        assert (await browser.get("/score")).headers["Location"] == "/"


async def test_rotating_the_codes_ends_code_only_cookies_but_not_claimed_seats(
    served: Served,
) -> None:
    async with (
        room_server(served) as (_, server),
        Browser(server) as joined,
        Browser(server) as seated,
    ):
        await joined.join(served.join_code)
        await seated.seated(served.join_code, served.rater_ids()[1])
        ensure_codes(served.store, served.session_id, rotate=True)
        assert (await joined.get("/seat")).headers["Location"] == "/"
        assert (await seated.get("/api/state")).status == 200


async def test_an_oversized_request_is_refused(served: Served) -> None:
    async with room_server(served) as (_, server), Browser(server) as browser:
        response = await browser.post("/join", data={"code": "A" * 200_000})
        assert response.status == 413


async def test_turned_away_traffic_starts_nothing_and_keeps_nothing(served: Served) -> None:
    def children() -> int:
        path = f"/proc/{os.getpid()}/task/{os.getpid()}/children"
        with open(path) as handle:
            return len(handle.read().split())

    async with room_server(served) as (room, server), Browser(server) as browser:
        threads, kids = threading.active_count(), children()
        for n in range(300):
            await browser.get("/score")
            await browser.get("/api/state")
            await browser.post("/api/score", origin="http://evil.example", json={"n": n})
            await browser.get("/", headers={"Host": "rebind.example"})
        assert children() == kids == 0
        assert threading.active_count() == threads
        assert len(room.tries) == 0
