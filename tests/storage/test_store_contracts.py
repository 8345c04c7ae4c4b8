"""Learning contracts in the store: versions kept, the log, reviews, closing, and migration m003."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from calibrate.domain.contracts import (
    Accommodations,
    Activity,
    CheckpointReview,
    Commitments,
    Contract,
    ContractStatus,
    ContractVersion,
    CurrentLevel,
    LevelSource,
    ProgressEntry,
    Reassessment,
    ReviewOutcome,
    Stage,
    Target,
    TargetResult,
)
from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import Anchor, AnchorStatus
from calibrate.storage.database import applied_migrations, open_database, transaction
from calibrate.storage.scenario_files import read_scenario
from calibrate.storage.scenario_store import load_scenario
from calibrate.storage.store import Store
from tests.storage.conftest import Meeting

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_TABLES = (
    "contracts",
    "contract_versions",
    "contract_levels",
    "contract_targets",
    "contract_target_anchors",
    "contract_activities",
    "contract_progress",
    "contract_reviews",
    "contract_reassessments",
    "contract_results",
)


def anchor(store: Store, meeting: Meeting, criterion: str, level: int) -> int:
    assert meeting.rubric.id is not None
    stored = store.add_anchor(
        Anchor(
            rubric_id=meeting.rubric.id,
            criterion_key=criterion,
            level=level,
            sample_id=meeting.sample_id(0),
            annotation=f"Shows {criterion} at level {level}.",
            status=AnchorStatus.APPROVED,
        )
    )
    assert stored.id is not None
    return stored.id


def first_version(anchor_id: int) -> ContractVersion:
    return ContractVersion(
        diagnostic=(
            CurrentLevel("claim", 2, LevelSource.CONSENSUS),
            CurrentLevel("evidence", 3, LevelSource.TEACHER),
        ),
        targets=(
            Target(
                "claim",
                2,
                3,
                "State my position in the first paragraph of my next three essays.",
                "2026-12-18",
                (anchor_id,),
            ),
        ),
        activities=(
            Activity(Stage.WARM_UP, "Find the claim in two anchor essays.", "claim"),
            Activity(Stage.GUIDED_PRACTICE, "Rewrite a hedged claim with the teacher."),
            Activity(Stage.INDEPENDENT_APPLICATION, "Write an opening paragraph."),
            Activity(Stage.REFLECTIVE_EVALUATION, "Compare my opening with the anchor."),
        ),
        supports=("Sentence starters for claims",),
        resources=("Anchor essay 3", "Claim checklist"),
        commitments=Commitments(
            teacher_feedback_days=5,
            teacher_note="Written comments on each draft.",
            student_practice="One opening paragraph a week.",
            review_every_days=14,
        ),
        accommodations=Accommodations(
            accessibility_needs=("Text-to-speech",),
            evidence_formats=("Audio recording",),
            flexible_deadlines="Up to three extra days on request.",
        ),
        start_date="2026-10-20",
    )


def new_contract(store: Store, meeting: Meeting) -> Contract:
    assert meeting.rubric.id is not None
    return store.add_contract(
        Contract(
            student_code="G8-A-001",
            student_name="Sam",
            rubric_id=meeting.rubric.id,
            teacher="Amara Okafor",
            teacher_id=meeting.rater_id(0),
            sample_id=meeting.sample_id(0),
            session_id=meeting.session_id,
            current=first_version(anchor(store, meeting, "claim", 3)),
        )
    )


def contract_id(contract: Contract) -> int:
    assert contract.id is not None
    return contract.id


def counts(store: Store) -> tuple[int, ...]:
    return tuple(store.db[t].count for t in CONTRACT_TABLES)


def test_a_contract_reads_back_as_written(store: Store, meeting: Meeting) -> None:
    stored = new_contract(store, meeting)
    assert stored.id is not None and stored.status is ContractStatus.DRAFT
    assert stored.created_at == stored.updated_at != ""
    assert stored.version == 1 and stored.current.id is not None
    written = first_version(stored.current.targets[0].anchor_ids[0])
    assert replace(stored.current, id=None, created_at="") == written
    assert store.get_contract(contract_id(stored)) == stored
    assert store.list_contracts() == [stored]


def test_amendments_keep_every_earlier_version(store: Store, meeting: Meeting) -> None:
    v1 = new_contract(store, meeting)
    cid = contract_id(v1)
    evidence_anchor = anchor(store, meeting, "evidence", 4)
    amended = replace(
        v1.current,
        targets=(
            *v1.current.targets,
            Target("evidence", 3, 4, "Answer the other side with a fact.", "2027-01-15", ()),
        ),
        note="Added an evidence target after the first checkpoint.",
    )
    v2 = store.amend_contract(cid, amended)
    v3 = store.amend_contract(
        cid,
        replace(
            v2.current,
            targets=(
                v2.current.targets[0],
                replace(amended.targets[1], anchor_ids=(evidence_anchor,)),
            ),
            note="Attached the evidence anchor.",
        ),
    )
    assert (v2.version, v3.version) == (2, 3)
    versions = store.contract_versions(cid)
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[0] == v1.current  # untouched by the amendments
    assert store.contract_version(cid, 1) == v1.current
    assert [len(v.targets) for v in versions] == [1, 2, 2]
    assert versions[1].targets[1].anchor_ids == ()
    assert versions[2].targets[1].anchor_ids == (evidence_anchor,)
    assert [v.note for v in versions] == ["", amended.note, "Attached the evidence anchor."]
    assert store.get_contract(cid).current == versions[2]
    assert store.get_contract(cid).updated_at > v1.updated_at
    with pytest.raises(NotFoundError, match="no version 4"):
        store.contract_version(cid, 4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: replace(t, target_level=7), "7 is not a level of “Claim”"),
        (lambda t: replace(t, criterion_key="voice"), "no criterion “voice”"),
        (lambda t: replace(t, anchor_ids=(999,)), "no anchor with id 999"),
    ],
)
def test_a_bad_amendment_writes_nothing(
    store: Store, meeting: Meeting, change: object, message: str
) -> None:
    v1 = new_contract(store, meeting)
    before = counts(store)
    assert callable(change)
    bad = replace(v1.current, targets=(change(v1.current.targets[0]),))
    with pytest.raises((InvalidOperationError, NotFoundError), match=message):
        store.amend_contract(contract_id(v1), bad)
    assert counts(store) == before
    assert store.get_contract(contract_id(v1)) == v1


def test_an_anchor_of_another_criterion_is_refused(store: Store, meeting: Meeting) -> None:
    v1 = new_contract(store, meeting)
    other = anchor(store, meeting, "evidence", 3)
    bad = replace(v1.current, targets=(replace(v1.current.targets[0], anchor_ids=(other,)),))
    with pytest.raises(InvalidOperationError, match="another criterion"):
        store.amend_contract(contract_id(v1), bad)
    assert len(store.contract_versions(contract_id(v1))) == 1


def test_a_new_contract_with_a_missing_teacher_writes_nothing(
    store: Store, meeting: Meeting
) -> None:
    assert meeting.rubric.id is not None
    with pytest.raises(NotFoundError, match="no teacher with id 99"):
        store.add_contract(
            Contract("G8-A-002", meeting.rubric.id, "Nobody", first_version(1), teacher_id=99)
        )
    assert counts(store) == (0,) * len(CONTRACT_TABLES)


def test_progress_and_reviews_are_kept_in_date_order(store: Store, meeting: Meeting) -> None:
    cid = contract_id(new_contract(store, meeting))
    store.set_contract_status(cid, ContractStatus.ACTIVE)
    later = store.add_progress(
        ProgressEntry(cid, "2026-11-02", "Essay 2 opening", "essay-2.pdf", "Starters", "", "More")
    )
    earlier = store.add_progress(ProgressEntry(cid, "2026-10-27", "Essay 1 opening"))
    assert earlier.id is not None and later.id is not None and earlier.created_at
    assert store.progress_entries(cid) == [earlier, later]
    assert later.evidence_file == "essay-2.pdf" and later.worked == "Starters"

    review = store.add_review(CheckpointReview(cid, "2026-11-03", ReviewOutcome.ON_TRACK, "Good"))
    assert review.version == 1  # the version current at the time
    store.amend_contract(cid, replace(store.get_contract(cid).current, note="New due date"))
    second = store.add_review(CheckpointReview(cid, "2026-11-17", ReviewOutcome.ADJUST))
    assert second.version == 2
    assert store.reviews(cid) == [review, second]
    with pytest.raises(NotFoundError, match="no version 9"):
        store.add_review(CheckpointReview(cid, "2026-11-18", ReviewOutcome.ADJUST, version=9))


def test_closing_stores_the_reassessment_and_freezes_the_contract(
    store: Store, meeting: Meeting
) -> None:
    cid = contract_id(new_contract(store, meeting))
    assert store.reassessment(cid) is None
    closing = Reassessment(
        cid, "2026-12-18", (TargetResult("claim", 3, 3),), "I now say what I think first."
    )
    closed = store.close_contract(closing, ContractStatus.MET)
    assert closed.status is ContractStatus.MET
    stored = store.reassessment(cid)
    assert stored is not None and stored.id is not None
    assert replace(stored, id=None, created_at="") == closing
    assert stored.all_met
    before = counts(store)
    for attempt in (
        lambda: store.amend_contract(cid, closed.current),
        lambda: store.add_progress(ProgressEntry(cid, "2026-12-19", "late")),
        lambda: store.add_review(CheckpointReview(cid, "2026-12-19", ReviewOutcome.MET)),
        lambda: store.set_contract_status(cid, ContractStatus.ACTIVE),
        lambda: store.close_contract(closing, ContractStatus.CLOSED),
    ):
        with pytest.raises(InvalidOperationError, match="is met; it can no longer be"):
            attempt()
    assert counts(store) == before


def test_met_and_closed_are_set_only_by_closing(store: Store, meeting: Meeting) -> None:
    v1 = new_contract(store, meeting)
    with pytest.raises(InvalidOperationError, match="closing reassessment"):
        store.set_contract_status(contract_id(v1), ContractStatus.MET)
    with pytest.raises(InvalidOperationError, match="draft or active"):
        store.add_contract(replace(v1, status=ContractStatus.CLOSED))
    bad = Reassessment(contract_id(v1), "2026-12-18", (TargetResult("claim", 3, 9),), "")
    with pytest.raises(InvalidOperationError, match="9 is not a level"):
        store.close_contract(bad, ContractStatus.CLOSED)
    assert store.get_contract(contract_id(v1)).status is ContractStatus.DRAFT
    assert store.reassessment(contract_id(v1)) is None


def test_list_contracts_filters(store: Store, meeting: Meeting) -> None:
    first = new_contract(store, meeting)
    second = store.add_contract(replace(first, student_code="G8-A-002", teacher="Ben Lindqvist"))
    store.set_contract_status(contract_id(second), ContractStatus.ACTIVE)
    assert [c.student_code for c in store.list_contracts()] == ["G8-A-002", "G8-A-001"]
    assert [c.id for c in store.list_contracts(teacher="Amara Okafor")] == [first.id]
    assert [c.id for c in store.list_contracts(status=ContractStatus.ACTIVE)] == [second.id]
    assert store.list_contracts(rubric_id=999) == []
    with pytest.raises(NotFoundError, match="no contract with id 42"):
        store.get_contract(42)


def test_m003_upgrades_an_m002_database_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    # The kit's rows, as an m002 database held them: loaded with today's code into a current
    # file, then copied column by column into a file migrated up to m002 only.
    with Store.open(tmp_path / "source.db") as source:
        load_scenario(source, read_scenario(ROOT / "scenarios" / "grade8-argument.toml"))
        db = open_database(path, stop_before="m003_contracts")
        try:
            assert applied_migrations(db) == ["m001_initial", "m002_session_codes"]
            assert "contracts" not in db.table_names()
            tables = [t for t in db.table_names() if t != "_sqlite_migrations"]
            with transaction(db.conn):
                for table in tables:
                    names = [c.name for c in db.table(table).columns]
                    now = set(source.db.table(table).columns_dict)
                    columns = ", ".join(names)
                    picked = ", ".join(c if c in now else f"NULL AS {c}" for c in names)
                    rows = source.db.execute(f"SELECT {picked} FROM {table} ORDER BY rowid")
                    for row in rows.fetchall():
                        marks = ", ".join("?" * len(row))
                        db.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", row)
            before = {
                t: (
                    [c.name for c in db.table(t).columns],
                    db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall(),
                )
                for t in tables
            }
        finally:
            db.close()
    assert sum(len(rows) for _, rows in before.values()) > 300  # 239 scores alone

    with Store.open(path) as store:
        applied = applied_migrations(store.db)
        assert applied[:3] == ["m001_initial", "m002_session_codes", "m003_contracts"]
        for table, (names, rows) in before.items():
            # later migrations add columns (and m014 takes the readable facilitator code away)
            kept = [c for c in names if c in store.db.table(table).columns_dict]
            after = store.db.execute(f"SELECT {', '.join(kept)} FROM {table} ORDER BY rowid")
            at = [names.index(c) for c in kept]
            assert after.fetchall() == [tuple(row[i] for i in at) for row in rows], table
        assert set(CONTRACT_TABLES) <= set(store.db.table_names())
        assert counts(store) == (0,) * len(CONTRACT_TABLES)
        # the upgraded file takes contracts on the rubric it already held
        rubric = store.list_rubrics()[0]
        assert rubric.id is not None
        stored = store.add_contract(
            Contract(
                "G8-A-017",
                rubric.id,
                "Amara Okafor",
                ContractVersion(diagnostic=(CurrentLevel("claim", 3),), targets=()),
            )
        )
        assert store.contract_versions(contract_id(stored))[0].diagnostic[0].level == 3
