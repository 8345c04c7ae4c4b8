"""The reveal's heat map: samples × criteria, each cell the spread of levels the raters chose.

A cell lists how many raters chose each level (``2 3 1 ·``: two at level 1, three at 2, one at
3, none at 4), then ``!`` when the raters split across the cut score and ``✓`` once the team
agreed a level. The colour band (green all agree, amber most agree, red no clear majority)
repeats what the counts already say, so nothing depends on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import DataTable

from calibrate.domain.model import Criterion
from calibrate.services.meeting.board import Band, band, cell_text, level_header
from calibrate.services.meeting.reveal import ItemSpread, Reveal

BAND_STYLES: dict[Band, str] = {
    Band.NONE: "",
    Band.AGREE: "#ffffff on #005f00",
    Band.SOME: "#000000 on #d7af5f",
    Band.SPLIT: "#ffffff on #af0000",
}

TITLE_WIDTH = 16


class HeatMap(DataTable[Text]):
    """Arrow keys or the mouse move over the items; Enter (or a second click) chooses one."""

    @dataclass
    class ItemHighlighted(Message):
        sample_id: int
        criterion_key: str

    @dataclass
    class ItemChosen(Message):
        sample_id: int
        criterion_key: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            cursor_type="cell",
            header_height=2,
            cell_padding=0,
            cursor_background_priority="css",
        )
        self._layout: tuple[tuple[int, ...], tuple[str, ...]] | None = None
        self._shown: dict[tuple[str, str], str] = {}
        self._widths: dict[str, int] = {}

    def show(self, reveal: Reveal) -> None:
        """Fill the map (first time: each row added whole, which is much cheaper than a cell
        at a time) or rewrite the cells that changed."""
        context = reveal.context
        samples = tuple(s.id for s in context.samples if s.id is not None)
        criteria = tuple(c.key for c in context.rubric.criteria)
        n_raters = len(context.raters)
        if self._layout != (samples, criteria):
            self._build(reveal, n_raters)
            self._layout = (samples, criteria)
            return
        by_key = {c.key: c for c in context.rubric.criteria}
        for item in reveal.items:
            key, text, width = self._cell(item, by_key[item.criterion_key], n_raters)
            if self._shown.get(key) == text + band(item):
                continue
            self._shown[key] = text + band(item)
            self.update_cell(key[0], key[1], _styled(text, item, width))

    def _build(self, reveal: Reveal, n_raters: int) -> None:
        self.clear(columns=True)
        self._shown.clear()
        self._widths.clear()
        criteria = reveal.context.rubric.criteria
        for criterion in criteria:
            width = _column_width(criterion, n_raters)
            self._widths[criterion.key] = width
            name = criterion.name
            if len(name) > width - 1:
                name = name[: width - 2] + "…"
            label = Text(
                " " + name.center(width - 1) + "\n " + level_header(criterion, n_raters),
                style="bold",
            )
            self.add_column(label, key=criterion.key, width=width)
        cells: dict[tuple[str, str], Text] = {}
        by_key = {c.key: c for c in criteria}
        for item in reveal.items:
            key, text, width = self._cell(item, by_key[item.criterion_key], n_raters)
            self._shown[key] = text + band(item)
            cells[key] = _styled(text, item, width)
        for number, sample in enumerate(reveal.context.samples, start=1):
            title = f"{number} {sample.title}"
            if len(title) > TITLE_WIDTH:
                title = title[: TITLE_WIDTH - 1] + "…"
            row = str(sample.id)
            self.add_row(
                *(cells.get((row, c.key), Text("")) for c in criteria),
                key=row,
                label=Text(title),
            )

    def _cell(
        self, item: ItemSpread, criterion: Criterion, n_raters: int
    ) -> tuple[tuple[str, str], str, int]:
        """The cell's (row, column) keys, its counts text and its column's width."""
        key = (str(item.sample_id), item.criterion_key)
        return key, cell_text(item, criterion, n_raters), self._widths[item.criterion_key]

    # ------------------------------------------------------------------ the cursor
    def current(self) -> tuple[int, str] | None:
        """The (sample id, criterion key) under the cursor."""
        if not self.row_count or not self.columns:
            return None
        keys = self.coordinate_to_cell_key(self.cursor_coordinate)
        if keys.row_key.value is None or keys.column_key.value is None:
            return None
        return int(keys.row_key.value), keys.column_key.value

    def move_to(self, sample_id: int, criterion_key: str) -> None:
        row = self.get_row_index(str(sample_id))
        column = self.get_column_index(criterion_key)
        self.move_cursor(row=row, column=column, scroll=True)

    @on(DataTable.CellHighlighted)
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        if (here := self.current()) is not None:
            self.post_message(self.ItemHighlighted(*here))

    @on(DataTable.CellSelected)
    def _selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        if (here := self.current()) is not None:
            self.post_message(self.ItemChosen(*here))


def _styled(text: str, item: ItemSpread, width: int) -> Text:
    return Text(f" {text}".ljust(width), style=BAND_STYLES[band(item)])


def _column_width(criterion: Criterion, n_raters: int) -> int:
    """Room for the counts and the two markers (or a short criterion name), and a margin."""
    counts = len(level_header(criterion, n_raters)) + 3
    return max(counts, min(len(criterion.name), 12)) + 1
