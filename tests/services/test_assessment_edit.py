"""Editing a stored test (issue 17): wording, targets and items change by key, every result is
kept, an item that has results cannot be dropped, and the learning-targets rubric gets a new
version once a contract aims at it (the contract keeps the words it was written on).

The bundled test (scenarios/assessments/) has 20 items on 5 targets; its class has 24 students.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from calibrate.domain.assessment import Blueprint, Item
from calibrate.domain.errors import InvalidOperationError
from calibrate.services.assessment.authoring import (
    BlueprintTextError,
    blueprint_from_text,
    blueprint_texts,
    edited_blueprint,
)
from calibrate.services.assessment.files import import_results_file, load_blueprint_file
from calibrate.services.contracts.from_test import draft_from_gaps
from calibrate.services.contracts.plans import create_contract
from calibrate.services.meeting import setup
from calibrate.services.records.database import load_scenario_file
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint.toml"
CLASS = ROOT / "scenarios" / "assessments" / "grade5-math-checkpoint-results.csv"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cal.db") as opened:
        load_scenario_file(opened, ROOT / "scenarios" / "grade5-subtraction.toml")
        yield opened


@pytest.fixture
def test(store: Store) -> Blueprint:
    blueprint = load_blueprint_file(store, KIT)
    assert blueprint.id is not None
    import_results_file(store, blueprint.id, CLASS)
    return blueprint


def results(store: Store, test: Blueprint) -> set[tuple[str, str, str]]:
    return {
        (r.student_code, r.item_key, str(r.outcome)) for r in store.assessment_results(test.id or 0)
    }


def test_the_editor_texts_read_back_to_the_same_test(test: Blueprint) -> None:
    targets, items = blueprint_texts(test)
    assert items.splitlines()[0].endswith(test.items[0].target_key)
    assert len(items.splitlines()) < len(test.items)  # runs of items are written as ranges
    again = blueprint_from_text(test.title, targets, items)
    assert [(t.key, t.statement) for t in again.targets] == [
        (t.key, t.statement) for t in test.targets
    ]
    assert [(i.key, i.target_key, i.points) for i in again.items] == [
        (i.key, i.target_key, i.points) for i in test.items
    ]


def test_editing_wording_and_items_keeps_every_result(store: Store, test: Blueprint) -> None:
    before = results(store, test)
    assert len(before) == 24 * 20
    first = test.targets[0]
    targets, items = blueprint_texts(test)
    targets = targets.replace(first.statement, "I can subtract 3-digit numbers, regrouping.")
    items = items + "\n21 " + test.targets[-1].key + " 2"  # a new item on the last target
    edited = edited_blueprint(test, "Grade 5 checkpoint (December)", targets, items)
    saved = store.update_assessment(test.id or 0, edited)

    assert (saved.key, saved.title) == (test.key, "Grade 5 checkpoint (December)")
    assert saved.targets[0].statement == "I can subtract 3-digit numbers, regrouping."
    assert saved.targets[0].criterion == first.criterion  # the link the boxes do not show
    assert [t.id for t in saved.targets] == [t.id for t in test.targets]  # updated in place
    assert saved.items[:20] == test.items  # ids, prompts, points kept
    assert (saved.items[20].key, saved.items[20].points) == ("21", 2)
    assert results(store, test) == before
    # nothing aims at the targets' rubric yet: it is changed in place
    assert saved.rubric_id == test.rubric_id
    rubric = store.get_rubric(saved.rubric_id or 0)
    assert rubric.name == "Grade 5 checkpoint (December): learning targets"
    assert rubric.criteria[0].student_wording == "I can subtract 3-digit numbers, regrouping."


def test_an_item_moved_to_another_target_moves_its_evidence(store: Store, test: Blueprint) -> None:
    moved = test.items[0]
    other = next(t.key for t in test.targets if t.key != moved.target_key)
    edited = dataclasses.replace(
        test,
        items=(dataclasses.replace(moved, target_key=other), *test.items[1:]),
    )
    saved = store.update_assessment(test.id or 0, edited)
    assert saved.items[0].target_key == other
    assert len(store.assessment_results(test.id or 0)) == 24 * 20


def test_an_item_with_results_cannot_be_taken_out(store: Store, test: Blueprint) -> None:
    before = store.get_assessment(test.id or 0), results(store, test)
    last = test.items[-1]
    with pytest.raises(InvalidOperationError, match=f"Item “{last.key}” .* has results"):
        store.update_assessment(
            test.id or 0, dataclasses.replace(test, title="Changed", items=test.items[:-1])
        )
    assert (store.get_assessment(test.id or 0), results(store, test)) == before


def test_an_item_without_results_and_its_target_can_go(store: Store) -> None:
    blueprint = load_blueprint_file(store, KIT)  # no results yet
    extra = dataclasses.replace(
        blueprint,
        targets=(*blueprint.targets, dataclasses.replace(blueprint.targets[0], key="extra")),
        items=(*blueprint.items, Item("99", "extra")),
    )
    grown = store.update_assessment(blueprint.id or 0, extra)
    assert [t.key for t in grown.targets][-1] == "extra"
    back = store.update_assessment(blueprint.id or 0, blueprint)
    assert [t.key for t in back.targets] == [t.key for t in blueprint.targets]
    assert [i.key for i in back.items] == [i.key for i in blueprint.items]
    assert (
        store.get_rubric(back.rubric_id or 0).criteria
        == store.get_rubric(blueprint.rubric_id or 0).criteria
    )


def test_once_a_contract_aims_at_the_targets_they_get_a_new_version(
    store: Store, test: Blueprint
) -> None:
    draft = draft_from_gaps(
        store, test.id or 0, "S12", teacher="Ms Rivera", today=date(2026, 12, 1)
    )
    contract = create_contract(store, draft.contract)
    old = store.get_rubric(test.rubric_id or 0)
    key = contract.current.targets[0].criterion_key
    targets, items = blueprint_texts(test)
    statement = test.target(key).statement  # type: ignore[union-attr]
    targets = targets.replace(statement, "I can add fractions whose denominators differ.")
    saved = store.update_assessment(
        test.id or 0, edited_blueprint(test, test.title, targets, items)
    )
    assert saved.rubric_id != old.id
    new = store.get_rubric(saved.rubric_id or 0)
    assert (new.family_id, new.version) == (old.family_id, old.version + 1)
    assert new.criterion(key).student_wording == (  # type: ignore[union-attr]
        "I can add fractions whose denominators differ."
    )
    # the contract keeps the version and the words it was written on
    kept = store.get_contract(contract.id or 0)
    assert kept.rubric_id == old.id
    assert store.get_rubric(old.id or 0).criterion(key).student_wording == statement  # type: ignore[union-attr]
    # the contract's rubric still leads to its test; no version is offered to a team
    found = store.assessment_for_rubric(old.id or 0)
    assert found is not None and found.id == test.id
    offered = {rubric_id for _, rubric_id in setup.rubric_choices(store)}
    assert old.id not in offered and new.id not in offered
    # saving the same words again makes no further version
    again = store.update_assessment(test.id or 0, saved)
    assert again.rubric_id == saved.rubric_id


def test_a_typing_mistake_names_the_box_and_nothing_is_saved(store: Store, test: Blueprint) -> None:
    targets, items = blueprint_texts(test)
    with pytest.raises(BlueprintTextError, match="Items, line 1") as caught:
        edited_blueprint(test, test.title, targets, "1-4 nowhere\n" + items)
    assert caught.value.field == "items"
    assert store.get_assessment(test.id or 0) == test


def test_link_choices_are_the_rubrics_a_team_scores_with(store: Store, test: Blueprint) -> None:
    from calibrate.services.assessment.links import link_choices, link_text, with_links

    choices = link_choices(store)
    assert {c.rubric.name for c in choices} == {"Grade 5 multi-digit subtraction"}  # not the test's
    accuracy = next(c for c in choices if c.criterion.key == "accuracy")
    assert link_text(test.targets[0].criterion, store) == link_text(accuracy.link(3), store)
    assert link_text(accuracy.link(None), store).endswith(", its top level")
    assert link_text(None) == "no rubric criterion"
    last = test.targets[-1].key
    linked = with_links(test, {last: accuracy.link(2), test.targets[0].key: None})
    assert linked.targets[0].criterion is None
    assert linked.targets[-1].criterion == accuracy.link(2)
    assert linked.targets[1:-1] == test.targets[1:-1]
    saved = store.update_assessment(test.id or 0, linked)
    assert saved.targets[0].criterion is None
    assert saved.targets[-1].criterion is not None
    assert (saved.targets[-1].criterion.criterion_key, saved.targets[-1].criterion.level) == (
        "accuracy",
        2,
    )
