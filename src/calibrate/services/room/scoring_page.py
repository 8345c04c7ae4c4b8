"""What a rater's scoring page shows and saves in a served meeting: one sample at a time, the
rubric's levels as choices, the rater's own levels and notes, and their progress.

Only the seat's own scores are read (never anyone else's), so the page can be built while the
session is blind. Saving names the round the page was drawn in: a score queued offline in round 1
is refused once round 2 has started (the rater has seen the reveal since), rather than written into
the wrong round. Saving the same level and note again changes nothing, so a page that resends a
score it is not sure arrived never doubles it.
"""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Phase, Score
from calibrate.services.meeting import sessions as meeting
from calibrate.services.room.access import Seat
from calibrate.storage.store import Store

ROUND_MOVED = (
    "The meeting has moved on to round {now}: this score from round {then} was not saved. "
    "The page will show round {now}."
)
NOT_SCORING = "Scoring is closed for now (the facilitator has revealed the scores)."
NOTE_LIMIT = 500  # characters of the one-line "because…" note


@dataclass(frozen=True)
class LevelChoice:
    score: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class CriterionChoice:
    key: str
    name: str
    description: str
    levels: tuple[LevelChoice, ...]
    mine: int | None  # the level this rater gave in this round, if any
    note: str


@dataclass(frozen=True)
class SampleEntry:
    """A sample in the page's list, with how many of its criteria this rater has scored."""

    position: int  # 1-based, in the session's order
    title: str
    scored: int
    criteria: int

    @property
    def done(self) -> bool:
        return self.scored >= self.criteria


@dataclass(frozen=True)
class ScoringPage:
    session_id: int
    session_title: str
    rater_id: int
    rater_name: str
    round: int
    round_label: str  # "Round 2 (15 of 40 items re-scored)"
    position: int
    sample_id: int
    sample_title: str
    student_code: str
    task: str
    body: str  # Markdown, as the app shows it
    criteria: tuple[CriterionChoice, ...]
    samples: tuple[SampleEntry, ...]
    scored: int
    total: int

    @property
    def previous(self) -> int | None:
        return self.position - 1 if self.position > 1 else None

    @property
    def next(self) -> int | None:
        return self.position + 1 if self.position < len(self.samples) else None


@dataclass(frozen=True)
class RoomState:
    """What a page polls for: the phase and round, and this rater's own progress."""

    phase: Phase
    round: int
    scored: int
    total: int


def _rater_id(seat: Seat) -> int:
    if seat.rater_id is None:
        raise InvalidOperationError("Choose who you are first.")
    return seat.rater_id


def scoring_page(store: Store, seat: Seat, position: int) -> ScoringPage:
    """The page for the ``position``-th sample (1-based; clamped into the session's range).

    Raises InvalidOperationError if the seat has no rater or the session is not being scored.
    """
    rater_id = _rater_id(seat)
    context = meeting.load_context(store, seat.session_id)
    session = context.session
    if session.phase is not Phase.SCORING:
        raise InvalidOperationError(NOT_SCORING)
    mine = meeting.own_scores(store, seat.session_id, rater_id)
    # A re-score round may ask for only some items: only those samples, and only those criteria.
    asked = [s for s in context.samples if context.criteria_in_round(s.id)]
    position = min(max(position, 1), len(asked))
    sample = asked[position - 1]
    assert sample.id is not None
    criteria = []
    for criterion in context.rubric.criteria:
        if not context.in_round(sample.id, criterion.key):
            continue
        score = mine.get((sample.id, criterion.key))
        criteria.append(
            CriterionChoice(
                key=criterion.key,
                name=criterion.name,
                description=criterion.description,
                levels=tuple(
                    LevelChoice(level.score, level.label, level.descriptor)
                    for level in criterion.levels
                ),
                mine=score.level if score else None,
                note=score.note if score else "",
            )
        )
    entries = tuple(
        SampleEntry(
            n,
            s.title,
            sum(
                1
                for c in context.rubric.criteria
                if context.in_round(s.id, c.key) and (s.id, c.key) in mine
            ),
            context.criteria_in_round(s.id),
        )
        for n, s in enumerate(asked, start=1)
    )
    return ScoringPage(
        session_id=seat.session_id,
        session_title=session.title,
        rater_id=rater_id,
        rater_name=context.rater(rater_id).name,
        round=session.round,
        round_label=context.round_label(),
        position=position,
        sample_id=sample.id,
        sample_title=sample.title,
        student_code=sample.student_code,
        task=sample.task,
        body=sample.body,
        criteria=tuple(criteria),
        samples=entries,
        scored=len(mine),
        total=context.n_items,
    )


def save_my_score(
    store: Store,
    seat: Seat,
    *,
    sample_id: int,
    criterion_key: str,
    level: int,
    note: str,
    round: int,
) -> Score:
    """Save one of the seat's own scores, drawn on a page of ``round``.

    Raises InvalidOperationError (nothing written) if the round has moved on, scoring is closed,
    the note is too long, or the store refuses the score (not a level, not this session's sample).
    """
    rater_id = _rater_id(seat)
    session = store.get_session(seat.session_id)
    if session.phase is not Phase.SCORING:
        raise InvalidOperationError(NOT_SCORING)
    if round != session.round:
        raise InvalidOperationError(ROUND_MOVED.format(now=session.round, then=round))
    note = " ".join(note.split())
    if len(note) > NOTE_LIMIT:
        raise InvalidOperationError(f"Keep the note under {NOTE_LIMIT} characters.")
    return meeting.record_score(
        store,
        seat.session_id,
        rater_id=rater_id,
        sample_id=sample_id,
        criterion_key=criterion_key,
        level=level,
        note=note,
    )


def room_state(store: Store, seat: Seat) -> RoomState:
    """The session's phase and round, and how far the seat's rater is in this round."""
    session = store.get_session(seat.session_id)
    scored = 0
    total = 0
    if seat.rater_id is not None:
        asked = store.round_items(seat.session_id, session.round)
        if asked is None:
            total = len(session.sample_ids) * len(store.get_rubric(session.rubric_id).criteria)
        else:
            total = len(asked)
        scored = len(meeting.own_scores(store, seat.session_id, seat.rater_id))
    return RoomState(session.phase, session.round, scored, total)
