"""A served tab, driven with Pilot: codes, who you are, scoring only as yourself, the live
reveal, reconnecting, and the facilitator's screen."""

from __future__ import annotations

import time

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from calibrate.domain.model import Phase
from calibrate.services.meeting import sessions as meeting
from calibrate.services.room import access as serve
from calibrate.storage.store_serve import ServedStore
from calibrate.tui.screens.meeting.board import BoardScreen
from calibrate.tui.screens.meeting.scoring import ScoringScreen
from calibrate.tui.screens.room.join import JoinScreen, PinScreen, RaterPickScreen
from calibrate.tui.screens.room.served_meeting import (
    FacilitatorScreen,
    RaterRevealScreen,
    ServedScoringScreen,
)
from calibrate.tui.served import ServedApp
from tests.serve.conftest import SIZE, Served


def app_for(served: Served, *, only_session: bool = True) -> ServedApp:
    return ServedApp(served.store, session_id=served.session_id if only_session else None)


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text], "enter")
    await pilot.pause()


async def join_as(
    pilot: Pilot[None], code: str, name: str | None = None, pin: str = "2468"
) -> None:
    await type_text(pilot, code)
    if name is not None:
        assert isinstance(pilot.app.screen, RaterPickScreen)
        await type_text(pilot, name)
        assert isinstance(pilot.app.screen, PinScreen)
        await type_text(pilot, pin)
    await pilot.pause()


def stack(app: ServedApp) -> list[type[Screen[object]]]:
    return [type(s) for s in app.screen_stack]


def rater_id(served: Served, name: str) -> int:
    rater = served.store.rater_by_name(name)
    assert rater is not None and rater.id is not None
    return rater.id


def other_connection(served: Served) -> ServedStore:
    """Another connection to the file: its writes are what another tab's process would do."""
    return ServedStore.open(served.path)


async def wait_for(pilot: Pilot[None], condition: object, seconds: float = 10.0) -> None:
    """Poll until ``condition()`` holds; a generous wall-clock limit, since a busy CI machine
    can take seconds where a quiet one takes a tenth of one (the 0.5 s change check)."""
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        await pilot.pause(0.1)
    assert condition()


# --------------------------------------------------------------------------- codes


async def test_a_wrong_code_is_refused_and_nothing_opens(served: Served) -> None:
    app = app_for(served)
    async with app.run_test(size=SIZE) as pilot:
        await join_as(pilot, "XXXXXX")
        assert stack(app)[-1] is JoinScreen
        assert app.seat is None
        status = str(app.screen.query_one("#join-status", Static).render())
        assert "not right" in status


async def test_another_sessions_code_is_refused_when_serving_one_session(
    served: Served,
) -> None:
    other = next(s for s in served.store.list_sessions() if s.id != served.session_id)
    assert other.id is not None
    store = other_connection(served)
    store.set_phase(other.id, Phase.SCORING)
    store.close()
    codes = serve.ensure_codes(served.store, other.id)
    app = app_for(served)
    async with app.run_test(size=SIZE) as pilot:
        for code in (codes.join_code, codes.facilitator_code):
            assert code is not None
            await join_as(pilot, code)
            assert stack(app)[-1] is JoinScreen
            assert app.seat is None


async def test_repeated_wrong_codes_make_the_tab_wait(served: Served) -> None:
    app = app_for(served)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            await join_as(pilot, "ABCDEF")
        field = app.screen.query_one("#join-code", Input)
        assert field.disabled
        assert "wait 2 seconds" in str(app.screen.query_one("#join-status", Static).render())
        await pilot.press(*served.join_code.lower(), "enter")  # ignored while disabled
        assert stack(app)[-1] is JoinScreen


async def test_the_code_may_be_typed_in_lower_case_with_spaces(served: Served) -> None:
    app = app_for(served)
    spaced = served.join_code[:3].lower() + " " + served.join_code[3:].lower()
    async with app.run_test(size=SIZE) as pilot:
        await join_as(pilot, spaced, "Linh Tran")
        assert isinstance(app.screen, ServedScoringScreen)


# --------------------------------------------------------------------------- a rater's seat


async def test_a_rater_scores_as_themselves_only(served: Served) -> None:
    linh = rater_id(served, "Linh Tran")
    app = app_for(served)
    async with app.run_test(size=SIZE) as pilot:
        await join_as(pilot, served.join_code, "Linh Tran")
        screen = app.screen
        assert isinstance(screen, ServedScoringScreen) and screen.rater_id == linh
        await pilot.press("3", "n", "2")
        await pilot.pause()
        # the keys that switch rater or leave in the ordinary app do nothing here
        await pilot.press("w", "escape", "escape")
        await pilot.pause()
        assert stack(app) == [Screen, JoinScreen, ServedScoringScreen]
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Who's scoring" not in commands and "Quit" not in commands
        assert "Next" in commands
        scores = served.store.scores(served.session_id)
        assert [(s.rater_id, s.criterion_key, s.level) for s in scores] == [
            (linh, "claim", 3),
            (linh, "evidence", 2),
        ]


async def test_a_phone_sized_tab_shows_the_sample_and_the_rubric_in_turn(served: Served) -> None:
    app = app_for(served)
    async with app.run_test(size=(48, 30)) as pilot:
        await join_as(pilot, served.join_code, "Linh Tran")
        screen = app.screen
        assert isinstance(screen, ServedScoringScreen) and screen.has_class("-slim")
        assert screen.check_action("switch_pane", ()) is True
        assert screen.check_action("switch_rater", ()) is False
        await pilot.press("v")
        assert screen.query_one("#rubric-side").display
        assert not screen.query_one("#sample").display
        await pilot.press("4")
        await pilot.pause()
        assert [s.level for s in served.store.scores(served.session_id)] == [4]


async def test_no_key_leads_a_rater_out_of_their_seat(served: Served) -> None:
    """Every key bound anywhere in the app, pressed as a rater: the tab stays on the join
    screen, its own scoring screen, help, or the command palette, and never shows Home, the
    board, the reveal or another rater."""
    linh = rater_id(served, "Linh Tran")
    app = app_for(served)
    allowed = {"JoinScreen", "ServedScoringScreen", "HelpScreen", "CommandPalette", "Screen"}
    async with app.run_test(size=SIZE) as pilot:
        await join_as(pilot, served.join_code, "Linh Tran")
        for key in ("w", "b", "v", "r", "R", "c", "a", "s", "i", "n", "p", "e", "escape"):
            await pilot.press(key)
            await pilot.press("escape")
            await pilot.pause()
            assert {t.__name__ for t in stack(app)} <= allowed, key
        for key in ("f1", "question_mark", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause(0.2)
            assert {t.__name__ for t in stack(app)} <= allowed, key
            await pilot.press("escape")
            await pilot.pause(0.2)
        assert not any(isinstance(s, BoardScreen) for s in app.screen_stack)
        scoring = [s for s in app.screen_stack if isinstance(s, ScoringScreen)]
        assert [s.rater_id for s in scoring] == [linh]


async def test_a_rater_cannot_see_other_raters_scores_before_the_reveal(served: Served) -> None:
    others = [r for r in served.rater_ids() if r != rater_id(served, "Linh Tran")]
    sample = served.store.get_session(served.session_id).sample_ids[0]
    for n, other in enumerate(others):
        meeting.record_score(
            served.store,
            served.session_id,
            rater_id=other,
            sample_id=sample,
            criterion_key="claim",
            level=1 + n % 4,
            note="Zanzibar",  # a word that appears nowhere else
        )
    app = app_for(served)
    async with app.run_test(size=SIZE) as pilot:
        await join_as(pilot, served.join_code, "Linh Tran")
        screen = app.screen
        assert isinstance(screen, ServedScoringScreen)
        assert screen.mine == {}
        seen = [app.export_screenshot()]
        for key in ("n", "n", "]", "[", "p", "e"):
            await pilot.press(key)
            await pilot.pause()
            seen.append(app.export_screenshot())
        assert not any("Zanzibar" in shot for shot in seen)
        assert str(screen.query_one("#progress-text", Static).render()).startswith("0 of 40")


async def test_the_reveal_reaches_the_raters_screen_without_a_reload(served: Served) -> None:
    linh = rater_id(served, "Linh Tran")
    app = app_for(served)
    async with app.run_test(size=SIZE) as pilot:
        await join_as(pilot, served.join_code, "Linh Tran")
        await pilot.press("4")
        await pilot.pause()
        lead = other_connection(served)
        meeting.reveal(lead, served.session_id)
        # The reveal screen arrives, then fills its table when mounted: wait for both.
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, RaterRevealScreen)
                and app.screen.query_one("#spread-table", DataTable).row_count == 40
            ),
        )
        table = app.screen.query_one("#spread-table", DataTable)
        assert table.row_count == 40
        assert table.get_row_at(0)[2:4] == ["1: 0  2: 0  3: 0  4: 1", "4"]
        detail = app.screen.query_one("#spread-detail", Static)
        assert str(detail.render()).splitlines() == [
            "Time to Turn the Page · Claim",
            "0 at 1, 0 at 2, 0 at 3, 1 at 4; you chose 4.",
            "Names are hidden (the facilitator decides whether to show them).",
        ]
        # the facilitator allows names: the open screen shows them without a reload
        lead.set_reveal_names(served.session_id, True)
        await wait_for(pilot, lambda: "Linh Tran" in str(detail.render()))
        # a new round sends the rater back to scoring, on the new round
        meeting.start_rescore_round(lead, served.session_id)
        await wait_for(pilot, lambda: isinstance(app.screen, ServedScoringScreen))
        assert isinstance(app.screen, ServedScoringScreen) and app.screen.mine == {}
        assert app.screen.rater_id == linh
        lead.close()
        # Let the screen switch finish (its header updates) before the tab closes.
        await pilot.pause(0.3)


async def test_a_rater_who_reconnects_continues_where_they_were(served: Served) -> None:
    for _ in range(2):  # the second tab is the same rater after a dropped connection
        app = app_for(served)
        async with app.run_test(size=SIZE) as pilot:
            await join_as(pilot, served.join_code, "Amara Okafor")
            screen = app.screen
            assert isinstance(screen, ServedScoringScreen)
            if not screen.mine:
                for level in ("2", "3", "4"):
                    await pilot.press(level, "n")
                await pilot.pause()
                assert len(screen.mine) == 3
            else:
                assert len(screen.mine) == 3
                assert (screen.sample_index, screen.criterion_index) == (0, 3)


# --------------------------------------------------------------------------- the facilitator


async def test_the_facilitator_code_opens_the_board_and_the_names_switch(served: Served) -> None:
    app = app_for(served)
    async with app.run_test(size=SIZE) as pilot:
        await join_as(pilot, served.lead_code.lower())
        assert isinstance(app.screen, FacilitatorScreen)
        codes_text = str(app.screen.query_one("#lead-codes", Static).render())
        # both codes are kept hashed: the join code is where `calibrate serve` printed it
        assert served.join_code not in codes_text and served.lead_code not in codes_text
        assert "printed where `calibrate serve` runs" in codes_text
        await pilot.press("s")
        assert served.store.reveal_names(served.session_id)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, JoinScreen) and app.seat is None


async def test_a_rater_seat_follows_the_phase_when_joining_after_the_reveal(
    served: Served,
) -> None:
    context = meeting.load_context(served.store, served.session_id)
    meeting.record_score(  # a reveal needs at least one score
        served.store,
        served.session_id,
        rater_id=rater_id(served, "Amara Okafor"),
        sample_id=served.store.get_session(served.session_id).sample_ids[0],
        criterion_key=context.rubric.criteria[0].key,
        level=3,
    )
    meeting.reveal(served.store, served.session_id)
    app = app_for(served)
    async with app.run_test(size=SIZE) as pilot:
        await join_as(pilot, served.join_code, "Linh")  # part of a name, one match
        assert isinstance(app.screen, RaterRevealScreen)


async def test_a_terminal_claims_the_seat_with_its_pin_like_a_browser(served: Served) -> None:
    amara = rater_id(served, "Amara Okafor")
    async with app_for(served).run_test(size=SIZE) as pilot:
        await join_as(pilot, served.join_code, "Amara", pin="4821")
        assert pilot.app.seat is not None and pilot.app.seat.rater_id == amara
    async with app_for(served).run_test(size=SIZE) as pilot:
        await join_as(pilot, served.join_code, "Amara", pin="1111")
        assert isinstance(pilot.app.screen, PinScreen)  # asked again
        assert "PIN is not right" in str(pilot.app.screen.query_one("#pin-status").render())
        assert pilot.app.seat is None
        await type_text(pilot, "4821")
        assert pilot.app.seat is not None and pilot.app.seat.rater_id == amara
