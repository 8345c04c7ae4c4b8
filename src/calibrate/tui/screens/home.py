"""Home: the sessions (phase, date, rubric, raters, progress), rubrics, raters, and the way in."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import Phase
from calibrate.services.records import catalog
from calibrate.tui.base import StoreScreen
from calibrate.tui.widgets.home_tables import RaterTable, RubricTable, SessionTable


class HomeScreen(StoreScreen):
    """Where every meeting starts."""

    TITLE = "Home"
    # Every key works from anywhere on Home (and is in the palette and the help screen); the
    # footer shows the ones for the list in front (see widgets/home_tables.py) plus these.
    BINDINGS = [
        Binding("enter", "open", "Open session", show=False),
        Binding("s", "score", "Score", show=False),
        Binding("b", "board", "Board", show=False),
        Binding("v", "reveal", "Reveal", show=False),
        Binding("n", "new_session", "New session", show=False),
        Binding("x", "finish", "Finish session", show=False),
        Binding("e", "edit_rubric", "Edit rubric", show=False),
        Binding("w", "work_samples", "Work samples", show=False),
        Binding("m", "master_key", "Master key", show=False),
        Binding("k", "kits", "Kits", show=False),
        Binding("r", "raters", "Reliability", show=False),
        Binding("t", "raters_admin", "Manage raters", show=False),
        Binding("d", "schools", "Schools", show=False),
        Binding("l", "app.tests", "Tests", tooltip="Tests and learning targets"),
        Binding("a", "anchors", "Anchors"),
        Binding("c", "contracts", "Contracts"),
        # Offered on an empty database and in the palette; the footer has no room for it.
        Binding("i", "load_scenarios", "Examples", show=False),
        Binding("1", "show_tab('tab-sessions')", "Tabs", key_display="1-3"),
        Binding("2", "show_tab('tab-rubrics')", "Rubrics tab", show=False),
        Binding("3", "show_tab('tab-raters')", "Raters tab", show=False),
    ]

    # Under 120 columns these leave the footer (F1 and the palette keep them, the tabs show
    # their numbers, and ctrl+q quits everywhere), so that each list's keys, Tests, Anchors,
    # Contracts and Help fit in 80 columns.
    NARROW_FOOTER_HIDES = frozenset(
        {"screen.board", "screen.finish", "screen.schools", "show_tab('tab-sessions')"}
    )
    FOOTER_HIDES_BELOW = 120

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="home-tabs"):
            with TabPane("1 Sessions", id="tab-sessions"):
                yield Static("", id="home-empty")
                yield SessionTable(id="sessions", cursor_type="row", zebra_stripes=True)
            with TabPane("2 Rubrics", id="tab-rubrics"):
                yield RubricTable(id="rubrics", cursor_type="row", zebra_stripes=True)
            with TabPane("3 Raters", id="tab-raters"):
                yield RaterTable(id="raters", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#home-tabs", TabbedContent).active = tab

    @on(TabbedContent.TabActivated, "#home-tabs")
    def tab_shown(self, event: TabbedContent.TabActivated) -> None:
        """The list of the tab in front takes the focus, so its keys show in the footer."""
        event.pane.query_one(DataTable).focus()

    def on_mount(self) -> None:
        sessions = self.query_one("#sessions", DataTable)
        self.query_one("#raters", DataTable).add_columns("Name", "Initials", "Role", "Team")
        self.refresh_data()
        sessions.focus()  # arrow keys move through the sessions straight away
        if not self.store.list_rubrics():
            self.call_after_refresh(self.offer_examples)

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def on_resize(self) -> None:
        """Two lines a session under 100 columns, one line over (see SessionTable.show)."""
        self.refresh_data()

    def refresh_data(self) -> None:
        sessions = self.query_one("#sessions", SessionTable)
        sessions.show(catalog.session_summaries(self.store), width=self.app.size.width)
        empty = self.query_one("#home-empty", Static)
        empty.update(
            ""
            if sessions.row_count
            else "No sessions yet. Press n for a new session, or i to load the example kits."
        )
        rubrics = self.query_one("#rubrics", RubricTable)
        rubrics.show(self.store.list_rubrics(), width=self.app.size.width)
        raters = self.query_one("#raters", DataTable)
        raters.clear()
        for p in self.store.list_raters(active_only=True):
            raters.add_row(p.name, p.initials, p.role, p.team, key=str(p.id))

    # ------------------------------------------------------------------ routing
    def selected_session(self) -> int | None:
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            self.notify("There is no session yet: press n to set one up.", severity="warning")
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def current_session(self) -> int | None:
        """The highlighted session (for the palette's reports and exports)."""
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    @on(DataTable.RowSelected, "#sessions")
    def row_chosen(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        session_id = self.selected_session()
        if session_id is None:
            return
        phase = self.store.get_session(session_id).phase
        if phase is Phase.SCORING:
            self.action_score()
        else:
            self.action_reveal()

    def action_score(self) -> None:
        from calibrate.tui.screens.meeting.scoring import ScoringScreen

        if (session_id := self.selected_session()) is not None:
            session = self.store.get_session(session_id)
            if session.phase is not Phase.SCORING:
                self.notify(f"This session is in {session.phase.value}, not scoring.")
                return
            self.app.push_screen(ScoringScreen(session_id))

    def action_board(self) -> None:
        from calibrate.tui.screens.meeting.board import BoardScreen

        if (session_id := self.selected_session()) is not None:
            self.app.push_screen(BoardScreen(session_id))

    def action_reveal(self) -> None:
        from calibrate.tui.screens.meeting.reveal import RevealScreen

        if (session_id := self.selected_session()) is not None:
            phase = self.store.get_session(session_id).phase
            if phase in (Phase.SETUP, Phase.SCORING):
                self.notify("Not revealed yet: open the board (b) to reveal when everyone is done.")
                return
            self.app.push_screen(RevealScreen(session_id))

    def action_finish(self) -> None:
        """Finish (close) the selected session after asking what is left."""
        from calibrate.services.meeting import rounds
        from calibrate.services.meeting import sessions as meeting
        from calibrate.tui.screens.modals import ConfirmModal

        if (session_id := self.selected_session()) is None:
            return
        try:
            question = rounds.ask_to_finish(self.store, session_id)
        except CalibrateError as exc:
            self.notify(exc.message, severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                meeting.close_session(self.store, session_id)
                self.notify("The session is finished. Its record stays: reports and exports.")
                self.refresh_data()

        self.app.push_screen(ConfirmModal(question, yes="Finish session", no="Not yet"), answered)

    def action_new_session(self) -> None:
        from calibrate.tui.screens.meeting.setup import SetupScreen

        self.app.push_screen(SetupScreen())

    def action_anchors(self) -> None:
        from calibrate.tui.screens.meeting.anchors import AnchorLibraryScreen

        self.app.push_screen(AnchorLibraryScreen())

    # ------------------------------------------------------------------ examples
    def offer_examples(self) -> None:
        from calibrate.tui.screens.modals import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self.action_load_scenarios()

        self.app.push_screen(
            ConfirmModal(
                "This database is empty. Load the example workshop kits (grade 8 argument "
                "writing, grade 5 subtraction, formative-assessment observation)?",
                yes="Load them",
                no="Not now",
            ),
            answered,
        )

    def action_load_scenarios(self) -> None:
        from calibrate.services.records.database import load_scenario_file

        loaded = []
        for path in catalog.bundled_scenarios():
            try:
                report = load_scenario_file(self.store, path)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error", timeout=10)
                continue
            loaded.append(report.name)
        if loaded:
            self.notify("Loaded: " + "; ".join(loaded))
        self.refresh_data()

    # ------------------------------------------------------------------ authoring (A8)
    def action_edit_rubric(self) -> None:
        from calibrate.tui.screens.authoring.rubric_editor import RubricEditorScreen
        from calibrate.tui.screens.modals import ChoiceModal

        table = self.query_one("#rubrics", DataTable)
        if self.query_one("#home-tabs", TabbedContent).active == "tab-rubrics" and table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.push_screen(RubricEditorScreen(int(key) if key else None))
            return
        options = [(0, "A new rubric")] + [
            (r.id or 0, f"{r.name} (version {r.version})") for r in self.store.list_rubrics()
        ]

        def chosen(rubric_id: int | None) -> None:
            if rubric_id is not None:
                self.app.push_screen(RubricEditorScreen(rubric_id or None))

        self.app.push_screen(ChoiceModal("Edit which rubric?", options), chosen)

    def action_work_samples(self) -> None:
        from calibrate.tui.screens.authoring.samples import SamplesScreen

        self.app.push_screen(SamplesScreen())

    def action_raters_admin(self) -> None:
        from calibrate.tui.screens.authoring.rater_admin import RaterAdminScreen

        self.app.push_screen(RaterAdminScreen())

    def action_master_key(self) -> None:
        from calibrate.tui.screens.authoring.master_key import MasterKeyScreen

        self.app.push_screen(MasterKeyScreen())

    def action_kits(self) -> None:
        from calibrate.tui.screens.authoring.kits import KitScreen

        self.app.push_screen(KitScreen())

    def action_raters(self) -> None:
        from calibrate.tui.screens.reliability.raters import RatersScreen

        self.app.push_screen(RatersScreen())

    def action_schools(self) -> None:
        from calibrate.tui.screens.district.schools import SchoolsScreen

        self.app.push_screen(SchoolsScreen())

    def action_contracts(self) -> None:
        from calibrate.tui.screens.contracts.overview import ContractsScreen

        self.app.push_screen(ContractsScreen())
