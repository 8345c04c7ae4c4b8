"""Which items a re-score round asks for, and how a session ends.

After the discussion the team re-scores what it talked about, not every item: by default the
items discussed (agreed, or in the time the meeting had), or the items it disagreed on, or
every item, or a set the facilitator picks. Plain data in and out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Phase
from calibrate.services.meeting.plan import plan_discussion
from calibrate.services.meeting.reveal import Reveal
from calibrate.storage.store import Store

ItemKey = tuple[int, str]  # (sample id, criterion key)


@dataclass(frozen=True)
class RescoreChoice:
    """One way to choose the items of a re-score round."""

    name: str  # "discussed", "split", "all"
    label: str  # what the facilitator reads
    items: tuple[ItemKey, ...] | None  # None: every item

    @property
    def count(self) -> int | None:
        return None if self.items is None else len(self.items)


def discussed_items(reveal: Reveal, *, minutes: int, pace: int) -> tuple[ItemKey, ...]:
    """The items the team discussed: those it agreed a level on, then the open items of the
    discussion queue that fit the time (most worth discussing first)."""
    queue = reveal.discussion_queue()
    plan = plan_discussion(queue, minutes=minutes, pace=pace)
    agreed = [i for i in reveal.items if i.consensus is not None]
    keys = [(i.sample_id, i.criterion_key) for i in (*agreed, *plan.discussed)]
    return tuple(dict.fromkeys(keys))


def rescore_choices(reveal: Reveal, *, minutes: int, pace: int) -> list[RescoreChoice]:
    """The ways to choose a re-score round's items, the usual one first. Choices that would
    ask for the same items as an earlier one, or for none, are left out."""
    total = len(reveal.items)
    discussed = discussed_items(reveal, minutes=minutes, pace=pace)
    split = tuple((i.sample_id, i.criterion_key) for i in reveal.discussion_queue())
    out = []
    if discussed:
        out.append(
            RescoreChoice(
                "discussed",
                f"The {_items(len(discussed))} discussed (agreed, or in the "
                f"{minutes} min at {pace} min each)",
                discussed,
            )
        )
    if split and set(split) != set(discussed):
        out.append(
            RescoreChoice("split", f"Every item the team disagreed on ({len(split)})", split)
        )
    out.append(RescoreChoice("all", f"Every item ({total})", None))
    return out


def item_titles(reveal: Reveal, items: Sequence[ItemKey]) -> list[tuple[ItemKey, str]]:
    """``3 Essay title · Claim`` for each item, for a list the facilitator picks from."""
    context = reveal.context
    numbers = {s.id: n for n, s in enumerate(context.samples, start=1)}
    out = []
    for sample_id, key in items:
        criterion = context.rubric.criterion(key)
        sample = context.sample(sample_id)
        name = criterion.name if criterion else key
        out.append(((sample_id, key), f"{numbers[sample_id]} {sample.title} · {name}"))
    return out


def pick_order(reveal: Reveal) -> list[ItemKey]:
    """Every item, the discussion queue first (most worth re-scoring), then the rest in
    session order: the list the facilitator picks a round's items from."""
    queue = [(i.sample_id, i.criterion_key) for i in reveal.discussion_queue()]
    rest = [(i.sample_id, i.criterion_key) for i in reveal.items]
    return list(dict.fromkeys([*queue, *rest]))


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def ask_to_finish(store: Store, session_id: int) -> str:
    """The question to ask before finishing a session; InvalidOperationError saying why not
    when it is already finished or its scores are not revealed yet."""
    from calibrate.services.meeting.board import load_reveal

    phase = store.get_session(session_id).phase
    if phase is Phase.CLOSED:
        raise InvalidOperationError("This session is already finished.")
    if phase in (Phase.SETUP, Phase.SCORING):
        raise InvalidOperationError(
            "Reveal the scores first (b for the board, then r): a session is finished after "
            "its discussion."
        )
    return finish_question(load_reveal(store, session_id))


def finish_question(reveal: Reveal) -> str:
    """What the facilitator is asked before finishing (closing) the session."""
    session = reveal.context.session
    agreed = sum(1 for i in reveal.items if i.consensus is not None)
    open_items = sum(1 for i in reveal.discussion_queue() if i.consensus is None)
    left = (
        f" {_items(open_items).capitalize()} the team disagreed on {_have(open_items)} none."
        if open_items
        else ""
    )
    return (
        f"Finish “{session.title}” after round {reveal.round}? "
        f"{agreed} of {_items(len(reveal.items))} {_have(agreed)} an agreed level.{left} "
        "Nothing more can be scored or agreed; the record stays to read, report and export."
    )


def _have(n: int) -> str:
    return "has" if n == 1 else "have"
