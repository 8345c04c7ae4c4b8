"""The class view: students × learning targets (secure, careless only, gap), the evidence behind
the reading under the cursor, and re-teaching groups of students who share a gap."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, Static

from calibrate.domain.errors import CalibrateError
from calibrate.services.assessment.class_view import ClassView, class_view
from calibrate.services.assessment.classify import TargetStatus
from calibrate.services.assessment.groups import MAX_GROUP_SIZE, export_groups, regroup
from calibrate.services.contracts.from_test import draft_from_gaps
from calibrate.services.contracts.plans import create_contract
from calibrate.tui.base import StoreScreen

STYLES = {
    TargetStatus.SECURE: "bold white on dark_green",
    TargetStatus.CARELESS: "bold black on yellow",
    TargetStatus.GAP: "bold white on dark_red",
    TargetStatus.NO_EVIDENCE: "dim",
}
DEFAULT_GROUP_SIZE = 4


def cell(status: TargetStatus) -> Text:
    return Text(f" {status.symbol} ", style=STYLES[status], justify="center")


class ClassViewScreen(StoreScreen):
    TITLE = "Class view"
    BINDINGS = [
        Binding("plus,equals_sign", "group_size(1)", "Larger groups", key_display="+"),
        Binding("minus", "group_size(-1)", "Smaller groups", key_display="-"),
        Binding("e", "export_groups", "Export groups"),
        Binding("c", "contract", "Contract from gaps"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, assessment_id: int) -> None:
        super().__init__()
        self.assessment_id = assessment_id
        self.view: ClassView | None = None
        self.group_size = DEFAULT_GROUP_SIZE

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="cv-title")
        with Horizontal(id="cv-body"):
            yield DataTable(id="cv-grid", cursor_type="cell")
            with Vertical(id="cv-side"):
                yield Static("", id="cv-detail")
                yield Static("", id="cv-groups")
        yield Static("+ secure · ~ careless only · x gap · ? no evidence", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.view = view = class_view(self.store, self.assessment_id)
        blueprint = view.blueprint
        self.query_one("#cv-title", Static).update(
            f"{blueprint.title}: {len(view.students)} students"
        )
        table = self.query_one("#cv-grid", DataTable)
        table.add_column("Student", key="student")
        for n, target in enumerate(blueprint.targets, 1):
            table.add_column(f"T{n}", key=target.key)
        for report in view.reports:
            table.add_row(
                Text(report.student_code, style="bold"),
                *(cell(r.status) for r in report.readings),
                key=report.student_code,
            )
        for status in (TargetStatus.SECURE, TargetStatus.CARELESS, TargetStatus.GAP):
            table.add_row(
                Text(status.value.split()[0], style="italic"),
                *(
                    Text(str(view.counts(t.key)[status]), justify="center")
                    for t in blueprint.targets
                ),
                key=f"count:{status.value}",
            )
        if view.reports:
            table.cursor_coordinate = Coordinate(0, 1)
        table.focus()
        self._show_detail()
        self._show_groups()

    def on_data_table_cell_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#cv-detail", Static)
        view = self.view
        table = self.query_one("#cv-grid", DataTable)
        if view is None or not view.reports:
            detail.update("No results yet: enter them on the results screen, or import a file.")
            return
        keys = table.coordinate_to_cell_key(table.cursor_coordinate)
        code, key = keys.row_key.value, keys.column_key.value
        target = None if key is None else view.blueprint.target(key)
        if code is None or view.report(code) is None or target is None:
            lines = [
                f"T{n} {t.key}: {t.statement}" for n, t in enumerate(view.blueprint.targets, 1)
            ]
            detail.update("\n".join(lines))
            return
        reading = view.reading(code, target.key)
        items = "\n".join(f"  {e.describe()}" for e in reading.evidence) or "  none"
        text = (
            f"{code} · {target.statement}\n{reading.status} "
            f"({reading.earned}/{reading.possible} points)\n{items}"
        )
        detail.update(text + (f"\nNote: {reading.note}" if reading.note else ""))

    def _show_groups(self) -> None:
        box = self.query_one("#cv-groups", Static)
        if self.view is None:
            return
        groups = regroup(self.view, size=self.group_size)
        lines = [f"Groups of at most {self.group_size} (+/-):"]
        lines += [f"  {g.target_key} {g.number}/{g.of}: {', '.join(g.students)}" for g in groups]
        if not groups:
            lines.append("  nobody has a gap")
        box.update("\n".join(lines))

    def action_group_size(self, step: int) -> None:
        self.group_size = max(1, min(MAX_GROUP_SIZE, self.group_size + step))
        self._show_groups()

    def selected_student(self) -> str | None:
        table = self.query_one("#cv-grid", DataTable)
        if self.view is None or not table.row_count:
            return None
        code = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return code if code is not None and self.view.report(code) is not None else None

    def action_export_groups(self) -> None:
        from calibrate.tui.screens.modals import TextModal

        if self.view is None:
            return
        default = f"{self.view.blueprint.key}-groups.csv"
        self.app.push_screen(
            TextModal("Write the groups (student codes only) to:", value=default), self._export
        )

    def _export(self, path: str | None) -> None:
        if path is None or self.view is None:
            return
        try:
            written = export_groups(regroup(self.view, size=self.group_size), Path(path))
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(f"Wrote the groups to {written}.")

    def action_contract(self) -> None:
        from calibrate.tui.screens.modals import TextModal

        code = self.selected_student()
        if code is None:
            self.notify("Move onto a student first.")
            return
        self.app.push_screen(
            TextModal(f"A draft contract on {code}'s gaps. The teacher's name:"),
            lambda teacher: self._contract(code, teacher),
        )

    def _contract(self, code: str, teacher: str | None) -> None:
        if teacher is None:
            return
        try:
            draft = draft_from_gaps(self.store, self.assessment_id, code, teacher=teacher)
            stored = create_contract(self.store, draft.contract)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        assert stored.id is not None
        self.calibrate_app.show_contract(stored.id)

    def action_leave(self) -> None:
        self.app.pop_screen()
