"""A rater's pages: join with the room's code, claim a seat with name and PIN, score, and see
the team's spread after the reveal. Each view is one services call and one template."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import web
from markdown_it import MarkdownIt
from markupsafe import Markup

from calibrate.domain.errors import CalibrateError, InvalidOperationError
from calibrate.domain.model import Phase
from calibrate.serve.gate import COOKIE, client_address, seat_of, set_seat_cookie
from calibrate.serve.room import Room, room_of
from calibrate.services.html_pages import environment, render
from calibrate.services.meeting import sessions as meeting
from calibrate.services.room import access, scoring_page
from calibrate.services.room.seats import (
    WrongPinError,
    complete_claim,
    hash_pin,
    prepare_claim,
    sign_seat,
)


def markdown(text: str) -> Markup:
    """A sample's Markdown as HTML. Raw HTML in the text is escaped, not passed through, and
    markdown-it refuses javascript: and similar links."""
    return Markup(_MARKDOWN.render(text))


# PIN hashes run here, two at a time: a hash is CPU work (threads beyond the cores only queue)
# and each holds 4 MiB while it runs, so a room arriving at once cannot pile up memory.
HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pin-hash")
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
environment("calibrate.serve").filters["markdown"] = markdown


def page(template: str, *, status: int = 200, **values: Any) -> web.Response:
    html = render("calibrate.serve", f"room/{template}", **values)
    return web.Response(text=html, content_type="text/html", status=status)


def too_soon(wait: float) -> str:
    return (
        f"Too many wrong tries from this device. Wait {int(wait + 0.999)} seconds, then try again."
    )


def _home_of(seat: access.Seat | None) -> str | None:
    """Where a browser that already has a seat belongs."""
    if seat is None:
        return None
    if seat.facilitator:
        return "/board"
    return "/score" if seat.rater_id is not None else "/seat"


async def join_page(request: web.Request) -> web.StreamResponse:
    home = _home_of(seat_of(request))
    if home is not None:
        raise web.HTTPSeeOther(home)
    room = room_of(request)
    title = room.store.get_session(room.session_id).title
    return page("join.html", title=title, error=None)


async def join(request: web.Request) -> web.StreamResponse:
    room = room_of(request)
    client = client_address(request)
    title = room.store.get_session(room.session_id).title
    wait = room.tries.wait(client)
    if wait > 0:
        return page("join.html", title=title, error=too_soon(wait), status=429)
    form = await request.post()
    try:
        seat = access.join(room.store, str(form.get("code", "")), session_id=room.session_id)
    except InvalidOperationError as exc:
        room.tries.wrong(client)
        return page("join.html", title=title, error=exc.message, status=401)
    room.tries.right(client)
    response = web.HTTPSeeOther(_home_of(seat) or "/")
    set_seat_cookie(response, sign_seat(room.store, seat), secure=room.secure)
    raise response


def _seat_page(room: Room, *, error: str | None, chosen: int | None, status: int) -> web.Response:
    context = meeting.load_context(room.store, room.session_id)
    held = {r.id for r in context.raters if _held(room, r.id)}
    return page(
        "seat.html",
        title=context.session.title,
        raters=context.raters,
        held=held,
        chosen=chosen,
        error=error,
        status=status,
    )


def _held(room: Room, rater_id: int | None) -> bool:
    if rater_id is None:
        return False
    row = room.store.seat_row(room.session_id, rater_id)
    return row is not None and row["pin_hash"] is not None


async def seat_page(request: web.Request) -> web.StreamResponse:
    seat = seat_of(request)
    if seat is None or seat.facilitator or seat.rater_id is not None:
        raise web.HTTPSeeOther(_home_of(seat) or "/")
    return _seat_page(room_of(request), error=None, chosen=None, status=200)


async def claim(request: web.Request) -> web.StreamResponse:
    seat = seat_of(request)
    if seat is None or seat.facilitator or seat.rater_id is not None:
        raise web.HTTPSeeOther(_home_of(seat) or "/")
    room = room_of(request)
    client = client_address(request)
    form = await request.post()
    chosen = _int(form.get("rater"))
    wait = room.tries.wait(client)
    if wait > 0:
        return _seat_page(room, error=too_soon(wait), chosen=chosen, status=429)
    if chosen is None:
        return _seat_page(room, error="Choose your name.", chosen=None, status=400)
    pin = str(form.get("pin", "")).strip()
    try:
        checked = prepare_claim(room.store, seat, chosen, pin)
        loop = asyncio.get_running_loop()
        digest = await loop.run_in_executor(HASHING, hash_pin, pin, checked.salt)
        claimed = complete_claim(room.store, checked, digest)
    except InvalidOperationError as exc:
        if isinstance(exc, WrongPinError):
            room.tries.wrong(client)
        return _seat_page(room, error=exc.message, chosen=chosen, status=403)
    room.tries.right(client)
    response = web.HTTPSeeOther("/score")
    set_seat_cookie(response, sign_seat(room.store, claimed), secure=room.secure)
    raise response


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _rater_seat(request: web.Request) -> access.Seat:
    seat = seat_of(request)
    if seat is None or seat.rater_id is None:
        raise web.HTTPSeeOther(_home_of(seat) or "/")
    return seat


def _not_scoring(room: Room) -> web.HTTPSeeOther:
    phase = room.store.get_session(room.session_id).phase
    return web.HTTPSeeOther("/reveal" if phase in (Phase.REVEAL, Phase.CONSENSUS) else "/closed")


async def score_page(request: web.Request) -> web.StreamResponse:
    seat = _rater_seat(request)
    room = room_of(request)
    position = _int(request.query.get("at", "1")) or 1
    try:
        view = scoring_page.scoring_page(room.store, seat, position)
    except InvalidOperationError:
        raise _not_scoring(room) from None
    return page("score.html", page=view, message=request.query.get("saved"))


async def score_form(request: web.Request) -> web.StreamResponse:
    """The page's form posted without its script: save every level chosen, then go on."""
    seat = _rater_seat(request)
    room = room_of(request)
    form = await request.post()
    at = _int(form.get("at")) or 1
    sample_id = _int(form.get("sample_id"))
    round_ = _int(form.get("round"))
    if sample_id is None or round_ is None:
        raise web.HTTPBadRequest(text="The form was incomplete; reload the page.")
    try:
        view = scoring_page.scoring_page(room.store, seat, at)
        for criterion in view.criteria:
            level = _int(form.get(f"level-{criterion.key}"))
            if level is None:
                continue
            scoring_page.save_my_score(
                room.store,
                seat,
                sample_id=sample_id,
                criterion_key=criterion.key,
                level=level,
                note=str(form.get(f"note-{criterion.key}", "")),
                round=round_,
            )
    except InvalidOperationError as exc:
        return page("message.html", title="Not saved", text=exc.message, back=f"/score?at={at}")
    go = at + 1 if form.get("go") == "next" else (at - 1 if form.get("go") == "previous" else at)
    raise web.HTTPSeeOther(f"/score?at={max(go, 1)}&saved=1")


async def api_score(request: web.Request) -> web.StreamResponse:
    seat = seat_of(request)
    if seat is None or seat.rater_id is None:
        return web.json_response({"error": "Claim your seat first.", "code": "no_seat"}, status=401)
    room = room_of(request)
    try:
        body = await request.json()
        sample_id, key, level = int(body["sample_id"]), str(body["criterion"]), int(body["level"])
        round_, note = int(body["round"]), str(body.get("note", ""))
    except (ValueError, KeyError, TypeError):
        return web.json_response({"error": "That was not a score.", "code": "bad"}, status=400)
    try:
        saved = scoring_page.save_my_score(
            room.store,
            seat,
            sample_id=sample_id,
            criterion_key=key,
            level=level,
            note=note,
            round=round_,
        )
    except CalibrateError as exc:
        session = room.store.get_session(room.session_id)
        code = "moved" if session.phase is not Phase.SCORING or session.round != round_ else "bad"
        return web.json_response({"error": exc.message, "code": code}, status=409)
    state = scoring_page.room_state(room.store, seat)
    return web.json_response(
        {"saved": True, "level": saved.level, "scored": state.scored, "total": state.total}
    )


async def api_state(request: web.Request) -> web.StreamResponse:
    seat = seat_of(request)
    assert seat is not None  # the gate lets no one here without a seat
    state = scoring_page.room_state(room_of(request).store, seat)
    return web.json_response(
        {
            "phase": state.phase.value,
            "round": state.round,
            "scored": state.scored,
            "total": state.total,
        }
    )


async def reveal_page(request: web.Request) -> web.StreamResponse:
    seat = _rater_seat(request)
    room = room_of(request)
    session = room.store.get_session(room.session_id)
    if session.phase is Phase.SCORING:
        raise web.HTTPSeeOther("/score")
    if session.phase not in (Phase.REVEAL, Phase.CONSENSUS):
        raise web.HTTPSeeOther("/closed")
    return page("reveal.html", reveal=access.rater_reveal(room.store, seat))


async def closed_page(request: web.Request) -> web.StreamResponse:
    session = room_of(request).store.get_session(room_of(request).session_id)
    if session.phase is Phase.SCORING:
        raise web.HTTPSeeOther("/score")
    return page(
        "message.html",
        title=session.title,
        text="This session is not open for scoring now. Thank you: your scores are saved.",
        back=None,
    )


async def leave(request: web.Request) -> web.StreamResponse:
    response = web.HTTPSeeOther("/")
    response.del_cookie(COOKIE, path="/")
    raise response


async def favicon(request: web.Request) -> web.StreamResponse:
    return web.Response(status=204)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", join_page)
    app.router.add_post("/join", join)
    app.router.add_get("/seat", seat_page)
    app.router.add_post("/seat", claim)
    app.router.add_get("/score", score_page)
    app.router.add_post("/score", score_form)
    app.router.add_post("/api/score", api_score)
    app.router.add_get("/api/state", api_state)
    app.router.add_get("/reveal", reveal_page)
    app.router.add_get("/closed", closed_page)
    app.router.add_post("/leave", leave)
    app.router.add_get("/favicon.ico", favicon)
