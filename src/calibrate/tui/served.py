"""The app each browser tab runs in a served meeting (``calibrate serve``).

It starts at the join screen, never at Home: a tab first proves it holds the session's join code
(then scores as one rater, and only that rater) or the facilitator's code (then runs the board
and the reveal of that one session). The stack's bottom screen is the join screen, which routes
the tab again whenever the screen above it closes, so Escape never leads anywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from calibrate.services.room.access import Seat
from calibrate.storage.store_serve import ServedStore
from calibrate.tui.app import CalibrateApp

POLL_SECONDS = 0.5  # how often a tab checks whether another process wrote to the database


class ServedApp(CalibrateApp):
    """calibrate in a browser tab: join, then score (rater) or run the meeting (facilitator)."""

    TITLE = "calibrate"
    # F1 opens the browser's own help page: ? does it here too. No key needs Ctrl+R/W/T/N.
    BINDINGS = [
        Binding("f1", "help", "Help", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, store: ServedStore, *, session_id: int | None = None) -> None:
        super().__init__(store, facilitator=False)
        self.served_store = store
        self.served_session = session_id  # only this session's codes are accepted, if given
        self.seat: Seat | None = None
        self.sub_title = ""  # not the server's file path

    def get_default_screen(self) -> Screen[None]:
        return Screen(id="_default")  # not CalibrateApp's launcher: a tab never reaches Home

    @on(events.Mount)
    def join_first(self, event: events.Mount) -> None:
        from calibrate.tui.screens.room.join import JoinScreen

        event.prevent_default()  # not CalibrateApp's Home screen
        self.push_screen(JoinScreen(self.served_session))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Only the current screen's own actions: no theme picker, no screenshot written to the
        server's disk, nothing that reaches past this tab's seat."""
        stock = {command.title for command in App.get_system_commands(self, screen)}
        for command in super().get_system_commands(screen):
            if command.title not in stock:
                yield command
