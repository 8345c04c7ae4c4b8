"""The closing reassessment of a learning contract: for each target the level the student
reached (pre-filled with where they were), the date, the student's culminating reflection and
the teacher's note. While levels are chosen it says whether the contract would be met or closed.
It posts what was typed (:class:`CloseForm.Submitted`); whoever owns the store asks, closes the
contract, and shows a problem at its field with :func:`~calibrate.tui.widgets.contracts.fields.
show_problem`."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from calibrate.services.contracts.closing import ClosingRow, closing_outlook
from calibrate.tui.widgets.contracts.fields import FieldError, clear_problems

INTRO = (
    "At the end of the contract, look again at each target together: choose the level the "
    "student's work shows now, and write down what they say about the journey. Closing cannot "
    "be undone: the contract is then kept as it is."
)


class ClosingTarget(Vertical):
    """One target: what was aimed for, and a choice of the level reached."""

    def __init__(self, row: ClosingRow) -> None:
        super().__init__(classes="ct-close-target")
        self.row = row
        self.level: int | None = row.current_level  # the level chosen

    @on(Select.Changed, ".ct-close-level")
    def _chosen(self, event: Select.Changed) -> None:
        self.level = event.value if isinstance(event.value, int) else None

    def choose(self, level: int) -> None:
        self.level = level
        for select in self.query(".ct-close-level").results(Select):
            select.value = level

    def compose(self) -> ComposeResult:
        row = self.row
        with Horizontal(classes="ct-close-line"):
            yield Static(Text(f"{row.n}. {row.name}", style="bold"), classes="ct-close-name")
            yield Static(
                f"was {row.label(row.current_level)}\naimed for {row.label(row.target_level)}",
                classes="ct-close-aim",
            )
            with Vertical(classes="ct-cell ct-close-level-cell"):
                yield Label("Level reached")
                yield Select(
                    [(Text(text), value) for text, value in row.levels],
                    value=row.current_level if self.level is None else self.level,
                    allow_blank=False,
                    name=row.field,
                    classes="ct-close-level",
                )
        yield FieldError(row.field)


class CloseForm(Vertical):
    """The closing reassessment of the contract's current targets."""

    @dataclass
    class Submitted(Message):
        date: str
        achieved: dict[str, int | None]
        reflection: str
        teacher_note: str

    def __init__(self, today: str) -> None:
        super().__init__(id="ct-close-form")
        self.today = today
        self.rows: tuple[ClosingRow, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(INTRO, id="ct-close-intro")
        yield Vertical(id="ct-close-targets")
        yield FieldError("results")
        yield Static("", id="ct-close-outcome")
        with Horizontal(classes="ct-pair"):
            with Vertical(classes="ct-cell ct-close-date-cell"):
                yield Label("Date")
                yield Input(self.today, placeholder="YYYY-MM-DD", name="date", id="ct-close-date")
            with Vertical(classes="ct-cell"):
                yield Label("The teacher's note (optional)")
                yield Input(
                    placeholder="e.g. ready for level 4 work next term",
                    name="teacher_note",
                    id="ct-close-note",
                )
        yield FieldError("date")
        yield Label("The student's culminating reflection: what I learned, what helped, what next")
        yield TextArea(id="ct-reflection", name="reflection")
        yield FieldError("reflection")
        yield Button("Close the contract", id="ct-close-save", variant="warning")

    def set_targets(self, rows: tuple[ClosingRow, ...]) -> None:
        """Show these targets (a no-op if they are the ones shown: what was chosen stays)."""
        if rows == self.rows:
            return
        self.rows = rows
        box = self.query_one("#ct-close-targets", Vertical)
        box.remove_children()
        box.mount_all(ClosingTarget(row) for row in rows)
        self.call_after_refresh(self._show_outcome)

    @property
    def achieved(self) -> dict[str, int | None]:
        """The level chosen for each target's criterion (None where there is none)."""
        return {t.row.criterion_key: t.level for t in self.query(ClosingTarget)}

    def choose(self, criterion_key: str, level: int) -> None:
        """Choose the level reached on a target's criterion."""
        for target in self.query(ClosingTarget):
            if target.row.criterion_key == criterion_key:
                target.choose(level)

    def submit(self) -> None:
        self.post_message(
            self.Submitted(
                self.query_one("#ct-close-date", Input).value,
                self.achieved,
                self.query_one("#ct-reflection", TextArea).text,
                self.query_one("#ct-close-note", Input).value,
            )
        )

    def clear_problems(self) -> None:
        clear_problems(self)

    @on(Select.Changed, ".ct-close-level")
    def _show_outcome(self) -> None:
        achieved = self.achieved
        if len(achieved) != len(self.rows):  # still being mounted
            return
        self.query_one("#ct-close-outcome", Static).update(closing_outlook(self.rows, achieved))

    @on(Button.Pressed, "#ct-close-save")
    @on(Input.Submitted)
    def _submitted(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        self.submit()
