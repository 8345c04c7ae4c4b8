"""The reveal: heat map, spread bars, agreement panel (computed in a worker), discussion queue,
rounds, and the way to consensus, anchors and a re-score round."""

from __future__ import annotations

import asyncio
import importlib.util
from statistics import median

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Static

from calibrate.domain.model import Consensus, Criterion, Level, Phase
from calibrate.services.agreement.scopes import ALL, scope_figures, scope_table
from calibrate.services.agreement.text import format_value
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.board import (
    Band,
    band,
    cell_text,
    chance_corrected_name,
    load_reveal,
    why_text,
)
from calibrate.services.meeting.reveal import ItemSpread
from calibrate.stats.report import LABELS, NAMES, agreement_report
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.home import HomeScreen
from calibrate.tui.screens.meeting.agreement_details import AgreementDetailsModal
from calibrate.tui.screens.meeting.reveal import RevealScreen
from calibrate.tui.screens.modals import ChoiceModal
from calibrate.tui.widgets.meeting.agreement_panel import AgreementPanel, compact
from calibrate.tui.widgets.meeting.discussion_queue import DiscussionQueue
from calibrate.tui.widgets.meeting.heat_map import HeatMap
from calibrate.tui.widgets.meeting.spread_bars import SpreadBars
from tests.tui.conftest import SIZE, Demo, make_app


def text_of(widget: Static) -> str:
    return str(widget.render())


def panel_text(screen: RevealScreen) -> str:
    return " ".join(text_of(w) for w in screen.query_one(AgreementPanel).query(Static))


async def open_reveal(app: CalibrateApp, session_id: int, *, wait: bool = True) -> RevealScreen:
    """Push the reveal screen; with ``wait``, until its agreement report is on screen."""
    screen = RevealScreen(session_id)
    await app.push_screen(screen)
    if wait:
        await wait_for_report(app, screen)
    return screen


async def wait_for_report(app: CalibrateApp, screen: RevealScreen) -> None:
    """The agreement worker starts after the first paint; wait until its report is shown."""
    for _ in range(200):
        await app.workers.wait_for_complete()
        if screen.report is not None and "computing…" not in panel_text(screen):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the agreement report never arrived")


def has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


async def test_heat_map_has_one_row_per_sample_and_shows_the_spread(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await pilot.pause()
        reveal = load_reveal(demo.store, demo.recorded_id)
        ctx = reveal.context
        heat = screen.query_one(HeatMap)
        assert heat.row_count == len(ctx.samples) == 8
        assert [str(c.key.value) for c in heat.ordered_columns] == [
            c.key for c in ctx.rubric.criteria
        ]
        assert [str(r.label) for r in heat.ordered_rows][2].startswith("3 Keep the Books")
        for item in reveal.items:
            criterion = ctx.rubric.criterion(item.criterion_key)
            assert criterion is not None
            cell = heat.get_cell(str(item.sample_id), item.criterion_key)
            assert cell.plain.strip() == cell_text(item, criterion, 6).strip()
        # The cursor starts on the first item of the discussion queue.
        first = reveal.discussion_queue()[0]
        assert heat.current() == (first.sample_id, first.criterion_key)
        # Arrow keys move over the cells, and the bars follow the cursor.
        heat.move_cursor(row=0, column=0)
        await pilot.press("right", "down")
        await pilot.pause()
        assert heat.current() == (ctx.samples[1].id, ctx.rubric.criteria[1].key)
        bars = text_of(screen.query_one(SpreadBars))
        assert f"2 {ctx.samples[1].title} · {ctx.rubric.criteria[1].name}" in bars
        await app.workers.wait_for_complete()


async def test_spread_bars_show_levels_counts_and_master_key_but_no_names(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await pilot.pause()
        reveal = load_reveal(demo.store, demo.recorded_id)
        here = screen.query_one(HeatMap).current()
        assert here is not None
        item = reveal.item(*here)
        criterion = reveal.context.rubric.criterion(item.criterion_key)
        assert criterion is not None
        assert "◆ master key: kept back" in text_of(screen.query_one(SpreadBars))
        await pilot.press("k")  # the facilitator shows the key now
        lines = text_of(screen.query_one(SpreadBars)).splitlines()
        for level in criterion.levels:
            row = next(line for line in lines if f" {level.label} " in line)
            assert row.split()[0] == str(level.score)
            assert f" {item.counts[level.score]}" in row
            assert ("◆ master key" in row) == (item.reference == level.score)
        assert item.reference is not None  # the demo kit has a master key
        assert any("cut: level 3" in line for line in lines)
        shown = "\n".join(lines)
        for rater in reveal.context.raters:
            assert rater.name not in shown
        await app.workers.wait_for_complete()


async def test_agreement_panel_shows_only_the_headline_with_the_same_numbers(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE):
        screen = await open_reveal(app, demo.recorded_id, wait=False)
        assert "computing…" in panel_text(screen)
        await wait_for_report(app, screen)
        reveal = load_reveal(demo.store, demo.recorded_id)
        expected = agreement_report(reveal.overall_table())
        shown = screen.report
        assert shown is not None
        for name in NAMES:
            assert shown.results[name] == expected.results[name], name
        text = panel_text(screen)
        assert "computing…" not in text
        pooled = scope_figures(scope_table(reveal, ALL)).headline
        assert pooled.sentence in text
        assert pooled.sentence.startswith(
            "You agree within one level almost always (98%), exactly about half the time (54%)"
        )
        assert "Krippendorff's alpha 0.70" in pooled.sentence
        # One line per criterion, with the same figures as that criterion's own report.
        for criterion in reveal.context.rubric.criteria:
            figures = scope_figures(scope_table(reveal, criterion.key))
            assert f"{criterion.name}: {compact(figures)}" in text
        # No other coefficient in the panel: they are one key away.
        for name in ("gwet_ac2_quadratic", "fleiss_kappa", "icc_2_1", "kendall_w"):
            assert LABELS[name] not in text
        assert "d: every figure, and why they differ" in text


async def test_d_opens_every_figure_and_why_they_differ(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, AgreementDetailsModal)
        details = text_of(app.screen.query_one("#details-text", Static))
        assert screen.report is not None
        for name in NAMES:
            result = screen.report.results[name]
            assert LABELS[name] in details
            assert f"{format_value(result):>7}" in details
        assert "Why these numbers differ" in details
        assert "prevalence" in details and "quadratic weights" in details
        assert screen.figures is not None
        assert screen.figures.headline.sentence in " ".join(details.split())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        # For one criterion, d shows that criterion's figures.
        here = screen.query_one(HeatMap).current()
        assert here is not None
        await pilot.press("t", "d")
        await pilot.pause()
        assert isinstance(app.screen, AgreementDetailsModal)
        assert app.screen.figures.report.n_units == 8
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is screen


async def test_agreement_for_this_criterion_warns_about_the_small_sample(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await app.workers.wait_for_complete()
        here = screen.query_one(HeatMap).current()
        assert here is not None
        await pilot.press("t")
        await wait_for_report(app, screen)
        reveal = load_reveal(demo.store, demo.recorded_id)
        expected = agreement_report(reveal.criterion_table(here[1]))
        assert screen.report is not None
        assert screen.report.results == expected.results
        assert screen.report.n_units == 8
        text = panel_text(screen)
        criterion = reveal.context.rubric.criterion(here[1])
        assert criterion is not None
        assert f"Agreement · {criterion.name}, round 1" in text
        assert expected.warnings and expected.warnings[0].startswith("Only 8 samples")
        assert f"⚠ {expected.warnings[0]}" in text
        # Back to every criterion: the earlier report is reused, not recomputed.
        await pilot.press("t")
        await pilot.pause()
        assert "Agreement · all criteria, round 1" in panel_text(screen)
        assert screen.report is not None and screen.report.n_units == 40


async def test_discussion_queue_starts_with_splits_at_the_cut(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await pilot.pause()
        queue = screen.query_one(DiscussionQueue)
        expected = load_reveal(demo.store, demo.recorded_id).discussion_queue()
        assert queue.items == expected
        assert queue.option_count == len(expected) + 1  # and the "Not discussed" divider
        splits = [i.straddles_cut for i in queue.items]
        assert splits[:3] == [True, True, True]
        assert splits == sorted(splits, reverse=True)  # every split at the cut comes first
        assert "split at the cut" in str(queue.get_option_at_index(0).prompt)
        # Choosing the third entry moves the heat-map cursor there.
        queue.focus()
        queue.highlighted = 2
        await pilot.press("enter")
        await pilot.pause()
        third = queue.items[2]
        assert screen.query_one(HeatMap).current() == (third.sample_id, third.criterion_key)
        # n walks on to the next item to discuss.
        await pilot.press("n")
        await pilot.pause()
        fourth = queue.items[3]
        assert screen.query_one(HeatMap).current() == (fourth.sample_id, fourth.criterion_key)
        await app.workers.wait_for_complete()


async def test_rescore_round_asks_then_starts_round_two(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_reveal(app, demo.recorded_id)
        await app.workers.wait_for_complete()
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape")
        await pilot.pause()
        assert demo.store.get_session(demo.recorded_id).round == 1
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # every item
        await pilot.pause()
        session = demo.store.get_session(demo.recorded_id)
        assert session.round == 2
        assert session.phase is Phase.SCORING
        assert isinstance(app.screen, HomeScreen)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Round 2 is open: raters score every item") for m in messages)
        assert not any("hidden" in m for m in messages)  # the blind round is not read


async def test_a_later_round_shows_how_agreement_moved(demo: Demo) -> None:
    store, sid = demo.store, demo.recorded_id
    first = load_reveal(store, sid)
    meeting.start_rescore_round(store, sid)
    with store.transaction():  # after discussion everyone moves to the median level
        for item in first.items:
            level = int(median(item.levels.values()) // 1)
            for rater_id in first.context.session.rater_ids:
                meeting.record_score(
                    store,
                    sid,
                    rater_id=rater_id,
                    sample_id=item.sample_id,
                    criterion_key=item.criterion_key,
                    level=level,
                )
    meeting.reveal(store, sid)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, sid)
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = agreement_report(first.overall_table())
        after = agreement_report(load_reveal(store, sid).overall_table())
        assert screen.report is not None and screen.report.results == after.results
        text = panel_text(screen)
        assert "round 2" in text_of(screen.query_one("#reveal-title", Static))
        exact = (
            f"Exact agreement {format_value(before.results['percent_exact'])} → "
            f"{format_value(after.results['percent_exact'])}"
        )
        assert exact == "Exact agreement 54% → 100%"
        assert exact in text
        name = chance_corrected_name(after)
        assert (
            f"{LABELS[name]} {format_value(before.results[name])} → "
            f"{format_value(after.results[name])}" in text
        )


async def test_a_partial_rescore_compares_the_same_raters(demo: Demo) -> None:
    """When only some raters score round 2, round 1 is compared on those raters alone."""
    store, sid = demo.store, demo.recorded_id
    first = load_reveal(store, sid)
    meeting.start_rescore_round(store, sid)
    two = first.context.session.rater_ids[:2]
    with store.transaction():
        for item in first.items:
            for rater_id in two:
                meeting.record_score(
                    store,
                    sid,
                    rater_id=rater_id,
                    sample_id=item.sample_id,
                    criterion_key=item.criterion_key,
                    level=3,
                )
    meeting.reveal(store, sid)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, sid)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = panel_text(screen)
    before = agreement_report(first.overall_table().select_raters([0, 1]))
    everyone_before = agreement_report(first.overall_table())
    assert "Round 1 → round 2 (the 2 raters who scored both):" in text
    assert f"Exact agreement {format_value(before.results['percent_exact'])} → 100%" in text
    # Not the six raters' round 1, which would overstate (or understate) the change.
    assert (
        before.results["percent_exact"].statistic
        != everyone_before.results["percent_exact"].statistic
    )


@pytest.mark.skipif(
    not has_module("calibrate.tui.screens.meeting.consensus"), reason="consensus screen not present"
)
async def test_consensus_opens_for_the_cursor_item_and_markers_refresh(demo: Demo) -> None:
    from calibrate.tui.screens.meeting.consensus import ConsensusScreen

    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await app.workers.wait_for_complete()
        heat = screen.query_one(HeatMap)
        here = heat.current()
        assert here is not None
        assert "✓" not in heat.get_cell(str(here[0]), here[1]).plain
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConsensusScreen)
        meeting.set_consensus(
            demo.store,
            demo.recorded_id,
            sample_id=here[0],
            criterion_key=here[1],
            level=2,
            rationale="The counter-argument is named but not answered.",
        )
        app.pop_screen()
        await pilot.pause()
        assert app.screen is screen
        assert "✓" in heat.get_cell(str(here[0]), here[1]).plain
        queue = screen.query_one(DiscussionQueue)
        assert (queue.items[-1].sample_id, queue.items[-1].criterion_key) == here
        # Enter on the heat map opens the consensus screen too.
        heat.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConsensusScreen)
        app.pop_screen()
        await pilot.pause()
        # Walking the queue with the arrow keys moves the cursor: c opens the item in view.
        queue.focus()
        queue.highlighted = 0
        await pilot.press("down")
        await pilot.pause()
        second = queue.items[1]
        assert heat.current() == (second.sample_id, second.criterion_key)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConsensusScreen)
        assert (app.screen.sample_id, app.screen.criterion_key) == (
            second.sample_id,
            second.criterion_key,
        )


@pytest.mark.skipif(
    not has_module("calibrate.tui.screens.meeting.anchors"), reason="anchor library not present"
)
async def test_anchors_key_opens_the_library(demo: Demo) -> None:
    from calibrate.tui.screens.meeting.anchors import AnchorLibraryScreen

    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_reveal(app, demo.recorded_id)
        await app.workers.wait_for_complete()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AnchorLibraryScreen)


async def test_a_blind_session_still_being_scored_is_not_shown(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_reveal(app, demo.session_id, wait=False)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        messages = [n.message for n in app._notifications]  # Textual keeps no public list
        assert any("hidden until the facilitator reveals them" in m for m in messages)


# ------------------------------------------------------------------ the words behind the map


def spread(levels: list[int], *, cut: bool = False, agreed: int | None = None) -> ItemSpread:
    counts = {lv: levels.count(lv) for lv in (1, 2, 3, 4)}
    pairs = [(a, b) for i, a in enumerate(levels) for b in levels[i + 1 :]]
    return ItemSpread(
        sample_id=1,
        criterion_key="claim",
        levels=dict(enumerate(levels, start=1)),
        counts=counts,
        disagreement=sum(a != b for a, b in pairs) / len(pairs) if pairs else 0.0,
        spread=max(levels) - min(levels) if levels else 0,
        straddles_cut=cut,
        consensus=Consensus(1, 1, "claim", agreed) if agreed is not None else None,
    )


def test_bands_follow_the_majority() -> None:
    assert band(spread([])) is Band.NONE
    assert band(spread([3, 3, 3, 3, 3, 3])) is Band.AGREE
    assert band(spread([3, 3, 3, 3, 2, 4])) is Band.SOME  # 4 of 6 chose 3
    assert band(spread([3, 3, 3, 2, 2, 4])) is Band.SPLIT  # only 3 of 6 on the most common
    assert band(spread([2, 3])) is Band.SPLIT  # two raters who differ have no majority
    assert band(spread([2, 2, 3])) is Band.SOME


@given(st.lists(st.integers(1, 4), max_size=40))
def test_bands_and_cells_say_what_the_counts_say(levels: list[int]) -> None:
    item = spread(levels)
    b = band(item)
    assert (b is Band.AGREE) == (len(levels) > 0 and item.disagreement == 0)
    if b is Band.SPLIT:  # at most half on the most common level: most pairs disagree
        assert item.disagreement > 0.5
    # The cell lists each level's count in order, so the counts can be read back from it.
    criterion = Criterion(
        "claim", "Claim", levels=tuple(Level(k, str(k), "") for k in (1, 2, 3, 4))
    )
    tokens = cell_text(item, criterion, 40).split()
    if levels:
        assert [0 if t == "·" else int(t) for t in tokens[:4]] == [
            levels.count(k) for k in (1, 2, 3, 4)
        ]


def test_cell_and_queue_texts(demo: Demo) -> None:
    ctx = meeting.load_context(demo.store, demo.recorded_id)
    claim = ctx.rubric.criteria[0]
    assert claim.scores == (1, 2, 3, 4)
    assert cell_text(spread([1, 1, 2, 2, 2, 3], cut=True), claim, 6) == "2 3 1 · ! "
    assert cell_text(spread([4, 4], agreed=4), claim, 6) == "· · · 2  ✓"
    assert cell_text(spread([]), claim, 6) == "   —      "
    assert cell_text(spread([1] * 12), claim, 40) == "12  ·  ·  ·   "
    item = spread([1, 1, 2, 2, 2, 3], cut=True)
    assert why_text(item, 3) == "split at the cut · 3 of 6 differ"
    assert why_text(spread([2, 2, 2, 1]), 3) == "1 of 4 differ · spread 1"
    assert why_text(spread([2, 2, 3], cut=True, agreed=2), 3).startswith("agreed 2 ✓")


async def test_the_queue_marks_what_fits_the_meeting(demo: Demo) -> None:
    """45 minutes at 3 minutes an item: the first 15 open items fit, the rest are listed under
    "Not discussed", and walking the queue skips the divider."""
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await pilot.pause()
        queue = screen.query_one(DiscussionQueue)
        expected = load_reveal(demo.store, demo.recorded_id).discussion_queue()
        open_items = [i for i in expected if i.consensus is None]
        assert queue.not_discussed == open_items[15:] and len(queue.not_discussed) > 0
        assert queue.summary == (
            f"15 of {len(open_items)} open items fit in 45 min (3 min each); "
            f"{len(open_items) - 15} not discussed."
        )
        assert queue.border_subtitle == f"15 of {len(open_items)} fit in 45 min"
        divider = queue.get_option_at_index(15)
        assert divider.disabled and "Not discussed" in str(divider.prompt)
        queue.focus()
        queue.highlighted = 14
        await pilot.press("down")
        await pilot.pause()
        assert queue.current() == (open_items[15].sample_id, open_items[15].criterion_key)
        await app.workers.wait_for_complete()


async def test_the_facilitator_sets_the_time_and_pace(demo: Demo) -> None:
    app = CalibrateApp(demo.store, meeting_minutes=20, minutes_per_item=5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await pilot.pause()
        queue = screen.query_one(DiscussionQueue)
        open_items = [i for i in queue.items if i.consensus is None]
        assert len(open_items) - len(queue.not_discussed) == 4
        assert queue.border_subtitle == f"4 of {len(open_items)} fit in 20 min"
        await app.workers.wait_for_complete()


async def test_p_leaves_partial_raters_out_of_the_figures_and_names_them(demo: Demo) -> None:
    """The recorded session has one score missing (239 of 240): p leaves that rater out."""
    reveal = load_reveal(demo.store, demo.recorded_id)
    table = reveal.overall_table()
    partial = [table.rater_ids[j] for j in range(table.n_raters) if not table.present[:, j].all()]
    assert len(partial) == 1
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        assert screen.report is not None and screen.report.n_raters == 6
        assert "Left out" not in panel_text(screen)
        await pilot.press("p")
        await wait_for_report(app, screen)
        assert screen.report is not None and screen.report.n_raters == 5
        text = " ".join(panel_text(screen).split())
        assert f"Left out: {partial[0]} (scored 39 of 40 items)." in text
        await pilot.press("p")
        await wait_for_report(app, screen)
        assert screen.report is not None and screen.report.n_raters == 6
