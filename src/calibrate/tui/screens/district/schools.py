"""Schools: a coach's view of a merged database (``calibrate merge``), the app's
``calibrate schools``.

The table has one row per school, its first-round scores on the *shared* work (samples and
criteria with an agreed level that at least two schools scored): the share at the agreed level,
within one level, and the lean. Under it, the highlighted school in words, the samples it
scored and the anchors its meetings gave. R puts every school's raters on one Rasch scale: the
scores are read here (app thread) and fitted in a worker, which posts the result back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from calibrate.domain.errors import CalibrateError
from calibrate.services.district.schools import (
    CrossSchoolView,
    cross_school_agreement,
    school_sentence,
)
from calibrate.tui.base import StoreScreen

if TYPE_CHECKING:
    from calibrate.services.district.rasch import DistrictRasch
    from calibrate.services.reliability.rasch import SessionRatings

COLUMNS = ("School", "Sessions", "Raters", "Items", "Scores", "At level", "Within 1", "Lean")
RASCH_HINT = "R puts every school's raters on one Rasch scale (it names raters: for coaches)."


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


class SchoolsScreen(StoreScreen):
    TITLE = "Schools"
    BINDINGS = [
        Binding("R", "rasch", "Rasch scale", key_display="R"),
        Binding("f5", "refresh", "Refresh"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: CrossSchoolView | None = None
        self.rasch: DistrictRasch | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="sc-summary")
        yield DataTable(id="sc-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="sc-body"):
            yield Static("", id="sc-detail")
            yield Static(RASCH_HINT, id="sc-rasch", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        self.view = view = cross_school_agreement(self.store)
        table = self.query_one("#sc-table", DataTable)
        table.clear(columns=True)
        for name in COLUMNS:
            table.add_column(name, key=name.lower())
        for n, row in enumerate(view.schools):
            lean = "—" if row.lean is None else f"{round(row.lean, 2) + 0.0:+.2f}"
            cells = (row.sessions, row.raters, row.cells, row.scores)
            table.add_row(
                row.school,
                *(Text(str(c), justify="right") for c in cells),
                Text(_share(row.exact), justify="right"),
                Text(_share(row.within_one), justify="right"),
                Text(lean, justify="right"),
                key=str(n),
            )
        shared = view.shared_cells
        summary = (
            f"{len(view.schools)} school{'' if len(view.schools) == 1 else 's'} here; "
            f"{shared} shared item{'' if shared == 1 else 's'} (a sample and criterion with an "
            "agreed level, scored by at least two schools) to compare them on. Lean: + scores "
            "higher (more lenient) than the agreed level, − lower."
        )
        if view.note:
            summary += f"\n{view.note}"
        self.query_one("#sc-summary", Static).update(summary)
        self.show_school(0)
        table.focus()

    @on(DataTable.RowHighlighted, "#sc-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_school(int(event.row_key.value))

    def show_school(self, n: int) -> None:
        detail = self.query_one("#sc-detail", Static)
        if self.view is None or not self.view.schools:
            detail.update("No meeting here yet. `calibrate merge OTHER.db` brings schools in.")
            return
        row = self.view.schools[min(n, len(self.view.schools) - 1)]
        lines = [school_sentence(row)]
        if row.samples:
            lines.append(f"Scored: {', '.join(row.samples)}")
        if row.anchors:
            lines.append(f"Anchors from its meetings: {', '.join(row.anchors)}")
        detail.update(Text("\n".join(lines)))

    # ------------------------------------------------------------------ the Rasch scale
    def action_rasch(self) -> None:
        from calibrate.services.district.rasch import busiest_family, district_ratings

        panel = self.query_one("#sc-rasch", Static)
        family = busiest_family(self.store)
        if family is None:
            panel.update("There is no meeting here yet to put raters on a scale.")
            return
        try:
            ratings, rater_school, left_out, used = district_ratings(self.store, family)
        except CalibrateError as exc:
            panel.update(exc.message)
            return
        panel.update("Fitting every school's raters on one scale…")
        self.fit_rasch(ratings, rater_school, left_out, used)

    @work(thread=True, exclusive=True, group="district-rasch")
    def fit_rasch(
        self,
        ratings: SessionRatings,
        rater_school: dict[str, str],
        left_out: list[str],
        used: int,
    ) -> None:
        """Runs in a thread: plain data in, the fit posted back."""
        from calibrate.services.district.rasch import fit_district

        try:
            result = fit_district(ratings, rater_school, left_out, used)
        except CalibrateError as exc:
            self.app.call_from_thread(self.rasch_failed, exc.message)
            return
        except Exception as exc:  # a fault in the model must not end the coach's session
            self.log.error("district Rasch fit failed", exc)
            self.app.call_from_thread(self.rasch_failed, f"internal error ({exc!r})")
            return
        self.app.call_from_thread(self.show_rasch, result)

    def rasch_failed(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#sc-rasch", Static).update(f"The Rasch scale failed: {message}")

    def show_rasch(self, result: DistrictRasch) -> None:
        self.rasch = result
        if not self.is_attached:
            return
        from calibrate.services.district.rasch import district_lines

        self.query_one("#sc-rasch", Static).update(Text("\n".join(district_lines(result))))

    def action_refresh(self) -> None:
        self.load()

    def action_leave(self) -> None:
        self.app.pop_screen()
