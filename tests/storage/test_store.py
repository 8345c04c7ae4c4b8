"""The Store: round trips, rubric versions, the score audit trail, validation, transactions,
file permissions, the default location and backups."""

from __future__ import annotations

import dataclasses
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import platformdirs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import (
    Anchor,
    AnchorStatus,
    Consensus,
    Criterion,
    Level,
    Phase,
    Rater,
    ReferenceScore,
    Sample,
    SampleKind,
)
from calibrate.storage.database import default_db_path
from calibrate.storage.store import Store, new_session_code
from tests.storage.conftest import Meeting, fixed_clock, make_rubric, seed_meeting
from tests.storage.test_migrations import EXPECTED_COLUMNS

TABLES = tuple(EXPECTED_COLUMNS)


def counts(store: Store) -> dict[str, int]:
    return {t: store.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- round trips -------------------------------------------------------------------------------


def test_rubric_round_trip(store: Store) -> None:
    given_rubric = make_rubric()
    stored = store.add_rubric(given_rubric)
    assert stored.id is not None and stored.family_id == stored.id and stored.version == 1
    assert stored.created_at == "2026-10-14T09:00:00.000+00:00"
    assert store.get_rubric(stored.id) == stored
    assert dataclasses.replace(stored, id=None, family_id=None, created_at="") == given_rubric
    assert [c.key for c in stored.criteria] == ["claim", "evidence"]
    assert stored.criteria[0].scores == (1, 2, 3, 4)
    assert store.find_rubric(given_rubric.name, 1) == stored
    assert store.find_rubric(given_rubric.name, 2) is None


def test_sample_and_rater_round_trip(store: Store) -> None:
    sample = Sample(
        title="Fractions on a number line",
        body="Work *shown*.",
        kind=SampleKind.SOLUTION,
        student_code="G5-017",
        grade="5",
        task="Place 3/4",
        attachments=("a.png", "b.png"),
        key="sol-1",
    )
    stored = store.add_sample(sample)
    assert stored.id is not None
    assert stored == dataclasses.replace(sample, id=stored.id)
    assert store.get_sample(stored.id) == stored == store.sample_by_key("sol-1")
    unkeyed = store.add_sample(Sample(title="No key", body=""))
    assert unkeyed.key == "" and store.sample_by_key("") is None
    edited = store.update_sample(dataclasses.replace(stored, title="Renamed", attachments=()))
    assert store.get_sample(stored.id) == edited and edited.title == "Renamed"
    assert store.list_samples() == [edited, unkeyed]

    rater = store.add_rater(Rater(name="Zoe Park", initials="ZP", role="coach", team="Maths"))
    assert rater.id is not None and store.get_rater(rater.id) == rater
    assert store.rater_by_name("Zoe Park") == rater and store.rater_by_name("Nobody") is None
    retired = store.update_rater(dataclasses.replace(rater, active=False))
    other = store.add_rater(Rater(name="Al Ahmed"))
    assert store.list_raters() == [other, retired]
    assert store.list_raters(active_only=True) == [other]


def test_session_score_consensus_reference_anchor_round_trip(
    store: Store, meeting: Meeting
) -> None:
    session = meeting.session
    assert store.get_session(meeting.session_id) == session
    assert session.sample_ids == tuple(meeting.sample_id(n) for n in range(3))
    assert session.rater_ids == (meeting.rater_id(0), meeting.rater_id(1))
    assert (session.phase, session.round, session.cut_score) == (Phase.SCORING, 1, 3)
    assert store.list_sessions() == [session]

    s1, s3 = meeting.sample_id(0), meeting.sample_id(2)
    a, b = meeting.rater_id(0), meeting.rater_id(1)
    store.record_score(meeting.session_id, s3, "evidence", b, 2)
    score = store.record_score(meeting.session_id, s1, "claim", a, 4, note="Clear claim.")
    assert (score.level, score.round, score.note) == (4, 1, "Clear claim.")
    assert score.id is not None and score.scored_at.startswith("2026-10-14T09:")
    # ordered by sample order, then criterion order, then rater order
    assert [(s.sample_id, s.criterion_key) for s in store.scores(meeting.session_id)] == [
        (s1, "claim"),
        (s3, "evidence"),
    ]
    assert store.scores(meeting.session_id, rater_id=a) == [score]

    decided = store.set_consensus(Consensus(meeting.session_id, s1, "claim", 3, "Close call."))
    again = store.set_consensus(dataclasses.replace(decided, level=4, decided_at=""))
    assert again.id == decided.id and again.level == 4
    assert store.consensus_for(meeting.session_id) == [again]

    assert meeting.rubric.id is not None
    ref = store.set_reference_score(ReferenceScore(s1, "claim", 4, "Coach", "", meeting.rubric.id))
    ref2 = store.set_reference_score(ReferenceScore(s3, "claim", 2, "Coach"))
    ref_new = store.set_reference_score(dataclasses.replace(ref, level=3, set_by="Lead"))
    assert ref_new.id == ref.id and ref_new.level == 3 and ref_new.set_by == "Lead"
    assert store.reference_scores() == [ref_new, ref2]
    assert store.reference_scores([s3, 999]) == [ref2]

    anchor = store.add_anchor(
        Anchor(meeting.rubric.id, "claim", 4, s1, "Strong claim.", meeting.session_id)
    )
    assert anchor.status is AnchorStatus.PROPOSED and anchor.id is not None
    approved = store.set_anchor_status(anchor.id, AnchorStatus.APPROVED)
    assert store.anchors() == [approved]
    assert store.anchors(rubric_id=meeting.rubric.id, status=AnchorStatus.APPROVED) == [approved]
    assert store.anchors(status=AnchorStatus.RETIRED) == []


# --- rubric versions ---------------------------------------------------------------------------


def test_editing_an_unused_rubric_updates_it_in_place(store: Store) -> None:
    stored = store.add_rubric(make_rubric())
    assert stored.id is not None and not store.rubric_in_use(stored.id)
    edited = store.save_rubric(
        dataclasses.replace(stored, name="Argument v2", criteria=stored.criteria[:1])
    )
    assert (edited.id, edited.version, edited.family_id) == (stored.id, 1, stored.id)
    assert [c.key for c in store.get_rubric(stored.id).criteria] == ["claim"]
    assert len(store.list_rubrics(all_versions=True)) == 1


def test_editing_a_used_rubric_makes_a_new_version(store: Store, meeting: Meeting) -> None:
    old = meeting.rubric
    assert old.id is not None and store.rubric_in_use(old.id)
    reworded = make_rubric(wording="Not yet")
    new = store.save_rubric(dataclasses.replace(reworded, id=old.id, family_id=old.family_id))
    assert new.id != old.id and new.family_id == old.family_id and new.version == 2
    assert new.criteria[0].levels[0].label == "Not yet"
    # the old session still points at the old version, with the old wording
    assert store.get_session(meeting.session_id).rubric_id == old.id
    assert store.get_rubric(old.id) == old and old.criteria[0].levels[0].label == "Beginning"
    assert store.list_rubrics() == [new]
    assert store.list_rubrics(all_versions=True) == [old, new]
    assert old.family_id is not None and store.rubric_versions(old.family_id) == [old, new]
    # a third edit of the (unused) new version stays version 2
    assert new.id is not None
    assert store.save_rubric(dataclasses.replace(new, subject="ELA")).id == new.id


def test_an_anchor_puts_a_rubric_version_in_use(store: Store) -> None:
    rubric = store.add_rubric(make_rubric())
    sample = store.add_sample(Sample(title="S", body=""))
    assert rubric.id is not None and sample.id is not None
    store.add_anchor(Anchor(rubric.id, "claim", 2, sample.id))
    assert store.rubric_in_use(rubric.id)
    assert store.save_rubric(rubric).version == 2


def test_malformed_rubrics_are_refused(store: Store) -> None:
    twice = Criterion(key="claim", name="Claim", levels=(Level(1, "a", ""), Level(1, "b", "")))
    with pytest.raises(InvalidOperationError, match="more than one level scored 1"):
        store.add_rubric(dataclasses.replace(make_rubric(), criteria=(twice,)))
    with pytest.raises(InvalidOperationError, match="criterion key “claim” more than once"):
        store.add_rubric(
            dataclasses.replace(make_rubric(), criteria=make_rubric().criteria[:1] * 2)
        )
    with pytest.raises(NotFoundError, match="no rubric with id 42"):
        store.get_rubric(42)
    assert counts(store)["rubrics"] == 0


# --- scores and their audit trail --------------------------------------------------------------


def test_changing_a_score_twice_keeps_every_value(store: Store, meeting: Meeting) -> None:
    sid, sample, rater = meeting.session_id, meeting.sample_id(0), meeting.rater_id(0)
    first = store.record_score(sid, sample, "claim", rater, 2, note="Vague.")
    store.record_score(sid, sample, "claim", rater, 3)
    last = store.record_score(sid, sample, "claim", rater, 4, note="On reflection, clear.")
    history = store.score_history(sid, sample, "claim", rater, 1)
    assert [(h.level, h.note) for h in history] == [
        (2, "Vague."),
        (3, ""),
        (4, "On reflection, clear."),
    ]
    assert [h.scored_at for h in history] == sorted(h.scored_at for h in history)
    assert {h.id for h in history} == {first.id}
    assert store.scores(sid) == [last] and last.id == first.id
    # the same value again is not a change
    assert store.record_score(sid, sample, "claim", rater, 4, note="On reflection, clear.") == last
    assert len(store.score_history(sid, sample, "claim", rater, 1)) == 3
    assert store.score_history(sid, sample, "evidence", rater, 1) == []


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(levels=st.lists(st.integers(1, 4), min_size=1, max_size=8))
def test_history_is_every_change_in_order(tmp_path: Path, levels: list[int]) -> None:
    with Store.open(tmp_path / f"h{len(list(tmp_path.iterdir()))}.db") as store:
        m = seed_meeting(store)
        for level in levels:
            store.record_score(m.session_id, m.sample_id(1), "evidence", m.rater_id(1), level)
        changes = [lv for n, lv in enumerate(levels) if n == 0 or lv != levels[n - 1]]
        history = store.score_history(m.session_id, m.sample_id(1), "evidence", m.rater_id(1), 1)
        assert [h.level for h in history] == changes
        assert [s.level for s in store.scores(m.session_id)] == [levels[-1]]


def test_rounds(store: Store, meeting: Meeting) -> None:
    sid, sample, rater = meeting.session_id, meeting.sample_id(0), meeting.rater_id(0)
    store.record_score(sid, sample, "claim", rater, 2)
    with pytest.raises(InvalidOperationError, match="only after the scores are revealed"):
        store.start_round(sid)
    store.set_phase(sid, Phase.REVEAL)
    assert store.start_round(sid) == 2
    assert store.get_session(sid).phase is Phase.SCORING
    second = store.record_score(sid, sample, "claim", rater, 3)
    assert second.round == 2
    assert [s.level for s in store.scores(sid, round=1)] == [2]
    assert [s.level for s in store.scores(sid)] == [2, 3]
    with pytest.raises(InvalidOperationError, match="no round 3 to score yet"):
        store.record_score(sid, sample, "claim", rater, 3, round=3)


# --- validation writes nothing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"rater_id": 999}, NotFoundError, "There is no rater with id 999."),
        ({"rater_id": "outsider"}, InvalidOperationError, "Chris Outside is not one of the raters"),
        ({"sample_id": 999}, NotFoundError, "There is no sample with id 999."),
        ({"session_id": 999}, NotFoundError, "There is no session with id 999."),
        ({"level": 7}, InvalidOperationError, "7 is not a level of “Claim” on the rubric "),
        ({"level": 0}, InvalidOperationError, "its levels are 1, 2, 3 and 4."),
        ({"criterion_key": "voice"}, InvalidOperationError, "has no criterion “voice”"),
        ({"phase": Phase.CLOSED}, InvalidOperationError, "“October calibration” is closed."),
        ({"phase": Phase.SETUP}, InvalidOperationError, "is in the setup phase"),
    ],
)
def test_invalid_scores_are_refused_and_write_nothing(
    store: Store, meeting: Meeting, change: dict[str, object], error: type[Exception], message: str
) -> None:
    store.record_score(meeting.session_id, meeting.sample_id(0), "claim", meeting.rater_id(0), 3)
    if "phase" in change:
        store.set_phase(meeting.session_id, Phase(str(change.pop("phase"))))
    if change.get("rater_id") == "outsider":
        change["rater_id"] = meeting.outsider.id
    args: dict[str, object] = {
        "session_id": meeting.session_id,
        "sample_id": meeting.sample_id(0),
        "criterion_key": "claim",
        "rater_id": meeting.rater_id(0),
        "level": 2,
    } | change
    before = counts(store)
    with pytest.raises(error) as raised:
        store.record_score(**args)  # type: ignore[arg-type]
    assert message in str(raised.value)
    assert counts(store) == before
    assert [s.level for s in store.scores(meeting.session_id)] == [3]
    assert not store.db.conn.in_transaction


def test_duplicates_are_refused(store: Store, meeting: Meeting) -> None:
    with pytest.raises(InvalidOperationError, match="already a rater called “Amara Okafor”"):
        store.add_rater(Rater(name="Amara Okafor"))
    with pytest.raises(InvalidOperationError, match="already has the key “essay-1”"):
        store.add_sample(Sample(title="Copy", body="", key="essay-1"))
    with pytest.raises(InvalidOperationError, match="listed more than once"):
        store.update_session(dataclasses.replace(meeting.session, rater_ids=(1, 1)))
    store.record_score(meeting.session_id, meeting.sample_id(2), "claim", meeting.rater_id(1), 1)
    kept = dataclasses.replace(meeting.session, sample_ids=meeting.session.sample_ids[:2])
    with pytest.raises(InvalidOperationError, match="already has scores for the sample"):
        store.update_session(kept)
    assert store.get_session(meeting.session_id) == meeting.session


# --- transactions ------------------------------------------------------------------------------


def test_a_failed_multi_step_transaction_leaves_nothing(
    store: Store, meeting: Meeting, db_path: Path
) -> None:
    before = counts(store)
    with pytest.raises(InvalidOperationError), store.transaction():
        rater = store.add_rater(Rater(name="New Rater"))
        store.add_sample(Sample(title="New sample", body=""))
        store.record_score(
            meeting.session_id, meeting.sample_id(0), "claim", meeting.rater_id(0), 4
        )
        assert rater.id is not None
        # not a rater of the session: refused, and everything above is undone
        store.record_score(meeting.session_id, meeting.sample_id(0), "claim", rater.id, 4)
    assert counts(store) == before
    with Store.open(db_path) as other:  # and nothing reached the file
        assert counts(other) == before and other.rater_by_name("New Rater") is None


def test_nested_transactions_use_savepoints(store: Store) -> None:
    with store.transaction():
        store.add_rater(Rater(name="Kept"))
        with pytest.raises(RuntimeError), store.transaction():
            store.add_rater(Rater(name="Undone"))
            raise RuntimeError("inner failure")
        assert store.db.conn.in_transaction
    assert [r.name for r in store.list_raters()] == ["Kept"]


def test_data_version_notices_other_connections(store: Store, db_path: Path) -> None:
    seen = store.data_version()
    store.add_rater(Rater(name="Mine"))
    assert store.data_version() == seen  # own commits do not count
    with Store.open(db_path) as other:
        other.add_rater(Rater(name="Theirs"))
    assert store.data_version() != seen


# --- codes -------------------------------------------------------------------------------------


def test_session_codes_are_set_rotated_and_unique(store: Store, meeting: Meeting) -> None:
    sid = meeting.session_id
    assert store.session_codes(sid) == (None, None, None, None)
    join, lead = new_session_code(), new_session_code(8)
    assert len(join) == 6 and len(lead) == 8 and not set(join) & set("0O1IL")
    made = store.set_session_codes(sid, join, lead)
    assert made[:2] == (join, lead)  # both codes in the clear this once
    stored = store.session_codes(sid)
    assert stored.join_code is None and stored.facilitator_code is None  # hashed
    assert stored.facilitator_hash == made.facilitator_hash and lead not in str(stored)
    assert stored.join_hash == made.join_hash and join not in str(stored)
    row = store.db.execute("SELECT * FROM sessions WHERE id = ?", (sid,)).fetchone()
    assert lead not in [str(v) for v in row] and join not in [str(v) for v in row]
    assert store.session_for_code(join) == (store.get_session(sid), False)
    assert store.session_for_code(lead) == (store.get_session(sid), True)
    assert store.session_for_code(lead, session_id=sid) == (store.get_session(sid), True)
    store.set_session_codes(sid, "ANOTHER", None)  # a new join code, the same facilitator's
    assert store.session_for_code(lead, session_id=sid) == (store.get_session(sid), True)
    assert store.session_for_code(join, session_id=sid) is None
    store.set_session_codes(sid, None, "LEADTWO")  # a new facilitator code, the same join code
    assert store.session_for_code("ANOTHER", session_id=sid) == (store.get_session(sid), False)
    assert store.session_for_code(lead, session_id=sid) is None
    store.set_session_codes(sid, "NEWJOIN", "NEWLEAD")  # rotated: the old codes stop working
    assert store.session_for_code(join) is None and store.session_for_code("") is None
    assert meeting.rubric.id is not None
    other = store.create_session(dataclasses.replace(meeting.session, id=None, title="Other"))
    assert other.id is not None
    for taken in (("NEWJOIN", "X"), ("Y", "NEWLEAD")):  # its hashes are checked
        with pytest.raises(InvalidOperationError, match="already uses one of these codes"):
            store.set_session_codes(other.id, *taken)
    with pytest.raises(InvalidOperationError, match="must differ"):
        store.set_session_codes(sid, "NEWLEAD", None)  # the join code = the facilitator's
    with pytest.raises(InvalidOperationError, match="must differ"):
        store.set_session_codes(other.id, "SAME", "SAME")


# --- the file ----------------------------------------------------------------------------------


def test_files_are_readable_by_their_owner_only(store: Store, meeting: Meeting) -> None:
    assert mode(store.path) == 0o600
    assert mode(store.path.parent) == 0o700  # the folder the store created
    for suffix in ("-wal", "-shm"):
        companion = store.path.with_name(store.path.name + suffix)
        assert companion.exists() and mode(companion) == 0o600


def test_an_existing_open_database_file_is_tightened(tmp_path: Path) -> None:
    """A database made by ``touch`` (or copied in) is 0644; opening it makes it owner-only."""
    path = tmp_path / "touched.db"
    path.touch()
    path.chmod(0o644)
    with Store.open(path) as opened:
        assert opened.list_sessions() == []
    assert mode(path) == 0o600


def test_default_db_path(tmp_path: Path) -> None:
    assert default_db_path({"CALIBRATE_DB": "/x/my.db", "CALIBRATE_HOME": "/y"}) == Path("/x/my.db")
    assert default_db_path({"CALIBRATE_HOME": str(tmp_path)}) == tmp_path / "calibrate.db"
    expected = platformdirs.user_data_path("calibrate") / "calibrate.db"
    assert default_db_path({}) == expected
    assert default_db_path({"CALIBRATE_DB": "", "CALIBRATE_HOME": ""}) == expected


def test_backup_while_another_connection_is_writing(
    store: Store, meeting: Meeting, db_path: Path, tmp_path: Path
) -> None:
    store.record_score(meeting.session_id, meeting.sample_id(0), "claim", meeting.rater_id(0), 3)
    committed = counts(store)
    dest = tmp_path / "backups" / "copy.db"
    with Store.open(db_path) as other, other.transaction():
        other.add_rater(Rater(name="Uncommitted"))  # holds the write lock during the backup
        store.backup(dest)
    assert mode(dest) == 0o600
    assert not dest.with_name("copy.db-wal").exists()
    with Store.open(dest) as copy:
        assert counts(copy) == committed
        assert copy.get_session(meeting.session_id) == meeting.session
        assert copy.scores(meeting.session_id) == store.scores(meeting.session_id)
    with pytest.raises(InvalidOperationError):
        store.backup(db_path)


def test_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("not sqlite at all, just some text " * 100)
    with pytest.raises(sqlite3.DatabaseError):
        Store.open(bogus, clock=fixed_clock())


def test_updating_a_scored_session_can_add_and_reorder_members(
    store: Store, meeting: Meeting
) -> None:
    session = meeting.session
    assert session.id is not None
    s1, s2, s3 = (s.id for s in meeting.samples)
    a, b = (r.id for r in meeting.raters)
    assert None not in (s1, s2, s3, a, b, meeting.outsider.id)
    store.record_score(session.id, s1, "claim", a, 4)  # type: ignore[arg-type]
    moved = replace(
        store.get_session(session.id),
        sample_ids=(s3, s1, s2),  # type: ignore[arg-type]
        rater_ids=(b, a, meeting.outsider.id),  # type: ignore[arg-type]
    )
    updated = store.update_session(moved)
    assert updated.sample_ids == (s3, s1, s2)
    assert updated.rater_ids == (b, a, meeting.outsider.id)
    [score] = store.scores(session.id)
    assert (score.sample_id, score.rater_id, score.level) == (s1, a, 4)
