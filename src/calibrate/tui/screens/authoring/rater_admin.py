"""Raters (admin): every rater, active or retired, with how much they have scored. Add, edit or
rename, retire or bring back, and merge two entries that are the same person (their histories
merge; refused, with the items named, if both scored the same item)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Static

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import Rater
from calibrate.services.authoring import raters
from calibrate.services.authoring.raters import RaterForm
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ChoiceModal, ConfirmModal

FIELDS = ("name", "initials", "role", "team")


class RaterFormModal(ModalScreen[RaterForm | None]):
    """A rater's name and details. ``check`` returns problems by field; the dialog closes only
    when there are none."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, form: RaterForm, check: Callable[[RaterForm], dict[str, str]]
    ) -> None:
        super().__init__()
        self.title_text = title
        self.start = form
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="question")
            for name, label in zip(FIELDS, ("Name", "Initials", "Role", "Team"), strict=True):
                yield Label(label)
                yield Input(getattr(self.start, name), id=f"ra-{name}")
                error = Static("", id=f"ra-{name}-error", classes="error")
                error.display = False
                yield error
            with Horizontal(classes="buttons"):
                yield Button("Save [enter]", variant="primary", id="ra-save")
                yield Button("Cancel [esc]", id="ra-cancel")

    def on_mount(self) -> None:
        self.query_one("#ra-name", Input).focus()

    def form(self) -> RaterForm:
        return RaterForm(*(self.query_one(f"#ra-{name}", Input).value for name in FIELDS))

    @on(Input.Submitted)
    @on(Button.Pressed, "#ra-save")
    def save(self) -> None:
        form = self.form()
        problems = self.check(form)
        for name in FIELDS:
            error = self.query_one(f"#ra-{name}-error", Static)
            error.update(problems.get(name, ""))
            error.display = name in problems
        if problems:
            self.query_one(f"#ra-{next(iter(problems))}", Input).focus()
            return
        self.dismiss(form)

    @on(Button.Pressed, "#ra-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class RaterAdminScreen(StoreScreen):
    TITLE = "Raters"
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("r", "edit", "Edit", tooltip="Rename / edit"),
        Binding("x", "retire", "Retire", tooltip="Retire / bring back"),
        Binding("m", "merge", "Merge into…"),
        Binding("escape", "leave", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="ra-list", cursor_type="row", zebra_stripes=True)
        yield Static(
            "Merge: two entries for one person (e.g. “A. Okafor” and “Amara Okafor”) become one; "
            "every score moves to the entry you keep.",
            id="ra-hint",
            classes="hint",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ra-list", DataTable).add_columns(
            "Name", "Initials", "Role", "Team", "Status", "Sessions", "Scores"
        )
        self.reload()
        self.query_one("#ra-list", DataTable).focus()

    def reload(self, select: int | None = None) -> None:
        table = self.query_one("#ra-list", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in raters.rater_rows(self.store):
            r = row.rater
            table.add_row(
                r.name,
                r.initials,
                r.role,
                r.team,
                row.status,
                str(row.sessions),
                str(row.scores),
                key=str(r.id),
            )
        ids = [int(str(k.value)) for k in table.rows]
        if select is not None and select in ids:
            table.move_cursor(row=ids.index(select))
        elif ids:
            table.move_cursor(row=min(cursor, len(ids) - 1))

    def selected(self) -> Rater | None:
        table = self.query_one("#ra-list", DataTable)
        if not table.row_count:
            self.notify("There is no rater yet: press a to add one.")
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.store.get_rater(int(str(key)))

    def action_add(self) -> None:
        def done(form: RaterForm | None) -> None:
            if form is None:
                return
            try:
                rater = raters.add_rater(self.store, form)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error")
                return
            self.reload(select=rater.id)
            self.notify(f"Added {rater.name}.")

        self.app.push_screen(
            RaterFormModal(
                "A new rater", RaterForm(""), lambda f: raters.check_rater_form(self.store, f)
            ),
            done,
        )

    def action_edit(self) -> None:
        if (rater := self.selected()) is None or rater.id is None:
            return
        rater_id = rater.id

        def done(form: RaterForm | None) -> None:
            if form is None:
                return
            try:
                saved = raters.edit_rater(self.store, rater_id, form)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error")
                return
            self.reload(select=saved.id)
            self.notify(f"Saved {saved.name}; their scores stay theirs.")

        self.app.push_screen(
            RaterFormModal(
                f"Rename or edit {rater.name}",
                RaterForm(rater.name, rater.initials, rater.role, rater.team),
                lambda f: raters.check_rater_form(self.store, f, own_id=rater_id),
            ),
            done,
        )

    def action_retire(self) -> None:
        if (rater := self.selected()) is None or rater.id is None:
            return
        try:
            saved = raters.set_active(self.store, rater.id, not rater.active)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.reload(select=saved.id)
        if saved.active:
            self.notify(f"{saved.name} is active again.")
        else:
            self.notify(f"{saved.name} is retired: not offered for new sessions; history kept.")

    def action_merge(self) -> None:
        if (drop := self.selected()) is None or drop.id is None:
            return
        drop_id = drop.id
        options = [(r.id or 0, r.name) for r in self.store.list_raters() if r.id != drop_id]
        if not options:
            self.notify("There is no other rater to merge with.")
            return

        def confirmed(keep_id: int, yes: bool | None) -> None:
            if not yes:
                return
            try:
                report = raters.merge_raters(self.store, keep_id, drop_id)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error", timeout=12)
                return
            kept = self.store.get_rater(keep_id)
            self.reload(select=keep_id)
            self.notify(raters.merged_message(report, kept), timeout=8)

        def chosen(keep_id: int | None) -> None:
            if keep_id is None:
                return
            self.app.push_screen(
                ConfirmModal(raters.merge_question(self.store, keep_id, drop_id), yes="Merge"),
                lambda yes: confirmed(keep_id, yes),
            )

        self.app.push_screen(
            ChoiceModal(f"Merge “{drop.name}” into which rater (the one to keep)?", options),
            chosen,
        )

    def action_leave(self) -> None:
        self.app.pop_screen()
