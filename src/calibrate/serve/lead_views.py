"""The facilitator's page in the browser (the facilitator's code opens it): who is seated and how
far each rater is (counts only, never levels), and freeing a seat, e.g. for a teacher whose
phone died or who forgot their PIN. The facilitator runs the meeting itself in the app."""

from __future__ import annotations

from aiohttp import web

from calibrate.serve.gate import seat_of
from calibrate.serve.rater_views import page
from calibrate.serve.room import room_of
from calibrate.services.meeting import sessions as meeting
from calibrate.services.room.seats import release_seat


def _lead(request: web.Request) -> None:
    seat = seat_of(request)
    if seat is None or not seat.facilitator:
        raise web.HTTPForbidden(text="Only the facilitator's code opens the board.")


async def board_page(request: web.Request) -> web.StreamResponse:
    _lead(request)
    room = room_of(request)
    session = room.store.get_session(room.session_id)
    rows = []
    for progress in meeting.progress(room.store, room.session_id):
        assert progress.rater.id is not None
        seat = room.store.seat_row(room.session_id, progress.rater.id)
        held = seat is not None and seat["pin_hash"] is not None
        rows.append((progress, held))
    released = None
    freed = request.query.get("released", "")
    if freed.isdigit() and int(freed) in session.rater_ids:
        released = room.store.get_rater(int(freed)).name
    names = room.store.reveal_names(room.session_id)
    return page("board.html", session=session, rows=rows, released=released, names=names)


async def release(request: web.Request) -> web.StreamResponse:
    _lead(request)
    room = room_of(request)
    form = await request.post()
    try:
        rater_id = int(str(form.get("rater", "")))
    except ValueError:
        raise web.HTTPBadRequest(text="Choose whose seat to free.") from None
    if rater_id not in room.store.get_session(room.session_id).rater_ids:
        raise web.HTTPBadRequest(text="That person is not a rater of this session.")
    release_seat(room.store, room.session_id, rater_id)
    raise web.HTTPSeeOther(f"/board?released={rater_id}")


async def names(request: web.Request) -> web.StreamResponse:
    """Let raters see who gave which level after the reveal, or stop them (off by default)."""
    _lead(request)
    room = room_of(request)
    form = await request.post()
    room.store.set_reveal_names(room.session_id, form.get("show") == "1")
    raise web.HTTPSeeOther("/board")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/board", board_page)
    app.router.add_post("/board/release", release)
    app.router.add_post("/board/names", names)
