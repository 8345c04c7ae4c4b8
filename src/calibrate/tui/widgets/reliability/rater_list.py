"""Everyone's status in one table: verdict (with a mark), n, the Wilson lower bound that decides
it against its bar, the window (the sessions the verdict rests on: n, the bound, the lean and
far-off scores cover the same ones, as in ``calibrate raters``), the lean, and flags (scores
not compared yet, central tendency in the latest session, scores two or more levels away,
drift).
Enter or a click on a row chooses the rater."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import DataTable

from calibrate.services.reliability.status import RaterStatus, TeamStatus
from calibrate.stats.rater_effects import Lean
from calibrate.tui.widgets.reliability.verdict_card import VERDICT_STYLES

COLUMNS = ("Rater", "Verdict", "n", "Lower bound", "Window", "Lean", "Flags")

LEGEND = (
    "Window: the sessions each verdict rests on (the policy's last compared sessions); n, the "
    "lower bound, the lean and far-off scores cover the same ones. Lower bound: the 95% Wilson "
    "lower bound of the share that decides the verdict, against its bar. Lean: levels above (+) "
    "or below (-) the reference; lenient or severe only when the whole 95% interval is on one "
    "side. Flags: scores not compared (no master key and no consensus yet), central tendency "
    "in the latest session, drift over time."
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def bound_text(status: RaterStatus) -> str:
    check = status.bound_check
    if check is None:
        return "—"
    words = "exact" if check.measure == "exact" else "±1"
    return f"{_pct(check.lower_bound)} {words} (bar {_pct(check.bar)})"


def lean_text(status: RaterStatus) -> str:
    value = status.lean.statistic
    if value is None:
        return "—"
    kind = status.lean_kind
    word = kind.value if kind in (Lean.LENIENT, Lean.SEVERE) else ""
    return f"{value:+.2f} {word}".rstrip()


def flags_text(status: RaterStatus) -> str:
    flags = []
    waiting = status.window.n_not_compared
    if waiting:
        flags.append(f"{waiting} not compared")
    if status.central_tendency:
        flags.append("central tendency")
    far = status.window.n_far
    if far:
        flags.append(f"{far} score{'' if far == 1 else 's'} 2+ away")
    if status.drift_count:
        flags.append(f"⚠ drift ×{status.drift_count}")
    return ", ".join(flags)


def row_cells(status: RaterStatus) -> tuple[Text, ...]:
    cert = status.certification
    verdict = cert.verdict
    style = VERDICT_STYLES[verdict] if status.window.n_compared else ""
    return (
        Text(status.rater.name),
        Text(f"{status.verdict_mark} {status.verdict_text}", style=style),
        Text(str(cert.n), justify="right"),
        Text(bound_text(status)),
        Text(status.window.dates),
        Text(lean_text(status)),
        Text(flags_text(status)),
    )


class RaterList(DataTable[Text]):
    @dataclass
    class RaterChosen(Message):
        rater_id: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for name in COLUMNS:
            self.add_column(name, key=name)

    def show(self, team: TeamStatus) -> None:
        current = self.current()
        self.clear()
        for status in team.raters:
            self.add_row(*row_cells(status), key=str(status.rater.id))
        if current is not None and str(current) in self.rows:
            self.move_cursor(row=self.get_row_index(str(current)))

    def current(self) -> int | None:
        """The id of the rater under the cursor."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def cell(self, rater_id: int, column: str) -> str:
        """The words in one cell (for tests)."""
        return str(self.get_cell(str(rater_id), column))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.RaterChosen(int(event.row_key.value)))
