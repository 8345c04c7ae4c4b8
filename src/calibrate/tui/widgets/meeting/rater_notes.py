"""After the reveal: each rater's level on one item and the evidence note they wrote, by name."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from calibrate.services.meeting.consensus import RaterLine

NOTE_WIDTH = 70


class RaterNotesTable(DataTable[Text]):
    """Rater · level · label · because… ; one row per rater, notes wrapped onto several lines."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("Rater", key="rater")
        self.add_column("Level", key="level")
        self.add_column("Label", key="label")
        self.add_column("Because…", key="note", width=NOTE_WIDTH)

    def show(self, lines: Sequence[RaterLine]) -> None:
        self.clear()
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
