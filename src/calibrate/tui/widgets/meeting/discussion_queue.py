"""The discussion queue: the items worth talking about, most first, and why, cut to the meeting.

Splits across the cut score come first, then the most disagreement. The open items that fit the
meeting's time are shown first, those it does not cover under "Not discussed", and agreed items
sink to the end.
Choosing an entry (Enter or a click) posts :class:`DiscussionQueue.ItemChosen`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from calibrate.services.meeting.board import why_text
from calibrate.services.meeting.plan import DEFAULT_MINUTES, DEFAULT_PACE, plan_discussion
from calibrate.services.meeting.reveal import ItemSpread
from calibrate.services.meeting.sessions import MeetingContext


class DiscussionQueue(OptionList):
    """One entry per item: criterion and sample, then why it is worth discussing."""

    @dataclass
    class ItemChosen(Message):
        """Enter or a click on an entry."""

        sample_id: int
        criterion_key: str

    @dataclass
    class ItemHighlighted(Message):
        """The highlight moved to an entry while the queue has the focus."""

        sample_id: int
        criterion_key: str

    def __init__(
        self, *, id: str | None = None, minutes: int = DEFAULT_MINUTES, pace: int = DEFAULT_PACE
    ) -> None:
        super().__init__(id=id)
        self.minutes, self.pace = minutes, pace
        self.items: list[ItemSpread] = []  # in the order shown: fits, not discussed, agreed
        self.not_discussed: list[ItemSpread] = []
        self.summary = ""
        self._rows: list[ItemSpread | None] = []  # one per option; None for the divider
        self._queue: list[ItemSpread] | None = None

    def show(self, queue: Sequence[ItemSpread], context: MeetingContext) -> None:
        """Replace the entries, keeping the highlight on the same item where possible."""
        if self._queue == list(queue):
            return
        self._queue = list(queue)
        here = self.current()
        plan = plan_discussion(queue, minutes=self.minutes, pace=self.pace)
        self.items = [*plan.discussed, *plan.not_discussed, *plan.agreed]
        self.not_discussed = list(plan.not_discussed)
        self.summary = plan.summary()
        self.border_subtitle = plan.headline() if queue else ""
        numbers = {s.id: n for n, s in enumerate(context.samples, start=1)}
        names = {c.key: c.name for c in context.rubric.criteria}
        cut = context.session.cut_score
        options = []
        self._rows = []
        for item in self.items:
            divider = ""
            if plan.not_discussed and item is plan.not_discussed[0]:
                divider = f"Not discussed: no time left for {len(plan.not_discussed)} more"
            elif plan.agreed and item is plan.agreed[0]:
                divider = "Agreed already"
            if divider:
                options.append(Option(Text(divider, style="italic"), disabled=True))
                self._rows.append(None)
            sample = context.sample(item.sample_id)
            prompt = Text(
                f"{names[item.criterion_key]} · {numbers[item.sample_id]} {sample.title}",
                style="bold",
            )
            prompt.append(f"\n  {why_text(item, cut)}", style="not bold")
            options.append(Option(prompt, id=f"{item.sample_id}/{item.criterion_key}"))
            self._rows.append(item)
        self.set_options(options)
        if not self.items:
            self._rows = []
            self.set_options([Option("Nothing to discuss: everyone agreed.", disabled=True)])
            return
        self.highlighted = 0
        if here is not None:
            self.move_to(*here)

    def current(self) -> tuple[int, str] | None:
        n = self.highlighted
        if n is None or not 0 <= n < len(self._rows) or (item := self._rows[n]) is None:
            return None
        return item.sample_id, item.criterion_key

    def move_to(self, sample_id: int, criterion_key: str) -> None:
        for n, item in enumerate(self._rows):
            if item is not None and (item.sample_id, item.criterion_key) == (
                sample_id,
                criterion_key,
            ):
                self.highlighted = n
                return

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.has_focus and (here := self.current()) is not None:
            self.post_message(self.ItemHighlighted(*here))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if (here := self.current()) is not None:
            self.post_message(self.ItemChosen(*here))
