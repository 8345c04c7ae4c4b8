"""The terms of a contract being edited: supports and resources, both parties' commitments and
how often progress is reviewed, and the accommodations. Lists are typed one item a line."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Static, TextArea

from calibrate.domain.contracts import Accommodations, Commitments, ContractVersion
from calibrate.services.contracts.forms import lines, parse_days
from calibrate.tui.widgets.contracts.fields import FieldError

FEEDBACK = "commitments.teacher_feedback_days"
REVIEWS = "commitments.review_every_days"


@dataclass(frozen=True)
class Terms:
    supports: tuple[str, ...]
    resources: tuple[str, ...]
    commitments: Commitments
    accommodations: Accommodations


class TermsForm(Vertical):
    def __init__(self, version: ContractVersion) -> None:
        super().__init__(id="ct-terms")
        self.version = version

    def compose(self) -> ComposeResult:
        v, c, a = self.version, self.version.commitments, self.version.accommodations
        yield Static("Supports and resources", classes="ct-section")
        with Horizontal(classes="ct-pair"):
            with Vertical():
                yield Label("Supports (one a line)")
                yield TextArea("\n".join(v.supports), id="ct-supports", name="supports")
            with Vertical():
                yield Label("Resources (one a line)")
                yield TextArea("\n".join(v.resources), id="ct-resources", name="resources")
        yield Static("Our commitments", classes="ct-section")
        with Horizontal(classes="ct-pair"):
            with Vertical():
                yield Label("The teacher gives feedback within … days")
                yield Input(str(c.teacher_feedback_days), id="ct-feedback-days", name=FEEDBACK)
                yield FieldError(FEEDBACK)
            with Vertical():
                yield Label("We review progress every … days")
                yield Input(str(c.review_every_days), id="ct-review-days", name=REVIEWS)
                yield FieldError(REVIEWS)
        yield Label("The teacher also commits to")
        yield Input(c.teacher_note, id="ct-teacher-note", name="commitments.teacher_note")
        yield Label("The student commits to (practice)")
        yield Input(
            c.student_practice, id="ct-student-practice", name="commitments.student_practice"
        )
        yield Checkbox(
            "The student keeps a progress log",
            c.student_keeps_log,
            id="ct-keeps-log",
            name="commitments.student_keeps_log",
        )
        yield FieldError("commitments")
        yield Static("Accommodations", classes="ct-section")
        with Horizontal(classes="ct-pair"):
            with Vertical():
                yield Label("Accessibility needs (one a line)")
                yield TextArea(
                    "\n".join(a.accessibility_needs),
                    id="ct-accessibility",
                    name="accommodations.accessibility_needs",
                )
            with Vertical():
                yield Label("Other formats accepted as evidence (one a line)")
                yield TextArea(
                    "\n".join(a.evidence_formats),
                    id="ct-formats",
                    name="accommodations.evidence_formats",
                )
        yield Label("Flexible deadlines (leave empty if none agreed)")
        yield Input(
            a.flexible_deadlines,
            id="ct-deadlines",
            name="accommodations.flexible_deadlines",
        )
        yield FieldError("accommodations")

    def read(self) -> Terms:
        """What is typed. Raises ContractFieldError if a number of days is not a number."""

        def text(widget_id: str) -> str:
            return self.query_one(f"#{widget_id}", Input).value

        def area(widget_id: str) -> tuple[str, ...]:
            return lines(self.query_one(f"#{widget_id}", TextArea).text)

        commitments = Commitments(
            teacher_feedback_days=parse_days(
                FEEDBACK, "Teacher's commitment: feedback within", text("ct-feedback-days")
            ),
            teacher_note=text("ct-teacher-note"),
            student_practice=text("ct-student-practice"),
            student_keeps_log=self.query_one("#ct-keeps-log", Checkbox).value,
            review_every_days=parse_days(REVIEWS, "Reviews: every", text("ct-review-days")),
        )
        return Terms(
            supports=area("ct-supports"),
            resources=area("ct-resources"),
            commitments=commitments,
            accommodations=Accommodations(
                accessibility_needs=area("ct-accessibility"),
                evidence_formats=area("ct-formats"),
                flexible_deadlines=text("ct-deadlines"),
            ),
        )
