"""School by school agreement on the shared anchor samples, worked out by hand."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from calibrate.cli.main import cli
from calibrate.domain.model import (
    Anchor,
    AnchorStatus,
    Phase,
    Rater,
    ReferenceScore,
    Sample,
    Session,
)
from calibrate.services.district.schools import cross_school_agreement
from calibrate.services.records.merge import merge_source
from calibrate.storage.store import Store
from tests.storage.conftest import make_rubric


def _meeting(
    path: Path, raters: list[str], scores: list[tuple[str, str, str, int]], *, reveal: bool = True
) -> None:
    """One first-round meeting on both samples: (rater, sample key, criterion, level)."""
    with Store.open(path) as store:
        ids = {name: store.add_rater(Rater(name=name)).id or 0 for name in raters}
        samples = {s.key: s.id or 0 for s in store.list_samples()}
        session = store.create_session(
            Session(
                title="Moderation",
                date="2026-11-20",
                rubric_id=1,
                sample_ids=tuple(samples.values()),
                rater_ids=tuple(ids.values()),
            )
        )
        assert session.id is not None
        store.set_phase(session.id, Phase.SCORING)
        for rater, sample, criterion, level in scores:
            store.record_score(session.id, samples[sample], criterion, ids[rater], level)
        if reveal:
            store.set_phase(session.id, Phase.REVEAL)


@pytest.fixture
def district(tmp_path: Path) -> Path:
    base = tmp_path / "base.db"
    with Store.open(base) as store:
        store.add_rubric(make_rubric())  # claim and evidence, levels 1-4
        s1 = (
            store.add_sample(
                Sample(key="S1", title="Later start", body="School should start later.")
            ).id
            or 0
        )
        s2 = store.add_sample(Sample(key="S2", title="Phones", body="Phones help.")).id or 0
        store.add_anchor(Anchor(1, "claim", 3, s1, "A clear claim.", status=AnchorStatus.APPROVED))
        store.add_anchor(Anchor(1, "claim", 1, s2, "Not agreed.", status=AnchorStatus.PROPOSED))
        store.set_reference_score(ReferenceScore(s2, "evidence", 2, set_by="Coach", rubric_id=1))
    north, south = tmp_path / "north.db", tmp_path / "south.db"
    for school in (north, south):
        school.write_bytes(base.read_bytes())  # one district kit: the same records in both
    # agreed levels: S1 claim 3 (approved anchor), S2 evidence 2 (master key); S2 claim and
    # S1 evidence have none (a proposed anchor does not count)
    _meeting(
        north,
        ["Ana"],
        [("Ana", "S1", "claim", 3), ("Ana", "S2", "evidence", 3), ("Ana", "S2", "claim", 1)],
    )
    _meeting(
        south,
        ["Bo", "Cy"],
        [
            ("Bo", "S1", "claim", 2),
            ("Cy", "S1", "claim", 4),
            ("Bo", "S2", "evidence", 2),
            ("Cy", "S2", "evidence", 2),
            ("Bo", "S1", "evidence", 1),
        ],
    )
    with Store.open(north) as store:  # north proposes an anchor from its meeting
        session = store.list_sessions()[0].id
        store.add_anchor(Anchor(1, "evidence", 2, 1, "Cites both.", session_id=session))
    coach = tmp_path / "coach.db"
    with Store.open(coach) as store:
        merge_source(store, north)
        merge_source(store, south)
    return coach


def test_each_school_is_measured_on_the_cells_both_scored(district: Path) -> None:
    with Store.open(district) as store:
        view = cross_school_agreement(store)
    assert view.shared_cells == 2 and view.note == ""
    north, south = view.schools
    # north: S1 claim 3 vs 3 (0), S2 evidence 3 vs 2 (+1)
    assert (north.school, north.scores, north.raters, north.cells) == ("north", 2, 1, 2)
    assert (north.exact, north.within_one, north.lean) == (0.5, 1.0, 0.5)
    # south: S1 claim 2 and 4 vs 3 (-1, +1), S2 evidence 2 and 2 vs 2 (0, 0)
    assert (south.school, south.scores, south.raters) == ("south", 4, 2)
    assert (south.exact, south.within_one, south.lean) == (0.5, 1.0, 0.0)
    assert north.samples == south.samples == ("S1", "S2")
    assert north.anchors == ("S1 evidence 2 (proposed)",) and south.anchors == ()


def test_one_school_alone_cannot_be_compared(tmp_path: Path, district: Path) -> None:
    with Store.open(tmp_path / "north.db") as store:
        view = cross_school_agreement(store)
    assert view.shared_cells == 0
    assert "Only one school" in view.note
    [here] = view.schools
    assert here.school == "this database" and here.exact is None
    assert here.note == "scored none of the shared samples in a first round"


def test_schools_command(district: Path) -> None:
    result = CliRunner().invoke(cli, ["schools", "--db", str(district)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "2 shared sample-criterion cells with an agreed level."
    assert lines[2].split() == ["north", "1", "1", "2", "2", "50%", "100%", "+0.50"]
    assert lines[3].split() == ["south", "1", "2", "2", "4", "50%", "100%", "+0.00"]
    assert "north scored: S1, S2" in result.stdout
    assert "north's anchors: S1 evidence 2 (proposed)" in result.stdout
    result = CliRunner().invoke(cli, ["schools", "--db", str(district), "--json"])
    assert result.exit_code == 0
    assert '"shared_cells": 2' in result.stdout and '"lean": 0.5' in result.stdout


def test_a_kits_own_session_is_a_row_but_no_school(tmp_path: Path) -> None:
    from tests.services.merge_fixtures import make_school

    coach = tmp_path / "coach.db"
    north = make_school(tmp_path, "northside", meetings=1)
    with Store.open(coach) as store:
        merge_source(store, north)
        alone = cross_school_agreement(store)
        # the kit's session scored the keyed essay too, but a kit is no school
        assert alone.shared_cells == 0 and "Only one school" in alone.note
        assert [row.school for row in alone.schools] == ["northside"]
        merge_source(store, make_school(tmp_path, "riverside", meetings=1, seed=5))
        view = cross_school_agreement(store)
    # the tiny kit keys essay-1 on claim and evidence; both schools scored both
    assert view.shared_cells == 2
    assert [row.school for row in view.schools] == ["northside", "riverside", "kit “Tiny kit”"]
    assert all(row.samples == ("essay-1",) for row in view.schools)


def test_a_meeting_still_being_scored_blind_stays_hidden(tmp_path: Path, district: Path) -> None:
    east = tmp_path / "east.db"
    east.write_bytes((tmp_path / "base.db").read_bytes())
    _meeting(east, ["Di"], [("Di", "S1", "claim", 1), ("Di", "S2", "evidence", 1)], reveal=False)
    with Store.open(district) as store:
        before = cross_school_agreement(store)
        merge_source(store, east)
        after = cross_school_agreement(store)
    assert [r.school for r in after.schools] == ["east", "north", "south"]
    assert after.schools[0].scores == 0 and after.schools[1:] == before.schools


def test_each_school_is_said_in_words(district: Path) -> None:
    from calibrate.services.district.schools import school_sentence

    with Store.open(district) as store:
        north, south = cross_school_agreement(store).schools
    assert school_sentence(north) == (
        "north: 50% of its 2 first scores on 2 shared items were at the agreed level, 100% "
        "within one level, and scores 0.50 of a level higher (more lenient) on average."
    )
    assert school_sentence(south).endswith(
        "100% within one level, and neither more lenient nor harsher than the agreed levels."
    )
    alone = dataclasses.replace(north, exact=None, within_one=None, lean=None, note="scored x")
    assert school_sentence(alone) == "north scored x."
