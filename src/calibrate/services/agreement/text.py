"""Plain-text rendering of an agreement report, for the terminal (``calibrate agree``)."""

from __future__ import annotations

import textwrap

from calibrate.stats.readings import plural
from calibrate.stats.report import LABELS, AgreementReport
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


def render_report(report: AgreementReport, *, title: str) -> str:
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
    lines.append("Start here")
    lines += _entries(report.ordered(headline_only=True))
    lines.append("")
    lines.append("All other coefficients")
    lines += _entries(report.ordered()[len(report.headline) :])
    return "\n".join(lines)


def _entries(results: list[AgreementResult]) -> list[str]:
    out: list[str] = []
    for r in results:
        ci = format_interval(r)
        head = f"  {LABELS[r.name]:<44} {format_value(r):>7}"
        if ci:
            head += f"   95% CI {ci}"
        out.append(head)
        out += textwrap.wrap(r.reading, WIDTH, initial_indent="      ", subsequent_indent="      ")
    return out
