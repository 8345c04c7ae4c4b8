"""How each rater scored in one session, compared with the master key or the team's consensus.

For every round-1 score (the blind, independent one: later rounds follow a discussion) the
reference is the master-key level of that sample on that criterion when one exists, otherwise
the level the team agreed (consensus), otherwise there is none yet and the score is counted as
"not compared". From the compared scores come the share of exact matches and of matches within
one level (Wilson intervals), the number of scores two or more levels away, quadratic weighted
kappa of the rater against the reference, the share of "same decision at the cut" when the
session has a cut score, and the mean signed deviation (severity/leniency) overall and per
criterion. Central tendency and the use of each level compare the rater with the *other raters*
on the same work, so they need no reference.

A rater's results are private to that rater and to coaches. Plain data in and out; only
:func:`session_reliability` reads the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import (
    Consensus,
    Criterion,
    Phase,
    Rater,
    ReferenceScore,
    Score,
    Session,
)
from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.services.meeting.sessions import MeetingContext, load_context
from calibrate.stats.cohen import weighted_kappa_quadratic
from calibrate.stats.rater_effects import (
    CentralTendency,
    Estimate,
    LevelUse,
    central_tendency,
    level_use,
    missing_estimate,
    proportion,
    severity,
)
from calibrate.stats.result import AgreementResult
from calibrate.storage.store import Store

#: The round whose scores are compared: the blind one, before any discussion.
ROUND = 1


class ReferenceKind(StrEnum):
    MASTER_KEY = "master key"
    CONSENSUS = "consensus"


@dataclass(frozen=True)
class Comparison:
    """One score set beside its reference level."""

    sample_id: int
    criterion_key: str
    level: int
    reference: int
    kind: ReferenceKind
    steps: int  # rater minus reference, in steps of the criterion's scale (+ = lenient)
    n_levels: int  # how many levels the criterion has
    cut_score: int | None = None

    @property
    def exact(self) -> bool:
        return self.steps == 0

    @property
    def adjacent(self) -> bool:
        return abs(self.steps) <= 1

    @property
    def far(self) -> bool:
        """Two or more levels away from the reference."""
        return abs(self.steps) >= 2

    @property
    def same_decision(self) -> bool | None:
        """Both on the same side of the cut score (None when the session has none)."""
        if self.cut_score is None:
            return None
        return (self.level >= self.cut_score) == (self.reference >= self.cut_score)


@dataclass(frozen=True)
class RaterSession:
    """One rater's results in one session."""

    session: Session
    rater: Rater
    rubric_name: str
    criteria: tuple[Criterion, ...]
    scores: tuple[Score, ...]  # the rater's round-1 scores
    comparisons: tuple[Comparison, ...]
    exact: Estimate
    adjacent: Estimate
    same_decision: Estimate
    weighted_kappa: AgreementResult
    severity: Estimate
    severity_by_criterion: dict[str, Estimate]
    central_tendency: CentralTendency
    level_use: tuple[LevelUse, ...]

    @property
    def n_compared(self) -> int:
        return len(self.comparisons)

    @property
    def n_far(self) -> int:
        return sum(c.far for c in self.comparisons)

    @property
    def n_not_compared(self) -> int:
        return len(self.scores) - len(self.comparisons)

    @property
    def deviations(self) -> list[int]:
        return [c.steps for c in self.comparisons]

    def count(self, kind: ReferenceKind) -> int:
        return sum(c.kind is kind for c in self.comparisons)

    @property
    def status(self) -> str:
        """What the figures were compared with, in words."""
        if not self.scores:
            return "No scores from this rater in this session."
        parts = []
        key, agreed = self.count(ReferenceKind.MASTER_KEY), self.count(ReferenceKind.CONSENSUS)
        if key:
            parts.append(f"{key} with the master key")
        if agreed:
            parts.append(f"{agreed} with the team's consensus")
        text = f"Compared {' and '.join(parts)}." if parts else ""
        if self.n_not_compared:
            gap = (
                f"{self.n_not_compared} of {len(self.scores)} scores have no master key and no "
                "consensus yet, so they are not compared."
            )
            text = f"{text} {gap}".strip()
        return text


@dataclass(frozen=True)
class SeverityMatrix:
    """Mean signed deviation per rater × criterion (the heat map)."""

    raters: tuple[Rater, ...]
    criteria: tuple[Criterion, ...]
    cells: dict[tuple[int, str], Estimate] = field(default_factory=dict)

    def cell(self, rater_id: int, criterion_key: str) -> Estimate:
        return self.cells.get(
            (rater_id, criterion_key),
            missing_estimate("severity", "No compared scores on this criterion."),
        )


@dataclass(frozen=True)
class SessionReliability:
    context: MeetingContext
    raters: tuple[RaterSession, ...]  # in the session's rater order

    def for_rater(self, rater_id: int) -> RaterSession | None:
        return next((r for r in self.raters if r.rater.id == rater_id), None)

    def severity_matrix(self) -> SeverityMatrix:
        cells = {
            (_rid(r.rater), key): est
            for r in self.raters
            for key, est in r.severity_by_criterion.items()
        }
        return SeverityMatrix(
            tuple(r.rater for r in self.raters), self.context.rubric.criteria, cells
        )


def is_revealed(session: Session) -> bool:
    """Scores of a blind session still being scored stay hidden, from these figures too."""
    return not (session.blind and session.phase in (Phase.SETUP, Phase.SCORING))


def session_reliability(store: Store, session_id: int) -> SessionReliability:
    """Every rater's results in a session. Raises InvalidOperationError while a blind session
    is still being scored, NotFoundError if there is no such session."""
    context = load_context(store, session_id)
    if not is_revealed(context.session):
        raise InvalidOperationError(
            "The scores are hidden until the facilitator reveals them (the session is blind)."
        )
    return build_session_reliability(
        context,
        store.scores(session_id, round=ROUND),
        references=store.reference_scores(
            context.session.sample_ids, rubric_id=context.session.rubric_id
        ),
        consensus=store.consensus_for(session_id),
    )


def build_session_reliability(
    context: MeetingContext,
    scores: Iterable[Score],
    *,
    references: Iterable[ReferenceScore] = (),
    consensus: Iterable[Consensus] = (),
) -> SessionReliability:
    """The per-rater figures from plain records (no store needed).

    ``references`` are the master-key scores that apply to the session's rubric, as
    ``Store.reference_scores(..., rubric_id=...)`` chooses them (the reveal uses the same)."""
    keyed = {(r.sample_id, r.criterion_key): r.level for r in references}
    agreed = {(c.sample_id, c.criterion_key): c.level for c in consensus}
    round_scores = [s for s in scores if s.round == ROUND]
    scale_table = _scale_table(context, round_scores)
    results = []
    for column, rater in enumerate(context.raters):
        mine = tuple(s for s in round_scores if s.rater_id == rater.id)
        results.append(_rater_session(context, rater, mine, keyed, agreed, scale_table, column))
    return SessionReliability(context, tuple(results))


def exact_share(comparisons: Sequence[Comparison]) -> Estimate:
    """The share of compared scores that matched the reference exactly."""
    hits = sum(c.exact for c in comparisons)
    return proportion("exact", hits, len(comparisons), what="matched the reference exactly")


def adjacent_share(comparisons: Sequence[Comparison]) -> Estimate:
    """The share of compared scores within one level of the reference."""
    hits = sum(c.adjacent for c in comparisons)
    what = "were within one level of the reference"
    return proportion("adjacent", hits, len(comparisons), what=what)


def _rater_session(
    context: MeetingContext,
    rater: Rater,
    scores: tuple[Score, ...],
    keyed: dict[tuple[int, str], int],
    agreed: dict[tuple[int, str], int],
    scale_table: RatingTable | None,
    column: int,
) -> RaterSession:
    comparisons = tuple(c for s in scores if (c := _compare(context, s, keyed, agreed)))
    n = len(comparisons)
    exact, adjacent = exact_share(comparisons), adjacent_share(comparisons)
    if context.session.cut_score is None:
        decision = missing_estimate(
            "same_decision", "The session has no cut score, so there is no decision to compare."
        )
    else:
        decision = proportion(
            "same_decision",
            sum(bool(c.same_decision) for c in comparisons),
            n,
            what=f"made the same meets/does-not-meet call at the cut score "
            f"{context.session.cut_score}",
        )
    by_criterion = {
        c.key: severity([x.steps for x in comparisons if x.criterion_key == c.key])
        for c in context.rubric.criteria
    }
    if scale_table is None:
        tendency = CentralTendency(
            0, 0, None, None, None, None, False, _NO_SCALE, f"Not available: {_NO_SCALE}"
        )
        use: tuple[LevelUse, ...] = ()
    else:
        tendency = central_tendency(scale_table, column)
        use = level_use(scale_table, column)
    return RaterSession(
        session=context.session,
        rater=rater,
        rubric_name=context.rubric.name,
        criteria=context.rubric.criteria,
        scores=scores,
        comparisons=comparisons,
        exact=exact,
        adjacent=adjacent,
        same_decision=decision,
        weighted_kappa=_kappa(context, comparisons),
        severity=severity([c.steps for c in comparisons]),
        severity_by_criterion=by_criterion,
        central_tendency=tendency,
        level_use=use,
    )


_NO_SCALE = "Nobody has scored yet in this session."


def _compare(
    context: MeetingContext,
    score: Score,
    keyed: dict[tuple[int, str], int],
    agreed: dict[tuple[int, str], int],
) -> Comparison | None:
    item = (score.sample_id, score.criterion_key)
    criterion = context.rubric.criterion(score.criterion_key)
    if criterion is None:
        return None
    if item in keyed:
        reference, kind = keyed[item], ReferenceKind.MASTER_KEY
    elif item in agreed:
        reference, kind = agreed[item], ReferenceKind.CONSENSUS
    else:
        return None
    positions = {level: k for k, level in enumerate(criterion.scores)}
    if score.level not in positions or reference not in positions:
        return None
    return Comparison(
        sample_id=score.sample_id,
        criterion_key=score.criterion_key,
        level=score.level,
        reference=reference,
        kind=kind,
        steps=positions[score.level] - positions[reference],
        n_levels=len(criterion.scores),
        cut_score=context.session.cut_score,
    )


def _kappa(context: MeetingContext, comparisons: Sequence[Comparison]) -> AgreementResult:
    """Quadratic weighted kappa of the rater (column 1) against the reference (column 2)."""
    levels = sorted({s for c in context.rubric.criteria for s in c.scores})
    index = {level: k for k, level in enumerate(levels)}
    codes = np.array(
        [[index[c.level], index[c.reference]] for c in comparisons], dtype=np.int64
    ).reshape(-1, 2)
    table = RatingTable(
        codes,
        tuple(float(v) for v in levels),
        Measurement.ORDINAL,
        rater_ids=("rater", "reference"),
    )
    return weighted_kappa_quadratic(table)


def _scale_table(context: MeetingContext, scores: Sequence[Score]) -> RatingTable | None:
    """Items × raters in level positions, over the criteria that share the rubric's most common
    scale (central tendency needs one scale to say what "the top level" is)."""
    scales = Counter(c.scores for c in context.rubric.criteria if c.scores)
    if not scales or not scores:
        return None
    scale = scales.most_common(1)[0][0]
    criteria = [c.key for c in context.rubric.criteria if c.scores == scale]
    position = {level: k for k, level in enumerate(scale)}
    items = [(s.id, key) for s in context.samples for key in criteria]
    row = {item: i for i, item in enumerate(items)}
    col = {r.id: j for j, r in enumerate(context.raters)}
    codes = np.full((len(items), len(context.raters)), MISSING, dtype=np.int64)
    for s in scores:
        i = row.get((s.sample_id, s.criterion_key))
        j = col.get(s.rater_id)
        if i is not None and j is not None and s.level in position:
            codes[i, j] = position[s.level]
    return RatingTable(codes, tuple(float(v) for v in scale), Measurement.ORDINAL)


def _rid(rater: Rater) -> int:
    assert rater.id is not None
    return rater.id
