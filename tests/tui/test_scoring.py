"""Scoring: who is scoring, number keys commit at once, notes, navigation, blind view."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from calibrate.services.meeting import sessions as meeting
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.meeting.scoring import ScoringScreen
from calibrate.tui.widgets.rubric_panel import RubricPanel
from tests.tui.conftest import SIZE, Demo, make_app


def text_of(widget: Static) -> str:
    return str(widget.render())


async def test_the_screen_asks_who_is_scoring_first(demo: Demo) -> None:
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        names = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(names) == 6
        assert names[0].startswith("Amara Okafor") and "0/40 scored" in names[0]


async def test_a_number_key_commits_the_score_at_once(demo: Demo) -> None:
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")  # the second rater
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        rater = screen.context.raters[1]
        await pilot.press("3")
        # Committed before anything else happens: read it back from the database.
        stored = demo.store.scores(demo.session_id, rater_id=rater.id)
        assert [(s.criterion_key, s.level) for s in stored] == [("claim", 3)]
        assert "1 of 40 scored" in text_of(screen.query_one("#progress-text", Static))
        chosen = screen.query_one(RubricPanel).query(".chosen")
        assert len(chosen) == 1 and "3" in str(chosen.first().render())


async def pick_first_rater(app: CalibrateApp, pilot: Pilot[None]) -> ScoringScreen:
    """Answer "who is scoring?" with the first rater; the scoring screen that follows."""
    await pilot.pause()
    await pilot.press("enter")
    screen = app.screen
    assert isinstance(screen, ScoringScreen)
    return screen


async def test_note_then_enter_saves_and_moves_on(demo: Demo) -> None:
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await pick_first_rater(app, pilot)
        await pilot.press("2", "e")
        await pilot.press(*"thesis only at the end")
        await pilot.press("enter")
        rater_id = screen.context.raters[0].id
        [score] = demo.store.scores(demo.session_id, rater_id=rater_id)
        assert score.level == 2 and score.note == "thesis only at the end"
        assert screen.criterion.key == "evidence"  # moved to the next criterion
        assert screen.query_one("#note", Input).value == ""
        # The earlier value (without the note) is kept in the audit trail.
        assert rater_id is not None and score.sample_id is not None
        history = demo.store.score_history(demo.session_id, score.sample_id, "claim", rater_id, 1)
        assert [h.note for h in history] == ["", "thesis only at the end"]


async def test_a_typed_note_is_never_dropped_by_moving_on_or_leaving(demo: Demo) -> None:
    """A note typed without Enter is saved with the score when the rater moves on or leaves;
    typed before any level is chosen, it waits on its item until one is."""
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await pick_first_rater(app, pilot)
        rater_id = screen.context.raters[0].id
        note = screen.query_one("#note", Input)

        def stored() -> dict[str, tuple[int, str]]:
            scores = demo.store.scores(demo.session_id, rater_id=rater_id)
            return {s.criterion_key: (s.level, s.note) for s in scores}

        # Level first, then a note left with Escape (not Enter), then n: saved with the level.
        await pilot.press("3", "e", *"clear claim", "escape", "n")
        assert stored() == {"claim": (3, "clear claim")}
        assert screen.criterion.key == "evidence" and note.value == ""

        # A note before any level: n moves on without a score, p comes back to the words.
        await pilot.press("e", *"two sources", "escape", "n")
        assert "evidence" not in stored()
        await pilot.press("p")
        assert screen.criterion.key == "evidence" and note.value == "two sources"
        await pilot.press("4")  # the level takes the waiting note with it
        assert stored()["evidence"] == (4, "two sources")

        # A changed note left by Escape to Home is saved too.
        await pilot.press("e", "ctrl+u", *"two sources, cited", "escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, ScoringScreen)
        assert stored()["evidence"] == (4, "two sources, cited")


async def test_a_level_outside_the_rubric_is_refused_and_nothing_is_written(demo: Demo) -> None:
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "7")
        await pilot.pause()
        assert demo.store.scores(demo.session_id) == []


async def test_navigation_and_resuming_where_the_rater_left_off(demo: Demo) -> None:
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        for level in "43234":  # the five criteria of essay 1
            await pilot.press(level, "n")
        assert screen.sample_index == 1 and screen.criterion_index == 0
        await pilot.press("left_square_bracket")
        assert screen.sample_index == 0
        await pilot.press("p")  # at the first criterion of the first sample: stays
        assert (screen.sample_index, screen.criterion_index) == (0, 0)
        await pilot.press("escape")
    # A new visit starts at the first criterion this rater has not scored.
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        assert (screen.sample_index, screen.criterion_index) == (1, 0)


async def test_a_rater_sees_only_their_own_scores_while_blind(demo: Demo) -> None:
    ctx = meeting.load_context(demo.store, demo.session_id)
    other, me = ctx.raters[0], ctx.raters[1]
    first = ctx.samples[0]
    assert other.id and me.id and first.id
    meeting.record_score(
        demo.store,
        demo.session_id,
        rater_id=other.id,
        sample_id=first.id,
        criterion_key="claim",
        level=4,
        note="other rater's note",
    )
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")  # the second rater
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        assert screen.criterion.key == "claim" and screen.sample_index == 0
        assert not screen.query_one(RubricPanel).query(".chosen")
        assert screen.query_one("#note", Input).value == ""
        assert "0 of 40 scored" in text_of(screen.query_one("#progress-text", Static))
