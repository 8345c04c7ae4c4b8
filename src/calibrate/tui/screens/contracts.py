"""Contracts: the learning contracts, listed per teacher, with their status and next checkpoint.
Filter by teacher or status; open one; write a new one from a scored sample."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label, Select, Static

from calibrate.domain.contracts import ContractStatus
from calibrate.domain.model import Rubric
from calibrate.services.contract_forms import contract_teachers, summaries_by_teacher
from calibrate.tui.base import StoreScreen

STATUSES = [(Text(str(s)), s) for s in ContractStatus]


class ContractsScreen(StoreScreen):
    TITLE = "Contracts"
    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("n", "new", "New contract"),
        Binding("e", "amend", "Amend"),
        Binding("t", "filter('#ct-filter-teacher')", "Teacher filter"),
        Binding("f", "filter('#ct-filter-status')", "Status filter"),
        Binding("escape", "leave", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="ct-filters"):
            with Vertical(classes="ct-cell"):
                yield Label("Teacher")
                yield Select[str]([], id="ct-filter-teacher", prompt="every teacher")
            with Vertical(classes="ct-cell"):
                yield Label("Status")
                yield Select(STATUSES, id="ct-filter-status", prompt="any status")
        yield Static("", id="ct-empty")
        yield DataTable(id="ct-list", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ct-list", DataTable).add_columns(
            "Teacher",
            "Student",
            "Status",
            "Targets",
            "Next checkpoint",
            "Log",
            "Last review",
            "Rubric",
        )
        self.refresh_data()
        self.query_one("#ct-list", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    # ------------------------------------------------------------------ showing
    def refresh_data(self) -> None:
        teachers = self.query_one("#ct-filter-teacher", Select)
        chosen = teachers.value
        names = contract_teachers(self.store)
        with teachers.prevent(Select.Changed):
            teachers.set_options((Text(name), name) for name in names)
            teachers.value = chosen if chosen in names else Select.NULL
        teacher = teachers.value if isinstance(teachers.value, str) else None
        status_value = self.query_one("#ct-filter-status", Select).value
        status = status_value if isinstance(status_value, ContractStatus) else None

        table = self.query_one("#ct-list", DataTable)
        cursor = table.cursor_row
        table.clear()
        summaries = summaries_by_teacher(self.store, teacher=teacher, status=status)
        previous = None
        for s in summaries:
            c = s.contract
            targets = ", ".join(
                f"{_name(s.rubric, t.criterion_key)} {t.current_level}→{t.target_level}"
                for t in c.current.targets
            )
            table.add_row(
                c.teacher if c.teacher != previous else "",
                c.student_code,
                f"{c.status} · v{c.version}",
                targets,
                s.next_checkpoint or "–",
                str(s.n_progress),
                "–" if s.last_review is None else f"{s.last_review.date} {s.last_review.outcome}",
                f"{s.rubric.name} v{s.rubric.version}",
                key=str(s.id),
            )
            previous = c.teacher
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        filtered = teacher is not None or status is not None
        self.query_one("#ct-empty", Static).update(
            ""
            if table.row_count
            else "No contract matches these filters."
            if filtered
            else "No contracts yet. Press n to write one from a scored sample."
        )

    @on(Select.Changed)
    def filter_changed(self) -> None:
        self.refresh_data()

    def selected(self) -> int | None:
        table = self.query_one("#ct-list", DataTable)
        if not table.row_count:
            self.notify("There is no contract here yet: press n to write one.")
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    # ------------------------------------------------------------------ actions
    @on(DataTable.RowSelected, "#ct-list")
    def row_chosen(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from calibrate.tui.screens.contract_detail import ContractDetailScreen

        if (contract_id := self.selected()) is not None:
            self.app.push_screen(ContractDetailScreen(contract_id))

    def action_new(self) -> None:
        from calibrate.tui.screens.contract_editor import ContractEditorScreen

        self.app.push_screen(ContractEditorScreen())

    def action_amend(self) -> None:
        from calibrate.tui.screens.contract_editor import ContractEditorScreen

        if (contract_id := self.selected()) is None:
            return
        if not self.store.get_contract(contract_id).status.open:
            self.notify("This contract is closed; it can no longer be amended.")
            return
        self.app.push_screen(ContractEditorScreen(contract_id))

    def action_filter(self, selector: str) -> None:
        select = self.query_one(selector, Select)
        select.focus()
        select.expanded = True

    def action_leave(self) -> None:
        self.app.pop_screen()


def _name(rubric: Rubric, key: str) -> str:
    criterion = rubric.criterion(key)
    return criterion.name if criterion is not None else key
