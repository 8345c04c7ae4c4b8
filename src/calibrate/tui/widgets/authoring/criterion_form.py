"""One criterion being edited: its name, key and wording, then its levels (one
:class:`~calibrate.tui.widgets.authoring.level_editor.LevelEditor` each), every problem under
its field.

What is typed goes straight into the :class:`CriterionDraft` shown; the form then posts
:class:`CriterionForm.Edited`. A key left empty (or still the one suggested) follows the name.
Levels are added, removed and reordered here too (each change redraws them, then posts Edited).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from calibrate.services.authoring import drafts
from calibrate.services.authoring.drafts import CriterionDraft, suggest_key
from calibrate.tui.widgets.authoring.level_editor import LevelEditor

INPUTS = {
    "re-ckey": "key",
    "re-cname": "name",
    "re-cdescription": "description",
    "re-cstudent_wording": "student_wording",
}
ProblemsAt = Mapping[tuple[str | int, ...], str]  # ("key",), ("levels",), (0, "label") ...


class CriterionForm(VerticalScroll):
    @dataclass
    class Edited(Message):
        renamed: bool  # the criterion's name changed (its list entry needs redrawing)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.criterion: CriterionDraft | None = None
        self.taken_keys: set[str] = set()  # keys of the other criteria

    def compose(self) -> ComposeResult:
        with Horizontal(id="re-criterion-head"):
            with Vertical():
                yield Label("Criterion name")
                yield Input(placeholder="e.g. Use of evidence", id="re-cname")
                yield _error("re-cname-error")
            with Vertical(id="re-key-box"):
                yield Label("Key")
                yield Input(placeholder="e.g. evidence", id="re-ckey")
                yield _error("re-ckey-error")
        yield Label("What this criterion is about")
        yield Input(id="re-cdescription")
        yield Label("In a student's words (optional)")
        yield Input(id="re-cstudent_wording")
        with Horizontal(id="re-level-titles"):
            yield Static("Score · label", classes="re-level-head")
            yield Static("Descriptor (for teachers)", classes="re-level-text")
            yield Static("Student wording (optional)", classes="re-level-text")
        yield Vertical(id="re-levels")
        yield _error("re-levels-error")
        yield Button("+ level", id="re-add-level")

    async def show(self, criterion: CriterionDraft | None) -> None:
        """Show ``criterion`` (None: an empty, disabled form)."""
        self.criterion = criterion
        for widget_id, name in INPUTS.items():
            widget = self.query_one(f"#{widget_id}", Input)
            with widget.prevent(Input.Changed):
                widget.value = getattr(criterion, name) if criterion else ""
            widget.disabled = criterion is None
        self.query_one("#re-add-level", Button).disabled = criterion is None
        levels = self.query_one("#re-levels", Vertical)
        await levels.remove_children()
        if criterion is not None:
            await levels.mount_all(LevelEditor(j, lv) for j, lv in enumerate(criterion.levels))

    def show_problems(self, at: ProblemsAt) -> None:
        for name in ("key", "name"):
            _show(self.query_one(f"#re-c{name}-error", Static), at.get((name,), ""))
        _show(self.query_one("#re-levels-error", Static), at.get(("levels",), ""))
        for editor in self.query(LevelEditor):
            editor.show_problems(
                {str(p[1]): m for p, m in at.items() if len(p) == 2 and p[0] == editor.index}
            )

    def focus_field(self, tail: tuple[str | int, ...]) -> None:
        """Put the cursor in the field a problem path ends with: ``("key",)``, ``(2, "label")``."""
        if len(tail) == 2 and isinstance(tail[0], int):
            self.query_one(f"#re-level-{tail[0]}", LevelEditor).focus_field(str(tail[1]))
            return
        target = {"key": "#re-ckey", "name": "#re-cname", "levels": "#re-add-level"}
        self.query_one(target.get(str(tail[0]) if tail else "", "#re-cname")).focus()

    def level_editor(self, index: int) -> LevelEditor:
        return self.query_one(f"#re-level-{index}", LevelEditor)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        widget_id = event.input.id or ""
        criterion = self.criterion
        if widget_id not in INPUTS or criterion is None:
            return
        event.stop()
        name = INPUTS[widget_id]
        follows = criterion.key in ("", suggest_key(criterion.name, self.taken_keys))
        if name == "name" and not criterion.key_stored and follows:
            key = suggest_key(event.value, self.taken_keys)
            criterion.key = key
            widget = self.query_one("#re-ckey", Input)
            with widget.prevent(Input.Changed):
                widget.value = key
        setattr(criterion, name, event.value)
        self.post_message(self.Edited(renamed=name == "name"))

    # ------------------------------------------------------------------ levels
    @on(Button.Pressed, "#re-add-level")
    async def add_level(self) -> None:
        """Add a level at the top of the scale and put the cursor in its label."""
        if self.criterion is None:
            return
        at = drafts.add_level(self.criterion)
        await self._redraw()
        self.level_editor(at).focus_field("label")

    def focused_level(self) -> LevelEditor | None:
        node = self.app.focused
        while node is not None and not isinstance(node, LevelEditor):
            node = node.parent  # type: ignore[assignment]
        return node

    async def remove_level(self, editor: LevelEditor | None = None) -> None:
        """Remove ``editor``'s level (default: the one with the cursor, else the last)."""
        editors = list(self.query(LevelEditor))
        editor = editor or self.focused_level() or (editors[-1] if editors else None)
        if editor is None or self.criterion is None:
            return
        drafts.remove_level(self.criterion, editor.index)
        await self._redraw()

    async def move_level(self, step: int, editor: LevelEditor | None = None) -> bool:
        """Move a level's wording up or down the scale; False if no level has the cursor."""
        editor = editor or self.focused_level()
        if editor is None:
            return False
        if self.criterion is None:
            return True
        focused_id = self.app.focused.id if self.app.focused else None
        moved = drafts.move_level(self.criterion, editor.index, step)
        if moved == editor.index:
            return True
        await self._redraw()
        if focused_id and focused_id.startswith(f"re-level-{editor.index}-"):
            name = focused_id.split("-", 3)[-1]
            if name in ("label", "descriptor", "student_wording"):
                self.level_editor(moved).focus_field(name)
        return True

    @on(LevelEditor.RemoveAsked)
    async def _remove_asked(self, event: LevelEditor.RemoveAsked) -> None:
        event.stop()
        await self.remove_level(event.editor)

    @on(LevelEditor.MoveAsked)
    async def _move_asked(self, event: LevelEditor.MoveAsked) -> None:
        event.stop()
        await self.move_level(event.step, event.editor)

    async def _redraw(self) -> None:
        await self.show(self.criterion)
        self.post_message(self.Edited(renamed=False))


def _error(widget_id: str) -> Static:
    widget = Static("", id=widget_id, classes="error")
    widget.display = False
    return widget


def _show(widget: Static, message: str) -> None:
    widget.update(message)
    widget.display = bool(message)
