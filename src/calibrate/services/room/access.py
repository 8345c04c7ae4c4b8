"""Use cases of a live meeting served to browsers: codes, joining, and what a rater may see.

A *seat* is what one browser tab has been allowed: the session, whether it holds the
facilitator's code, and (for a rater) which rater it scores as. The served screens call only
these functions with their seat, so a rater's tab can read and write its own scores and nothing
else while the session is blind.
"""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import Phase, Score, Session
from calibrate.services.meeting import sessions as meeting
from calibrate.storage.store import SessionCodes, Store, new_session_code
from calibrate.storage.store_serve import ServedStore

WRONG_CODE = (
    "That code is not right. Check the code on the facilitator's screen (letters and digits, "
    "no O, I or 1) and try again."
)
# Phases in which a session can be served at all.
LIVE_PHASES = (Phase.SCORING, Phase.REVEAL, Phase.CONSENSUS)


@dataclass(frozen=True)
class Seat:
    """What one joined tab may do: a rater's seat has ``rater_id``; a facilitator's has none."""

    session_id: int
    facilitator: bool
    rater_id: int | None = None


@dataclass(frozen=True)
class RaterItem:
    """One sample × criterion as a rater sees it after the reveal."""

    sample_title: str
    criterion_name: str
    counts: tuple[tuple[int, int], ...]  # (level, how many raters chose it), every level
    mine: int | None  # the level this rater gave
    names: tuple[tuple[int, tuple[str, ...]], ...] | None  # (level, who); None when hidden
    agreed: int | None  # the consensus level, once agreed
    labels: tuple[tuple[int, str], ...] = ()  # (level, its label), every level

    def label(self, level: int) -> str:
        return dict(self.labels).get(level, "")


@dataclass(frozen=True)
class RaterReveal:
    title: str
    round: int
    names_shown: bool
    items: tuple[RaterItem, ...]


def normalise_code(text: str) -> str:
    """A code as typed (any case, spaces or dashes) in the stored form."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def ensure_codes(
    store: Store,
    session_id: int,
    *,
    rotate: bool = False,
    new_facilitator: bool = False,
    new_join: bool = False,
) -> SessionCodes:
    """The session's codes, making new random ones if it has none (or always, with ``rotate``:
    the old codes stop working at once); ``new_join`` or ``new_facilitator`` makes a new code
    of that kind only. Both codes are stored hashed, so a code is in the result only when this
    call made it (None otherwise). Rater seats claimed with a PIN survive a new code."""
    codes = store.session_codes(session_id)
    make_both = rotate or codes.join_hash is None or codes.facilitator_hash is None
    if not (make_both or new_join or new_facilitator):
        return codes
    for _ in range(20):  # a collision with another live session's code is rare; try again
        join = new_session_code() if make_both or new_join else None
        lead = new_session_code(8) if make_both or new_facilitator else None
        try:
            return store.set_session_codes(session_id, join, lead)
        except InvalidOperationError:
            continue
    raise InvalidOperationError("No free code could be made; try again.")


def choose_session(store: Store, session_id: int | None) -> Session:
    """The session to serve: ``session_id``, or else the one session being scored.

    Raises NotFoundError if there is no such session, InvalidOperationError if it is not live
    (set up but not started, or closed) or if several sessions could be meant.
    """
    if session_id is not None:
        session = store.get_session(session_id)
        if session.phase not in LIVE_PHASES:
            raise InvalidOperationError(
                f"The session “{session.title}” is {session.phase.value}: only a session being "
                "scored or discussed can be served."
            )
        return session
    scoring = [s for s in store.list_sessions() if s.phase is Phase.SCORING]
    if len(scoring) == 1:
        return scoring[0]
    if not scoring:
        raise NotFoundError(
            "No session is being scored. Start one in the app (calibrate), name one with "
            "--session, or try a served meeting with the demo: calibrate serve --demo"
        )
    listed = "; ".join(f"{s.id}: {s.title}" for s in scoring)
    raise InvalidOperationError(
        f"Several sessions are being scored ({listed}); choose one with --session."
    )


def join(store: Store, code: str, *, session_id: int | None = None) -> Seat:
    """The seat a join or facilitator code opens. With ``session_id`` only that session's codes
    are accepted. Raises InvalidOperationError if the code is wrong or the session is not live.
    """
    found = store.session_for_code(normalise_code(code), session_id=session_id)
    if found is None or (session_id is not None and found[0].id != session_id):
        raise InvalidOperationError(WRONG_CODE)
    session, facilitator = found
    assert session.id is not None
    if session.phase not in LIVE_PHASES:
        raise InvalidOperationError(
            f"The session “{session.title}” is {session.phase.value}: ask the facilitator."
        )
    return Seat(session.id, facilitator)


def take_rater_seat(store: Store, seat: Seat, rater_id: int) -> Seat:
    """A rater's seat for ``rater_id``, from a joined (join-code) seat.

    Raises InvalidOperationError if the seat already belongs to a rater or to the facilitator,
    or if ``rater_id`` is not a rater of the session.
    """
    if seat.rater_id is not None:
        raise InvalidOperationError("This tab already scores as someone; open a new tab.")
    if seat.facilitator:
        raise InvalidOperationError("The facilitator's code runs the board, not scoring.")
    if rater_id not in store.get_session(seat.session_id).rater_ids:
        raise InvalidOperationError("That person is not a rater of this session.")
    return Seat(seat.session_id, False, rater_id)


def _rater(seat: Seat) -> int:
    if seat.rater_id is None:
        raise InvalidOperationError("Choose who you are first.")
    return seat.rater_id


def my_scores(store: Store, seat: Seat) -> dict[tuple[int, str], Score]:
    """The seat's own scores in the current round (never anyone else's)."""
    return meeting.own_scores(store, seat.session_id, _rater(seat))


def record_my_score(
    store: Store, seat: Seat, *, sample_id: int, criterion_key: str, level: int, note: str = ""
) -> Score:
    """Record a score as the seat's rater (and only as that rater)."""
    return meeting.record_score(
        store,
        seat.session_id,
        rater_id=_rater(seat),
        sample_id=sample_id,
        criterion_key=criterion_key,
        level=level,
        note=note,
    )


def rater_reveal(store: ServedStore, seat: Seat) -> RaterReveal:
    """The spread of levels on every item, as the seat's rater may see it after the reveal:
    counts per level, their own level, and names only if the facilitator allows them.

    Raises InvalidOperationError while a blind session is still being scored.
    """
    from calibrate.services.meeting.board import load_reveal  # numpy: only once there is a reveal

    me = _rater(seat)
    reveal = load_reveal(store, seat.session_id)
    context = reveal.context
    names_shown = store.reveal_names(seat.session_id)
    who = {r.id: r.name for r in context.raters}
    items = []
    for item in reveal.items:
        criterion = context.rubric.criterion(item.criterion_key)
        assert criterion is not None
        names = None
        if names_shown:
            names = tuple(
                (
                    level,
                    tuple(who[r] for r in context.session.rater_ids if item.levels.get(r) == level),
                )
                for level in criterion.scores
            )
        items.append(
            RaterItem(
                sample_title=context.sample(item.sample_id).title,
                criterion_name=criterion.name,
                counts=tuple(item.counts.items()),
                mine=item.levels.get(me),
                names=names,
                agreed=item.consensus.level if item.consensus else None,
                labels=tuple((level.score, level.label) for level in criterion.levels),
            )
        )
    return RaterReveal(context.session.title, reveal.round, names_shown, tuple(items))


def wait_after_wrong(attempts: int) -> float:
    """Seconds a tab waits before the next try after ``attempts`` wrong codes in a row: none
    for the first two typing slips, then doubling up to a minute (guessing stays hopeless)."""
    return 0.0 if attempts < 3 else float(min(60, 2 ** (attempts - 2)))
