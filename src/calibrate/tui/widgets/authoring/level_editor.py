"""One level of a criterion being edited: score and label, then the teacher's descriptor and the
student wording side by side, each with its problem shown beneath it.

The editor writes what is typed straight into its :class:`LevelDraft` (the draft object it was
given) and posts :class:`LevelEditor.Edited`; its buttons post :class:`LevelEditor.MoveAsked` and
:class:`LevelEditor.RemoveAsked`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Static, TextArea

from calibrate.services.authoring.drafts import LevelDraft

FIELDS = ("score", "label", "descriptor", "student_wording")


class LevelEditor(Horizontal):
    """Edits ``level`` (the ``index``-th level of the criterion shown)."""

    @dataclass
    class Edited(Message):
        editor: LevelEditor

    @dataclass
    class MoveAsked(Message):
        editor: LevelEditor
        step: int

    @dataclass
    class RemoveAsked(Message):
        editor: LevelEditor

    def __init__(self, index: int, level: LevelDraft) -> None:
        super().__init__(id=f"re-level-{index}", classes="re-level")
        self.index = index
        self.level = level

    def compose(self) -> ComposeResult:
        i = self.index
        with Vertical(classes="re-level-head"):
            with Horizontal(classes="re-level-fields"):
                yield Input(
                    self.level.score,
                    placeholder="score",
                    compact=True,
                    id=f"re-level-{i}-score",
                    classes="re-level-score",
                )
                yield Input(
                    self.level.label, placeholder="label", compact=True, id=f"re-level-{i}-label"
                )
            yield _error(i, "score")
            yield _error(i, "label")
            with Horizontal(classes="re-level-buttons"):
                yield Button(
                    "↑", id=f"re-level-{i}-up", tooltip="Move this wording to the row above"
                )
                yield Button(
                    "↓", id=f"re-level-{i}-down", tooltip="Move this wording to the row below"
                )
                yield Button("✕", id=f"re-level-{i}-remove", tooltip="Remove this level")
        with Vertical(classes="re-level-text"):
            yield TextArea(self.level.descriptor, id=f"re-level-{i}-descriptor")
            yield _error(i, "descriptor")
        with Vertical(classes="re-level-text"):
            yield TextArea(self.level.student_wording, id=f"re-level-{i}-student_wording")

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show each field's problem under it (``problems`` by field name; others cleared)."""
        for name in ("score", "label", "descriptor"):
            widget = self.query_one(f"#re-level-{self.index}-{name}-error", Static)
            widget.update(problems.get(name, ""))
            widget.display = name in problems

    def focus_field(self, name: str) -> None:
        self.query_one(f"#re-level-{self.index}-{name}").focus()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        name = _field(event.input.id)
        if name == "score":
            self.level.score = event.value
        elif name == "label":
            self.level.label = event.value
        self.post_message(self.Edited(self))

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        name = _field(event.text_area.id)
        if name == "descriptor":
            self.level.descriptor = event.text_area.text
        elif name == "student_wording":
            self.level.student_wording = event.text_area.text
        self.post_message(self.Edited(self))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        name = _field(event.button.id)
        if name == "remove":
            self.post_message(self.RemoveAsked(self))
        else:
            self.post_message(self.MoveAsked(self, -1 if name == "up" else 1))


def _field(widget_id: str | None) -> str:
    """``re-level-2-student_wording`` -> ``student_wording``."""
    return (widget_id or "").split("-", 3)[-1]


def _error(index: int, name: str) -> Static:
    widget = Static("", id=f"re-level-{index}-{name}-error", classes="error")
    widget.display = False
    return widget
