"""A new test, or a stored one edited: its title, its learning targets (``key: I can …``, one per
line) and its items (``1-4 key [points]``), saved with Ctrl+S, every result kept (an item that
has results cannot be taken out: the store refuses and says which). What follows a save (the
results grid) is the caller's ``then``."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, Label, Static, TextArea

from calibrate.domain.assessment import Blueprint
from calibrate.domain.errors import CalibrateError
from calibrate.services.assessment.authoring import (
    BlueprintTextError,
    blueprint_from_text,
    blueprint_texts,
    edited_blueprint,
)
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ConfirmModal

TARGETS_HINT = "One per line, key: I can …   e.g.  subtract: I can subtract 3-digit numbers."
ITEMS_HINT = r"One per line, item target \[points]   e.g.  1-4 subtract   or   5 fractions 2"


class BlueprintEditorScreen(StoreScreen):
    """Once the test is saved, ``then`` is called with its id (without one, the editor closes).
    Escape asks before dropping typed changes."""

    TITLE = "New test"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(
        self, assessment_id: int | None = None, *, then: Callable[[int], None] | None = None
    ) -> None:
        super().__init__()
        self.assessment_id = assessment_id
        self.then = then
        self.stored: Blueprint | None = None
        self._opened: tuple[str, str, str] = ("", "", "")

    def compose(self) -> ComposeResult:
        targets = items = title = ""
        if self.assessment_id is not None:
            self.stored = self.store.get_assessment(self.assessment_id)
            self.title = f"Edit test: {self.stored.title}"
            title = self.stored.title
            targets, items = blueprint_texts(self.stored)
        self._opened = (title, targets, items)
        yield Header()
        yield Label("Title")
        yield Input(title, id="bp-title", placeholder="Unit 3 checkpoint")
        yield Label("Learning targets")
        yield Static(TARGETS_HINT, classes="hint")
        yield TextArea(targets, id="bp-targets")
        yield Label("Items")
        yield Static(ITEMS_HINT, classes="hint")
        yield TextArea(items, id="bp-items")
        yield Static("", id="bp-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bp-title", Input).focus()

    def action_save(self) -> None:
        error = self.query_one("#bp-error", Static)
        typed = self.typed()
        try:
            if self.stored is not None and self.stored.id is not None:
                edited = edited_blueprint(self.stored, *typed)
                saved = self.store.update_assessment(self.stored.id, edited)
                done = f"Saved “{saved.title}”: {len(saved.items)} items, every result kept."
            else:
                saved = self.store.add_assessment(blueprint_from_text(*typed))
                done = f"Stored “{saved.title}”: {len(saved.items)} items."
        except BlueprintTextError as exc:
            error.update(exc.message)
            self.query_one(f"#bp-{exc.field}").focus()
            return
        except CalibrateError as exc:
            error.update(exc.message)
            return
        self.notify(done)
        assert saved.id is not None
        if self.then is None:
            self.app.pop_screen()
        else:
            self.then(saved.id)

    def typed(self) -> tuple[str, str, str]:
        return (
            self.query_one("#bp-title", Input).value,
            self.query_one("#bp-targets", TextArea).text,
            self.query_one("#bp-items", TextArea).text,
        )

    def action_leave(self) -> None:
        if self.typed() == self._opened:
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        what = "this test" if self.stored is not None else "the new test"
        self.app.push_screen(
            ConfirmModal(f"Discard what you typed in {what}?", yes="Discard"), answered
        )
