"""Merging schools' databases into a coach's: same kit in separate processes, idempotence,
conflicts never overwritten, older files, kits."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from pathlib import Path

import pytest

from calibrate.domain.model import Phase, Rater, Session
from calibrate.services.records.merge import (
    MergeError,
    RaterMapError,
    merge_source,
    merge_summary,
    read_rater_map,
)
from calibrate.storage.stable_ids import UUID_TABLES
from calibrate.storage.store import Store
from tests.services.merge_fixtures import counts, make_school, score_facts, write_kit


@pytest.fixture(scope="module")
def schools(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("schools")
    return (
        make_school(folder, "northside", meetings=2, seed=1),
        make_school(folder, "riverside", meetings=3, seed=2),
    )


def test_two_schools_from_one_kit_merge_into_one_set_of_shared_records(
    tmp_path: Path, schools: tuple[Path, Path]
) -> None:
    north, river = schools
    with Store.open(north) as a, Store.open(river) as b:
        parts = score_facts(a) | score_facts(b)
        kit_scores = len(score_facts(a) & score_facts(b))
        assert kit_scores > 0  # the kit's recorded session is in both
    with Store.open(tmp_path / "coach.db") as coach:
        first = merge_source(coach, north)
        second = merge_source(coach, river)
        assert score_facts(coach) == parts
        # the kit's rubric, samples, raters and session came in once
        assert len(coach.list_rubrics()) == 1
        assert [s.key for s in coach.list_samples()] == ["Tiny kit/essay-1", "Tiny kit/essay-2"]
        assert sorted(r.name for r in coach.list_raters()) == ["Amara Okafor", "Ben Lindqvist"]
        titles = sorted(s.title for s in coach.list_sessions())
        assert titles == sorted(
            ["October calibration"]
            + [f"northside meeting {n}" for n in (1, 2)]
            + [f"riverside meeting {n}" for n in (1, 2, 3)]
        )
        held_at = dict(coach.db.execute("SELECT title, school FROM sessions").fetchall())
        assert held_at["northside meeting 2"] == "northside"
        assert held_at["riverside meeting 3"] == "riverside"
        assert held_at["October calibration"] == "kit:Tiny kit"  # no school's
        assert first.added["sessions"] == 3
        assert second.added["sessions"] == 3  # its own three; the kit's session was there
        assert second.skipped["sessions"] == 1
        assert "raters" not in second.added
        assert second.conflicts == ()
        # 3 meetings x 2 samples x 2 raters x 2 criteria
        assert second.added["scores"] == 3 * 2 * 2 * 2
        text = merge_summary(river, second)
        assert "merged" in text and "24 scores" in text and "already here" in text


def test_merging_twice_changes_nothing_and_leaves_the_source_alone(
    tmp_path: Path, schools: tuple[Path, Path]
) -> None:
    north, _ = schools
    digest = hashlib.sha256(north.read_bytes()).hexdigest()
    with Store.open(tmp_path / "coach.db") as coach:
        merge_source(coach, north)
        before = counts(coach), score_facts(coach)
        again = merge_source(coach, north)
        assert (counts(coach), score_facts(coach)) == before
        assert again.total_added == 0
        assert again.conflicts == ()
        assert "nothing new" in merge_summary(north, again)
    assert hashlib.sha256(north.read_bytes()).hexdigest() == digest


def _school_with_own_rater(folder: Path, name: str, school: str) -> Path:
    path = folder / f"{school}.db"
    with Store.open(path) as store:
        store.add_rater(Rater(name=name, initials="".join(w[0] for w in name.split())))
    return path


def test_same_rater_name_from_another_school_is_refused_unless_mapped_or_kept_apart(
    tmp_path: Path,
) -> None:
    other = _school_with_own_rater(tmp_path, "Dana Kim", "eastside")
    with Store.open(other) as store:
        store.add_rater(Rater(name="Eli Brook"))
    coach_path = tmp_path / "coach.db"
    with Store.open(coach_path) as coach:
        coach.add_rater(Rater(name="Dana Kim"))
        before = counts(coach)
        with pytest.raises(MergeError, match=r"“Dana Kim”.*--map-raters.*--as-separate"):
            merge_source(coach, other)
        assert counts(coach) == before  # all or nothing: not even Eli came in

        mapped = merge_source(coach, other, rater_names={"Dana Kim": "Dana Kim"})
        assert sorted(r.name for r in coach.list_raters()) == ["Dana Kim", "Eli Brook"]
        assert mapped.added == {"raters": 1} and mapped.skipped == {"raters": 1}
        again = merge_source(coach, other)  # the map is remembered
        assert again.total_added == 0 and again.skipped == {"raters": 2}

    with Store.open(tmp_path / "coach2.db") as coach:
        coach.add_rater(Rater(name="Dana Kim"))
        apart = merge_source(coach, other, as_separate=True)
        assert sorted(r.name for r in coach.list_raters()) == [
            "Dana Kim",
            "Dana Kim (eastside)",
            "Eli Brook",
        ]
        assert any("kept apart" in c for c in apart.conflicts)
        # the coach learns they are one person after all, and merges the two entries here
        ids = {r.name: r.id or 0 for r in coach.list_raters()}
        coach.merge_raters(ids["Dana Kim"], ids["Dana Kim (eastside)"])
        again = merge_source(coach, other)
        assert again.total_added == 0  # not brought in a second time
        assert sorted(r.name for r in coach.list_raters()) == ["Dana Kim", "Eli Brook"]
    with Store.open(tmp_path / "coach3.db") as coach:
        with pytest.raises(MergeError, match="no rater “Nobody” here"):
            merge_source(coach, other, rater_names={"Eli Brook": "Nobody"})
        assert coach.list_raters() == []


def test_a_rubric_edited_in_two_places_keeps_both_versions(tmp_path: Path) -> None:
    from tests.storage.conftest import make_rubric

    base = tmp_path / "base.db"
    with Store.open(base) as store:
        rubric = store.add_rubric(make_rubric())
        assert rubric.id is not None
        sample = store.add_sample(_sample("shared-1"))
        rater = store.add_rater(Rater(name="Amara Okafor"))
        store.create_session(
            Session(
                title="Used",
                date="2026-10-01",
                rubric_id=rubric.id,
                sample_ids=(sample.id or 0,),
                rater_ids=(rater.id or 0,),
            )
        )  # in use: editing makes a new version
    school_a, school_b = tmp_path / "a.db", tmp_path / "b.db"
    for path, wording in ((school_a, "Not yet"), (school_b, "Starting")):
        path.write_bytes(base.read_bytes())
        with Store.open(path) as store:
            old = store.get_rubric(1)
            criteria = (
                dataclasses.replace(
                    old.criteria[0],
                    levels=(
                        dataclasses.replace(old.criteria[0].levels[0], label=wording),
                        *old.criteria[0].levels[1:],
                    ),
                ),
                *old.criteria[1:],
            )
            assert store.save_rubric(dataclasses.replace(old, criteria=criteria)).version == 2
    with Store.open(school_a) as coach:  # school A's file plays the coach
        report = merge_source(coach, school_b)
        versions = coach.rubric_versions(1)
        assert [v.version for v in versions] == [1, 2, 3]
        assert [v.criteria[0].levels[0].label for v in versions] == [
            "Beginning",
            "Not yet",
            "Starting",
        ]
        assert any("edited both here and in b" in c for c in report.conflicts)
        again = merge_source(coach, school_b)
        assert len(coach.rubric_versions(1)) == 3 and again.total_added == 0


def _sample(key: str, body: str = "Body") -> object:
    from calibrate.domain.model import Sample

    return Sample(key=key, title=f"Essay {key}", body=body)


def test_a_changed_score_and_a_sample_key_used_for_other_work_are_reported_not_overwritten(
    tmp_path: Path, schools: tuple[Path, Path]
) -> None:
    north, _ = schools
    copy = tmp_path / "northside.db"
    copy.write_bytes(north.read_bytes())
    with Store.open(tmp_path / "coach.db") as coach:
        merge_source(coach, copy)
        ours = score_facts(coach)
        coach.add_sample(_sample("loose-1", body="Ours"))
    with Store.open(copy) as school:
        session = next(s for s in school.list_sessions() if s.title == "northside meeting 1")
        assert session.id is not None
        score = school.scores(session.id)[0]
        school.set_phase(session.id, Phase.SCORING)
        school.record_score(
            session.id,
            score.sample_id,
            score.criterion_key,
            score.rater_id,
            3 - score.level if score.level != 3 else 1,
            round=score.round,
        )
        school.add_sample(_sample("loose-1", body="Theirs"))
        school.set_phase(session.id, Phase.CONSENSUS)
    with Store.open(tmp_path / "coach.db") as coach:
        report = merge_source(coach, copy)
        assert score_facts(coach) == ours  # our level kept
        assert any("score" in c and "ours was kept" in c for c in report.conflicts)
        bodies = {s.key: s.body for s in coach.list_samples() if s.key.startswith("loose-1")}
        assert bodies == {"loose-1": "Ours", "loose-1 (northside)": "Theirs"}
        assert report.added["earlier score values"] == 1
        assert (
            "A session (“northside meeting 1” of 2026-11-01) says something else in northside"
            " than here; ours was kept." in report.conflicts
        )
        phases = {x.title: x.phase for x in coach.list_sessions()}
        assert phases["northside meeting 1"] is Phase.REVEAL


def _as_older_calibrate(path: Path) -> None:
    """Make ``path`` look as a calibrate before m010 left it: no uuids, triggers or schools."""
    conn = sqlite3.connect(path, isolation_level=None)
    for table in UUID_TABLES:
        conn.execute(f"DROP TRIGGER {table}_uuid")
        conn.execute(f"DROP INDEX idx_{table}_uuid")
        conn.execute(f"ALTER TABLE {table} DROP COLUMN uuid")
    conn.execute("ALTER TABLE sessions DROP COLUMN school")
    conn.execute("DROP TABLE rater_aliases")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm010_stable_ids'")
    conn.close()


def test_a_database_from_an_older_calibrate_merges_read_only_and_only_once(
    tmp_path: Path, schools: tuple[Path, Path]
) -> None:
    north, _ = schools
    old = tmp_path / "old-school.db"
    old.write_bytes(north.read_bytes())
    _as_older_calibrate(old)
    digest = hashlib.sha256(old.read_bytes()).hexdigest()
    with Store.open(north) as school:
        expected = score_facts(school)
    with Store.open(tmp_path / "coach.db") as coach:
        merge_source(coach, old)
        assert score_facts(coach) == expected
        before = counts(coach)
        assert merge_source(coach, old).total_added == 0  # same uuids on every temporary copy
        assert counts(coach) == before
    assert hashlib.sha256(old.read_bytes()).hexdigest() == digest  # never migrated in place


def test_a_kit_merges_through_the_kit_loader_and_matches_what_schools_loaded(
    tmp_path: Path, schools: tuple[Path, Path]
) -> None:
    north, _ = schools
    kit = write_kit(tmp_path)
    with Store.open(tmp_path / "coach.db") as coach:
        first = merge_source(coach, kit)
        assert first.added["rubric versions"] == 1 and first.added["raters"] == 2
        report = merge_source(coach, north)
        assert "raters" not in report.added and report.conflicts == ()
        assert len(coach.list_rubrics()) == 1
        assert merge_source(coach, kit).total_added == 0


def test_sources_that_cannot_be_merged_say_why(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database", encoding="utf-8")
    with Store.open(tmp_path / "coach.db") as coach:
        with pytest.raises(MergeError, match="not a calibrate database"):
            merge_source(coach, text)
        with pytest.raises(MergeError, match="no such file"):
            merge_source(coach, tmp_path / "missing.db")
        with pytest.raises(MergeError, match="being merged into"):
            merge_source(coach, tmp_path / "coach.db")
        newer = tmp_path / "newer.db"
        with Store.open(newer) as store:
            store.db.execute(
                "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                " VALUES ('calibrate', 'm999_future', '2030-01-01')"
            )
        with pytest.raises(MergeError, match="newer calibrate"):
            merge_source(coach, newer)


def test_rater_map_files(tmp_path: Path) -> None:
    good = tmp_path / "map.csv"
    good.write_text("other_name,our_name\nDana Kim,Dana Kim-Lee\n\nEli B,Eli Brook\n")
    assert read_rater_map(good) == {"Dana Kim": "Dana Kim-Lee", "Eli B": "Eli Brook"}
    bad = tmp_path / "bad.csv"
    bad.write_text("Dana Kim,Dana\nEli\n")
    with pytest.raises(RaterMapError, match=r"bad.csv, line 2: expected two names"):
        read_rater_map(bad)


def test_phase_of_a_merged_session_is_kept(tmp_path: Path, schools: tuple[Path, Path]) -> None:
    north, _ = schools
    with Store.open(tmp_path / "coach.db") as coach:
        merge_source(coach, north)
        phases = {s.title: s.phase for s in coach.list_sessions()}
        assert phases["northside meeting 1"] is Phase.REVEAL
        assert phases["October calibration"] is Phase.REVEAL


def test_summary_counts_read_as_words() -> None:
    from calibrate.services.records.merge import counted

    assert [counted(1, "criteria"), counted(2, "criteria"), counted(1, "activities")] == [
        "1 criterion",
        "2 criteria",
        "1 activity",
    ]
    assert counted(1, "rubric versions") == "1 rubric version"


def test_a_partial_rounds_items_come_in_with_its_session(tmp_path: Path) -> None:
    """Issue 18: round_items (which items a re-score round asked for) were not merged, so in
    the coach's database a one-item round 2 asked for every item; merging twice adds none."""
    folder = tmp_path / "schools"
    folder.mkdir()
    school = make_school(folder, "northside", meetings=1, seed=3)
    with Store.open(school) as store:
        session = next(s for s in store.list_sessions() if s.title == "northside meeting 1")
        assert session.id is not None
        store.set_phase(session.id, Phase.REVEAL)
        asked = (session.sample_ids[0], "claim")
        store.start_round(session.id, [asked])
    with Store.open(tmp_path / "coach.db") as coach:
        first = merge_source(coach, school)
        assert first.added["re-score round items"] == 1
        merged = next(s for s in coach.list_sessions() if s.title == "northside meeting 1")
        assert merged.id is not None and merged.round == 2
        (sample_id, key), *_ = coach.round_items(merged.id, 2) or {(0, "")}
        assert coach.get_sample(sample_id).key == "Tiny kit/essay-1" and key == "claim"
        assert len(coach.round_items(merged.id, 2) or ()) == 1
        again = merge_source(coach, school)
        assert "re-score round items" not in again.added
