"""Home's three lists. Each carries the keys that act on it, so the footer shows the actions
for the tab in front (every key also works from anywhere on Home and is in the palette)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class SessionTable(DataTable[str]):
    BINDINGS = [
        Binding("s", "screen.score", "Score"),
        Binding("b", "screen.board", "Board"),
        Binding("v", "screen.reveal", "Reveal"),
        Binding("n", "screen.new_session", "New session"),
        Binding("x", "screen.finish", "Finish session"),
    ]


class RubricTable(DataTable[str]):
    BINDINGS = [
        Binding("e", "screen.edit_rubric", "Edit rubric"),
        Binding("w", "screen.work_samples", "Work samples"),
        Binding("m", "screen.master_key", "Master key"),
        Binding("k", "screen.kits", "Kits"),
    ]


class RaterTable(DataTable[str]):
    BINDINGS = [
        Binding("r", "screen.raters", "Reliability"),
        Binding("t", "screen.raters_admin", "Manage raters"),
    ]
