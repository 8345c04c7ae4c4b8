"""When the team sees the master key during the discussion.

Shown from the reveal on, the key anchors the talk: teachers argue towards it instead of from
the evidence. By default it is shown on an item only once the team has agreed that item; the
facilitator may choose to show it before (for the whole meeting, or for this session on a key
press). Plain data in and out.
"""

from __future__ import annotations

from enum import StrEnum


class KeyTiming(StrEnum):
    AFTER = "after"  # on an item once the team has agreed it (the default)
    BEFORE = "before"  # from the reveal on


def key_shown(timing: KeyTiming, *, agreed: bool, shown_now: bool = False) -> bool:
    """Whether the team may see the master key on an item: always with ``BEFORE``, once the
    item is ``agreed`` with ``AFTER``, or when the facilitator chose to show it now."""
    return timing is KeyTiming.BEFORE or agreed or shown_now


def key_text(label: str, reference: int | None, *, shown: bool) -> str:
    """The consensus screen's master-key words: the level (``label``), that there is none, or
    that it is kept back until the team agrees."""
    if reference is None:
        return "— (no master-key score)"
    if not shown:
        return "hidden until the team agrees (k shows it now)"
    return label
