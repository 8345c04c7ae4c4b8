"""One item of the discussion after the reveal: what each rater chose and why, the master key,
the agreed level so far, and which item the team discusses next.

Names are shown here on purpose: after the reveal the team talks openly. Plain data in and out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import (
    Anchor,
    AnchorStatus,
    Consensus,
    Criterion,
    Phase,
    Rater,
    Sample,
    Score,
)
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.reveal import build_reveal
from calibrate.services.meeting.sessions import MeetingContext
from calibrate.storage.store import Store

ItemKey = tuple[int, str]  # (sample id, criterion key)


@dataclass(frozen=True)
class RaterLine:
    """One rater's level on the item and their "because…" note (level None: not scored)."""

    rater: Rater
    level: int | None
    label: str
    note: str


@dataclass(frozen=True)
class ConsensusItem:
    """Everything the consensus screen shows for one sample × criterion."""

    context: MeetingContext
    sample: Sample
    criterion: Criterion
    round: int
    lines: tuple[RaterLine, ...]  # in the session's rater order
    reference: int | None  # the master-key level, if the sample has one on this criterion
    consensus: Consensus | None  # the level agreed so far, if any
    queue: tuple[ItemKey, ...]  # the discussion queue, most worth discussing first
    agreed: frozenset[ItemKey]  # the items of the session with a consensus

    @property
    def key(self) -> ItemKey:
        assert self.sample.id is not None
        return (self.sample.id, self.criterion.key)

    @property
    def sample_position(self) -> int:
        """1-based position of the sample in the session."""
        return [s.id for s in self.context.samples].index(self.sample.id) + 1

    @property
    def queue_position(self) -> int | None:
        """1-based place in the discussion queue (None: everyone chose the same level)."""
        return self.queue.index(self.key) + 1 if self.key in self.queue else None

    def label(self, level: int | None) -> str:
        """``"3 · Proficient"`` for a level of this criterion, ``"—"`` for none."""
        if level is None:
            return "—"
        found = self.criterion.level(level)
        return f"{level} · {found.label}" if found else str(level)


def load_item(store: Store, session_id: int, sample_id: int, criterion_key: str) -> ConsensusItem:
    """The item ``sample_id`` × ``criterion_key`` of a revealed session.

    Raises NotFoundError if the session does not exist, or the sample or criterion is not part of
    it; InvalidOperationError while the session has not been revealed yet.
    """
    context = meeting.load_context(store, session_id)
    if context.session.phase in (Phase.SETUP, Phase.SCORING):
        raise InvalidOperationError(
            "The scores are not revealed yet: reveal them before discussing a consensus."
        )
    sample = next((s for s in context.samples if s.id == sample_id), None)
    if sample is None:
        raise NotFoundError("That sample is not part of this session.")
    criterion = context.rubric.criterion(criterion_key)
    if criterion is None:
        raise NotFoundError(f"{context.rubric.name} has no criterion {criterion_key!r}.")
    all_scores = meeting.revealed_scores(store, session_id, round=context.session.round)
    scores = {
        s.rater_id: s
        for s in all_scores
        if s.sample_id == sample_id and s.criterion_key == criterion_key
    }
    lines = []
    for rater in context.raters:
        score = scores.get(rater.id) if rater.id is not None else None
        level = score.level if score else None
        found = criterion.level(level) if level is not None else None
        lines.append(
            RaterLine(
                rater=rater,
                level=level,
                label=found.label if found else "",
                note=score.note if score else "",
            )
        )
    agreed = store.consensus_for(session_id)
    reference = [
        r.level
        for r in store.reference_scores([sample_id], rubric_id=context.session.rubric_id)
        if r.criterion_key == criterion_key
    ]
    return ConsensusItem(
        context=context,
        sample=sample,
        criterion=criterion,
        round=context.session.round,
        lines=tuple(lines),
        reference=reference[0] if reference else None,
        consensus=next(
            (c for c in agreed if (c.sample_id, c.criterion_key) == (sample_id, criterion_key)),
            None,
        ),
        queue=_queue(context, all_scores),
        agreed=frozenset((c.sample_id, c.criterion_key) for c in agreed),
    )


def next_item(
    queue: Sequence[ItemKey], current: ItemKey, agreed: Collection[ItemKey]
) -> ItemKey | None:
    """The item to discuss after ``current``.

    Walks the queue from the item after ``current`` (from the top if ``current`` is not in it),
    wrapping round, and returns the first item not agreed yet; if every other item is agreed,
    simply the one after ``current``. None when the queue holds nothing but ``current``.
    """
    start = queue.index(current) + 1 if current in queue else 0
    rotated = [*queue[start:], *queue[:start]]
    others = [key for key in rotated if key != current]
    if not others:
        return None
    return next((key for key in others if key not in agreed), others[0])


def next_in_queue(store: Store, session_id: int, current: ItemKey) -> ItemKey | None:
    """The (sample id, criterion key) to discuss after ``current``; see :func:`next_item`."""
    context = meeting.load_context(store, session_id)
    scores = meeting.revealed_scores(store, session_id, round=context.session.round)
    agreed = {(c.sample_id, c.criterion_key) for c in store.consensus_for(session_id)}
    return next_item(_queue(context, scores), current, agreed)


def kept_anchor(store: Store, item: ConsensusItem) -> Anchor | None:
    """An anchor (not retired) already kept from this session for this sample × criterion."""
    rubric_id = item.context.rubric.id
    for anchor in store.anchors(rubric_id=rubric_id):
        if (
            anchor.sample_id == item.sample.id
            and anchor.criterion_key == item.criterion.key
            and anchor.session_id == item.context.session.id
            and anchor.status is not AnchorStatus.RETIRED
        ):
            return anchor
    return None


def _queue(context: MeetingContext, scores: Sequence[Score]) -> tuple[ItemKey, ...]:
    """The discussion queue in the order of the reveal, agreed items kept in their place (so
    "next" does not jump back to an item the team skipped)."""
    unagreed = build_reveal(context, scores, round=context.session.round)
    return tuple((i.sample_id, i.criterion_key) for i in unagreed.discussion_queue())
