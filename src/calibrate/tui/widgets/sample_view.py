"""A work sample: its heading and its body as scrollable Markdown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from calibrate.domain.model import Sample


class SampleView(VerticalScroll):
    """Shows one sample; ``show(sample, position, total)`` swaps it."""

    DEFAULT_CLASSES = "panel"

    def compose(self) -> ComposeResult:
        yield Static("", id="sample-heading", classes="heading")
        yield Markdown("", id="sample-body")

    def show(self, sample: Sample, position: int, total: int) -> None:
        facts = " · ".join(
            part
            for part in (
                f"Sample {position} of {total}",
                sample.kind.value,
                f"grade {sample.grade}" if sample.grade else "",
                f"student {sample.student_code}" if sample.student_code else "",
            )
            if part
        )
        heading = f"[b]{_escape(sample.title)}[/b]\n{facts}"
        if sample.task:
            heading += f"\n[i]Task:[/i] {_escape(sample.task)}"
        self.query_one("#sample-heading", Static).update(heading)
        self.query_one("#sample-body", Markdown).update(sample.body)
        self.scroll_home(animate=False)


def _escape(text: str) -> str:
    return text.replace("[", r"\[")
