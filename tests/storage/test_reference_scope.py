"""Which master-key scores apply to a rubric version: one rule, used by every session figure.

A key applies to rubric version R when it was set against a version of R's rubric (or against
none), on one of R's criteria, at one of that criterion's levels.
"""

from __future__ import annotations

import dataclasses

from calibrate.domain.model import Criterion, Level, ReferenceScore
from calibrate.storage.store import Store
from tests.storage.conftest import Meeting, make_rubric


def six_point(store: Store) -> int:
    """Another rubric (its own family) that also has a criterion keyed "claim", on 1–6."""
    rubric = dataclasses.replace(
        make_rubric("Argument, six-point"),
        criteria=(
            Criterion(
                key="claim",
                name="Claim",
                levels=tuple(
                    Level(score=s, label=f"Band {s}", descriptor=f"Work at band {s}.")
                    for s in range(1, 7)
                ),
            ),
        ),
    )
    stored = store.add_rubric(rubric)
    assert stored.id is not None
    return stored.id


def test_a_key_set_for_another_rubric_does_not_apply(store: Store, meeting: Meeting) -> None:
    four = meeting.rubric.id
    assert four is not None
    six = six_point(store)
    sample = meeting.sample_id(0)
    store.set_reference_score(ReferenceScore(sample, "claim", 6, set_by="coach", rubric_id=six))
    assert [r.level for r in store.reference_scores([sample], rubric_id=six)] == [6]
    assert store.reference_scores([sample], rubric_id=four) == []
    assert [r.level for r in store.reference_scores([sample])] == [6]  # unfiltered: everything


def test_a_key_follows_its_rubric_into_a_new_version(store: Store, meeting: Meeting) -> None:
    old = meeting.rubric
    assert old.id is not None and store.rubric_in_use(old.id)
    sample = meeting.sample_id(1)
    store.set_reference_score(ReferenceScore(sample, "claim", 3, set_by="coach", rubric_id=old.id))
    reworded = make_rubric(wording="Not yet")
    new = store.save_rubric(dataclasses.replace(reworded, id=old.id, family_id=old.family_id))
    assert new.id is not None and new.id != old.id
    [ref] = store.reference_scores([sample], rubric_id=new.id)
    assert (ref.level, ref.rubric_id) == (3, old.id)


def test_an_unversioned_key_applies_only_where_its_level_is_on_the_scale(
    store: Store, meeting: Meeting
) -> None:
    four = meeting.rubric.id
    assert four is not None
    six = six_point(store)
    sample = meeting.sample_id(2)
    store.set_reference_score(ReferenceScore(sample, "claim", 5, set_by="coach"))  # no rubric
    assert [r.level for r in store.reference_scores([sample], rubric_id=six)] == [5]
    assert store.reference_scores([sample], rubric_id=four) == []  # 5 is not a level there
    store.set_reference_score(ReferenceScore(sample, "evidence", 2, set_by="coach"))
    assert [r.criterion_key for r in store.reference_scores([sample], rubric_id=six)] == ["claim"]
    assert [r.criterion_key for r in store.reference_scores([sample], rubric_id=four)] == [
        "evidence"
    ]
