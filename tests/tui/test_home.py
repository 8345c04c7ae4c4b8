"""Home: the sessions list, the offer to load the example kits, routing, help and the palette."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from calibrate.storage.store import Store
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.help import HelpScreen
from calibrate.tui.screens.home import HomeScreen
from calibrate.tui.screens.meeting.scoring import ScoringScreen
from calibrate.tui.screens.modals import ConfirmModal
from tests.tui.conftest import SIZE, Demo, make_app


async def test_an_empty_database_offers_the_example_kits(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "empty.db")
    app = CalibrateApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        names = {r.name for r in store.list_rubrics()}
        assert len(names) == 3 and "Grade 8 argument writing" in names
        sessions = app.screen.query_one("#sessions", DataTable)
        assert sessions.row_count == 3
    store.close()


async def test_declining_the_offer_leaves_the_database_empty(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "empty.db")
    app = CalibrateApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert store.list_rubrics() == []
        assert "No sessions yet" in str(app.screen.query_one("#home-empty").render())
    store.close()


async def test_sessions_are_listed_with_phase_and_progress(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#sessions", DataTable)
        rows = {table.get_row_at(i)[0]: table.get_row_at(i) for i in range(table.row_count)}
        demo_row = rows["Demo meeting: Argument writing, grade 8"]
        assert demo_row[1] == "scoring" and demo_row[5] == "0/240 scores"
        recorded = rows["October calibration: argument essays"]
        assert recorded[1] == "reveal" and recorded[4] == "6"


async def test_enter_on_a_scoring_session_opens_scoring(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#sessions", DataTable)
        table.focus()
        row = next(i for i in range(table.row_count) if table.get_row_at(i)[1] == "scoring")
        table.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen_stack[-2], ScoringScreen)  # under "who is scoring?"


async def test_help_lists_the_screens_keys(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(w.render()) for w in app.screen.query("Markdown *"))
        for description in ("New session", "Board", "Reveal", "Anchors"):
            assert description in text
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_every_binding_is_a_palette_command(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for description in ("Score", "Board", "Reveal", "New session", "Anchors", "Help"):
            assert description in titles


async def test_a_session_opened_first_leaves_to_home_composed_only_then(demo: Demo) -> None:
    """Issue 15: `calibrate demo` opens scoring straight away; Home is not composed before
    the first screen is drawn, yet leaving scoring lands on Home as always."""
    app = make_app(demo, open_session=demo.session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not any(isinstance(s, HomeScreen) for s in app.screen_stack)
        assert isinstance(app.screen_stack[-2], ScoringScreen)  # under "who is scoring?"
        await pilot.press("enter")  # the first rater
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#sessions", DataTable)
        assert table.row_count >= 1  # Home drawn whole, with the sessions
        assert len(app.screen_stack) == 2  # the launcher under Home, nothing else
