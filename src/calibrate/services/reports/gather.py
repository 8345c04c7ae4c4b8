"""Reports: the team's session report, each rater's private page, and a coach's report on one
rater over time. This module gathers the data and writes JSON; ``markdown`` and
``html`` render the same data as Markdown and as a self-contained HTML page.

Who sees what: the *team* part of a session report has the team's agreement (overall and per
criterion, from the blind round), the discussion items (how many raters chose each level, never
who), the consensus decisions and the anchors agreed, and the team's accuracy against the
master key pooled over everyone. It names no rater. Each rater's own figures and scores are in
a separate *private page*, written to its own file, for that rater and their coach only.
"""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Criterion, Rater
from calibrate.services.agreement.headline import Headline
from calibrate.services.agreement.scopes import reveal_scopes, scope_figures
from calibrate.services.meeting.reveal import Reveal, build_reveal
from calibrate.services.meeting.sessions import MeetingContext
from calibrate.services.reliability.certification import Certification, certify, default_policy
from calibrate.services.reliability.comparison import (
    ROUND,
    RaterSession,
    SessionReliability,
    adjacent_share,
    exact_share,
    session_reliability,
)
from calibrate.services.reliability.history import RaterHistory, rater_history
from calibrate.services.reliability.window import VerdictWindow, verdict_window
from calibrate.services.reports.rasch_section import RaschSection, rater_section, session_section
from calibrate.stats.rater_effects import Estimate, proportion
from calibrate.stats.report import AgreementReport
from calibrate.storage.policy_files import CertificationPolicy
from calibrate.storage.store import Store


@dataclass(frozen=True)
class CriterionAgreement:
    criterion: Criterion
    report: AgreementReport
    headline: Headline  # the same sentences as the reveal's and ``calibrate agree``'s


@dataclass(frozen=True)
class DiscussionItem:
    sample: str
    criterion: str
    counts: dict[int, int]  # level -> how many raters chose it (every level of the criterion)
    straddles_cut: bool
    disagreement: float  # share of rater pairs that differ
    reference: int | None  # the master-key level, if any
    agreed: int | None  # the consensus level, if agreed


@dataclass(frozen=True)
class Decision:
    sample: str
    criterion: str
    level: int
    label: str
    rationale: str


@dataclass(frozen=True)
class AgreedAnchor:
    sample: str
    criterion: str
    level: int
    label: str
    annotation: str
    status: str


@dataclass(frozen=True)
class TeamAccuracy:
    """Everyone's compared scores pooled: no rater is singled out."""

    n_raters: int
    exact: Estimate
    adjacent: Estimate
    n_far: int
    same_decision: Estimate | None
    n_scores: int = 0  # every blind score of the session
    n_not_compared: int = 0  # of those, scores with no master key and no consensus yet

    @property
    def not_compared_text(self) -> str:
        """Why some scores are left out of these shares ("" when none is)."""
        n = self.n_not_compared
        if not n:
            return ""
        return (
            f"{n} of the {self.n_scores} blind scores {'is' if n == 1 else 'are'} on items with "
            f"no master key and no consensus yet, so {'it is' if n == 1 else 'they are'} not "
            "compared."
        )


@dataclass(frozen=True)
class ScoreLine:
    sample: str
    criterion: str
    level: int
    reference: int | None
    kind: str  # "master key", "consensus" or "" (none yet)
    note: str

    @property
    def difference(self) -> int | None:
        return None if self.reference is None else self.level - self.reference


@dataclass(frozen=True)
class PrivatePage:
    """One rater's own results in one session: for that rater and their coach."""

    rater: Rater
    result: RaterSession
    lines: tuple[ScoreLine, ...]


@dataclass(frozen=True)
class SessionReport:
    context: MeetingContext
    round: int  # the round the agreement figures are computed on (the blind one)
    overall: AgreementReport
    headline: Headline  # every criterion pooled
    criteria: tuple[CriterionAgreement, ...]
    team: TeamAccuracy
    discussion: tuple[DiscussionItem, ...]
    decisions: tuple[Decision, ...]
    anchors: tuple[AgreedAnchor, ...]
    private: tuple[PrivatePage, ...]
    rasch: RaschSection | None = None  # counts only: names no rater


@dataclass(frozen=True)
class RaterReport:
    history: RaterHistory
    certification: Certification
    rasch: RaschSection | None = None

    @property
    def window(self) -> VerdictWindow:
        """The sessions the verdict rests on (as ``calibrate raters`` shows them)."""
        return verdict_window(self.history.results, self.certification)


# ----------------------------------------------------------------- building
def session_report(
    store: Store, session_id: int, *, seed: int = 0, leave_out_partial: bool = False
) -> SessionReport:
    """Everything a session report shows. Raises InvalidOperationError while a blind session is
    still being scored; NotFoundError if there is no such session.

    The agreement figures leave out raters who gave no scores (and, with
    ``leave_out_partial``, those who scored only some samples), as the reveal does."""
    reliability = session_reliability(store, session_id)
    context = reliability.context
    consensus = store.consensus_for(session_id)
    reveal = build_reveal(
        context,
        store.scores(session_id, round=ROUND),
        round=ROUND,
        consensus=consensus,
        reference=store.reference_scores(
            context.session.sample_ids, rubric_id=context.session.rubric_id
        ),
    )
    if not any(item.n for item in reveal.items):
        raise InvalidOperationError("Nobody has scored in this session yet: there is no report.")
    anchors = [a for a in store.anchors(rubric_id=context.rubric.id) if a.session_id == session_id]
    pooled, *by_criterion = (
        scope_figures(s, rng=seed)
        for s in reveal_scopes(reveal, leave_out_partial=leave_out_partial)
    )
    return SessionReport(
        context=context,
        round=ROUND,
        overall=pooled.report,
        headline=pooled.headline,
        criteria=tuple(
            CriterionAgreement(c, f.report, f.headline)
            for c, f in zip(context.rubric.criteria, by_criterion, strict=True)
        ),
        team=_team(reliability),
        discussion=tuple(_discussion(reveal)),
        decisions=tuple(
            Decision(
                _sample(context, c.sample_id),
                _criterion(context, c.criterion_key).name,
                c.level,
                _label(context, c.criterion_key, c.level),
                c.rationale,
            )
            for c in consensus
        ),
        anchors=tuple(
            AgreedAnchor(
                _sample(context, a.sample_id),
                _criterion(context, a.criterion_key).name,
                a.level,
                _label(context, a.criterion_key, a.level),
                a.annotation,
                str(a.status),
            )
            for a in anchors
            if a.sample_id in context.session.sample_ids
        ),
        private=tuple(_private(context, r) for r in reliability.raters if r.scores),
        rasch=session_section(store, session_id),
    )


def rater_report(
    store: Store, rater_id: int, *, policy: CertificationPolicy | None = None
) -> RaterReport:
    """A coach's report on one rater over time. Raises NotFoundError for an unknown rater."""
    history = rater_history(store, rater_id)
    cert = certify(history.rater, history.results, policy or default_policy())
    return RaterReport(history, cert, rater_section(store, rater_id))


def _team(reliability: SessionReliability) -> TeamAccuracy:
    comparisons = [c for r in reliability.raters for c in r.comparisons]
    n = len(comparisons)
    cut = reliability.context.session.cut_score
    decision = None
    if cut is not None:
        decision = proportion(
            "same_decision",
            sum(bool(c.same_decision) for c in comparisons),
            n,
            what=f"made the same call at the cut score {cut} as the reference",
        )
    return TeamAccuracy(
        n_raters=sum(1 for r in reliability.raters if r.comparisons),
        exact=exact_share(comparisons),
        adjacent=adjacent_share(comparisons),
        n_far=sum(c.far for c in comparisons),
        same_decision=decision,
        n_scores=sum(len(r.scores) for r in reliability.raters),
        n_not_compared=sum(r.n_not_compared for r in reliability.raters),
    )


def _discussion(reveal: Reveal) -> list[DiscussionItem]:
    ctx = reveal.context
    return [
        DiscussionItem(
            sample=_sample(ctx, item.sample_id),
            criterion=_criterion(ctx, item.criterion_key).name,
            counts=dict(item.counts),
            straddles_cut=item.straddles_cut,
            disagreement=item.disagreement,
            reference=item.reference,
            agreed=item.consensus.level if item.consensus else None,
        )
        for item in reveal.discussion_queue()
    ]


def _private(context: MeetingContext, result: RaterSession) -> PrivatePage:
    compared = {(c.sample_id, c.criterion_key): c for c in result.comparisons}
    lines = []
    for score in result.scores:
        c = compared.get((score.sample_id, score.criterion_key))
        lines.append(
            ScoreLine(
                sample=_sample(context, score.sample_id),
                criterion=_criterion(context, score.criterion_key).name,
                level=score.level,
                reference=c.reference if c else None,
                kind=c.kind.value if c else "",
                note=score.note,
            )
        )
    return PrivatePage(result.rater, result, tuple(lines))


def _sample(context: MeetingContext, sample_id: int) -> str:
    return context.sample(sample_id).title


def _criterion(context: MeetingContext, key: str) -> Criterion:
    criterion = context.rubric.criterion(key)
    return criterion if criterion is not None else Criterion(key=key, name=key)


def _label(context: MeetingContext, key: str, level: int) -> str:
    found = _criterion(context, key).level(level)
    return found.label if found else ""


# ----------------------------------------------------------------- tables both formats show
CERTIFICATION_COLUMNS = ("Requirement", "Scale", "Count", "n", "Lower bound", "Bar", "Outcome")


def certification_rows(cert: Certification) -> list[tuple[object, ...]]:
    """One row per requirement of a verdict, as both the Markdown and the HTML report show it."""
    return [
        (
            c.measure_words,
            c.scale,
            c.count,
            c.n,
            "" if c.lower_bound is None else f"{100 * c.lower_bound:.0f}%",
            f"{100 * c.bar:.0f}%" if c.measure != "two_away" else f"≤ {c.bar:.0f}",
            c.outcome,
        )
        for c in cert.checks
    ]


def window_sentences(report: RaterReport) -> list[str]:
    """Which sessions the verdict covers, and why some scores are not compared."""
    w = report.window
    out = [f"Window: {w.text} (the policy's last {w.last_sessions} with compared scores)."]
    if w.not_compared_text:
        out.append(
            f"{w.not_compared_text} A master key or the team's consensus on those items brings "
            "them in."
        )
    return out
