"""The contract as a printable document (Markdown, self-contained HTML) and as full JSON data.

Built on the demo database: a contract for essay-6 (student G8-C-008) of the grade-8 kit's
recorded session, with targets on reasoning (2 → 3) and claim (3 → 4) carrying anchors.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from calibrate.domain.contracts import Accommodations, ReviewOutcome
from calibrate.domain.model import Anchor, AnchorStatus
from calibrate.services.contracts import plans as svc
from calibrate.services.contracts.export import SECTION_TITLES, ContractFormat, export_contract
from calibrate.services.meeting.sessions import set_consensus
from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store
from tests.storage.conftest import fixed_clock

REASONING_3 = "I explain how my facts connect to my position, and I give a reason the other side"
CLAIM_4 = "My position is precise, I keep it the whole way"
CLAIM_ANNOTATION = "The position is stated in the first sentence without hedging"  # kit anchor 2


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "demo.db", clock=fixed_clock()) as opened:
        prepare_demo(opened, today=date(2026, 11, 2))
        yield opened


def essay(store: Store, key: str) -> int:
    sample = store.sample_by_key(f"Argument writing, grade 8/{key}")
    assert sample is not None and sample.id is not None
    return sample.id


def make_contract(store: Store, *, finish: bool = True) -> int:
    """A contract with an anchor per target, an amendment, a log entry, a review and (with
    ``finish``) a closing reassessment."""
    essay6 = essay(store, "essay-6")
    set_consensus(
        store, 1, sample_id=essay6, criterion_key="reasoning", level=2, rationale="Agreed."
    )
    store.add_anchor(
        Anchor(
            1,
            "reasoning",
            3,
            essay(store, "essay-4"),
            "Explains <why> each fact matters & answers the other side.",
            1,
            AnchorStatus.APPROVED,
        )
    )
    draft = svc.draft_from_sample(store, 1, essay6, teacher_id=1, today=date(2026, 11, 2))
    current = replace(
        draft.contract.current,
        supports=("Sentence starters for explaining evidence",),
        resources=("The class anchor wall",),
        accommodations=Accommodations(
            accessibility_needs=("Text-to-speech for the sources",),
            evidence_formats=("A recorded spoken argument",),
            flexible_deadlines="Up to three extra days, asked for in advance.",
        ),
    )
    contract = svc.create_contract(
        store,
        replace(draft.contract, current=current, student_name="Sam Rivera", class_name="8C"),
    )
    assert contract.id is not None
    svc.activate(store, contract.id)
    svc.amend_contract(
        store,
        contract.id,
        replace(current, supports=(*current.supports, "Weekly check-in"), note="Added check-ins."),
    )
    svc.log_progress(
        store,
        contract.id,
        on="2026-11-09",
        evidence="Rewrote two body paragraphs.",
        evidence_file="essay-6-v2.docx",
        worked="Asking 'so what?' after each fact.",
        didnt_work="The counterclaim.",
        next_step="Give a reason the other side is weaker.",
    )
    svc.review(store, contract.id, on="2026-11-16", outcome=ReviewOutcome.ADJUST, note="Slow down.")
    if finish:
        svc.close_contract(
            store,
            contract.id,
            on="2026-12-14",
            achieved={"reasoning": 3, "claim": 3},
            reflection="I explain my evidence now.",
            teacher_note="Keep going on the claim.",
        )
    return contract.id


@pytest.mark.parametrize("fmt", [ContractFormat.MD, ContractFormat.HTML])
def test_every_section_is_in_the_document(store: Store, fmt: ContractFormat) -> None:
    text = export_contract(store, make_contract(store), fmt)
    heading = "## {}" if fmt is ContractFormat.MD else "<h2>{}</h2>"
    positions = [text.index(heading.format(title)) for title in SECTION_TITLES]
    assert positions == sorted(positions)  # in reading order
    plain = html.unescape(re.sub(r"<[^>]+>", "", text.replace("</dt><dd>", ": "))).replace("**", "")
    for words in (
        "Student: G8-C-008",
        "Teacher: Amara Okafor",
        "Grade 8 argument writing, version 1",
        "version 2, closed",
        # where I am now, in the rubric's student wording, with where the level comes from
        "Reasoning: 2 (Developing): I put in facts, but I don't really explain how they prove",
        "(agreed by my teachers)",
        "(my teacher's score)",
        # targets with the student wording of the target level and the anchors quoted
        "1. Reasoning: from 2 (Developing) to 3 (Proficient) by 2026-12-14",
        REASONING_3,
        CLAIM_4,
        "Reasoning at level 3 (Proficient) in each of my next three pieces of work.",
        "From “Tablets vs. Textbooks”, an anchor of this level",
        "From “Keep the Books”, an anchor of this level",
        CLAIM_ANNOTATION,
        "Our district should not replace printed textbooks",  # essay-3's opening, quoted
        # activities, supports, commitments, accommodations, schedule
        "Warm-up: Read the anchor for Reasoning and Claim",
        "Reflective evaluation:",
        "Support: Weekly check-in",
        "Resource: The class anchor wall",
        "My teacher: gives me feedback within 7 days.",
        "I: Practise on my targets every week.",
        "Accessibility: Text-to-speech for the sources",
        "I may show my evidence as: A recorded spoken argument",
        "Flexible deadlines: Up to three extra days",
        "every 14 days",
        "Checkpoint: 2026-11-16",
        "Checkpoint: 2026-11-30",
        # the log, reviews, closing and history
        "Evidence: Rewrote two body paragraphs.",
        "File: essay-6-v2.docx",
        "What worked: Asking 'so what?' after each fact.",
        "What didn't: The counterclaim.",
        "What next: Give a reason the other side is weaker.",
        "2026-11-16: adjust: Slow down. (version 2)",
        "Reasoning: aimed for 3 (Proficient), reached 3 (Proficient): met",
        "Claim: aimed for 4 (Advanced), reached 3 (Proficient): not yet",
        "My reflection: I explain my evidence now.",
        "My teacher's note: Keep going on the claim.",
        "Version 1:",
        "Version 2:",
        "Added check-ins.",
    ):
        assert words in plain, words
    assert plain.count("Date") >= 2  # a signature line for the student and the teacher
    assert "Sam Rivera" not in text  # the display name stays in the local database


def test_the_markdown_signature_lines(store: Store) -> None:
    text = export_contract(store, make_contract(store), ContractFormat.MD)
    assert "Student: ______________________________  Date: ______________" in text
    assert text.rstrip().endswith("Teacher: ______________________________  Date: ______________")
    assert "> — From “Keep the Books”, an anchor of this level" in text


def test_html_is_self_contained_printable_and_escaped(store: Store) -> None:
    text = export_contract(store, make_contract(store), ContractFormat.HTML)
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert not re.search(r"https?://", text)
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert "src=" not in text and "url(" not in text
    assert "@media print" in text
    assert '<section class="signatures">' in text and text.count('class="signature"') == 2
    # text from the records is escaped, never markup
    assert "Explains &lt;why&gt; each fact matters &amp; answers the other side." in text
    assert "<why>" not in text


def test_an_open_contract_says_what_is_still_to_come(store: Store) -> None:
    contract_id = make_contract(store, finish=False)
    text = export_contract(store, contract_id, ContractFormat.MD)
    assert "At the end of the contract we look again at each target together." in text
    assert "Next checkpoint: 2026-11-30." in text  # 14 days after the last review


def test_the_display_name_only_when_asked(store: Store) -> None:
    contract_id = make_contract(store)
    for fmt in ContractFormat:
        assert "Sam Rivera" not in export_contract(store, contract_id, fmt)
        assert "Sam Rivera" in export_contract(store, contract_id, fmt, include_name=True)


def test_the_class_is_in_every_format(store: Store) -> None:
    contract_id = make_contract(store)
    assert "**Class:** 8C" in export_contract(store, contract_id, ContractFormat.MD)
    assert "8C" in export_contract(store, contract_id, ContractFormat.HTML)
    data = json.loads(export_contract(store, contract_id, ContractFormat.JSON))
    assert data["class"] == "8C"


def test_json_holds_the_full_data(store: Store) -> None:
    data = json.loads(export_contract(store, make_contract(store), ContractFormat.JSON))
    assert (data["student_code"], data["status"], data["version"]) == ("G8-C-008", "closed", 2)
    assert "student_name" not in data
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert data["versions"][0]["supports"] == ["Sentence starters for explaining evidence"]
    assert data["current"] == data["versions"][1]
    assert [
        (t["criterion_key"], t["current_level"], t["target_level"])
        for t in data["current"]["targets"]
    ] == [("reasoning", 2, 3), ("claim", 3, 4)]
    assert [(c["criterion_key"], c["source"]) for c in data["current"]["diagnostic"]][:3] == [
        ("claim", "teacher score"),
        ("evidence", "teacher score"),
        ("reasoning", "consensus"),
    ]
    anchors = {(a["criterion"], a["level"]): a for a in data["anchors"]}
    assert set(anchors) == {("reasoning", 3), ("claim", 4)}
    assert anchors[("claim", 4)]["annotation"].startswith(CLAIM_ANNOTATION)
    assert anchors[("reasoning", 3)]["student_wording"].startswith(REASONING_3)
    assert data["current"]["accommodations"]["evidence_formats"] == ["A recorded spoken argument"]
    assert data["current"]["commitments"]["review_every_days"] == 14
    assert data["review_schedule"] == ["2026-11-16", "2026-11-30", "2026-12-14"]
    assert data["next_checkpoint"] is None  # closed
    assert [p["evidence_file"] for p in data["progress"]] == ["essay-6-v2.docx"]
    assert [(r["outcome"], r["version"]) for r in data["reviews"]] == [("adjust", 2)]
    results = data["reassessment"]["results"]
    assert [(r["criterion_key"], r["achieved_level"]) for r in results] == [
        ("reasoning", 3),
        ("claim", 3),
    ]
    assert data["reassessment"]["reflection"] == "I explain my evidence now."


def test_a_drafts_first_version_is_not_called_agreed(tmp_path: Path) -> None:
    """Issue 14: a draft has not been agreed yet; its export says so."""
    from datetime import date

    from calibrate.domain.contracts import LevelSource
    from calibrate.services.contracts import plans
    from calibrate.services.contracts.export import ContractFormat, export_contract
    from calibrate.services.records.database import prepare_demo
    from calibrate.storage.store import Store

    with Store.open(tmp_path / "draft.db") as store:
        demo = prepare_demo(store, today=date(2026, 11, 23))
        recorded = next(s for s in store.list_sessions() if s.id != demo)
        assert recorded.id is not None
        draft = plans.draft_from_sample(
            store, recorded.id, 6, teacher_id=1, source=LevelSource.TEACHER
        )
        saved = plans.create_contract(store, draft.contract)
        assert saved.id is not None
        text = export_contract(store, saved.id, ContractFormat.MD)
        assert "drafted, not agreed yet" in text and "first agreed" not in text
        plans.activate(store, saved.id)
        assert "first agreed" in export_contract(store, saved.id, ContractFormat.MD)
