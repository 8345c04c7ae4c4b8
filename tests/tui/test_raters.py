"""The Raters screen (a coach's view) and one rater's detail, on the demo database.

The expected figures are counted here from the store's raw scores and the master key with plain
loops, and the Wilson bounds are checked against statsmodels' ``proportion_confint(method=
"wilson")`` (Wilson 1927), not against calibrate's own statistics.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from hypothesis import example, given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint
from textual.widgets import Static

from calibrate.domain.model import Rater
from calibrate.services.meeting import sessions as meeting
from calibrate.services.reliability.certification import certify, default_policy
from calibrate.services.reliability.history import team_histories
from calibrate.services.reliability.status import (
    PRIVACY_NOTICE,
    TeamRecords,
    load_team_records,
    team_status,
)
from calibrate.stats.rater_effects import Estimate
from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.home import HomeScreen
from calibrate.tui.screens.reliability.raters import RaterDetailScreen, RatersScreen
from calibrate.tui.widgets.reliability.rater_list import RaterList
from calibrate.tui.widgets.reliability.scale_use import ScaleUse
from calibrate.tui.widgets.reliability.severity_map import SeverityMap, cell_text
from calibrate.tui.widgets.reliability.timeline_chart import (
    BAR,
    HALF,
    TimelineChart,
    exact_bar,
    lean_bar,
)
from calibrate.tui.widgets.reliability.validity_checks import ValidityChecks
from calibrate.tui.widgets.reliability.verdict_card import VerdictCard
from tests.services import test_reliability as reliability_tests
from tests.tui.conftest import SIZE, Demo, make_app

NAMES = [
    "Amara Okafor",
    "Erik Lindqvist",
    "Linh Tran",
    "Marcus Baptiste",
    "Siobhan Halloran",
    "Tunde Idowu",
]


def text_of(widget: Static) -> str:
    return str(widget.render())


def rater_id(store: Store, name: str) -> int:
    rater = store.rater_by_name(name)
    assert rater is not None and rater.id is not None
    return rater.id


def hand_counts(store: Store, session_id: int, name: str) -> tuple[int, int, dict[str, float]]:
    """(exact matches, compared, mean signed deviation per criterion) of one rater's round-1
    scores against the master key, by plain loops (the kit's levels are 1..4, so steps are
    level differences)."""
    key = {(r.sample_id, r.criterion_key): r.level for r in store.reference_scores()}
    rid = rater_id(store, name)
    exact = compared = 0
    by_criterion: dict[str, list[int]] = defaultdict(list)
    for score in store.scores(session_id, round=1):
        ref = key.get((score.sample_id, score.criterion_key))
        if score.rater_id != rid or ref is None:
            continue
        compared += 1
        exact += score.level == ref
        by_criterion[score.criterion_key].append(score.level - ref)
    return exact, compared, {k: statistics.mean(v) for k, v in by_criterion.items()}


def wilson_low(count: int, n: int) -> float:
    # Wilson (1927) score interval, two-sided 95%, as computed by statsmodels.
    low, _ = proportion_confint(count, n, alpha=0.05, method="wilson")
    return float(low)


async def open_raters(app: CalibrateApp, pilot: object) -> RatersScreen:
    await app.workers.wait_for_complete()
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("r")  # type: ignore[attr-defined]
    assert isinstance(app.screen, RatersScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    return app.screen


def later_session(store: Store, demo: Demo, *, exact_for: set[str]) -> int:
    """A second revealed session on the same essays: raters in ``exact_for`` give the master
    key's level everywhere, the others one level above it (capped at 4)."""
    session_id = reliability_tests.later_session(
        store, "2026-12-02", exact_for=exact_for, first_id=demo.recorded_id, title="Follow-up"
    )
    meeting.reveal(store, session_id)
    return session_id


# ----------------------------------------------------------------- the list
async def test_home_r_opens_the_raters_list_with_everyone_and_their_verdict(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_raters(app, pilot)
        assert text_of(screen.query_one("#rt-notice", Static)) == PRIVACY_NOTICE
        assert "private" in PRIVACY_NOTICE and "coach" in PRIVACY_NOTICE
        table = screen.query_one(RaterList)
        ids = {name: rater_id(demo.store, name) for name in NAMES}
        assert [table.cell(ids[n], "Rater") for n in NAMES] == NAMES  # by name
        assert table.row_count == 6
        # The kit's designed lenient rater, and the rater who keeps to the middle.
        assert table.cell(ids["Erik Lindqvist"], "Lean") == "+0.42 lenient"
        assert "central tendency" in table.cell(ids["Marcus Baptiste"], "Flags")
        for name in NAMES:
            if name != "Marcus Baptiste":
                assert "central tendency" not in table.cell(ids[name], "Flags")
        # Verdicts with n and the Wilson lower bound of the exact-match share (bar 70% for the
        # kit's 4-level scale: docs/certification.md, NAEP's qualifying criteria).
        for name in NAMES:
            exact, n, _ = hand_counts(demo.store, demo.recorded_id, name)
            assert table.cell(ids[name], "n") == str(n)
            low = round(100 * wilson_low(exact, n))
            assert table.cell(ids[name], "Lower bound") == f"{low}% exact (bar 70%)"
            assert table.cell(ids[name], "Window") == "2026-10-14"
        assert table.cell(ids["Erik Lindqvist"], "Verdict") == "✗ does not meet the standard"
        assert table.cell(ids["Amara Okafor"], "Verdict") == "✓ certified"
        assert table.cell(ids["Linh Tran"], "Verdict") == "… not yet certified"
        # Siobhan's verdict comes from the rule on far-off scores; the list shows why.
        assert "2 scores 2+ away" in table.cell(ids["Siobhan Halloran"], "Flags")
        status = text_of(screen.query_one("#rt-status", Static))
        assert "6 raters · 1 revealed session ·" in status


async def test_the_lists_heat_map_is_raters_by_criteria_with_signs(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_raters(app, pilot)
        heat = screen.query_one(SeverityMap)
        context = meeting.load_context(demo.store, demo.recorded_id)
        assert heat.row_count == len(context.raters)
        assert len(heat.columns) == len(context.rubric.criteria)
        for name in NAMES:
            _, _, means = hand_counts(demo.store, demo.recorded_id, name)
            for key, mean in means.items():
                shown = heat.text_at(str(rater_id(demo.store, name)), key)
                assert shown.startswith(f"{mean:+.2f}")
        erik = str(rater_id(demo.store, "Erik Lindqvist"))
        # Erik on evidence: +0.50 with the whole interval above zero (lenient: ▲).
        assert heat.text_at(erik, "evidence") == "+0.50▲"
        # Moving over a cell shows its plain reading.
        heat.focus()
        heat.move_cursor(row=heat.get_row_index(erik), column=heat.get_column_index("evidence"))
        await pilot.pause()
        reading = text_of(screen.query_one("#rt-reading", Static))
        assert reading.startswith("Erik Lindqvist · Evidence: Scores 0.50 levels above")
        assert reading.endswith("lenient.")


# ----------------------------------------------------------------- the detail
async def test_detail_shows_the_verdict_with_n_and_bound_and_the_lean_by_criterion(
    demo: Demo,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_raters(app, pilot)
        table = screen.query_one(RaterList)
        table.move_cursor(row=table.get_row_index(str(rater_id(demo.store, "Erik Lindqvist"))))
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, RaterDetailScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert detail.sub_title == "Erik Lindqvist"
        assert text_of(detail.query_one("#rd-notice", Static)) == PRIVACY_NOTICE
        exact, n, means = hand_counts(demo.store, demo.recorded_id, "Erik Lindqvist")
        assert (exact, n) == (21, 40)
        verdict = text_of(detail.query_one(VerdictCard))
        assert verdict.startswith("✗ Does not meet the standard")
        assert "n = 40 scores compared over 1 session" in verdict
        low = round(100 * wilson_low(21, 40))  # 37%
        assert f"21 of 40 = 52%, 95% lower bound {low}%, bar 70% → not met" in verdict
        within_low = round(100 * wilson_low(40, 40))  # 91%
        assert f"40 of 40 = 100%, 95% lower bound {within_low}%, bar 90% → met" in verdict
        assert "Does not meet the standard yet" in verdict  # the plain reading
        heat = detail.query_one(SeverityMap)
        session_row = str(demo.recorded_id)
        assert heat.row_count == 1  # one session: no pooled row
        for key, mean in means.items():
            assert heat.text_at(session_row, f"{_rubric(demo)}\x1f{key}").startswith(f"{mean:+.2f}")
        timeline = text_of(detail.query_one(TimelineChart))
        assert "2026-10-14" in timeline and " 52%" in timeline and "+0.42" in timeline
        assert "one so far" in text_of(detail.query_one("#rd-drift", Static))
        scale = text_of(detail.query_one(ScaleUse))
        assert "Uses the range of the scale like the others" in scale
        assert "No approved anchor" in text_of(detail.query_one(ValidityChecks))
        await pilot.press("escape")
        assert isinstance(app.screen, RatersScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


def _rubric(demo: Demo) -> str:
    return meeting.load_context(demo.store, demo.recorded_id).rubric.name


async def test_marcus_baptistes_detail_flags_central_tendency(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await app.push_screen(RaterDetailScreen(rater_id(demo.store, "Marcus Baptiste")))
        await app.workers.wait_for_complete()
        await pilot.pause()
        scale = text_of(app.screen.query_one(ScaleUse))
        assert "⚑ Central tendency: Keeps to the middle of the scale" in scale
        assert "level" in scale and "the others" in scale
        verdict = text_of(app.screen.query_one(VerdictCard))
        assert "n = 39 scores" in verdict


async def test_a_click_on_a_row_opens_the_detail_and_d_does_too(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_raters(app, pilot)
        table = screen.query_one(RaterList)
        # Line 0 is the header, then Amara, Erik, Linh: a second click on a row opens it.
        await pilot.click(RaterList, offset=(3, 3))
        await pilot.click(RaterList, offset=(3, 3))
        assert isinstance(app.screen, RaterDetailScreen)
        assert app.screen.rater_id == rater_id(demo.store, "Linh Tran")
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        assert app.screen is screen
        table.move_cursor(row=0)
        await pilot.press("d")
        assert isinstance(app.screen, RaterDetailScreen)
        assert app.screen.rater_id == rater_id(demo.store, "Amara Okafor")
        await app.workers.wait_for_complete()


async def test_timeline_drift_and_anchor_checks_over_two_sessions(demo: Demo) -> None:
    later = later_session(demo.store, demo, exact_for={"Erik Lindqvist"})
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_raters(app, pilot)
        erik = rater_id(demo.store, "Erik Lindqvist")
        table = screen.query_one(RaterList)
        assert table.cell(erik, "Window") == "2026-10-14–12-02"  # the verdict's sessions
        assert "⚠ drift ×2" in table.cell(erik, "Flags")
        # Over both sessions Erik matched 21 + 40 of 80 (the follow-up gives the key).
        assert table.cell(erik, "n") == "80"
        assert (
            table.cell(erik, "Lower bound") == f"{round(100 * wilson_low(61, 80))}% exact (bar 70%)"
        )
        title = text_of(screen.query_one("#rt-map-title", Static))
        assert "2026-12-02 Follow-up (s: 1 more)" in title
        await pilot.press("s")
        assert "2026-10-14" in text_of(screen.query_one("#rt-map-title", Static))
        table.focus()
        table.move_cursor(row=table.get_row_index(str(erik)))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, RaterDetailScreen)
        timeline = text_of(detail.query_one(TimelineChart)).splitlines()
        rows = [line for line in timeline if line.startswith("2026-")]
        assert [r[:10] for r in rows] == ["2026-10-14", "2026-12-02"]
        assert "⚠ drift" not in rows[0] and "⚠ drift" in rows[1]
        assert "100%" in rows[1]
        drift = text_of(detail.query_one("#rd-drift", Static))
        assert drift.count("⚠ 2026-10-14 → 2026-12-02") == 2
        heat = detail.query_one(SeverityMap)
        assert heat.row_count == 3  # all sessions pooled, then each session
        pooled = heat.text_at("all", f"{_rubric(demo)}\x1fevidence")
        # 8 deviations from the first session, 8 zeros from the follow-up: half the mean.
        _, _, first_means = hand_counts(demo.store, demo.recorded_id, "Erik Lindqvist")
        assert pooled.startswith(f"{first_means['evidence'] / 2:+.2f}")
        assert heat.text_at(str(later), f"{_rubric(demo)}\x1fevidence") == "+0.00?"
        # The kit's three approved anchors come back in the follow-up: Erik gave each its level.
        checks = text_of(detail.query_one(ValidityChecks))
        assert checks.startswith("3 of 3 anchors scored again got the anchor's level.")
        assert checks.count("✓") == 3


async def test_an_empty_database_says_there_are_no_raters(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    store = Store.open(tmp_path / "empty.db")
    try:
        app = CalibrateApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.push_screen(RatersScreen())
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "No raters yet" in text_of(app.screen.query_one("#rt-status", Static))
            assert "no session has a master key" in text_of(
                app.screen.query_one("#rt-map-title", Static)
            )
            await pilot.press("d")  # nothing to open: a warning, not a traceback
            assert isinstance(app.screen, RatersScreen)
    finally:
        store.close()


async def test_a_rater_with_no_session_has_no_scores_in_the_window(demo: Demo) -> None:
    newcomer = demo.store.add_rater(Rater("Zoe Newcomer"))
    assert newcomer.id is not None
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_raters(app, pilot)
        table = screen.query_one(RaterList)
        assert table.cell(newcomer.id, "Verdict") == "– no scores in this window"
        assert table.cell(newcomer.id, "Window") == "—"
        assert table.cell(newcomer.id, "Lean") == "—"
        await app.push_screen(RaterDetailScreen(newcomer.id))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "No revealed sessions" in text_of(app.screen.query_one(TimelineChart))
        assert "n = 0 scores" in text_of(app.screen.query_one(VerdictCard))


# ----------------------------------------------------------------- the worker's plain data
def test_records_are_plain_data_and_give_the_same_verdicts_as_the_cli(demo: Demo) -> None:
    records = load_team_records(demo.store)
    assert isinstance(records, TeamRecords)
    assert not _holds_a_store(records)
    policy = default_policy()
    team = team_status(records, policy)
    expected = {
        h.rater.name: certify(h.rater, h.results, policy) for h in team_histories(demo.store)
    }
    assert {s.rater.name: s.certification for s in team.raters} == expected


def _holds_a_store(value: object, depth: int = 0) -> bool:
    if isinstance(value, Store):
        return True
    if depth > 6:
        return False
    if isinstance(value, (tuple, list)):
        return any(_holds_a_store(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_holds_a_store(v, depth + 1) for v in value.values())
    fields = getattr(value, "__dataclass_fields__", None)
    return bool(fields) and any(_holds_a_store(getattr(value, f), depth + 1) for f in fields or ())


# ----------------------------------------------------------------- the drawing, as properties
@given(st.floats(min_value=0, max_value=1), st.sampled_from([None, 0.7, 0.8, 0.9]))
def test_exact_bar_has_a_fixed_width_and_marks_the_bar(share: float, bar: float | None) -> None:
    drawn = exact_bar(share, bar)
    assert len(drawn) == BAR
    assert drawn.count("█") + drawn.count("┃") == round(share * BAR)
    assert (drawn.count("│") + drawn.count("┃") == 1) == (bar is not None)


@given(st.floats(min_value=-3, max_value=3))
@example(0.1)  # half a cell: round-half-even drew no arrow (found by hypothesis)
def test_lean_bar_points_the_way_of_the_sign(mean: float) -> None:
    drawn = lean_bar(mean)
    assert len(drawn) == 2 * HALF + 1 and drawn[HALF] == "|"
    assert "◀" not in drawn[HALF:] and "▶" not in drawn[:HALF]
    if mean <= -0.1:
        assert "◀" in drawn
    if mean >= 0.1:
        assert "▶" in drawn


@given(st.floats(min_value=-3, max_value=3), st.integers(min_value=2, max_value=40))
def test_a_heat_map_cell_always_carries_its_sign_in_words(mean: float, n: int) -> None:
    estimate = Estimate("severity", mean, n, ci_low=mean - 0.3, ci_high=mean + 0.3)
    text = cell_text(estimate)
    if abs(mean) >= 0.005:
        assert text.startswith("+" if mean > 0 else "-")
    assert text[-1] == ("▲" if mean - 0.3 > 0 else "▼" if mean + 0.3 < 0 else " ")


async def test_the_list_and_the_detail_say_which_window_and_what_is_not_compared(
    demo: Demo,
) -> None:
    """Issue 14: the same window as `calibrate raters`, and uncompared scores explained."""
    from calibrate.domain.model import Sample

    amara = rater_id(demo.store, "Amara Okafor")
    erik = rater_id(demo.store, "Erik Lindqvist")
    unkeyed = demo.store.add_sample(Sample(title="A new essay", body="No key yet."))
    assert unkeyed.id is not None
    first = demo.store.get_session(demo.recorded_id)
    later = meeting.create_session(
        demo.store,
        title="No key yet",
        date="2026-12-01",
        rubric_id=first.rubric_id,
        sample_ids=(unkeyed.id,),
        rater_ids=(amara, erik),
    )
    assert later.id is not None
    meeting.record_score(
        demo.store, later.id, rater_id=amara, sample_id=unkeyed.id, criterion_key="claim", level=3
    )
    meeting.reveal(demo.store, later.id)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_raters(app, pilot)
        table = screen.query_one(RaterList)
        assert table.cell(amara, "Window") == "2026-10-14"  # not the later, unkeyed session
        assert table.cell(amara, "Flags").startswith("1 not compared")
        assert "not compared" not in table.cell(erik, "Flags")
        assert table.cell(erik, "Verdict") == "✗ does not meet the standard"
        assert "Window: the sessions each verdict rests on" in text_of(
            screen.query_one("#rt-legend", Static)
        )
        await app.push_screen(RaterDetailScreen(amara))
        await app.workers.wait_for_complete()
        await pilot.pause()
        card = text_of(app.screen.query_one(VerdictCard))
        assert "Window: 1 session, 2026-10-14" in card
        assert "1 of their 41 scores has no master key and no consensus yet" in card
        agreement = text_of(app.screen.query_one("#rd-agreement", Static)).splitlines()
        assert agreement[0].startswith("2026-10-14  weighted kappa 0.")
        assert "same decision at the cut" in agreement[0] or "no cut score" in agreement[0]
        assert agreement[1].startswith("2026-12-01  weighted kappa —")
        assert agreement[1].endswith("1 of 1 not compared (no key or consensus)")
