"""Two versions of a contract side by side: pick the pair, read field by field what changed.

Choosing a version posts :class:`VersionCompare.PairChosen`; whoever owns the store answers with
:meth:`VersionCompare.show`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Label, Select, Static
from textual.widgets.data_table import ColumnKey

from calibrate.services.contracts.compare import VersionComparison

FIELD_WIDTH = 30
TEXT_WIDTH = 40


class VersionCompare(Vertical):
    @dataclass
    class PairChosen(Message):
        before: int
        after: int

    def __init__(self) -> None:
        super().__init__(id="ct-versions")
        self.comparison: VersionComparison | None = None
        self.numbers: list[int] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="ct-version-pick"):
            yield Label("Version")
            yield Select[int]([(Text("1"), 1)], id="ct-before", allow_blank=False, compact=True)
            yield Label("side by side with version")
            yield Select[int]([(Text("1"), 1)], id="ct-after", allow_blank=False, compact=True)
            yield Checkbox("only what changed", True, id="ct-only-changes", compact=True)
        yield Static("", id="ct-version-notes", classes="hint")
        yield DataTable(id="ct-version-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Field", width=FIELD_WIDTH, key="field")
        table.add_column("Before", width=TEXT_WIDTH, key="before")
        table.add_column("After", width=TEXT_WIDTH, key="after")

    def set_versions(self, numbers: list[int]) -> None:
        """The versions there are; the last two are compared (the only one, if one)."""
        self.numbers = numbers
        options = [(Text(f"{n}"), n) for n in numbers]
        after = numbers[-1]
        before = numbers[-2] if len(numbers) > 1 else after
        for widget_id, value in (("#ct-before", before), ("#ct-after", after)):
            select: Select[int] = self.query_one(widget_id, Select)
            with select.prevent(Select.Changed):
                select.set_options(options)
                select.value = value
        self.post_message(self.PairChosen(before, after))

    def show(self, comparison: VersionComparison) -> None:
        self.comparison = comparison
        before, after = comparison.before, comparison.after
        notes = [
            f"Version {v.version}, {v.created_at[:10]}: {v.note or 'as first written'}"
            for v in ((before,) if before.version == after.version else (before, after))
        ]
        n = len(comparison.changes)
        if len(self.numbers) < 2:
            notes.append("Only one version so far: amend the contract (e) to make another.")
        elif before.version == after.version:
            notes.append("The same version on both sides: choose another to compare.")
        else:
            notes.append(f"{n} field{'s' if n != 1 else ''} changed.")
        self.query_one("#ct-version-notes", Static).update("\n".join(notes))
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        c = self.comparison
        if c is None:
            return
        table.columns[ColumnKey("before")].label = Text(f"Version {c.before.version}")
        table.columns[ColumnKey("after")].label = Text(f"Version {c.after.version}")
        same = c.before.version == c.after.version
        only = self.query_one("#ct-only-changes", Checkbox).value and not same
        for row in c.rows:
            if only and not row.changed:
                continue
            style = "bold" if row.changed else ""
            table.add_row(
                Text(("≠ " if row.changed else "") + row.label, style=style),
                Text(row.before or "–"),
                Text(row.after or "–", style=style),
                height=None,
                key=row.field,
            )

    @on(Select.Changed)
    def _pair_changed(self, event: Select.Changed) -> None:
        event.stop()
        before = self.query_one("#ct-before", Select).value
        after = self.query_one("#ct-after", Select).value
        if not (isinstance(before, int) and isinstance(after, int)):
            return
        shown = self.comparison
        if shown is None or (before, after) != (shown.before.version, shown.after.version):
            self.post_message(self.PairChosen(before, after))

    @on(Checkbox.Changed, "#ct-only-changes")
    def _only_changes(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._fill()
