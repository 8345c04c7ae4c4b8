"""The students' pages of a served test: open your page with your slip code, then say of each
item you got wrong whether it was a simple mistake or something you don't get yet.

The same door as the meeting's (Host, Origin, a signed cookie; wrong codes wait longer and
longer), with its own cookie, so a meeting's seat and a student's slip never pass for each
other. Each view is one services call and one template; every choice is written when made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from calibrate.domain.errors import CalibrateError, InvalidOperationError
from calibrate.serve.gate import SEAT, WrongTries, client_address, set_seat_cookie
from calibrate.serve.rater_views import favicon, page, too_soon
from calibrate.services.assessment import reflection
from calibrate.services.assessment.reflection import Slip
from calibrate.storage.store_serve import ServedStore

SLIP_COOKIE = "calibrate_slip"
OPEN_PATHS = frozenset({"/", "/join", "/static/room.css", "/static/reflect.js", "/favicon.ico"})


@dataclass
class Desk:
    """What every student view needs: the store, the served test and the door's state."""

    store: ServedStore
    assessment_id: int
    secure: bool = False
    tries: WrongTries = field(default_factory=WrongTries)

    def read_slip(self, cookie: str) -> Slip | None:
        return reflection.read_slip(self.store, self.assessment_id, cookie)

    @property
    def title(self) -> str:
        return self.store.get_assessment(self.assessment_id).title


DESK: web.AppKey[Desk] = web.AppKey("desk", Desk)


def _slip(request: web.Request) -> Slip | None:
    found = request.get(SEAT)
    return found if isinstance(found, Slip) else None


async def slip_page(request: web.Request) -> web.StreamResponse:
    if _slip(request) is not None:
        raise web.HTTPSeeOther("/reflect")
    done = request.query.get("done") is not None
    return page("slip.html", title=request.app[DESK].title, error=None, done=done)


async def open_slip(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    client = client_address(request)
    wait = desk.tries.wait(client)
    if wait > 0:
        return page("slip.html", title=desk.title, error=too_soon(wait), done=False, status=429)
    form = await request.post()
    try:
        slip = reflection.open_slip(desk.store, desk.assessment_id, str(form.get("code", "")))
    except InvalidOperationError as exc:
        desk.tries.wrong(client)
        return page("slip.html", title=desk.title, error=exc.message, done=False, status=401)
    desk.tries.right(client)
    response = web.HTTPSeeOther("/reflect")
    set_seat_cookie(
        response,
        reflection.sign_slip(desk.store, slip),
        secure=desk.secure,
        name=SLIP_COOKIE,
        hours=reflection.SLIP_HOURS,
    )
    raise response


def _own(request: web.Request) -> Slip:
    slip = _slip(request)
    if slip is None:  # the gate lets no one here without one
        raise web.HTTPSeeOther("/")
    return slip


async def reflect_page(request: web.Request) -> web.StreamResponse:
    slip = _own(request)
    view = reflection.reflection_page(request.app[DESK].store, slip)
    return page(
        "reflect.html",
        page=view,
        saved=request.query.get("saved"),
        error=None,
        choice_words=reflection.CHOICE_WORDS,
    )


async def reflect_form(request: web.Request) -> web.StreamResponse:
    """The page's form posted without its script: keep every reflection chosen."""
    slip = _own(request)
    store = request.app[DESK].store
    form = await request.post()
    try:
        for item in reflection.reflection_page(store, slip).items:
            choice = form.get(f"item-{item.key}")
            if choice is not None and str(choice) != item.choice:
                reflection.reflect(store, slip, item.key, str(choice))
    except CalibrateError as exc:
        view = reflection.reflection_page(store, slip)
        return page(
            "reflect.html",
            page=view,
            saved=None,
            error=exc.message,
            status=409,
            choice_words=reflection.CHOICE_WORDS,
        )
    raise web.HTTPSeeOther("/reflect?saved=1")


async def api_reflect(request: web.Request) -> web.StreamResponse:
    slip = _slip(request)
    if slip is None:
        return web.json_response({"error": "Open your page with your slip first."}, status=401)
    store = request.app[DESK].store
    try:
        body = await request.json()
        item_key, choice = str(body["item"]), str(body["choice"])
    except (ValueError, KeyError, TypeError):
        return web.json_response({"error": "That was not a choice."}, status=400)
    try:
        saved = reflection.reflect(store, slip, item_key, choice)
    except CalibrateError as exc:
        return web.json_response({"error": exc.message}, status=409)
    view = reflection.reflection_page(store, slip)
    return web.json_response(
        {
            "saved": str(saved),
            "words": reflection.CHOICE_WORDS[choice],
            "still_to_mark": view.still_to_mark,
            "item": item_key,
        }
    )


async def leave(request: web.Request) -> web.StreamResponse:
    """Done: this device forgets the slip (a shared class computer is ready for the next
    student)."""
    response = web.HTTPSeeOther("/?done=1")
    response.del_cookie(SLIP_COOKIE, path="/")
    raise response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", slip_page)
    app.router.add_post("/join", open_slip)
    app.router.add_get("/reflect", reflect_page)
    app.router.add_post("/reflect", reflect_form)
    app.router.add_post("/api/reflect", api_reflect)
    app.router.add_post("/leave", leave)
    app.router.add_get("/favicon.ico", favicon)
