"""Reports as self-contained HTML: inline CSS, inline SVG charts, nothing loaded from the
internet, and a print style sheet (A4/Letter, no backgrounds needed to read the charts)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from calibrate.services.reliability.comparison import RaterSession
from calibrate.services.reports import markdown as md
from calibrate.services.reports.gather import (
    CERTIFICATION_COLUMNS,
    PrivatePage,
    RaterReport,
    SessionReport,
    certification_rows,
)
from calibrate.services.reports.svg import lean_bars, level_counts, percent_bars, timeline
from calibrate.stats.report import LABELS

CSS = """
:root { --ink: #1d2433; --muted: #5b6474; --line: #d8dce3; --bar: #3d6fb6;
        --lenient: #c0703a; --severe: #3d6fb6; --target: #b23b3b; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       max-width: 62rem; margin: 2rem auto; padding: 0 1.2rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; }
.facts, .muted { color: var(--muted); }
.private { border: 1px solid var(--target); color: var(--target); padding: .3rem .6rem;
           display: inline-block; border-radius: 4px; }
.verdict { font-size: 1.15rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left;
         vertical-align: top; }
th { font-weight: 600; background: #f3f5f8; }
td.num { text-align: right; white-space: nowrap; }
svg.chart { display: block; margin: .4rem 0 1rem; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg .axis, svg .muted { fill: var(--muted); font-size: 11px; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axisline { stroke: var(--ink); stroke-width: 1; }
svg .bar { fill: var(--bar); }
svg .bar.lenient { fill: var(--lenient); }
svg .bar.severe { fill: var(--severe); }
svg .whisker { stroke: var(--ink); stroke-width: 2; }
svg .target { stroke: var(--target); stroke-width: 2; stroke-dasharray: 4 3; }
svg .series { fill: none; stroke-width: 2.5; }
svg .series.s0, svg .dot.s0 { stroke: #3d6fb6; fill: #3d6fb6; }
svg .series.s1, svg .dot.s1 { stroke: #c0703a; fill: #c0703a; }
svg .series { fill: none; }
svg .legend.s0 { fill: #3d6fb6; } svg .legend.s1 { fill: #c0703a; }
td svg.chart { margin: 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  table, svg.chart, tr { break-inside: avoid; }
  th { background: none; }
  .private { border-width: 2px; }
  @page { margin: 1.5cm; }
}
"""


def page(title: str, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def table(header: Sequence[str], rows: Sequence[Sequence[object]], *, raw: int = -1) -> str:
    """An HTML table; the cells of column ``raw`` are trusted markup (our own SVG)."""
    if not rows:
        return '<p class="muted">None.</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{c}</td>" if i == raw else f"<td>{escape(str(c))}</td>" for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def p(text: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f"<p{klass}>{escape(text)}</p>"


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
    body = [f"<h1>Session report: {escape(s.title)}</h1>", p(" · ".join(facts), "facts")]
    body += ["<h2>Agreement</h2>", p(f"Blind scores of round {report.round}, before discussion.")]
    body += [p(w, "muted") for w in report.overall.warnings]
    body.append(
        table(
            ("Coefficient", "Value (95% CI)", "Reading"),
            [
                (LABELS[r.name], md.coefficient(r), r.reading)
                for r in report.overall.ordered(headline_only=True)
            ],
        )
    )
    body.append("<h3>By criterion</h3>")
    rows = []
    for c in report.criteria:
        r = c.report.results["percent_exact"]
        ci = r.confidence_interval()
        rows.append(
            (c.criterion.name, r.statistic, ci.low if ci else None, ci.high if ci else None)
        )
    body.append(percent_bars(rows, title="Exact agreement between pairs of raters, per criterion"))
    body.append(
        table(
            ("Criterion", "Exact (pairs)", "Within one level", "Chance-corrected", "Reading"),
            [md.criterion_row(c.criterion.name, c.report) for c in report.criteria],
        )
    )
    team = report.team
    body += [
        "<h2>The team against the master key</h2>",
        p(
            f"All {team.n_raters} raters' blind scores pooled, compared with the master key "
            "where there is one and otherwise with the consensus. No one is singled out here; "
            "each rater has a private page."
        ),
    ]
    team_rows = [
        ("Exact match", md.pct(team.exact), team.exact.reading),
        ("Within one level", md.pct(team.adjacent), team.adjacent.reading),
        ("Two or more levels away", str(team.n_far), ""),
    ]
    if team.same_decision is not None:
        team_rows.append(("Same decision at the cut", md.pct(team.same_decision), ""))
    body.append(table(("", "Share (95% CI)", "Reading"), team_rows))
    body += [
        "<h2>Discussion items</h2>",
        p("Items where raters differed, most worth discussing first."),
    ]
    body.append(
        table(
            ("Levels chosen", "Sample", "Criterion", "Split at the cut", "Master key", "Agreed"),
            [
                (
                    level_counts(d.counts, title=_counts_words(d.counts)),
                    d.sample,
                    d.criterion,
                    "yes" if d.straddles_cut else "",
                    "" if d.reference is None else d.reference,
                    "" if d.agreed is None else d.agreed,
                )
                for d in report.discussion
            ],
            raw=0,
        )
    )
    body.append("<h2>Consensus decisions</h2>")
    body.append(
        table(
            ("Sample", "Criterion", "Level", "Why"),
            [
                (d.sample, d.criterion, f"{d.level} {d.label}".strip(), d.rationale)
                for d in report.decisions
            ],
        )
    )
    body.append("<h2>Anchors agreed</h2>")
    body.append(
        table(
            ("Sample", "Criterion", "Level", "Status", "Annotation"),
            [
                (a.sample, a.criterion, f"{a.level} {a.label}".strip(), a.status, a.annotation)
                for a in report.anchors
            ],
        )
    )
    body += [
        "<h2>Private pages</h2>",
        p(
            f"Each of the {len(report.private)} raters has a private page with their own scores "
            "and figures, kept apart from this report (calibrate report --session "
            f"{s.id} --private-dir FOLDER writes one file per rater)."
        ),
    ]
    return page(f"Session report: {s.title}", body)


def _counts_words(counts: dict[int, int]) -> str:
    return "Raters per level: " + ", ".join(f"level {lv}: {n}" for lv, n in counts.items())


# ----------------------------------------------------------------- a rater's private page
def private_html(report: SessionReport, page_: PrivatePage) -> str:
    s = report.context.session
    result = page_.result
    body = [
        f"<h1>{escape(page_.rater.name)}: your results in “{escape(s.title)}”</h1>",
        p(md.PRIVATE_NOTE, "private"),
        p(f"{s.date} · {result.status}", "facts"),
        "<h2>Summary</h2>",
        _summary(result),
        "<h2>By criterion</h2>",
        _lean_chart(result),
        _criterion_table(result),
        "<h2>Use of the scale</h2>",
        *_scale(result),
        "<h2>Your scores</h2>",
        table(
            ("Sample", "Criterion", "Your level", "Reference", "Difference", "Your note"),
            [
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
        ),
    ]
    return page(f"{page_.rater.name}: {s.title}", body)


def _summary(result: RaterSession) -> str:
    rows = [
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
    return table(("", "Value (95% CI)", "Reading"), rows)


def _lean_chart(result: RaterSession) -> str:
    rows = []
    for c in result.criteria:
        est = result.severity_by_criterion.get(c.key)
        if est is None:
            continue
        ci = est.confidence_interval()
        rows.append((c.name, est.statistic, ci[0] if ci else None, ci[1] if ci else None))
    return lean_bars(rows, title="Mean difference from the reference per criterion, in levels")


def _criterion_table(result: RaterSession) -> str:
    return table(
        ("Criterion", "Compared", "Lean (levels, 95% CI)", "Reading"),
        [
            (c.name, est.n, md.signed(est), est.reading)
            for c in result.criteria
            if (est := result.severity_by_criterion.get(c.key)) is not None
        ],
    )


def _scale(result: RaterSession) -> list[str]:
    out = [p(result.central_tendency.reading)]
    if result.level_use:
        out.append(
            table(
                ("Level", "Your share", "Others' share", ""),
                [
                    (
                        md.level_text(u.category),
                        md.share_text(u.share),
                        md.share_text(u.others_share),
                        {"over": "used more", "under": "used less"}.get(u.flag, ""),
                    )
                    for u in result.level_use
                ],
            )
        )
    return out


# ----------------------------------------------------------------- a coach's report on a rater
def rater_html(report: RaterReport) -> str:
    h, cert = report.history, report.certification
    body = [
        f"<h1>{escape(h.rater.name)}: reliability over time</h1>",
        p(md.PRIVATE_NOTE, "private"),
        "<h2>Certification</h2>",
        p(f"{cert.verdict.value.capitalize()} under “{cert.policy.name}”.", "verdict"),
        p(cert.summary),
        table(CERTIFICATION_COLUMNS, certification_rows(cert)),
        "<h2>Timeline</h2>",
    ]
    if h.points:
        body.append(
            timeline(
                [pt.session.date for pt in h.points],
                [
                    ("exact", [pt.result.exact.statistic for pt in h.points]),
                    ("within one level", [pt.result.adjacent.statistic for pt in h.points]),
                ],
                title="Share of scores matching the reference, session by session",
            )
        )
    body.append(
        table(
            ("Date", "Session", "Compared", "Exact", "Within one", "2+ away", "Lean", "Change"),
            [
                (
                    pt.session.date,
                    pt.session.title,
                    pt.result.n_compared,
                    md.pct(pt.result.exact),
                    md.pct(pt.result.adjacent),
                    pt.result.n_far,
                    md.signed(pt.result.severity),
                    "drift" if pt.drifted else "",
                )
                for pt in h.points
            ],
        )
    )
    body.append("<h3>Drift flags</h3>")
    if h.drift_flags:
        body.append("<ul>" + "".join(f"<li>{escape(f)}</li>" for f in h.drift_flags) + "</ul>")
        body.append(
            p(
                "Each change is tested at p < 0.05; with many sessions an occasional flag can be "
                "chance, so look for changes that persist.",
                "muted",
            )
        )
    else:
        body.append(p("No significant change between sessions."))
    body.append("<h2>Lean by criterion, all sessions</h2>")
    rows = []
    for c in h.by_criterion:
        ci = c.estimate.confidence_interval()
        rows.append(
            (c.criterion.name, c.estimate.statistic, ci[0] if ci else None, ci[1] if ci else None)
        )
    if rows:
        body.append(lean_bars(rows, title="Mean difference from the reference per criterion"))
    body.append(
        table(
            ("Rubric", "Criterion", "Compared", "Lean (levels, 95% CI)", "Reading"),
            [
                (
                    c.rubric_name,
                    c.criterion.name,
                    c.estimate.n,
                    md.signed(c.estimate),
                    c.estimate.reading,
                )
                for c in h.by_criterion
            ],
        )
    )
    if h.points:
        latest = h.points[-1].result
        body.append(f"<h2>Use of the scale (latest session, {escape(latest.session.date)})</h2>")
        body += _scale(latest)
    body.append("<h2>Anchors scored again</h2>")
    body.append(
        table(
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
    )
    return page(f"{h.rater.name}: reliability over time", body)
