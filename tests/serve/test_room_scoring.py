"""Scoring in the room over HTTP: the page, every tap saved at once, a resend never doubling a
score, a rater seeing only their own scores before the reveal, the team's spread after it, and
a score from a round that has moved on refused rather than written into the wrong round."""

from __future__ import annotations

import re

from calibrate.domain.model import Phase
from calibrate.services.meeting import sessions as meeting
from tests.serve.conftest import Served
from tests.serve.room_http import Browser, room_server, text_of


def first_sample(served: Served) -> tuple[int, list[str], str]:
    context = meeting.load_context(served.store, served.session_id)
    sample = context.samples[0]
    assert sample.id is not None
    return sample.id, [c.key for c in context.rubric.criteria], sample.title


def history_rows(served: Served) -> int:
    return int(served.store._scalar("SELECT COUNT(*) FROM score_history"))


async def test_the_page_shows_the_sample_the_levels_and_progress(served: Served) -> None:
    _sample_id, _keys, title = first_sample(served)
    context = meeting.load_context(served.store, served.session_id)
    async with room_server(served) as (_, server), Browser(server) as browser:
        await browser.seated(served.join_code, served.rater_ids()[0])
        html = await (await browser.get("/score")).text()
        text = text_of(html)
        assert title in text and f"0 of {context.n_items} scored" in text
        first = context.rubric.criteria[0]
        for level in first.levels:
            assert f'name="level-{first.key}" value="{level.score}"' in html
            assert level.descriptor.split()[0] in text
        assert "Because… (optional, one line)" in text
        assert 'href="/score?at=2"' in html  # next sample
        later = await (await browser.get("/score?at=999")).text()  # clamped to the last
        assert context.samples[-1].title in text_of(later)


async def test_a_tap_is_saved_at_once_and_a_resend_changes_nothing(served: Served) -> None:
    sample_id, keys, _ = first_sample(served)
    amara = served.rater_ids()[0]
    async with room_server(served) as (_, server), Browser(server) as browser:
        await browser.seated(served.join_code, amara)
        status, answer = await browser.score(sample_id, keys[0], 3, note="clear claim")
        assert status == 200 and answer["saved"] and answer["scored"] == 1
        before = history_rows(served)
        for _ in range(3):  # the page was not sure the first one arrived
            status, answer = await browser.score(sample_id, keys[0], 3, note="clear claim")
            assert status == 200 and answer["scored"] == 1
        assert history_rows(served) == before
        mine = meeting.own_scores(served.store, served.session_id, amara)
        assert (mine[(sample_id, keys[0])].level, mine[(sample_id, keys[0])].note) == (
            3,
            "clear claim",
        )
        status, _ = await browser.score(sample_id, keys[0], 2, note="clear claim")
        assert status == 200 and history_rows(served) == before + 1  # the 3 is kept in history
        page = await (await browser.get("/score")).text()
        assert re.search(r'value="2"\s+checked', page)


async def test_a_bad_score_is_refused_and_nothing_written(served: Served) -> None:
    sample_id, keys, _ = first_sample(served)
    amara = served.rater_ids()[0]
    async with room_server(served) as (_, server), Browser(server) as browser:
        await browser.seated(served.join_code, amara)
        status, answer = await browser.score(sample_id, keys[0], 9)
        assert status == 409 and answer["code"] == "bad" and "9" in answer["error"]
        status, answer = await browser.score(sample_id, "no-such-criterion", 2)
        assert status == 409
        status, answer = await browser.score(sample_id, keys[0], "three")
        assert status == 400
        assert meeting.own_scores(served.store, served.session_id, amara) == {}


async def test_a_rater_reads_and_writes_only_their_own_scores(served: Served) -> None:
    sample_id, keys, _ = first_sample(served)
    amara, erik = served.rater_ids()[:2]
    async with room_server(served) as (_, server):
        async with Browser(server) as erik_tab:
            await erik_tab.seated(served.join_code, erik, "1357")
            await erik_tab.score(sample_id, keys[0], 1, note="ZEBRA evidence")
        async with Browser(server) as amara_tab:
            await amara_tab.seated(served.join_code, amara, "2468")
            await amara_tab.score(sample_id, keys[0], 4)
            page = await (await amara_tab.get("/score")).text()
            assert "ZEBRA" not in page
            assert re.search(rf'name="level-{keys[0]}" value="4"\s+checked', page)
            assert not re.search(rf'name="level-{keys[0]}" value="1"\s+checked', page)
            state = await (await amara_tab.get("/api/state")).json()
            assert state == {"phase": "scoring", "round": 1, "scored": 1, "total": state["total"]}
            blind = await amara_tab.get("/reveal")
            assert blind.status == 303 and blind.headers["Location"] == "/score"
    erik_scores = meeting.own_scores(served.store, served.session_id, erik)
    assert erik_scores[(sample_id, keys[0])].level == 1  # Amara's 4 went to Amara only


async def test_after_the_reveal_a_rater_sees_the_spread_without_names(served: Served) -> None:
    sample_id, keys, title = first_sample(served)
    amara, erik = served.rater_ids()[:2]
    async with (
        room_server(served) as (_, server),
        Browser(server) as erik_tab,
        Browser(server) as amara_tab,
    ):
        await erik_tab.seated(served.join_code, erik, "1357")
        await amara_tab.seated(served.join_code, amara, "2468")
        await erik_tab.score(sample_id, keys[0], 2)
        await amara_tab.score(sample_id, keys[0], 3)
        meeting.reveal(served.store, served.session_id)
        moved = await amara_tab.get("/score")
        assert moved.headers["Location"] == "/reveal"
        state = await (await amara_tab.get("/api/state")).json()
        assert state["phase"] == "reveal"
        status, answer = await amara_tab.score(sample_id, keys[0], 4)
        assert status == 409 and answer["code"] == "moved"
        text = text_of(await (await amara_tab.get("/reveal")).text())
        assert title in text and "you" in text and "1 rater" in text
        erik_name = served.store.get_rater(erik).name
        assert erik_name not in text
        served.store.set_reveal_names(served.session_id, True)
        named = text_of(await (await amara_tab.get("/reveal")).text())
        assert erik_name in named


async def test_a_score_from_a_round_that_moved_on_is_refused(served: Served) -> None:
    sample_id, keys, _ = first_sample(served)
    amara = served.rater_ids()[0]
    async with room_server(served) as (_, server), Browser(server) as browser:
        await browser.seated(served.join_code, amara)
        await browser.score(sample_id, keys[0], 3)
        meeting.reveal(served.store, served.session_id)
        meeting.start_rescore_round(served.store, served.session_id)
        assert served.store.get_session(served.session_id).phase is Phase.SCORING
        status, answer = await browser.score(sample_id, keys[0], 1, round=1)  # queued offline
        assert status == 409 and answer["code"] == "moved" and "round 2" in answer["error"]
        round_one = served.store.scores(served.session_id, round=1, rater_id=amara)
        assert [s.level for s in round_one] == [3]
        status, _ = await browser.score(sample_id, keys[0], 1, round=2)
        assert status == 200
        assert "Round 2" in text_of(await (await browser.get("/score")).text())


async def test_the_form_works_without_the_script(served: Served) -> None:
    sample_id, keys, _ = first_sample(served)
    amara = served.rater_ids()[0]
    async with room_server(served) as (_, server), Browser(server) as browser:
        await browser.seated(served.join_code, amara)
        form = {"sample_id": str(sample_id), "round": "1", "at": "1", "go": "next"}
        form |= {f"level-{key}": "2" for key in keys}
        form[f"note-{keys[0]}"] = "  thesis   stated  "
        response = await browser.post("/score", data=form)
        assert response.status == 303 and response.headers["Location"].startswith("/score?at=2")
        mine = meeting.own_scores(served.store, served.session_id, amara)
        assert {mine[(sample_id, k)].level for k in keys} == {2}
        assert mine[(sample_id, keys[0])].note == "thesis stated"


async def test_the_facilitator_frees_a_seat_and_the_rater_claims_it_with_a_new_pin(
    served: Served,
) -> None:
    amara = served.rater_ids()[0]
    async with room_server(served) as (_, server), Browser(server) as lost_phone:
        await lost_phone.seated(served.join_code, amara, "4821")
        async with Browser(server) as lead:
            await lead.join(served.lead_code)
            board = text_of(await (await lead.get("/board")).text())
            name = served.store.get_rater(amara).name
            assert f"Free {name}'s seat" in board and "seated" in board
            freed = await lead.post("/board/release", data={"rater": str(amara)})
            assert freed.status == 303
            after = text_of(await (await lead.get(freed.headers["Location"])).text())
            assert f"{name}'s seat is free" in after
        assert (await lost_phone.get("/api/state")).status == 401
        async with Browser(server) as new_phone:
            await new_phone.seated(served.join_code, amara, "9999")


def test_a_samples_markdown_is_shown_and_any_html_or_script_link_in_it_is_not_run() -> None:
    from calibrate.serve.rater_views import markdown

    html = str(markdown("# Title\n\n<script>alert(1)</script> [x](javascript:alert(1)) *so*"))
    assert "<h1>Title</h1>" in html and "<em>so</em>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


async def test_a_partial_rescore_round_offers_only_its_items(served: Served) -> None:
    """Issue 13's partial rounds in the browser: only the items asked for are on the page."""
    sample_id, keys, title = first_sample(served)
    context = meeting.load_context(served.store, served.session_id)
    second = context.samples[1]
    assert second.id is not None
    amara = served.rater_ids()[0]
    async with room_server(served) as (_, server), Browser(server) as browser:
        await browser.seated(served.join_code, amara)
        await browser.score(sample_id, keys[0], 3)
        meeting.reveal(served.store, served.session_id)
        meeting.start_rescore_round(
            served.store, served.session_id, [(second.id, keys[1]), (second.id, keys[2])]
        )
        html = await (await browser.get("/score")).text()
        text = text_of(html)
        assert "Round 2 (2 of 40 items re-scored)" in text and "0 of 2 scored" in text
        assert second.title in text and title not in text  # only the sample asked for
        assert f'data-key="{keys[1]}"' in html and f'data-key="{keys[2]}"' in html
        assert f'data-key="{keys[0]}"' not in html
        status, answer = await browser.score(second.id, keys[0], 2, round=2)  # not asked for
        assert status == 409
        status, answer = await browser.score(second.id, keys[1], 2, round=2)
        assert status == 200 and answer == {"saved": True, "level": 2, "scored": 1, "total": 2}
