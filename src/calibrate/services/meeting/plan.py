"""What fits the meeting: the discussion queue cut to the time the facilitator has.

The queue is already ranked by what matters (splits at the cut score, then disagreement and
spread, then distance from the master key). At a pace of a few minutes an item, the first items
that fit the time available are discussed; the rest are listed as "not discussed", so the team
sees what it is leaving out. Items the team has already agreed take no more time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from calibrate.domain.errors import InvalidOperationError
from calibrate.services.meeting.reveal import ItemSpread

DEFAULT_MINUTES = 45  # the time a calibration meeting usually has for discussion
DEFAULT_PACE = 3  # minutes a team takes to talk one item through and agree


@dataclass(frozen=True)
class DiscussionPlan:
    minutes: int
    pace: int
    discussed: tuple[ItemSpread, ...]  # open items that fit, most important first
    agreed: tuple[ItemSpread, ...]  # already agreed: no more time needed
    not_discussed: tuple[ItemSpread, ...]  # open items the time does not cover

    @property
    def slots(self) -> int:
        """How many items fit in the time at the pace."""
        return self.minutes // self.pace

    def summary(self) -> str:
        """One line for the facilitator: what fits and what is left out."""
        open_items = len(self.discussed) + len(self.not_discussed)
        items = "item" if open_items == 1 else "items"
        if not self.not_discussed:
            return (
                f"All {open_items} open {items} fit in {self.minutes} min ({self.pace} min each)."
            )
        return (
            f"{len(self.discussed)} of {open_items} open {items} fit in {self.minutes} min "
            f"({self.pace} min each); {len(self.not_discussed)} not discussed."
        )

    def headline(self) -> str:
        """The summary in a few words, for a panel's border."""
        open_items = len(self.discussed) + len(self.not_discussed)
        return f"{len(self.discussed)} of {open_items} fit in {self.minutes} min"


def plan_discussion(
    queue: Sequence[ItemSpread], *, minutes: int = DEFAULT_MINUTES, pace: int = DEFAULT_PACE
) -> DiscussionPlan:
    """Split the ranked ``queue`` into what fits ``minutes`` at ``pace`` minutes an item."""
    if minutes <= 0:
        raise InvalidOperationError("The time for the meeting must be at least one minute.")
    if pace <= 0:
        raise InvalidOperationError("The pace must be at least one minute an item.")
    open_items = [i for i in queue if i.consensus is None]
    agreed = tuple(i for i in queue if i.consensus is not None)
    slots = minutes // pace
    return DiscussionPlan(
        minutes, pace, tuple(open_items[:slots]), agreed, tuple(open_items[slots:])
    )
