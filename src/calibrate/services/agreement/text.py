"""Plain-text rendering of agreement figures, for the terminal (``calibrate agree``) and the
reveal's details view: the headline first; every coefficient and why they differ on request."""

from __future__ import annotations

import textwrap

from calibrate.services.agreement.explainer import TITLE, WHY_THEY_DIFFER
from calibrate.services.agreement.headline import Headline
from calibrate.stats.readings import plural
from calibrate.stats.report import LABELS, NAMES, AgreementReport
from calibrate.stats.result import AgreementResult, Family

WIDTH = 96


def format_value(result: AgreementResult) -> str:
    if result.statistic is None:
        return "—"
    if result.family is Family.PERCENT:
        return f"{100 * result.statistic:.0f}%"
    return f"{result.statistic:.3f}"


def format_interval(result: AgreementResult) -> str:
    ci = result.confidence_interval()
    if ci is None:
        return ""
    if result.family is Family.PERCENT:
        return f"{100 * ci.low:.0f}%–{100 * ci.high:.0f}%"
    return f"{ci.low:.2f} to {ci.high:.2f}"


def _show_category(c: float | str) -> str:
    if isinstance(c, float) and c.is_integer():
        return str(int(c))
    return str(c)


def render_report(
    report: AgreementReport, headline: Headline, *, title: str, details: bool = False
) -> str:
    """The headline, then (with ``details``) every coefficient and why they differ."""
    lines = [
        f"Agreement for {title}",
        f"{plural(report.n_units, 'unit')} × {plural(report.n_raters, 'rater')}, "
        f"{plural(report.n_ratings, 'rating')}; "
        f"{report.level} levels: {', '.join(_show_category(c) for c in report.categories)}",
        "",
    ]
    for warning in report.warnings:
        lines += textwrap.wrap(warning, WIDTH, initial_indent="! ", subsequent_indent="  ")
    if report.warnings:
        lines.append("")
    lines.append("Headline")
    for line in headline.text_lines():
        lines += textwrap.wrap(line, WIDTH, initial_indent="  ", subsequent_indent="  ")
    lines.append("")
    if not details:
        lines.append("Every coefficient, and why they differ: --details")
        return "\n".join(lines)
    lines += detail_lines(report, width=WIDTH)
    return "\n".join(lines)


def detail_lines(report: AgreementReport, *, width: int = WIDTH) -> list[str]:
    """Why the coefficients differ, then every coefficient with its interval and reading."""
    lines = [TITLE]
    for paragraph in WHY_THEY_DIFFER:
        lines += textwrap.wrap(paragraph, width, initial_indent="  ", subsequent_indent="  ")
        lines.append("")
    lines.append("Every coefficient")
    lines += _entries([report.results[n] for n in NAMES], width)
    return lines


def _entries(results: list[AgreementResult], width: int) -> list[str]:
    out: list[str] = []
    for r in results:
        ci = format_interval(r)
        head = f"  {LABELS[r.name]:<44} {format_value(r):>7}"
        if ci:
            head += f"   95% CI {ci}"
        out.append(head)
        out += textwrap.wrap(r.reading, width, initial_indent="      ", subsequent_indent="      ")
    return out
