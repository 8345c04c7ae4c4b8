"""After the reveal: each rater's level on one item and the evidence note they wrote, by name."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from calibrate.services.meeting.consensus import RaterLine

NOTE_WIDTH = 70  # at most; a narrower terminal gives the note what is left (at least 20)
PADDING = 2  # each cell's padding


class RaterNotesTable(DataTable[Text]):
    """Rater · level · label · because… ; one row per rater, notes wrapped onto several lines."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("Rater", key="rater")
        self.add_column("Level", key="level")
        self.add_column("Label", key="label")
        self.add_column("Because…", key="note", width=NOTE_WIDTH)
        self.lines: Sequence[RaterLine] = ()

    def note_width(self, lines: Sequence[RaterLine]) -> int:
        """What the other columns leave of the table's width, so a note wraps inside it
        (at 80 columns the end of a note was off the screen)."""
        width = self.size.width or self.app.size.width
        rater = max([len("Rater"), *(len(line.rater.name) for line in lines)])
        label = max([len("Label"), *(len(line.label) for line in lines)])
        others = rater + len("Level") + label + 4 * PADDING + 2  # and the scroll bar
        return max(20, min(NOTE_WIDTH, width - others))

    def on_resize(self) -> None:
        if self.lines:
            self.show(self.lines)

    def show(self, lines: Sequence[RaterLine]) -> None:
        self.lines = lines
        self.clear()
        self.columns[ColumnKey("note")].width = self.note_width(lines)
        for line in lines:
            scored = line.level is not None
            self.add_row(
                Text(line.rater.name),
                Text(str(line.level) if scored else "—", justify="center", style="bold"),
                Text(line.label),
                Text(line.note) if scored else Text("(no score)", style="italic dim"),
                height=None,
                key=str(line.rater.id),
            )
