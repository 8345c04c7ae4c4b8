"""Toasts (issue 13): shown top right, clear of the scoring progress line and the note field,
and not carried over to the next screen once they are old."""

from __future__ import annotations

from textual.widgets import Input
from textual.widgets._toast import Toast, ToastRack

from calibrate.tui.screens.meeting.board import BoardScreen
from calibrate.tui.screens.meeting.scoring import ScoringScreen
from tests.tui.conftest import SIZE, Demo, make_app


async def test_a_toast_on_scoring_covers_neither_the_progress_line_nor_the_note(
    demo: Demo,
) -> None:
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("enter", "7")  # 7 is not a level: a warning toast
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        [toast] = list(screen.query(Toast))
        assert "7 is not a level" in str(toast.render())
        for field in (screen.query_one("#note", Input), screen.query_one("#scoring-status")):
            assert not toast.region.overlaps(field.region), field
        assert toast.region.y <= 3  # under the header, at the top
        assert screen.query_one(ToastRack).styles.dock == "top"


async def test_old_toasts_do_not_follow_the_user_to_the_next_screen(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.notify("said on Home a while ago")
        await pilot.pause()
        [old] = list(app._notifications)
        old.raised_at -= 10  # as if raised ten seconds ago
        app.notify("what the last step did")  # raised just before the screen changes
        await pilot.pause()
        await app.push_screen(BoardScreen(demo.session_id))
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert messages == ["what the last step did"]
