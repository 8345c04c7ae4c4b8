"""A rater over time: a timeline of sessions with drift flags, severity per criterion across
sessions, and anchors scored again in a later session (validity checks).

Drift between one session and the next is tested twice: Welch's t test on the signed deviations
(did the rater become more lenient or severe?) and a two-proportion z test on the share of exact
matches (did accuracy change?). A flag is raised at p < 0.05. With many sessions some flags will
be chance; the report says so.

An approved anchor is a sample agreed to show a level of a criterion. When that sample appears
again in a *later* session of the same rubric (after the session that agreed the anchor, or, for
an anchor with no session, after the day it was stored), each rater's round-1 score on that
criterion is a validity check: did they give the anchor's level?
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from calibrate.domain.errors import NotFoundError
from calibrate.domain.model import Anchor, AnchorStatus, Criterion, Rater, Sample, Session
from calibrate.services.reliability.comparison import (
    ROUND,
    RaterSession,
    SessionReliability,
    is_revealed,
    session_reliability,
)
from calibrate.stats.rater_effects import (
    DriftTest,
    Estimate,
    severity,
    two_proportion_z_test,
    welch_test,
)
from calibrate.storage.store import Store


@dataclass(frozen=True)
class TimelinePoint:
    """One session of the rater's timeline, with the change since the previous compared one."""

    result: RaterSession
    previous: Session | None = None  # the earlier session compared with (None: none yet)
    drift_severity: DriftTest | None = None
    drift_exact: DriftTest | None = None

    @property
    def session(self) -> Session:
        return self.result.session

    @property
    def drifted(self) -> bool:
        return any(t is not None and t.significant for t in (self.drift_severity, self.drift_exact))


@dataclass(frozen=True)
class AnchorCheck:
    anchor: Anchor
    sample: Sample
    criterion_name: str
    session: Session  # the later session in which the anchor sample was scored again
    level: int | None  # the rater's round-1 level there (None: not scored)

    @property
    def matched(self) -> bool:
        return self.level == self.anchor.level


@dataclass(frozen=True)
class CriterionSeverity:
    criterion: Criterion
    rubric_name: str
    estimate: Estimate


@dataclass(frozen=True)
class RaterHistory:
    rater: Rater
    points: tuple[TimelinePoint, ...]  # oldest session first
    anchor_checks: tuple[AnchorCheck, ...]
    by_criterion: tuple[CriterionSeverity, ...]

    @property
    def results(self) -> tuple[RaterSession, ...]:
        return tuple(p.result for p in self.points)

    @property
    def drift_flags(self) -> list[str]:
        """One sentence per significant change, naming the two sessions."""
        return [
            f"{point.previous.date} → {point.session.date}: {test.reading}"
            for point in self.points
            if point.previous is not None
            for test in (point.drift_severity, point.drift_exact)
            if test is not None and test.significant
        ]

    @property
    def anchors_matched(self) -> int:
        return sum(c.matched for c in self.anchor_checks)


def revealed_sessions(store: Store) -> list[Session]:
    """Every session whose scores may be read, oldest first (date, then creation)."""
    sessions = [s for s in store.list_sessions() if is_revealed(s)]
    return sorted(sessions, key=lambda s: (s.date, s.id or 0))


def all_reliability(store: Store) -> list[SessionReliability]:
    """Every revealed session's reliability, oldest first."""
    return [session_reliability(store, _sid(s)) for s in revealed_sessions(store)]


def rater_history(store: Store, rater_id: int) -> RaterHistory:
    """The timeline of one rater. Raises NotFoundError if there is no such rater."""
    rater = store.get_rater(rater_id)
    reliability = all_reliability(store)
    return build_history(rater, reliability, anchor_checks(store, reliability, rater_id))


def rater_by_name(store: Store, name: str) -> Rater:
    rater = store.rater_by_name(name.strip())
    if rater is None:
        known = ", ".join(r.name for r in store.list_raters()) or "none yet"
        raise NotFoundError(f"There is no rater called “{name}” (raters: {known}).")
    return rater


def team_histories(store: Store) -> list[RaterHistory]:
    """Every rater's history, by name (raters with no sessions have empty timelines)."""
    reliability = all_reliability(store)
    checks = anchor_checks(store, reliability, None)
    return [
        build_history(r, reliability, tuple(c for c in checks if c[0] == r.id))
        for r in sorted(store.list_raters(), key=lambda r: r.name.casefold())
    ]


def build_history(
    rater: Rater,
    reliability: Sequence[SessionReliability],
    checks: Sequence[tuple[int, AnchorCheck]] = (),
) -> RaterHistory:
    """The timeline from each session's results (pure)."""
    points: list[TimelinePoint] = []
    previous: RaterSession | None = None
    for session in reliability:
        result = session.for_rater(_rid(rater))
        if result is None:
            continue
        if previous is None or not result.n_compared:
            points.append(TimelinePoint(result))
        else:
            points.append(TimelinePoint(result, previous.session, *drift_between(previous, result)))
        if result.n_compared:
            previous = result
    by_criterion = pooled_criteria([p.result for p in points])
    return RaterHistory(rater, tuple(points), tuple(c for _, c in checks), by_criterion)


def drift_between(before: RaterSession, after: RaterSession) -> tuple[DriftTest, DriftTest]:
    return (
        welch_test(before.deviations, after.deviations),
        two_proportion_z_test(
            sum(c.exact for c in before.comparisons),
            before.n_compared,
            sum(c.exact for c in after.comparisons),
            after.n_compared,
        ),
    )


def pooled_criteria(results: Sequence[RaterSession]) -> tuple[CriterionSeverity, ...]:
    """Severity per criterion pooled over ``results`` (criteria matched by key within a rubric
    name), in the order first seen."""
    order: list[tuple[str, str]] = []
    steps: dict[tuple[str, str], list[int]] = {}
    criteria: dict[tuple[str, str], Criterion] = {}
    for result in results:
        rubric = result.rubric_name
        for criterion in result.criteria:
            key = (rubric, criterion.key)
            if key not in steps:
                order.append(key)
                steps[key] = []
                criteria[key] = criterion
            steps[key] += [c.steps for c in result.comparisons if c.criterion_key == criterion.key]
    return tuple(CriterionSeverity(criteria[k], k[0], severity(steps[k])) for k in order)


def anchor_checks(
    store: Store, reliability: Sequence[SessionReliability], rater_id: int | None
) -> tuple[tuple[int, AnchorCheck], ...]:
    """(rater id, check) for every approved anchor scored again in a later session."""
    out: list[tuple[int, AnchorCheck]] = []
    families: dict[int, int | None] = {}
    for anchor in store.anchors(status=AnchorStatus.APPROVED):
        if anchor.rubric_id not in families:
            families[anchor.rubric_id] = store.get_rubric(anchor.rubric_id).family_id
        family = families[anchor.rubric_id]
        origin = _origin(store, anchor)
        sample = store.get_sample(anchor.sample_id)
        for session in reliability:
            ctx = session.context
            same_rubric = ctx.rubric.id == anchor.rubric_id or (
                family is not None and ctx.rubric.family_id == family
            )
            if not same_rubric or anchor.sample_id not in ctx.session.sample_ids:
                continue
            if not _later(ctx.session, origin, anchor):
                continue
            criterion = ctx.rubric.criterion(anchor.criterion_key)
            if criterion is None:
                continue
            for result in session.raters:
                rid = _rid(result.rater)
                if rater_id is not None and rid != rater_id:
                    continue
                level = next(
                    (
                        s.level
                        for s in result.scores
                        if s.sample_id == anchor.sample_id
                        and s.criterion_key == anchor.criterion_key
                        and s.round == ROUND
                    ),
                    None,
                )
                if level is None:
                    continue
                check = AnchorCheck(anchor, sample, criterion.name, ctx.session, level)
                out.append((rid, check))
    return tuple(out)


def _origin(store: Store, anchor: Anchor) -> tuple[str, int]:
    """When the anchor was agreed: its session's (date, id), else the day it was stored."""
    if anchor.session_id is not None:
        try:
            session = store.get_session(anchor.session_id)
        except NotFoundError:
            pass
        else:
            return (session.date, _sid(session))
    return (anchor.created_at[:10], -1)


def _later(session: Session, origin: tuple[str, int], anchor: Anchor) -> bool:
    if session.id == anchor.session_id:
        return False
    date, origin_id = origin
    if origin_id < 0:  # no session: any session on a later day
        return session.date > date
    return (session.date, _sid(session)) > (date, origin_id)


def _rid(rater: Rater) -> int:
    assert rater.id is not None
    return rater.id


def _sid(session: Session) -> int:
    assert session.id is not None
    return session.id
