"""The rubric beside the sample: the current criterion and every level's descriptor."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from calibrate.domain.model import Criterion


class LevelRow(Static):
    """One level: its key, label and descriptor. Clicking it chooses it."""

    def __init__(self, criterion_key: str, score: int, text: str) -> None:
        super().__init__(text, classes="level-row")
        self.criterion_key = criterion_key
        self.score = score

    @on(Click)
    def clicked(self) -> None:
        self.post_message(RubricPanel.LevelChosen(self.criterion_key, self.score))


class RubricPanel(VerticalScroll):
    """Shows one criterion; the chosen level is highlighted."""

    DEFAULT_CLASSES = "panel"

    @dataclass
    class LevelChosen(Message):
        criterion_key: str
        level: int

    def compose(self) -> ComposeResult:
        yield Static("", id="criterion-heading", classes="heading")
        yield VerticalScroll(id="levels")

    def show(self, criterion: Criterion, position: int, total: int, chosen: int | None) -> None:
        heading = f"[b]{criterion.name}[/b]  (criterion {position} of {total})"
        if criterion.description:
            heading += f"\n{_escape(criterion.description)}"
        self.query_one("#criterion-heading", Static).update(heading)
        levels = self.query_one("#levels", VerticalScroll)
        rows = list(levels.query(LevelRow))
        same = [(r.criterion_key, r.score) for r in rows] == [
            (criterion.key, lv.score) for lv in criterion.levels
        ]
        if not same:
            # A different criterion: rebuild the rows. Choosing a level only restyles them.
            levels.remove_children()
            rows = [LevelRow(criterion.key, lv.score, "") for lv in criterion.levels]
            levels.mount_all(rows)
        for row, level in zip(rows, criterion.levels, strict=True):
            mark = "●" if level.score == chosen else " "
            row.update(
                f"{mark} [b]{level.score}[/b]  [b]{_escape(level.label)}[/b]\n"
                f"   {_escape(level.descriptor)}"
            )
            row.set_class(level.score == chosen, "chosen")
            if level.score == chosen:  # in a short panel the chosen level may be below
                self.call_after_refresh(row.scroll_visible, animate=False)


def _escape(text: str) -> str:
    return text.replace("[", r"\[")
