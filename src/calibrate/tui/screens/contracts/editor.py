"""The contract editor: a new learning contract from a scored sample, or an amendment.

A new contract starts from a sample scored in a session: pick the session, the sample, the
teacher and where the levels come from (the team's consensus or the teacher's own score), and
the form is filled in with the current levels, suggested targets (the next level on the weakest
criteria) and the approved anchors of each target level, quoted in the rubric's student wording.
Everything can be edited. Ctrl+S saves the whole contract or nothing: a problem is shown at its
field. Saving an existing contract keeps it as a new version (say why under "Reason").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static, TextArea

from calibrate.domain.contracts import (
    MAX_TARGETS,
    Activity,
    Contract,
    ContractFieldError,
    LevelSource,
    parse_date,
)
from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import Rubric
from calibrate.services.contracts import forms
from calibrate.services.contracts.anchors import matching_anchors
from calibrate.services.contracts.plans import draft_from_sample, suggest_targets
from calibrate.services.contracts.wording import default_activities
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ConfirmModal
from calibrate.tui.widgets.contracts.fields import FieldError, clear_problems, show_problem
from calibrate.tui.widgets.contracts.plan import ActivityList, DiagnosticEditor
from calibrate.tui.widgets.contracts.target import TargetDraft, TargetEditor
from calibrate.tui.widgets.contracts.terms import TermsForm

SOURCES = [
    (Text("the team's consensus (else the teacher's score)"), LevelSource.CONSENSUS),
    (Text("the teacher's own score"), LevelSource.TEACHER),
]
STUDENT = {
    "ct-code": "student_code",
    "ct-name": "student_name",
    "ct-class": "class_name",
    "ct-teacher": "teacher",
}


class ContractEditorScreen(StoreScreen):
    TITLE = "Contract"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("f3", "add_target", "New target"),
        Binding("f4", "add_activity", "New activity"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, contract_id: int | None = None) -> None:
        super().__init__()
        self.contract_id = contract_id
        self.base: Contract | None = None  # the stored contract, or the draft filled in
        self.rubric: Rubric | None = None
        self.picked: tuple[object, ...] = ()  # (session, sample, teacher, source) filled from
        self.snapshot: tuple[object, ...] = ()  # the form as loaded
        # The activities as last suggested for the targets: while the form still shows them,
        # they follow the targets; once the teacher edits them, they are kept.
        self.suggested: tuple[Activity, ...] = ()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ct-form"):
            if self.contract_id is None:
                yield Static("From a scored sample", classes="ct-section")
                with Horizontal(id="ct-source"):
                    for widget_id, label in (
                        ("ct-session", "Session"),
                        ("ct-sample", "Sample (student)"),
                        ("ct-rater", "Teacher"),
                        ("ct-levels-from", "Current levels from"),
                    ):
                        with Vertical(classes="ct-cell"):
                            yield Label(label)
                            yield Select[object]([], id=widget_id, prompt="choose")
                yield Static("", id="ct-missing", classes="hint")
            yield Static("The student", classes="ct-section")
            with Horizontal(id="ct-student", classes="ct-pair"):
                for widget_id, label in (
                    ("ct-code", "Student code (pseudonymous)"),
                    ("ct-name", "Display name (stays on this computer)"),
                    ("ct-class", "Class (optional, e.g. 8B)"),
                    ("ct-teacher", "Teacher"),
                    ("ct-start", "Start date (YYYY-MM-DD)"),
                ):
                    field = STUDENT.get(widget_id, "start_date")
                    with Vertical(classes="ct-cell"):
                        yield Label(label)
                        yield Input(id=widget_id, name=field)
                        yield FieldError(field)
            yield FieldError("status")
            yield Static("Where the student is now", classes="ct-section")
            yield Vertical(id="ct-diagnostic-box")
            yield Static(f"Targets (1 to {MAX_TARGETS})", classes="ct-section")
            yield Vertical(id="ct-targets")
            yield Button("+ target", id="ct-add-target")
            yield FieldError("targets")
            yield Static("Activities in sequence", classes="ct-section")
            yield Vertical(id="ct-activities-box")
            yield Vertical(id="ct-terms-box")
            if self.contract_id is not None:
                yield Static("Reason for this version", classes="ct-section")
                yield Input(placeholder="what changed and why", id="ct-note", name="note")
                yield FieldError("note")
        yield Static("", id="ct-status")
        yield Footer()

    async def on_mount(self) -> None:
        try:
            if self.contract_id is None:
                await self.start_new()
            else:
                contract = self.store.get_contract(self.contract_id)
                self.sub_title = f"{contract.student_code}: amend (now version {contract.version})"
                for widget_id in STUDENT:
                    self.query_one(f"#{widget_id}", Input).disabled = True
                await self.fill(contract)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            self.app.pop_screen()

    # ------------------------------------------------------------------ a new contract
    async def start_new(self) -> None:
        self.sub_title = "new contract from a scored sample"
        sessions = forms.session_choices(self.store)
        if not sessions:
            self.set_status("No session has been scored yet: score a sample first (Home, s).")
            return
        self._options("#ct-session", sessions, sessions[0][0])
        self._options("#ct-levels-from", [(s, str(t)) for t, s in SOURCES], LevelSource.CONSENSUS)
        self._session_members(sessions[0][0])
        await self.fill_from_sample()

    def _options(self, selector: str, options: Sequence[tuple[object, str]], value: object) -> None:
        """Offer ``(value, label)`` choices in a Select, choosing ``value`` (quietly)."""
        select: Select[object] = self.query_one(selector, Select)
        with select.prevent(Select.Changed):
            select.set_options((Text(label), key) for key, label in options)
            select.value = value

    def _session_members(self, session_id: int) -> None:
        samples = forms.sample_choices(self.store, session_id)
        raters = forms.teacher_choices(self.store, session_id)
        self._options("#ct-sample", samples, samples[0][0] if samples else Select.NULL)
        self._options("#ct-rater", raters, raters[0][0] if raters else Select.NULL)

    def _picked(self) -> tuple[object, ...]:
        return tuple(
            self.query_one(f"#{i}", Select).value
            for i in ("ct-session", "ct-sample", "ct-rater", "ct-levels-from")
        )

    @on(Select.Changed, "#ct-session")
    async def session_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and (not self.picked or event.value != self.picked[0]):
            self._session_members(event.value)
            await self.fill_from_sample()

    @on(Select.Changed, "#ct-sample, #ct-rater, #ct-levels-from")
    async def source_chosen(self) -> None:
        if self._picked() != self.picked:
            await self.fill_from_sample()

    async def fill_from_sample(self) -> None:
        session_id, sample_id, rater_id, source = self._picked()
        if not (isinstance(session_id, int) and isinstance(sample_id, int)):
            return
        self.picked = self._picked()
        try:
            draft = draft_from_sample(
                self.store,
                session_id,
                sample_id,
                teacher_id=rater_id if isinstance(rater_id, int) else None,
                source=source if isinstance(source, LevelSource) else LevelSource.CONSENSUS,
                student_name=self.query_one("#ct-name", Input).value,
                today=self.calibrate_app.today(),
            )
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        missing = [c.name for c in draft.rubric.criteria if c.key in draft.missing]
        self.query_one("#ct-missing", Static).update(
            f"No level yet for {', '.join(missing)}: give it by hand below if you know it."
            if missing
            else ""
        )
        await self.fill(draft.contract)

    # ------------------------------------------------------------------ the form
    async def fill(self, contract: Contract) -> None:
        """Show ``contract`` (its current version) in the form."""
        self.base = contract
        self.rubric = rubric = self.store.get_rubric(contract.rubric_id)
        v = contract.current
        for widget_id, value in (
            ("ct-code", contract.student_code),
            ("ct-name", contract.student_name),
            # a draft from a sample knows no class: keep what was typed
            ("ct-class", contract.class_name or self.query_one("#ct-class", Input).value),
            ("ct-teacher", contract.teacher),
            ("ct-start", v.start_date),
        ):
            self.query_one(f"#{widget_id}", Input).value = value
        levels = {c.criterion_key: c.level for c in v.diagnostic}
        drafts = [TargetDraft.of(t, forms.target_quotes(self.store, rubric, t)) for t in v.targets]
        self.suggested = default_activities(rubric, drafts)
        for box, widgets in (
            ("#ct-diagnostic-box", [DiagnosticEditor(rubric, v.diagnostic)]),
            ("#ct-targets", self._target_editors(drafts, levels)),
            ("#ct-activities-box", [ActivityList(v.activities)]),
            ("#ct-terms-box", [TermsForm(v)]),
        ):
            container = self.query_one(box)
            await container.remove_children()
            await container.mount_all(widgets)
        clear_problems(self)
        self.set_status("Nothing is saved until Ctrl+S.")
        self.call_after_refresh(self._keep_snapshot)

    def _target_editors(
        self, drafts: list[TargetDraft], levels: dict[str, int]
    ) -> list[TargetEditor]:
        assert self.rubric is not None
        return [
            TargetEditor(n, self.rubric, d, current_levels=levels) for n, d in enumerate(drafts, 1)
        ]

    def _keep_snapshot(self) -> None:
        self.snapshot = self.form_state()

    def form_state(self) -> tuple[object, ...]:
        """Everything typed or chosen in the form, to tell whether it changed."""
        form = self.query_one("#ct-form")
        values: list[object] = []
        for widget in form.query("Input, Select, TextArea, Checkbox"):
            if isinstance(widget, Input | Select | Checkbox):
                values.append(widget.value)
            elif isinstance(widget, TextArea):
                values.append(widget.text)
        return tuple(values)

    def set_status(self, text: str) -> None:
        self.query_one("#ct-status", Static).update(text)

    @on(DiagnosticEditor.Changed)
    def levels_changed(self, event: DiagnosticEditor.Changed) -> None:
        for editor in self.query(TargetEditor):
            editor.set_current_levels(event.levels)

    @on(TargetEditor.Aimed)
    async def target_aimed(self, event: TargetEditor.Aimed) -> None:
        editor = event.editor
        assert self.rubric is not None and self.rubric.id is not None
        if editor.criterion_key is None or editor.target_level is None:
            editor.show_anchors(())
        else:
            editor.show_anchors(
                matching_anchors(
                    self.store, self.rubric.id, editor.criterion_key, editor.target_level
                )
            )
        await self._follow_activities()

    async def _follow_activities(self) -> None:
        """Reword the activities for the targets as they now are, unless the teacher has
        changed them (then they are kept as written)."""
        assert self.rubric is not None
        activities = self.query_one(ActivityList)
        if activities.read() == self.suggested:
            self.suggested = default_activities(
                self.rubric, [e.draft() for e in self.query(TargetEditor)]
            )
            await activities.replace(self.suggested)

    @on(TargetEditor.RemoveRequested)
    async def target_removed(self, event: TargetEditor.RemoveRequested) -> None:
        drafts = [e.draft() for e in self.query(TargetEditor) if e is not event.editor]
        await self._show_targets(drafts)

    async def _show_targets(self, drafts: list[TargetDraft]) -> None:
        levels = {c.criterion_key: c.level for c in self.query_one(DiagnosticEditor).read()}
        box = self.query_one("#ct-targets")
        await box.remove_children()
        await box.mount_all(self._target_editors(drafts, levels))
        await self._follow_activities()

    @on(Button.Pressed, "#ct-add-target")
    async def add_target_pressed(self) -> None:
        await self.action_add_target()

    async def action_add_target(self) -> None:
        if self.rubric is None or self.base is None:
            return
        drafts = [e.draft() for e in self.query(TargetEditor)]
        if len(drafts) >= MAX_TARGETS:
            self.notify(f"A contract has at most {MAX_TARGETS} targets.", severity="warning")
            return
        diagnostic = self.query_one(DiagnosticEditor).read()
        due = max((d.due_date for d in drafts), default="") or _six_weeks(self.base)
        taken = {d.criterion_key for d in drafts}
        suggested = [
            t
            for t in suggest_targets(self.rubric, diagnostic, due_date=due, count=MAX_TARGETS)
            if t.criterion_key not in taken
        ]
        if suggested:
            target = suggested[0]
            quotes = forms.target_quotes(self.store, self.rubric, target)
            drafts.append(TargetDraft.of(target, quotes))
        else:
            drafts.append(TargetDraft(due_date=due))
        await self._show_targets(drafts)
        self.query(TargetEditor).last().query_one(".ct-indicator", Input).focus()

    async def action_add_activity(self) -> None:
        if self.base is not None:
            await self.query_one(ActivityList).add()

    # ------------------------------------------------------------------ saving
    def build(self) -> Contract:
        """The contract as typed. Raises ContractFieldError for what cannot even be read."""
        assert self.base is not None and self.rubric is not None
        diagnostic = self.query_one(DiagnosticEditor).read()
        targets = tuple(
            forms.make_target(
                editor.n,
                self.rubric,
                diagnostic,
                criterion_key=editor.criterion_key,
                target_level=editor.target_level,
                indicator=editor.indicator,
                due_date=editor.due_date,
                anchor_ids=editor.anchor_ids,
            )
            for editor in self.query(TargetEditor)
        )
        targets = forms.keep_evidence(targets, self.base.current.targets)
        terms = self.query_one(TermsForm).read()
        notes = self.query("#ct-note")
        version = replace(
            self.base.current,
            diagnostic=diagnostic,
            targets=targets,
            activities=self.query_one(ActivityList).read(),
            supports=terms.supports,
            resources=terms.resources,
            commitments=terms.commitments,
            accommodations=terms.accommodations,
            start_date=self.query_one("#ct-start", Input).value,
            note=notes.first(Input).value if notes else "",
        )
        teacher = self.query_one("#ct-teacher", Input).value
        teacher_id = self.base.teacher_id
        if self.contract_id is None and teacher.strip() != self.base.teacher:
            teacher_id = None  # another teacher than the rater picked
        return replace(
            self.base,
            student_code=self.query_one("#ct-code", Input).value,
            student_name=self.query_one("#ct-name", Input).value,
            class_name=self.query_one("#ct-class", Input).value,
            teacher=teacher,
            teacher_id=teacher_id,
            current=version,
        )

    def action_save(self) -> None:
        if self.base is None:
            self.notify("There is nothing to save yet: pick a scored sample first.")
            return
        try:
            saved = forms.save_contract(self.store, self.build(), contract_id=self.contract_id)
        except ContractFieldError as exc:
            if not show_problem(self.query_one("#ct-form"), exc.field, exc.message):
                self.notify(exc.message, severity="error", timeout=8)
            self.set_status(f"Not saved: {exc.message}")
            return
        except CalibrateError as exc:
            self.notify(exc.message, severity="error", timeout=8)
            return
        assert saved.id is not None
        if self.contract_id is None:
            self.notify(f"Saved a draft contract for {saved.student_code}.")
            self.calibrate_app.show_contract(saved.id, replace=True)
        else:
            self.notify(f"Saved version {saved.version} of {saved.student_code}'s contract.")
            self.app.pop_screen()

    def action_leave(self) -> None:
        if self.base is None or self.form_state() == self.snapshot:
            self.app.pop_screen()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmModal("Leave without saving? What you changed here is lost.", yes="Leave"),
            answered,
        )


def _six_weeks(contract: Contract) -> str:
    start = parse_date(contract.current.start_date)
    return "" if start is None else (start + timedelta(weeks=6)).isoformat()
