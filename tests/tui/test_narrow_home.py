"""Home, New session, the reveal and Consensus in the 80 × 24 terminal: every footer key and
every column is on the screen, and short footer names keep their long names in F1 and the
palette (issue 13: "Home, New session and Consensus clip columns and buttons at 80 columns")."""

from __future__ import annotations

from textual.app import App
from textual.widgets import DataTable, Label
from textual.widgets._footer import FooterKey

from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.assessment.editor import BlueprintEditorScreen
from calibrate.tui.screens.help import HelpScreen
from calibrate.tui.screens.home import HomeScreen
from calibrate.tui.screens.meeting.consensus import ConsensusScreen
from calibrate.tui.screens.meeting.setup import SetupScreen
from calibrate.tui.widgets.meeting.rater_notes import RaterNotesTable
from tests.tui.conftest import SIZE, Demo, make_app
from tests.tui.test_reveal import open_reveal

SMALL = (80, 24)
PALETTE = 11  # "▏^p palette" at the footer's right end


def footer(app: App[object]) -> dict[str, str]:
    """The footer's keys as shown (key → description), each checked to end on the screen
    before the palette's corner."""
    keys = {}
    for key in app.screen.query(FooterKey):
        if not key.display or not key.region.width or key.has_class("-command-palette"):
            continue
        assert key.region.right <= app.size.width - PALETTE, (key.key_display, key.region)
        keys[key.key_display] = key.description
    return keys


def table_fits(table: DataTable[object], width: int) -> None:
    used = sum(c.get_render_width(table) for c in table.columns.values())
    assert used <= width, f"{used} columns of cells in a {width}-column terminal"


async def test_home_at_80_columns_shows_every_list_key_and_the_way_to_tests(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        keys = footer(app)
        for shown in ("s", "v", "n", "l", "a", "c", "f1"):
            assert shown in keys, keys
        assert keys["n"] == "New" and keys["l"] == "Tests"
        sessions = app.screen.query_one("#sessions", DataTable)
        table_fits(sessions, 80)
        # Two lines a session: the title, then phase · date · rubric.
        first = sessions.get_row_at(0)[0]
        assert "\n" in str(first) and "scoring · " in str(first)
        await pilot.press("2")
        await pilot.pause()
        assert {"e", "w", "m", "k", "f1"} <= set(footer(app))
        table_fits(app.screen.query_one("#rubrics", DataTable), 80)
        await pilot.press("3")
        await pilot.pause()
        assert {"r", "t", "f1"} <= set(footer(app))


async def test_a_wide_home_keeps_one_line_a_session_and_every_key(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=(130, 30)) as pilot:
        await pilot.pause()
        keys = footer(app)
        assert {"s", "b", "v", "n", "x", "l", "a", "c", "1-3", "^q", "f1"} <= set(keys)
        sessions = app.screen.query_one("#sessions", DataTable)
        assert len(sessions.columns) == 6
        assert sessions.get_row_at(0)[1] == "scoring"


async def test_short_footer_names_are_long_in_help_and_the_palette(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"New session", "Finish session", "Tests and learning targets"} <= titles
        assert "New" not in titles
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(m._markdown) for m in app.screen.query("Markdown"))
        assert "New session" in text and "Board" in text and "Finish session" in text


async def test_l_on_home_opens_the_tests(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")  # no test stored yet: the editor for a new one
        await pilot.pause()
        assert isinstance(app.screen, BlueprintEditorScreen)


async def test_new_session_labels_wrap_and_both_lists_show_at_80(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        for label in app.screen.query("#setup-form Label").results(Label):
            parent = label.parent
            assert parent is not None
            assert label.region.right <= parent.region.right, str(label.render())
        for list_id in ("#setup-samples", "#setup-raters"):
            region = app.screen.query_one(list_id).region
            assert region.height >= 4 and region.bottom <= 20, (list_id, region)


async def test_reveal_and_consensus_footers_and_notes_fit_at_80(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await open_reveal(app, demo.recorded_id)
        await pilot.pause()
        keys = footer(app)
        assert {"f", "c", "n", "d", "R", "esc", "f1"} <= set(keys), keys
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConsensusScreen)
        keys = footer(app)
        assert {"r", "^s", "a", "n", "t", "esc", "f1"} <= set(keys), keys
        notes = app.screen.query_one(RaterNotesTable)
        await pilot.pause()
        table_fits(notes, 80)


def authoring_screens(demo: Demo) -> list[StoreScreen]:
    from calibrate.tui.screens.authoring.kits import KitScreen
    from calibrate.tui.screens.authoring.master_key import MasterKeyScreen
    from calibrate.tui.screens.authoring.rater_admin import RaterAdminScreen
    from calibrate.tui.screens.authoring.rubric_editor import RubricEditorScreen
    from calibrate.tui.screens.authoring.samples import SamplesScreen
    from calibrate.tui.screens.contracts.overview import ContractsScreen

    rubric_id = demo.store.get_session(demo.recorded_id).rubric_id
    return [
        ContractsScreen(),
        SamplesScreen(),
        RubricEditorScreen(rubric_id),
        MasterKeyScreen(),
        RaterAdminScreen(),
        KitScreen(),
    ]


async def test_every_authoring_footer_fits_at_80_with_back_and_help(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        for screen in authoring_screens(demo):
            await app.push_screen(screen)
            await pilot.pause()
            keys = footer(app)  # each key ends before the palette's corner
            assert {"esc", "f1"} <= set(keys), (type(screen).__name__, keys)
            assert "^q" not in keys  # ctrl+q still quits; F1 lists it
            await app.pop_screen()
            await pilot.pause()
