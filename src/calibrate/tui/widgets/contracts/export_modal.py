"""Ask where to export a contract: a file path whose ending picks the format (.md, .html or
.json), and whether the student's display name goes in. The path is checked before the dialog
closes (the problem shown under the box); it returns an :class:`ExportChoice` or None."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from calibrate.domain.contracts import ContractFieldError
from calibrate.services.contracts.export import ContractFormat
from calibrate.services.contracts.files import export_destination
from calibrate.tui.widgets.contracts.fields import FieldError, show_problem


@dataclass(frozen=True)
class ExportChoice:
    path: Path
    fmt: ContractFormat
    include_name: bool


class ExportModal(ModalScreen[ExportChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggested: Path, *, folder: Path) -> None:
        super().__init__()
        self.suggested = suggested
        self.folder = folder  # where a relative path points

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog ct-export"):
            yield Static("Export the contract to a file", classes="question")
            yield Input(
                str(self.suggested), id="ct-export-path", name="path", select_on_focus=False
            )
            yield FieldError("path")
            yield Static(
                "End the name with .md (Markdown), .html (a page to print and sign) or .json "
                "(all the data).",
                classes="hint",
            )
            yield Checkbox("Include the student's display name", False, id="ct-export-name")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="ct-export-go")
                yield Button("Cancel", id="ct-export-cancel")

    def on_mount(self) -> None:
        box = self.query_one("#ct-export-path", Input)
        box.focus()
        box.cursor_position = len(box.value)  # ready to change the name's ending

    @on(Input.Submitted)
    @on(Button.Pressed, "#ct-export-go")
    def export(self) -> None:
        text = self.query_one("#ct-export-path", Input).value
        try:
            path, fmt = export_destination(text, folder=self.folder)
        except ContractFieldError as exc:
            show_problem(self, exc.field, exc.message)
            return
        self.dismiss(ExportChoice(path, fmt, self.query_one("#ct-export-name", Checkbox).value))

    @on(Button.Pressed, "#ct-export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
