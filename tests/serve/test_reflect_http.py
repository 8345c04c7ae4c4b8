"""The students' served page, over HTTP: the door (Host, Origin, a slip cookie of its own, the
wait after wrong codes), a student opening their own page, saving by script and by form, and
signing out of a shared device."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from calibrate.domain.assessment import Outcome
from calibrate.serve.app import make_reflect_app
from calibrate.serve.reflect_views import SLIP_COOKIE, Desk
from calibrate.services.assessment.files import import_results_file, load_blueprint_file
from calibrate.services.assessment.reflection import class_slips, printed
from calibrate.storage.scenario_files import read_scenario
from calibrate.storage.scenario_store import load_scenario
from calibrate.storage.store_serve import ServedStore
from tests.serve.room_http import HOSTS, Browser, text_of
from tests.services.test_assessment import CLASS, KIT, SUBTRACTION


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    with ServedStore.open(tmp_path / "cal.db") as store:
        load_scenario(store, read_scenario(SUBTRACTION))
        blueprint = load_blueprint_file(store, KIT)
        assert blueprint.id is not None
        import_results_file(store, blueprint.id, CLASS)
        yield Desk(store, blueprint.id)


@asynccontextmanager
async def desk_server(desk: Desk) -> AsyncIterator[TestServer]:
    server = TestServer(make_reflect_app(desk, allowed_hosts=HOSTS), host="127.0.0.1")
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


def slip_of(desk: Desk, student: str) -> str:
    return printed(dict(class_slips(desk.store, desk.assessment_id))[student])


def outcome(desk: Desk, student: str, item: str) -> Outcome:
    found = [
        r.outcome
        for r in desk.store.assessment_results(desk.assessment_id)
        if r.student_code == student and r.item_key == item
    ]
    return found[0]


def slip_cookie(browser: Browser) -> str | None:
    return next((c.value for c in browser.client.cookie_jar if c.key == SLIP_COOKIE), None)


async def test_only_the_slip_page_and_its_assets_are_open(desk: Desk) -> None:
    async with desk_server(desk) as server, Browser(server) as browser:
        for path in ("/", "/static/room.css", "/static/reflect.js"):
            assert (await browser.get(path)).status == 200, path
        home = await browser.get("/")
        assert "Slip code" in text_of(await home.text())
        assert "S15" not in await home.text()
        response = await browser.get("/reflect")
        assert response.status == 303 and response.headers["Location"] == "/"
        api = await browser.post("/api/reflect", json={"item": "10", "choice": "simple"})
        assert api.status == 401
        assert outcome(desk, "S15", "10") is Outcome.WRONG
        foreign = await browser.get("/", headers={"Host": f"rebind.example:{server.port}"})
        assert foreign.status == 421


async def test_a_wrong_slip_is_refused_and_the_wait_grows(desk: Desk) -> None:
    async with desk_server(desk) as server, Browser(server) as browser:
        for _ in range(2):
            wrong = await browser.post("/join", data={"code": "ABCD-EFGH"})
            assert wrong.status == 401
            assert "slip code is not right" in text_of(await wrong.text())
        await browser.post("/join", data={"code": "ABCD-EFGH"})  # the third: a wait begins
        waiting = await browser.post("/join", data={"code": slip_of(desk, "S15")})
        assert waiting.status == 429 and "Wait" in text_of(await waiting.text())
        assert slip_cookie(browser) is None


async def test_a_post_from_another_origin_is_refused(desk: Desk) -> None:
    async with desk_server(desk) as server, Browser(server) as browser:
        refused = await browser.post(
            "/join", origin="http://evil.example", data={"code": slip_of(desk, "S15")}
        )
        assert refused.status == 403 and slip_cookie(browser) is None
        assert len(desk.tries) == 0


async def test_a_student_opens_their_own_page_and_saves_by_script(desk: Desk) -> None:
    async with desk_server(desk) as server, Browser(server) as browser:
        opened = await browser.post("/join", data={"code": slip_of(desk, "S15").lower()})
        assert opened.status == 303 and opened.headers["Location"] == "/reflect"
        header = opened.headers["Set-Cookie"]
        assert "HttpOnly" in header and "SameSite=Strict" in header
        assert "Max-Age=3600" in header  # one lesson, or until "I'm done"
        page = text_of(await (await browser.get("/reflect")).text())
        assert "Student S15" in page and "You got 17 of 20 answered items right" in page
        assert "Item 10" in page and "Item 1:" not in page
        assert "S05" not in page  # no other student appears
        saved = await browser.post("/api/reflect", json={"item": "10", "choice": "not-yet"})
        assert saved.status == 200
        assert await saved.json() == {
            "saved": "don't get it yet",
            "words": "I don't get it yet",
            "still_to_mark": 0,
            "item": "10",
        }
        assert outcome(desk, "S15", "10") is Outcome.NOT_YET
        # only their own wrong items: a right item and a foreign origin are refused
        right = await browser.post("/api/reflect", json={"item": "1", "choice": "simple"})
        assert right.status == 409 and "not one you got wrong" in (await right.json())["error"]
        assert outcome(desk, "S15", "1") is Outcome.RIGHT
        foreign = await browser.post(
            "/api/reflect", origin="http://evil.example", json={"item": "3", "choice": "not-yet"}
        )
        assert foreign.status == 403 and outcome(desk, "S15", "3") is Outcome.SIMPLE_MISTAKE
        bad = await browser.post("/api/reflect", data="not json")
        assert bad.status == 400


async def test_the_form_saves_without_the_script(desk: Desk) -> None:
    async with desk_server(desk) as server, Browser(server) as browser:
        await browser.post("/join", data={"code": slip_of(desk, "S15")})
        form = {"item-3": "not-yet", "item-10": "simple", "item-11": "not-yet"}
        saved = await browser.post("/reflect", data=form)
        assert saved.status == 303 and saved.headers["Location"] == "/reflect?saved=1"
        assert outcome(desk, "S15", "3") is Outcome.NOT_YET
        assert outcome(desk, "S15", "10") is Outcome.SIMPLE_MISTAKE
        page = text_of(await (await browser.get("/reflect?saved=1")).text())
        assert "Saved." in page and "All marked" in page
        wrong = await browser.post("/reflect", data={"item-10": "right"})
        assert wrong.status == 409 and "Choose" in text_of(await wrong.text())
        assert outcome(desk, "S15", "10") is Outcome.SIMPLE_MISTAKE


async def test_done_signs_the_device_out_for_the_next_student(desk: Desk) -> None:
    async with desk_server(desk) as server, Browser(server) as browser:
        await browser.post("/join", data={"code": slip_of(desk, "S15")})
        assert slip_cookie(browser) is not None
        done = await browser.post("/leave")
        assert done.status == 303 and slip_cookie(browser) is None
        thanks = text_of(await (await browser.get("/?done=1")).text())
        assert "your answers are saved" in thanks
        assert (await browser.get("/reflect")).status == 303
        # the next student on the same device opens their own page
        await browser.post("/join", data={"code": slip_of(desk, "S05")})
        assert "Student S05" in text_of(await (await browser.get("/reflect")).text())


async def test_a_meeting_cookie_opens_no_students_page(desk: Desk) -> None:
    async with desk_server(desk) as server, Browser(server) as browser:
        browser.client.cookie_jar.update_cookies({"calibrate_seat": "1.r1.0.abc"})
        assert (await browser.get("/reflect")).status == 303


async def test_a_student_with_no_answers_entered_is_told_so(desk: Desk) -> None:
    from calibrate.domain.assessment import StudentResult

    blueprint = desk.store.get_assessment(desk.assessment_id)
    desk.store.record_results(
        desk.assessment_id,
        [StudentResult("S30", item.key, Outcome.MISSING) for item in blueprint.items],
    )
    async with desk_server(desk) as server, Browser(server) as browser:
        await browser.post("/join", data={"code": slip_of(desk, "S30")})
        page = text_of(await (await browser.get("/reflect")).text())
        assert "None of your answers are entered yet" in page
        assert "No wrong answers" not in page and "Item" not in page
