"""The facilitator's board: progress counts (never levels) while blind, live updates from other
connections, the "everyone has finished" message, and the reveal with its confirmation."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Static

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Phase
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.board import board
from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.home import HomeScreen
from calibrate.tui.screens.meeting.board import BoardScreen
from calibrate.tui.screens.meeting.reveal import RevealScreen
from calibrate.tui.screens.modals import ConfirmModal
from calibrate.tui.widgets.meeting.progress_grid import FINISHED, TOTAL, ProgressGrid
from tests.tui.conftest import SIZE, Demo, make_app

#: What a board cell may show: finished, not started, or "criteria scored / criteria".
COUNT_ONLY = re.compile(r"^(✓|·|(✓ )?\d+/\d+)$")


def text_of(widget: Static) -> str:
    return str(widget.render())


def score(store: Store, demo: Demo, rater: int, sample: int, levels: list[int]) -> None:
    """Rater number ``rater`` scores sample number ``sample`` on the first len(levels) criteria."""
    ctx = meeting.load_context(store, demo.session_id)
    for criterion, level in zip(ctx.rubric.criteria, levels, strict=False):
        meeting.record_score(
            store,
            demo.session_id,
            rater_id=ctx.session.rater_ids[rater],
            sample_id=ctx.session.sample_ids[sample],
            criterion_key=criterion.key,
            level=level,
            note="the thesis is clear",
        )


def score_everything(demo: Demo) -> None:
    ctx = meeting.load_context(demo.store, demo.session_id)
    with demo.store.transaction():
        for r in range(len(ctx.raters)):
            for s in range(len(ctx.samples)):
                score(demo.store, demo, r, s, [1, 2, 3, 4, 2])


async def open_board(app: CalibrateApp, demo: Demo) -> BoardScreen:
    screen = BoardScreen(demo.session_id)
    await app.push_screen(screen)
    return screen


async def test_board_shows_counts_but_never_levels(demo: Demo) -> None:
    score(demo.store, demo, 0, 0, [4, 4, 4, 4, 4])
    score(demo.store, demo, 0, 1, [3, 4, 1])
    score(demo.store, demo, 2, 4, [2])
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(app, demo)
        await pilot.pause()
        grid = screen.query_one(ProgressGrid)
        ctx = meeting.load_context(demo.store, demo.session_id)
        raters, samples = ctx.session.rater_ids, ctx.session.sample_ids
        assert grid.cell_text(raters[0], samples[0]) == "✓"
        assert grid.cell_text(raters[0], samples[1]) == "3/5"
        assert grid.cell_text(raters[0], samples[2]) == "·"
        assert grid.cell_text(raters[2], samples[4]) == "1/5"
        assert grid.cell_text(raters[1], samples[0]) == "·"
        assert grid.cell_text(raters[0], TOTAL) == "8/40"
        assert grid.cell_text(FINISHED, samples[0]) == "1/6"
        assert grid.row_count == len(raters) + 1
        assert len(grid.columns) == len(samples) + 1
        # Every cell is a count: no level value, no note, no level label leaks.
        for row_key in grid.rows:
            for cell in grid.get_row(row_key):
                assert COUNT_ONLY.match(cell.plain), cell.plain
        shown = " ".join(text_of(w) for w in screen.query(Static))
        for level in ctx.rubric.criteria[0].levels:
            assert level.label not in shown
        assert "thesis" not in shown
        status = text_of(screen.query_one("#board-status", Static))
        assert "0 of 6 raters have finished" in status
        assert "231 scores still missing" in status  # 240 expected - 9 given


async def test_board_updates_when_another_process_scores(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(app, demo)
        await pilot.pause()
        grid = screen.query_one(ProgressGrid)
        ctx = meeting.load_context(demo.store, demo.session_id)
        rater, sample = ctx.session.rater_ids[3], ctx.session.sample_ids[5]
        assert grid.cell_text(rater, sample) == "·"
        with Store.open(demo.store.path) as other:  # another connection, as another process
            score(other, demo, 3, 5, [2, 2])
        await pilot.pause(0.8)  # the board polls twice a second
        assert grid.cell_text(rater, sample) == "2/5"
        assert grid.cell_text(rater, TOTAL) == "2/40"


async def test_everyone_finished_is_announced(demo: Demo) -> None:
    score_everything(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(app, demo)
        await pilot.pause()
        assert "Everyone has finished" in text_of(screen.query_one("#board-status", Static))
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.question.startswith("Everyone has finished")


async def test_reveal_asks_first_and_names_the_missing_scores(demo: Demo) -> None:
    score(demo.store, demo, 0, 0, [4, 4, 4, 4, 4])
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(app, demo)
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "6 raters have not finished: 235 scores are missing" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert demo.store.get_session(demo.session_id).phase is Phase.SCORING

        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert demo.store.get_session(demo.session_id).phase is Phase.REVEAL
        assert isinstance(app.screen, RevealScreen)
        await app.workers.wait_for_complete()
        await pilot.press("escape")  # the board was replaced: back goes home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_board_of_a_revealed_session_goes_to_the_reveal(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(BoardScreen(demo.recorded_id))
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RevealScreen)
        await app.workers.wait_for_complete()


async def test_escape_goes_back(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(app, demo)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def test_board_service_counts(demo: Demo) -> None:
    score(demo.store, demo, 1, 2, [1, 2])
    current = board(demo.store, demo.session_id)
    rater, sample = current.context.session.rater_ids[1], current.context.session.sample_ids[2]
    assert current.done(rater, sample) == 2
    assert current.cell(rater, sample) == "2/5"
    assert current.missing == 240 - 2
    assert current.raters_finished == 0
    assert not current.everyone_finished
    score_everything(demo)
    current = board(demo.store, demo.session_id)
    assert current.everyone_finished and current.missing == 0
    assert current.rater_total(rater) == "✓ 40/40"


async def test_reveal_with_no_scores_says_there_is_nothing_yet(demo: Demo) -> None:
    """Issue 13: a reveal of nothing read as "everyone agreed"; now it is refused, in words."""
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(app, demo)
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)  # no question asked, nothing revealed
        assert demo.store.get_session(demo.session_id).phase is Phase.SCORING
        [toast] = list(app._notifications)
        assert "nothing to reveal yet: nobody has scored round 1" in toast.message


def test_the_service_refuses_a_reveal_of_nothing(demo: Demo) -> None:
    with pytest.raises(InvalidOperationError, match="nothing to reveal yet"):
        meeting.reveal(demo.store, demo.session_id)
    assert demo.store.get_session(demo.session_id).phase is Phase.SCORING
    assert board(demo.store, demo.session_id).nothing_to_reveal() is not None
    score(demo.store, demo, 0, 0, [4])
    assert board(demo.store, demo.session_id).nothing_to_reveal() is None
    assert meeting.reveal(demo.store, demo.session_id).phase is Phase.REVEAL
