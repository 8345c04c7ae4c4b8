"""The closing reassessment in the contract screen: the Close tab of an active contract, each
target's level reached (pre-filled with where the student was), the date, the culminating
reflection and the teacher's note; asked before closing, all or nothing; afterwards the document
shows the reassessment and the screen is read-only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import (
    Button,
    ContentSwitcher,
    Input,
    Select,
    Static,
    TabbedContent,
    TextArea,
)

from calibrate.domain.contracts import (
    ContractFieldError,
    ContractStatus,
    LevelSource,
    Reassessment,
    TargetResult,
)
from calibrate.services.contracts import plans as contracts
from calibrate.services.contracts.closing import (
    ClosingRow,
    check_closing,
    close_from_form,
    closing_rows,
    expected_status,
)
from calibrate.services.contracts.export import ContractFormat, export_contract
from calibrate.tui.app import CalibrateApp
from calibrate.tui.screens.contracts.detail import CLOSE_QUESTION, ContractDetailScreen
from calibrate.tui.screens.modals import ConfirmModal
from calibrate.tui.widgets.contracts.close import CloseForm, ClosingTarget
from calibrate.tui.widgets.contracts.fields import FieldError
from calibrate.tui.widgets.contracts.logs import ProgressForm, ReviewForm
from tests.tui.conftest import SIZE, Demo

TODAY = date(2026, 11, 23)
ESSAY_6 = 6  # student G8-C-008: Amara Okafor (rater 1) scored claim 3 and evidence 3
REFLECTION = "Quoting two sources made my claims stronger."
NOTE = "Ready for level 4 work next term."


def shown(widget: Static) -> str:
    return str(widget.render())


def problems(root: Widget) -> dict[str, str]:
    return {slot.field: shown(slot) for slot in root.query(FieldError) if slot.display}


def running_contract(demo: Demo, *, active: bool = True) -> int:
    """Essay 6's contract from Amara's own scores: targets claim 3 → 4 and evidence 3 → 4."""
    draft = contracts.draft_from_sample(
        demo.store,
        demo.recorded_id,
        ESSAY_6,
        teacher_id=1,
        source=LevelSource.TEACHER,
        today=TODAY,
    )
    saved = contracts.create_contract(demo.store, draft.contract)
    assert saved.id is not None
    if active:
        contracts.activate(demo.store, saved.id)
    return saved.id


async def open_close_tab(pilot: Pilot[None], contract_id: int) -> ContractDetailScreen:
    detail = ContractDetailScreen(contract_id)
    await pilot.app.push_screen(detail)
    await pilot.pause()
    await pilot.press("c")
    for _ in range(3):
        await pilot.pause()
    assert detail.query_one("#ct-tabs", TabbedContent).active == "ct-tab-close"
    return detail


async def choose(pilot: Pilot[None], form: CloseForm, **levels: int) -> None:
    for criterion_key, level in levels.items():
        form.choose(criterion_key, level)
    await pilot.pause()
    await pilot.pause()


async def write(pilot: Pilot[None], detail: ContractDetailScreen, reflection: str) -> None:
    """Type the reflection and the teacher's note as a teacher would."""
    detail.query_one("#ct-close-note", Input).focus()
    await pilot.press(*NOTE)
    detail.query_one("#ct-reflection", TextArea).focus()
    await pilot.press(*reflection)


def app_for(demo: Demo) -> CalibrateApp:
    return CalibrateApp(demo.store, today=lambda: TODAY)


async def test_every_target_reached_the_contract_is_met(demo: Demo) -> None:
    contract_id = running_contract(demo)
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_close_tab(pilot, contract_id)
        form = detail.query_one(CloseForm)
        targets = list(form.query(ClosingTarget))
        # one row per target, the level reached pre-filled with where the student was
        assert [(t.row.name, t.row.current_level, t.row.target_level) for t in targets] == [
            ("Claim", 3, 4),
            ("Evidence", 3, 4),
        ]
        assert form.achieved == {"claim": 3, "evidence": 3}
        assert detail.focused is targets[0].query_one(Select)
        assert "was 3 · Proficient\naimed for 4 · Advanced" in shown(
            targets[0].query_one(".ct-close-aim", Static)
        )
        outcome = form.query_one("#ct-close-outcome", Static)
        assert shown(outcome) == (
            "With these levels the contract is closed: Claim, Evidence not yet reached."
        )
        await choose(pilot, form, claim=4, evidence=4)
        assert shown(outcome) == "With these levels the contract is met: every target reached."
        assert form.query_one("#ct-close-date", Input).value == "2026-11-23"  # today
        await write(pilot, detail, REFLECTION)

        await pilot.press("ctrl+s")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        assert (
            modal.question
            == CLOSE_QUESTION
            == ("Close this contract? It can no longer be changed.")
        )
        assert demo.store.reassessment(contract_id) is None  # nothing before the answer
        await pilot.press("y")
        for _ in range(3):
            await pilot.pause()
        assert app.screen is detail

        stored = demo.store.get_contract(contract_id)
        assert stored.status is ContractStatus.MET
        reassessment = demo.store.reassessment(contract_id)
        assert reassessment is not None
        assert (reassessment.date, reassessment.reflection, reassessment.teacher_note) == (
            "2026-11-23",
            REFLECTION,
            NOTE,
        )
        assert reassessment.results == (
            TargetResult("claim", 4, 4),
            TargetResult("evidence", 4, 4),
        )

        # the document tab shows the reassessment, target by target (and stays: focus coming
        # back to the form from the question does not bring the Close tab back)
        for _ in range(3):
            await pilot.pause()
        tabs = detail.query_one("#ct-tabs", TabbedContent)
        assert tabs.active == "ct-tab-document"
        assert tabs.query_one(ContentSwitcher).current == "ct-tab-document"
        assert "## Closing reassessment" in detail.shown_text
        assert "**Claim:** aimed for 4 (Advanced), reached 4 (Advanced): met" in detail.shown_text
        assert f"**My reflection:** {REFLECTION}" in detail.shown_text
        summary = shown(detail.query_one("#ct-summary", Static))
        assert detail.sub_title == "G8-C-008 · met · version 1"
        assert (
            "Closed on 2026-11-23: met, every target reached. Claim: aimed 4, reached 4 (met); "
            "Evidence: aimed 4, reached 4 (met)." in summary
        )

        # read-only: no Close tab, no amending, no more logging or reviews
        assert not tabs.get_tab("ct-tab-close").display
        assert detail.check_action("tab", ("ct-tab-close",)) is False
        assert detail.check_action("amend", ()) is False
        await pilot.press("c")
        await pilot.pause()
        assert tabs.active == "ct-tab-document"
        await pilot.press("l")
        await pilot.pause()
        assert not detail.query_one(ProgressForm).display
        assert not detail.query_one(ReviewForm).display
        assert detail.check_action("save_entry", ()) is False

    # the printable document carries the reassessment too
    md = export_contract(demo.store, contract_id, ContractFormat.MD)
    closing = md.split("## Closing reassessment", 1)[1].split("\n## ", 1)[0]
    assert closing.strip().splitlines() == [
        "Reassessed on 2026-11-23.",
        "",
        "- **Claim:** aimed for 4 (Advanced), reached 4 (Advanced): met",
        "- **Evidence:** aimed for 4 (Advanced), reached 4 (Advanced): met",
        "",
        f"- **My reflection:** {REFLECTION}",
        "",
        f"- **My teacher's note:** {NOTE}",
    ]
    assert "**Contract:** version 1, met" in md


async def test_a_target_missed_the_contract_is_closed(demo: Demo) -> None:
    contract_id = running_contract(demo)
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_close_tab(pilot, contract_id)
        form = detail.query_one(CloseForm)
        await choose(pilot, form, claim=4)  # evidence stays at 3: not reached
        assert shown(form.query_one("#ct-close-outcome", Static)) == (
            "With these levels the contract is closed: Evidence not yet reached."
        )
        form.query_one("#ct-close-date", Input).value = "2027-01-04"
        await write(pilot, detail, "Evidence is still hard for me.")
        button = form.query_one("#ct-close-save", Button)
        button.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click(button)  # the mouse works too
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#yes")
        for _ in range(3):
            await pilot.pause()

        assert demo.store.get_contract(contract_id).status is ContractStatus.CLOSED
        reassessment = demo.store.reassessment(contract_id)
        assert reassessment is not None
        assert reassessment.date == "2027-01-04"
        assert reassessment.reflection == "Evidence is still hard for me."
        assert [
            (r.criterion_key, r.target_level, r.achieved_level, r.met) for r in reassessment.results
        ] == [("claim", 4, 4, True), ("evidence", 4, 3, False)]
        assert (
            "Closed on 2027-01-04: closed, 1 of 2 targets not yet reached. Claim: aimed 4, "
            "reached 4 (met); Evidence: aimed 4, reached 3 (not yet)."
            in shown(detail.query_one("#ct-summary", Static))
        )
        assert "**Evidence:** aimed for 4 (Advanced), reached 3 (Proficient): not yet" in (
            detail.shown_text
        )
    md = export_contract(demo.store, contract_id, ContractFormat.MD)
    assert "## Closing reassessment" in md
    assert "- **Evidence:** aimed for 4 (Advanced), reached 3 (Proficient): not yet" in md
    assert "**Contract:** version 1, closed" in md


async def test_a_missing_reflection_is_shown_at_its_field_and_nothing_is_stored(
    demo: Demo,
) -> None:
    contract_id = running_contract(demo)
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_close_tab(pilot, contract_id)
        form = detail.query_one(CloseForm)
        await choose(pilot, form, claim=4, evidence=4)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail  # not asked: there is a mistake to fix first
        assert problems(form) == {"reflection": "Reflection: the student's culminating reflection."}
        assert detail.focused is form.query_one("#ct-reflection", TextArea)

        # a bad date is pointed at too
        await pilot.press(*"   ")  # spaces are not a reflection
        form.query_one("#ct-close-date", Input).value = "next week"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert problems(form) == {
            "date": "Date: “next week” is not a date; write it as YYYY-MM-DD, e.g. 2026-12-18."
        }
        assert form.query_one("#ct-close-date", Input).has_focus

        # right at last, but the teacher thinks again at the question: still nothing stored
        form.query_one("#ct-close-date", Input).value = "2026-12-18"
        form.query_one("#ct-reflection", TextArea).text = REFLECTION
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert problems(form) == {}
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        for _ in range(3):
            await pilot.pause()
        assert app.screen is detail
        assert form.achieved == {"claim": 4, "evidence": 4}  # what was chosen stays
        assert form.query_one("#ct-reflection", TextArea).text == REFLECTION

        assert demo.store.reassessment(contract_id) is None
        assert demo.store.get_contract(contract_id).status is ContractStatus.ACTIVE
    md = export_contract(demo.store, contract_id, ContractFormat.MD)
    assert "At the end of the contract we look again at each target together." in md


async def test_a_draft_has_no_close_tab(demo: Demo) -> None:
    contract_id = running_contract(demo, active=False)
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        detail = ContractDetailScreen(contract_id)
        await app.push_screen(detail)
        await pilot.pause()
        tabs = detail.query_one("#ct-tabs", TabbedContent)
        assert not tabs.get_tab("ct-tab-close").display
        await pilot.press("c")
        await pilot.pause()
        assert tabs.active == "ct-tab-document"
        # agreed with the student: now it can be closed
        await pilot.press("a", "y")
        await pilot.pause()
        assert tabs.get_tab("ct-tab-close").display
        await pilot.press("c")
        await pilot.pause()
        assert tabs.active == "ct-tab-close"


async def test_the_close_form_follows_an_amendment(demo: Demo) -> None:
    """Levels chosen stay while the targets stay; an amendment's targets replace them."""
    contract_id = running_contract(demo)
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_close_tab(pilot, contract_id)
        form = detail.query_one(CloseForm)
        await choose(pilot, form, claim=4)
        detail.refresh_data()  # as on coming back from another screen
        await pilot.pause()
        assert form.achieved == {"claim": 4, "evidence": 3}
        current = demo.store.get_contract(contract_id).current
        contracts.amend_contract(
            demo.store,
            contract_id,
            replace(current, targets=current.targets[1:], note="Evidence first"),
        )
        detail.refresh_data()
        for _ in range(3):
            await pilot.pause()
        assert [t.row.name for t in form.query(ClosingTarget)] == ["Evidence"]
        assert form.achieved == {"evidence": 3}
        await choose(pilot, form, evidence=4)
        form.query_one("#ct-reflection", TextArea).text = REFLECTION
        await pilot.press("ctrl+s", "y")
        for _ in range(3):
            await pilot.pause()
        reassessment = demo.store.reassessment(contract_id)
        assert reassessment is not None
        assert reassessment.results == (TargetResult("evidence", 4, 4),)
        assert demo.store.get_contract(contract_id).status is ContractStatus.MET


@pytest.mark.parametrize(
    ("on", "achieved", "reflection", "field"),
    [
        ("", {"claim": 4, "evidence": 4}, REFLECTION, "date"),
        ("2026-13-01", {"claim": 4, "evidence": 4}, REFLECTION, "date"),
        ("2026-12-18", {"claim": None, "evidence": 4}, REFLECTION, "results[1]"),
        ("2026-12-18", {"claim": 4}, REFLECTION, "results[2]"),
        ("2026-12-18", {"claim": 4, "evidence": 9}, REFLECTION, "results[2]"),
        ("2026-12-18", {"claim": 4, "evidence": 4}, " \n ", "reflection"),
    ],
)
def test_the_form_check_says_what_closing_would_say(
    demo: Demo, on: str, achieved: dict[str, int | None], reflection: str, field: str
) -> None:
    """The check made before asking names the same field, in the same words, as the closing
    itself; and a closing that fails stores nothing."""
    contract_id = running_contract(demo)
    contract = demo.store.get_contract(contract_id)
    rows = closing_rows(demo.store.get_rubric(contract.rubric_id), contract)
    with pytest.raises(ContractFieldError) as checked:
        check_closing(rows, on=on, achieved=achieved, reflection=reflection)
    with pytest.raises(ContractFieldError) as closing:
        close_from_form(demo.store, contract_id, on=on, achieved=achieved, reflection=reflection)
    assert checked.value.field == closing.value.field == field
    assert checked.value.message == closing.value.message
    assert demo.store.reassessment(contract_id) is None
    assert demo.store.get_contract(contract_id).status is ContractStatus.ACTIVE


LEVELS = (("1 · Beginning", 1), ("2 · Developing", 2), ("3 · Proficient", 3), ("4 · Advanced", 4))


@given(
    aims=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=3),
    missing=st.integers(0, 3),
)
def test_the_forecast_agrees_with_the_reassessment(
    aims: list[tuple[int, int]], missing: int
) -> None:
    """What the form forecasts (met / closed) is what the stored reassessment will say."""
    rows = tuple(
        ClosingRow(n, f"c{n}", f"C{n}", 1, target, LEVELS) for n, (target, _) in enumerate(aims, 1)
    )
    achieved: dict[str, int | None] = {
        r.criterion_key: a for r, (_, a) in zip(rows, aims, strict=True)
    }
    if missing < len(rows):
        achieved[rows[missing].criterion_key] = None
        assert expected_status(rows, achieved) is None
        return
    results = tuple(
        TargetResult(r.criterion_key, r.target_level, a)
        for r, (_, a) in zip(rows, aims, strict=True)
    )
    met = Reassessment(1, "2026-12-18", results, REFLECTION).all_met
    assert expected_status(rows, achieved) is (ContractStatus.MET if met else ContractStatus.CLOSED)
