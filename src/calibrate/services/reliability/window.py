"""The window a rater's figures cover: the sessions their verdict rests on.

A certification verdict is judged over the rater's most recent sessions that had a reference
(the policy's ``last_sessions``). Every figure shown beside a verdict (how many scores were
compared, the shares of exact and within-one matches, scores two or more levels away, the lean)
and the lean per criterion are computed over exactly those sessions, so a list never sets one
session's figures beside a verdict over three, and a lean pooled over every session cannot hide
a drift the same page reports. The CLI (``calibrate raters``) and the coach's screen both read this.

Scores with no master key and no consensus yet are not compared; how many, over all the rater's
revealed sessions, is kept here too so that every front end can say so. Pure: plain data in.
"""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.domain.model import Session
from calibrate.services.reliability.certification import Certification
from calibrate.services.reliability.comparison import (
    Comparison,
    RaterSession,
    adjacent_share,
    exact_share,
)
from calibrate.services.reliability.history import CriterionSeverity, pooled_criteria
from calibrate.stats.rater_effects import Estimate, severity

#: What a list shows instead of a verdict when nothing was compared in the window.
NO_SCORES_IN_WINDOW = "no scores in this window"


@dataclass(frozen=True)
class VerdictWindow:
    sessions: tuple[Session, ...]  # the sessions the verdict rests on, oldest first
    comparisons: tuple[Comparison, ...]  # the rater's compared scores in them
    n_scores: int  # the rater's round-1 scores in every revealed session
    n_not_compared: int  # of those, scores with no master key and no consensus yet
    last_sessions: int  # the policy's window length
    by_criterion: tuple[CriterionSeverity, ...] = ()  # lean per criterion over the window

    @property
    def n_compared(self) -> int:
        return len(self.comparisons)

    @property
    def n_far(self) -> int:
        return sum(c.far for c in self.comparisons)

    @property
    def exact(self) -> Estimate:
        return exact_share(self.comparisons)

    @property
    def adjacent(self) -> Estimate:
        return adjacent_share(self.comparisons)

    @property
    def lean(self) -> Estimate:
        return severity([c.steps for c in self.comparisons])

    @property
    def dates(self) -> str:
        """``2026-09-01–10-14`` (the year once when both dates share it; one date for one
        session; "—" for none)."""
        if not self.sessions:
            return "—"
        first, last = self.sessions[0].date, self.sessions[-1].date
        if first == last:
            return first
        return f"{first}–{last[5:]}" if first[:5] == last[:5] else f"{first}–{last}"

    @property
    def text(self) -> str:
        """The window in words, e.g. "3 sessions, 2026-09-01–2026-10-14"."""
        n = len(self.sessions)
        if not n:
            return "no session with compared scores yet"
        return f"{n} session{'' if n == 1 else 's'}, {self.dates}"

    @property
    def not_compared_text(self) -> str:
        """Why some scores are not counted ("" when every score was compared)."""
        if not self.n_not_compared:
            return ""
        n, total = self.n_not_compared, self.n_scores
        return (
            f"{n} of their {total} score{'' if total == 1 else 's'} "
            f"{'has' if n == 1 else 'have'} no master key and no consensus yet, so "
            f"{'it is' if n == 1 else 'they are'} not compared."
        )


def verdict_window(
    results: tuple[RaterSession, ...], certification: Certification
) -> VerdictWindow:
    """The figures over the sessions ``certification`` rests on (``results``: the rater's
    sessions, any order)."""
    used = {s.id for s in certification.sessions}
    inside = [r for r in results if r.session.id in used]
    return VerdictWindow(
        sessions=certification.sessions,
        comparisons=tuple(c for r in inside for c in r.comparisons),
        n_scores=sum(len(r.scores) for r in results),
        n_not_compared=sum(r.n_not_compared for r in results),
        last_sessions=certification.policy.last_sessions,
        by_criterion=pooled_criteria(inside),
    )
