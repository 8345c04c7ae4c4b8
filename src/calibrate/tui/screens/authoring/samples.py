"""Work samples: the list on the left, the chosen sample's fields and text on the right (edit it
as text, or preview it as Markdown). Add one by pasting its text into a new sample, or import
text and Markdown files. A privacy warning shows while the text seems to name a person; it never
stops saving."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Markdown,
    Select,
    Static,
    TextArea,
)

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import SampleKind
from calibrate.services.authoring import samples
from calibrate.services.authoring.privacy import privacy_warning
from calibrate.services.authoring.samples import SampleForm
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ConfirmModal
from calibrate.tui.widgets.path_picker import PathPickerModal

FIELDS = ("title", "grade", "student_code", "task")


class SamplesScreen(StoreScreen):
    TITLE = "Work samples"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("f2", "new_sample", "New (paste)"),
        Binding("f3", "import_files", "Import files"),
        Binding("f4", "toggle_preview", "Preview"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.editing: int | None = None  # the sample shown (None: a new one)
        self.shown = SampleForm("", "")  # the form as loaded or last saved

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="sm-body"):
            yield DataTable(id="sm-list", cursor_type="row", zebra_stripes=True)
            with Vertical(id="sm-form"):
                with Horizontal(classes="sm-row"):
                    with Vertical(classes="sm-wide"):
                        yield Label("Title")
                        yield Input(placeholder="e.g. Essay 3: later start times", id="sm-title")
                        yield _error("title")
                    with Vertical(classes="sm-narrow"):
                        yield Label("Kind")
                        yield Select(
                            [(Text(k.value), k) for k in SampleKind],
                            allow_blank=False,
                            id="sm-kind",
                        )
                with Horizontal(classes="sm-row"):
                    with Vertical(classes="sm-narrow"):
                        yield Label("Grade")
                        yield Input(id="sm-grade")
                    with Vertical(classes="sm-narrow"):
                        yield Label("Student code")
                        yield Input(placeholder="never a name", id="sm-student_code")
                    with Vertical(classes="sm-wide"):
                        yield Label("Task")
                        yield Input(placeholder="what the students were asked", id="sm-task")
                yield Static("", id="sm-privacy")
                with ContentSwitcher(initial="sm-text", id="sm-switcher"):
                    yield TextArea(id="sm-text", soft_wrap=True)
                    yield Markdown("", id="sm-preview")
                yield _error("body")
        yield Static("", id="sm-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sm-list", DataTable).add_columns("Title", "Kind", "Grade", "Code")
        self.refresh_list()
        listing = self.query_one("#sm-list", DataTable)
        if listing.row_count:
            self.open_sample(self.sample_ids()[0])
            listing.focus()
        else:
            self.action_new_sample()

    # ------------------------------------------------------------------ list
    def sample_ids(self) -> list[int]:
        table = self.query_one("#sm-list", DataTable)
        return [int(str(row.value)) for row in table.rows]

    def refresh_list(self, select: int | None = None) -> None:
        table = self.query_one("#sm-list", DataTable)
        table.clear()
        for s in self.store.list_samples():
            flag = "⚠ " if samples.sample_flags(s) else ""
            table.add_row(flag + s.title, s.kind.value, s.grade, s.student_code, key=str(s.id))
        if select is not None and select in self.sample_ids():
            table.move_cursor(row=self.sample_ids().index(select))
        self.set_status()

    @on(DataTable.RowSelected, "#sm-list")
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        sample_id = int(str(event.row_key.value))
        if sample_id == self.editing:
            self.query_one("#sm-text", TextArea).focus()
            return
        self.leave_form_then(lambda: self.open_sample(sample_id))

    def open_sample(self, sample_id: int) -> None:
        try:
            sample = self.store.get_sample(sample_id)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.editing = sample_id
        self.fill(samples.form_of(sample))

    # ------------------------------------------------------------------ form
    def fill(self, form: SampleForm) -> None:
        self.shown = form
        for name in FIELDS:
            widget = self.query_one(f"#sm-{name}", Input)
            with widget.prevent(Input.Changed):
                widget.value = getattr(form, name)
        kind = self.query_one("#sm-kind", Select)
        with kind.prevent(Select.Changed):
            kind.value = form.kind
        text = self.query_one("#sm-text", TextArea)
        with text.prevent(TextArea.Changed):
            text.load_text(form.body)
        self.query_one("#sm-preview", Markdown).update(form.body)
        self.show_problems({})
        self.update_privacy()

    def form(self) -> SampleForm:
        kind = self.query_one("#sm-kind", Select).value
        return SampleForm(
            title=self.query_one("#sm-title", Input).value,
            body=self.query_one("#sm-text", TextArea).text,
            kind=kind if isinstance(kind, SampleKind) else SampleKind.ESSAY,
            grade=self.query_one("#sm-grade", Input).value,
            task=self.query_one("#sm-task", Input).value,
            student_code=self.query_one("#sm-student_code", Input).value,
        )

    @property
    def dirty(self) -> bool:
        return not samples.same_as_saved(self.form(), self.shown)

    def show_problems(self, problems: dict[str, str]) -> None:
        for name in ("title", "body"):
            widget = self.query_one(f"#sm-{name}-error", Static)
            widget.update(problems.get(name, ""))
            widget.display = name in problems

    def update_privacy(self) -> None:
        warning = privacy_warning(list(samples.sample_flags(self.form())))
        widget = self.query_one("#sm-privacy", Static)
        widget.update(("⚠ " + warning) if warning else "")
        widget.display = bool(warning)
        self.set_status()

    def set_status(self) -> None:
        where = "New sample" if self.editing is None else "Editing"
        state = "unsaved changes, Ctrl+S saves" if self.dirty else "no unsaved changes"
        n = len(self.sample_ids())
        self.query_one("#sm-status", Static).update(
            f"{n} sample{'' if n == 1 else 's'} · {where}: {state}."
        )

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def changed(self) -> None:
        self.update_privacy()

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    # ------------------------------------------------------------------ actions
    def action_save(self) -> None:
        form = self.form()
        problems = samples.check_sample_form(form)
        self.show_problems(problems)
        if problems:
            first = next(iter(problems))
            self.query_one("#sm-text" if first == "body" else f"#sm-{first}").focus()
            self.notify("Not saved: " + problems[first], severity="error")
            return
        try:
            if self.editing is None:
                saved = samples.add_sample(self.store, form)
            else:
                saved = samples.update_sample(self.store, self.editing, form)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error", timeout=8)
            return
        self.editing = saved.sample.id
        self.shown = samples.form_of(saved.sample)
        self.refresh_list(select=self.editing)
        self.update_privacy()
        note = " It may name a person: see the warning." if saved.flags else ""
        self.notify(f"Saved “{saved.sample.title}”.{note}")

    def action_new_sample(self) -> None:
        def start() -> None:
            self.editing = None
            self.fill(SampleForm("", ""))
            self.show_text()
            self.query_one("#sm-title", Input).focus()

        self.leave_form_then(start)

    def action_toggle_preview(self) -> None:
        switcher = self.query_one("#sm-switcher", ContentSwitcher)
        if switcher.current == "sm-text":
            self.query_one("#sm-preview", Markdown).update(self.form().body)
            switcher.current = "sm-preview"
        else:
            self.show_text()

    def show_text(self) -> None:
        self.query_one("#sm-switcher", ContentSwitcher).current = "sm-text"

    def action_import_files(self) -> None:
        def accept(text: str) -> str:
            try:
                paths = samples.expand_paths(text)
                saved = samples.import_sample_files(self.store, paths)
            except CalibrateError as exc:
                return exc.message
            flagged = sum(1 for s in saved if s.flags)
            warn = f" {flagged} may name a person (marked ⚠)." if flagged else ""
            self.notify(f"Imported {len(saved)} sample{'' if len(saved) == 1 else 's'}.{warn}")
            last = saved[-1].sample.id
            self.refresh_list(select=last)
            if last is not None:
                self.open_sample(last)
            return ""

        self.app.push_screen(
            PathPickerModal(
                "Import text (.txt) or Markdown (.md) files: each file becomes one sample "
                "(its title is the first heading, else the file name).",
                start=Path.cwd(),
                accept=accept,
            )
        )

    def leave_form_then(self, then: Callable[[], object]) -> None:
        """Run ``then`` now, or after asking, when the form has unsaved changes."""
        if not self.dirty:
            then()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(
            ConfirmModal("Discard the unsaved changes to this sample?", yes="Discard"),
            answered,
        )

    def action_leave(self) -> None:
        if self.query_one("#sm-switcher", ContentSwitcher).current == "sm-preview":
            self.show_text()
            return
        self.leave_form_then(self.app.pop_screen)


def _error(name: str) -> Static:
    widget = Static("", id=f"sm-{name}-error", classes="error")
    widget.display = False
    return widget
