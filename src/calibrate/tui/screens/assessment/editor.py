"""A new test, or a stored one edited: its title, its learning targets (``key: I can …``, one per
line) and its items (``1-4 key [points]``), saved with Ctrl+S, every result kept (an item that
has results cannot be taken out: the store refuses and says which). What follows a save (the
results grid) is the caller's ``then``. Ctrl+L links a learning target to the rubric criterion
it belongs to (and the level that shows it reached), listed under the boxes."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, Label, Static, TextArea

from calibrate.domain.assessment import Blueprint, CriterionLink
from calibrate.domain.errors import CalibrateError
from calibrate.services.assessment.authoring import (
    BlueprintTextError,
    blueprint_from_text,
    blueprint_texts,
    edited_blueprint,
    parse_targets,
)
from calibrate.services.assessment.links import link_choices, link_text, with_links
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ChoiceModal, ConfirmModal

TARGETS_HINT = "One per line, key: I can …   e.g.  subtract: I can subtract 3-digit numbers."
ITEMS_HINT = r"One per line, item target \[points]   e.g.  1-4 subtract   or   5 fractions 2"


class BlueprintEditorScreen(StoreScreen):
    """Once the test is saved, ``then`` is called with its id (without one, the editor closes).
    Escape asks before dropping typed changes."""

    TITLE = "New test"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+l", "link", "Link to rubric", priority=True),
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
        self.links: dict[str, CriterionLink | None] = {}  # by target key
        self._opened_links: dict[str, CriterionLink | None] = {}

    def compose(self) -> ComposeResult:
        targets = items = title = ""
        if self.assessment_id is not None:
            self.stored = self.store.get_assessment(self.assessment_id)
            self.title = f"Edit test: {self.stored.title}"
            title = self.stored.title
            targets, items = blueprint_texts(self.stored)
            self.links = {t.key: t.criterion for t in self.stored.targets}
            self._opened_links = dict(self.links)
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
        yield Static("", id="bp-links", classes="hint")
        yield Static("", id="bp-error")
        yield Footer()

    def on_mount(self) -> None:
        self.show_links()
        self.query_one("#bp-title", Input).focus()

    def show_links(self) -> None:
        linked = {k: v for k, v in self.links.items() if v is not None}
        if not linked:
            text = "No learning target belongs to a rubric criterion (Ctrl+L links one)."
        else:
            text = "Rubric criteria (Ctrl+L to change): " + "; ".join(
                f"{key} → {link_text(link, self.store)}" for key, link in linked.items()
            )
        self.query_one("#bp-links", Static).update(text)

    def action_save(self) -> None:
        error = self.query_one("#bp-error", Static)
        typed = self.typed()
        try:
            if self.stored is not None and self.stored.id is not None:
                edited = with_links(edited_blueprint(self.stored, *typed), self.links)
                saved = self.store.update_assessment(self.stored.id, edited)
                done = f"Saved “{saved.title}”: {len(saved.items)} items, every result kept."
            else:
                saved = self.store.add_assessment(
                    with_links(blueprint_from_text(*typed), self.links)
                )
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

    # ------------------------------------------------------------------ rubric links
    def action_link(self) -> None:
        """Which target, then which rubric criterion (or none), then which level."""
        error = self.query_one("#bp-error", Static)
        try:
            targets = parse_targets(self.query_one("#bp-targets", TextArea).text)
        except BlueprintTextError as exc:
            error.update(exc.message)
            self.query_one("#bp-targets").focus()
            return
        choices = link_choices(self.store)
        if not choices:
            error.update("There is no rubric here to link to yet (load a kit or write one).")
            return

        def criterion_chosen(key: str, n: int | None) -> None:
            if n is None:
                return
            if n == 0:
                self.links[key] = None
                self.show_links()
                return
            choice = choices[n - 1]
            levels = [(0, "its top level (the default)")] + [
                (i + 1, f"{level.score} {level.label}")
                for i, level in enumerate(choice.criterion.levels)
            ]

            def level_chosen(m: int | None) -> None:
                if m is None:
                    return
                score = None if m == 0 else choice.criterion.levels[m - 1].score
                self.links[key] = choice.link(score)
                self.show_links()

            self.app.push_screen(
                ChoiceModal(
                    f"Which level of “{choice.criterion.name}” shows “{key}” reached?", levels
                ),
                level_chosen,
            )

        def target_chosen(n: int | None) -> None:
            if n is None:
                return
            key = targets[n].key
            options = [(0, "no rubric criterion")] + [
                (i + 1, c.label) for i, c in enumerate(choices)
            ]
            self.app.push_screen(
                ChoiceModal(f"Which rubric criterion does “{key}” belong to?", options),
                lambda m: criterion_chosen(key, m),
            )

        self.app.push_screen(
            ChoiceModal(
                "Link which learning target?",
                [
                    (i, f"{t.key}: {link_text(self.links.get(t.key), self.store)}")
                    for i, t in enumerate(targets)
                ],
            ),
            target_chosen,
        )

    def typed(self) -> tuple[str, str, str]:
        return (
            self.query_one("#bp-title", Input).value,
            self.query_one("#bp-targets", TextArea).text,
            self.query_one("#bp-items", TextArea).text,
        )

    def action_leave(self) -> None:
        if self.typed() == self._opened and self.links == self._opened_links:
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        what = "this test" if self.stored is not None else "the new test"
        self.app.push_screen(
            ConfirmModal(f"Discard what you typed in {what}?", yes="Discard"), answered
        )
