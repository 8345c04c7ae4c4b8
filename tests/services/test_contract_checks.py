"""The checks on a new learning contract: each mistake names its field, and nothing is saved.

On the demo database: Amara Okafor's contract for essay-6 (G8-C-008) after the team agreed
reasoning 2 and claim 3 (see contract_fixtures).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from calibrate.domain.contracts import (
    Activity,
    ContractFieldError,
    Stage,
    Target,
)
from calibrate.domain.model import AnchorStatus
from calibrate.services.contracts import plans as svc
from calibrate.storage.store import Store
from tests.services.contract_fixtures import (
    AMARA,
    SESSION,
    TODAY,
    add_anchor,
    agree_essay6,
    demo_store,
    saved,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    yield from demo_store(tmp_path)


# --- checks ------------------------------------------------------------------------------------


def target(**changes: object) -> Target:
    base = Target("reasoning", 2, 3, "Explain each piece of evidence.", "2026-12-14")
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "words", "change"),
    [
        ("targets", "choose one to 3 targets (there are 0)", {"targets": ()}),
        (
            "targets",
            "(there are 4)",
            {
                "targets": (
                    target(),
                    target(criterion_key="claim", current_level=3, target_level=4),
                    target(criterion_key="evidence", current_level=3, target_level=4),
                    target(criterion_key="organization", current_level=3, target_level=4),
                )
            },
        ),
        (
            "targets[1].target_level",
            "aim above the current level 2",
            {"targets": (target(target_level=2),)},
        ),
        (
            "targets[1].target_level",
            "5 is not one of its levels (1, 2, 3, 4)",
            {"targets": (target(target_level=5),)},
        ),
        (
            "targets[1].current_level",
            "the current levels say 2, not 1",
            {"targets": (target(current_level=1),)},
        ),
        (
            "targets[1].due_date",
            "“2026-02-30” is not a date",
            {"targets": (target(due_date="2026-02-30"),)},
        ),
        (
            "targets[1].due_date",
            "is before the start date",
            {"targets": (target(due_date="2026-10-01"),)},
        ),
        (
            "targets[1].indicator",
            "describe what we will see",
            {"targets": (target(indicator="  "),)},
        ),
        (
            "targets[1].anchor_ids",
            "anchor 3 shows level 2, not the target level 3",
            {"targets": (target(anchor_ids=(3,)),)},
        ),
        (
            "targets[1].anchor_ids",
            "anchor 1 is not an anchor of Reasoning",
            {"targets": (target(anchor_ids=(1,)),)},
        ),
        (
            "targets[2].criterion_key",
            "already a target on this criterion",
            {"targets": (target(), target())},
        ),
        (
            "targets[1].criterion_key",
            "no criterion “voice”",
            {"targets": (target(criterion_key="voice"),)},
        ),
        ("start_date", "“2 Nov” is not a date", {"start_date": "2 Nov"}),
        (  # issue 14: the app's editor took what the CLI refused
            "targets[1].indicator",
            "Targets 1, indicator: the text must not contain control characters (e.g. NUL)",
            {"targets": (target(indicator="Cite\x00 two pieces of evidence."),)},
        ),
        (
            "supports[2]",
            "the text is too long (at most 1,000,000 characters)",
            {"supports": ("A graphic organiser.", "x" * 1_000_001)},
        ),
        (
            "activities[2].stage",
            "a warm-up step cannot come after a guided practice step",
            {
                "activities": (
                    Activity(Stage.GUIDED_PRACTICE, "Practise."),
                    Activity(Stage.WARM_UP, "Read."),
                )
            },
        ),
        ("commitments.teacher_feedback_days", "feedback within 1 to 60 days (not 0)", "feedback"),
    ],
)
def test_a_bad_contract_names_the_field_and_saves_nothing(
    store: Store, field: str, words: str, change: object
) -> None:
    draft = svc.draft_from_sample(
        store, SESSION, agree_essay6(store), teacher_id=AMARA, today=TODAY
    )
    current = draft.contract.current
    if change == "feedback":
        bad = replace(current, commitments=replace(current.commitments, teacher_feedback_days=0))
    else:
        assert isinstance(change, dict)
        bad = replace(current, **change)
    with pytest.raises(ContractFieldError) as caught:
        svc.create_contract(store, replace(draft.contract, current=bad))
    assert caught.value.field == field
    assert words in caught.value.message
    assert store.list_contracts() == []


def test_a_retired_anchor_cannot_be_attached(store: Store) -> None:
    retired = add_anchor(store, "essay-4", "reasoning", 3, AnchorStatus.RETIRED)
    draft = svc.draft_from_sample(
        store, SESSION, agree_essay6(store), teacher_id=AMARA, today=TODAY
    )
    bad = replace(draft.contract.current, targets=(target(anchor_ids=(retired,)),))
    with pytest.raises(ContractFieldError, match=f"anchor {retired} is retired, not approved"):
        svc.create_contract(store, replace(draft.contract, current=bad))
    assert store.list_contracts() == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"student_code": " "}, "student_code", "pseudonymous code"),
        (
            {"student_code": "Sam Lee", "student_name": "sam lee"},
            "student_code",
            "not the student's name",
        ),
        ({"teacher": ""}, "teacher", "who the student's teacher is"),
    ],
)
def test_who_the_contract_is_for_is_checked(
    store: Store, changes: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(ContractFieldError) as caught:
        saved(store, **changes)
    assert (caught.value.field, words in caught.value.message) == (field, True)
    assert store.list_contracts() == []
