"""Results entry: students × items, one key per answer.

The cursor walks the grid like a gradebook: R (right), S (simple mistake), N (don't get it yet)
or W (wrong, not reflected on) keeps the result and moves to the next item (the next student's
first item at the end of a row); Delete or Backspace clears a result. Each key writes at once.

Results written elsewhere (students reflecting through ``calibrate assessment serve``, or
another import) appear within a couple of seconds: the grid reads the test again on a timer
and redraws only the cells that changed. The timer reads nothing while no other connection
has written (``PRAGMA data_version``, as the served screens poll).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, Static

from calibrate.domain.assessment import Outcome
from calibrate.domain.errors import CalibrateError
from calibrate.services.assessment.entry import (
    EntryGrid,
    entry_grid,
    new_student_code,
    record_result,
)
from calibrate.tui.base import StoreScreen

STYLES = {
    Outcome.RIGHT: "bold green",
    Outcome.SIMPLE_MISTAKE: "bold yellow",
    Outcome.NOT_YET: "bold red",
    Outcome.WRONG: "bold magenta",
    Outcome.MISSING: "dim",
}
LEGEND = (
    "R right · S simple mistake · N don't get it yet · W wrong (not reflected on) · "
    "Delete clears · A add student · V class view · C slip codes"
)


POLL_SECONDS = 2.0


def cell(outcome: Outcome) -> Text:
    return Text(outcome.code or "·", style=STYLES[outcome], justify="center")


class ResultsEntryScreen(StoreScreen):
    TITLE = "Results"
    BINDINGS = [
        Binding("r", "mark('right')", "Right"),
        Binding("s", "mark('simple mistake')", "Simple mistake"),
        Binding("n", 'mark("don\'t get it yet")', "Don't get it yet"),
        Binding("w", "mark('wrong')", "Wrong", show=False),
        Binding("delete,backspace", "mark('missing')", "Clear", show=False),
        Binding("a", "add_student", "Add student"),
        Binding("v", "class_view", "Class view"),
        Binding("e", "edit_test", "Edit test"),
        Binding("c", "slips", "Slip codes"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, assessment_id: int) -> None:
        super().__init__()
        self.assessment_id = assessment_id
        self.grid: EntryGrid | None = None
        self._version: int | None = None  # the database's data_version the grid was read at

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="as-title")
        yield DataTable(id="as-grid", cursor_type="cell", zebra_stripes=True)
        yield Static("", id="as-status")
        yield Static(LEGEND, classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.grid = entry_grid(self.store, self.assessment_id)
        blueprint = self.grid.blueprint
        self.query_one("#as-title", Static).update(
            f"{blueprint.title}: {len(blueprint.items)} items on "
            f"{len(blueprint.targets)} learning targets"
        )
        table = self.query_one("#as-grid", DataTable)
        table.add_column("Student", key="student")
        for item in blueprint.items:
            table.add_column(item.key, key=item.key, width=max(3, len(item.key)))
        for code in self.grid.students:
            self._add_row(code)
        if table.row_count:
            table.cursor_coordinate = Coordinate(0, 1)
        table.focus()
        self._show_status()
        self._version = self.store.data_version()
        self.set_interval(POLL_SECONDS, self.refresh_results)

    def refresh_results(self) -> int:
        """Show results stored elsewhere since the grid was drawn (e.g. students' reflections
        from their own devices); returns how many cells changed. A test edited meanwhile is
        left to its editor, which draws the grid again."""
        version = self.store.data_version()  # free; moves only when another connection wrote
        if self.grid is None or version == self._version:
            return 0
        self._version = version
        fresh = entry_grid(self.store, self.assessment_id)
        old = self.grid
        if fresh.blueprint != old.blueprint:
            return 0
        table = self.query_one("#as-grid", DataTable)
        new_students = tuple(code for code in fresh.students if code not in old.students)
        self.grid = EntryGrid(old.blueprint, (*old.students, *new_students), fresh.outcomes)
        changed = 0
        for code in old.students:
            for item in old.blueprint.items:
                outcome = fresh.outcome(code, item.key)
                if outcome is not old.outcome(code, item.key):
                    table.update_cell(code, item.key, cell(outcome))
                    changed += 1
        for code in new_students:
            self._add_row(code)
        if changed or new_students:
            self._show_status()
            added = f", {len(new_students)} new students" if new_students else ""
            self.notify(f"{changed} results changed elsewhere{added} (e.g. students reflecting).")
        return changed + len(new_students) * len(old.blueprint.items)

    def _add_row(self, code: str) -> None:
        assert self.grid is not None
        table = self.query_one("#as-grid", DataTable)
        cells = [cell(self.grid.outcome(code, i.key)) for i in self.grid.blueprint.items]
        table.add_row(Text(code, style="bold"), *cells, key=code)

    def current(self) -> tuple[str, str] | None:
        """The student and item under the cursor (None on the student column or no rows)."""
        table = self.query_one("#as-grid", DataTable)
        if not table.row_count or table.cursor_column == 0:
            return None
        keys = table.coordinate_to_cell_key(table.cursor_coordinate)
        assert keys.row_key.value is not None and keys.column_key.value is not None
        return keys.row_key.value, keys.column_key.value

    def on_data_table_cell_highlighted(self) -> None:
        self._show_status()

    def _show_status(self) -> None:
        status = self.query_one("#as-status", Static)
        where = self.current()
        if self.grid is None or where is None:
            status.update(
                "Press A to add the first student."
                if not self.grid or not self.grid.students
                else "Move onto an item to enter a result."
            )
            return
        code, key = where
        item = self.grid.blueprint.item(key)
        assert item is not None
        target = self.grid.blueprint.target(item.target_key)
        statement = "" if target is None else target.statement
        points = "1 point" if item.points == 1 else f"{item.points} points"
        status.update(
            f"{code} · item {key} ({points}) · {statement} · {self.grid.outcome(code, key)}"
        )

    # ------------------------------------------------------------------ actions
    def action_mark(self, value: str) -> None:
        where = self.current()
        if self.grid is None or where is None:
            self.notify("Move onto an item first (or press A to add a student).")
            return
        code, key = where
        outcome = Outcome(value)
        try:
            record_result(self.store, self.assessment_id, code, key, outcome)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.grid = EntryGrid(
            self.grid.blueprint, self.grid.students, {**self.grid.outcomes, (code, key): outcome}
        )
        table = self.query_one("#as-grid", DataTable)
        table.update_cell(code, key, cell(outcome))
        if outcome is not Outcome.MISSING:
            self._advance(table)
        self._show_status()

    def _advance(self, table: DataTable[object]) -> None:
        row, column = table.cursor_row, table.cursor_column
        if column + 1 < len(table.columns):
            table.cursor_coordinate = Coordinate(row, column + 1)
        elif row + 1 < table.row_count:
            table.cursor_coordinate = Coordinate(row + 1, 1)

    def action_add_student(self) -> None:
        from calibrate.tui.screens.modals import TextModal

        self.app.push_screen(TextModal("Student code (no names):", placeholder="S25"), self._added)

    def _added(self, text: str | None) -> None:
        if text is None or self.grid is None:
            return
        try:
            code = new_student_code(text, self.grid.students)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.grid = EntryGrid(self.grid.blueprint, (*self.grid.students, code), self.grid.outcomes)
        self._add_row(code)
        table = self.query_one("#as-grid", DataTable)
        table.cursor_coordinate = Coordinate(table.row_count - 1, 1)
        table.focus()
        self._show_status()

    def action_class_view(self) -> None:
        from calibrate.tui.screens.assessment.class_view import ClassViewScreen

        self.app.push_screen(ClassViewScreen(self.assessment_id))

    def action_slips(self) -> None:
        """Write each student's slip code (for reflecting on their own device) to a file."""
        from calibrate.tui.screens.modals import TextModal

        if self.grid is None:
            return
        if not self.grid.students:
            self.notify("No student has results yet: a slip opens a student's own results.")
            return
        default = f"{self.grid.blueprint.key}-slips.csv"
        prompt = "Write each student's slip code (for their reflection page) to:"
        self.app.push_screen(TextModal(prompt, value=default), self._write_slips)

    def _write_slips(self, path: str | None) -> None:
        from pathlib import Path

        from calibrate.services.assessment.reflection import export_slips

        if path is None or self.grid is None:
            return
        try:
            count = export_slips(self.store, self.assessment_id, Path(path))
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(
            f"Wrote {count} slip codes to {path} (readable by you only). Students open their "
            f"page while `calibrate assessment serve {self.grid.blueprint.key}` runs."
        )

    def action_edit_test(self) -> None:
        """Edit the test's title, targets and items; the grid is drawn again once saved."""
        from calibrate.tui.screens.assessment.editor import BlueprintEditorScreen

        def saved(test_id: int) -> None:
            self.app.pop_screen()  # the editor
            self.app.switch_screen(ResultsEntryScreen(test_id))

        self.app.push_screen(BlueprintEditorScreen(self.assessment_id, then=saved))

    def action_leave(self) -> None:
        self.app.pop_screen()
