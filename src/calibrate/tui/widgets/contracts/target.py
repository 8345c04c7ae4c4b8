"""One improvement target being edited: criterion, current → target level, due date, the
observable indicator, and the anchors of the target level quoted in the rubric's student wording.

The current level is not typed here: it is the criterion's level under "Where the student is
now" (:meth:`TargetEditor.set_current_levels`). Choosing another criterion or level posts
:class:`TargetEditor.Aimed`; whoever owns the store answers with :meth:`TargetEditor.show_anchors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from calibrate.domain.contracts import Target
from calibrate.domain.model import Rubric
from calibrate.services.contracts.anchors import AnchorQuote
from calibrate.services.contracts.forms import level_choices, next_level
from calibrate.services.contracts.wording import suggested_indicator
from calibrate.tui.widgets.contracts.fields import FieldError

PARTS = ("criterion_key", "current_level", "target_level", "due_date", "indicator", "anchor_ids")


@dataclass(frozen=True)
class TargetDraft:
    """A target as it stands in the form (possibly incomplete)."""

    criterion_key: str | None = None
    target_level: int | None = None
    indicator: str = ""
    due_date: str = ""
    anchor_ids: tuple[int, ...] = ()
    quotes: tuple[AnchorQuote, ...] = ()

    @classmethod
    def of(cls, target: Target, quotes: tuple[AnchorQuote, ...]) -> TargetDraft:
        return cls(
            target.criterion_key,
            target.target_level,
            target.indicator,
            target.due_date,
            target.anchor_ids,
            quotes,
        )


class TargetEditor(Vertical):
    """Target ``n`` (counting from 1) of a contract on ``rubric``."""

    @dataclass
    class Aimed(Message):
        """The criterion or target level changed: the anchors shown must follow."""

        editor: TargetEditor

    @dataclass
    class RemoveRequested(Message):
        editor: TargetEditor

    def __init__(
        self,
        n: int,
        rubric: Rubric,
        draft: TargetDraft,
        *,
        current_levels: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(classes="ct-target")
        self.n = n
        self.rubric = rubric
        self.current_levels = dict(current_levels or {})
        self.criterion_key = draft.criterion_key
        self.target_level = draft.target_level
        self.anchor_ids = draft.anchor_ids
        self.quotes = draft.quotes
        self._indicator = draft.indicator
        self._due = draft.due_date

    def path(self, part: str = "") -> str:
        return f"targets[{self.n}]" + (f".{part}" if part else "")

    def compose(self) -> ComposeResult:
        criteria = [(Text(c.name), c.key) for c in self.rubric.criteria]
        with Horizontal(classes="ct-target-head"):
            yield Static(f"Target {self.n}", classes="ct-target-number")
            with Vertical(classes="ct-cell ct-wide"):
                yield Label("Criterion")
                yield Select(
                    criteria,
                    prompt="choose a criterion",
                    value=self.criterion_key or Select.NULL,
                    name=self.path("criterion_key"),
                    classes="ct-criterion",
                )
            with Vertical(classes="ct-cell ct-now-cell"):
                yield Label("Now")
                yield Static(self._now_text(), classes="ct-now")
            with Vertical(classes="ct-cell ct-aim-cell"):
                yield Label("Aim for")
                yield Select(
                    self._level_options(),
                    prompt="level",
                    value=self.target_level if self.target_level is not None else Select.NULL,
                    name=self.path("target_level"),
                    classes="ct-level",
                )
            with Vertical(classes="ct-cell ct-due-cell"):
                yield Label("Due (YYYY-MM-DD)")
                yield Input(
                    self._due,
                    placeholder="2027-01-15",
                    name=self.path("due_date"),
                    classes="ct-due",
                )
            yield Button("✕", classes="ct-remove", tooltip="Remove this target")
        for part in PARTS[:4]:
            yield FieldError(self.path(part))
        yield Label("How we will know: what we will see when it is reached")
        yield Input(
            self._indicator,
            placeholder="e.g. cite two pieces of evidence in each of the next three essays",
            name=self.path("indicator"),
            classes="ct-indicator",
        )
        yield FieldError(self.path("indicator"))
        yield Static(self._anchor_text(), classes="ct-anchors")
        yield FieldError(self.path("anchor_ids"))
        yield FieldError(self.path())

    # ------------------------------------------------------------------ reading
    def draft(self) -> TargetDraft:
        """The target as it stands."""
        return TargetDraft(
            self.criterion_key,
            self.target_level,
            self.indicator,
            self.due_date,
            self.anchor_ids,
            self.quotes,
        )

    @property
    def indicator(self) -> str:
        return self.query_one(".ct-indicator", Input).value

    @property
    def due_date(self) -> str:
        return self.query_one(".ct-due", Input).value

    # ------------------------------------------------------------------ showing
    def set_current_levels(self, levels: Mapping[str, int]) -> None:
        """The levels under "Where the student is now" changed."""
        self.current_levels = dict(levels)
        self.query_one(".ct-now", Static).update(self._now_text())

    def show_anchors(self, quotes: tuple[AnchorQuote, ...]) -> None:
        """The anchors this target now carries (those of its criterion × target level)."""
        self.quotes = quotes
        self.anchor_ids = tuple(q.id for q in quotes)
        self.query_one(".ct-anchors", Static).update(self._anchor_text())

    def _now_text(self) -> str:
        if self.criterion_key is None:
            return "–"
        level = self.current_levels.get(self.criterion_key)
        if level is None:
            return "not given"
        return self._label(self.criterion_key, level)

    def _label(self, key: str, score: int) -> str:
        criterion = self.rubric.criterion(key)
        level = None if criterion is None else criterion.level(score)
        return f"{score} · {level.label}" if level is not None else str(score)

    def _level_options(self) -> list[tuple[Text, int]]:
        if self.criterion_key is None:
            return []
        return [
            (Text(label), score) for label, score in level_choices(self.rubric, self.criterion_key)
        ]

    def _anchor_text(self) -> Text:
        text = Text()
        key, score = self.criterion_key, self.target_level
        criterion = None if key is None else self.rubric.criterion(key)
        level = None if criterion is None or score is None else criterion.level(score)
        if criterion is None or level is None:
            return Text("Choose a criterion and a level to see what success looks like.")
        text.append("What success looks like", style="bold")
        text.append(f" ({criterion.name}, level {level.score} · {level.label}): ")
        text.append(level.student_wording or level.descriptor, style="italic")
        if not self.quotes:
            text.append("\nNo approved anchor of this level yet.")
        for quote in self.quotes:
            text.append(f"\n“{quote.excerpt}”", style="italic")
            text.append(f"\n  — from “{quote.sample.title}”, an anchor of this level")
            if quote.anchor.annotation:
                text.append(f"\n  Why it shows this level: {quote.anchor.annotation}")
        return text

    # ------------------------------------------------------------------ editing
    @on(Select.Changed, ".ct-criterion")
    def _criterion_chosen(self, event: Select.Changed) -> None:
        event.stop()
        key = event.value if isinstance(event.value, str) else None
        if key == self.criterion_key:
            return
        before = self._suggestion()
        self.criterion_key = key
        self.target_level = (
            None if key is None else next_level(self.rubric, key, self.current_levels.get(key))
        )
        self._follow(before)
        levels = self.query_one(".ct-level", Select)
        with levels.prevent(Select.Changed):
            levels.set_options(self._level_options())
            levels.value = self.target_level if self.target_level is not None else Select.NULL
        self.query_one(".ct-now", Static).update(self._now_text())
        self.post_message(self.Aimed(self))

    @on(Select.Changed, ".ct-level")
    def _level_chosen(self, event: Select.Changed) -> None:
        event.stop()
        level = event.value if isinstance(event.value, int) else None
        if level == self.target_level:
            return
        before = self._suggestion()
        self.target_level = level
        self._follow(before)
        self.post_message(self.Aimed(self))

    def _suggestion(self) -> str:
        return suggested_indicator(self.rubric, self.criterion_key, self.target_level)

    def _follow(self, before: str) -> None:
        """Reword "how we will know" for the new criterion or level, unless the teacher has
        written their own (it is kept as typed)."""
        field = self.query_one(".ct-indicator", Input)
        if field.value.strip() in ("", before):
            field.value = self._suggestion()

    @on(Button.Pressed, ".ct-remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.RemoveRequested(self))
