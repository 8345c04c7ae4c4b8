"""Reports as self-contained HTML: inline CSS, inline SVG charts, nothing loaded from the
internet, and a print style sheet (A4/Letter, no backgrounds needed to read the charts).

The pages are Jinja2 templates in ``templates/`` (autoescaped: every text from the store is
escaped there); this module only gathers the rows each page shows. The SVG charts are drawn by
:mod:`calibrate.services.reports.svg`, which escapes its own text, and are marked safe here.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from calibrate.services.agreement.explainer import TITLE as WHY_TITLE
from calibrate.services.agreement.explainer import WHY_THEY_DIFFER
from calibrate.services.html_pages import render
from calibrate.services.reliability.comparison import RaterSession
from calibrate.services.reports import markdown as md
from calibrate.services.reports.gather import (
    CERTIFICATION_COLUMNS,
    PrivatePage,
    RaterReport,
    SessionReport,
    certification_rows,
    window_sentences,
)
from calibrate.services.reports.svg import lean_bars, level_counts, percent_bars, timeline

TEMPLATES = "calibrate.services.reports"

Row = tuple[object, ...]


@dataclass(frozen=True)
class ScaleUse:
    """How a rater used the levels: a reading, and one row per level."""

    reading: str
    rows: list[Row]


# ----------------------------------------------------------------- the team's session report
def session_html(report: SessionReport) -> str:
    ctx = report.context
    s = ctx.session
    facts = [s.date, f"{ctx.rubric.name} (version {ctx.rubric.version})"]
    if s.facilitator:
        facts.append(f"facilitated by {s.facilitator}")
    facts += [f"{len(ctx.raters)} raters", f"{len(ctx.samples)} samples"]
    if s.cut_score is not None:
        facts.append(f"cut score {s.cut_score}")
    bars = []
    for c in report.criteria:
        r = c.report.results["percent_exact"]
        ci = r.confidence_interval()
        bars.append(
            (c.criterion.name, r.statistic, ci.low if ci else None, ci.high if ci else None)
        )
    team = report.team
    team_rows: list[Row] = [
        ("Exact match", md.pct(team.exact), team.exact.reading),
        ("Within one level", md.pct(team.adjacent), team.adjacent.reading),
        ("Two or more levels away", str(team.n_far), ""),
    ]
    if team.same_decision is not None:
        team_rows.append(("Same decision at the cut", md.pct(team.same_decision), ""))
    return render(
        TEMPLATES,
        "session.html",
        title=f"Session report: {s.title}",
        rasch=report.rasch,
        session_title=s.title,
        facts=" · ".join(facts),
        round=report.round,
        warnings=report.overall.warnings,
        headline=(report.headline.scope, md.headline_text(report.headline)),
        criterion_headlines=[
            (c.criterion.name, md.headline_text(c.headline)) for c in report.criteria
        ],
        criterion_columns=md.CRITERION_COLUMNS,
        every_figure_rows=md.every_figure_rows(report.overall),
        why_title=WHY_TITLE,
        why_paragraphs=WHY_THEY_DIFFER,
        criterion_chart=Markup(
            percent_bars(bars, title="Exact agreement between pairs of raters, per criterion")
        ),
        criterion_rows=[md.criterion_row(c.criterion.name, c.report) for c in report.criteria],
        team_intro=(
            f"All {team.n_raters} raters' blind scores pooled, compared with the master key "
            "where there is one and otherwise with the consensus. No one is singled out here; "
            "each rater has a private page."
        ),
        team_rows=team_rows,
        team_not_compared=team.not_compared_text,
        discussion_rows=[
            (
                Markup(level_counts(d.counts, title=_counts_words(d.counts))),
                d.sample,
                d.criterion,
                "yes" if d.straddles_cut else "",
                "" if d.reference is None else d.reference,
                "" if d.agreed is None else d.agreed,
            )
            for d in report.discussion
        ],
        decision_rows=[
            (d.sample, d.criterion, f"{d.level} {d.label}".strip(), d.rationale)
            for d in report.decisions
        ],
        anchor_rows=[
            (a.sample, a.criterion, f"{a.level} {a.label}".strip(), a.status, a.annotation)
            for a in report.anchors
        ],
        private_note=(
            f"Each of the {len(report.private)} raters has a private page with their own scores "
            "and figures, kept apart from this report (calibrate report --session "
            f"{s.id} --private-dir FOLDER writes one file per rater)."
        ),
    )


def _counts_words(counts: dict[int, int]) -> str:
    return "Raters per level: " + ", ".join(f"level {lv}: {n}" for lv, n in counts.items())


# ----------------------------------------------------------------- a rater's private page
def private_html(report: SessionReport, page_: PrivatePage) -> str:
    s = report.context.session
    result = page_.result
    return render(
        TEMPLATES,
        "private.html",
        title=f"{page_.rater.name}: {s.title}",
        rater_name=page_.rater.name,
        session_title=s.title,
        private_note=md.PRIVATE_NOTE,
        facts=f"{s.date} · {result.status}",
        summary_rows=_summary_rows(result),
        lean_chart=_lean_chart(result),
        criterion_rows=[
            (c.name, est.n, md.signed(est), est.reading)
            for c in result.criteria
            if (est := result.severity_by_criterion.get(c.key)) is not None
        ],
        scale=_scale(result),
        score_rows=[
            (
                line.sample,
                line.criterion,
                line.level,
                "" if line.reference is None else f"{line.reference} ({line.kind})",
                md.difference_text(line.difference),
                line.note,
            )
            for line in page_.lines
        ],
    )


def _summary_rows(result: RaterSession) -> list[Row]:
    return [
        ("Exact match", md.pct(result.exact), result.exact.reading),
        ("Within one level", md.pct(result.adjacent), result.adjacent.reading),
        ("Two or more levels away", str(result.n_far), f"of {result.n_compared} compared"),
        (
            "Weighted kappa (quadratic)",
            md.coefficient(result.weighted_kappa),
            result.weighted_kappa.reading,
        ),
        ("Same decision at the cut", md.pct(result.same_decision), result.same_decision.reading),
        ("Lean (levels)", md.signed(result.severity), result.severity.reading),
    ]


def _lean_chart(result: RaterSession) -> Markup:
    rows = []
    for c in result.criteria:
        est = result.severity_by_criterion.get(c.key)
        if est is None:
            continue
        ci = est.confidence_interval()
        rows.append((c.name, est.statistic, ci[0] if ci else None, ci[1] if ci else None))
    return Markup(
        lean_bars(rows, title="Mean difference from the reference per criterion, in levels")
    )


def _scale(result: RaterSession) -> ScaleUse:
    return ScaleUse(
        reading=result.central_tendency.reading,
        rows=[
            (
                md.level_text(u.category),
                md.share_text(u.share),
                md.share_text(u.others_share),
                {"over": "used more", "under": "used less"}.get(u.flag, ""),
            )
            for u in result.level_use
        ],
    )


# ----------------------------------------------------------------- a coach's report on a rater
def rater_html(report: RaterReport) -> str:
    h, cert = report.history, report.certification
    timeline_chart = None
    if h.points:
        timeline_chart = Markup(
            timeline(
                [pt.session.date for pt in h.points],
                [
                    ("exact", [pt.result.exact.statistic for pt in h.points]),
                    ("within one level", [pt.result.adjacent.statistic for pt in h.points]),
                ],
                title="Share of scores matching the reference, session by session",
            )
        )
    bars = []
    for c in report.window.by_criterion:
        ci = c.estimate.confidence_interval()
        bars.append(
            (c.criterion.name, c.estimate.statistic, ci[0] if ci else None, ci[1] if ci else None)
        )
    latest = h.points[-1].result if h.points else None
    return render(
        TEMPLATES,
        "rater.html",
        title=f"{h.rater.name}: reliability over time",
        rasch=report.rasch,
        rater_name=h.rater.name,
        private_note=md.PRIVATE_NOTE,
        verdict=f"{cert.verdict.value.capitalize()} under “{cert.policy.name}”.",
        certification_summary=cert.summary,
        certification_header=CERTIFICATION_COLUMNS,
        certification_rows=certification_rows(cert),
        timeline_chart=timeline_chart,
        timeline_header=md.TIMELINE_COLUMNS,
        timeline_rows=md.timeline_rows(report),
        window=" ".join(window_sentences(report)),
        drift_flags=h.drift_flags,
        lean_chart=(
            Markup(lean_bars(bars, title="Mean difference from the reference per criterion"))
            if bars
            else None
        ),
        lean_rows=[
            (
                c.rubric_name,
                c.criterion.name,
                c.estimate.n,
                md.signed(c.estimate),
                c.estimate.reading,
            )
            for c in report.window.by_criterion
        ],
        lean_heading=md.LEAN_HEADING,
        lean_note=md.lean_window_note(report),
        scale=None if latest is None else _scale(latest),
        scale_date=None if latest is None else latest.session.date,
        anchor_rows=[
            (
                c.session.date,
                c.session.title,
                c.sample.title,
                c.criterion_name,
                c.anchor.level,
                c.level,
                "matches" if c.matched else "differs",
            )
            for c in h.anchor_checks
        ],
    )
