"""The master key: every sample against the criteria of one rubric version, with the reference
level where one is set (who set it and when, for the cell under the cursor). Type a level on a
cell, import a CSV file, or promote a session's agreed consensus."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from calibrate.domain.errors import CalibrateError
from calibrate.services.authoring import master_key as master
from calibrate.services.authoring.master_key import MasterKeyGrid
from calibrate.services.meeting.setup import sample_label
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ChoiceModal
from calibrate.tui.widgets.path_picker import PathPickerModal

DIGITS = "1234567890"


class MasterKeyScreen(StoreScreen):
    TITLE = "Master key"
    BINDINGS = [
        Binding("enter", "choose_level", "Set level"),
        Binding("1", "set_level(1)", "Level", key_display="0-9"),
        *[Binding(d, f"set_level({d})", f"Level {d}", show=False) for d in DIGITS[1:]],
        Binding("delete", "clear", "Clear"),
        Binding("i", "import_csv", "Import CSV"),
        Binding("p", "promote", "Promote", tooltip="Promote consensus"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.grid: MasterKeyGrid | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="mk-top"):
            with Vertical(classes="mk-field"):
                yield Label("Rubric version")
                yield Select[int]([], prompt="choose a rubric", id="mk-rubric")
            with Vertical(classes="mk-field"):
                yield Label("Set by (who decides the master key)")
                yield Input(placeholder="e.g. District ELA team", id="mk-set-by")
        yield DataTable(id="mk-grid", cursor_type="cell", zebra_stripes=True)
        yield Static("", id="mk-detail")
        yield Footer()

    def on_mount(self) -> None:
        rubrics = self.store.list_rubrics(all_versions=True)
        select = self.query_one("#mk-rubric", Select)
        select.set_options((Text(f"{r.name} v{r.version}"), r.id or 0) for r in rubrics)
        newest = self.store.list_rubrics()
        if newest and newest[0].id is not None:
            select.value = newest[0].id
            self.load(newest[0].id)
        self.query_one("#mk-grid", DataTable).focus()

    @on(Select.Changed, "#mk-rubric")
    def rubric_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int):
            self.load(event.value)

    def load(self, rubric_id: int) -> None:
        try:
            self.grid = master.master_key_grid(self.store, rubric_id)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        table = self.query_one("#mk-grid", DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column("Sample", key="sample")
        for c in self.grid.rubric.criteria:
            table.add_column(c.name, key=c.key)
        for s in self.grid.samples:
            cells = [sample_label(s)]  # the student code tells two copies apart
            for c in self.grid.rubric.criteria:
                ref = self.grid.cell(s.id or 0, c.key)
                cells.append(str(ref.level) if ref else "·")
            table.add_row(*cells, key=str(s.id))
        if table.row_count:
            table.cursor_coordinate = Coordinate(
                min(cursor.row, table.row_count - 1), max(1, min(cursor.column, len(cells) - 1))
            )
        self.show_detail()

    def cell(self) -> tuple[int, str] | None:
        """The (sample id, criterion key) under the cursor, if it is a criterion cell."""
        table = self.query_one("#mk-grid", DataTable)
        if self.grid is None or not table.row_count:
            return None
        keys = table.coordinate_to_cell_key(table.cursor_coordinate)
        if keys.column_key.value in (None, "sample"):
            return None
        return int(str(keys.row_key.value)), str(keys.column_key.value)

    @on(DataTable.CellHighlighted, "#mk-grid")
    def show_detail(self) -> None:
        detail = self.query_one("#mk-detail", Static)
        where = self.cell()
        if self.grid is None:
            detail.update("No rubric yet: create one (Home, e) or load the examples.")
            return
        text = f"{self.grid.n_set} reference levels set on {self.grid.rubric.name}. "
        if where is not None:
            ref = self.grid.cell(*where)
            criterion = self.grid.rubric.criterion(where[1])
            scale = ", ".join(str(s) for s in criterion.scores) if criterion else ""
            if ref is None:
                text += f"This cell: not set (levels {scale})."
            else:
                text += f"This cell: {ref.level}, set by {ref.set_by} on {ref.set_at[:16]} UTC."
        detail.update(text)

    def set_by(self) -> str | None:
        who = self.query_one("#mk-set-by", Input).value.strip()
        if not who:
            self.notify(
                "First say who sets the master key (the box at the top).", severity="warning"
            )
            self.query_one("#mk-set-by", Input).focus()
            return None
        return who

    # ------------------------------------------------------------------ actions
    def action_set_level(self, level: int) -> None:
        where = self.cell()
        if where is None or self.grid is None or self.grid.rubric.id is None:
            self.notify("Move to a criterion cell first.")
            return
        if (who := self.set_by()) is None:
            return
        try:
            master.set_reference(
                self.store,
                sample_id=where[0],
                rubric_id=self.grid.rubric.id,
                criterion_key=where[1],
                level=level,
                set_by=who,
            )
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.load(self.grid.rubric.id)

    def action_choose_level(self) -> None:
        where = self.cell()
        if where is None or self.grid is None:
            return
        criterion = self.grid.rubric.criterion(where[1])
        if criterion is None:
            return
        options = [(lv.score, f"{lv.score} · {lv.label}") for lv in criterion.levels]

        def chosen(level: int | None) -> None:
            if level is not None:
                self.action_set_level(level)

        self.app.push_screen(ChoiceModal(f"Master-key level for {criterion.name}", options), chosen)

    @on(DataTable.CellSelected, "#mk-grid")
    def cell_clicked(self) -> None:
        self.action_choose_level()

    def action_clear(self) -> None:
        where = self.cell()
        if where is None or self.grid is None or self.grid.rubric.id is None:
            return
        master.clear_reference(self.store, *where, rubric_id=self.grid.rubric.id)
        self.load(self.grid.rubric.id)

    def action_import_csv(self) -> None:
        if self.grid is None or self.grid.rubric.id is None:
            return
        rubric_id = self.grid.rubric.id

        def accept(text: str) -> str:
            try:
                n = master.import_master_key_csv(
                    self.store, Path(text).expanduser(), rubric_id=rubric_id
                )
            except CalibrateError as exc:
                return exc.message
            self.load(rubric_id)
            self.notify(f"Set {n} master-key level{'' if n == 1 else 's'}.")
            return ""

        self.app.push_screen(
            PathPickerModal(
                "Import the master key from a CSV file with the columns "
                "sample,criterion,level,set_by (all rows or none are imported).",
                start=Path.cwd(),
                accept=accept,
                hint="Enter imports · Escape cancels",
            )
        )

    def action_promote(self) -> None:
        options = master.consensus_sessions(self.store)
        if not options:
            self.notify("No session has agreed consensus yet.")
            return
        who = self.query_one("#mk-set-by", Input).value

        def chosen(session_id: int | None) -> None:
            if session_id is None:
                return
            try:
                n = master.promote_consensus(self.store, session_id, set_by=who)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error")
                return
            if self.grid is not None and self.grid.rubric.id is not None:
                self.load(self.grid.rubric.id)
            self.notify(f"{n} agreed level{'' if n == 1 else 's'} now in the master key.")

        self.app.push_screen(
            ChoiceModal("Make which session's consensus the master key?", options), chosen
        )

    def action_leave(self) -> None:
        if self.query_one("#mk-set-by", Input).has_focus:
            self.query_one("#mk-grid", DataTable).focus()
            return
        self.app.pop_screen()
