"""Setup: a new session — title, date, rubric version, samples, raters, cut level, blind,
facilitator — opened for scoring at once. Mistakes are shown under their field; nothing is saved
until the whole form is right."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    Switch,
)
from textual.widgets.selection_list import Selection

from calibrate.domain.errors import CalibrateError
from calibrate.services.meeting import setup
from calibrate.services.meeting.setup import SessionForm
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ConfirmModal

FIELDS = ("title", "date", "rubric", "cut", "samples", "raters")


class SetupScreen(StoreScreen):
    TITLE = "New session"
    BINDINGS = [
        Binding("ctrl+s", "start", "Start"),
        Binding("escape", "leave", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="setup-form"):
            with VerticalScroll(id="setup-details"):
                yield Label("Title")
                yield Input(placeholder="e.g. November calibration: essays", id="setup-title")
                yield _error("title")
                yield Label("Date (year-month-day)")
                yield Input(self.calibrate_app.today().isoformat(), id="setup-date")
                yield _error("date")
                yield Label("Rubric version")
                yield Select[int]([], prompt="choose a rubric", id="setup-rubric")
                yield _error("rubric")
                yield Label("“Meets standard” cut level (optional)")
                yield Select[int]([], prompt="no cut level", id="setup-cut")
                yield _error("cut")
                with Horizontal(id="setup-blind-row"):
                    yield Switch(value=True, id="setup-blind")
                    yield Label("Blind: each rater sees only their own scores until the reveal")
                yield Label("Facilitator (optional)")
                yield Input(placeholder="who runs the meeting", id="setup-facilitator")
            with Vertical(id="setup-lists"):
                yield Label("This rubric's samples (space ticks; scored in this order)")
                yield SelectionList[int](id="setup-samples")
                yield _error("samples")
                yield Label("Raters (at least two)")
                yield SelectionList[int](id="setup-raters")
                yield _error("raters")
        with Horizontal(id="setup-buttons"):
            yield Button(r"Start \[ctrl+s]", variant="primary", id="setup-start")
            yield Button(r"Cancel \[esc]", id="setup-cancel")
            yield Static("", id="setup-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        rubric = self.query_one("#setup-rubric", Select)
        rubric.set_options((Text(label), key) for label, key in setup.rubric_choices(self.store))
        default = setup.default_rubric(self.store)
        if default is not None:
            rubric.value = default
            self.offer_cuts(default)
        samples = self.query_one("#setup-samples", SelectionList)
        self.offer_samples(default)
        raters = self.query_one("#setup-raters", SelectionList)
        raters.add_options(
            Selection(Content(f"{p.name}  ({p.role})" if p.role else p.name), p.id)
            for p in self.store.list_raters(active_only=True)
            if p.id is not None
        )
        for listing in (samples, raters):
            if listing.option_count:
                listing.highlighted = 0
        self.show_problems({})
        if default is None:
            self.show_problems({"rubric": "No rubric yet: load the example kits on Home (i)."})
        self.query_one("#setup-title", Input).focus()

    # ------------------------------------------------------------------ form
    @on(Select.Changed, "#setup-rubric")
    def rubric_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int):
            self.offer_cuts(event.value)
            self.offer_samples(event.value)

    def offer_samples(self, rubric_id: int | None) -> None:
        """List the samples that go with the rubric (and any already ticked), ticks kept."""
        listing = self.query_one("#setup-samples", SelectionList)
        ticked = _listed_order(listing)
        choices = setup.sample_choices(self.store, rubric_id)
        offered = {c.sample_id for c in choices}
        if ticked and not offered.issuperset(ticked):
            every = setup.sample_choices(self.store, None)
            choices = [c for c in every if c.sample_id in offered or c.sample_id in ticked]
        listing.clear_options()
        listing.add_options(
            Selection(Content(c.label), c.sample_id, c.sample_id in ticked) for c in choices
        )
        if listing.option_count:
            listing.highlighted = 0

    def offer_cuts(self, rubric_id: int) -> None:
        try:
            rubric = self.store.get_rubric(rubric_id)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.query_one("#setup-cut", Select).set_options(
            (Text(label), score) for label, score in setup.cut_choices(rubric)
        )

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    def form(self) -> SessionForm:
        rubric = self.query_one("#setup-rubric", Select).value
        cut = self.query_one("#setup-cut", Select).value
        return SessionForm(
            title=self.query_one("#setup-title", Input).value,
            date=self.query_one("#setup-date", Input).value,
            rubric_id=rubric if isinstance(rubric, int) else None,
            sample_ids=_listed_order(self.query_one("#setup-samples", SelectionList)),
            rater_ids=_listed_order(self.query_one("#setup-raters", SelectionList)),
            cut_score=cut if isinstance(cut, int) else None,
            blind=self.query_one("#setup-blind", Switch).value,
            facilitator=self.query_one("#setup-facilitator", Input).value,
        )

    def show_problems(self, problems: dict[str, str]) -> None:
        for field in FIELDS:
            widget = self.query_one(f"#setup-{field}-error", Static)
            widget.update(problems.get(field, ""))
            widget.display = field in problems
        general = self.query_one("#setup-error", Static)
        general.update("Fix the fields marked in red; nothing is saved yet." if problems else "")
        general.display = bool(problems)

    # ------------------------------------------------------------------ actions
    @on(Button.Pressed, "#setup-start")
    def action_start(self) -> None:
        form = self.form()
        try:
            problems = setup.check_form(self.store, form)
            self.show_problems(problems)
            if problems:
                first = next(iter(problems))
                self.query_one(f"#setup-{first}").focus()
                return
            session = setup.start_session(self.store, form)
        except CalibrateError as exc:
            general = self.query_one("#setup-error", Static)
            general.update(exc.message)
            general.display = True
            self.notify(exc.message, severity="error", timeout=8)
            return
        self.app.pop_screen()
        self.app.notify(f"Session “{session.title}” is open for scoring.")

    @on(Button.Pressed, "#setup-cancel")
    def action_leave(self) -> None:
        form = self.form()
        if not (
            form.title.strip() or form.facilitator.strip() or form.sample_ids or form.rater_ids
        ):
            self.app.pop_screen()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmModal("Discard this new session? Nothing has been saved.", yes="Discard"),
            answered,
        )


def _error(field: str) -> Static:
    return Static("", id=f"setup-{field}-error", classes="error")


def _listed_order(selections: SelectionList[int]) -> tuple[int, ...]:
    chosen = set(selections.selected)
    listed = (selections.get_option_at_index(i).value for i in range(selections.option_count))
    return tuple(value for value in listed if value in chosen)
