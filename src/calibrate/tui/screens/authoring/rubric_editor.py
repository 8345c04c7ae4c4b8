"""The rubric editor: the rubric's fields and its criteria on the left, the chosen criterion with
its levels on the right (descriptor and student wording side by side). Nothing is saved until
Ctrl+S, and then only a complete rubric: each problem is shown at its field. Saving a version a
session or anchor already uses makes a new version (the old one keeps its wording)."""

from __future__ import annotations

import copy

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Select, Static

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import RubricKind
from calibrate.services.authoring import drafts
from calibrate.services.authoring import rubrics as authoring
from calibrate.services.authoring.drafts import CriterionDraft, FieldProblem
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ChoiceModal, ConfirmModal
from calibrate.tui.widgets.authoring.criterion_form import CriterionForm
from calibrate.tui.widgets.authoring.level_editor import LevelEditor

RUBRIC_INPUTS = {"re-name": "name", "re-subject": "subject", "re-grade_band": "grade_band"}
RUBRIC_ERRORS = ("name", "kind", "criteria")


class RubricEditorScreen(StoreScreen):
    TITLE = "Rubric editor"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("f2", "add_criterion", "New criterion"),
        Binding("f3", "remove_criterion", "Remove criterion"),
        Binding("alt+up", "move_criterion(-1)", "Criterion up", key_display="alt+↑"),
        Binding("alt+down", "move_criterion(1)", "Criterion down", key_display="alt+↓"),
        Binding("f4", "add_level", "New level"),
        Binding("f6", "remove_level", "Remove level"),
        Binding("ctrl+up", "move_level(-1)", "Wording up a row", key_display="ctrl+↑"),
        Binding("ctrl+down", "move_level(1)", "Wording down a row", key_display="ctrl+↓"),
        Binding("f5", "copy_from", "Start from a copy"),
        Binding("f9", "history", "Versions"),
        Binding("escape", "leave", "Back"),
    ]
    # At 80 columns the footer keeps Save, New criterion, New level, Versions, Back and Help;
    # F1 and the palette keep the rest.
    NARROW_FOOTER_HIDES = frozenset(
        {
            "remove_criterion",
            "move_criterion(-1)",
            "move_criterion(1)",
            "remove_level",
            "move_level(-1)",
            "move_level(1)",
            "copy_from",
        }
    )

    def __init__(self, rubric_id: int | None = None) -> None:
        super().__init__()
        self.rubric_id = rubric_id
        self.draft = drafts.new_draft()
        self.current: int | None = 0
        self.saved = copy.deepcopy(self.draft)  # what is stored (or the blank start)
        self.checking = False  # after a failed save, problems are re-checked on every edit
        self.problems: list[FieldProblem] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="re-body"):
            with VerticalScroll(id="re-left"):
                yield Label("Rubric name")
                yield Input(placeholder="e.g. Grade 8 argument writing", id="re-name")
                yield _error("name")
                yield Label("Subject")
                yield Input(id="re-subject")
                yield Label("Grade band")
                yield Input(placeholder="e.g. 6–8", id="re-grade_band")
                yield Label("Kind")
                yield Select(
                    [
                        (Text("analytic: several criteria"), RubricKind.ANALYTIC),
                        (Text("holistic: one overall criterion"), RubricKind.HOLISTIC),
                    ],
                    allow_blank=False,
                    id="re-kind",
                )
                yield _error("kind")
                yield Label("Criteria")
                yield OptionList(id="re-criteria")
                yield _error("criteria")
                with Horizontal(classes="re-buttons"):
                    yield Button("+ criterion", id="re-add-criterion")
                    yield Button("↑", id="re-criterion-up")
                    yield Button("↓", id="re-criterion-down")
                    yield Button("✕", id="re-remove-criterion")
            yield CriterionForm(id="re-right")
        yield Static("", id="re-status")
        yield Footer()

    async def on_mount(self) -> None:
        try:
            self.draft = authoring.open_draft(self.store, self.rubric_id)
            self.saved = copy.deepcopy(self.draft)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            self.app.pop_screen()
            return
        await self.load_draft()
        self.query_one("#re-name", Input).focus()

    # ------------------------------------------------------------------ showing the draft
    @property
    def dirty(self) -> bool:
        """Whether the draft differs from what was loaded or last saved."""
        return self.draft != self.saved

    async def load_draft(self) -> None:
        for widget_id, name in RUBRIC_INPUTS.items():
            widget = self.query_one(f"#{widget_id}", Input)
            with widget.prevent(Input.Changed):
                widget.value = getattr(self.draft, name)
        kind = self.query_one("#re-kind", Select)
        with kind.prevent(Select.Changed):
            kind.value = self.draft.kind
        self.refresh_criteria()
        await self.show_criterion(0 if self.draft.criteria else None)
        self.update_heading()

    def update_heading(self) -> None:
        source = self.draft.source_id
        if source is None:
            self.sub_title = "new rubric (not saved yet)"
        else:
            stored = self.store.get_rubric(source)
            used = self.store.rubric_in_use(source)
            self.sub_title = f"{stored.name}, version {stored.version}" + (
                " (in use: saving makes a new version)" if used else ""
            )
        self.set_status()

    def refresh_criteria(self) -> None:
        flagged = {
            p.path[1] for p in self.problems if p.path[:1] == ("criteria",) and len(p.path) > 1
        }
        listing = self.query_one("#re-criteria", OptionList)
        listing.set_options(
            Text(f"{'⚠ ' if i in flagged else ''}{i + 1}. {c.name or '(no name yet)'}")
            for i, c in enumerate(self.draft.criteria)
        )
        if self.current is not None and self.current < listing.option_count:
            with listing.prevent(OptionList.OptionHighlighted):
                listing.highlighted = self.current

    @property
    def criterion(self) -> CriterionDraft | None:
        if self.current is None or self.current >= len(self.draft.criteria):
            return None
        return self.draft.criteria[self.current]

    async def show_criterion(self, index: int | None) -> None:
        self.current = index
        form = self.query_one(CriterionForm)
        criterion = self.criterion
        form.taken_keys = {c.key for c in self.draft.criteria if c is not criterion}
        await form.show(criterion)
        self.refresh_criteria()
        self.show_problems()

    def show_problems(self) -> None:
        at: dict[tuple[str | int, ...], str] = {}
        for p in self.problems:
            at.setdefault(p.path, p.message)
        for name in RUBRIC_ERRORS:
            _show(self.query_one(f"#re-{name}-error", Static), at.get((name,), ""))
        here = ("criteria", self.current)
        tails = {p[2:]: m for p, m in at.items() if p[:2] == here and len(p) > 2}
        self.query_one(CriterionForm).show_problems(
            {(t[1], t[2]) if t[0] == "levels" and len(t) == 3 else t: m for t, m in tails.items()}
        )
        self.set_status()

    def set_status(self) -> None:
        if self.problems:
            n = len(self.problems)
            text = (
                f"{n} problem{'s' if n > 1 else ''}: fix the fields marked in red "
                "(⚠ marks a criterion); nothing is saved yet."
            )
        elif self.dirty:
            text = "Unsaved changes: Ctrl+S saves."
        else:
            text = (
                "No unsaved changes."
                if self.draft.source_id is not None
                else "A new rubric: fill it in, then Ctrl+S saves."
            )
        self.query_one("#re-status", Static).update(text)

    def edited(self) -> None:
        if self.checking:
            self.problems = drafts.check_draft(self.draft)
            self.show_problems()
            self.refresh_criteria()
        else:
            self.set_status()

    # ------------------------------------------------------------------ typing
    @on(Input.Changed)
    def field_changed(self, event: Input.Changed) -> None:
        widget_id = event.input.id or ""
        if widget_id in RUBRIC_INPUTS:
            setattr(self.draft, RUBRIC_INPUTS[widget_id], event.value)
            self.edited()

    @on(CriterionForm.Edited)
    def criterion_edited(self, event: CriterionForm.Edited) -> None:
        if event.renamed:
            self.refresh_criteria()
        self.edited()

    @on(Select.Changed, "#re-kind")
    def kind_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, RubricKind):
            self.draft.kind = event.value
            self.edited()

    @on(LevelEditor.Edited)
    def level_edited(self) -> None:
        self.edited()

    @on(OptionList.OptionHighlighted, "#re-criteria")
    async def criterion_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.current:
            await self.show_criterion(event.option_index)

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    # ------------------------------------------------------------------ criteria
    @on(Button.Pressed, "#re-add-criterion")
    async def action_add_criterion(self) -> None:
        at = drafts.add_criterion(self.draft, after=self.current)
        await self.show_criterion(at)
        self.edited()
        self.query_one("#re-cname", Input).focus()

    @on(Button.Pressed, "#re-remove-criterion")
    def action_remove_criterion(self) -> None:
        criterion = self.criterion
        if criterion is None:
            return

        async def answered(yes: bool | None) -> None:
            if yes and self.current is not None:
                await self.show_criterion(drafts.remove_criterion(self.draft, self.current))
                self.edited()

        name = criterion.name or f"criterion {(self.current or 0) + 1}"
        self.app.push_screen(
            ConfirmModal(f"Remove “{name}” and its levels from this draft?", yes="Remove"),
            answered,
        )

    @on(Button.Pressed, "#re-criterion-up")
    async def criterion_up(self) -> None:
        await self.action_move_criterion(-1)

    @on(Button.Pressed, "#re-criterion-down")
    async def criterion_down(self) -> None:
        await self.action_move_criterion(1)

    async def action_move_criterion(self, step: int) -> None:
        if self.current is None:
            return
        moved = drafts.move_criterion(self.draft, self.current, step)
        if moved != self.current:
            self.current = moved
            self.edited()
            self.refresh_criteria()
            self.show_problems()

    # ------------------------------------------------------------------ levels (the form's)
    async def action_add_level(self) -> None:
        await self.query_one(CriterionForm).add_level()

    async def action_remove_level(self) -> None:
        await self.query_one(CriterionForm).remove_level()

    async def action_move_level(self, step: int) -> None:
        if not await self.query_one(CriterionForm).move_level(step):
            self.notify("Put the cursor in a level first.")

    # ------------------------------------------------------------------ saving
    async def action_save(self) -> None:
        self.problems = drafts.check_draft(self.draft)
        if self.problems:
            self.checking = True
            await self.go_to(self.problems[0])
            self.notify("Not saved: " + self.problems[0].message, severity="error")
            return
        try:
            saved = authoring.save_draft(self.store, self.draft)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error", timeout=8)
            return
        self.saved = copy.deepcopy(self.draft)
        self.checking = False
        self.problems = []
        self.show_problems()
        self.update_heading()
        self.notify(saved.message, timeout=8)

    async def go_to(self, problem: FieldProblem) -> None:
        """Show the criterion a problem is in and put the cursor in its field."""
        path = problem.path
        if len(path) > 2 and isinstance(path[1], int):
            if path[1] != self.current:
                await self.show_criterion(path[1])
            self.show_problems()
            tail = path[2:]
            self.query_one(CriterionForm).focus_field(
                (tail[1], tail[2]) if tail[0] == "levels" and len(tail) == 3 else tail
            )
            return
        self.refresh_criteria()
        self.show_problems()
        self.query_one(f"#re-{path[0]}").focus()

    # ------------------------------------------------------------------ elsewhere
    def action_copy_from(self) -> None:
        rubrics = self.store.list_rubrics(all_versions=True)
        if not rubrics:
            self.notify("There is no stored rubric to copy yet.")
            return
        options = [(r.id or 0, f"{r.name} (version {r.version})") for r in rubrics]

        async def chosen(rubric_id: int | None) -> None:
            if rubric_id is None:
                return
            self.draft = authoring.copy_draft(self.store.get_rubric(rubric_id))
            self.problems, self.checking = [], False
            await self.load_draft()
            self.notify("A copy: change the name, then Ctrl+S saves it as a new rubric.")

        self.app.push_screen(ChoiceModal("Start from a copy of which rubric?", options), chosen)

    def action_history(self) -> None:
        from calibrate.tui.screens.authoring.version_history import VersionHistoryScreen

        if self.draft.source_id is None:
            self.notify("Save this rubric first: a new rubric has no versions yet.")
            return
        family = self.store.get_rubric(self.draft.source_id).family_id
        if family is not None:
            self.app.push_screen(VersionHistoryScreen(family))

    def action_leave(self) -> None:
        if not self.dirty:
            self.app.pop_screen()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmModal("Leave without saving? Your changes will be lost.", yes="Leave"),
            answered,
        )


def _error(name: str) -> Static:
    widget = Static("", id=f"re-{name}-error", classes="error")
    widget.display = False
    return widget


def _show(widget: Static, message: str) -> None:
    widget.update(message)
    widget.display = bool(message)
