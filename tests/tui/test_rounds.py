"""Re-score rounds and finishing, as the facilitator drives them (issue 13): R asks which items
(the ones discussed first), raters then walk only those, the round shows on scoring and Home,
and x finishes the session."""

from __future__ import annotations

from textual.widgets import DataTable, SelectionList, Static

from calibrate.domain.model import Phase
from calibrate.services.meeting import rounds
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.board import load_reveal
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.home import HomeScreen
from calibrate.tui.screens.meeting.reveal import RevealScreen
from calibrate.tui.screens.meeting.scoring import ScoringScreen
from calibrate.tui.screens.modals import ChoiceModal, ConfirmModal, PickModal
from tests.tui.conftest import SIZE, Demo, make_app


async def open_reveal(app: CalibrateApp, session_id: int) -> RevealScreen:
    screen = RevealScreen(session_id)
    await app.push_screen(screen)
    await app.workers.wait_for_complete()
    return screen


def home_row(app: CalibrateApp, session_id: int) -> list[str]:
    table = app.screen.query_one("#sessions", DataTable)
    return [str(cell) for cell in table.get_row(str(session_id))]


async def test_rescoring_the_items_discussed_then_scoring_only_those(demo: Demo) -> None:
    store, sid = demo.store, demo.recorded_id
    reveal = load_reveal(store, sid)
    discussed = rounds.discussed_items(reveal, minutes=45, pace=3)
    assert len(discussed) == 15  # nothing agreed yet: the 15 items that fit 45 min at 3
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_reveal(app, sid)
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        labels = [text for _, text in app.screen.options]
        assert labels[0].startswith("The 15 items discussed")
        assert labels[-2:] == ["Every item (40)", "Choose the items…"]
        await pilot.press("enter")  # the usual choice, first
        await pilot.pause()
        session = store.get_session(sid)
        assert (session.round, session.phase) == (2, Phase.SCORING)
        assert store.round_items(sid, 2) == frozenset(discussed)

        # Home says which round the 0 scores belong to, out of the 15 × 6 asked for.
        assert isinstance(app.screen, HomeScreen)
        row = home_row(app, sid)
        assert row[1] == "scoring, round 2" and row[5] == "0/90 scores"

        scoring = ScoringScreen(sid)
        await app.push_screen(scoring)
        await pilot.pause()
        await pilot.press("enter")  # the first rater
        await pilot.pause()
        assert app.screen is scoring
        progress = str(scoring.query_one("#progress-text", Static).render())
        assert progress.startswith("Round 2 (15 of 40 items re-scored) · 0 of 15 scored")
        assert "round 2" in scoring.sub_title
        rater = scoring.context.raters[0].id
        walked = []
        for _ in range(15):
            assert scoring.sample.id is not None
            walked.append((scoring.sample.id, scoring.criterion.key))
            await pilot.press("3", "n")
        assert sorted(walked) == sorted(discussed)  # only the round's items, each once
        mine = store.scores(sid, round=2, rater_id=rater)
        assert {(s.sample_id, s.criterion_key) for s in mine} == set(discussed)
        assert "15 of 15 scored" in str(scoring.query_one("#progress-text", Static).render())


async def test_choosing_the_items_by_hand(demo: Demo) -> None:
    store, sid = demo.store, demo.recorded_id
    order = rounds.pick_order(load_reveal(store, sid))
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_reveal(app, sid)
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("up", "enter")  # "Choose the items…", last
        await pilot.pause()
        assert isinstance(app.screen, PickModal)
        picks = app.screen.query_one(SelectionList)
        assert len(picks.selected) == 15  # the items discussed come ticked
        picks.deselect_all()
        await pilot.press("enter")  # nothing ticked: refused, stays open
        await pilot.pause()
        assert isinstance(app.screen, PickModal)
        picks.select(0)
        picks.select(39)
        await pilot.press("enter")
        await pilot.pause()
        assert store.get_session(sid).round == 2
        assert store.round_items(sid, 2) == frozenset({order[0], order[39]})


async def test_x_finishes_the_session_after_asking(demo: Demo) -> None:
    store, sid = demo.store, demo.recorded_id
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_reveal(app, sid)
        assert "finish" in {b.binding.action for b in screen.active_bindings.values()}
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.question.startswith("Finish “October calibration")
        await pilot.press("n")
        await pilot.pause()
        assert store.get_session(sid).phase is Phase.REVEAL
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert store.get_session(sid).phase is Phase.CLOSED
        assert app.screen is screen
        assert "phase: closed" in str(screen.query_one("#reveal-title", Static).render())
        shown = {b.binding.action for b in screen.active_bindings.values()}
        assert "finish" not in shown and "rescore" not in shown  # nothing left to start
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert home_row(app, sid)[1] == "closed"
    assert meeting.load_context(store, sid).session.phase is Phase.CLOSED


async def test_home_finishes_a_revealed_session_and_says_why_not_otherwise(demo: Demo) -> None:
    store = demo.store
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one("#sessions", DataTable)
        assert "finish" in {
            b.binding.action.removeprefix("screen.")
            for b in home.active_bindings.values()
            if b.binding.show
        }
        table.move_cursor(row=table.get_row_index(str(demo.session_id)))
        await pilot.press("x")  # still being scored: refused, in words
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Reveal the scores first" in list(app._notifications)[-1].message
        table.move_cursor(row=table.get_row_index(str(demo.recorded_id)))
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert store.get_session(demo.recorded_id).phase is Phase.CLOSED
        assert home_row(app, demo.recorded_id)[1] == "closed"
        await pilot.press("x")
        await pilot.pause()
        assert "already finished" in list(app._notifications)[-1].message
