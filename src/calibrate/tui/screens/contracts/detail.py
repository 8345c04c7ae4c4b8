"""One learning contract: the document as the student reads it, the progress log, checkpoint
reviews, and its versions side by side. A draft is agreed (made active) here; progress is then
logged and reviewed, and the closing reassessment (the Close tab) ends it as met or closed, after
which the screen only shows it. Export writes the printable document to a file in a worker that
gets the gathered document, never the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Input,
    Markdown,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from calibrate.domain.contracts import (
    ContractFieldError,
    ContractStatus,
    next_checkpoint,
    review_dates,
)
from calibrate.domain.errors import CalibrateError
from calibrate.services.contracts.closing import (
    check_closing,
    close_from_form,
    closing_rows,
    closing_summary,
)
from calibrate.services.contracts.compare import compare_versions
from calibrate.services.contracts.export import ContractDocument, ContractFormat, contract_document
from calibrate.services.contracts.files import default_file_name, render_document, write_document
from calibrate.services.contracts.plans import activate, log_progress, review
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ConfirmModal
from calibrate.tui.widgets.contracts.close import CloseForm
from calibrate.tui.widgets.contracts.export_modal import ExportChoice, ExportModal
from calibrate.tui.widgets.contracts.fields import show_problem
from calibrate.tui.widgets.contracts.logs import ProgressForm, ReviewForm
from calibrate.tui.widgets.contracts.versions import VersionCompare

T = TypeVar("T")

TABS = ("ct-tab-document", "ct-tab-progress", "ct-tab-reviews", "ct-tab-versions", "ct-tab-close")
CLOSE_TAB = TABS[4]
CLOSE_QUESTION = "Close this contract? It can no longer be changed."


class ContractDetailScreen(StoreScreen):
    TITLE = "Contract"
    BINDINGS = [
        Binding("a", "activate", "Activate"),
        Binding("e", "amend", "Amend"),
        Binding("d", "tab('ct-tab-document')", "Document"),
        Binding("l", "tab('ct-tab-progress')", "Log progress"),
        Binding("r", "tab('ct-tab-reviews')", "Review"),
        Binding("h", "tab('ct-tab-versions')", "Versions"),
        Binding("c", "tab('ct-tab-close')", "Close", tooltip="The closing reassessment"),
        Binding("ctrl+s", "save_entry", "Save entry"),
        Binding("x", "export", "Export"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, contract_id: int) -> None:
        super().__init__()
        self.contract_id = contract_id
        self.doc: ContractDocument | None = None
        self.exported: Path | None = None  # the last file written (for tests and the status)
        self.document_text = ""  # the contract as the student reads it (Markdown)
        self.shown_text = ""  # what the document tab shows

    def compose(self) -> ComposeResult:
        today = self.calibrate_app.today().isoformat()
        yield Header()
        yield Static("", id="ct-summary")
        with TabbedContent(id="ct-tabs"):
            with TabPane("Contract", id="ct-tab-document"), VerticalScroll(id="ct-document-box"):
                yield Markdown("", id="ct-document")
            with TabPane("Progress log", id="ct-tab-progress"):
                yield DataTable(id="ct-progress", cursor_type="row", zebra_stripes=True)
                yield ProgressForm(today)
            with TabPane("Checkpoints", id="ct-tab-reviews"):
                yield Static("", id="ct-schedule")
                yield DataTable(id="ct-reviews", cursor_type="row", zebra_stripes=True)
                yield ReviewForm(today)
            with TabPane("Versions", id="ct-tab-versions"):
                yield VersionCompare()
            with TabPane("Close", id=CLOSE_TAB), VerticalScroll(id="ct-close-box"):
                yield CloseForm(today)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ct-progress", DataTable).add_columns(
            "Date", "Evidence", "What worked", "What didn't", "What next"
        )
        self.query_one("#ct-reviews", DataTable).add_columns("Date", "Outcome", "Note", "Version")
        try:
            self.refresh_data()
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            self.app.pop_screen()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    # ------------------------------------------------------------------ showing
    def refresh_data(self) -> None:
        self.doc = doc = contract_document(self.store, self.contract_id)
        c = doc.contract
        self.sub_title = f"{c.student_code} · {c.status} · version {c.version}"
        upcoming = next_checkpoint(c, doc.reviews)
        summary = Text()
        summary.append(f"{c.student_code}", style="bold")
        summary.append(
            f"  ·  {c.teacher}  ·  {doc.rubric.name} v{doc.rubric.version}  ·  {c.status}"
            f"  ·  version {c.version}  ·  next checkpoint: {upcoming or '–'}"
        )
        if c.status is ContractStatus.DRAFT:
            summary.append("\nA draft: agree it with the student, then press a to make it active.")
        if doc.reassessment is not None:
            summary.append(
                "\n" + closing_summary(doc.rubric, c.status, doc.reassessment),
                style="bold" if c.status is ContractStatus.MET else "",
            )
        self.query_one("#ct-summary", Static).update(summary)
        self.document_text = render_document(doc, ContractFormat.MD)
        self.show_document()
        progress = self.query_one("#ct-progress", DataTable)
        progress.clear()
        for p in doc.progress:
            evidence = p.evidence + (f" [{p.evidence_file}]" if p.evidence_file else "")
            progress.add_row(p.date, evidence, p.worked, p.didnt_work, p.next_step, key=str(p.id))
        reviews = self.query_one("#ct-reviews", DataTable)
        reviews.clear()
        for r in doc.reviews:
            reviews.add_row(r.date, str(r.outcome), r.note, str(r.version), key=str(r.id))
        planned = review_dates(doc.current)
        self.query_one("#ct-schedule", Static).update(
            f"Reviewed every {doc.current.commitments.review_every_days} days. "
            f"Next checkpoint: {upcoming or '–'}. "
            f"Planned: {', '.join(planned) or '–'}."
        )
        self.query_one(VersionCompare).set_versions([v.version for v in doc.versions])
        self.show_close_tab(c.status is ContractStatus.ACTIVE)
        # met or closed: nothing more is logged or reviewed
        self.query_one(ProgressForm).display = c.status.open
        self.query_one(ReviewForm).display = c.status.open
        self.refresh_bindings()

    def show_close_tab(self, shown: bool) -> None:
        """The Close tab is there only while the contract is active."""
        assert self.doc is not None
        tabs = self.query_one("#ct-tabs", TabbedContent)
        if shown:
            self.query_one(CloseForm).set_targets(closing_rows(self.doc.rubric, self.doc.contract))
            tabs.show_tab(CLOSE_TAB)
            return
        if tabs.active == CLOSE_TAB:
            tabs.active = TABS[0]
        tabs.hide_tab(CLOSE_TAB)

    @on(VersionCompare.PairChosen)
    def pair_chosen(self, event: VersionCompare.PairChosen) -> None:
        try:
            comparison = compare_versions(self.store, self.contract_id, event.before, event.after)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.query_one(VersionCompare).show(comparison)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        status = None if self.doc is None else self.doc.contract.status
        if action == "activate":
            return status is ContractStatus.DRAFT
        if action == "amend":
            return status is not None and status.open
        if action == "tab" and parameters == (CLOSE_TAB,):
            return status is ContractStatus.ACTIVE
        if action == "save_entry":
            active = self.query_one("#ct-tabs", TabbedContent).active
            if active == CLOSE_TAB:
                return status is ContractStatus.ACTIVE
            return active in TABS[1:3] and status is not None and status.open
        return True

    def show_document(self) -> None:
        """Draw the document if its tab is showing and it changed (drawing it takes a while)."""
        if self.query_one("#ct-tabs", TabbedContent).active != TABS[0]:
            return
        if self.document_text != self.shown_text:
            self.shown_text = self.document_text
            self.query_one("#ct-document", Markdown).update(self.document_text)

    @on(TabbedContent.TabActivated)
    def tab_changed(self) -> None:
        tabs = self.query_one("#ct-tabs", TabbedContent)
        closable = self.doc is not None and self.doc.contract.status is ContractStatus.ACTIVE
        if tabs.active == CLOSE_TAB and not closable:
            # e.g. focus coming back to the form after closing: the tab is gone
            self.query_one("#ct-tabs Tabs").focus()
            tabs.active = TABS[0]
            return
        self.show_document()
        self.refresh_bindings()

    # ------------------------------------------------------------------ actions
    def action_tab(self, tab: str) -> None:
        self.query_one("#ct-tabs", TabbedContent).active = tab
        first = {
            "ct-tab-progress": "#ct-evidence",
            "ct-tab-reviews": "#ct-outcome",
            CLOSE_TAB: "#ct-close-targets Select",
        }.get(tab)
        if first is not None and (found := self.query(first)):
            found.first().focus()

    def action_activate(self) -> None:
        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                activate(self.store, self.contract_id)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error")
                return
            self.notify("The contract is active: log progress (l) and review it (r).")
            self.refresh_data()

        self.app.push_screen(
            ConfirmModal(
                "Has the student agreed this contract with you? It becomes active: progress is "
                "logged and reviewed from now on.",
                yes="Make it active",
            ),
            answered,
        )

    def action_amend(self) -> None:
        from calibrate.tui.screens.contracts.editor import ContractEditorScreen

        self.app.push_screen(ContractEditorScreen(self.contract_id))

    def action_save_entry(self) -> None:
        active = self.query_one("#ct-tabs", TabbedContent).active
        if active == "ct-tab-progress":
            self.query_one(ProgressForm).submit()
        elif active == "ct-tab-reviews":
            self.query_one(ReviewForm).submit()
        elif active == CLOSE_TAB:
            self.query_one(CloseForm).submit()

    def attempt(self, form: Widget, action: Callable[[], T]) -> T | None:
        """Run a service call for ``form``: a mistake is shown at its field (or as a
        notification when the field is not on screen) and None is returned."""
        try:
            return action()
        except ContractFieldError as exc:
            if not show_problem(form, exc.field, exc.message):
                self.notify(exc.message, severity="error")
        except CalibrateError as exc:
            self.notify(exc.message, severity="error", timeout=8)
        return None

    @on(ProgressForm.Submitted)
    def progress_logged(self, event: ProgressForm.Submitted) -> None:
        form = self.query_one(ProgressForm)
        logged = self.attempt(
            form,
            lambda: log_progress(
                self.store,
                self.contract_id,
                on=event.date,
                evidence=event.evidence,
                evidence_file=event.evidence_file,
                worked=event.worked,
                didnt_work=event.didnt_work,
                next_step=event.next_step,
            ),
        )
        if logged is None:
            return
        form.clear()
        self.notify("Added to the progress log.")
        self.refresh_data()

    @on(ReviewForm.Submitted)
    def review_recorded(self, event: ReviewForm.Submitted) -> None:
        form = self.query_one(ReviewForm)
        recorded = self.attempt(
            form,
            lambda: review(
                self.store, self.contract_id, on=event.date, outcome=event.outcome, note=event.note
            ),
        )
        if recorded is None:
            return
        form.clear()
        self.notify(f"Checkpoint recorded: {event.outcome}.")
        self.refresh_data()

    @on(CloseForm.Submitted)
    def close_requested(self, event: CloseForm.Submitted) -> None:
        """Point at a mistake first; then ask; then close (all or nothing)."""
        form = self.query_one(CloseForm)

        def check() -> bool:
            check_closing(
                form.rows, on=event.date, achieved=event.achieved, reflection=event.reflection
            )
            return True

        if self.attempt(form, check) is None:
            return
        form.clear_problems()

        def answered(yes: bool | None) -> None:
            if yes:
                self.close_contract(event)

        self.app.push_screen(ConfirmModal(CLOSE_QUESTION, yes="Close it"), answered)

    def close_contract(self, event: CloseForm.Submitted) -> None:
        form = self.query_one(CloseForm)
        closed = self.attempt(
            form,
            lambda: close_from_form(
                self.store,
                self.contract_id,
                on=event.date,
                achieved=event.achieved,
                reflection=event.reflection,
                teacher_note=event.teacher_note,
            ),
        )
        if closed is None:
            return
        if closed.status is ContractStatus.MET:
            self.notify("The contract is met: every target reached. Well done!")
        else:
            self.notify("The contract is closed; not every target was reached yet.")
        self.refresh_data()
        self.action_tab(TABS[0])

    # ------------------------------------------------------------------ export
    def action_export(self) -> None:
        if self.doc is None:
            return
        folder = Path.cwd()
        suggested = folder / default_file_name(self.doc.contract)

        def chosen(choice: ExportChoice | None) -> None:
            if choice is None:
                return
            try:  # gathered here, on the app's thread: the worker never sees the store
                doc = contract_document(self.store, self.contract_id)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error")
                return
            self.notify(f"Writing {choice.path.name} …")
            self.write_file(doc, choice)

        self.app.push_screen(ExportModal(suggested, folder=folder), chosen)

    @work(thread=True, exclusive=True, group="contract-export")
    def write_file(self, doc: ContractDocument, choice: ExportChoice) -> None:
        try:
            path = write_document(doc, choice.path, choice.fmt, include_name=choice.include_name)
        except CalibrateError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", timeout=10)
            return
        self.app.call_from_thread(self._written, path, choice.fmt)

    def _written(self, path: Path, fmt: ContractFormat) -> None:
        self.exported = path
        self.notify(f"Wrote the contract ({fmt}) to {path}.", timeout=8)

    def action_leave(self) -> None:
        """Out of a form first (so the letter keys work again), then back."""
        if isinstance(self.focused, Input | TextArea):
            self.query_one("#ct-tabs Tabs").focus()
            return
        self.app.pop_screen()
