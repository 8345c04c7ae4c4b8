"""Anchor library: rubric → criterion → level, every level listed, approve and retire anchors."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Markdown, Static
from textual.widgets.tree import TreeNode

from calibrate.domain.model import Anchor, AnchorStatus
from calibrate.services.meeting import anchors
from calibrate.services.meeting import sessions as meeting
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.meeting.anchors import AnchorLibraryScreen
from calibrate.tui.screens.modals import ConfirmModal
from calibrate.tui.widgets.meeting.anchor_tree import AnchorTree, Place
from tests.tui.conftest import SIZE, Demo, make_app


def text_of(widget: Static) -> str:
    return str(widget.render())


def nodes(tree: AnchorTree) -> list[TreeNode[Place]]:
    out: list[TreeNode[Place]] = []
    stack = list(tree.root.children)
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.children)
    return out


def node_for(tree: AnchorTree, key: str) -> TreeNode[Place] | None:
    return next((n for n in nodes(tree) if n.data is not None and n.data.key == key), None)


async def open_library(app: CalibrateApp) -> AnchorLibraryScreen:
    screen = AnchorLibraryScreen()
    await app.push_screen(screen)
    return screen


def propose(demo: Demo, sample_index: int, key: str, level: int) -> Anchor:
    ctx = meeting.load_context(demo.store, demo.recorded_id)
    sample_id = ctx.samples[sample_index].id
    assert sample_id is not None
    return meeting.promote_anchor(
        demo.store,
        demo.recorded_id,
        sample_id=sample_id,
        criterion_key=key,
        level=level,
        annotation="Proposed in the test meeting.",
    )


async def test_the_kits_anchors_sit_under_their_criterion_and_level(demo: Demo) -> None:
    kit = demo.store.anchors(status=AnchorStatus.APPROVED)
    assert len(kit) == 3  # the grade-8 kit ships three approved anchors
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_library(app)
        await pilot.pause()
        tree = screen.query_one(AnchorTree)
        for anchor in kit:
            node = node_for(tree, f"a{anchor.id}")
            assert node is not None and node.parent is not None
            level_place = node.parent.data
            assert level_place is not None and level_place.level is not None
            assert level_place.level.level.score == anchor.level
            assert level_place.criterion is not None
            assert level_place.criterion.criterion.key == anchor.criterion_key
            sample = demo.store.get_sample(anchor.sample_id)
            assert sample.title in str(node.label)
        # 5 criteria × 4 levels, 3 of them with an anchor: 17 say so.
        empty = [n for n in nodes(tree) if "no anchor yet" in str(n.label)]
        assert len(empty) == 17
        assert "3 anchors · 17 levels with no anchor yet" in text_of(
            screen.query_one("#anchor-status", Static)
        )


async def select(pilot: Pilot[None], screen: AnchorLibraryScreen, key: str) -> None:
    """Put the cursor on the anchor ``key`` and wait until its detail is shown: the highlight
    reaches the detail pane as a message, and on a loaded machine one pause was not always
    enough (seen in CI)."""
    assert screen.query_one(AnchorTree).select_key(key)
    for _ in range(50):
        await pilot.pause()
        if "anchors shown" not in text_of(screen.query_one("#anchor-heading", Static)):
            return
    raise AssertionError(f"the detail of {key} never showed")


async def test_an_anchor_shows_its_sample_annotation_session_and_date(demo: Demo) -> None:
    anchor = demo.store.anchors()[0]
    session = demo.store.get_session(demo.recorded_id)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_library(app)
        await pilot.pause()
        await select(pilot, screen, f"a{anchor.id}")
        heading = text_of(screen.query_one("#anchor-heading", Static))
        assert "Status: approved" in heading
        assert session.title in heading and session.date in heading
        assert anchor.annotation[:40] in text_of(screen.query_one("#anchor-annotation", Static))
        body = screen.query_one("#anchor-sample", Markdown)
        assert body.source == demo.store.get_sample(anchor.sample_id).body


async def test_approve_a_proposed_anchor(demo: Demo) -> None:
    proposed = propose(demo, 1, "evidence", 1)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_library(app)
        await pilot.pause()
        tree = screen.query_one(AnchorTree)
        node = node_for(tree, f"a{proposed.id}")
        assert node is not None and "proposed" in str(node.label)
        await select(pilot, screen, f"a{proposed.id}")
        await pilot.press("p")
        await pilot.pause()
        stored = next(a for a in demo.store.anchors() if a.id == proposed.id)
        assert stored.status is AnchorStatus.APPROVED
        node = node_for(tree, f"a{proposed.id}")
        assert node is not None and "approved" in str(node.label)
        place = tree.place
        assert place is not None and place.key == f"a{proposed.id}"  # the cursor stayed on it


async def test_retire_asks_first_then_hides_it_until_shown(demo: Demo) -> None:
    anchor = demo.store.anchors()[0]
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_library(app)
        await pilot.pause()
        tree = screen.query_one(AnchorTree)
        await select(pilot, screen, f"a{anchor.id}")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # changed my mind
        await pilot.pause()
        assert demo.store.anchors()[0].status is AnchorStatus.APPROVED
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        stored = next(a for a in demo.store.anchors() if a.id == anchor.id)
        assert stored.status is AnchorStatus.RETIRED
        assert node_for(tree, f"a{anchor.id}") is None  # retired ones are hidden
        level_key = f"r{anchor.rubric_id}/{anchor.criterion_key}/{anchor.level}"
        level_node = node_for(tree, level_key)
        assert level_node is not None
        assert "no anchor yet" in str(level_node.label) and "1 retired" in str(level_node.label)
        await pilot.press("f")  # show retired
        await pilot.pause()
        node = node_for(tree, f"a{anchor.id}")
        assert node is not None and "retired" in str(node.label)


async def test_anchors_from_a_kit_without_a_session(demo: Demo) -> None:
    rubric = demo.store.get_rubric(demo.store.get_session(demo.recorded_id).rubric_id)
    assert rubric.id is not None
    sample = demo.store.list_samples()[2]
    assert sample.id is not None
    loose = demo.store.add_anchor(
        Anchor(rubric.id, "conventions", 2, sample.id, annotation="From a kit.", session_id=None)
    )
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_library(app)
        await pilot.pause()
        await select(pilot, screen, f"a{loose.id}")
        heading = text_of(screen.query_one("#anchor-heading", Static))
        assert "from a workshop kit" in heading and loose.created_at[:10] in heading


def test_the_library_lists_every_level_and_hides_retired_on_request(demo: Demo) -> None:
    shelves = anchors.anchor_library(demo.store)
    assert [s.label for s in shelves] == ["Grade 8 argument writing v1"]
    levels = [lv for c in shelves[0].criteria for lv in c.levels]
    assert len(levels) == 20 and sum(lv.missing for lv in levels) == 17
    first = demo.store.anchors()[0]
    assert first.id is not None
    anchors.retire_anchor(demo.store, first.id)
    hidden = anchors.anchor_library(demo.store)
    assert hidden[0].n_anchors == 2
    shown = anchors.anchor_library(demo.store, include_retired=True)
    assert shown[0].n_anchors == 3
    assert sum(lv.missing for c in shown[0].criteria for lv in c.levels) == 18
