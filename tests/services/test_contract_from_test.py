"""A learning contract drafted from a student's gaps on a test: the targets are learning
targets, the items are the starting evidence, and a target on a rubric criterion carries that
criterion's approved anchors at its success level.

In the bundled class (scenarios/assessments/) S12 doesn't get subtraction with regrouping
(items 1 and 3) or fractions with unlike denominators (items 13, 14 and 16) yet, and made a
simple mistake on decimals (item 19). The subtraction target belongs to the grade 5 subtraction
rubric's "accuracy" criterion at level 3 (scenarios/assessments/grade5-math-checkpoint.toml).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from calibrate.domain.contracts import ContractFieldError, ContractStatus, LevelSource
from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import Anchor, AnchorStatus
from calibrate.services.assessment.files import import_results_file, load_blueprint_file
from calibrate.services.contracts import plans
from calibrate.services.contracts.export import ContractFormat, export_contract
from calibrate.services.contracts.from_test import draft_from_gaps
from calibrate.storage.scenario_files import read_scenario
from calibrate.storage.scenario_store import load_scenario
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint.toml"
CLASS = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint-results.csv"
SUBTRACTION = ROOT / "scenarios" / "grade5-subtraction.toml"
TODAY = date(2026, 12, 1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cal.db") as opened:
        load_scenario(opened, read_scenario(SUBTRACTION))
        yield opened


def anchor(store: Store, criterion: str, level: int, status: AnchorStatus) -> Anchor:
    rubric = store.find_rubric("Grade 5 multi-digit subtraction", 1)
    assert rubric is not None and rubric.id is not None
    sample = store.list_samples()[0]
    assert sample.id is not None
    return store.add_anchor(
        Anchor(rubric.id, criterion, level, sample.id, "Correct and labelled.", status=status)
    )


@pytest.fixture
def test_id(store: Store) -> int:
    blueprint = load_blueprint_file(store, KIT)
    assert blueprint.id is not None
    import_results_file(store, blueprint.id, CLASS)
    return blueprint.id


def test_a_gap_becomes_a_learning_target_with_its_items_and_anchors(
    store: Store, test_id: int
) -> None:
    success = anchor(store, "accuracy", 3, AnchorStatus.APPROVED)
    anchor(store, "accuracy", 2, AnchorStatus.APPROVED)  # not the success level
    anchor(store, "accuracy", 3, AnchorStatus.PROPOSED)  # not approved
    draft = draft_from_gaps(store, test_id, "S12", teacher="Ms Rivera", today=TODAY)
    targets = draft.contract.current.targets
    # fractions first: three items not understood yet, against two on subtraction
    assert [t.criterion_key for t in targets] == ["fractions-unlike", "subtract-regroup"]
    fractions, subtraction = targets
    assert (subtraction.current_level, subtraction.target_level) == (0, 2)
    assert subtraction.evidence == (
        "Item 1 (1 point): don't get it yet",
        "Item 3 (2 points): don't get it yet",
    )
    assert subtraction.anchor_ids == (success.id,)
    assert fractions.anchor_ids == ()  # not on a rubric criterion
    assert [q.anchor.id for q in draft.anchors["subtract-regroup"]] == [success.id]
    assert draft.rubric.criterion("subtract-regroup") is not None
    assert draft.rubric.criterion("subtract-regroup").name.startswith("I can subtract")
    assert draft.contract.rubric_id == draft.blueprint.rubric_id
    assert subtraction.due_date == "2026-12-29"
    levels = {c.criterion_key: (c.level, c.source) for c in draft.contract.current.diagnostic}
    assert levels["decimals-compare"] == (1, LevelSource.ASSESSMENT)  # careless only
    assert levels["multiply-2digit"] == (2, LevelSource.ASSESSMENT)
    assert draft.left_out == ()

    saved = plans.create_contract(store, draft.contract)
    assert saved.id is not None
    again = store.get_contract(saved.id)
    assert again.current.targets == targets
    assert again.student_code == "S12" and again.status is ContractStatus.DRAFT

    document = export_contract(store, saved.id, ContractFormat.MD)
    assert "I can subtract multi-digit numbers with regrouping" in document
    assert "Where I start from" in document and "Item 3 (2 points): don't get it yet" in document
    assert "from my test reflection" in document

    plans.activate(store, saved.id)
    closed = plans.close_contract(
        store,
        saved.id,
        on="2026-12-20",
        achieved={"fractions-unlike": 2, "subtract-regroup": 2},
        reflection="I check the denominators first now.",
    )
    assert closed.status is ContractStatus.MET


def test_a_chosen_target_must_be_a_gap(store: Store, test_id: int) -> None:
    draft = draft_from_gaps(
        store, test_id, "S12", teacher="Ms Rivera", targets=["subtract-regroup"], today=TODAY
    )
    assert [t.criterion_key for t in draft.contract.current.targets] == ["subtract-regroup"]
    with pytest.raises(InvalidOperationError, match="S12 is careless only on “decimals-compare”"):
        draft_from_gaps(store, test_id, "S12", teacher="T", targets=["decimals-compare"])


def test_no_gap_no_contract(store: Store, test_id: int) -> None:
    with pytest.raises(InvalidOperationError, match="S01 has no gap"):
        draft_from_gaps(store, test_id, "S01", teacher="Ms Rivera")
    with pytest.raises(NotFoundError, match="no results for S99"):
        draft_from_gaps(store, test_id, "S99", teacher="Ms Rivera")


def test_a_learning_target_carries_no_anchor_of_another_criterion(
    store: Store, test_id: int
) -> None:
    wrong = anchor(store, "strategy", 3, AnchorStatus.APPROVED)
    draft = draft_from_gaps(
        store, test_id, "S05", teacher="Ms Rivera", targets=["subtract-regroup"], today=TODAY
    )
    target = replace(draft.contract.current.targets[0], anchor_ids=(wrong.id or 0,))
    contract = replace(draft.contract, current=replace(draft.contract.current, targets=(target,)))
    with pytest.raises(ContractFieldError) as caught:
        plans.create_contract(store, contract)
    assert caught.value.field == "targets[1].anchor_ids"
    with pytest.raises(InvalidOperationError, match="another criterion or rubric version"):
        store.add_contract(contract)


def test_a_form_keeps_the_starting_evidence(store: Store, test_id: int) -> None:
    from calibrate.services.contracts.forms import keep_evidence

    draft = draft_from_gaps(store, test_id, "S12", teacher="Ms Rivera", today=TODAY)
    before = draft.contract.current.targets
    typed = tuple(replace(t, evidence=(), indicator="New words.") for t in before)
    kept = keep_evidence(typed, before)
    assert [t.evidence for t in kept] == [t.evidence for t in before]
    assert {t.indicator for t in kept} == {"New words."}
