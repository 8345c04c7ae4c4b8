"""Two parts of a contract being edited: where the student is now (a level per criterion, with
where it came from) and the activities in sequence (a stage and a description each)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Select, Static

from calibrate.domain.contracts import Activity, CurrentLevel, LevelSource, Stage
from calibrate.domain.model import Rubric
from calibrate.services.contracts.forms import level_choices
from calibrate.tui.widgets.contracts.fields import FieldError


class DiagnosticEditor(Vertical):
    """A level per criterion of the rubric ("not given" allowed). A level changed by hand is
    marked as entered by hand."""

    @dataclass
    class Changed(Message):
        levels: dict[str, int]  # by criterion key, only those given

    def __init__(self, rubric: Rubric, diagnostic: tuple[CurrentLevel, ...]) -> None:
        super().__init__(id="ct-diagnostic")
        self.rubric = rubric
        self.given = {c.criterion_key: c for c in diagnostic}  # as loaded
        self.levels = {c.criterion_key: c.level for c in diagnostic}

    def compose(self) -> ComposeResult:
        for criterion in self.rubric.criteria:
            with Horizontal(classes="ct-diag-row"):
                yield Static(criterion.name, classes="ct-diag-name")
                level = self.levels.get(criterion.key)
                yield Select(
                    [(Text(t), s) for t, s in level_choices(self.rubric, criterion.key)],
                    prompt="not given",
                    value=Select.NULL if level is None else level,
                    name=f"diagnostic.{criterion.key}",
                    id=f"ct-diag-{criterion.key}",
                    classes="ct-diag-level",
                    compact=True,
                )
                yield Static(self._source(criterion.key), classes="ct-diag-source")
        yield FieldError("diagnostic")

    def read(self) -> tuple[CurrentLevel, ...]:
        """The levels given, in rubric order."""
        out = []
        for criterion in self.rubric.criteria:
            level = self.levels.get(criterion.key)
            if level is not None:
                out.append(CurrentLevel(criterion.key, level, self._source_of(criterion.key)))
        return tuple(out)

    def _source_of(self, key: str) -> LevelSource:
        loaded = self.given.get(key)
        if loaded is not None and loaded.level == self.levels.get(key):
            return loaded.source
        return LevelSource.HAND

    def _source(self, key: str) -> str:
        return "" if key not in self.levels else f"({self._source_of(key)})"

    @on(Select.Changed, ".ct-diag-level")
    def _level_chosen(self, event: Select.Changed) -> None:
        event.stop()
        key = (event.select.id or "").removeprefix("ct-diag-")
        level = event.value if isinstance(event.value, int) else None
        if self.levels.get(key) == level:
            return
        if level is None:
            self.levels.pop(key, None)
        else:
            self.levels[key] = level
        row = event.select.parent
        if row is not None:
            row.query_one(".ct-diag-source", Static).update(self._source(key))
        self.post_message(self.Changed(dict(self.levels)))


STAGES = [(Text(str(stage).capitalize()), stage) for stage in Stage]


class ActivityRow(Vertical):
    """Activity ``n``: its stage, what the student does, and the problems with either."""

    def __init__(self, n: int, activity: Activity) -> None:
        super().__init__(classes="ct-activity")
        self.n = n
        self.activity = activity

    def compose(self) -> ComposeResult:
        n = self.n
        with Horizontal(classes="ct-activity-line"):
            yield Select(
                STAGES,
                value=self.activity.stage,
                allow_blank=False,
                name=f"activities[{n}].stage",
                classes="ct-stage",
                compact=True,
            )
            yield Input(
                self.activity.description,
                placeholder="what the student does",
                name=f"activities[{n}].description",
                classes="ct-activity-text",
            )
            yield Button("✕", classes="ct-remove-activity", tooltip="Remove this activity")
        for part in ("stage", "description", "criterion_key"):
            yield FieldError(f"activities[{n}].{part}")

    def read(self) -> Activity:
        stage = self.query_one(".ct-stage", Select).value
        return Activity(
            stage if isinstance(stage, Stage) else self.activity.stage,
            self.query_one(".ct-activity-text", Input).value,
            self.activity.criterion_key,  # kept as it was (the target it serves, if one)
        )


class ActivityList(Vertical):
    """The activities in sequence: each a stage (warm-up … reflective evaluation) and what the
    student does. Rows are added and removed with their buttons."""

    def __init__(self, activities: tuple[Activity, ...]) -> None:
        super().__init__(id="ct-activities")
        self.activities = activities

    def compose(self) -> ComposeResult:
        yield from self._rows(self.activities)
        yield Button("+ activity", id="ct-add-activity")
        yield FieldError("activities")

    def _rows(self, activities: tuple[Activity, ...]) -> list[ActivityRow]:
        return [ActivityRow(n, a) for n, a in enumerate(activities, 1)]

    def read(self) -> tuple[Activity, ...]:
        return tuple(row.read() for row in self.query(ActivityRow))

    async def replace(self, activities: tuple[Activity, ...]) -> None:
        """Show ``activities`` instead (the focus stays where it is)."""
        if activities != self.read():
            await self._rebuild(activities, None)

    async def _rebuild(self, activities: tuple[Activity, ...], focus: int | None) -> None:
        await self.query(ActivityRow).remove()
        rows = self._rows(activities)
        if rows:
            await self.mount_all(rows, before="#ct-add-activity")
        if focus is not None and rows:
            rows[min(focus, len(rows) - 1)].query_one(".ct-activity-text", Input).focus()

    @on(Button.Pressed, "#ct-add-activity")
    async def _add(self, event: Button.Pressed) -> None:
        event.stop()
        await self.add()

    async def add(self) -> None:
        """A new activity at the end (at the last one's stage), with the cursor in it."""
        current = self.read()
        stage = current[-1].stage if current else Stage.WARM_UP
        await self._rebuild((*current, Activity(stage, "")), focus=len(current))

    @on(Button.Pressed, ".ct-remove-activity")
    async def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        rows = list(self.query(ActivityRow))
        index = next((i for i, row in enumerate(rows) if row in event.button.ancestors), None)
        if index is None:
            return
        current = self.read()
        await self._rebuild(current[:index] + current[index + 1 :], focus=None)
