"""A new test: its title, its learning targets (``key: I can …``, one per line) and its items
(``1-4 key [points]``), saved with Ctrl+S and opened on its results grid."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, Label, Static, TextArea

from calibrate.domain.errors import CalibrateError
from calibrate.services.assessment.authoring import BlueprintTextError, blueprint_from_text
from calibrate.tui.base import StoreScreen

TARGETS_HINT = "One per line, key: I can …   e.g.  subtract: I can subtract 3-digit numbers."
ITEMS_HINT = r"One per line, item target \[points]   e.g.  1-4 subtract   or   5 fractions 2"


class BlueprintEditorScreen(StoreScreen):
    TITLE = "New test"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "leave", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Title")
        yield Input(id="bp-title", placeholder="Unit 3 checkpoint")
        yield Label("Learning targets")
        yield Static(TARGETS_HINT, classes="hint")
        yield TextArea(id="bp-targets")
        yield Label("Items")
        yield Static(ITEMS_HINT, classes="hint")
        yield TextArea(id="bp-items")
        yield Static("", id="bp-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bp-title", Input).focus()

    def action_save(self) -> None:
        from calibrate.tui.screens.assessment.results import ResultsEntryScreen

        error = self.query_one("#bp-error", Static)
        try:
            blueprint = blueprint_from_text(
                self.query_one("#bp-title", Input).value,
                self.query_one("#bp-targets", TextArea).text,
                self.query_one("#bp-items", TextArea).text,
            )
            stored = self.store.add_assessment(blueprint)
        except BlueprintTextError as exc:
            error.update(exc.message)
            self.query_one(f"#bp-{exc.field}").focus()
            return
        except CalibrateError as exc:
            error.update(exc.message)
            return
        assert stored.id is not None
        self.notify(f"Stored “{stored.title}”: {len(stored.items)} items.")
        self.app.switch_screen(ResultsEntryScreen(stored.id))

    def action_leave(self) -> None:
        self.app.pop_screen()
