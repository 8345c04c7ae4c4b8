"""The reports' Rasch section: the rater's report has the Raters screen's sentences and figures;
the team's session report counts raters and names none; both say why when nothing can be fitted.

The counts are checked against the readings of a fit made here directly from the store's
round-1 scores, and the rater's logits against the stats fit (``fit_facets``) of the same data.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from calibrate.services.records.database import load_scenario_file
from calibrate.services.reliability.rasch import SessionRatings, fit_session, session_ratings
from calibrate.services.reliability.rasch_summary import FIT_BANDS, rater_rasch, team_counts
from calibrate.services.reports.gather import rater_report, session_report
from calibrate.services.reports.html import rater_html, session_html
from calibrate.services.reports.markdown import rater_markdown, session_markdown
from calibrate.services.reports.rasch_section import (
    RATER_TITLE,
    SESSION_TITLE,
    rater_section_from,
)
from calibrate.services.reports.report_json import rater_report_json, session_report_json
from calibrate.stats.rasch import facet_data, fit_facets
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
GRADE8 = ROOT / "scenarios" / "grade8-argument.toml"


def clock() -> str:
    return "2026-10-14T09:00:00.000+00:00"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(tmp_path_factory.mktemp("rasch") / "r.db", clock=clock) as opened:
        load_scenario_file(opened, GRADE8)
        yield opened


def session_id(store: Store) -> int:
    sid = store.list_sessions()[0].id
    assert sid is not None
    return sid


def test_team_report_counts_raters_and_names_none(store: Store) -> None:
    sid = session_id(store)
    ratings = session_ratings(store, sid)
    readings = fit_session(ratings).readings
    leans = Counter(r.lean for r in readings)
    report = session_report(store, sid)
    md = session_markdown(report)
    html = session_html(report)
    data = json.loads(json.dumps(session_report_json(report), ensure_ascii=False))
    assert f"## {SESSION_TITLE}" in md and f"<h2>{SESSION_TITLE}</h2>" in html
    for lean in ("harder", "more generously"):
        n = leans[lean]
        if n:
            line = f"{n} rater{'' if n == 1 else 's'} score"
            assert line in md and line in html
    assert f"{leans['like the team']} of {len(readings)} raters score like the team" in md
    assert data["rasch"]["counts"]["raters"] == len(readings) == 6
    assert data["rasch"]["counts"]["lean"] == dict(leans)
    assert sum(data["rasch"]["counts"]["fit"].values()) == 6
    assert data["rasch"]["sentences"] == list(team_counts(fit_session(ratings)))
    assert FIT_BANDS in md
    for text in (md, html, json.dumps(data, ensure_ascii=False)):
        section = text[text.index(SESSION_TITLE) :]
        for name in ratings.rater_labels:
            assert name not in section


def test_team_report_separation_is_the_fits(store: Store) -> None:
    sid = session_id(store)
    fit = fit_session(session_ratings(store, sid)).fit
    assert fit is not None
    data = session_report_json(session_report(store, sid))["rasch"]
    assert isinstance(data, dict)
    got = {s["facet"]: s for s in data["separation"]}  # type: ignore[attr-defined]
    for facet in ("raters", "samples"):
        want = fit.separation_of(facet)
        assert got[facet]["separation"] == pytest.approx(want.separation)
        assert got[facet]["reliability"] == pytest.approx(want.reliability)
        assert want.reliability == pytest.approx(want.separation**2 / (1 + want.separation**2))


def test_rater_report_has_the_screens_sentences_and_logits(store: Store) -> None:
    sid = session_id(store)
    ratings = session_ratings(store, sid)
    erik = store.rater_by_name("Erik Lindqvist")
    assert erik is not None and erik.id is not None
    report = rater_report(store, erik.id)
    md = rater_markdown(report)
    html = rater_html(report)
    data = json.loads(json.dumps(rater_report_json(report), ensure_ascii=False))["rasch"]
    reading = fit_session(ratings).reading("Erik Lindqvist")
    assert reading is not None
    for sentence in reading.sentences:
        assert sentence in md
        assert sentence.replace("'", "&#39;") in html
    assert "more generously than the team on similar work" in md
    direct = fit_facets(
        facet_data(
            ratings.samples,
            ratings.criteria,
            ratings.raters,
            ratings.codes,
            categories=ratings.levels,
            sample_labels=ratings.sample_labels,
            criterion_labels=ratings.criterion_labels,
            rater_labels=ratings.rater_labels,
        ),
        model="rating scale",
    ).rater("Erik Lindqvist")
    assert data["severity"] == pytest.approx(direct.measure)
    assert data["standard_error"] == pytest.approx(direct.standard_error)
    assert data["fit"]["infit"] == pytest.approx(direct.fit.infit)
    assert f"| Severity (logits; higher = harsher) | {direct.measure:+.2f} |" in md
    assert data["severity"] < 0  # the kit's lenient rater: below the team's mean severity
    assert f"<h2>{RATER_TITLE}</h2>" in html
    assert "Drift on one scale needs two revealed sessions" in md
    for other in ratings.rater_labels:
        if other != "Erik Lindqvist":
            section = md[md.index(RATER_TITLE) :]
            assert other not in section


def test_not_enough_data_says_why_in_every_format() -> None:
    ratings = SessionRatings(
        session_id=1,
        title="Tiny",
        date="2026-01-01",
        samples=(0, 1),
        criteria=(0, 0),
        raters=(0, 0),
        codes=(1, 2),
        levels=(1.0, 2.0, 3.0, 4.0),
        sample_labels=("s0", "s1"),
        criterion_labels=("Ideas",),
        rater_labels=("Lena", "Ben"),
    )
    result = fit_session(ratings)
    assert team_counts(result)[0].startswith("Not available: Too little data")
    section = rater_section_from(rater_rasch([ratings], "Lena"))
    text = "\n".join(section.markdown())
    assert "Not available: Too little data" in text
    assert section.as_json()["reason"] is not None and not section.rows


def test_counts_match_a_fit_with_a_clearly_harsher_rater() -> None:
    rng = np.random.default_rng(11)
    rows = []
    for s in range(12):
        for c in range(2):
            for r in range(4):
                base = int(rng.integers(1, 4))
                rows.append((s, c, r, max(0, base - 2) if r == 3 else base))
    ratings = SessionRatings(
        session_id=1,
        title="Sim",
        date="2026-01-01",
        samples=tuple(x[0] for x in rows),
        criteria=tuple(x[1] for x in rows),
        raters=tuple(x[2] for x in rows),
        codes=tuple(x[3] for x in rows),
        levels=(1.0, 2.0, 3.0, 4.0),
        sample_labels=tuple(f"s{i}" for i in range(12)),
        criterion_labels=("Ideas", "Evidence"),
        rater_labels=("Ada", "Ben", "Cy", "Dee"),
    )
    result = fit_session(ratings)
    dee = result.reading("Dee")
    assert dee is not None and dee.lean == "harder"
    lines = team_counts(result)
    n_harder = sum(1 for r in result.readings if r.lean == "harder")
    assert f"{n_harder} rater{'' if n_harder == 1 else 's'} score" in lines[0]
    assert not any(re.search(r"\b(Ada|Ben|Cy|Dee)\b", line) for line in lines)
