"""Learning contracts on the demo database: pre-filled levels, suggested targets and anchors,
amendments kept as versions, progress, checkpoints and closing (the checks on a new contract are
in test_contract_checks.py).

The demo (``prepare_demo``) loads the grade-8 kit, whose recorded session (id 1, revealed) holds
every rater's round-1 scores. Amara Okafor (rater 1) scored essay-6 (student G8-C-008) 3 on every
criterion and essay-4 (G8-A-031) claim 3, evidence 4, reasoning 3, organization 2, conventions 3
(scenarios/grade8-argument.toml). The kit's approved anchors: evidence 4 (essay-1), claim 4
(essay-3), reasoning 2 (essay-6).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calibrate.domain.contracts import (
    ContractFieldError,
    ContractStatus,
    CurrentLevel,
    LevelSource,
    ReviewOutcome,
    Stage,
)
from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import AnchorStatus, Criterion, Level, Rubric
from calibrate.services.contracts import plans as svc
from calibrate.services.contracts.anchors import excerpt
from calibrate.services.contracts.compare import compare_versions
from calibrate.storage.store import Store
from tests.services.contract_fixtures import (
    AMARA,
    SESSION,
    TODAY,
    add_anchor,
    agree_essay6,
    cid,
    demo_store,
    sample_id,
    saved,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    yield from demo_store(tmp_path)


def levels(diagnostic: tuple[CurrentLevel, ...]) -> list[tuple[str, int, LevelSource]]:
    return [(c.criterion_key, c.level, c.source) for c in diagnostic]


# --- pre-filled levels and suggestions --------------------------------------------------------


def test_levels_come_from_the_consensus_then_the_teachers_own_score(store: Store) -> None:
    essay6 = agree_essay6(store)
    diagnostic = svc.diagnostic_from_sample(store, SESSION, essay6, teacher_id=AMARA)
    assert levels(diagnostic) == [
        ("claim", 3, LevelSource.CONSENSUS),
        ("evidence", 3, LevelSource.TEACHER),
        ("reasoning", 2, LevelSource.CONSENSUS),
        ("organization", 3, LevelSource.TEACHER),
        ("conventions", 3, LevelSource.TEACHER),
    ]
    own = svc.diagnostic_from_sample(
        store, SESSION, essay6, teacher_id=AMARA, source=LevelSource.TEACHER
    )
    assert levels(own) == [(k, 3, LevelSource.TEACHER) for k, _, _ in levels(diagnostic)]
    # without the teacher's scores only the agreed criteria are known
    assert [c.criterion_key for c in svc.diagnostic_from_sample(store, SESSION, essay6)] == [
        "claim",
        "reasoning",
    ]


def test_a_draft_is_prefilled_from_the_scored_sample(store: Store) -> None:
    essay6 = agree_essay6(store)
    draft = svc.draft_from_sample(store, SESSION, essay6, teacher_id=AMARA, today=TODAY)
    contract = draft.contract
    assert (contract.student_code, contract.teacher, contract.rubric_id) == (
        "G8-C-008",
        "Amara Okafor",
        1,
    )
    assert (contract.sample_id, contract.session_id, contract.status) == (
        essay6,
        SESSION,
        ContractStatus.DRAFT,
    )
    assert draft.missing == ()
    # weakest first: reasoning (2), then the 3s in rubric order: claim before the others
    assert [
        (t.criterion_key, t.current_level, t.target_level) for t in contract.current.targets
    ] == [
        ("reasoning", 2, 3),
        ("claim", 3, 4),
    ]
    assert {t.due_date for t in contract.current.targets} == {"2026-12-14"}  # 6 weeks on
    assert contract.current.start_date == "2026-11-02"
    assert contract.current.targets[0].indicator == (
        "Reasoning at level 3 (Proficient) in each of my next three pieces of work."
    )
    assert [a.stage for a in contract.current.activities] == list(Stage)
    assert draft.sample.title == "Tablets Are the Future"


def test_suggestions_take_the_weakest_criteria_and_skip_the_top_level(store: Store) -> None:
    essay4 = sample_id(store, "essay-4")
    draft = svc.draft_from_sample(
        store, SESSION, essay4, teacher_id=AMARA, source=LevelSource.TEACHER, today=TODAY, count=3
    )
    # organization 2 is weakest; claim, reasoning, conventions tie at 3: rubric order; evidence is
    # already at the top level (4) and is never suggested
    assert [(t.criterion_key, t.target_level) for t in draft.contract.current.targets] == [
        ("organization", 3),
        ("claim", 4),
        ("reasoning", 4),
    ]


def test_the_approved_anchors_of_the_target_level_are_suggested(store: Store) -> None:
    wanted = add_anchor(store, "essay-1", "reasoning", 3, AnchorStatus.APPROVED)
    retired = add_anchor(store, "essay-4", "reasoning", 3, AnchorStatus.RETIRED)
    proposed = add_anchor(store, "essay-7", "reasoning", 3, AnchorStatus.PROPOSED)
    other_level = add_anchor(store, "essay-7", "reasoning", 4, AnchorStatus.APPROVED)
    other_criterion = add_anchor(store, "essay-1", "evidence", 3, AnchorStatus.APPROVED)
    draft = svc.draft_from_sample(
        store, SESSION, agree_essay6(store), teacher_id=AMARA, today=TODAY
    )
    reasoning, claim = draft.contract.current.targets
    assert reasoning.anchor_ids == (wanted,)
    assert claim.anchor_ids == (2,)  # the kit's approved claim-4 anchor (essay-3)
    suggested = {a for t in draft.contract.current.targets for a in t.anchor_ids}
    assert not suggested & {retired, proposed, other_level, other_criterion, 3}
    quote = draft.anchors["reasoning"][0]
    assert (quote.id, quote.sample.title, quote.level.label) == (
        wanted,
        "Time to Turn the Page",
        "Proficient",
    )
    assert quote.anchor.annotation == "essay-1 at 3."
    assert quote.excerpt.startswith("Every morning I watch sixth graders")
    assert quote.excerpt.endswith(" …") and len(quote.excerpt) <= 362
    assert quote.student_wording.startswith("I explain how my facts connect")


def test_a_sample_outside_the_session_is_refused(store: Store) -> None:
    with pytest.raises(NotFoundError, match="not part of the session"):
        svc.diagnostic_from_sample(store, SESSION, 999, teacher_id=AMARA)


@given(
    current=st.lists(st.integers(1, 4), min_size=1, max_size=6),
    count=st.integers(0, 5),
)
def test_suggestions_aim_one_level_up_on_the_weakest(current: list[int], count: int) -> None:
    keys = [f"c{n}" for n in range(len(current))]
    rubric = Rubric(
        "R",
        criteria=tuple(
            Criterion(k, k.upper(), levels=tuple(Level(s, f"L{s}", "") for s in (1, 2, 3, 4)))
            for k in keys
        ),
    )
    diagnostic = tuple(CurrentLevel(k, lv) for k, lv in zip(keys, current, strict=True))
    targets = svc.suggest_targets(rubric, diagnostic, due_date="2026-12-01", count=count)
    eligible = [(lv, n) for n, lv in enumerate(current) if lv < 4]
    assert len(targets) == min(count, 3, len(eligible))
    chosen = sorted(eligible)[: len(targets)]
    assert [t.criterion_key for t in targets] == [keys[n] for _, n in chosen]
    assert all(t.target_level == t.current_level + 1 for t in targets)


def test_excerpt_skips_headings_and_joins_lines() -> None:
    assert excerpt("# Title\n\nOne two \\\nthree.\n\nFour.") == "One two three. Four."
    assert excerpt("word " * 100, limit=12) == "word word …"


# --- over time ---------------------------------------------------------------------------------


def test_amendments_keep_earlier_versions_and_compare_field_by_field(store: Store) -> None:
    first = saved(store, student_name="Sam")
    assert first.student_name == "Sam" and first.version == 1
    with pytest.raises(ContractFieldError, match="say what changed and why") as caught:
        svc.amend_contract(store, cid(first), first.current)
    assert caught.value.field == "note"
    with pytest.raises(ContractFieldError, match="Nothing changed"):
        svc.amend_contract(store, cid(first), replace(first.current, note="Same again"))

    reasoning, claim = first.current.targets
    second = svc.amend_contract(
        store,
        cid(first),
        replace(
            first.current,
            targets=(replace(reasoning, due_date="2027-01-15"), claim),
            supports=("Sentence starters",),
            note="More time for reasoning after the first checkpoint.",
        ),
    )
    assert second.version == 2
    versions = store.contract_versions(cid(first))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0] == first.current  # the first version is still there, unchanged

    comparison = compare_versions(store, cid(first), 1, 2)
    assert [(d.field, d.before, d.after) for d in comparison.changes] == [
        ("targets.reasoning.due_date", "2026-12-14", "2027-01-15"),
        ("supports", "", "Sentence starters"),
        ("note", "", "More time for reasoning after the first checkpoint."),
    ]
    labels = {d.field: d.label for d in comparison.rows}
    assert labels["targets.reasoning.due_date"] == "Target Reasoning: due date"
    assert labels["diagnostic.reasoning"] == "Current level: Reasoning"
    assert not compare_versions(store, cid(first), 2, 2).changes


def test_progress_checkpoints_and_closing(store: Store) -> None:
    contract = saved(store)
    with pytest.raises(InvalidOperationError, match="must be active before logging progress"):
        svc.log_progress(store, cid(contract), on="2026-11-09", evidence="Essay 1")
    svc.activate(store, cid(contract))

    with pytest.raises(ContractFieldError, match="describe what was done") as caught:
        svc.log_progress(store, cid(contract), on="2026-11-09", evidence=" ")
    assert caught.value.field == "evidence"
    with pytest.raises(ContractFieldError, match="“09/11/2026” is not a date"):
        svc.log_progress(store, cid(contract), on="09/11/2026", evidence="Essay 1")
    entry = svc.log_progress(
        store,
        cid(contract),
        on="2026-11-09",
        evidence="Rewrote the body paragraphs of my essay.",
        evidence_file="essay-6-v2.docx",
        worked="Asking 'so what?' after each fact.",
        didnt_work="The counterclaim paragraph.",
        next_step="Answer the other side with a reason.",
    )
    assert entry.id is not None and store.progress_entries(cid(contract)) == [entry]

    with pytest.raises(ContractFieldError, match="say what needs adjusting"):
        svc.review(store, cid(contract), on="2026-11-16", outcome=ReviewOutcome.ADJUST)
    checkpoint = svc.review(
        store, cid(contract), on="2026-11-16", outcome=ReviewOutcome.ON_TRACK, note="Good start."
    )
    assert (checkpoint.version, checkpoint.outcome) == (1, ReviewOutcome.ON_TRACK)
    summary = svc.contract_summaries(store)[0]
    assert (summary.next_checkpoint, summary.n_progress, summary.last_review) == (
        "2026-11-30",  # 14 days after the last review
        1,
        checkpoint,
    )

    with pytest.raises(ContractFieldError, match="Result 2 \\(Claim\\): give the level reached"):
        svc.close_contract(
            store, cid(contract), on="2026-12-14", achieved={"reasoning": 3}, reflection="x"
        )
    with pytest.raises(ContractFieldError, match="culminating reflection"):
        svc.close_contract(
            store,
            cid(contract),
            on="2026-12-14",
            achieved={"reasoning": 3, "claim": 4},
            reflection="",
        )
    closed = svc.close_contract(
        store,
        cid(contract),
        on="2026-12-14",
        achieved={"reasoning": 3, "claim": 3},
        reflection="I explain my evidence now; my claim still needs the other side.",
    )
    assert closed.status is ContractStatus.CLOSED  # claim stayed at 3, short of 4
    reassessment = store.reassessment(cid(contract))
    assert reassessment is not None
    assert [(r.criterion_key, r.met) for r in reassessment.results] == [
        ("reasoning", True),
        ("claim", False),
    ]
    assert svc.contract_summaries(store)[0].next_checkpoint is None
    with pytest.raises(InvalidOperationError, match="is closed"):
        svc.log_progress(store, cid(contract), on="2026-12-15", evidence="More")


def test_a_contract_whose_targets_are_all_reached_is_met(store: Store) -> None:
    contract = svc.activate(store, cid(saved(store)))
    met = svc.close_contract(
        store,
        cid(contract),
        on="2026-12-14",
        achieved={"reasoning": 4, "claim": 4},
        reflection="Both done.",
    )
    assert met.status is ContractStatus.MET
    assert svc.contract_summaries(store, status=ContractStatus.MET)[0].id == cid(contract)
    assert svc.contract_summaries(store, status=ContractStatus.ACTIVE) == []


def test_classes_are_listed_in_natural_order_and_filter_the_summaries(store: Store) -> None:
    from calibrate.services.contracts.forms import contract_classes, summaries_by_teacher

    essay6 = agree_essay6(store)
    draft = svc.draft_from_sample(store, SESSION, essay6, teacher_id=AMARA, today=TODAY)
    for name in ("Period 10", "Period 2", "8B", "", "  Period  2 "):
        svc.create_contract(store, replace(draft.contract, class_name=name))
    # names are tidied ("  Period  2 " is "Period 2"); numbers sort by value; no empty class
    assert contract_classes(store) == ["8B", "Period 2", "Period 10"]
    listed = summaries_by_teacher(store)
    assert [s.contract.class_name for s in listed] == [
        "",
        "8B",
        "Period 2",
        "Period 2",
        "Period 10",
    ]
    assert len(summaries_by_teacher(store, class_name="Period 2")) == 2
