"""The coach's Raters overview: everyone's status, and one rater's detail, from plain records.

Reading the store and computing the figures are split so a front end can do the second part off
its main thread: :func:`load_team_records` reads every revealed session (app thread, the store's
own thread); :func:`team_status` turns those plain records into per-rater statuses (pure: session
reliability, the timeline with drift tests, the certification verdict). Anchor validity checks
read the store again (:func:`calibrate.services.reliability.history.anchor_checks`), so they
are added afterwards with :meth:`RaterStatus.with_anchor_checks`.

A rater's results are private to that rater and to coaches: these figures are a coach's view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from calibrate.domain.model import Consensus, Rater, ReferenceScore, Score, Session
from calibrate.services.meeting.sessions import MeetingContext, load_context
from calibrate.services.reliability.certification import Certification, RuleCheck, Verdict, certify
from calibrate.services.reliability.comparison import (
    ROUND,
    RaterSession,
    SessionReliability,
    build_session_reliability,
)
from calibrate.services.reliability.history import (
    AnchorCheck,
    RaterHistory,
    build_history,
    revealed_sessions,
)
from calibrate.services.reliability.window import (
    NO_SCORES_IN_WINDOW,
    VerdictWindow,
    verdict_window,
)
from calibrate.stats.rater_effects import Estimate, Lean, lean_of
from calibrate.storage.policy_files import CertificationPolicy
from calibrate.storage.store import Store

PRIVACY_NOTICE = "Coach's view: each rater's figures are private to that rater and to their coach."

#: A plain-words reading of each verdict (the checks say which bar and by how much).
VERDICT_READINGS: dict[Verdict, str] = {
    Verdict.CERTIFIED: (
        "Meets every bar of the policy even at the cautious end of the margin of error."
    ),
    Verdict.NOT_YET: (
        "On track: the scores so far reach the bar, but there are too few of them to be sure. "
        "More scored sessions will tell."
    ),
    Verdict.NOT_ENOUGH: (
        "Not enough evidence yet: too few scores have been compared with a master key or a "
        "consensus to clear the bar, however good they are."
    ),
    Verdict.DOES_NOT_MEET: (
        "Does not meet the standard yet: below a bar, or too many scores two or more levels "
        "away. Worth a coaching conversation and another calibration round."
    ),
}

#: A one-character mark per verdict, so the list never relies on colour alone.
VERDICT_MARKS: dict[Verdict, str] = {
    Verdict.CERTIFIED: "✓",
    Verdict.NOT_YET: "…",
    Verdict.NOT_ENOUGH: "?",
    Verdict.DOES_NOT_MEET: "✗",
}


# ----------------------------------------------------------------- plain records (store side)
@dataclass(frozen=True)
class SessionRecords:
    """What one revealed session's figures are computed from (no store needed)."""

    context: MeetingContext
    scores: tuple[Score, ...]  # round-1 scores
    references: tuple[ReferenceScore, ...]
    consensus: tuple[Consensus, ...]


@dataclass(frozen=True)
class TeamRecords:
    raters: tuple[Rater, ...]  # by name
    sessions: tuple[SessionRecords, ...]  # revealed sessions, oldest first


def load_team_records(store: Store, *, rater_id: int | None = None) -> TeamRecords:
    """Every revealed session's records (only the sessions of ``rater_id`` when given).

    Raises NotFoundError for an unknown ``rater_id``. Use on the store's own thread.
    """
    if rater_id is not None:
        raters: tuple[Rater, ...] = (store.get_rater(rater_id),)
    else:
        raters = tuple(sorted(store.list_raters(), key=lambda r: r.name.casefold()))
    sessions = []
    for session in revealed_sessions(store):
        if rater_id is not None and rater_id not in session.rater_ids:
            continue
        assert session.id is not None
        context = load_context(store, session.id)
        sessions.append(
            SessionRecords(
                context,
                tuple(store.scores(session.id, round=ROUND)),
                tuple(
                    store.reference_scores(
                        context.session.sample_ids, rubric_id=context.session.rubric_id
                    )
                ),
                tuple(store.consensus_for(session.id)),
            )
        )
    return TeamRecords(raters, tuple(sessions))


# ----------------------------------------------------------------- statuses (pure)
@dataclass(frozen=True)
class RaterStatus:
    """One rater's line in the overview, and everything their detail shows."""

    history: RaterHistory
    certification: Certification
    window: VerdictWindow  # the sessions the verdict rests on, and the figures over them

    @property
    def lean(self) -> Estimate:
        """Signed deviation pooled over the sessions the verdict rests on."""
        return self.window.lean

    @property
    def verdict_text(self) -> str:
        """The verdict as a list shows it: "no scores in this window" when nothing was
        compared (the verdict would only say there is not enough evidence)."""
        if not self.window.n_compared:
            return NO_SCORES_IN_WINDOW
        return self.certification.verdict.value

    @property
    def verdict_mark(self) -> str:
        return "–" if not self.window.n_compared else VERDICT_MARKS[self.certification.verdict]

    @property
    def rater(self) -> Rater:
        return self.history.rater

    @property
    def last_session(self) -> Session | None:
        return self.history.points[-1].session if self.history.points else None

    @property
    def latest(self) -> RaterSession | None:
        """The rater's results in their most recent session."""
        return self.history.points[-1].result if self.history.points else None

    @property
    def lean_kind(self) -> Lean:
        return lean_of(self.lean)

    @property
    def central_tendency(self) -> bool:
        """Flagged for keeping to the middle of the scale in the latest session."""
        latest = self.latest
        return latest is not None and latest.central_tendency.flagged

    @property
    def drift_count(self) -> int:
        return len(self.history.drift_flags)

    @property
    def bound_check(self) -> RuleCheck | None:
        """The share requirement that decides the verdict (the worst one, exact before
        adjacent on a tie): its Wilson lower bound is the one to show beside the verdict."""
        shares = [c for c in self.certification.checks if c.lower_bound is not None]
        if not shares:
            return None
        return max(shares, key=lambda c: (c.verdict.rank, c.measure == "exact"))

    @property
    def verdict_reading(self) -> str:
        if not self.window.n_compared:
            waiting = self.window.not_compared_text
            return (
                "No score of this rater has been compared with a master key or a consensus "
                "yet, so there is nothing to judge. " + waiting
            ).strip()
        return VERDICT_READINGS[self.certification.verdict]

    def with_anchor_checks(self, checks: tuple[AnchorCheck, ...]) -> RaterStatus:
        return replace(self, history=replace(self.history, anchor_checks=checks))


@dataclass(frozen=True)
class TeamStatus:
    policy: CertificationPolicy
    raters: tuple[RaterStatus, ...]  # by name
    reliability: tuple[SessionReliability, ...]  # revealed sessions, oldest first

    def rater(self, rater_id: int) -> RaterStatus | None:
        return next((r for r in self.raters if r.rater.id == rater_id), None)

    @property
    def compared_sessions(self) -> tuple[SessionReliability, ...]:
        """Sessions in which at least one score was compared with a reference, newest first."""
        return tuple(s for s in reversed(self.reliability) if any(r.n_compared for r in s.raters))


def session_reliabilities(records: TeamRecords) -> tuple[SessionReliability, ...]:
    return tuple(
        build_session_reliability(
            s.context, s.scores, references=s.references, consensus=s.consensus
        )
        for s in records.sessions
    )


def team_status(records: TeamRecords, policy: CertificationPolicy) -> TeamStatus:
    """Every rater's status from plain records (pure; safe in a worker thread)."""
    reliability = session_reliabilities(records)
    statuses = []
    for rater in records.raters:
        history = build_history(rater, reliability)
        certification = certify(rater, history.results, policy)
        window = verdict_window(history.results, certification)
        statuses.append(RaterStatus(history, certification, window))
    return TeamStatus(policy, tuple(statuses), reliability)
