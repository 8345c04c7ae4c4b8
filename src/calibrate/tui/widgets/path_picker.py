"""A dialog to choose files: type paths (wildcards and folders allowed) or pick them in a folder
tree. ``accept`` is called with the text on Enter and returns what is wrong ("" when all went
well); the dialog stays open, showing the message at the box, until it succeeds or is cancelled.
It returns the accepted text (None when cancelled)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Label, Static


class PathPickerModal(ModalScreen[str | None]):
    """Ask for one or more paths; Enter in the box returns them, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, prompt: str, *, start: Path, accept: Callable[[str], str], hint: str = ""
    ) -> None:
        super().__init__()
        self.accept = accept
        self.prompt = prompt
        self.start = start
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog path-picker"):
            yield Label(self.prompt, classes="question")
            yield Input(placeholder="a file, several files, a folder or *.md", id="picker-paths")
            yield Static("", id="picker-error", classes="error")
            yield DirectoryTree(self.start, id="picker-tree")
            yield Static(
                self.hint or "Enter imports · choosing a file in the tree adds it · Escape cancels",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#picker-error", Static).display = False
        self.query_one("#picker-paths", Input).focus()

    def show_error(self, message: str) -> None:
        """Show what is wrong with the paths, under the box."""
        error = self.query_one("#picker-error", Static)
        error.update(message)
        error.display = bool(message)

    @on(DirectoryTree.FileSelected)
    def file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        box = self.query_one("#picker-paths", Input)
        words = box.value.split()
        words.append(shlex.quote(str(event.path)))
        box.value = " ".join(words)

    @on(Input.Submitted, "#picker-paths")
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.show_error("Type a path, or choose a file in the tree.")
            return
        problem = self.accept(text)
        if problem:
            self.show_error(problem)
        else:
            self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
