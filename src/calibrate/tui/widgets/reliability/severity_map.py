"""A heat map of severity / leniency: rows (raters, or one rater's sessions) × criteria.

Each cell is the mean signed deviation from the reference in levels, written with its sign
(``+0.50`` lenient, ``-0.38`` severe), then ``▲`` or ``▼`` when the whole 95% interval lies
above or below zero, ``?`` when there is no margin of error (one score, or every score the same
distance away), and ``—`` when nothing could be compared. The colour (blue above the reference,
orange below, stronger further away) repeats what the sign already says, so nothing depends on
colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import DataTable

from calibrate.services.reliability.comparison import SessionReliability
from calibrate.services.reliability.history import RaterHistory
from calibrate.stats.rater_effects import Estimate, Lean, lean_of

LEGEND = (
    "levels above (+, lenient) or below (-, severe) the reference · ▲/▼ the whole 95% "
    "interval is above/below zero · ? no margin of error (one score, or all the same "
    "distance) · — nothing compared\n"
    "colour repeats the sign: blue above, orange below; the stronger, the further away"
)

#: (smallest |mean| shown with this strength, style above the reference, style below it)
SHADES: tuple[tuple[float, str, str], ...] = (
    (0.5, "bold #ffffff on #005faf", "bold #000000 on #ff8700"),
    (0.25, "#000000 on #5fafff", "#000000 on #ffaf5f"),
    (0.1, "#000000 on #afd7ff", "#000000 on #ffd7af"),
)

CELL_WIDTH = 8  # room for "+0.50▲" and a margin
NAME_WIDTH = 13  # the longest criterion name shown whole
LABEL_WIDTH = 24


@dataclass(frozen=True)
class SeverityColumn:
    key: str
    name: str
    subtitle: str = ""  # a second header line (e.g. the rubric), may be empty


@dataclass(frozen=True)
class SeverityRow:
    key: str
    label: str
    cells: dict[str, Estimate] = field(default_factory=dict)  # column key -> estimate


def cell_text(estimate: Estimate | None) -> str:
    """The cell's words: signed value and significance mark (no colour needed to read it)."""
    if estimate is None or estimate.statistic is None:
        return "—"
    mark = {Lean.LENIENT: "▲", Lean.SEVERE: "▼", Lean.NONE: " ", Lean.UNKNOWN: "?"}
    return f"{estimate.statistic:+.2f}{mark[lean_of(estimate)]}"


def cell_style(estimate: Estimate | None) -> str:
    if estimate is None or estimate.statistic is None:
        return ""
    value = estimate.statistic
    for least, above, below in SHADES:
        if abs(value) >= least:
            return above if value > 0 else below
    return ""


class SeverityMap(DataTable[Text]):
    """Arrow keys or the mouse move over the cells; the screen shows the cell's reading."""

    @dataclass
    class CellShown(Message):
        """The cursor is on a cell: its row, column and figure (None for an empty cell)."""

        row_key: str
        column_key: str
        estimate: Estimate | None
        label: str  # "row label · column name", for a reading line

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            cursor_type="cell",
            header_height=2,
            cursor_background_priority="css",
        )
        self._cells: dict[tuple[str, str], Estimate] = {}
        self._row_labels: dict[str, str] = {}
        self._column_names: dict[str, str] = {}

    def show(self, columns: Sequence[SeverityColumn], rows: Sequence[SeverityRow]) -> None:
        self.clear(columns=True)
        self._cells.clear()
        self._row_labels = {r.key: r.label for r in rows}
        self._column_names = {c.key: c.name for c in columns}
        self.header_height = 2 if any(c.subtitle for c in columns) else 1
        widths = {c.key: max(CELL_WIDTH, min(len(c.name), NAME_WIDTH)) for c in columns}
        for column in columns:
            width = widths[column.key]
            name = _fit(column.name, width)
            sub = _fit(column.subtitle, width)
            label = f"{name}\n{sub}" if self.header_height == 2 else name
            self.add_column(Text(label, style="bold"), key=column.key, width=width)
        for row in rows:
            cells = []
            for column in columns:
                estimate = row.cells.get(column.key)
                if estimate is not None:
                    self._cells[(row.key, column.key)] = estimate
                text = cell_text(estimate).center(widths[column.key])
                cells.append(Text(text, style=cell_style(estimate)))
            self.add_row(*cells, key=row.key, label=Text(_fit(row.label, LABEL_WIDTH)))

    def estimate(self, row_key: str, column_key: str) -> Estimate | None:
        return self._cells.get((row_key, column_key))

    def text_at(self, row_key: str, column_key: str) -> str:
        """The words shown in a cell (for tests and screen readers)."""
        return cell_text(self.estimate(row_key, column_key))

    def move_to_row(self, row_key: str) -> None:
        if row_key in self.rows:
            self.move_cursor(row=self.get_row_index(row_key), scroll=True)

    @on(DataTable.CellHighlighted)
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        keys = event.cell_key
        if keys.row_key.value is None or keys.column_key.value is None:
            return
        row, column = keys.row_key.value, keys.column_key.value
        label = f"{self._row_labels.get(row, row)} · {self._column_names.get(column, column)}"
        self.post_message(self.CellShown(row, column, self.estimate(row, column), label))

    @dataclass
    class RowChosen(Message):
        """Enter or a second click on a cell: the row's key."""

        row_key: str

    @on(DataTable.CellSelected)
    def _selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        if event.cell_key.row_key.value is not None:
            self.post_message(self.RowChosen(event.cell_key.row_key.value))


Layout = tuple[tuple[SeverityColumn, ...], tuple[SeverityRow, ...]]


def session_layout(reliability: SessionReliability) -> Layout:
    """The team's map for one session: raters × the rubric's criteria."""
    matrix = reliability.severity_matrix()
    columns = tuple(SeverityColumn(c.key, c.name) for c in matrix.criteria)
    rows = tuple(
        SeverityRow(
            str(rater.id),
            rater.name,
            {c.key: matrix.cell(rater.id, c.key) for c in matrix.criteria},
        )
        for rater in matrix.raters
        if rater.id is not None
    )
    return columns, rows


ALL_SESSIONS = "all"


def history_layout(history: RaterHistory) -> Layout:
    """One rater's map: every session pooled, then each session × criteria (grouped by
    rubric; the rubric is the second header line when there are several)."""
    rubrics = {c.rubric_name for c in history.by_criterion}
    columns = tuple(
        SeverityColumn(
            f"{c.rubric_name}\x1f{c.criterion.key}",
            c.criterion.name,
            c.rubric_name if len(rubrics) > 1 else "",
        )
        for c in history.by_criterion
    )
    pooled = SeverityRow(
        ALL_SESSIONS,
        "All sessions",
        {f"{c.rubric_name}\x1f{c.criterion.key}": c.estimate for c in history.by_criterion},
    )
    rows = [pooled] if len(history.points) > 1 else []
    for point in reversed(history.points):
        result = point.result
        rows.append(
            SeverityRow(
                str(point.session.id),
                f"{point.session.date} {point.session.title}",
                {
                    f"{result.rubric_name}\x1f{key}": estimate
                    for key, estimate in result.severity_by_criterion.items()
                },
            )
        )
    return columns, tuple(rows)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
