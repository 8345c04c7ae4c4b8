"""The facilitator's board: who has finished each sample, live, and the reveal.

The board never shows a score value: only how many criteria each rater has scored on each
sample. Raters may score from other processes (other terminals, the browser), so the board
polls SQLite's ``data_version`` twice a second and redraws only when something was written.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import Phase
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.board import Board, board
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ConfirmModal
from calibrate.tui.widgets.meeting.progress_grid import TOTAL, ProgressGrid

POLL_SECONDS = 0.5

LEGEND = (
    "✓ finished   3/5 criteria scored so far   · not started   — not in this round   "
    "(no scores are shown here)"
)


class BoardScreen(StoreScreen):
    """Raters × samples progress for the current round, with the reveal."""

    TITLE = "Board"
    BINDINGS = [
        Binding("r", "reveal", "Reveal"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.board: Board | None = None
        self._version: int | None = None
        self._was_finished = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="board-title")
        yield ProgressGrid(id="board-grid")
        yield Static(LEGEND, id="board-legend", classes="hint")
        yield Static("", id="board-detail")
        yield Static("", id="board-status")
        yield Footer()

    def on_mount(self) -> None:
        try:
            self.refresh_board()
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            self.app.pop_screen()
            return
        self.query_one(ProgressGrid).focus()
        self.set_interval(POLL_SECONDS, self.poll)
        self.warm_up()

    @work(thread=True, group="warm-up")
    def warm_up(self) -> None:
        """Load the statistics (scipy) in the background while raters score, so that the
        agreement figures appear sooner after the reveal."""
        import calibrate.stats.report  # noqa: F401

    def on_screen_resume(self) -> None:
        if self.board is not None:
            self.refresh_board()

    # ------------------------------------------------------------------ live refresh
    def poll(self) -> None:
        """Redraw only when another connection has written to the database."""
        if self.store.data_version() != self._version:
            self.refresh_board()

    def refresh_board(self) -> None:
        self._version = self.store.data_version()
        self.board = current = board(self.store, self.session_id)
        session = current.context.session
        self.sub_title = session.title
        self.query_one("#board-title", Static).update(
            f"{current.context.round_label()} · {len(current.context.samples)} samples × "
            f"{current.n_criteria} criteria · {len(current.context.raters)} raters · "
            f"phase: {session.phase.value}"
        )
        self.query_one(ProgressGrid).show(current)
        status = self.query_one("#board-status", Static)
        status.update(current.status())
        status.set_class(current.everyone_finished, "everyone-done")
        if current.everyone_finished and not self._was_finished:
            self.notify("Everyone has finished. Press r to reveal.")
        self._was_finished = current.everyone_finished
        self.show_detail()

    @on(DataTable.CellHighlighted, "#board-grid")
    def show_detail(self) -> None:
        """Spell out the highlighted cell: which sample, who, how far."""
        grid = self.query_one(ProgressGrid)
        current = self.board
        if current is None or not grid.row_count:
            return
        keys = grid.coordinate_to_cell_key(grid.cursor_coordinate)
        row, column = keys.row_key.value, keys.column_key.value
        detail = self.query_one("#board-detail", Static)
        if column == TOTAL or row is None or column is None:
            detail.update("Total: scores given in this round out of the scores expected.")
            return
        sample = current.context.sample(int(column))
        number = current.context.samples.index(sample) + 1
        head = f"Sample {number}: {sample.title}"
        if not row.isdigit():
            detail.update(
                f"{head} — {current.sample_finished(sample.id or 0)} of "
                f"{len(current.context.raters)} raters have finished it"
            )
            return
        rater = current.context.rater(int(row))
        done, asked = current.done(int(row), int(column)), current.asked(int(column))
        if not asked:
            detail.update(f"{head} — not re-scored in round {current.round}")
            return
        detail.update(f"{head} — {rater.name} has scored {done} of {asked} criteria")

    # ------------------------------------------------------------------ actions
    def action_reveal(self) -> None:
        self.refresh_board()
        current = self.board
        assert current is not None
        phase = current.context.session.phase
        if phase in (Phase.REVEAL, Phase.CONSENSUS, Phase.CLOSED):
            self.notify("The scores are already revealed.")
            self.open_reveal()
            return
        if phase is not Phase.SCORING:
            self.notify("This session has not started scoring yet.", severity="warning")
            return
        if (why := current.nothing_to_reveal()) is not None:
            self.notify(why, severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                meeting.reveal(self.store, self.session_id)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error")
                return
            self.open_reveal()

        self.app.push_screen(
            ConfirmModal(current.reveal_question(), yes="Reveal", no="Not yet"), answered
        )

    def open_reveal(self) -> None:
        from calibrate.tui.screens.meeting.reveal import RevealScreen

        self.app.switch_screen(RevealScreen(self.session_id))

    def action_leave(self) -> None:
        self.app.pop_screen()
