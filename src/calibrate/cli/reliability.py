"""The rater-reliability commands of ``calibrate``: raters, rater NAME, report.

Each command is one call into ``calibrate.services``; mistakes print one line ``error: …`` and
exit with status 2. A rater's results are private to that rater and to coaches: ``calibrate
report --session`` writes the team's report (which names no rater) and, with ``--private-dir``,
one separate file per rater.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from calibrate.cli._common import (
    WHOLE,
    RecordCommand,
    db_after_command,
    fail,
    records,
    text_table,
    write_private,
)

if TYPE_CHECKING:
    from calibrate.services.reliability.status import RaterStatus
    from calibrate.storage.policy_files import CertificationPolicy

FORMATS = ("md", "html", "json")
_BAR_WIDTH = 20
_WRAP = 96


def policy_option(fn: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--policy",
        "policy_file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="A certification policy TOML file (default: calibrate's own; see "
        "docs/certification.md).",
    )(fn)


def load_policy(path: Path | None) -> CertificationPolicy:
    from calibrate.domain.errors import CalibrateError
    from calibrate.services.reliability.certification import default_policy
    from calibrate.storage.policy_files import read_policy

    try:
        return default_policy() if path is None else read_policy(path)
    except CalibrateError as exc:
        fail(exc.message)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _kappa(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _lean(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


@click.command(cls=RecordCommand)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@policy_option
@db_after_command
def raters(as_json: bool, policy_file: Path | None, command_db: Path | None) -> None:
    """Every rater's reliability over the sessions their verdict rests on (their most recent
    sessions with a master key or consensus, as the policy counts them): compared scores,
    exact and within-one matches, scores two or more levels away, lean, drift and the
    certification verdict. The same figures as the app's Raters screen. For coaches: these
    figures are private to each rater and their coach."""
    from calibrate.services.reliability.history import anchor_checks
    from calibrate.services.reliability.status import load_team_records, team_status

    policy = load_policy(policy_file)
    with records(command_db) as store:
        team = team_status(load_team_records(store), policy)
        checks = anchor_checks(store, team.reliability, None) if as_json else ()
    statuses = [
        s.with_anchor_checks(tuple(c for rid, c in checks if rid == s.rater.id))
        for s in team.raters
    ]
    if as_json:
        click.echo(json.dumps([_rater_json(s) for s in statuses], indent=2, ensure_ascii=False))
        return
    if not statuses:
        click.echo("No raters yet. Load a kit with: calibrate load SCENARIO.toml")
        return
    header = (
        "rater",
        "sessions",
        "window",
        "compared",
        "exact",
        "within 1",
        "2+ away",
        "lean",
        "drift",
        "verdict",
    )
    rows = []
    for status in statuses:
        w = status.window
        rows.append(
            (
                status.rater.name,
                str(len(status.history.points)),
                w.dates,
                str(w.n_compared),
                _pct(w.exact.statistic),
                _pct(w.adjacent.statistic),
                str(w.n_far) if w.n_compared else "—",
                _lean(w.lean.statistic),
                str(status.drift_count) if status.drift_count else "",
                status.verdict_text,
            )
        )
    click.echo(text_table(header, rows, right={1, 3, 4, 5, 6, 7, 8}))
    n = policy.last_sessions
    notes = [
        f"window: the sessions each verdict rests on (the rater's last {n} with compared "
        "scores); compared, exact, within 1, 2+ away and lean cover that window. sessions counts "
        "every revealed session; drift compares each session with the one before.",
    ]
    waiting = [s for s in statuses if s.window.n_not_compared]
    if waiting:
        counts = ", ".join(
            f"{s.rater.name} {s.window.n_not_compared} of {s.window.n_scores}" for s in waiting
        )
        notes.append(f"Not compared yet (no master key and no consensus): {counts} scores.")
    notes.append(f"Verdicts under “{policy.name}” (calibrate rater NAME explains each).")
    click.echo("\n" + "\n".join(textwrap.fill(note, width=_WRAP) for note in notes))


def _rater_json(status: RaterStatus) -> dict[str, object]:
    from calibrate.services.reports.report_json import rater_session_json

    history, w = status.history, status.window
    return {
        "rater": history.rater.name,
        "sessions": len(history.points),
        "latest": rater_session_json(history.points[-1].result) if history.points else None,
        "window": {
            "sessions": [{"id": s.id, "date": s.date, "title": s.title} for s in w.sessions],
            "last_sessions": w.last_sessions,
            "compared": w.n_compared,
            "exact": w.exact.as_json(),
            "adjacent": w.adjacent.as_json(),
            "two_or_more_away": w.n_far,
            "lean": w.lean.as_json(),
        },
        "scores": w.n_scores,
        "not_compared": w.n_not_compared,
        "not_compared_reason": w.not_compared_text,
        "verdict_shown": status.verdict_text,
        "drift_flags": history.drift_flags,
        "anchor_checks": len(history.anchor_checks),
        "anchors_matched": history.anchors_matched,
        "certification": status.certification.as_json(),
    }


@click.command(cls=RecordCommand)
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@policy_option
@db_after_command
def rater(name: str, as_json: bool, policy_file: Path | None, command_db: Path | None) -> None:
    """One rater over time: certification verdict, a timeline of sessions (with drift flags),
    lean per criterion, use of the scale and anchors scored again. Private to the rater and
    their coach."""
    from calibrate.services.reliability.history import rater_by_name
    from calibrate.services.reliability.window import verdict_window
    from calibrate.services.reports.gather import rater_report
    from calibrate.services.reports.report_json import rater_report_json

    policy = load_policy(policy_file)
    with records(command_db) as store:
        found = rater_by_name(store, name)
        assert found.id is not None
        report = rater_report(store, found.id, policy=policy)
    if as_json:
        click.echo(json.dumps(rater_report_json(report), indent=2, ensure_ascii=False))
        return
    h, cert = report.history, report.certification
    window = verdict_window(h.results, cert)
    out = [f"{h.rater.name}  (private: for this rater and their coach)", ""]
    out += [f"Certification: {cert.verdict.value} under “{policy.name}”.", f"  {cert.summary}"]
    out += [
        f"  Window: {window.text} (the policy's last {window.last_sessions} with compared scores).",
        "",
    ]
    if not h.points:
        out.append("No sessions yet.")
        click.echo("\n".join(out))
        return
    out.append("Timeline (exact matches; | marks 70%; κw: weighted kappa against the reference)")
    rows = []
    for p in h.points:
        r = p.result
        rows.append(
            (
                p.session.date,
                p.session.title[:32],
                str(r.n_compared),
                str(r.n_not_compared) if r.n_not_compared else "",
                _bar(r.exact.statistic),
                _pct(r.exact.statistic),
                _pct(r.adjacent.statistic),
                str(r.n_far),
                _kappa(r.weighted_kappa.statistic),
                _pct(r.same_decision.statistic),
                _lean(r.severity.statistic),
                "drift" if p.drifted else "",
            )
        )
    header = (
        "date",
        "session",
        "compared",
        "not compared",
        "exact",
        "",
        "within 1",
        "2+ away",
        "κw",
        "same at cut",
        "lean",
        "",
    )
    out += [text_table(header, rows, right={2, 3, 5, 6, 7, 8, 9, 10}), ""]
    if window.not_compared_text:
        out += [
            textwrap.fill(
                f"{window.not_compared_text} A master key or the team's consensus on those "
                "items brings them in.",
                width=_WRAP,
            ),
            "",
        ]
    out += [f"! {flag}" for flag in h.drift_flags] or ["No significant change between sessions."]
    out += ["", f"Lean by criterion over the window (levels; + lenient, - severe; {window.text})"]
    out += [
        f"  {c.criterion.name:<28} {_lean(c.estimate.statistic):>6}  {c.estimate.reading}"
        for c in window.by_criterion
    ]
    latest = h.points[-1].result
    out += ["", f"Use of the scale ({latest.session.date}): {latest.central_tendency.reading}"]
    flags = [u for u in latest.level_use if u.flag]
    for u in flags:
        out.append(
            f"  level {u.category:g}: {_pct(u.share)} of scores against {_pct(u.others_share)} "
            f"for the others ({'used more' if u.flag == 'over' else 'used less'})"
        )
    if h.anchor_checks:
        out += ["", f"Anchors scored again: {h.anchors_matched} of {len(h.anchor_checks)} match."]
        out += [
            f"  {c.session.date} {c.sample.title} · {c.criterion_name}: anchor {c.anchor.level}, "
            f"gave {c.level}"
            for c in h.anchor_checks
        ]
    click.echo("\n".join(out))


def _bar(value: float | None) -> str:
    if value is None:
        return " " * _BAR_WIDTH
    filled = round(value * _BAR_WIDTH)
    cells = ["█" if i < filled else "·" for i in range(_BAR_WIDTH)]
    mark = round(0.7 * _BAR_WIDTH)
    cells[mark] = "|" if cells[mark] == "·" else cells[mark]
    return "".join(cells)


def slug(name: str) -> str:
    """A file-name-safe form of a rater's name."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "rater"


@click.command(cls=RecordCommand)
@click.option("--session", "session_id", type=WHOLE, help="The session's id (the team's report).")
@click.option("--rater", "rater_name", help="A rater's name (a coach's report over time).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="md",
    show_default=True,
    help="The file format.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file instead of the screen.",
)
@click.option(
    "--private-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="With --session: also write each rater's private page to its own file in this folder.",
)
@click.option(
    "--leave-out-partial",
    is_flag=True,
    help="With --session: leave raters who scored only some samples out of the agreement "
    "figures too (raters with no scores always are).",
)
@policy_option
@db_after_command
def report(
    session_id: int | None,
    rater_name: str | None,
    fmt: str,
    output: Path | None,
    private_dir: Path | None,
    leave_out_partial: bool,
    policy_file: Path | None,
    command_db: Path | None,
) -> None:
    """A report as Markdown, self-contained HTML (prints well) or JSON.

    \b
    --session ID  the team's session report: agreement overall and per criterion,
                  the discussion items, consensus decisions and anchors agreed.
                  It names no rater. --private-dir DIR writes one private page
                  per rater (their own scores and figures) as separate files.
    --rater NAME  a coach's report on one rater over time (private).
    """
    from calibrate.services.reliability.history import rater_by_name
    from calibrate.services.reports import gather as reports
    from calibrate.services.reports import html as report_html
    from calibrate.services.reports import markdown as report_markdown
    from calibrate.services.reports import report_json

    if (session_id is None) == (rater_name is None):
        fail("give either --session ID or --rater NAME")
    if private_dir is not None and session_id is None:
        fail("--private-dir goes with --session (a rater report is already private)")
    policy = load_policy(policy_file) if rater_name is not None else None
    files: dict[str, str] = {}
    with records(command_db) as store:
        if session_id is not None:
            data = reports.session_report(store, session_id, leave_out_partial=leave_out_partial)
            if fmt == "json":
                text = json.dumps(
                    report_json.session_report_json(data), indent=2, ensure_ascii=False
                )
            else:
                text = (
                    report_html.session_html(data)
                    if fmt == "html"
                    else report_markdown.session_markdown(data)
                )
            for page in data.private if private_dir is not None else ():
                if fmt == "json":
                    body = json.dumps(
                        report_json.private_page_json(data, page), indent=2, ensure_ascii=False
                    )
                elif fmt == "html":
                    body = report_html.private_html(data, page)
                else:
                    body = report_markdown.private_markdown(data, page)
                files[f"session-{session_id}-{slug(page.rater.name)}.{fmt}"] = body
        else:
            assert rater_name is not None
            found = rater_by_name(store, rater_name)
            assert found.id is not None
            rdata = reports.rater_report(store, found.id, policy=policy)
            if fmt == "json":
                text = json.dumps(
                    report_json.rater_report_json(rdata), indent=2, ensure_ascii=False
                )
            else:
                text = (
                    report_html.rater_html(rdata)
                    if fmt == "html"
                    else report_markdown.rater_markdown(rdata)
                )
    _write(text, output)
    if private_dir is not None:
        try:
            private_dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new one: owner-only
            for name, body in files.items():
                write_private(private_dir / name, body)
        except OSError as exc:
            fail(f"{private_dir}: cannot be written ({exc.strerror or exc})")
        click.echo(f"Wrote {len(files)} private pages to {private_dir}.", err=output is None)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text.rstrip("\n"))
        return
    try:
        write_private(output, text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        fail(f"{output}: cannot be written ({exc.strerror or exc})")
    click.echo(f"Wrote the report to {output}.")


RELIABILITY_COMMANDS = (raters, rater, report)
