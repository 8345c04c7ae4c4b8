"""A session exported as a kit and loaded into a new database gives the same records (issue 14):
scores with notes in every round, the round the session is in, consensus decisions with their
rationales, the master key and the anchors with their status."""

from __future__ import annotations

import json
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calibrate.domain.model import (
    Anchor,
    AnchorStatus,
    Consensus,
    Criterion,
    Level,
    Phase,
    Rater,
    ReferenceScore,
    Rubric,
    Sample,
    Session,
)
from calibrate.storage.scenario_files import dump_scenario, parse_scenario, parse_scenario_json
from calibrate.storage.scenario_store import export_session, load_scenario
from calibrate.storage.store import Store
from tests.storage.conftest import Meeting


def records(store: Store, session_id: int) -> dict[str, object]:
    """Everything a meeting produced, named by content (sample titles, rater names), not ids."""
    session = store.get_session(session_id)
    title = {i: store.get_sample(i).title for i in session.sample_ids}
    name = {i: store.get_rater(i).name for i in session.rater_ids}
    rubric = store.get_rubric(session.rubric_id)
    return {
        "session": (
            session.title,
            session.date,
            session.facilitator,
            session.phase,
            session.blind,
            session.round,
            session.cut_score,
        ),
        "samples": [store.get_sample(i).title for i in session.sample_ids],
        "round_items": {
            r: sorted((title[i], key) for i, key in items)
            for r in range(2, session.round + 1)
            if (items := store.round_items(session_id, r)) is not None
        },
        "raters": [name[i] for i in session.rater_ids],
        "rubric": (rubric.name, rubric.version, rubric.criteria),
        "scores": sorted(
            (s.round, title[s.sample_id], s.criterion_key, name[s.rater_id], s.level, s.note)
            for s in store.scores(session_id)
        ),
        "consensus": [
            (title[c.sample_id], c.criterion_key, c.level, c.rationale)
            for c in store.consensus_for(session_id)
        ],
        "master_key": sorted(
            (title[r.sample_id], r.criterion_key, r.level, r.set_by)
            for r in store.reference_scores(session.sample_ids, rubric_id=session.rubric_id)
        ),
        "anchors": sorted(
            (title[a.sample_id], a.criterion_key, a.level, a.annotation, str(a.status))
            for a in store.anchors(rubric_id=session.rubric_id)
            if a.session_id == session_id
        ),
    }


def reload(store: Store, session_id: int, path: Path) -> tuple[str, dict[str, object], str]:
    """Export the session, load the TOML into a new database at ``path``; the first file, the
    records there and the file exported from there."""
    first = dump_scenario(export_session(store, session_id))
    with Store.open(path) as fresh:
        report = load_scenario(fresh, parse_scenario(first))
        assert report.session_id is not None
        again = records(fresh, report.session_id)
        second = dump_scenario(export_session(fresh, report.session_id))
    return first, again, second


def test_consensus_rounds_anchors_and_key_survive_export_and_load(
    store: Store, meeting: Meeting, tmp_path: Path
) -> None:
    sid, s0, s1 = meeting.session_id, meeting.sample_id(0), meeting.sample_id(1)
    amara, ben = meeting.rater_id(0), meeting.rater_id(1)
    store.record_score(sid, s0, "claim", amara, 3, note="Clear from line one.")
    store.record_score(sid, s0, "claim", ben, 1, note="Drifts\r\nby the end.")
    store.record_score(sid, s1, "evidence", ben, 2)
    store.set_phase(sid, Phase.REVEAL)
    store.set_phase(sid, Phase.CONSENSUS)
    store.set_consensus(Consensus(sid, s0, "claim", 3, rationale="It returns to the claim."))
    store.set_consensus(Consensus(sid, s1, "evidence", 2))
    assert meeting.rubric.id is not None
    store.set_reference_score(
        ReferenceScore(s0, "evidence", 4, set_by="District coach", rubric_id=meeting.rubric.id)
    )
    anchor = store.add_anchor(
        Anchor(meeting.rubric.id, "claim", 3, s0, annotation="A claim kept.", session_id=sid)
    )
    assert anchor.id is not None
    store.set_anchor_status(anchor.id, AnchorStatus.APPROVED)
    store.add_anchor(Anchor(meeting.rubric.id, "evidence", 2, s1, session_id=sid))
    store.start_round(sid)  # round 2 begun, nothing scored in it yet
    store.set_phase(sid, Phase.CLOSED)
    before = records(store, sid)

    first, after, second = reload(store, sid, tmp_path / "fresh.db")

    assert after == before
    assert second == first
    as_json = json.dumps(tomllib.loads(first), ensure_ascii=False, indent=2)
    assert parse_scenario_json(as_json, source="kit.json") == parse_scenario(first)
    assert "[[session.consensus]]" in first and "round = 2" in first
    consensus = before["consensus"]
    assert consensus == [
        ("Should our school start later? (1)", "claim", 3, "It returns to the claim."),
        ("Should our school start later? (2)", "evidence", 2, ""),
    ]


def test_a_partial_rounds_items_survive_export_and_load(
    store: Store, meeting: Meeting, tmp_path: Path
) -> None:
    """Issue 13: a kit left out which items a re-score round asked for, so loaded back the
    round asked for every item again (and its progress counted 8 items, not 1)."""
    sid, s0, s1 = meeting.session_id, meeting.sample_id(0), meeting.sample_id(1)
    amara, ben = meeting.rater_id(0), meeting.rater_id(1)
    store.record_score(sid, s0, "claim", amara, 3)
    store.record_score(sid, s0, "claim", ben, 1)
    store.record_score(sid, s1, "claim", ben, 2)
    store.set_phase(sid, Phase.REVEAL)
    store.start_round(sid, [(s0, "claim")])
    store.record_score(sid, s0, "claim", ben, 3, note="After the talk.", round=2)
    before = records(store, sid)
    assert before["round_items"] == {2: [("Should our school start later? (1)", "claim")]}

    first, after, second = reload(store, sid, tmp_path / "fresh.db")

    assert "[[session.round_items]]" in first
    assert after == before and second == first
    as_json = json.dumps(tomllib.loads(first), ensure_ascii=False, indent=2)
    assert parse_scenario_json(as_json, source="kit.json") == parse_scenario(first)
    with Store.open(tmp_path / "fresh.db") as fresh:  # loading it again adds nothing
        report = load_scenario(fresh, parse_scenario(first))
        assert report.created == 0


def test_a_kit_raises_the_round_of_a_session_stored_earlier(
    store: Store, meeting: Meeting, tmp_path: Path
) -> None:
    """Issue 14: loading a kit of a later state into the database holding the session's
    earlier state kept the old round, so the new round's scores were refused."""
    sid, s0 = meeting.session_id, meeting.sample_id(0)
    amara = meeting.rater_id(0)
    store.record_score(sid, s0, "claim", amara, 2)
    early = dump_scenario(export_session(store, sid))
    store.set_phase(sid, Phase.REVEAL)
    store.start_round(sid, [(s0, "claim")])
    store.record_score(sid, s0, "claim", amara, 3, round=2)
    later = dump_scenario(export_session(store, sid))
    with Store.open(tmp_path / "school.db") as school:
        first = load_scenario(school, parse_scenario(early))
        assert first.session_id is not None
        assert school.get_session(first.session_id).round == 1
        second = load_scenario(school, parse_scenario(later))
        assert second.session_id == first.session_id and second.round_items_added == 1
        assert school.get_session(first.session_id).round == 2
        assert records(school, first.session_id) == records(store, sid)


def test_loading_the_export_again_changes_nothing(store: Store, meeting: Meeting) -> None:
    sid = meeting.session_id
    store.record_score(sid, meeting.sample_id(0), "claim", meeting.rater_id(0), 2)
    store.set_phase(sid, Phase.CONSENSUS)
    store.set_consensus(Consensus(sid, meeting.sample_id(0), "claim", 2, rationale="Agreed."))
    report = load_scenario(store, export_session(store, sid))
    assert report.created == 0
    assert (report.consensus_unchanged, report.scores_unchanged) == (1, 1)


def test_a_changed_decision_in_a_kit_is_recorded_anew(store: Store, meeting: Meeting) -> None:
    sid = meeting.session_id
    store.set_phase(sid, Phase.CONSENSUS)
    store.set_consensus(Consensus(sid, meeting.sample_id(0), "claim", 2, rationale="First."))
    kit = parse_scenario(
        dump_scenario(export_session(store, sid)).replace(
            'rationale = "First."', 'rationale = "Then."'
        )
    )
    report = load_scenario(store, kit)
    assert report.consensus_set == 1
    (decision,) = store.consensus_for(sid)
    assert (decision.level, decision.rationale) == (2, "Then.")


# --- property: any session ----------------------------------------------------------------------

TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f")
    | st.sampled_from("\n\t\r"),
    max_size=12,
)
NAME = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x7f"),
    min_size=1,
    max_size=10,
).filter(lambda s: s.strip() != "")


@dataclass(frozen=True)
class Plan:
    """A meeting to build through the store: sizes, then what each rater did."""

    n_levels: tuple[int, ...]  # per criterion
    titles: tuple[str, ...]
    raters: tuple[str, ...]
    scores: tuple[tuple[int, int, int, int, int, str], ...]  # round, sample, crit, rater, pos, note
    consensus: tuple[tuple[int, int, int, str], ...]  # sample, criterion, position, rationale
    key: tuple[tuple[int, int, int, str], ...]  # sample, criterion, position, set by
    anchors: tuple[tuple[int, int, int, str, AnchorStatus], ...]
    phase: Phase
    cut: bool
    blind: bool = True
    facilitator: str = ""


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    n_levels = tuple(draw(st.lists(st.integers(2, 5), min_size=1, max_size=3)))
    titles = tuple(draw(st.lists(NAME, min_size=1, max_size=3, unique=True)))
    raters = tuple(
        draw(
            st.lists(
                NAME, min_size=1, max_size=3, unique_by=lambda s: " ".join(s.split()).casefold()
            )
        )
    )
    sample, criterion = st.integers(0, len(titles) - 1), st.integers(0, len(n_levels) - 1)
    scores = draw(
        st.lists(
            st.tuples(
                st.integers(1, 2),
                sample,
                criterion,
                st.integers(0, len(raters) - 1),
                st.integers(0, 4),
                TEXT,
            ),
            max_size=12,
            unique_by=lambda t: t[:4],
        )
    )
    consensus = draw(
        st.lists(
            st.tuples(sample, criterion, st.integers(0, 4), TEXT),
            max_size=4,
            unique_by=lambda t: t[:2],
        )
    )
    key = draw(
        st.lists(
            st.tuples(sample, criterion, st.integers(0, 4), TEXT),
            max_size=4,
            unique_by=lambda t: t[:2],
        )
    )
    anchors = draw(
        st.lists(
            st.tuples(sample, criterion, st.integers(0, 4), TEXT, st.sampled_from(AnchorStatus)),
            max_size=3,
            unique_by=lambda t: t[:3],
        )
    )
    return Plan(
        n_levels,
        titles,
        raters,
        tuple(scores),
        tuple(consensus),
        tuple(key),
        tuple(anchors),
        draw(st.sampled_from(Phase)),
        draw(st.booleans()),
        draw(st.booleans()),
        draw(TEXT.map(lambda t: " ".join(t.split()))),
    )


def build(store: Store, plan: Plan) -> int:
    """Store the planned meeting through the same calls the app makes; the session's id."""
    criteria = tuple(
        Criterion(
            key=f"c{i}",
            name=f"Criterion {i}",
            levels=tuple(Level(s, f"L{s}", f"Level {s}.") for s in range(n)),
        )
        for i, n in enumerate(plan.n_levels)
    )
    rubric = store.add_rubric(Rubric(name="Generated rubric", criteria=criteria))
    samples = [store.add_sample(Sample(title=t, body=f"Body of {t}")) for t in plan.titles]
    raters = [store.add_rater(Rater(name=n)) for n in plan.raters]
    assert rubric.id is not None
    session = store.create_session(
        Session(
            title="Generated meeting",
            date="2026-11-02",
            rubric_id=rubric.id,
            sample_ids=tuple(s.id for s in samples if s.id is not None),
            rater_ids=tuple(r.id for r in raters if r.id is not None),
            phase=Phase.SCORING,
            cut_score=1 if plan.cut else None,
            blind=plan.blind,
            facilitator=plan.facilitator,
        )
    )
    assert session.id is not None
    sid = session.id

    def level(c: int, position: int) -> int:
        return min(position, plan.n_levels[c] - 1)

    def ids(s: int) -> int:
        sample_id = samples[s].id
        assert sample_id is not None
        return sample_id

    for rnd in (1, 2):
        if rnd == 2 and any(t[0] == 2 for t in plan.scores):
            store.set_phase(sid, Phase.REVEAL)
            # Round 2 asks only for the items it scores (a partial round, issue 13).
            asked = sorted({(ids(s), f"c{c}") for r, s, c, *_ in plan.scores if r == 2})
            store.start_round(sid, asked)
        for r, s, c, who, pos, note in plan.scores:
            if r == rnd:
                rater_id = raters[who].id
                assert rater_id is not None
                store.record_score(
                    sid, ids(s), f"c{c}", rater_id, level(c, pos), note=note, round=r
                )
    store.set_phase(sid, Phase.CONSENSUS)
    for s, c, pos, why in plan.consensus:
        store.set_consensus(Consensus(sid, ids(s), f"c{c}", level(c, pos), rationale=why))
    for s, c, pos, who in plan.key:
        store.set_reference_score(
            ReferenceScore(ids(s), f"c{c}", level(c, pos), set_by=who, rubric_id=rubric.id)
        )
    kept: set[tuple[int, int, int, str, AnchorStatus]] = set()
    for s, c, pos, note, status in plan.anchors:
        if (s, c, level(c, pos), note, status) in kept:  # the same anchor twice is one anchor
            continue
        kept.add((s, c, level(c, pos), note, status))
        anchor = store.add_anchor(
            Anchor(rubric.id, f"c{c}", level(c, pos), ids(s), annotation=note, session_id=sid)
        )
        assert anchor.id is not None
        if status is not AnchorStatus.PROPOSED:
            store.set_anchor_status(anchor.id, status)
    store.set_phase(sid, plan.phase)
    return sid


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_any_session_exported_and_loaded_into_a_new_database_has_the_same_records(
    plan: Plan,
) -> None:
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "one.db") as one:
        sid = build(one, plan)
        before = records(one, sid)
        first, after, second = reload(one, sid, Path(folder) / "two.db")
    assert after == before
    assert second == first
    as_json = json.dumps(tomllib.loads(first), ensure_ascii=False, indent=2)
    assert parse_scenario_json(as_json, source="kit.json") == parse_scenario(first)


def test_the_json_locator_finds_nested_values() -> None:
    from calibrate.storage.scenario_json import JsonLocator

    text = '{\n "a": [\n  {"b": 1},\n  {"b": "x\\"y", "c": {"d": [true, null]}}\n ],\n "e": 2\n}'
    locator = JsonLocator(text)
    assert locator.line_of(("a", 1, "c", "d", 1)) == 4
    assert locator.line_of(("a", 0, "b")) == 3
    assert locator.line_of(("e",)) == 6
    assert locator.line_of(("a", 1, "missing")) == 4  # the nearest written ancestor
    assert locator.line_of(("nowhere",)) == 1
