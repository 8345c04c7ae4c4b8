"""The 80 × 24 terminal (most terminals' default): what does not fit side by side is stacked,
switched or trimmed, never squeezed into a sliver.

The tmux walk-through (tests/e2e) runs a whole meeting at this size too; these check the layout
rules one screen at a time.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Button, Input

from calibrate.services.meeting import sessions as meeting
from calibrate.services.reliability.history import rater_history
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.authoring.rubric_editor import RubricEditorScreen
from calibrate.tui.screens.meeting.consensus import ConsensusScreen
from calibrate.tui.screens.meeting.reveal import RevealScreen
from calibrate.tui.screens.meeting.scoring import ScoringScreen
from calibrate.tui.screens.reliability.raters import RaterDetailScreen
from calibrate.tui.widgets.meeting.agreement_panel import AgreementPanel
from calibrate.tui.widgets.meeting.discussion_queue import DiscussionQueue
from calibrate.tui.widgets.meeting.heat_map import HeatMap
from calibrate.tui.widgets.reliability.timeline_chart import timeline_text
from calibrate.tui.widgets.rubric_panel import RubricPanel
from calibrate.tui.widgets.sample_view import SampleView
from tests.tui.conftest import SIZE, Demo, make_app
from tests.tui.test_reveal import open_reveal, panel_text

SMALL = (80, 24)


async def scoring_as_first_rater(
    demo: Demo, app: CalibrateApp, pilot: Pilot[None]
) -> ScoringScreen:
    """The fresh demo session's scoring screen, as its first rater."""
    rater = meeting.load_context(demo.store, demo.session_id).raters[0].id
    assert rater is not None
    screen = ScoringScreen(demo.session_id, rater)
    await app.push_screen(screen)
    await pilot.pause()
    return screen


def footer_keys(screen: RevealScreen) -> set[str]:
    return {b.binding.key for b in screen.active_bindings.values() if b.enabled}


async def test_narrow_reveal_shows_one_pane_and_f_switches(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await pilot.pause()
        left, right = screen.query_one("#reveal-left"), screen.query_one("#reveal-right")
        heat = screen.query_one(HeatMap)
        # The grid first, the whole width, with the switch offered in the footer.
        assert screen.has_class("-narrow") and not screen.has_class("-figures")
        assert left.display and not right.display
        assert left.size.width == SMALL[0] and heat.has_focus
        assert screen.check_action("switch_pane", ()) is True

        await pilot.press("f")
        assert not left.display and right.display and right.size.width == SMALL[0]
        assert screen.query_one(AgreementPanel).has_focus
        assert "You agree within one level" in panel_text(screen)

        # Choosing an item in the queue goes back to the grid, on that item.
        queue = screen.query_one(DiscussionQueue)
        queue.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        second = queue.items[1]
        assert left.display and not right.display and heat.has_focus
        assert heat.current() == (second.sample_id, second.criterion_key)


async def test_wide_reveal_shows_both_panes_and_hides_the_switch(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await pilot.pause()
        assert screen.has_class("-wide")
        assert screen.query_one("#reveal-left").display
        assert screen.query_one("#reveal-right").display
        assert screen.check_action("switch_pane", ()) is False
        assert "f" not in footer_keys(screen)


async def test_reveal_follows_a_terminal_resized_during_the_meeting(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reveal(app, demo.recorded_id)
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert screen.has_class("-narrow") and not screen.query_one("#reveal-right").display
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert screen.has_class("-wide") and screen.query_one("#reveal-right").display


async def test_narrow_consensus_gives_the_rationale_the_whole_row(demo: Demo) -> None:
    ctx = meeting.load_context(demo.store, demo.recorded_id)
    sample_id = ctx.samples[0].id
    assert sample_id is not None
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        screen = ConsensusScreen(demo.recorded_id, sample_id, "claim")
        await app.push_screen(screen)
        await pilot.pause()
        rationale = screen.query_one("#consensus-rationale", Input)
        assert rationale.outer_size.width >= SMALL[0] - 2
        assert not any(b.display for b in screen.query("#consensus-form Button").results(Button))
        # The buttons' actions are still in the footer.
        keys = {b.binding.key for b in screen.active_bindings.values()}
        assert {"ctrl+s", "a", "n"} <= keys


async def test_narrow_rubric_editor_stacks_its_two_columns(demo: Demo) -> None:
    rubric = demo.store.list_rubrics()[0]
    assert rubric.id is not None
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        screen = RubricEditorScreen(rubric.id)
        await app.push_screen(screen)
        await pilot.pause()
        left, right = screen.query_one("#re-left"), screen.query_one("#re-right")
        assert left.size.width >= 70 and right.size.width >= 70
        assert right.region.y > left.region.y  # one under the other
        # Walking the form with Tab brings each field into view.
        descriptor = screen.query("#re-levels TextArea").first()
        descriptor.focus()
        await pilot.pause()
        body = screen.query_one("#re-body")
        assert body.scroll_offset.y > 0
        assert body.region.contains_region(descriptor.region)


async def test_narrow_timeline_lines_fit_80_columns(demo: Demo) -> None:
    rater = demo.store.list_raters()[0]
    assert rater.id is not None
    history = rater_history(demo.store, rater.id)
    assert history.points
    wide = timeline_text(history.points, bar=0.7).plain.splitlines()
    narrow = timeline_text(history.points, bar=0.7, narrow=True).plain.splitlines()
    assert max(len(line) for line in wide) > 78
    assert max(len(line) for line in narrow) <= 78
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await app.push_screen(RaterDetailScreen(rater.id))
        await pilot.pause()
        chart = app.screen.query_one("#rd-timeline")
        assert "lean ◀low|high▶" in str(chart.render())


async def test_narrow_contract_editor_puts_two_fields_a_row(demo: Demo) -> None:
    from calibrate.tui.screens.contracts.editor import ContractEditorScreen

    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await app.push_screen(ContractEditorScreen())
        await pilot.pause()
        for row, n in (("#ct-source", 4), ("#ct-student", 5)):
            cells = list(app.screen.query_one(row).children)
            assert len(cells) == n
            assert all(cell.size.width >= 35 for cell in cells), row
            assert cells[2].region.y > cells[0].region.y  # the second pair on a row of its own
            assert cells[1].region.y == cells[0].region.y


async def test_slim_scoring_shows_the_sample_then_the_rubric_in_turn(demo: Demo) -> None:
    """Under 70 columns (a phone, a small window) the sample and the rubric take turns."""
    app = make_app(demo)
    async with app.run_test(size=(50, 30)) as pilot:
        screen = await scoring_as_first_rater(demo, app, pilot)
        sample, side = screen.query_one(SampleView), screen.query_one("#rubric-side")
        progress = screen.query_one("#progress-text")
        assert screen.has_class("-slim") and sample.display and not side.display
        assert sample.size.width >= 46
        assert screen.check_action("switch_pane", ()) is True

        # A level chosen while reading is committed, and the status line says which.
        await pilot.press("3")
        await pilot.pause()
        assert [s.level for s in demo.store.scores(demo.session_id)] == [3]
        assert "1 of 40 scored · Claim: 3" in str(progress.render())

        await pilot.press("v")
        assert side.display and not sample.display
        assert screen.query_one(RubricPanel).has_focus
        # The next criterion keeps the rubric in view; the next sample is shown first.
        await pilot.press("n")
        assert side.display and "Evidence: —" in str(progress.render())
        await pilot.press("right_square_bracket")
        assert sample.display and not side.display and sample.has_focus
        # e (a note) brings the rubric side back, with the cursor in the note.
        await pilot.press("e")
        assert side.display and screen.query_one("#note").has_focus


async def test_wide_scoring_shows_both_sides_and_no_switch(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        screen = await scoring_as_first_rater(demo, app, pilot)
        assert screen.query_one("#sample").display and screen.query_one("#rubric-side").display
        assert screen.check_action("switch_pane", ()) is False
        # At 80 columns the chosen level can scroll out of the rubric: the line says it.
        assert str(screen.query_one("#progress-text").render()) == "0 of 40 scored · Claim: —"


async def test_a_screen_has_its_size_classes_when_it_mounts(demo: Demo) -> None:
    """The classes are taken on mount, not on Textual's first Resize after the first draw
    (which restyled and redrew the whole reveal a second time)."""
    seen: dict[str, set[str]] = {}

    class Watched(RevealScreen):
        def on_mount(self) -> None:
            self.call_later(lambda: seen.setdefault("mount", set(self.classes)))

    for size, expected, absent in (
        (SMALL, {"-narrow", "-short"}, {"-wide", "-tall"}),
        (SIZE, {"-wide", "-tall"}, {"-narrow", "-short"}),
    ):
        seen.clear()
        app = make_app(demo)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = Watched(demo.recorded_id)
            await app.push_screen(screen)
            await pilot.pause()
            assert expected <= seen["mount"] and not absent & seen["mount"], (size, seen)
            assert expected <= set(screen.classes)
            await app.workers.wait_for_complete()
