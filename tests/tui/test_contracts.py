"""Learning contracts in the app: a contract from the demo's scored sample (levels, suggested
targets and their anchors filled in), saved whole or not at all, agreed, progress logged, a
checkpoint reviewed, amended into a new version shown side by side, exported by a worker, and
the list filtered by teacher, class and status."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select, Static

from calibrate.domain.contracts import (
    ContractFieldError,
    ContractStatus,
    LevelSource,
    ReviewOutcome,
    Target,
)
from calibrate.services.contracts import plans as contracts
from calibrate.services.contracts.anchors import matching_anchors
from calibrate.services.contracts.export import ContractFormat
from calibrate.services.contracts.files import export_destination
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.contracts.detail import ContractDetailScreen
from calibrate.tui.screens.contracts.editor import ContractEditorScreen
from calibrate.tui.screens.contracts.overview import ContractsScreen
from calibrate.tui.screens.modals import ConfirmModal
from calibrate.tui.widgets.contracts.export_modal import ExportModal
from calibrate.tui.widgets.contracts.fields import FieldError
from calibrate.tui.widgets.contracts.logs import ReviewForm
from calibrate.tui.widgets.contracts.plan import ActivityList
from calibrate.tui.widgets.contracts.target import TargetEditor
from calibrate.tui.widgets.contracts.versions import VersionCompare
from tests.tui.conftest import SIZE, Demo

TODAY = date(2026, 11, 23)
ESSAY_6 = 6  # "Tablets Are the Future", student G8-C-008: Amara Okafor scored claim 3, evidence 3


def app_for(demo: Demo) -> CalibrateApp:
    return CalibrateApp(demo.store, today=lambda: TODAY)


def shown(widget: Static) -> str:
    return str(widget.render())


def problems(screen: Widget) -> dict[str, str]:
    """The problems shown at their fields: {field path: message}."""
    return {slot.field: shown(slot) for slot in screen.query(FieldError) if slot.display}


def new_contract(
    demo: Demo, *, sample_id: int = ESSAY_6, teacher_id: int = 1, class_name: str = ""
) -> int:
    """A draft contract made through the services (for tests that start from one)."""
    draft = contracts.draft_from_sample(
        demo.store,
        demo.recorded_id,
        sample_id,
        teacher_id=teacher_id,
        source=LevelSource.TEACHER,
        today=TODAY,
    )
    saved = contracts.create_contract(demo.store, replace(draft.contract, class_name=class_name))
    assert saved.id is not None
    return saved.id


async def pick(
    pilot: Pilot[None], screen: ContractEditorScreen, selector: str, value: object
) -> None:
    """Choose ``value`` in a Select of the editor, and let the form fill in again."""
    screen.query_one(selector, Select).value = value
    for _ in range(3):
        await pilot.pause()


async def test_a_contract_from_the_demo_sample_then_progress_and_a_checkpoint(demo: Demo) -> None:
    """The issue's Pilot test: from Home, write a contract from the recorded session's sample,
    agree it, log progress and record a checkpoint review; everything lands in the store."""
    store = demo.store
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ContractsScreen)
        assert "No contracts yet" in shown(app.screen.query_one("#ct-empty", Static))
        await pilot.press("n")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ContractEditorScreen)
        # the revealed session is offered first; choose essay 6, Amara's own scores
        assert editor.query_one("#ct-session", Select).value == demo.recorded_id
        await pick(pilot, editor, "#ct-sample", ESSAY_6)
        await pick(pilot, editor, "#ct-rater", 1)
        await pick(pilot, editor, "#ct-levels-from", LevelSource.TEACHER)
        assert editor.query_one("#ct-code", Input).value == "G8-C-008"
        # suggested: the weakest criteria (claim 3, evidence 3; ties in rubric order), one up
        targets = list(editor.query(TargetEditor))
        assert [(t.criterion_key, t.target_level) for t in targets] == [
            ("claim", 4),
            ("evidence", 4),
        ]
        claim_anchors = matching_anchors(store, 1, "claim", 4)
        assert [q.id for q in claim_anchors] == [2]
        assert targets[0].anchor_ids == (2,)
        anchor_text = shown(targets[0].query_one(".ct-anchors", Static))
        assert "What success looks like" in anchor_text
        assert claim_anchors[0].student_wording in anchor_text.replace("\n", " ")
        assert claim_anchors[0].sample.title in anchor_text
        # the class, typed before or after picking the sample, is kept
        editor.query_one("#ct-class", Input).focus()
        await pilot.press("8", "C")
        await pick(pilot, editor, "#ct-levels-from", LevelSource.CONSENSUS)
        await pick(pilot, editor, "#ct-levels-from", LevelSource.TEACHER)
        assert editor.query_one("#ct-class", Input).value == "8C"
        await pilot.press("ctrl+s")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, ContractDetailScreen)

        [stored] = store.list_contracts()
        assert stored.id == detail.contract_id
        assert (stored.student_code, stored.class_name, stored.teacher, stored.status) == (
            "G8-C-008",
            "8C",
            "Amara Okafor",
            ContractStatus.DRAFT,
        )
        assert (stored.session_id, stored.sample_id, stored.teacher_id) == (
            demo.recorded_id,
            ESSAY_6,
            1,
        )
        assert [
            (t.criterion_key, t.current_level, t.target_level, t.anchor_ids)
            for t in stored.current.targets
        ] == [("claim", 3, 4, (2,)), ("evidence", 3, 4, (1,))]
        assert stored.current.start_date == "2026-11-23"
        assert {t.due_date for t in stored.current.targets} == {"2027-01-04"}  # six weeks on
        assert [a.stage.order for a in stored.current.activities] == [0, 1, 2, 3]

        # agree it with the student: it becomes active
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert store.get_contract(stored.id).status is ContractStatus.ACTIVE

        # log progress
        await pilot.press("l")
        await pilot.pause()
        assert detail.focused is detail.query_one("#ct-evidence", Input)
        await pilot.press(*"Essay 9 draft")
        for field, text in (("#ct-worked", "two sources"), ("#ct-next_step", "counterclaim")):
            detail.query_one(field, Input).focus()
            await pilot.press(*text)
        await pilot.press("enter")
        await pilot.pause()
        [entry] = store.progress_entries(stored.id)
        assert (entry.date, entry.evidence, entry.worked, entry.next_step) == (
            "2026-11-23",
            "Essay 9 draft",
            "two sources",
            "counterclaim",
        )
        assert detail.query_one("#ct-progress", DataTable).row_count == 1
        assert detail.query_one("#ct-evidence", Input).value == ""

        # record a checkpoint: "adjust" needs a note, shown at the note field
        await pilot.press("escape")  # out of the form: the letter keys work again
        await pilot.press("r")
        await pilot.pause()
        form = detail.query_one(ReviewForm)
        form.choose(ReviewOutcome.ADJUST)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.reviews(stored.id) == []
        assert problems(form) == {"note": "Note: say what needs adjusting."}
        assert detail.focused is detail.query_one("#ct-review-note", Input)
        await pilot.press(*"more quotes")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [checkpoint] = store.reviews(stored.id)
        assert (checkpoint.date, checkpoint.outcome, checkpoint.note, checkpoint.version) == (
            "2026-11-23",
            ReviewOutcome.ADJUST,
            "more quotes",
            1,
        )
        assert problems(form) == {}
        # the next checkpoint moves to 14 days after the review, and the list shows it
        await pilot.press("escape", "escape")
        await pilot.pause()
        listing = app.screen
        assert isinstance(listing, ContractsScreen)
        table = listing.query_one("#ct-list", DataTable)
        header = [str(c.label) for c in table.columns.values()]
        row = dict(zip(header, (str(c) for c in table.get_row(str(stored.id))), strict=True))
        assert row == {
            "Teacher": "Amara Okafor",
            "Class": "8C",
            "Student": "G8-C-008",
            "Rubric": "Grade 8 argument writing v1",
            "Status": "active · v1",
            "Targets": "Claim 3→4, Evidence 3→4",
            "Next checkpoint": "2026-12-07",  # 14 days after the review
            "Log": "1",
            "Last review": "2026-11-23 adjust",
        }


async def test_nothing_is_saved_until_every_field_is_right(demo: Demo) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = ContractEditorScreen()
        await app.push_screen(editor)
        await pilot.pause()
        await pick(pilot, editor, "#ct-sample", ESSAY_6)
        first = editor.query(TargetEditor).first()
        first.query_one(".ct-due", Input).value = "soon"
        editor.query_one("#ct-review-days", Input).value = "120"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo.store.list_contracts() == []
        assert problems(editor) == {
            "targets[1].due_date": "Target 1 (Claim), due date: “soon” is not a date; write it "
            "as YYYY-MM-DD, e.g. 2026-12-18."
        }
        assert editor.focused is first.query_one(".ct-due", Input)
        assert "Not saved" in shown(editor.query_one("#ct-status", Static))

        first.query_one(".ct-due", Input).value = "2027-01-15"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo.store.list_contracts() == []
        assert list(problems(editor)) == ["commitments.review_every_days"]
        assert "1 to 90 days (not 120)" in problems(editor)["commitments.review_every_days"]

        editor.query_one("#ct-review-days", Input).value = "two weeks"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert problems(editor) == {
            "commitments.review_every_days": "Reviews: every: “two weeks” is not a whole "
            "number of days."
        }
        # A NUL byte (pasted from another program) is refused at its field, as the CLI does.
        editor.query_one("#ct-review-days", Input).value = "21"
        first.query_one(".ct-indicator", Input).value = "Cite\x00 two pieces of evidence."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo.store.list_contracts() == []
        assert "control characters" in problems(editor)["targets[1].indicator"]
        first.query_one(".ct-indicator", Input).value = "Cite two pieces of evidence."
        editor.query_one("#ct-code", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert list(problems(editor)) == ["student_code"]
        assert demo.store.list_contracts() == []


async def test_targets_can_be_added_removed_and_reaimed(demo: Demo) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = ContractEditorScreen()
        await app.push_screen(editor)
        await pilot.pause()
        await pick(pilot, editor, "#ct-sample", ESSAY_6)
        await pilot.press("f3")  # a third target: the next weakest criterion, one level up
        await pilot.pause()
        assert [(t.n, t.criterion_key, t.target_level) for t in editor.query(TargetEditor)] == [
            (1, "claim", 4),
            (2, "evidence", 4),
            (3, "reasoning", 4),
        ]
        await pilot.press("f3")
        await pilot.pause()
        assert len(editor.query(TargetEditor)) == 3  # at most three
        # remove the first: the others are renumbered and keep what was typed
        second = editor.query(TargetEditor)[1]
        second.query_one(".ct-indicator", Input).value = "Quote two sources"
        remove = editor.query(TargetEditor).first().query_one(".ct-remove")
        remove.scroll_visible(animate=False, top=True)
        await pilot.pause()
        await pilot.click(remove)  # the mouse works
        await pilot.pause()
        left = list(editor.query(TargetEditor))
        assert [(t.n, t.criterion_key) for t in left] == [(1, "evidence"), (2, "reasoning")]
        assert left[0].indicator == "Quote two sources"
        # aim the reasoning target at level 2 instead: its anchors follow (anchor 3 shows it)
        reasoning = left[1]
        reasoning.query_one(".ct-criterion", Select).value = "reasoning"
        reasoning.query_one(".ct-level", Select).value = 2
        await pilot.pause()
        assert reasoning.anchor_ids == (3,)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo.store.list_contracts() == []
        assert list(problems(editor)) == ["targets[2].target_level"]
        assert "aim above the current level 3" in problems(editor)["targets[2].target_level"]


async def test_an_amendment_is_a_new_version_shown_side_by_side(demo: Demo) -> None:
    contract_id = new_contract(demo)
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = ContractDetailScreen(contract_id)
        await app.push_screen(detail)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ContractEditorScreen)
        assert editor.query_one("#ct-code", Input).disabled
        editor.query(TargetEditor).first().query_one(".ct-due", Input).value = "2027-02-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert problems(editor) == {"note": "Reason for the change: say what changed and why."}
        assert len(demo.store.contract_versions(contract_id)) == 1
        editor.query_one("#ct-note", Input).value = "More time for claims after the holidays"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail
        versions = demo.store.contract_versions(contract_id)
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].targets[0].due_date == "2027-01-04"  # the first version is kept
        assert versions[1].targets[0].due_date == "2027-02-01"

        await pilot.press("h")
        await pilot.pause()
        compare = detail.query_one(VersionCompare)
        table = compare.query_one(DataTable)
        assert compare.query_one("#ct-before", Select).value == 1
        assert compare.query_one("#ct-after", Select).value == 2
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            ["≠ Target Claim: due date", "2027-01-04", "2027-02-01"],
            ["≠ Reason for this version", "–", "More time for claims after the holidays"],
        ]


async def test_escape_asks_before_dropping_changes(demo: Demo) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(ContractsScreen())
        await pilot.press("n")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ContractEditorScreen)
        await pilot.press("escape")  # nothing changed: straight back
        await pilot.pause()
        assert isinstance(app.screen, ContractsScreen)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#ct-name", Input).value = "Sam"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ContractEditorScreen)


async def test_export_writes_the_document_in_a_worker(demo: Demo, tmp_path: Path) -> None:
    contract_id = new_contract(demo)
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = ContractDetailScreen(contract_id)
        await app.push_screen(detail)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ExportModal)
        assert modal.query_one(Input).value.endswith("contract-G8-C-008-v1.md")
        modal.query_one(Input).value = str(tmp_path / "contract.pdf")
        await pilot.press("enter")
        await pilot.pause()
        assert problems(modal) == {
            "path": "File: end the name with .md (Markdown), .html (a web page) or .json."
        }
        modal.query_one(Input).value = str(tmp_path / "contract.html")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is detail
        assert detail.exported == tmp_path / "contract.html"
        html = (tmp_path / "contract.html").read_text(encoding="utf-8")
        for heading in ("Where I am now", "My targets", "Our commitments", "Signatures"):
            assert f"<h2>{heading}</h2>" in html
        assert "G8-C-008" in html


@pytest.mark.parametrize(
    ("teacher", "class_name", "status", "expected"),
    [
        (None, None, None, ["G8-C-008", "G8-A-026"]),
        ("Erik Lindqvist", None, None, ["G8-A-026"]),
        (None, "8C", None, ["G8-C-008"]),
        (None, None, ContractStatus.ACTIVE, ["G8-C-008"]),
        ("Erik Lindqvist", None, ContractStatus.ACTIVE, []),
        ("Erik Lindqvist", "8C", None, []),
    ],
)
async def test_the_list_filters_by_teacher_class_and_status(
    demo: Demo,
    teacher: str | None,
    class_name: str | None,
    status: ContractStatus | None,
    expected: list[str],
) -> None:
    amara = new_contract(demo, class_name="8C")  # essay 6, Amara Okafor
    new_contract(demo, sample_id=7, teacher_id=2, class_name="8B")  # essay 7 (G8-A-026), Erik
    contracts.activate(demo.store, amara)
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = ContractsScreen()
        await app.push_screen(screen)
        await pilot.pause()
        if teacher is not None:
            screen.query_one("#ct-filter-teacher", Select).value = teacher
        if class_name is not None:
            screen.query_one("#ct-filter-class", Select).value = class_name
        if status is not None:
            screen.query_one("#ct-filter-status", Select).value = status
        await pilot.pause()
        table = screen.query_one("#ct-list", DataTable)
        header = [str(c.label) for c in table.columns.values()]
        rows = [
            dict(zip(header, map(str, table.get_row_at(i)), strict=True))
            for i in range(table.row_count)
        ]
        assert [row["Student"] for row in rows] == expected
        assert {row["Class"] for row in rows} <= {"8B", "8C"}
        if not expected:
            assert "No contract matches" in shown(screen.query_one("#ct-empty", Static))


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "File: type where to write the contract."),
        (".", "is a folder; add a file name."),
        ("nowhere/contract.md", "File: there is no folder"),
        ("contract.docx", "end the name with .md (Markdown), .html (a web page) or .json."),
    ],
)
def test_an_export_path_is_checked_before_any_work(
    tmp_path: Path, typed: str, problem: str
) -> None:
    with pytest.raises(ContractFieldError) as caught:
        export_destination(typed, folder=tmp_path)
    assert caught.value.field == "path" and problem in caught.value.message
    assert export_destination("c.HTML", folder=tmp_path) == (
        tmp_path / "c.HTML",
        ContractFormat.HTML,
    )


async def test_changing_a_targets_criterion_rewords_what_was_left_as_suggested(
    demo: Demo,
) -> None:
    """Issue 14: "How we will know" and the activities follow a target moved to another
    criterion while they are as suggested; what the teacher wrote is kept."""
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = ContractEditorScreen()
        await app.push_screen(editor)
        await pilot.pause()
        await pick(pilot, editor, "#ct-sample", ESSAY_6)
        first, second = list(editor.query(TargetEditor))
        assert first.indicator.startswith("Claim at level 4")
        activities = editor.query_one(ActivityList)
        assert "Claim and Evidence" in activities.read()[0].description
        first.query_one(".ct-criterion", Select).value = "reasoning"
        for _ in range(3):
            await pilot.pause()
        assert first.criterion_key == "reasoning"
        assert first.indicator.startswith("Reasoning at level 4")
        assert "Reasoning and Evidence" in activities.read()[0].description
        assert "Claim" not in " ".join(a.description for a in activities.read())
        # an own "how we will know" and own activities stay as written
        second.query_one(".ct-indicator", Input).value = "Quote two sources in each paragraph"
        row = activities.query(".ct-activity-text").first()
        assert isinstance(row, Input)
        row.value = "Highlight each quotation and its source"
        await pilot.pause()
        second.query_one(".ct-criterion", Select).value = "organization"
        for _ in range(3):
            await pilot.pause()
        assert second.indicator == "Quote two sources in each paragraph"
        assert activities.read()[0].description == "Highlight each quotation and its source"


def test_activities_speak_of_an_anchor_only_when_a_target_has_one(demo: Demo) -> None:
    from calibrate.services.contracts.wording import default_activities

    rubric = demo.store.get_rubric(demo.store.get_session(demo.recorded_id).rubric_id)
    with_anchor = Target("claim", 2, 3, "", "2027-01-15", anchor_ids=(1,))
    without = replace(with_anchor, anchor_ids=())
    assert "anchor" in " ".join(a.description for a in default_activities(rubric, [with_anchor]))
    words = " ".join(a.description for a in default_activities(rubric, [without]))
    assert "anchor" not in words and "the rubric's words for my target level" in words
