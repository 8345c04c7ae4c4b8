"""Workshop kits: export a rubric (with its samples, raters, master key and anchors) or a whole
session as one scenario TOML file, or load such a file, the same format as ``scenarios/``."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from calibrate.domain.errors import CalibrateError
from calibrate.services.authoring import kits
from calibrate.tui.base import StoreScreen
from calibrate.tui.widgets.path_picker import PathPickerModal


class KitScreen(StoreScreen):
    TITLE = "Workshop kits"
    BINDINGS = [
        Binding("f2", "export", "Export"),
        Binding("f3", "load", "Load a kit file"),
        Binding("escape", "leave", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="kit-form"):
            yield Static(
                "Export a rubric with its samples, raters, master key and anchors, or a whole "
                "session with its scores, as one TOML file a team can share (the format of "
                "the example kits).",
                classes="hint",
            )
            yield Label("What to export")
            yield Select[str]([], prompt="choose a rubric or a session", id="kit-source")
            yield Label("Kit name (for a rubric kit)")
            yield Input(placeholder="e.g. Grade 8 argument", id="kit-name")
            yield Label("Save as (a .toml file)")
            yield Input(placeholder="e.g. ~/kits/grade8.toml", id="kit-path")
            yield Static("", id="kit-error", classes="error")
            with Horizontal(id="kit-buttons"):
                yield Button(r"Export \[f2]", variant="primary", id="kit-export")
                yield Button(r"Load a kit file \[f3]", id="kit-load")
        yield Footer()

    def on_mount(self) -> None:
        options: list[tuple[Text, str]] = [
            (Text(f"Rubric: {r.name} v{r.version}"), f"rubric:{r.id}")
            for r in self.store.list_rubrics(all_versions=True)
        ]
        options += [
            (Text(f"Session: {s.title} ({s.date})"), f"session:{s.id}")
            for s in self.store.list_sessions()
        ]
        self.query_one("#kit-source", Select).set_options(options)
        self.query_one("#kit-error", Static).display = False
        self.query_one("#kit-source", Select).focus()

    @on(Select.Changed, "#kit-source")
    def source_changed(self, event: Select.Changed) -> None:
        name = self.query_one("#kit-name", Input)
        if isinstance(event.value, str) and event.value.startswith("rubric:") and not name.value:
            rubric = self.store.get_rubric(int(event.value.partition(":")[2]))
            name.value = rubric.name.replace("/", "-")

    def show_error(self, message: str) -> None:
        error = self.query_one("#kit-error", Static)
        error.update(message)
        error.display = bool(message)

    @on(Button.Pressed, "#kit-export")
    def action_export(self) -> None:
        source = self.query_one("#kit-source", Select).value
        path_text = self.query_one("#kit-path", Input).value.strip()
        if not isinstance(source, str):
            self.show_error("Choose what to export.")
            return
        if not path_text:
            self.show_error("Say where to save the kit (a file name ending in .toml).")
            self.query_one("#kit-path", Input).focus()
            return
        what, _, ident = source.partition(":")
        try:
            if what == "session":
                kit = kits.kit_from_session(self.store, int(ident))
            else:
                name = self.query_one("#kit-name", Input).value
                kit = kits.kit_from_rubric(self.store, int(ident), name=name)
            path = kits.export_kit_file(self.store, kit, Path(path_text))
        except CalibrateError as exc:
            self.show_error(exc.message)
            return
        self.show_error("")
        self.notify(
            f"Exported “{kit.name}” to {path}: {len(kit.samples)} samples, "
            f"{len(kit.raters)} raters, {len(kit.master_key)} master-key levels.",
            timeout=8,
        )

    @on(Button.Pressed, "#kit-load")
    def action_load(self) -> None:
        def accept(text: str) -> str:
            try:
                summary = kits.load_kit_file(self.store, Path(text))
            except CalibrateError as exc:
                return exc.message
            self.notify(summary, timeout=10)
            return ""

        self.app.push_screen(
            PathPickerModal(
                "Load a kit (scenario .toml file): everything in it or nothing is stored; "
                "loading the same kit twice adds nothing.",
                start=Path.cwd(),
                accept=accept,
                hint="Enter loads · Escape cancels",
            )
        )

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    def action_leave(self) -> None:
        self.app.pop_screen()
