"""The two forms a running contract is kept with: a progress log entry (the date, the evidence,
the student's reflection) and a checkpoint review (on track, adjust or met, with a note). Each
posts what was typed; whoever owns the store saves it and calls :meth:`clear` or shows the
problem at its field."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from calibrate.domain.contracts import ReviewOutcome
from calibrate.tui.widgets.contracts.fields import FieldError, clear_problems


def _field(
    label: str, name: str, *, placeholder: str = "", value: str = "", widget_id: str = ""
) -> Vertical:
    """A labelled box; ``name`` is the field a problem names, the id ``ct-<widget_id or name>``."""
    return Vertical(
        Label(label),
        Input(value, placeholder=placeholder, name=name, id=f"ct-{widget_id or name}"),
        classes="ct-cell",
    )


class ProgressForm(Vertical):
    """A new entry of the student's progress log."""

    @dataclass
    class Submitted(Message):
        date: str
        evidence: str
        evidence_file: str
        worked: str
        didnt_work: str
        next_step: str

    FIELDS = ("date", "evidence", "evidence_file", "worked", "didnt_work", "next_step")

    def __init__(self, today: str) -> None:
        super().__init__(id="ct-progress-form")
        self.today = today

    def compose(self) -> ComposeResult:
        with Horizontal(classes="ct-pair"):
            yield _field("Date", "date", value=self.today, placeholder="YYYY-MM-DD")
            yield _field("Evidence: what was done", "evidence", placeholder="e.g. essay draft 2")
            yield _field("File (optional)", "evidence_file", placeholder="a file name or link")
        yield FieldError("date")
        yield FieldError("evidence")
        with Horizontal(classes="ct-pair"):
            yield _field("What worked", "worked")
            yield _field("What didn't", "didnt_work")
            yield _field("What next", "next_step")
        yield Button("Add to the log", id="ct-log-save", variant="primary")

    def submit(self) -> None:
        values = {f: self.query_one(f"#ct-{f}", Input).value for f in self.FIELDS}
        self.post_message(self.Submitted(**values))

    def clear(self) -> None:
        """Ready for the next entry (the date stays)."""
        for name in self.FIELDS[1:]:
            self.query_one(f"#ct-{name}", Input).value = ""
        clear_problems(self)
        self.query_one("#ct-evidence", Input).focus()

    @on(Button.Pressed, "#ct-log-save")
    @on(Input.Submitted)
    def _submitted(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        self.submit()


OUTCOMES = tuple(ReviewOutcome)


class ReviewForm(Vertical):
    """A checkpoint review of the current version."""

    @dataclass
    class Submitted(Message):
        date: str
        outcome: ReviewOutcome
        note: str

    def __init__(self, today: str) -> None:
        super().__init__(id="ct-review-form")
        self.today = today

    def compose(self) -> ComposeResult:
        with Horizontal(classes="ct-pair"):
            yield _field(
                "Date", "date", value=self.today, placeholder="YYYY-MM-DD", widget_id="review-date"
            )
            with Vertical(classes="ct-cell ct-outcome"):
                yield Label("Outcome")
                with RadioSet(id="ct-outcome"):
                    for n, outcome in enumerate(OUTCOMES):
                        yield RadioButton(str(outcome), value=n == 0)
            yield _field(
                "Note (for adjust: what to change)",
                "note",
                widget_id="review-note",
                placeholder="e.g. more work on quotations",
            )
        yield FieldError("date")
        yield FieldError("note")
        yield Button("Record the review", id="ct-review-save", variant="primary")

    @property
    def outcome(self) -> ReviewOutcome:
        index = self.query_one("#ct-outcome", RadioSet).pressed_index
        return OUTCOMES[max(index, 0)]

    def choose(self, outcome: ReviewOutcome) -> None:
        buttons = list(self.query(RadioButton))
        buttons[OUTCOMES.index(outcome)].value = True

    def submit(self) -> None:
        self.post_message(
            self.Submitted(
                self.query_one("#ct-review-date", Input).value,
                self.outcome,
                self.query_one("#ct-review-note", Input).value,
            )
        )

    def clear(self) -> None:
        self.query_one("#ct-review-note", Input).value = ""
        clear_problems(self)

    @on(Button.Pressed, "#ct-review-save")
    @on(Input.Submitted)
    def _submitted(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        self.submit()
