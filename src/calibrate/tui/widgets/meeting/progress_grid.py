"""The facilitator's progress grid: raters × samples, counts only (never a score value).

``show(board)`` fills the grid the first time and afterwards rewrites only the cells that
changed, so a 0.5 s live refresh stays cheap.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from calibrate.services.meeting.board import Board

TOTAL = "total"
FINISHED = "finished"


class ProgressGrid(DataTable[Text]):
    """One row per rater, one column per sample (numbered), and a total per rater.

    Cells: ``✓`` finished, ``3/5`` criteria scored so far, ``·`` not started, ``—`` not in
    this re-score round. The last row
    counts, per sample, the raters who have finished it.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self._shown: dict[tuple[str, str], str] = {}
        self._built_for: tuple[tuple[int, ...], tuple[int, ...]] | None = None

    def show(self, board: Board) -> None:
        samples = tuple(s.id for s in board.context.samples if s.id is not None)
        raters = tuple(r.id for r in board.context.raters if r.id is not None)
        if self._built_for != (samples, raters):
            self._build(board, samples, raters)
        n_raters = len(raters)
        for rater_id in raters:
            for sample_id in samples:
                self._set(str(rater_id), str(sample_id), board.cell(rater_id, sample_id))
            self._set(str(rater_id), TOTAL, board.rater_total(rater_id))
        for sample_id in samples:
            self._set(FINISHED, str(sample_id), f"{board.sample_finished(sample_id)}/{n_raters}")
        self._set(FINISHED, TOTAL, f"{board.raters_finished}/{n_raters}")

    def _build(self, board: Board, samples: tuple[int, ...], raters: tuple[int, ...]) -> None:
        self.clear(columns=True)
        self._shown.clear()
        width = max(3, len(f"{board.n_criteria}/{board.n_criteria}"))
        for n, sample_id in enumerate(samples, start=1):
            self.add_column(Text(str(n), justify="center"), key=str(sample_id), width=width)
        self.add_column(Text("Total", justify="right"), key=TOTAL, width=9)
        blank = [Text("")] * (len(samples) + 1)
        for rater in board.context.raters:
            self.add_row(*blank, key=str(rater.id), label=Text(rater.name))
        self.add_row(*blank, key=FINISHED, label=Text("Finished by", style="italic"))
        self._built_for = (samples, raters)

    def _set(self, row: str, column: str, value: str) -> None:
        if self._shown.get((row, column)) == value:
            return
        self._shown[(row, column)] = value
        style = "bold" if value.startswith("✓") else ("dim" if value in ("·", "—") else "")
        text = Text(value, style=style, justify="right" if column == TOTAL else "center")
        self.update_cell(row, column, text)

    def cell_text(self, rater_id: int | str, sample_id: int | str) -> str:
        """What the grid shows for a rater on a sample (for tests and the status line)."""
        return self._shown.get((str(rater_id), str(sample_id)), "")
