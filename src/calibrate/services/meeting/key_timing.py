"""When the team sees the master key during the discussion.

Shown from the reveal on, the key anchors the talk: teachers argue towards it instead of from
the evidence. By default it is shown on an item only once the team has agreed that item; the
facilitator may choose to show it before (for the whole meeting, or for this session on a key
press). Each session keeps its own timing in the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports KeyTiming before it knows it needs the store
    from calibrate.storage.store import Store


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


@dataclass(frozen=True)
class SessionKey:
    """When one session's team sees the master key, as kept with the session."""

    timing: KeyTiming
    shown_now: bool

    def shown(self, *, agreed: bool) -> bool:
        return key_shown(self.timing, agreed=agreed, shown_now=self.shown_now)


def session_key(store: Store, session_id: int, meeting: KeyTiming | None) -> SessionKey:
    """The session's master-key timing, as kept with it. The meeting's choice (``meeting``,
    from ``--master-key``; None: not chosen) is kept with a session shown under it, so that
    the session is shown the same way when the app is opened again and its record says when
    the team saw the key; a session never shown takes ``after``."""
    timing, shown = store.session_key_timing(session_id)
    wanted = meeting.value if meeting is not None else (timing or KeyTiming.AFTER.value)
    if wanted != timing:
        store.set_session_key_timing(session_id, timing=wanted)
    return SessionKey(KeyTiming(wanted), shown)


def toggle_key(store: Store, session_id: int, meeting: KeyTiming | None) -> str:
    """Show the master key to this session's team now, or keep it back again (stored at once);
    says which."""
    key = session_key(store, session_id, meeting)
    if key.timing is KeyTiming.BEFORE:
        return "The master key is shown from the start in this session (--master-key before)."
    store.set_session_key_timing(session_id, shown=not key.shown_now)
    if key.shown_now:
        return "The master key is kept back again until the team agrees each item."
    return "The master key is shown to the team now (k keeps it back again)."
