"""Session and rater reports: every section in every format, self-contained HTML, and privacy
(the team part names no rater's figures; each private page holds only that rater's scores)."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from calibrate.domain.errors import InvalidOperationError
from calibrate.services.meeting import sessions as meeting
from calibrate.services.records.database import load_scenario_file
from calibrate.services.reports.gather import SessionReport, rater_report, session_report
from calibrate.services.reports.html import private_html, rater_html, session_html
from calibrate.services.reports.markdown import private_markdown, rater_markdown, session_markdown
from calibrate.services.reports.report_json import (
    private_page_json,
    rater_report_json,
    session_report_json,
)
from calibrate.storage.scenario_store import stored_key
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
GRADE8 = ROOT / "scenarios" / "grade8-argument.toml"
KIT = tomllib.loads(GRADE8.read_text(encoding="utf-8"))
RATERS = [r["name"] for r in KIT["raters"]]
FACILITATOR = KIT["session"]["facilitator"]

TEAM_SECTIONS = (
    "Agreement",
    "By criterion",
    "The team against the master key",
    "Discussion items",
    "Consensus decisions",
    "Anchors agreed",
    "Private pages",
)
PRIVATE_SECTIONS = ("Summary", "By criterion", "Use of the scale", "Your scores")
RATER_SECTIONS = (
    "Certification",
    "Timeline",
    "Drift flags",
    "Lean by criterion, over the sessions of the verdict",
    "Use of the scale (latest session, 2026-10-14)",
    "Anchors scored again",
)


def clock() -> str:
    return "2026-10-14T09:00:00.000+00:00"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(tmp_path_factory.mktemp("reports") / "r.db", clock=clock) as opened:
        load_scenario_file(opened, GRADE8)
        session = opened.list_sessions()[0]
        assert session.id is not None
        # One consensus decision, so that section has content.
        essay7 = opened.sample_by_key(stored_key(KIT["scenario"]["name"], "essay-7"))
        assert essay7 is not None and essay7.id is not None
        sample_id = essay7.id
        meeting.set_consensus(
            opened,
            session.id,
            sample_id=sample_id,
            criterion_key="claim",
            level=2,
            rationale="No position is taken: 'move forward with caution'.",
        )
        yield opened


@pytest.fixture(scope="module")
def report(store: Store) -> SessionReport:
    session = store.list_sessions()[0]
    assert session.id is not None
    return session_report(store, session.id)


def headings(markdown: str) -> list[str]:
    return [line.lstrip("#").strip() for line in markdown.splitlines() if line.startswith("#")]


def html_headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[23]>(.*?)</h[23]>", html)]


def test_markdown_session_report_has_every_section(report: SessionReport) -> None:
    text = session_markdown(report)
    assert set(TEAM_SECTIONS) <= set(headings(text))
    assert "No position is taken" in text  # the consensus decision
    assert len(report.anchors) == len(KIT["anchors"]) == 3
    for anchor in KIT["anchors"]:  # anchors agreed, with their annotations
        assert " ".join(anchor["annotation"].split())[:60] in text


def test_html_escapes_what_teachers_typed(tmp_path: Path) -> None:
    """The templates autoescape: a rationale that looks like markup is shown, never run."""
    store = Store.open(tmp_path / "escape.db", clock=clock)
    load_scenario_file(store, GRADE8)
    session = store.list_sessions()[0]
    assert session.id is not None
    essay7 = store.sample_by_key(stored_key(KIT["scenario"]["name"], "essay-7"))
    assert essay7 is not None and essay7.id is not None
    meeting.set_consensus(
        store,
        session.id,
        sample_id=essay7.id,
        criterion_key="evidence",
        level=2,
        rationale='Quotes <img src=x onerror="alert(1)"> & no source',
    )
    html = session_html(session_report(store, session.id))
    assert "<img" not in html
    assert "Quotes &lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; no source" in html
    store.close()


def test_html_session_report_is_self_contained_and_complete(report: SessionReport) -> None:
    html = session_html(report)
    assert html.startswith("<!DOCTYPE html>")
    assert set(TEAM_SECTIONS) <= set(html_headings(html))
    assert "http://" not in html and "https://" not in html
    assert "<link" not in html and "<script" not in html and "@import" not in html
    assert "<svg" in html and "@media print" in html


def test_json_session_report_has_every_section(report: SessionReport) -> None:
    data = json.loads(json.dumps(session_report_json(report)))
    for key in (
        "agreement",
        "by_criterion",
        "team_against_reference",
        "discussion",
        "consensus",
        "anchors",
    ):
        assert data[key], key
    assert set(data["by_criterion"]) == {c["key"] for c in KIT["rubric"]["criteria"]}
    assert data["agreement"]["n_raters"] == 6
    assert data["team_against_reference"]["exact"]["n"] == 239
    assert data["private_pages"] == 6


def test_the_team_report_names_no_rater(report: SessionReport) -> None:
    for text in (
        session_markdown(report),
        session_html(report),
        json.dumps(session_report_json(report), ensure_ascii=False),
    ):
        for name in RATERS:
            if name == FACILITATOR:  # named once, as the facilitator
                assert text.count(name) == 1
            else:
                assert name not in text


def test_team_accuracy_is_the_pooled_hand_count(report: SessionReport) -> None:
    key = {m["sample"]: m["levels"] for m in KIT["master_key"]}
    pairs = [
        (level, key[e["sample"]][c])
        for e in KIT["session"]["scores"]
        for c, level in e["levels"].items()
    ]
    exact = sum(a == b for a, b in pairs)
    assert report.team.exact.n == len(pairs) == 239
    assert report.team.exact.statistic == pytest.approx(exact / len(pairs))
    assert report.team.n_far == sum(abs(a - b) >= 2 for a, b in pairs)


def test_discussion_items_count_levels_without_names(report: SessionReport) -> None:
    assert report.discussion
    first = report.discussion[0]
    assert sum(first.counts.values()) <= 6
    assert first.straddles_cut  # splits across the cut come first


@pytest.mark.parametrize("name", RATERS)
def test_each_private_page_lists_only_that_raters_scores(report: SessionReport, name: str) -> None:
    page = next(p for p in report.private if p.rater.name == name)
    mine = [e for e in KIT["session"]["scores"] if e["rater"] == name]
    n_scores = sum(len(e["levels"]) for e in mine)
    assert len(page.lines) == n_scores
    my_notes = {n for e in mine for n in e.get("notes", {}).values()}
    other_notes = {
        n
        for e in KIT["session"]["scores"]
        if e["rater"] != name
        for n in e.get("notes", {}).values()
    } - my_notes
    for text in (
        private_markdown(report, page),
        private_html(report, page),
        json.dumps(private_page_json(report, page), ensure_ascii=False),
    ):
        for other in RATERS:
            if other != name:
                assert other not in text
        for note in other_notes:
            assert note not in text.replace("&#x27;", "'").replace("&quot;", '"')
    md = private_markdown(report, page)
    assert set(PRIVATE_SECTIONS) <= set(headings(md))
    rows = [line for line in md.split("## Your scores")[1].splitlines() if line.startswith("| ")]
    assert len(rows) - 1 == n_scores  # minus the header row
    html = private_html(report, page)
    assert set(PRIVATE_SECTIONS) <= set(html_headings(html))
    assert "http://" not in html and "https://" not in html


def test_rater_report_in_every_format(store: Store) -> None:
    erik = store.rater_by_name("Erik Lindqvist")
    assert erik is not None and erik.id is not None
    data = rater_report(store, erik.id)
    md = rater_markdown(data)
    assert set(RATER_SECTIONS) <= set(headings(md))
    html = rater_html(data)
    assert set(RATER_SECTIONS) <= set(html_headings(html))
    assert "http://" not in html and "https://" not in html and "<svg" in html
    as_json = json.loads(json.dumps(rater_report_json(data)))
    assert as_json["certification"]["verdict"] == "does not meet the standard"
    assert as_json["timeline"][0]["severity"]["ci_low"] > 0
    for other in RATERS:
        if other != "Erik Lindqvist":
            assert other not in md and other not in html


def test_no_report_while_a_blind_session_is_scored(store: Store) -> None:
    first = store.list_sessions()[-1]
    session = meeting.create_session(
        store,
        title="Blind, still scoring",
        date="2026-12-01",
        rubric_id=first.rubric_id,
        sample_ids=first.sample_ids,
        rater_ids=first.rater_ids,
    )
    assert session.id is not None
    with pytest.raises(InvalidOperationError, match="hidden"):
        session_report(store, session.id)


def test_the_certification_table_speaks_in_words(store: Store) -> None:
    """The coach's report names what each requirement counts, never an internal name."""
    rater = store.rater_by_name("Erik Lindqvist")
    assert rater is not None and rater.id is not None
    erik = rater_report(store, rater.id)
    html = rater_html(erik)
    markdown = rater_markdown(erik)
    for text in (html, markdown):
        assert "two_away" not in text and "| adjacent |" not in text
        assert "two or more levels away" in text


def test_raters_with_no_scores_are_left_out_of_the_figures_and_counted(tmp_path: Path) -> None:
    from datetime import date

    from calibrate.services.records.database import prepare_demo

    store = Store.open(tmp_path / "absent.db", clock=clock)
    sid = prepare_demo(store, today=date(2026, 11, 23))
    ctx = meeting.load_context(store, sid)
    two = ctx.session.rater_ids[:2]
    with store.transaction():
        for n, sample in enumerate(ctx.samples):
            assert sample.id is not None
            for criterion in ctx.rubric.criteria:
                for k, rater_id in enumerate(two):
                    meeting.record_score(
                        store,
                        sid,
                        rater_id=rater_id,
                        sample_id=sample.id,
                        criterion_key=criterion.key,
                        level=1 + (n + k * (n % 2)) % 4,
                    )
    meeting.reveal(store, sid)
    data = session_report(store, sid)
    assert data.overall.n_raters == 2
    assert data.overall.results["icc_2_1"].defined  # not "Not available" for the absent four
    assert [r.why for r in data.headline.left_out] == ["gave no scores"] * 4
    text = session_markdown(data)
    assert "Left out of the figures: 4 raters who gave no scores." in text
    assert "gave no ratings at all" not in text
    for rater in ctx.raters:  # counted, not named: the team's report names no rater
        if rater.name != ctx.session.facilitator:
            assert rater.name not in text
    store.close()


def test_a_short_session_counts_samples_not_items(tmp_path: Path) -> None:
    """Issue 14: one essay on five criteria is one sample (five items), not five samples."""
    with Store.open(tmp_path / "short.db", clock=clock) as store:
        load_scenario_file(store, GRADE8)
        recorded = store.list_sessions()[0]
        assert recorded.id is not None
        rubric = store.get_rubric(recorded.rubric_id)
        one = meeting.create_session(
            store,
            title="One essay",
            date="2026-10-20",
            rubric_id=recorded.rubric_id,
            sample_ids=recorded.sample_ids[:1],
            rater_ids=recorded.rater_ids[:3],
            start=True,
        )
        assert one.id is not None
        for n, rater_id in enumerate(one.rater_ids):
            for criterion in rubric.criteria:
                meeting.record_score(
                    store,
                    one.id,
                    rater_id=rater_id,
                    sample_id=one.sample_ids[0],
                    criterion_key=criterion.key,
                    level=criterion.scores[min(n, len(criterion.scores) - 1)],
                )
        meeting.reveal(store, one.id)
        text = session_markdown(session_report(store, one.id))
    n = len(rubric.criteria)
    assert f"Only 1 sample ({n} sample × criterion items) were rated" in text
    assert f"Only {n} samples" not in text


def test_reports_show_kappa_the_cut_the_window_and_what_is_not_compared(tmp_path: Path) -> None:
    """Issue 14: weighted kappa and same decision at the cut were documented but shown nowhere
    but in JSON, and scores with no key and no consensus were explained only in JSON."""
    grade5 = ROOT / "scenarios" / "grade5-subtraction.toml"
    with Store.open(tmp_path / "g5.db", clock=clock) as store:
        loaded = load_scenario_file(store, grade5)
        assert loaded.report.session_id is not None
        session = session_report(store, loaded.report.session_id)
        dana = store.rater_by_name("Dana Whitfield")
        assert dana is not None and dana.id is not None
        report = rater_report(store, dana.id)
    point = report.history.points[0].result
    assert point.n_not_compared == 6 and point.n_compared == 24  # the kit leaves 6 items unkeyed
    kappa = f"{point.weighted_kappa.statistic:.3f}"
    markdown, html = rater_markdown(report), rater_html(report)
    for text in (markdown, html):
        assert "Weighted kappa" in text and kappa in text
        assert "Same decision at the cut" in text
        assert "Not compared" in text
        assert "Window: 1 session, " in text
        assert "6 of their 30 scores have no master key and no consensus yet" in text
    team = session.team
    assert team.not_compared_text.startswith(f"{team.n_not_compared} of the {team.n_scores}")
    assert team.n_not_compared > 0
    for text in (session_markdown(session), session_html(session)):
        assert team.not_compared_text in text
    data = session_report_json(session)["team_against_reference"]
    assert isinstance(data, dict) and data["not_compared"] == team.n_not_compared
