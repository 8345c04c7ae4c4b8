"""The discussion plan: the ranked queue cut to the time the facilitator has, at a pace."""

from __future__ import annotations

import pytest

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Consensus
from calibrate.services.meeting.plan import plan_discussion
from calibrate.services.meeting.reveal import ItemSpread


def item(n: int, *, agreed: bool = False, straddles: bool = False) -> ItemSpread:
    return ItemSpread(
        sample_id=n,
        criterion_key="claim",
        levels={1: 1, 2: 2},
        counts={1: 1, 2: 1},
        disagreement=1.0,
        spread=1,
        straddles_cut=straddles,
        consensus=Consensus(1, n, "claim", 2, "because") if agreed else None,
    )


def test_what_fits_is_the_first_open_items_and_agreed_ones_take_no_time() -> None:
    queue = [item(n) for n in range(1, 21)] + [item(21, agreed=True)]
    plan = plan_discussion(queue, minutes=45, pace=3)
    assert plan.slots == 15
    assert [i.sample_id for i in plan.discussed] == list(range(1, 16))
    assert [i.sample_id for i in plan.not_discussed] == list(range(16, 21))
    assert [i.sample_id for i in plan.agreed] == [21]
    assert plan.summary() == "15 of 20 open items fit in 45 min (3 min each); 5 not discussed."


def test_a_short_queue_fits_whole() -> None:
    plan = plan_discussion([item(1)], minutes=10, pace=4)
    assert plan.not_discussed == () and len(plan.discussed) == 1
    assert plan.summary() == "All 1 open item fit in 10 min (4 min each)."


def test_less_time_than_one_item_discusses_nothing() -> None:
    plan = plan_discussion([item(1), item(2)], minutes=2, pace=3)
    assert plan.discussed == () and len(plan.not_discussed) == 2


@pytest.mark.parametrize(("minutes", "pace"), [(0, 3), (45, 0), (-5, 3)])
def test_no_time_or_no_pace_is_refused(minutes: int, pace: int) -> None:
    with pytest.raises(InvalidOperationError):
        plan_discussion([item(1)], minutes=minutes, pace=pace)
