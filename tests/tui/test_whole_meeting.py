"""A whole calibration meeting on the demo kit, driven by keys as a facilitator would.

Three raters score blind, the facilitator reveals from the board, the team agrees consensus on
two items of the discussion queue and keeps one as an anchor. Assertions read the database and
what the screens show.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable

from calibrate.domain.model import AnchorStatus, Phase
from calibrate.services.meeting import sessions as meeting
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.home import HomeScreen
from calibrate.tui.screens.meeting.board import BoardScreen
from calibrate.tui.screens.meeting.consensus import ConsensusScreen
from calibrate.tui.screens.meeting.reveal import RevealScreen
from calibrate.tui.screens.meeting.scoring import ScoringScreen
from calibrate.tui.screens.modals import ConfirmModal, TextModal
from tests.tui.conftest import SIZE, Demo, make_app

# Each rater's level for the five criteria of each of the eight essays: rater 2 is a little
# lenient, rater 3 a little severe on essays 3 and 8, so the reveal has something to discuss.
BASE = ["44444", "11112", "42233", "34313", "43431", "33233", "23244", "31222"]


def levels_for(rater: int) -> list[str]:
    out = []
    for essay, row in enumerate(BASE):
        for c, level in enumerate(row):
            value = int(level)
            if rater == 1 and (essay + c) % 3 == 0:
                value = min(4, value + 1)
            if rater == 2 and essay in (2, 7) and c < 3:
                value = max(1, value - 1)
            out.append(str(value))
    return out


async def score_all(app: CalibrateApp, pilot: Pilot[None], rater_index: int) -> None:
    await pilot.press("s")  # Home: score the selected session
    await pilot.pause()
    for _ in range(rater_index):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ScoringScreen)
    for level in levels_for(rater_index):
        await pilot.press(level, "n")
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)


async def test_a_whole_meeting(demo: Demo) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # 1. Three raters score blind (the demo session is first on Home: the newest date).
        for rater_index in range(3):
            await score_all(app, pilot, rater_index)
        assert len(demo.store.scores(demo.session_id)) == 3 * 40

        # 2. The facilitator's board: counts only, then reveal after a confirmation.
        await pilot.press("b")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        grid = board.query_one(DataTable)
        cells = [str(c) for r in range(grid.row_count) for c in grid.get_row_at(r)]
        assert not any(c.strip() in {"1", "2", "3", "4"} for c in cells), "levels leaked"
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        reveal = app.screen
        assert isinstance(reveal, RevealScreen)
        assert demo.store.get_session(demo.session_id).phase is Phase.REVEAL
        shown = " ".join(str(w.render()) for w in reveal.query("Static"))
        for label in ("Agreement · all criteria", "By criterion", "d: every figure"):
            assert label in shown

        # 3. Consensus on the first two items of the discussion queue.
        await pilot.press("c")
        await pilot.pause()
        consensus = app.screen
        assert isinstance(consensus, ConsensusScreen)
        first = (consensus.sample_id, consensus.criterion_key)
        await pilot.press("3", "r", *"Claim is clear but only stated at the end.", "enter")
        await pilot.pause()
        # Keep it as the anchor of level 3 for this criterion.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, TextModal)
        await pilot.press(*"Shows a position held throughout", "enter")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        second = (consensus.sample_id, consensus.criterion_key)
        assert second != first
        await pilot.press("2", "r", *"Evidence is listed, not explained.", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RevealScreen)

    # 4. The database holds the meeting.
    store = demo.store
    agreed = {(c.sample_id, c.criterion_key): c for c in store.consensus_for(demo.session_id)}
    assert set(agreed) == {first, second}
    assert agreed[first].level == 3 and agreed[second].level == 2
    assert agreed[first].rationale == "Claim is clear but only stated at the end."
    assert store.get_session(demo.session_id).phase is Phase.CONSENSUS
    [anchor] = [a for a in store.anchors() if a.session_id == demo.session_id]
    assert (anchor.sample_id, anchor.criterion_key, anchor.level) == (*first, 3)
    assert anchor.status is AnchorStatus.PROPOSED
    assert anchor.annotation == "Shows a position held throughout"
    # Blindness was real: nobody could read the values before the reveal.
    assert len(meeting.revealed_scores(store, demo.session_id)) == 120
