"""A rubric's versions: which sessions and anchors use each, and what changed from the version
before, descriptor by descriptor."""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from calibrate.domain.errors import CalibrateError
from calibrate.services.authoring import rubrics as authoring
from calibrate.services.authoring.rubrics import ChangeKind, VersionUse
from calibrate.tui.base import StoreScreen


class VersionHistoryScreen(StoreScreen):
    TITLE = "Rubric versions"
    BINDINGS = [
        Binding("e", "edit", "Edit this version"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, family_id: int) -> None:
        super().__init__()
        self.family_id = family_id
        self.versions: list[VersionUse] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="vh-body"):
            yield DataTable(id="vh-versions", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="vh-detail", classes="panel"):
                yield Static("", id="vh-changes")
                yield Static("", id="vh-uses")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#vh-versions", DataTable)
        table.add_columns("Version", "Saved", "Used by")
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        try:
            self.versions = authoring.version_history(self.store, self.family_id)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        table = self.query_one("#vh-versions", DataTable)
        table.clear()
        for v in self.versions:
            table.add_row(
                str(v.rubric.version), v.rubric.created_at[:10], v.summary, key=str(v.rubric.id)
            )
        if self.versions:
            self.sub_title = self.versions[-1].rubric.name
            table.move_cursor(row=len(self.versions) - 1)
            self.show(len(self.versions) - 1)

    @on(DataTable.RowHighlighted, "#vh-versions")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show(event.cursor_row)

    def show(self, row: int) -> None:
        if not 0 <= row < len(self.versions):
            return
        v = self.versions[row]
        self.query_one("#vh-changes", Static).update(changes_text(v, first=row == 0))
        self.query_one("#vh-uses", Static).update(uses_text(v))

    def action_edit(self) -> None:
        row = self.query_one("#vh-versions", DataTable).cursor_row
        if 0 <= row < len(self.versions):
            self.calibrate_app.edit_rubric(self.versions[row].rubric.id)

    def action_leave(self) -> None:
        self.app.pop_screen()


_VERB = {
    ChangeKind.ADDED: "added",
    ChangeKind.REMOVED: "removed",
    ChangeKind.CHANGED: "changed",
    ChangeKind.MOVED: "moved",
}


def changes_text(v: VersionUse, *, first: bool) -> str:
    """Console markup: what changed in this version since the one before."""
    head = f"[b]Version {v.rubric.version}[/b]"
    if first:
        return f"{head}: the first version.\n"
    if not v.changes:
        return f"{head}: no change in wording from the version before.\n"
    lines = [f"{head}: {len(v.changes)} change(s) from version {v.rubric.version - 1}", ""]
    for c in v.changes:
        lines.append(f"[b]{escape(c.where)}[/b] {_VERB[c.kind]}")
        if c.kind is ChangeKind.CHANGED:
            lines.append(f"  [red]− {escape(c.before) or '(empty)'}[/red]")
            lines.append(f"  [green]+ {escape(c.after) or '(empty)'}[/green]")
        elif c.before or c.after:
            lines.append(
                f"  {escape(c.before)}{' → ' if c.before and c.after else ''}{escape(c.after)}"
            )
    return "\n".join(lines) + "\n"


def uses_text(v: VersionUse) -> str:
    lines = ["", "[b]Used by[/b]"]
    if not v.in_use:
        lines.append("nothing yet: saving changes to it edits it in place.")
    for s in v.sessions:
        lines.append(f"• session {escape(s.title)} ({s.date}, {s.phase})")
    for a in v.anchors:
        lines.append(
            f"• anchor {escape(a.sample_title)}: {escape(a.criterion)} level {a.level} ({a.status})"
        )
    return "\n".join(lines)
