"""Re-score rounds of some items (issue 13): the items discussed by default, or a chosen set;
only those are asked for, counted and compared; and a session can be finished."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Consensus, Phase
from calibrate.services.meeting import rounds
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.board import board, load_reveal
from calibrate.services.meeting.plan import plan_discussion
from calibrate.services.records import catalog
from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store


@pytest.fixture
def recorded(tmp_path: Path) -> Iterator[tuple[Store, int]]:
    """The demo database and its kit's recorded session (revealed: 6 raters, 8 essays × 5
    criteria, 239 of 240 round-1 scores)."""
    store = Store.open(tmp_path / "demo.db")
    fresh = prepare_demo(store, today=date(2026, 11, 23))
    sid = next(s.id for s in store.list_sessions() if s.id != fresh and s.phase is Phase.REVEAL)
    assert sid is not None
    yield store, sid
    store.close()


def test_the_usual_choice_is_the_items_discussed(recorded: tuple[Store, int]) -> None:
    store, sid = recorded
    reveal = load_reveal(store, sid)
    queue = reveal.discussion_queue()
    # One item agreed outside the time box: it was discussed, so it is re-scored too.
    late = queue[-1]
    store.set_consensus(Consensus(sid, late.sample_id, late.criterion_key, 3, "we agreed"))
    reveal = load_reveal(store, sid)
    plan = plan_discussion(reveal.discussion_queue(), minutes=30, pace=3)
    assert len(plan.discussed) == 10
    discussed = rounds.discussed_items(reveal, minutes=30, pace=3)
    assert discussed[0] == (late.sample_id, late.criterion_key)
    assert list(discussed[1:]) == [(i.sample_id, i.criterion_key) for i in plan.discussed]

    choices = rounds.rescore_choices(reveal, minutes=30, pace=3)
    assert [c.name for c in choices] == ["discussed", "split", "all"]
    assert choices[0].count == 11
    assert choices[0].label == "The 11 items discussed (agreed, or in the 30 min at 3 min each)"
    assert choices[1].count == len(queue)  # every item the team disagreed on
    assert choices[2].items is None and choices[2].label == "Every item (40)"
    order = rounds.pick_order(reveal)
    assert len(order) == 40 and order[: len(queue)] == [
        (i.sample_id, i.criterion_key) for i in reveal.discussion_queue()
    ]


def test_a_round_of_some_items_asks_counts_and_compares_only_those(
    recorded: tuple[Store, int],
) -> None:
    store, sid = recorded
    context = meeting.load_context(store, sid)
    s1, s2 = (s.id for s in context.samples[:2])
    assert s1 is not None and s2 is not None
    items = [(s1, "claim"), (s1, "evidence"), (s2, "claim")]
    assert meeting.start_rescore_round(store, sid, items) == 2

    context = meeting.load_context(store, sid)
    assert context.round_items == frozenset(items)
    assert context.n_items == 3 and context.partial_round
    assert context.round_label() == "Round 2 (3 of 40 items re-scored)"
    assert context.round_steps() == ((0, 0), (0, 1), (1, 0))

    amara, linh = context.session.rater_ids[:2]
    for rater in (amara, linh):
        for sample_id, key in items:
            meeting.record_score(
                store, sid, rater_id=rater, sample_id=sample_id, criterion_key=key, level=3
            )
    with pytest.raises(InvalidOperationError, match="not re-scored on “organization” in round 2"):
        meeting.record_score(
            store, sid, rater_id=amara, sample_id=s1, criterion_key="organization", level=3
        )

    progress = {p.rater.id: p for p in meeting.progress(store, sid)}
    assert (progress[amara].scored, progress[amara].total) == (3, 3)
    assert progress[amara].samples_done == frozenset({s1, s2})
    now = board(store, sid)
    assert now.rater_finished(amara) and not now.rater_finished(context.session.rater_ids[2])
    assert now.cell(amara, s1) == "✓" and now.cell(context.session.rater_ids[2], s1) == "·"
    assert now.cell(amara, context.samples[2].id or 0) == "—"  # not asked in this round
    assert now.expected == 3 * 6 and now.missing == 18 - 6

    [summary] = [s for s in catalog.session_summaries(store) if s.session.id == sid]
    assert summary.phase_text == "scoring, round 2"
    assert summary.progress_text == "6/18 scores"

    meeting.reveal(store, sid)
    second = load_reveal(store, sid)
    assert second.asked == frozenset(items)
    table = second.overall_table()
    assert table.n_units == 3  # the items asked for, not 40 with 37 empty
    first = load_reveal(store, sid, round=1).only(second.asked)
    assert first.overall_table().n_units == 3  # round 1 compared on the same items
    assert load_reveal(store, sid, round=1).overall_table().n_units == 40


def test_a_round_must_ask_for_real_items(recorded: tuple[Store, int]) -> None:
    store, sid = recorded
    context = meeting.load_context(store, sid)
    s1 = context.samples[0].id
    assert s1 is not None
    with pytest.raises(InvalidOperationError, match="at least one item"):
        meeting.start_rescore_round(store, sid, [])
    with pytest.raises(InvalidOperationError, match="not a criterion"):
        meeting.start_rescore_round(store, sid, [(s1, "spelling")])
    with pytest.raises(InvalidOperationError, match="not part of the session"):
        meeting.start_rescore_round(store, sid, [(9999, "claim")])
    session = store.get_session(sid)
    assert (session.round, session.phase) == (1, Phase.REVEAL)  # nothing was started
    assert meeting.start_rescore_round(store, sid) == 2  # every item, as before
    assert meeting.load_context(store, sid).round_items is None
    assert meeting.load_context(store, sid).n_items == 40


def test_finishing_a_session_says_what_is_left_and_closes_it(
    recorded: tuple[Store, int],
) -> None:
    store, sid = recorded
    reveal = load_reveal(store, sid)
    first = reveal.discussion_queue()[0]
    store.set_consensus(Consensus(sid, first.sample_id, first.criterion_key, 3, "we agreed"))
    question = rounds.finish_question(load_reveal(store, sid))
    n_open = len(reveal.discussion_queue()) - 1
    assert question == (
        f"Finish “{reveal.context.session.title}” after round 1? 1 of 40 items has an agreed "
        f"level. {n_open} items the team disagreed on have none. Nothing more can be scored or "
        "agreed; the record stays to read, report and export."
    )
    meeting.close_session(store, sid)
    assert store.get_session(sid).phase is Phase.CLOSED
    with pytest.raises(InvalidOperationError, match="closed"):
        meeting.set_consensus(
            store, sid, sample_id=first.sample_id, criterion_key="claim", level=2, rationale="x"
        )
