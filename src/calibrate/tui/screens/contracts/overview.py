"""Contracts: the learning contracts, listed per teacher and class, with their status and next
checkpoint. Filter by teacher, class or status; open one; write a new one from a scored sample."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label, Select, Static

from calibrate.domain.contracts import ContractStatus
from calibrate.domain.model import Rubric
from calibrate.services.contracts.forms import (
    contract_classes,
    contract_teachers,
    summaries_by_teacher,
)
from calibrate.tui.base import StoreScreen

STATUSES = [(Text(str(s)), s) for s in ContractStatus]


class ContractsScreen(StoreScreen):
    TITLE = "Contracts"
    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("n", "new", "New contract"),
        Binding("e", "amend", "Amend"),
        Binding("t", "filter('#ct-filter-teacher')", "Teacher", tooltip="Teacher filter"),
        Binding("c", "filter('#ct-filter-class')", "Class", tooltip="Class filter"),
        Binding("f", "filter('#ct-filter-status')", "Status", tooltip="Status filter"),
        Binding("escape", "leave", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="ct-filters"):
            with Vertical(classes="ct-cell"):
                yield Label("Teacher")
                yield Select[str]([], id="ct-filter-teacher", prompt="every teacher")
            with Vertical(classes="ct-cell"):
                yield Label("Class")
                yield Select[str]([], id="ct-filter-class", prompt="every class")
            with Vertical(classes="ct-cell"):
                yield Label("Status")
                yield Select(STATUSES, id="ct-filter-status", prompt="any status")
        yield Static("", id="ct-empty")
        yield DataTable(id="ct-list", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ct-list", DataTable).add_columns(
            "Teacher",
            "Class",
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
        teacher = _refill(
            self.query_one("#ct-filter-teacher", Select), contract_teachers(self.store)
        )
        class_name = _refill(
            self.query_one("#ct-filter-class", Select), contract_classes(self.store)
        )
        status_value = self.query_one("#ct-filter-status", Select).value
        status = status_value if isinstance(status_value, ContractStatus) else None

        table = self.query_one("#ct-list", DataTable)
        cursor = table.cursor_row
        table.clear()
        summaries = summaries_by_teacher(
            self.store, teacher=teacher, status=status, class_name=class_name
        )
        previous: tuple[str, str] | None = None
        for s in summaries:
            c = s.contract
            targets = ", ".join(
                f"{_name(s.rubric, t.criterion_key)} {t.current_level}→{t.target_level}"
                for t in c.current.targets
            )
            group = (c.teacher, c.class_name)  # a name shows once, at the top of its group
            table.add_row(
                c.teacher if previous is None or c.teacher != previous[0] else "",
                c.class_name if group != previous else "",
                c.student_code,
                f"{c.status} · v{c.version}",
                targets,
                s.next_checkpoint or "–",
                str(s.n_progress),
                "–" if s.last_review is None else f"{s.last_review.date} {s.last_review.outcome}",
                f"{s.rubric.name} v{s.rubric.version}",
                key=str(s.id),
            )
            previous = group
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        filtered = teacher is not None or status is not None or class_name is not None
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
        from calibrate.tui.screens.contracts.detail import ContractDetailScreen

        if (contract_id := self.selected()) is not None:
            self.app.push_screen(ContractDetailScreen(contract_id))

    def action_new(self) -> None:
        from calibrate.tui.screens.contracts.editor import ContractEditorScreen

        self.app.push_screen(ContractEditorScreen())

    def action_amend(self) -> None:
        from calibrate.tui.screens.contracts.editor import ContractEditorScreen

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


def _refill(select: Select[str], names: list[str]) -> str | None:
    """New options for a filter, keeping the choice if it is still there; the choice."""
    chosen = select.value
    with select.prevent(Select.Changed):
        select.set_options((Text(name), name) for name in names)
        select.value = chosen if chosen in names else Select.NULL
    return select.value if isinstance(select.value, str) else None


def _name(rubric: Rubric, key: str) -> str:
    criterion = rubric.criterion(key)
    return criterion.name if criterion is not None else key
