"""A served tab after joining: a rater scores (only as themselves), then sees the spread once
the facilitator reveals; the facilitator runs this one session's board and reveal.

Each screen polls ``PRAGMA data_version`` (free) and reacts when another tab has written:
the reveal reaches every rater's screen without a reload, and so does a new round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input, Static

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import Phase
from calibrate.services.room import access as serve
from calibrate.storage.store_serve import ServedStore
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.meeting.scoring import ScoringScreen
from calibrate.tui.widgets.rubric_panel import RubricPanel

if TYPE_CHECKING:
    from calibrate.tui.served import ServedApp

POLL_SECONDS = 0.5


def _served_store(screen: StoreScreen) -> ServedStore:
    return cast("ServedApp", screen.app).served_store


class ServedScoringScreen(ScoringScreen):
    """Scoring as the seat's rater and nobody else; leaves by itself when the scores are
    revealed (the join screen beneath then opens the spread)."""

    BINDINGS = [Binding("escape", "leave", "Back to the rubric", show=False)]

    def __init__(self, seat: serve.Seat) -> None:
        assert seat.rater_id is not None
        super().__init__(seat.session_id, seat.rater_id)
        self.seat = seat
        self._version: int | None = None

    def on_mount(self) -> None:  # runs before ScoringScreen.on_mount, which loads the seat
        self._version = self.store.data_version()
        self.set_interval(POLL_SECONDS, self.poll)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_rater":  # hidden from the footer, the palette and the keys
            return False
        return super().check_action(action, parameters)

    def action_switch_rater(self) -> None:
        self.notify("This tab scores for you only. Open a new tab to join as someone else.")

    def start_rater(self, rater_id: int) -> None:
        if rater_id != self.seat.rater_id:
            self.notify("This tab scores for you only.", severity="error")
            return
        super().start_rater(rater_id)

    def commit(self, level: int, note: str) -> None:
        assert self.sample.id is not None
        try:
            score = serve.record_my_score(
                self.store,
                self.seat,
                sample_id=self.sample.id,
                criterion_key=self.criterion.key,
                level=level,
                note=note,
            )
        except CalibrateError as exc:
            self.notify(exc.message, severity="error", timeout=8)
            return
        self.mine[(self.sample.id, self.criterion.key)] = score
        self.show_item(sample_changed=False)

    def update_progress(self) -> None:
        super().update_progress()
        if len(self.mine) >= self.context.n_items:
            self.query_one("#progress-text", Static).update(
                f"{len(self.mine)} of {self.context.n_items} scored — all done, thank you! "
                "The spread appears here when the facilitator reveals."
            )

    def action_leave(self) -> None:
        """Escape leaves the note field; there is nowhere else to go from here."""
        self.query_one(RubricPanel).focus()

    def poll(self) -> None:
        if not self.is_current:
            return
        version = self.store.data_version()
        if version == self._version:
            return
        self._version = version
        session = self.store.get_session(self.session_id)
        if session.phase is Phase.SCORING and session.round == self.context.session.round:
            return
        if session.phase is not Phase.SCORING:
            self.notify("The facilitator has revealed the scores.")
        note = self.query_one("#note", Input)
        note.blur()
        self.dismiss()


class RaterRevealScreen(StoreScreen):
    """After the reveal: how the team scored each item (names only if the facilitator allows),
    read-only."""

    TITLE = "The spread"

    def __init__(self, seat: serve.Seat) -> None:
        super().__init__()
        self.seat = seat
        self.view: serve.RaterReveal | None = None
        self._version: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="spread-title")
        yield DataTable(id="spread-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="spread-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#spread-table", DataTable).add_columns(
            "Sample", "Criterion", "Levels chosen (level: raters)", "You", "Agreed"
        )
        self.show()
        self.query_one("#spread-table", DataTable).focus()
        self.set_interval(POLL_SECONDS, self.poll)

    def show(self) -> None:
        self._version = self.store.data_version()
        try:
            self.view = view = serve.rater_reveal(_served_store(self), self.seat)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            self.dismiss()
            return
        self.sub_title = view.title
        self.query_one("#spread-title", Static).update(
            f"Round {view.round}: how the team scored each item. "
            + ("Names are shown." if view.names_shown else "Names are hidden.")
        )
        table = self.query_one("#spread-table", DataTable)
        row = table.cursor_row
        table.clear()
        for n, item in enumerate(view.items):
            table.add_row(
                item.sample_title,
                item.criterion_name,
                "  ".join(f"{level}: {count}" for level, count in item.counts),
                "–" if item.mine is None else str(item.mine),
                "" if item.agreed is None else str(item.agreed),
                key=str(n),
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self.show_detail()

    @on(DataTable.RowHighlighted, "#spread-table")
    def show_detail(self) -> None:
        view, table = self.view, self.query_one("#spread-table", DataTable)
        detail = self.query_one("#spread-detail", Static)
        if view is None or not view.items:
            return
        item = view.items[min(table.cursor_row, len(view.items) - 1)]
        # The row's figures again, in words: on a phone the table's right-hand columns are off
        # screen, and this panel is what the rater reads.
        counts = ", ".join(f"{count} at {level}" for level, count in item.counts)
        you = "you did not score it" if item.mine is None else f"you chose {item.mine}"
        agreed = "" if item.agreed is None else f"; the team agreed {item.agreed}"
        lines = [f"{item.sample_title} · {item.criterion_name}", f"{counts}; {you}{agreed}."]
        if item.names is None:
            lines.append("Names are hidden (the facilitator decides whether to show them).")
        else:
            lines += [f"{level}: {', '.join(who)}" for level, who in item.names if who] or [
                "nobody scored this item"
            ]
        detail.update("\n".join(lines))

    def poll(self) -> None:
        if not self.is_current or self.store.data_version() == self._version:
            return
        if self.store.get_session(self.seat.session_id).phase is Phase.SCORING:
            self.notify("A new round has started: score again.")
            self.dismiss()
            return
        self.show()


class FacilitatorScreen(StoreScreen):
    """The facilitator's tab: the codes to show the room, progress, the board and the reveal."""

    TITLE = "Facilitator"
    BINDINGS = [
        Binding("b", "board", "Board"),
        Binding("v", "reveal", "Reveal / spread"),
        Binding("s", "names", "Show names or not"),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(self, seat: serve.Seat) -> None:
        super().__init__()
        self.seat = seat
        self._version: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="lead-title", classes="title")
        yield Static("", id="lead-codes")
        yield Static("", id="lead-progress")
        yield Static("", id="lead-names")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_status()
        self.set_interval(POLL_SECONDS, self.poll)

    def on_screen_resume(self) -> None:
        self.refresh_status()

    def poll(self) -> None:
        if self.is_current and self.store.data_version() != self._version:
            self.refresh_status()

    def refresh_status(self) -> None:
        from calibrate.services.meeting.board import board

        self._version = self.store.data_version()
        store = _served_store(self)
        current = board(store, self.seat.session_id)
        session = current.context.session
        self.sub_title = session.title
        self.query_one("#lead-title", Static).update(
            f"{session.title} · round {current.round} · phase: {session.phase.value}"
        )
        self.query_one("#lead-codes", Static).update(
            "Raters join with the code printed where `calibrate serve` runs (it is kept "
            "hashed, so it is not shown here).\nKeep your facilitator code to yourself."
        )
        self.query_one("#lead-progress", Static).update(current.status())
        shown = store.reveal_names(self.seat.session_id)
        self.query_one("#lead-names", Static).update(
            "After the reveal raters see "
            + ("the spread [b]with names[/b]" if shown else "the spread [b]without names[/b]")
            + " (s to change)."
        )

    def action_board(self) -> None:
        from calibrate.tui.screens.meeting.board import BoardScreen

        self.app.push_screen(BoardScreen(self.seat.session_id))

    def action_reveal(self) -> None:
        from calibrate.tui.screens.meeting.reveal import RevealScreen

        phase = self.store.get_session(self.seat.session_id).phase
        if phase is Phase.SCORING:
            self.notify("Not revealed yet: on the board, press r to reveal.")
            self.action_board()
            return
        self.app.push_screen(RevealScreen(self.seat.session_id))

    def action_names(self) -> None:
        store = _served_store(self)
        try:
            store.set_reveal_names(
                self.seat.session_id, not store.reveal_names(self.seat.session_id)
            )
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
        self.refresh_status()

    def action_leave(self) -> None:
        cast("ServedApp", self.app).seat = None
        self.dismiss()
