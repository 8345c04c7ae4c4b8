"""The reports as JSON (every report also answers as data): the same records the Markdown and
HTML pages show, built from :mod:`calibrate.services.reports.gather`. The team's part names no
rater; a rater's session figures and a coach's report are private to that rater and coach."""

from __future__ import annotations

from calibrate.services.reliability.comparison import RaterSession
from calibrate.services.reports.gather import PrivatePage, RaterReport, SessionReport


def rater_session_json(result: RaterSession) -> dict[str, object]:
    """One rater's figures in one session (private)."""
    return {
        "session": {
            "id": result.session.id,
            "title": result.session.title,
            "date": result.session.date,
        },
        "rater": result.rater.name,
        "status": result.status,
        "scores": len(result.scores),
        "compared": result.n_compared,
        "compared_with_master_key": sum(c.kind.value == "master key" for c in result.comparisons),
        "exact": result.exact.as_json(),
        "adjacent": result.adjacent.as_json(),
        "two_or_more_away": result.n_far,
        "weighted_kappa_quadratic": result.weighted_kappa.as_json(),
        "same_decision_at_cut": result.same_decision.as_json(),
        "severity": result.severity.as_json(),
        "severity_by_criterion": {k: e.as_json() for k, e in result.severity_by_criterion.items()},
        "central_tendency": result.central_tendency.as_json(),
        "level_use": [u.as_json() for u in result.level_use],
    }


def session_report_json(report: SessionReport) -> dict[str, object]:
    """The team part of a session report: no rater is named."""
    ctx = report.context
    s = ctx.session
    return {
        "session": {
            "id": s.id,
            "title": s.title,
            "date": s.date,
            "facilitator": s.facilitator,
            "phase": str(s.phase),
            "rounds": s.round,
            "cut_score": s.cut_score,
            "rubric": ctx.rubric.name,
            "rubric_version": ctx.rubric.version,
            "samples": len(ctx.samples),
            "raters": len(ctx.raters),
        },
        "round": report.round,
        "agreement": report.overall.as_json(),
        "agreement_warnings": list(report.overall.warnings),
        "headline": {
            "all_criteria": report.headline.as_json(named=False),
            **{c.criterion.key: c.headline.as_json(named=False) for c in report.criteria},
        },
        "by_criterion": {c.criterion.key: c.report.as_json() for c in report.criteria},
        "team_against_reference": {
            "raters": report.team.n_raters,
            "exact": report.team.exact.as_json(),
            "adjacent": report.team.adjacent.as_json(),
            "two_or_more_away": report.team.n_far,
            "scores": report.team.n_scores,
            "not_compared": report.team.n_not_compared,
            "same_decision_at_cut": (
                None if report.team.same_decision is None else report.team.same_decision.as_json()
            ),
        },
        "discussion": [
            {
                "sample": d.sample,
                "criterion": d.criterion,
                "counts": {str(k): v for k, v in d.counts.items()},
                "straddles_cut": d.straddles_cut,
                "disagreement": d.disagreement,
                "master_key": d.reference,
                "agreed": d.agreed,
            }
            for d in report.discussion
        ],
        "consensus": [d.__dict__ for d in report.decisions],
        "anchors": [a.__dict__ for a in report.anchors],
        "private_pages": len(report.private),
        "rasch": None if report.rasch is None else report.rasch.as_json(),
    }


def private_page_json(report: SessionReport, page: PrivatePage) -> dict[str, object]:
    return {
        "private": "for this rater and their coach only",
        "session": {"id": report.context.session.id, "title": report.context.session.title},
        **rater_session_json(page.result),
        "score_lines": [{**line.__dict__, "difference": line.difference} for line in page.lines],
    }


def rater_report_json(report: RaterReport) -> dict[str, object]:
    h = report.history
    return {
        "private": "for this rater and their coach only",
        "rater": h.rater.name,
        "certification": report.certification.as_json(),
        "timeline": [
            {
                **rater_session_json(p.result),
                "drift_severity": None if p.drift_severity is None else p.drift_severity.as_json(),
                "drift_exact": None if p.drift_exact is None else p.drift_exact.as_json(),
            }
            for p in h.points
        ],
        "drift_flags": h.drift_flags,
        "severity_by_criterion": [
            {"rubric": c.rubric_name, "criterion": c.criterion.key, **c.estimate.as_json()}
            for c in h.by_criterion
        ],
        "window": {
            "sessions": [{"id": s.id, "date": s.date} for s in report.window.sessions],
            "not_compared": report.window.n_not_compared,
            "severity_by_criterion": [
                {"rubric": c.rubric_name, "criterion": c.criterion.key, **c.estimate.as_json()}
                for c in report.window.by_criterion
            ],
        },
        "anchor_checks": [
            {
                "sample": c.sample.title,
                "criterion": c.anchor.criterion_key,
                "anchor_level": c.anchor.level,
                "session": c.session.title,
                "date": c.session.date,
                "level": c.level,
                "matched": c.matched,
            }
            for c in h.anchor_checks
        ],
        "rasch": None if report.rasch is None else report.rasch.as_json(),
    }
