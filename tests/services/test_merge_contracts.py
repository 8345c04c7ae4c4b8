"""A school's learning contracts, with every version, target anchor, progress entry, review and
the closing reassessment, come into the coach's database whole, and only once."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from calibrate.domain.model import AnchorStatus
from calibrate.services.contracts import plans as svc
from calibrate.services.records.merge import merge_source
from calibrate.storage.contract_schema import CONTRACT_TABLES
from calibrate.storage.store import Store
from tests.services.contract_fixtures import add_anchor, cid, demo_store, saved
from tests.services.merge_fixtures import counts

CONTRACT_TABLE_NAMES = [s.split()[2] for s in CONTRACT_TABLES if s.startswith("CREATE TABLE")]


def table_counts(store: Store) -> dict[str, int]:
    return {
        t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CONTRACT_TABLE_NAMES
    }


def test_contracts_merge_whole_and_once(tmp_path: Path) -> None:
    opened = demo_store(tmp_path)
    school = next(opened)
    add_anchor(school, "essay-3", "reasoning", 3, AnchorStatus.APPROVED)
    contract = saved(school)
    svc.activate(school, cid(contract))
    svc.log_progress(school, cid(contract), on="2026-11-09", evidence="Rewrote my essay.")
    svc.review(school, cid(contract), on="2026-11-16", outcome=svc.ReviewOutcome.ON_TRACK)
    svc.close_contract(
        school,
        cid(contract),
        on="2026-12-14",
        achieved={"reasoning": 3, "claim": 3},
        reflection="I explain my evidence now.",
    )
    theirs = table_counts(school)
    assert all(theirs.values()), theirs  # every contract table holds a row
    original = school.get_contract(cid(contract))
    opened.close()  # closes the store

    with Store.open(tmp_path / "coach.db") as coach:
        report = merge_source(coach, tmp_path / "demo.db")
        assert table_counts(coach) == theirs
        assert report.added["contracts"] == 1 and report.added["target anchors"] >= 1
        [merged] = coach.list_contracts()
        assert merged.id is not None
        same = dataclasses.replace(coach.get_contract(merged.id), id=original.id)
        assert same == original  # teacher, rubric, sample, session and targets all remapped
        before = counts(coach)
        assert merge_source(coach, tmp_path / "demo.db").total_added == 0
        assert counts(coach) == before
