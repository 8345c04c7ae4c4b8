"""Shared set-up for the contract service tests: the demo database and a few helpers.

The demo (``prepare_demo``) loads the grade-8 kit, whose recorded session (id 1, revealed) holds
every rater's round-1 scores (scenarios/grade8-argument.toml).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from calibrate.domain.contracts import Contract
from calibrate.domain.model import Anchor, AnchorStatus
from calibrate.services.contracts import plans as svc
from calibrate.services.meeting.sessions import set_consensus
from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store
from tests.storage.conftest import fixed_clock

SESSION = 1  # the kit's recorded session
AMARA = 1
TODAY = date(2026, 11, 2)


def demo_store(tmp_path: Path) -> Iterator[Store]:
    """A store on a fresh demo database (fixed clock), closed afterwards."""
    with Store.open(tmp_path / "demo.db", clock=fixed_clock()) as opened:
        prepare_demo(opened, today=TODAY)
        yield opened


def sample_id(store: Store, essay: str) -> int:
    sample = store.sample_by_key(f"Argument writing, grade 8/{essay}")
    assert sample is not None and sample.id is not None
    return sample.id


def add_anchor(store: Store, essay: str, criterion: str, level: int, status: AnchorStatus) -> int:
    anchor = store.add_anchor(
        Anchor(
            1, criterion, level, sample_id(store, essay), f"{essay} at {level}.", SESSION, status
        )
    )
    assert anchor.id is not None
    return anchor.id


def agree_essay6(store: Store) -> int:
    """The team agrees claim 3 and reasoning 2 on essay-6; the other criteria stay open."""
    essay6 = sample_id(store, "essay-6")
    for criterion, level in (("claim", 3), ("reasoning", 2)):
        set_consensus(
            store,
            SESSION,
            sample_id=essay6,
            criterion_key=criterion,
            level=level,
            rationale="Agreed after discussion.",
        )
    return essay6


def saved(store: Store, **changes: object) -> Contract:
    draft = svc.draft_from_sample(
        store, SESSION, agree_essay6(store), teacher_id=AMARA, today=TODAY
    )
    return svc.create_contract(store, replace(draft.contract, **changes))  # type: ignore[arg-type]


def cid(contract: Contract) -> int:
    assert contract.id is not None
    return contract.id
