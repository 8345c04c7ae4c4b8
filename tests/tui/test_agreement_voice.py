"""One voice: the reveal, the session report and ``calibrate agree`` say the same headline
sentence about the same scores (the demo's recorded session)."""

from __future__ import annotations

import csv
import html
from pathlib import Path

from click.testing import CliRunner

from calibrate.cli.main import cli
from calibrate.services.meeting.board import load_reveal
from calibrate.services.records.exports import score_rows
from calibrate.services.reports.gather import session_report
from calibrate.services.reports.html import session_html
from calibrate.services.reports.markdown import session_markdown
from calibrate.tui.widgets.meeting.heat_map import HeatMap
from tests.tui.conftest import SIZE, Demo, make_app
from tests.tui.test_reveal import open_reveal, panel_text, wait_for_report


def flat(text: str) -> str:
    return " ".join(text.split())


async def test_reveal_report_and_agree_say_the_same_sentence(demo: Demo, tmp_path: Path) -> None:
    sid = demo.recorded_id
    report = session_report(demo.store, sid)
    reveal = load_reveal(demo.store, sid)
    assert reveal.round == report.round == 1  # the report reads the blind round
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, sid)
        pooled_panel = panel_text(screen)
        here = screen.query_one(HeatMap).current()
        assert here is not None
        key = here[1]
        await pilot.press("t")
        await wait_for_report(app, screen)
        criterion_panel = panel_text(screen)
    criterion = reveal.context.rubric.criterion(key)
    assert criterion is not None
    by_key = {c.criterion.key: c for c in report.criteria}
    sentence = by_key[key].headline.sentence
    assert sentence.startswith("You agree within one level")
    assert "Krippendorff's alpha" in sentence
    # The reveal, for that criterion and for every criterion pooled.
    assert sentence in criterion_panel
    assert report.headline.sentence in pooled_panel
    # The session report, as Markdown and as HTML.
    for text in (session_markdown(report), html.unescape(session_html(report))):
        assert sentence in flat(text)
        assert report.headline.sentence in flat(text)
    # calibrate agree, on that criterion's blind scores exported as a ratings file.
    path = tmp_path / f"{key}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["unit", "rater", "score"])
        for row in score_rows(demo.store, sid):
            if row["criterion"] == key and row["round"] == 1:
                out.writerow([row["sample"], row["rater"], row["level"]])
    levels = ",".join(str(s) for s in criterion.scores)
    result = CliRunner().invoke(
        cli, ["agree", str(path), "--level", "ordinal", "--categories", levels]
    )
    assert result.exit_code == 0, result.output
    assert sentence in flat(result.stdout)
