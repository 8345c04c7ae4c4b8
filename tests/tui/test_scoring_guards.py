"""Scoring guards (issue 13): the picker never shows the previous teacher's levels, Tab never
lands in the note, and the keys listed are the rubric's own levels."""

from __future__ import annotations

from textual.widgets import Input, Markdown

from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.sessions import level_keys
from calibrate.tui.screens.help import HelpScreen
from calibrate.tui.screens.meeting.scoring import ScoringScreen
from calibrate.tui.screens.modals import ChoiceModal
from calibrate.tui.widgets.rubric_panel import RubricPanel
from calibrate.tui.widgets.sample_view import SampleView
from tests.tui.conftest import SIZE, Demo, make_app


async def test_the_rater_picker_hides_the_previous_teachers_levels(demo: Demo) -> None:
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "3", "e", *"clear claim")  # the first teacher scores
        await pilot.press("escape")
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        assert screen.query_one(RubricPanel).query(".chosen")  # their level, shown to them
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        # Behind the picker nothing of theirs is drawn: not the level, the note or the count.
        assert screen.has_class("-picking")
        for part in ("#scoring", "#scoring-status"):
            assert screen.query_one(part).styles.visibility == "hidden"
        await pilot.press("down", "enter")  # the next teacher
        await pilot.pause()
        assert app.screen is screen and not screen.has_class("-picking")
        assert screen.query_one("#scoring").styles.visibility == "visible"
        assert screen.rater_id == screen.context.raters[1].id
        assert not screen.query_one(RubricPanel).query(".chosen")
        assert screen.query_one("#note", Input).value == ""
        await pilot.press("w", "escape")  # cancelled: back to the same teacher's view
        await pilot.pause()
        assert app.screen is screen and not screen.has_class("-picking")
        assert screen.rater_id == screen.context.raters[1].id


async def test_tab_never_lands_in_the_note(demo: Demo) -> None:
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(type(app.focused))
        assert Input not in seen and set(seen) == {SampleView, RubricPanel}
        await pilot.press("shift+tab")
        assert not isinstance(app.focused, Input)
        if not isinstance(app.focused, RubricPanel):
            await pilot.press("tab")
        await pilot.press("2")  # the digit after Tab chooses a level, as the footer says
        rater = screen.context.raters[0].id
        [score] = demo.store.scores(demo.session_id, rater_id=rater)
        assert score.level == 2 and score.note == ""
        await pilot.press("e", "tab")  # from the note, Tab goes back to the rubric
        assert isinstance(app.focused, RubricPanel)


async def test_help_and_footer_list_the_rubrics_levels_only(demo: Demo) -> None:
    context = meeting.load_context(demo.store, demo.session_id)
    levels = sorted({s for c in context.rubric.criteria for s in c.scores})
    assert levels == [1, 2, 3, 4]  # the demo kit's rubric
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        choose = next(
            b.binding for b in screen.active_bindings.values() if b.binding.action == "choose(1)"
        )
        assert app.get_key_display(choose) == "1-4"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query(Markdown).first().source
        assert "| `1-4` | Level |" in keys
        for absent in ("Level 0", "Level 5", "Level 9", "0-9"):
            assert absent not in keys


def test_level_keys_read_as_the_number_keys_that_choose() -> None:
    assert level_keys([1, 2, 3, 4]) == "1-4"
    assert level_keys([3, 0, 1, 2, 2]) == "0-3"
    assert level_keys([0, 2, 4]) == "0,2,4"
    assert level_keys([5]) == "5"
    assert level_keys([1, 2, 12]) == "1-2"  # 12 cannot be typed with one key
    assert level_keys([]) == "—"


async def test_every_footer_key_fits_in_120_columns(demo: Demo) -> None:
    """Issue 13: the scoring footer dropped F1 and Quit at 120 columns."""
    from textual.widgets import Footer

    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        keys = list(screen.query_one(Footer).query("FooterKey"))
        shown = {k.key_display for k in keys if k.region.width > 0}  # type: ignore[attr-defined]
        assert {"1-4", "esc", "f1", "^q", "w", "e", "p"} <= shown
        assert max(k.region.right for k in keys) <= SIZE[0]
        # The last key is drawn whole, not cut at the edge.
        assert all(k.region.width >= len(k.key_display) for k in keys)  # type: ignore[attr-defined]


async def test_at_80_by_24_the_chosen_level_shows_and_the_footer_keeps_e_w_esc_f1(
    demo: Demo,
) -> None:
    """Issue 13: at 80 × 24 the chosen level (●) was below the rubric's fold and the footer
    dropped e, w, Escape and F1."""
    from textual.widgets import Footer

    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "4")  # the last level, lowest in the panel
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        panel = screen.query_one(RubricPanel)
        chosen = panel.query_one(".chosen")
        assert panel.region.contains_region(chosen.region.intersection(panel.region))
        assert chosen.region.y < panel.region.bottom and chosen.region.y >= panel.region.y
        progress = str(screen.query_one("#progress-text").render())
        assert progress == "1 of 40 scored · Claim: 4"
        keys = list(screen.query_one(Footer).query("FooterKey"))
        shown = {k.key_display for k in keys}  # type: ignore[attr-defined]
        assert {"1-4", "e", "w", "esc", "f1"} <= shown
        assert max(k.region.right for k in keys) <= 80
        assert all(k.region.width >= len(k.key_display) for k in keys)  # type: ignore[attr-defined]
        # The moves left out of the footer still work, and F1 still lists them.
        await pilot.press("right_square_bracket")
        assert screen.sample_index == 1
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = app.screen.query(Markdown).first().source
        assert "Next sample" in listed and "Previous" in listed
