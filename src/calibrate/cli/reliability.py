"""The rater-reliability commands of ``calibrate``: raters, rater NAME, report.

Each command is one call into ``calibrate.services``; mistakes print one line ``error: …`` and
exit with status 2. A rater's results are private to that rater and to coaches: ``calibrate
report --session`` writes the team's report (which names no rater) and, with ``--private-dir``,
one separate file per rater.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from calibrate.cli._common import (
    RecordCommand,
    db_after_command,
    fail,
    records,
    text_table,
    write_private,
)

if TYPE_CHECKING:
    from calibrate.services.reliability.certification import Certification
    from calibrate.services.reliability.history import RaterHistory
    from calibrate.storage.policy_files import CertificationPolicy

FORMATS = ("md", "html", "json")
_BAR_WIDTH = 20


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


def _lean(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


@click.command(cls=RecordCommand)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@policy_option
@db_after_command
def raters(as_json: bool, policy_file: Path | None, command_db: Path | None) -> None:
    """Every rater's reliability: sessions, agreement with the master key (or consensus) in
    their latest session, lean, drift and certification verdict. For coaches: these figures
    are private to each rater and their coach."""
    from calibrate.services.reliability.certification import certify
    from calibrate.services.reliability.history import team_histories

    policy = load_policy(policy_file)
    with records(command_db) as store:
        histories = team_histories(store)
    verdicts = [certify(h.rater, h.results, policy) for h in histories]
    if as_json:
        click.echo(
            json.dumps(
                [_rater_json(h, c) for h, c in zip(histories, verdicts, strict=True)],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if not histories:
        click.echo("No raters yet. Load a kit with: calibrate load SCENARIO.toml")
        return
    header = (
        "rater",
        "sessions",
        "latest",
        "compared",
        "exact",
        "within 1",
        "2+ away",
        "lean",
        "drift",
        "verdict",
    )
    rows = []
    for h, cert in zip(histories, verdicts, strict=True):
        latest = h.points[-1] if h.points else None
        r = latest.result if latest else None
        rows.append(
            (
                h.rater.name,
                str(len(h.points)),
                latest.session.date if latest else "—",
                str(r.n_compared) if r else "0",
                _pct(r.exact.statistic) if r else "—",
                _pct(r.adjacent.statistic) if r else "—",
                str(r.n_far) if r else "—",
                _lean(r.severity.statistic) if r else "—",
                str(len(h.drift_flags)) if h.drift_flags else "",
                cert.verdict.value,
            )
        )
    click.echo(text_table(header, rows, right={1, 3, 4, 5, 6, 7, 8}))
    click.echo(f"\nVerdicts under “{policy.name}” (calibrate rater NAME explains each).")


def _rater_json(history: RaterHistory, cert: Certification) -> dict[str, object]:
    from calibrate.services.reports.gather import rater_session_json

    return {
        "rater": history.rater.name,
        "sessions": len(history.points),
        "latest": rater_session_json(history.points[-1].result) if history.points else None,
        "drift_flags": history.drift_flags,
        "anchor_checks": len(history.anchor_checks),
        "anchors_matched": history.anchors_matched,
        "certification": cert.as_json(),
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
    from calibrate.services.reports.gather import rater_report, rater_report_json

    policy = load_policy(policy_file)
    with records(command_db) as store:
        found = rater_by_name(store, name)
        assert found.id is not None
        report = rater_report(store, found.id, policy=policy)
    if as_json:
        click.echo(json.dumps(rater_report_json(report), indent=2, ensure_ascii=False))
        return
    h, cert = report.history, report.certification
    out = [f"{h.rater.name}  (private: for this rater and their coach)", ""]
    out += [f"Certification: {cert.verdict.value} under “{policy.name}”.", f"  {cert.summary}", ""]
    if not h.points:
        out.append("No sessions yet.")
        click.echo("\n".join(out))
        return
    out.append("Timeline (exact matches; | marks 70%)")
    rows = []
    for p in h.points:
        r = p.result
        rows.append(
            (
                p.session.date,
                p.session.title[:40],
                str(r.n_compared),
                _bar(r.exact.statistic),
                _pct(r.exact.statistic),
                _pct(r.adjacent.statistic),
                str(r.n_far),
                _lean(r.severity.statistic),
                "drift" if p.drifted else "",
            )
        )
    header = ("date", "session", "compared", "exact", "", "within 1", "2+ away", "lean", "")
    out += [text_table(header, rows, right={2, 4, 5, 6, 7}), ""]
    out += [f"! {flag}" for flag in h.drift_flags] or ["No significant change between sessions."]
    out += ["", "Lean by criterion (levels; + lenient, - severe)"]
    out += [
        f"  {c.criterion.name:<28} {_lean(c.estimate.statistic):>6}  {c.estimate.reading}"
        for c in h.by_criterion
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
@click.option("--session", "session_id", type=int, help="The session's id (the team's report).")
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
                text = json.dumps(reports.session_report_json(data), indent=2, ensure_ascii=False)
            else:
                text = (
                    report_html.session_html(data)
                    if fmt == "html"
                    else report_markdown.session_markdown(data)
                )
            for page in data.private if private_dir is not None else ():
                if fmt == "json":
                    body = json.dumps(
                        reports.private_page_json(data, page), indent=2, ensure_ascii=False
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
                text = json.dumps(reports.rater_report_json(rdata), indent=2, ensure_ascii=False)
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
