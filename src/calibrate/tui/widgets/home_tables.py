"""Home's three lists. Each carries the keys that act on it, so the footer shows the actions
for the tab in front (every key also works from anywhere on Home and is in the palette)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from calibrate.domain.model import Rubric
from calibrate.services.records.catalog import SessionSummary
from calibrate.tui.base import NARROW_BELOW

# The narrow list's columns beside the session (Raters, Progress: "240/240 scores"), each
# with a cell's padding, and the scroll bar.
NARROW_OTHERS = 8 + 16 + 2
NARROW_SUBJECT = 12  # "English language arts" → "English lan…" under 100 columns


class SessionTable(DataTable[str | Text]):
    BINDINGS = [
        Binding("s", "screen.score", "Score"),
        Binding("b", "screen.board", "Board"),
        Binding("v", "screen.reveal", "Reveal"),
        Binding("n", "screen.new_session", "New", tooltip="New session"),
        Binding("x", "screen.finish", "Finish", tooltip="Finish session"),
    ]

    def show(self, summaries: Sequence[SessionSummary], *, width: int) -> None:
        """List the sessions, the cursor kept on its row. Under NARROW_BELOW columns a session
        takes two lines (its title; phase, date and rubric beneath), so that nothing is cut
        off at 80 columns."""
        cursor = self.cursor_row
        self.clear(columns=True)
        if width >= NARROW_BELOW:
            self.add_columns("Session", "Phase", "Date", "Rubric", "Raters", "Progress")
            for s in summaries:
                self.add_row(
                    s.session.title,
                    s.phase_text,
                    s.session.date,
                    f"{s.rubric_name} v{s.rubric_version}",
                    str(s.n_raters),
                    s.progress_text,
                    key=str(s.session.id),
                )
        else:
            self.add_column("Session", width=max(20, width - NARROW_OTHERS - 2))
            self.add_columns("Raters", "Progress")
            for s in summaries:
                about = f"{s.phase_text} · {s.session.date} · {s.rubric_name} v{s.rubric_version}"
                cell = Text(s.session.title, style="bold", overflow="ellipsis", no_wrap=True)
                cell.append("\n" + about, style="not bold")
                self.add_row(
                    cell, str(s.n_raters), s.progress_text, key=str(s.session.id), height=2
                )
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1))


class RubricTable(DataTable[str | Text]):
    BINDINGS = [
        Binding("e", "screen.edit_rubric", "Edit", tooltip="Edit rubric"),
        Binding("w", "screen.work_samples", "Samples", tooltip="Work samples"),
        Binding("m", "screen.master_key", "Key", tooltip="Master key"),
        Binding("k", "screen.kits", "Kits"),
    ]

    def show(self, rubrics: Sequence[Rubric], *, width: int) -> None:
        """List the rubrics' newest versions; under NARROW_BELOW columns a long subject is cut
        short (with …) so that every column fits in 80."""
        cursor = self.cursor_row
        self.clear(columns=True)
        self.add_column("Rubric")
        self.add_column("Version")
        self.add_column("Subject", width=NARROW_SUBJECT if width < NARROW_BELOW else None)
        self.add_columns("Grades", "Kind", "Criteria")
        for r in rubrics:
            subject = Text(r.subject, overflow="ellipsis", no_wrap=True)
            self.add_row(
                r.name,
                str(r.version),
                subject,
                r.grade_band,
                r.kind.value,
                str(len(r.criteria)),
                key=str(r.id),
            )
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1))


class RaterTable(DataTable[str]):
    BINDINGS = [
        Binding("r", "screen.raters", "Reliability"),
        Binding("t", "screen.raters_admin", "Raters", tooltip="Manage raters"),
        Binding("d", "screen.schools", "Schools", tooltip="Schools (a coach's merged database)"),
    ]
