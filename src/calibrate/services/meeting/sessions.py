"""Use cases of a calibration meeting: set up, score blind, reveal, agree, re-score, keep anchors.

Plain data in and out; both the TUI and the CLI call these. Blindness is enforced here: while a
blind session is being scored, nobody can read another rater's values through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import (
    Anchor,
    AnchorStatus,
    Consensus,
    Phase,
    Rater,
    Rubric,
    Sample,
    Score,
    Session,
)
from calibrate.domain.text_rules import name_problem, text_problem
from calibrate.storage.store import Store


@dataclass(frozen=True)
class MeetingContext:
    """Everything a screen needs to show a session, without any score values."""

    session: Session
    rubric: Rubric
    samples: tuple[Sample, ...]
    raters: tuple[Rater, ...]
    # The (sample id, criterion key) items the current round asks for; None: every item (round
    # 1, and any round started for everything).
    round_items: frozenset[tuple[int, str]] | None = None

    @property
    def n_items(self) -> int:
        """Scores one rater gives in the current round: samples × criteria, or the items
        chosen for a re-score round."""
        if self.round_items is not None:
            return len(self.round_items)
        return len(self.samples) * len(self.rubric.criteria)

    @property
    def partial_round(self) -> bool:
        """The current round re-scores only some items."""
        return self.round_items is not None

    def in_round(self, sample_id: int | None, criterion_key: str) -> bool:
        """Whether the current round asks for this item."""
        return self.round_items is None or (sample_id, criterion_key) in self.round_items

    def criteria_in_round(self, sample_id: int | None) -> int:
        """How many criteria of this sample the current round asks for."""
        return sum(1 for c in self.rubric.criteria if self.in_round(sample_id, c.key))

    def round_steps(self) -> tuple[tuple[int, int], ...]:
        """The items of the current round as (sample index, criterion index), in the order a
        rater scores them: samples in session order, criteria in rubric order."""
        return tuple(
            (i, j)
            for i, sample in enumerate(self.samples)
            for j, criterion in enumerate(self.rubric.criteria)
            if self.in_round(sample.id, criterion.key)
        )

    def round_label(self) -> str:
        """``Round 2 (12 of 40 items re-scored)``, or ``Round 1``."""
        head = f"Round {self.session.round}"
        if self.round_items is None:
            return head
        total = len(self.samples) * len(self.rubric.criteria)
        return f"{head} ({self.n_items} of {total} items re-scored)"

    @property
    def level_keys(self) -> str:
        """The number keys that choose a level of this rubric, e.g. ``1-4`` or ``0-3``; levels
        a single key cannot type (10 and up) are left out."""
        return level_keys(score for c in self.rubric.criteria for score in c.scores)

    def sample(self, sample_id: int) -> Sample:
        return self._samples_by_id[sample_id]

    def rater(self, rater_id: int) -> Rater:
        return self._raters_by_id[rater_id]

    @cached_property
    def _samples_by_id(self) -> dict[int | None, Sample]:  # screens look samples up per item
        return {s.id: s for s in self.samples}

    @cached_property
    def _raters_by_id(self) -> dict[int | None, Rater]:
        return {r.id: r for r in self.raters}


@dataclass(frozen=True)
class RaterProgress:
    rater: Rater
    scored: int
    total: int
    samples_done: frozenset[int]

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.scored >= self.total


def level_keys(scores: Iterable[int]) -> str:
    """``1-4`` for levels 1, 2, 3, 4; ``0,2,4`` when they are not consecutive; ``—`` for none
    that one number key can choose."""
    keys = sorted({s for s in scores if 0 <= s <= 9})
    if not keys:
        return "—"
    if len(keys) > 1 and keys == list(range(keys[0], keys[-1] + 1)):
        return f"{keys[0]}-{keys[-1]}"
    return ",".join(str(k) for k in keys)


def load_context(store: Store, session_id: int) -> MeetingContext:
    session = store.get_session(session_id)
    rubric = store.get_rubric(session.rubric_id)
    samples = tuple(store.get_sample(i) for i in session.sample_ids)
    raters = tuple(store.get_rater(i) for i in session.rater_ids)
    items = store.round_items(session_id, session.round)
    return MeetingContext(session, rubric, samples, raters, items)


def create_session(
    store: Store,
    *,
    title: str,
    date: str,
    rubric_id: int,
    sample_ids: Sequence[int],
    rater_ids: Sequence[int],
    facilitator: str = "",
    blind: bool = True,
    cut_score: int | None = None,
    start: bool = True,
) -> Session:
    """Create a session; with ``start`` it opens for scoring straight away."""
    if not title.strip():
        raise InvalidOperationError("The session needs a title.")
    if (problem := name_problem(title.strip())) is not None:
        raise InvalidOperationError(f"The session's title {problem}.")
    if not sample_ids:
        raise InvalidOperationError("Choose at least one sample to score.")
    if len(rater_ids) < 2:
        raise InvalidOperationError("Choose at least two raters: agreement needs two people.")
    rubric = store.get_rubric(rubric_id)
    if cut_score is not None and all(cut_score not in c.scores for c in rubric.criteria):
        raise InvalidOperationError(f"{cut_score} is not a level of {rubric.name}.")
    with store.transaction():
        session = store.create_session(
            Session(
                title=title.strip(),
                date=date,
                rubric_id=rubric_id,
                facilitator=facilitator,
                sample_ids=tuple(sample_ids),
                rater_ids=tuple(rater_ids),
                blind=blind,
                cut_score=cut_score,
            )
        )
        if start:
            store.set_phase(_id(session), Phase.SCORING)
    return store.get_session(_id(session))


def record_score(
    store: Store,
    session_id: int,
    *,
    rater_id: int,
    sample_id: int,
    criterion_key: str,
    level: int,
    note: str = "",
) -> Score:
    """Commit one score at once (the store validates and keeps the earlier value). Raises
    InvalidOperationError for a note that cannot be kept (control characters, over a million
    characters)."""
    if (problem := text_problem(note)) is not None:
        raise InvalidOperationError(f"The note {problem}.")
    return store.record_score(
        session_id, sample_id, criterion_key, rater_id, level, note=note.strip()
    )


def own_scores(store: Store, session_id: int, rater_id: int) -> dict[tuple[int, str], Score]:
    """A rater's own scores in the current round, keyed by (sample id, criterion key)."""
    session = store.get_session(session_id)
    return {
        (s.sample_id, s.criterion_key): s
        for s in store.scores(session_id, round=session.round, rater_id=rater_id)
    }


def progress(store: Store, session_id: int) -> list[RaterProgress]:
    """Who has finished, in the current round. Counts only: safe to show while blind."""
    ctx = load_context(store, session_id)
    scores = store.scores(session_id, round=ctx.session.round)
    out = []
    for rater in ctx.raters:
        mine = [s for s in scores if s.rater_id == rater.id]
        per_sample: dict[int, int] = {}
        for s in mine:
            per_sample[s.sample_id] = per_sample.get(s.sample_id, 0) + 1
        done = frozenset(k for k, v in per_sample.items() if v >= ctx.criteria_in_round(k))
        out.append(RaterProgress(rater, len(mine), ctx.n_items, done))
    return out


def revealed_scores(store: Store, session_id: int, *, round: int | None = None) -> list[Score]:
    """Every rater's latest scores of a round; refused while a blind session is being scored."""
    session = store.get_session(session_id)
    if session.blind and session.phase in (Phase.SETUP, Phase.SCORING):
        raise InvalidOperationError(
            "The scores are hidden until the facilitator reveals them (the session is blind)."
        )
    return store.scores(session_id, round=round or session.round)


def reveal(store: Store, session_id: int) -> Session:
    """Show the round's scores to the team. Refused before anyone has scored the round: a
    reveal of nothing would read as "everyone agreed"."""
    session = store.get_session(session_id)
    if session.phase is not Phase.SCORING:
        raise InvalidOperationError(
            f"Only a session being scored can be revealed ({session.phase})."
        )
    if not store.scores(session_id, round=session.round):
        raise InvalidOperationError(
            f"There is nothing to reveal yet: nobody has scored round {session.round}."
        )
    store.set_phase(session_id, Phase.REVEAL)
    return store.get_session(session_id)


def set_consensus(
    store: Store,
    session_id: int,
    *,
    sample_id: int,
    criterion_key: str,
    level: int,
    rationale: str,
) -> Consensus:
    """Record the team's agreed level and why; moves a revealed session into consensus."""
    ctx = load_context(store, session_id)
    if ctx.session.phase in (Phase.SETUP, Phase.SCORING):
        raise InvalidOperationError("Reveal the scores before agreeing a consensus.")
    if ctx.session.phase is Phase.CLOSED:
        raise InvalidOperationError("This session is closed.")
    criterion = ctx.rubric.criterion(criterion_key)
    if criterion is None or criterion.level(level) is None:
        raise InvalidOperationError(f"{level} is not a level of {criterion_key}.")
    if not rationale.strip():
        raise InvalidOperationError("Write the rationale: why the team agreed this level.")
    with store.transaction():
        result = store.set_consensus(
            Consensus(session_id, sample_id, criterion_key, level, rationale.strip())
        )
        if ctx.session.phase is Phase.REVEAL:
            store.set_phase(session_id, Phase.CONSENSUS)
    return result


def start_rescore_round(
    store: Store, session_id: int, items: Sequence[tuple[int, str]] | None = None
) -> int:
    """After discussion, raters score again: only ``items`` (sample id, criterion key), or
    every item when None. Returns the new round number."""
    return store.start_round(session_id, items)


def close_session(store: Store, session_id: int) -> None:
    """Finish the meeting: nothing more is scored or agreed; the record stays to read."""
    store.set_phase(session_id, Phase.CLOSED)


def promote_anchor(
    store: Store,
    session_id: int,
    *,
    sample_id: int,
    criterion_key: str,
    level: int,
    annotation: str,
) -> Anchor:
    """Keep a sample as the anchor of a criterion × level (proposed until approved)."""
    ctx = load_context(store, session_id)
    if sample_id not in ctx.session.sample_ids:
        raise NotFoundError("That sample is not part of this session.")
    criterion = ctx.rubric.criterion(criterion_key)
    if criterion is None or criterion.level(level) is None:
        raise InvalidOperationError(f"{level} is not a level of {criterion_key}.")
    if not annotation.strip():
        raise InvalidOperationError("Write why this sample shows this level (the annotation).")
    return store.add_anchor(
        Anchor(
            rubric_id=ctx.rubric.id or 0,
            criterion_key=criterion_key,
            level=level,
            sample_id=sample_id,
            annotation=annotation.strip(),
            session_id=session_id,
            status=AnchorStatus.PROPOSED,
        )
    )


def set_anchor_status(store: Store, anchor_id: int, status: AnchorStatus) -> None:
    store.set_anchor_status(anchor_id, status)


def _id(record: Session) -> int:
    assert record.id is not None
    return record.id
