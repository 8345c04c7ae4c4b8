"""Reports as Markdown: the team's session report, a rater's private page, a coach's report."""

from __future__ import annotations

from collections.abc import Sequence

from calibrate.services.agreement.explainer import TITLE as WHY_TITLE
from calibrate.services.agreement.explainer import WHY_THEY_DIFFER
from calibrate.services.agreement.headline import Headline
from calibrate.services.agreement.text import format_interval, format_value
from calibrate.services.reliability.comparison import RaterSession
from calibrate.services.reports.gather import (
    CERTIFICATION_COLUMNS,
    PrivatePage,
    RaterReport,
    SessionReport,
    certification_rows,
    window_sentences,
)
from calibrate.stats.rater_effects import Estimate
from calibrate.stats.report import LABELS, NAMES, AgreementReport
from calibrate.stats.result import AgreementResult

PRIVATE_NOTE = "Private: for this rater and their coach only."


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    if not rows:
        return ["_None._", ""]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def pct(est: Estimate | None) -> str:
    if est is None or est.statistic is None:
        return "—"
    text = f"{100 * est.statistic:.0f}%"
    ci = est.confidence_interval()
    return f"{text} ({100 * ci[0]:.0f}–{100 * ci[1]:.0f}%)" if ci else text


def signed(est: Estimate) -> str:
    if est.statistic is None:
        return "—"
    ci = est.confidence_interval()
    text = f"{est.statistic:+.2f}"
    return f"{text} ({ci[0]:+.2f} to {ci[1]:+.2f})" if ci else text


def coefficient(result: AgreementResult) -> str:
    ci = format_interval(result)
    return format_value(result) + (f" ({ci})" if ci else "")


# ----------------------------------------------------------------- the team's session report
def session_markdown(report: SessionReport) -> str:
    ctx = report.context
    s = ctx.session
    out = [f"# Session report: {s.title}", ""]
    facts = [s.date, f"{ctx.rubric.name} (version {ctx.rubric.version})"]
    if s.facilitator:
        facts.append(f"facilitated by {s.facilitator}")
    facts += [f"{len(ctx.raters)} raters", f"{len(ctx.samples)} samples"]
    if s.cut_score is not None:
        facts.append(f"cut score {s.cut_score}")
    out += [" · ".join(facts), ""]
    out += ["## Agreement", ""]
    out += [f"Blind scores of round {report.round}, before any discussion.", ""]
    out += [f"> {w}" for w in report.overall.warnings] + ([""] if report.overall.warnings else [])
    out += [f"**{report.headline.scope}.** {headline_text(report.headline)}", ""]
    out += ["### By criterion", ""]
    for c in report.criteria:
        out += [f"**{c.criterion.name}.** {headline_text(c.headline)}", ""]
    out += table(
        CRITERION_COLUMNS, [criterion_row(c.criterion.name, c.report) for c in report.criteria]
    )
    out += ["## The team against the master key", ""]
    team = report.team
    out += [
        f"All {team.n_raters} raters' blind scores pooled, compared with the master key where "
        "there is one and otherwise with the consensus. No one is singled out here; each rater "
        "has a private page.",
        "",
    ]
    rows = [
        ("Exact match", pct(team.exact), team.exact.reading),
        ("Within one level", pct(team.adjacent), team.adjacent.reading),
        ("Two or more levels away", str(team.n_far), ""),
    ]
    if team.same_decision is not None:
        rows.append(("Same decision at the cut", pct(team.same_decision), ""))
    out += table(("", "Share (95% CI)", "Reading"), rows)
    if team.not_compared_text:
        out += [team.not_compared_text, ""]
    out += ["## Discussion items", ""]
    out += ["Items where raters differed, most worth discussing first.", ""]
    out += table(
        ("Sample", "Criterion", "Levels chosen", "Split at the cut", "Master key", "Agreed"),
        [
            (
                d.sample,
                d.criterion,
                ", ".join(f"{lv}: {n}" for lv, n in d.counts.items() if n),
                "yes" if d.straddles_cut else "",
                "" if d.reference is None else d.reference,
                "" if d.agreed is None else d.agreed,
            )
            for d in report.discussion
        ],
    )
    out += ["## Consensus decisions", ""]
    out += table(
        ("Sample", "Criterion", "Level", "Why"),
        [
            (d.sample, d.criterion, f"{d.level} {d.label}".strip(), d.rationale)
            for d in report.decisions
        ],
    )
    out += ["## Anchors agreed", ""]
    out += table(
        ("Sample", "Criterion", "Level", "Status", "Annotation"),
        [
            (a.sample, a.criterion, f"{a.level} {a.label}".strip(), a.status, a.annotation)
            for a in report.anchors
        ],
    )
    out += report.rasch.markdown() if report.rasch else []
    out += ["## Private pages", ""]
    out += [
        f"Each of the {len(report.private)} raters has a private page with their own scores "
        "and figures, kept apart from this report (calibrate report --session "
        f"{s.id} --private-dir FOLDER writes one file per rater).",
        "",
    ]
    out += ["## Every figure (all criteria pooled)", ""]
    out += table(("Coefficient", "Value (95% CI)", "Reading"), every_figure_rows(report.overall))
    out += [f"### {WHY_TITLE}", ""]
    for paragraph in WHY_THEY_DIFFER:
        out += [paragraph, ""]
    return "\n".join(out)


def headline_text(headline: Headline) -> str:
    """A headline as one paragraph for the team's report (raters left out counted, not named)."""
    return " ".join(headline.text_lines(named=False))


def every_figure_rows(report: AgreementReport) -> list[tuple[str, str, str]]:
    return [
        (LABELS[name], coefficient(report.results[name]), report.results[name].reading)
        for name in NAMES
    ]


CRITERION_COLUMNS = ("Criterion", "Exact (pairs)", "Within one level", "Krippendorff's alpha")


def criterion_row(name: str, report: AgreementReport) -> tuple[str, ...]:
    """The headline's three figures for one criterion, each with its 95% interval."""
    return (
        name,
        coefficient(report.results["percent_exact"]),
        coefficient(report.results["percent_adjacent"]),
        coefficient(report.results["krippendorff_alpha"]),
    )


# ----------------------------------------------------------------- a rater's private page
def private_markdown(report: SessionReport, page: PrivatePage) -> str:
    s = report.context.session
    out = [f"# {page.rater.name}: your results in “{s.title}”", "", f"_{PRIVATE_NOTE}_", ""]
    out += [f"{s.date} · {page.result.status}", ""]
    out += ["## Summary", ""]
    out += summary_table(page.result)
    out += ["## By criterion", ""]
    out += criterion_table(page.result)
    out += ["## Use of the scale", ""]
    out += scale_lines(page.result)
    out += ["## Your scores", ""]
    out += table(
        ("Sample", "Criterion", "Your level", "Reference", "Difference", "Your note"),
        [
            (
                line.sample,
                line.criterion,
                line.level,
                "" if line.reference is None else f"{line.reference} ({line.kind})",
                difference_text(line.difference),
                line.note,
            )
            for line in page.lines
        ],
    )
    return "\n".join(out)


def summary_table(result: RaterSession) -> list[str]:
    rows = [
        ("Exact match", pct(result.exact), result.exact.reading),
        ("Within one level", pct(result.adjacent), result.adjacent.reading),
        ("Two or more levels away", str(result.n_far), f"of {result.n_compared} compared"),
        (
            "Weighted kappa (quadratic)",
            coefficient(result.weighted_kappa),
            result.weighted_kappa.reading,
        ),
        ("Same decision at the cut", pct(result.same_decision), result.same_decision.reading),
        ("Lean (levels)", signed(result.severity), result.severity.reading),
    ]
    return table(("", "Value (95% CI)", "Reading"), rows)


def criterion_table(result: RaterSession) -> list[str]:
    return table(
        ("Criterion", "Compared", "Lean (levels, 95% CI)", "Reading"),
        [
            (c.name, est.n, signed(est), est.reading)
            for c in result.criteria
            if (est := result.severity_by_criterion.get(c.key)) is not None
        ],
    )


def scale_lines(result: RaterSession) -> list[str]:
    out = [result.central_tendency.reading, ""]
    flagged = [u for u in result.level_use if u.flag]
    if result.level_use:
        out += table(
            ("Level", "Your share", "Others' share", ""),
            [
                (
                    level_text(u.category),
                    share_text(u.share),
                    share_text(u.others_share),
                    {"over": "used more", "under": "used less"}.get(u.flag, ""),
                )
                for u in result.level_use
            ],
        )
    if not flagged and result.level_use:
        out += ["No level is used much more or less often than by the other raters.", ""]
    return out


def difference_text(d: int | None) -> str:
    if d is None:
        return ""
    return "same" if d == 0 else f"{d:+d}"


def share_text(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def level_text(category: float | str) -> str:
    return (
        str(int(category))
        if isinstance(category, float) and category.is_integer()
        else str(category)
    )


# ----------------------------------------------------------------- a coach's report on a rater
LEAN_HEADING = "Lean by criterion, over the sessions of the verdict"


def lean_window_note(report: RaterReport) -> str:
    """Which sessions the lean per criterion pools (the timeline shows each session)."""
    return (
        f"Pooled over the sessions the verdict rests on ({report.window.text}), so that it "
        "matches the verdict; the timeline above shows each session, and a drift there."
    )


TIMELINE_COLUMNS = (
    "Date",
    "Session",
    "Compared",
    "Not compared",
    "Exact",
    "Within one",
    "2+ away",
    "Weighted kappa",
    "Same decision at the cut",
    "Lean",
    "Change",
)


def timeline_rows(report: RaterReport) -> list[tuple[object, ...]]:
    """One row per session of a rater's timeline, as both the Markdown and the HTML report show
    it (``TIMELINE_COLUMNS``): the shares with their 95% intervals, quadratic weighted kappa
    against the reference and the same-decision share when the session has a cut score."""
    return [
        (
            p.session.date,
            p.session.title,
            p.result.n_compared,
            p.result.n_not_compared or "",
            pct(p.result.exact),
            pct(p.result.adjacent),
            p.result.n_far,
            coefficient(p.result.weighted_kappa),
            pct(p.result.same_decision) if p.session.cut_score is not None else "no cut score",
            signed(p.result.severity),
            "drift" if p.drifted else "",
        )
        for p in report.history.points
    ]


def rater_markdown(report: RaterReport) -> str:
    h, cert = report.history, report.certification
    out = [f"# {h.rater.name}: reliability over time", "", f"_{PRIVATE_NOTE}_", ""]
    out += ["## Certification", ""]
    out += [f"**{cert.verdict.value.capitalize()}** under “{cert.policy.name}”.", ""]
    out += [cert.summary, ""]
    out += [" ".join(window_sentences(report)), ""]
    out += table(CERTIFICATION_COLUMNS, certification_rows(cert))
    out += ["## Timeline", ""]
    out += table(TIMELINE_COLUMNS, timeline_rows(report))
    out += ["### Drift flags", ""]
    if h.drift_flags:
        out += [f"- {flag}" for flag in h.drift_flags]
        out += [
            "",
            "Each change is tested at p < 0.05; with many sessions an occasional flag can be "
            "chance, so look for changes that persist.",
            "",
        ]
    else:
        out += ["No significant change between sessions.", ""]
    out += [f"## {LEAN_HEADING}", "", lean_window_note(report), ""]
    out += table(
        ("Rubric", "Criterion", "Compared", "Lean (levels, 95% CI)", "Reading"),
        [
            (c.rubric_name, c.criterion.name, c.estimate.n, signed(c.estimate), c.estimate.reading)
            for c in report.window.by_criterion
        ],
    )
    if h.points:
        latest = h.points[-1].result
        out += [f"## Use of the scale (latest session, {latest.session.date})", ""]
        out += scale_lines(latest)
    out += report.rasch.markdown() if report.rasch else []
    out += ["## Anchors scored again", ""]
    out += table(
        ("Date", "Session", "Sample", "Criterion", "Anchor level", "Level given", ""),
        [
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
    return "\n".join(out)
