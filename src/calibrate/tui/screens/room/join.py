"""Joining a served meeting: the code, then (for a rater) who you are.

:class:`JoinScreen` is the bottom of a served tab's screen stack. Once the tab has a seat it
sends it on (a rater to scoring or, after the reveal, to the spread; the facilitator to the
meeting screen), and whenever the screen above closes it sends it on again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import Phase
from calibrate.services.meeting import sessions as meeting
from calibrate.services.room import access as serve
from calibrate.services.room.seats import claim_seat
from calibrate.tui.base import StoreScreen

if TYPE_CHECKING:
    from calibrate.tui.served import ServedApp

RaterPickCallback = Callable[[int | None], None]


class JoinScreen(StoreScreen):
    """Type the code from the facilitator's screen."""

    TITLE = "Join the meeting"
    BINDINGS = [Binding("escape", "clear", "Clear")]

    def __init__(self, session_id: int | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.wrong = 0  # wrong codes in a row

    @property
    def served(self) -> ServedApp:
        return cast("ServedApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="join-box"):
            yield Static("Join the calibration meeting", classes="title")
            yield Static(
                "Type the code shown on the facilitator's screen, then press Enter.",
                id="join-hint",
            )
            yield Input(placeholder="the code, e.g. K7QM2P", id="join-code", max_length=20)
            yield Static("", id="join-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#join-code", Input).focus()

    def on_screen_resume(self) -> None:
        self.route()

    def action_clear(self) -> None:
        self.query_one("#join-code", Input).value = ""

    # ------------------------------------------------------------------ the code
    @on(Input.Submitted, "#join-code")
    def code_entered(self, event: Input.Submitted) -> None:
        field = self.query_one("#join-code", Input)
        if not event.value.strip():
            return
        try:
            seat = serve.join(self.store, event.value, session_id=self.session_id)
        except CalibrateError as exc:
            self.refused(exc.message)
            return
        self.wrong = 0
        field.value = ""
        self.query_one("#join-status", Static).update("")
        if seat.facilitator:
            self.served.seat = seat
            self.route()
            return
        self.app.push_screen(
            RaterPickScreen(self.rater_options(seat.session_id)), self.picked(seat)
        )

    def refused(self, message: str) -> None:
        self.wrong += 1
        field = self.query_one("#join-code", Input)
        field.value = ""
        self.notify(message, severity="error")
        wait = serve.wait_after_wrong(self.wrong)
        status = self.query_one("#join-status", Static)
        if wait:
            field.disabled = True
            status.update(f"Too many wrong codes: wait {wait:.0f} seconds, then try again.")
            self.set_timer(wait, self.reopen)
        else:
            status.update(message)

    def reopen(self) -> None:
        field = self.query_one("#join-code", Input)
        field.disabled = False
        field.focus()
        self.query_one("#join-status", Static).update("")

    # ------------------------------------------------------------------ who are you
    def rater_options(self, session_id: int) -> list[tuple[int, str, str]]:
        """(rater id, name, initials) for every rater of the session, with their progress."""
        out = []
        for p in meeting.progress(self.store, session_id):
            assert p.rater.id is not None
            out.append((p.rater.id, f"{p.rater.name}   {p.scored}/{p.total} scored", p.rater.name))
        return out

    def picked(self, seat: serve.Seat) -> RaterPickCallback:
        def chosen(rater_id: int | None) -> None:
            if rater_id is None:
                self.query_one("#join-code", Input).focus()
                return
            self.ask_pin(seat, rater_id)

        return chosen

    def ask_pin(self, seat: serve.Seat, rater_id: int, error: str = "") -> None:
        """The seat is claimed with the rater's PIN, as in the browser: set on the first claim,
        asked again on any other device or terminal."""
        name = self.store.get_rater(rater_id).name

        def entered(pin: str | None) -> None:
            if pin is None:
                self.query_one("#join-code", Input).focus()
                return
            try:
                self.served.seat = claim_seat(self.served.served_store, seat, rater_id, pin)
            except CalibrateError as exc:
                self.ask_pin(seat, rater_id, exc.message)
                return
            self.route()

        self.app.push_screen(PinScreen(name, error), entered)

    # ------------------------------------------------------------------ where to go
    def route(self) -> None:
        """Open the seat's screen (if this screen is on top: a screen above has closed)."""
        seat = self.served.seat
        if seat is None or self.app.screen is not self:
            return
        if seat.facilitator:
            from calibrate.tui.screens.room.served_meeting import FacilitatorScreen

            self.app.push_screen(FacilitatorScreen(seat))
            return
        from calibrate.tui.screens.room.served_meeting import RaterRevealScreen, ServedScoringScreen

        try:
            phase = self.store.get_session(seat.session_id).phase
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        if phase is Phase.SCORING:
            self.app.push_screen(ServedScoringScreen(seat))
        else:
            self.app.push_screen(RaterRevealScreen(seat))


class RaterPickScreen(Screen[int | None]):
    """Who are you? Type part of your name (Enter), or pick it with the arrows or the mouse."""

    TITLE = "Who are you?"
    BINDINGS = [
        Binding("escape", "cancel", "Back"),
        Binding("down", "to_list", "Pick from the list", show=False),
    ]

    def __init__(self, raters: list[tuple[int, str, str]]) -> None:
        super().__init__()
        self.raters = raters  # (rater id, label, name)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="pick-box"):
            yield Static("Who are you?", classes="title")
            yield Static(
                "Type your name and press Enter, or pick it below (arrows and Enter, or click).",
                id="pick-hint",
            )
            yield Input(placeholder="your name", id="pick-filter")
            yield OptionList(id="pick-list")
        yield Footer()

    def on_mount(self) -> None:
        self.fill("")
        self.query_one("#pick-filter", Input).focus()

    def matches(self, text: str) -> list[tuple[int, str, str]]:
        wanted = text.strip().casefold()
        return [r for r in self.raters if wanted in r[2].casefold()]

    def fill(self, text: str) -> None:
        options = self.query_one("#pick-list", OptionList)
        options.clear_options()
        options.add_options([Option(label, id=str(key)) for key, label, _ in self.matches(text)])
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#pick-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    @on(Input.Submitted, "#pick-filter")
    def name_typed(self, event: Input.Submitted) -> None:
        found = self.matches(event.value)
        exact = [r for r in found if r[2].casefold() == event.value.strip().casefold()]
        if len(exact) == 1 or len(found) == 1:
            self.dismiss((exact or found)[0][0])
        elif not found:
            self.notify("No rater of this session has that name.", severity="warning")
        else:
            self.notify("Several names match: type more, or pick one with the arrows.")

    @on(OptionList.OptionSelected, "#pick-list")
    def name_picked(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self.dismiss(int(event.option.id))

    def action_to_list(self) -> None:
        self.query_one("#pick-list", OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class PinScreen(Screen[str | None]):
    """Your PIN: the first time it becomes yours; afterwards it proves the seat is yours."""

    TITLE = "Your PIN"
    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, name: str, error: str = "") -> None:
        super().__init__()
        self.rater_name = name
        self.error = error

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="pin-box"):
            yield Static(f"{self.rater_name}: your PIN", classes="title")
            yield Static(
                "Type a PIN of 4 to 8 digits and press Enter. The first time, it becomes yours; "
                "on another device, type the same PIN. Forgot it? The facilitator can free your "
                "seat (calibrate seats --release).",
                id="pin-hint",
            )
            yield Input(placeholder="4 to 8 digits", password=True, id="pin", max_length=8)
            yield Static(self.error, id="pin-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def pin_entered(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
