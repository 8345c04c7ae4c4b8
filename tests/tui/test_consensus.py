"""Consensus: every rater's level and note by name, agree a level with a rationale, keep it as an
anchor, walk the discussion queue, and never lose a rationale that is typed but not saved."""

from __future__ import annotations

from textual.widgets import Input, Static

from calibrate.domain.model import AnchorStatus, Phase
from calibrate.services.meeting import consensus
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.reveal import build_reveal
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.meeting.consensus import ConsensusScreen
from calibrate.tui.screens.modals import ConfirmModal, TextModal
from calibrate.tui.widgets.meeting.rater_notes import RaterNotesTable
from calibrate.tui.widgets.rubric_panel import RubricPanel
from tests.tui.conftest import SIZE, Demo, make_app


def text_of(widget: Static) -> str:
    return str(widget.render())


def queue_of(demo: Demo) -> list[tuple[int, str]]:
    """The discussion queue, computed straight from the reveal service."""
    store, sid = demo.store, demo.recorded_id
    ctx = meeting.load_context(store, sid)
    reveal = build_reveal(
        ctx,
        store.scores(sid, round=ctx.session.round),
        round=ctx.session.round,
        consensus=store.consensus_for(sid),
    )
    return [(i.sample_id, i.criterion_key) for i in reveal.discussion_queue()]


async def open_item(app: CalibrateApp, demo: Demo, sample_id: int, key: str) -> ConsensusScreen:
    screen = ConsensusScreen(demo.recorded_id, sample_id, key)
    await app.push_screen(screen)
    return screen


async def test_the_table_shows_each_raters_level_and_note_by_name(demo: Demo) -> None:
    ctx = meeting.load_context(demo.store, demo.recorded_id)
    sample = ctx.samples[0]
    assert sample.id is not None
    stored = {
        s.rater_id: s
        for s in demo.store.scores(demo.recorded_id, round=1)
        if s.sample_id == sample.id and s.criterion_key == "claim"
    }
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_item(app, demo, sample.id, "claim")
        await pilot.pause()
        table = screen.query_one(RaterNotesTable)
        assert table.row_count == len(ctx.raters) == 6
        for rater in ctx.raters:
            row = [str(cell) for cell in table.get_row(str(rater.id))]
            score = stored[rater.id]  # type: ignore[index]
            assert row[0] == rater.name
            assert row[1] == str(score.level)
            assert row[2] == ctx.rubric.criteria[0].level(score.level).label  # type: ignore[union-attr]
            assert row[3] == score.note
        status = text_of(screen.query_one("#consensus-status", Static))
        # Not agreed yet: the key is kept back, so it does not anchor the discussion.
        assert "Master key: hidden until the team agrees" in status
        assert "Agreed: not yet" in status
        await pilot.press("k")  # shown now, on the facilitator's word
        status = text_of(screen.query_one("#consensus-status", Static))
        # The kit's master key puts essay 1 at 4 on claim.
        assert "Master key: 4 · " in status and "Agreed: not yet" in status


async def test_a_rater_without_a_score_is_shown_as_such(demo: Demo) -> None:
    ctx = meeting.load_context(demo.store, demo.recorded_id)
    sample = ctx.samples[5]  # the kit leaves one rater's claim score on essay 6 out
    assert sample.id is not None
    scored = {
        s.rater_id
        for s in demo.store.scores(demo.recorded_id)
        if s.sample_id == sample.id and s.criterion_key == "claim"
    }
    missing = [r for r in ctx.raters if r.id not in scored]
    assert len(missing) == 1
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_item(app, demo, sample.id, "claim")
        await pilot.pause()
        row = screen.query_one(RaterNotesTable).get_row(str(missing[0].id))
        assert [str(c) for c in row] == [missing[0].name, "—", "", "(no score)"]


async def test_choose_a_level_write_the_rationale_and_save(demo: Demo) -> None:
    sample_id, key = queue_of(demo)[0]
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_item(app, demo, sample_id, key)
        await pilot.pause()
        await pilot.press("2")
        assert screen.chosen == 2
        chosen = screen.query_one(RubricPanel).query(".chosen")
        assert len(chosen) == 1 and "Developing" in str(chosen.first().render())
        await pilot.press("r", *"One block, no paragraphs", "enter")
        await pilot.pause()
        agreed = demo.store.consensus_for(demo.recorded_id)
        assert [(c.sample_id, c.criterion_key, c.level, c.rationale) for c in agreed] == [
            (sample_id, key, 2, "One block, no paragraphs")
        ]
        assert demo.store.get_session(demo.recorded_id).phase is Phase.CONSENSUS
        assert "Agreed: 2 · Developing (saved)" in text_of(
            screen.query_one("#consensus-status", Static)
        )
        assert isinstance(app.focused, RubricPanel)  # so a and n work straight away


async def test_saving_without_a_rationale_shows_why_and_saves_nothing(demo: Demo) -> None:
    sample_id, key = queue_of(demo)[0]
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_item(app, demo, sample_id, key)
        await pilot.pause()
        await pilot.press("ctrl+s")  # no level yet
        error = screen.query_one("#consensus-error", Static)
        assert error.display and "Choose the agreed level" in text_of(error)
        await pilot.press("3", "ctrl+s")  # a level, but no rationale
        await pilot.pause()
        assert "rationale" in text_of(error)
        assert demo.store.consensus_for(demo.recorded_id) == []
        assert demo.store.get_session(demo.recorded_id).phase is Phase.REVEAL
        assert app.focused is screen.query_one("#consensus-rationale", Input)


async def test_keep_as_anchor_after_saving(demo: Demo) -> None:
    sample_id, key = queue_of(demo)[0]
    before = demo.store.anchors()
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_item(app, demo, sample_id, key)
        await pilot.pause()
        await pilot.press("a")  # nothing agreed yet: refused
        assert not isinstance(app.screen, TextModal)
        await pilot.press("1", "r", *"No paragraphs at all", "enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, TextModal)
        await pilot.press("end", *"; order follows no plan", "enter")
        await pilot.pause()
        assert app.screen is screen
        new = [a for a in demo.store.anchors() if a not in before]
        assert len(new) == 1
        anchor = new[0]
        assert (anchor.sample_id, anchor.criterion_key, anchor.level) == (sample_id, key, 1)
        assert anchor.status is AnchorStatus.PROPOSED
        assert anchor.session_id == demo.recorded_id
        assert anchor.annotation == "No paragraphs at all; order follows no plan"
        await pilot.press("a")  # kept already: not kept twice
        await pilot.pause()
        assert not isinstance(app.screen, TextModal)
        assert len(demo.store.anchors()) == len(before) + 1


async def test_next_goes_down_the_discussion_queue(demo: Demo) -> None:
    queue = queue_of(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_item(app, demo, *queue[0])
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert (screen.sample_id, screen.criterion_key) == queue[1]
        assert "item 2 of" in text_of(screen.query_one("#consensus-status", Static))
        # Agree the second one: the next is the third, not the skipped first.
        await pilot.press("3", "r", *"agreed", "enter", "n")
        await pilot.pause()
        assert (screen.sample_id, screen.criterion_key) == queue[2]
        sample = screen.query_one("#sample-heading", Static)
        title = demo.store.get_sample(queue[2][0]).title
        assert title in text_of(sample)


async def test_an_unsaved_rationale_is_not_lost_on_leaving(demo: Demo) -> None:
    queue = queue_of(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_item(app, demo, *queue[0])
        await pilot.pause()
        await pilot.press("r", *"half a thought", "escape")  # leaves the box, keeps the words
        assert isinstance(app.focused, RubricPanel)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#consensus-rationale", Input).value == "half a thought"
        await pilot.press("n")  # next item: asks too
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert (screen.sample_id, screen.criterion_key) == queue[1]
        assert screen.query_one("#consensus-rationale", Input).value == ""
        await pilot.press("escape")  # nothing typed: goes straight back
        await pilot.pause()
        assert app.screen is not screen and not isinstance(app.screen, ConfirmModal)


async def test_a_session_still_being_scored_cannot_be_discussed(demo: Demo) -> None:
    ctx = meeting.load_context(demo.store, demo.session_id)
    assert ctx.samples[0].id is not None
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        await app.push_screen(ConsensusScreen(demo.session_id, ctx.samples[0].id, "claim"))
        await pilot.pause()
        assert app.screen is home  # told why, and taken back


def test_next_item_skips_agreed_items_and_wraps_round() -> None:
    a, b, c, d = (1, "k"), (2, "k"), (3, "k"), (4, "k")
    queue = [a, b, c, d]
    assert consensus.next_item(queue, a, agreed={b}) == c  # b is agreed already
    assert consensus.next_item(queue, b, agreed={b}) == c  # just agreed: on to the next
    assert consensus.next_item(queue, d, agreed=set()) == a  # wraps round
    assert consensus.next_item(queue, (9, "x"), agreed=set()) == a  # not queued: from the top
    assert consensus.next_item([a], a, agreed=set()) is None
    assert consensus.next_item(queue, a, agreed=set(queue)) == b  # all agreed: the next one


async def test_next_with_an_unsaved_level_or_while_typing_is_never_silent(demo: Demo) -> None:
    """Issue 13: n with an unsaved choice moved on and dropped it; typed into the rationale box
    while the footer still offered "n Next item". Now n asks, and the footer says which keys
    act while typing."""
    queue = queue_of(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_item(app, demo, *queue[0])
        await pilot.pause()
        await pilot.press("3", "n")  # a level chosen, no rationale, nothing saved
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "The level you chose (3 · " in app.screen.question
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.screen is screen and screen.chosen == 3
        assert (screen.sample_id, screen.criterion_key) == queue[0]

        await pilot.press("r")  # typing: the letter keys are not offered as actions
        await pilot.pause()
        shown = {b.binding.action for b in screen.active_bindings.values()}
        assert "next_item" not in shown and "choose(1)" not in shown  # not in the footer
        assert {"save", "leave"} <= shown  # Ctrl+S saves, Escape leaves the box
        await pilot.press(*"no")
        assert screen.query_one("#consensus-rationale", Input).value == "no"
        await pilot.press("escape", "n")  # out of the box: n asks about the words
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.question.startswith("The rationale you wrote is not saved")
        await pilot.press("y")
        await pilot.pause()
        assert (screen.sample_id, screen.criterion_key) == queue[1]
        assert "next_item" in {b.binding.action for b in screen.active_bindings.values()}
        assert demo.store.consensus_for(demo.recorded_id) == []
