"""Authoring services: rubric drafts checked at the field, versions and their differences,
samples from text and files with the privacy check, raters merged without losing a score, the
master key, and kits exported to TOML that load back identically."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calibrate.domain.errors import (
    InvalidOperationError,
    ScoreImportError,
)
from calibrate.domain.model import Consensus, Phase, RubricKind, SampleKind
from calibrate.services.authoring.drafts import (
    CriterionDraft,
    FieldProblem,
    LevelDraft,
    RubricDraft,
    add_criterion,
    add_level,
    check_draft,
    draft_to_rubric,
    move_criterion,
    move_level,
    remove_level,
    suggest_key,
)
from calibrate.services.authoring.kits import (
    export_kit_file,
    kit_from_rubric,
    kit_from_session,
    load_kit_file,
    rubric_raters,
)
from calibrate.services.authoring.master_key import (
    import_master_key_csv,
    master_key_grid,
    promote_consensus,
    set_reference,
)
from calibrate.services.authoring.privacy import privacy_flags
from calibrate.services.authoring.raters import (
    RaterForm,
    add_rater,
    check_rater_form,
    edit_rater,
    merge_raters,
    rater_rows,
    set_active,
)
from calibrate.services.authoring.rubrics import (
    ChangeKind,
    DraftError,
    compare_versions,
    copy_draft,
    draft_from_rubric,
    new_draft,
    save_draft,
    version_history,
)
from calibrate.services.authoring.samples import (
    SampleFileError,
    SampleForm,
    add_sample,
    expand_paths,
    import_sample_files,
    title_from_name,
    title_from_text,
    update_sample,
)
from calibrate.services.meeting import sessions as meeting
from calibrate.services.records.database import load_scenario_file
from calibrate.storage.scenario_files import dump_scenario, parse_scenario, read_scenario
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KITS = sorted((ROOT / "scenarios").glob("*.toml"))
GRADE8 = ROOT / "scenarios" / "grade8-argument.toml"


def clock_from(start: int = 0) -> Iterator[str]:
    for n in itertools.count(start):
        yield f"2026-10-14T09:{n // 60 % 60:02d}:{n % 60:02d}.000+00:00"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    ticks = clock_from()
    with Store.open(tmp_path / "authoring.db", clock=lambda: next(ticks)) as opened:
        yield opened


def small_draft() -> RubricDraft:
    """A two-criterion rubric, filled in as a facilitator would."""
    draft = new_draft(levels=3)
    draft.name = "Lab report"
    draft.subject = "Science"
    first = draft.criteria[0]
    first.key, first.name = "hypothesis", "Hypothesis"
    for n, level in enumerate(first.levels, start=1):
        level.label = f"H{n}"
        level.descriptor = f"The hypothesis at level {n}."
    at = add_criterion(draft)
    second = draft.criteria[at]
    second.key, second.name = "data", "Data"
    for n, level in enumerate(second.levels, start=1):
        level.label = f"D{n}"
        level.descriptor = f"The data at level {n}."
    return draft


def paths(problems: list[FieldProblem]) -> list[tuple[str | int, ...]]:
    return [p.path for p in problems]


# --- drafts: checks at the field -----------------------------------------------------------------


def test_a_blank_draft_names_every_missing_field() -> None:
    problems = check_draft(new_draft())
    assert paths(problems) == [
        ("name",),
        ("criteria", 0, "key"),
        ("criteria", 0, "name"),
        *[("criteria", 0, "levels", j, "descriptor") for j in range(4)],
    ]
    assert problems[0].message == "A rubric needs a name."


def test_a_complete_draft_has_no_problem() -> None:
    assert check_draft(small_draft()) == []


def test_levels_out_of_order_are_reported_at_the_score_that_breaks_the_order() -> None:
    draft = small_draft()
    draft.criteria[1].levels[2].score = "2"
    problems = check_draft(draft)
    assert paths(problems) == [("criteria", 1, "levels", 2, "score")]
    assert "2 comes after 2" in problems[0].message


def test_duplicate_keys_bad_keys_and_scores_that_are_not_numbers() -> None:
    draft = small_draft()
    draft.criteria[1].key = "hypothesis"
    draft.criteria[0].levels[0].score = "one"
    problems = check_draft(draft)
    assert paths(problems) == [
        ("criteria", 0, "levels", 0, "score"),
        ("criteria", 1, "key"),
    ]
    assert "Criterion 1 already uses the key “hypothesis”" in problems[1].message
    draft.criteria[1].key = "Use of Data"
    assert "lowercase letters" in check_draft(draft)[1].message


def test_holistic_means_exactly_one_criterion() -> None:
    draft = small_draft()
    draft.kind = RubricKind.HOLISTIC
    assert paths(check_draft(draft)) == [("kind",)]
    del draft.criteria[1]
    assert check_draft(draft) == []


def test_a_criterion_needs_two_levels() -> None:
    draft = small_draft()
    remove_level(draft.criteria[0], 0)
    remove_level(draft.criteria[0], 0)
    assert paths(check_draft(draft)) == [("criteria", 0, "levels")]


@given(st.lists(st.integers(0, 40), min_size=2, max_size=6))
def test_the_order_check_flags_exactly_the_scores_that_do_not_go_up(scores: list[int]) -> None:
    criterion = CriterionDraft(
        key="c",
        name="C",
        levels=[LevelDraft(str(s), "L", "D") for s in scores],
    )
    draft = RubricDraft(name="R", criteria=[criterion])
    flagged = {p.path[3] for p in check_draft(draft)}
    # A score is compared with the one just before it, as the reader sees the list.
    expected = {j for j in range(1, len(scores)) if scores[j] <= scores[j - 1]}
    assert flagged == expected


def test_editing_helpers_keep_the_scale_in_order() -> None:
    draft = small_draft()
    criterion = draft.criteria[0]
    assert add_level(criterion) == 3
    assert criterion.levels[3].score == "4"
    criterion.levels[3].label, criterion.levels[3].descriptor = "H4", "Top."
    # Moving a level moves its wording; the scores stay ascending.
    assert move_level(criterion, 3, -1) == 2
    assert [lv.score for lv in criterion.levels] == ["1", "2", "3", "4"]
    assert [lv.label for lv in criterion.levels] == ["H1", "H2", "H4", "H3"]
    assert move_level(criterion, 0, -1) == 0  # already first: nothing moves
    assert move_criterion(draft, 0, +1) == 1
    assert [c.key for c in draft.criteria] == ["data", "hypothesis"]
    assert suggest_key("Use of evidence!", {"use-of-evidence"}) == "use-of-evidence-2"


def test_every_bundled_rubric_round_trips_through_a_draft() -> None:
    for path in KITS:
        rubric = read_scenario(path).rubric
        draft = draft_from_rubric(rubric)
        assert check_draft(draft) == [], path.name
        assert draft_to_rubric(draft, version=rubric.version) == rubric


# --- saving and versions -----------------------------------------------------------------------


def test_nothing_is_saved_from_an_incomplete_draft(store: Store) -> None:
    draft = small_draft()
    draft.criteria[1].levels[0].descriptor = " "
    with pytest.raises(DraftError) as caught:
        save_draft(store, draft)
    assert caught.value.problems[0].path == ("criteria", 1, "levels", 0, "descriptor")
    assert caught.value.message.startswith("Not saved: Describe what work")
    assert store.list_rubrics(all_versions=True) == []


def one_session(store: Store, rubric_id: int) -> int:
    samples = [add_sample(store, SampleForm(f"Report {n}", f"Body {n}.")).sample.id for n in (1, 2)]
    raters = [add_rater(store, RaterForm(name)).id for name in ("Ana", "Ben")]
    session = meeting.create_session(
        store,
        title="Lab reports",
        date="2026-10-14",
        rubric_id=rubric_id,
        sample_ids=[s for s in samples if s is not None],
        rater_ids=[r for r in raters if r is not None],
    )
    assert session.id is not None
    return session.id


def test_a_rubric_in_use_gets_a_new_version_and_the_old_session_keeps_its_wording(
    store: Store,
) -> None:
    draft = small_draft()
    first = save_draft(store, draft)
    assert (first.changed, first.new_version, first.rubric.version) == (True, False, 1)
    # Not used yet: edited in place.
    draft.subject = "Biology"
    again = save_draft(store, draft)
    assert again.rubric.id == first.rubric.id and again.rubric.subject == "Biology"
    assert first.rubric.id is not None
    session_id = one_session(store, first.rubric.id)
    old_wording = store.get_rubric(first.rubric.id).criteria[0].levels[2].descriptor

    draft.criteria[0].levels[2].descriptor = "A testable hypothesis that names both variables."
    saved = save_draft(store, draft)
    assert saved.new_version and saved.rubric.version == 2
    assert saved.rubric.family_id == first.rubric.family_id
    assert "version 2" in saved.message
    context = meeting.load_context(store, session_id)
    assert context.rubric.id == first.rubric.id
    assert context.rubric.criteria[0].levels[2].descriptor == old_wording

    unchanged = save_draft(store, draft)
    assert not unchanged.changed
    assert len(store.rubric_versions(first.rubric.family_id or 0)) == 2


def test_the_history_shows_what_changed_and_who_uses_each_version(store: Store) -> None:
    draft = small_draft()
    first = save_draft(store, draft).rubric
    assert first.id is not None and first.family_id is not None
    one_session(store, first.id)
    draft.criteria[0].levels[2].descriptor = "Testable, and names both variables."
    draft.criteria[1].name = "Data and units"
    save_draft(store, draft)
    history = version_history(store, first.family_id)
    assert [v.rubric.version for v in history] == [1, 2]
    assert [s.title for s in history[0].sessions] == ["Lab reports"]
    assert history[0].summary == "1 session" and history[1].summary == "not used yet"
    assert history[0].changes == ()
    assert [(c.kind, c.where, c.before, c.after) for c in history[1].changes] == [
        (
            ChangeKind.CHANGED,
            "hypothesis, level 3, descriptor",
            "The hypothesis at level 3.",
            "Testable, and names both variables.",
        ),
        (ChangeKind.CHANGED, "data, name", "Data", "Data and units"),
    ]


def test_compare_versions_finds_added_removed_and_moved_parts() -> None:
    old = draft_to_rubric(small_draft())
    draft = small_draft()
    move_criterion(draft, 1, -1)
    add_level(draft.criteria[0])
    draft.criteria[0].levels[-1].label = "D4"
    draft.criteria[0].levels[-1].descriptor = "More."
    remove_level(draft.criteria[1], 0)
    at = add_criterion(draft)
    draft.criteria[at].key, draft.criteria[at].name = "safety", "Safety"
    for level in draft.criteria[at].levels:
        level.descriptor = "Safe."
    new = draft_to_rubric(draft)
    changes = {(c.kind, c.criterion, c.level) for c in compare_versions(old, new)}
    assert changes == {
        (ChangeKind.MOVED, "data", None),
        (ChangeKind.ADDED, "data", 4),
        (ChangeKind.MOVED, "hypothesis", None),
        (ChangeKind.REMOVED, "hypothesis", 1),
        (ChangeKind.ADDED, "safety", None),
    }
    assert compare_versions(old, old) == []


def test_a_copy_is_a_separate_rubric(store: Store) -> None:
    original = save_draft(store, small_draft()).rubric
    copy = copy_draft(original)
    assert copy.name == "Copy of Lab report" and copy.source_id is None
    stored = save_draft(store, copy).rubric
    assert stored.family_id != original.family_id
    assert stored.criteria == original.criteria


# --- samples -------------------------------------------------------------------------------------


def test_titles_come_from_the_first_heading_or_the_file_name() -> None:
    assert title_from_text("\n# Time to Turn the Page #\n\nEvery morning") == (
        "Time to Turn the Page"
    )
    assert title_from_text("Tablets\n=======\n\nText") == "Tablets"
    assert title_from_text("Just text.\nMore.") is None
    assert title_from_name(Path("essay_3-final.md")) == "essay 3 final"


def test_three_files_become_three_samples(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "a.md").write_text("# Later start\n\nTeens need sleep.", encoding="utf-8")
    (folder / "b_essay.txt").write_text("Schools should not change.\r\n", encoding="utf-8")
    (folder / "c.md").write_text("\ufeffUniforms\n---\n\nMy name is Jamal Wright.", "utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF")
    found = expand_paths(str(folder))
    assert [p.name for p in found] == ["a.md", "b_essay.txt", "c.md"]
    saved = import_sample_files(store, found, kind=SampleKind.ESSAY, grade="8")
    assert [s.sample.title for s in saved] == ["Later start", "b essay", "Uniforms"]
    assert saved[0].sample.body == "# Later start\n\nTeens need sleep."
    assert saved[1].sample.body == "Schools should not change."
    assert [s.grade for s in store.list_samples()] == ["8", "8", "8"]
    assert saved[0].flags == () and saved[0].warning == ""
    assert [f.text for f in saved[2].flags] == ["Jamal Wright"]
    assert "It never stops you saving" in saved[2].warning


def test_one_bad_file_imports_nothing(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Fine\n\ntext", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(SampleFileError, match=r"latin\.txt: is not UTF-8 text"):
        import_sample_files(store, [good, latin])
    assert store.list_samples() == []
    empty = tmp_path / "empty.md"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(SampleFileError, match=r"empty\.md: is empty"):
        import_sample_files(store, [good, empty])
    with pytest.raises(SampleFileError, match="only text"):
        import_sample_files(store, [tmp_path / "scan.pdf"])
    with pytest.raises(SampleFileError, match="no such file"):
        expand_paths(str(tmp_path / "missing.md"))
    assert store.list_samples() == []


def test_pasted_samples_are_checked_and_edited_in_place(store: Store) -> None:
    with pytest.raises(InvalidOperationError, match="needs a title"):
        add_sample(store, SampleForm(" ", "text"))
    saved = add_sample(store, SampleForm("Essay 1", "Write to me: jo@example.org"))
    assert [f.kind for f in saved.flags] == ["email address"]
    assert saved.sample.id is not None
    edited = update_sample(
        store, saved.sample.id, SampleForm("Essay 1 (clean)", "No address now.", grade="8")
    )
    assert edited.flags == ()
    assert store.get_sample(saved.sample.id).title == "Essay 1 (clean)"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Email jo.smith@school.org today", [("email address", "jo.smith@school.org")]),
        ("Call 555-123-4567.", [("phone number", "555-123-4567")]),
        ("or (555) 123 4567", [("phone number", "(555) 123 4567")]),
        ("My name is Maria and I like tea.", [("name", "Maria")]),
        ("Ms. Lindgren points to the board.", [("name", "Ms. Lindgren")]),
        ("I sat next to Jamal Wright at lunch.", [("name", "Jamal Wright")]),
        ("The United States and New York.", []),  # common words are not names
        ("# Should Schools Start Later", []),  # headings are Title Case
        ("4,005 - 1,678 = 2,327 on 2026-10-14", []),  # sums and dates are not phone numbers
        ("maria lopez wrote this", []),  # a known limit: lowercase names are missed
    ],
)
def test_the_privacy_check(text: str, found: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.text) for f in privacy_flags(text)] == found


def test_the_student_essays_of_the_bundled_kits_raise_no_privacy_flag() -> None:
    for path in (GRADE8, ROOT / "scenarios" / "grade5-subtraction.toml"):
        for sample in read_scenario(path).samples:
            assert privacy_flags(sample.body) == [], (path.name, sample.key)


# --- raters --------------------------------------------------------------------------------------


def scored_session(store: Store, rater_names: list[str], n_samples: int = 2) -> tuple[int, dict]:
    rubric = save_draft(store, small_draft()).rubric
    assert rubric.id is not None
    raters = {name: add_rater(store, RaterForm(name)).id for name in rater_names}
    samples = [
        add_sample(store, SampleForm(f"Report {n}", "Body.")).sample.id
        for n in range(1, n_samples + 1)
    ]
    session = meeting.create_session(
        store,
        title="Lab reports",
        date="2026-10-14",
        rubric_id=rubric.id,
        sample_ids=[s for s in samples if s is not None],
        rater_ids=[r for r in raters.values() if r is not None],
    )
    assert session.id is not None
    return session.id, {"raters": raters, "samples": samples}


def test_merge_keeps_every_score_and_the_session_place(store: Store) -> None:
    session_id, ids = scored_session(store, ["Amara Okafor", "Ben Lind", "A. Okafor"])
    amara, ben, dup = (ids["raters"][n] for n in ("Amara Okafor", "Ben Lind", "A. Okafor"))
    s1, s2 = ids["samples"]
    # The same person scored sample 1 under one entry and sample 2 under the other.
    for rater, sample in ((amara, s1), (dup, s2), (ben, s1), (ben, s2)):
        for key in ("hypothesis", "data"):
            meeting.record_score(
                store, session_id, rater_id=rater, sample_id=sample, criterion_key=key, level=2
            )
    meeting.record_score(
        store, session_id, rater_id=dup, sample_id=s2, criterion_key="data", level=3
    )
    edit_rater(store, dup, RaterForm("A. Okafor", initials="AO", role="teacher"))
    before = sorted((s.sample_id, s.criterion_key, s.level) for s in store.scores(session_id))

    report = merge_raters(store, amara, dup)
    assert (report.scores, report.history, report.sessions) == (2, 1, 1)
    after = store.scores(session_id)
    assert sorted((s.sample_id, s.criterion_key, s.level) for s in after) == before
    assert {s.rater_id for s in after} == {amara, ben}
    assert len(store.scores(session_id, rater_id=amara)) == 4
    assert store.get_session(session_id).rater_ids == (amara, ben)
    assert len(store.score_history(session_id, s2, "data", amara, 1)) == 2
    kept = store.get_rater(amara)
    assert (kept.initials, kept.role) == ("AO", "teacher")
    assert store.rater_by_name("A. Okafor") is None


def test_merge_is_refused_when_both_scored_the_same_item(store: Store) -> None:
    session_id, ids = scored_session(store, ["Amara Okafor", "A. Okafor"])
    amara, dup = ids["raters"]["Amara Okafor"], ids["raters"]["A. Okafor"]
    s1 = ids["samples"][0]
    for rater, level in ((amara, 2), (dup, 3)):
        meeting.record_score(
            store, session_id, rater_id=rater, sample_id=s1, criterion_key="data", level=level
        )
    with pytest.raises(InvalidOperationError) as caught:
        merge_raters(store, amara, dup)
    assert "both scored “Report 1” on data (round 1 of “Lab reports”)" in caught.value.message
    assert store.rater_by_name("A. Okafor") is not None
    assert len(store.scores(session_id)) == 2
    with pytest.raises(InvalidOperationError, match="two different"):
        merge_raters(store, amara, amara)


def test_merge_moves_a_session_the_kept_entry_was_not_in(store: Store) -> None:
    session_id, ids = scored_session(store, ["Old entry", "Ben"])
    old = ids["raters"]["Old entry"]
    keeper = add_rater(store, RaterForm("New entry")).id
    assert keeper is not None
    meeting.record_score(
        store, session_id, rater_id=old, sample_id=ids["samples"][0], criterion_key="data", level=1
    )
    merge_raters(store, keeper, old)
    assert store.get_session(session_id).rater_ids == (keeper, ids["raters"]["Ben"])
    assert [s.rater_id for s in store.scores(session_id)] == [keeper]


def test_merge_repoints_any_other_record_that_names_the_rater(store: Store) -> None:
    # Tables added by later migrations (e.g. learning contracts) refer to raters too; a merge
    # moves those references as well, found through the schema's foreign keys.
    keep = add_rater(store, RaterForm("Kept")).id
    drop = add_rater(store, RaterForm("Dropped")).id
    store.db.execute("CREATE TABLE notes_by (id INTEGER PRIMARY KEY, who REFERENCES raters(id))")
    store.db.execute("INSERT INTO notes_by (who) VALUES (?), (?)", [drop, keep])
    assert keep is not None and drop is not None
    report = merge_raters(store, keep, drop)
    assert report.other_rows == 1
    assert [r[0] for r in store.db.execute("SELECT who FROM notes_by")] == [keep, keep]


def test_rename_retire_and_the_rater_list(store: Store) -> None:
    ana = add_rater(store, RaterForm("Ana"))
    assert ana.id is not None
    assert check_rater_form(store, RaterForm("Ana")) == {
        "name": "There is already a rater called “Ana”."
    }
    assert check_rater_form(store, RaterForm("Ana"), own_id=ana.id) == {}
    assert check_rater_form(store, RaterForm("", initials="ABCDE")).keys() == {
        "name",
        "initials",
    }
    assert edit_rater(store, ana.id, RaterForm("Ana Silva")).name == "Ana Silva"
    assert not set_active(store, ana.id, False).active
    assert [(r.rater.name, r.status) for r in rater_rows(store)] == [("Ana Silva", "retired")]
    assert store.list_raters(active_only=True) == []
    assert "retired" in check_rater_form(store, RaterForm("Ana Silva"))["name"]


# --- master key ----------------------------------------------------------------------------------


def test_master_key_by_hand_by_csv_and_from_consensus(store: Store, tmp_path: Path) -> None:
    session_id, ids = scored_session(store, ["Ana", "Ben"])
    rubric_id = store.get_session(session_id).rubric_id
    s1, s2 = ids["samples"]
    with pytest.raises(InvalidOperationError, match="who sets"):
        set_reference(
            store, sample_id=s1, rubric_id=rubric_id, criterion_key="data", level=2, set_by=""
        )
    ref = set_reference(
        store, sample_id=s1, rubric_id=rubric_id, criterion_key="data", level=2, set_by="Coach"
    )
    assert (ref.set_by, ref.set_at[:10]) == ("Coach", "2026-10-14")

    good = tmp_path / "key.csv"
    good.write_text(
        "sample,criterion,level,set_by\nReport 1,hypothesis,3,Team\nReport 2,data,1,Team\n",
        encoding="utf-8",
    )
    assert import_master_key_csv(store, good, rubric_id=rubric_id) == 2
    grid = master_key_grid(store, rubric_id)
    assert grid.n_set == 3
    cell = grid.cell(s2, "data")
    assert cell is not None and (cell.level, cell.set_by) == (1, "Team")

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "sample,criterion,level,set_by\nReport 1,data,1,Team\nReport 2,data,9,Team\n", "utf-8"
    )
    with pytest.raises(ScoreImportError, match=r"bad.csv, line 3, column level: 9 is not"):
        import_master_key_csv(store, bad, rubric_id=rubric_id)
    cell = master_key_grid(store, rubric_id).cell(s1, "data")
    assert cell is not None and cell.level == 2  # line 2 was not written either

    with pytest.raises(InvalidOperationError, match="no agreed levels"):
        promote_consensus(store, session_id)
    ana = ids["raters"]["Ana"]
    meeting.record_score(
        store, session_id, rater_id=ana, sample_id=s1, criterion_key="data", level=2
    )
    meeting.reveal(store, session_id)
    store.set_consensus(Consensus(session_id, s1, "data", 3))
    store.set_consensus(Consensus(session_id, s2, "hypothesis", 1))
    assert promote_consensus(store, session_id) == 2
    grid = master_key_grid(store, rubric_id)
    promoted = grid.cell(s1, "data")
    assert promoted is not None and promoted.level == 3
    assert promoted.set_by == "Consensus of “Lab reports” (2026-10-14)"
    assert grid.n_set == 4


# --- kits ----------------------------------------------------------------------------------------


def test_a_kit_made_in_the_app_loads_back_identically(store: Store, tmp_path: Path) -> None:
    session_id, ids = scored_session(store, ["Ana", "Ben"])
    rubric_id = store.get_session(session_id).rubric_id
    set_reference(
        store,
        sample_id=ids["samples"][0],
        rubric_id=rubric_id,
        criterion_key="data",
        level=2,
        set_by="Coach",
    )
    kit = kit_from_rubric(store, rubric_id, name="Lab kit")
    assert [s.key for s in kit.samples] == ["report-1", "report-2"]
    path = export_kit_file(store, kit, tmp_path / "lab.toml")
    assert parse_scenario(path.read_text(encoding="utf-8")) == kit
    with pytest.raises(InvalidOperationError, match="already exists"):
        export_kit_file(store, kit, path)

    with Store.open(tmp_path / "fresh.db") as fresh:
        assert "Loaded" in load_kit_file(fresh, path)
        again = kit_from_rubric(fresh, fresh.list_rubrics()[0].id or 0, name="Lab kit")
        assert dump_scenario(again) == dump_scenario(kit)
        assert "already loaded" in load_kit_file(fresh, path)


def test_a_rubric_kit_carries_only_the_raters_of_its_own_meetings(store: Store) -> None:
    """Issue 14: a rubric kit used to carry every rater in the database."""
    session_id, _ = scored_session(store, ["Ana", "Ben"])
    rubric_id = store.get_session(session_id).rubric_id
    load_scenario_file(store, GRADE8)  # another rubric, with its own team of six
    newcomer = add_rater(store, RaterForm("Zoe New")).id  # in no meeting yet
    kit = kit_from_rubric(store, rubric_id, name="Lab kit")
    assert [r.name for r in kit.raters] == ["Ana", "Ben", "Zoe New"]
    assert rubric_raters(store, rubric_id) == [
        r.id for r in store.list_raters() if r.name in ("Ana", "Ben", "Zoe New")
    ]
    assert newcomer in rubric_raters(store, rubric_id)
    chosen = kit_from_rubric(store, rubric_id, name="Lab kit", rater_ids=[newcomer or 0])
    assert [r.name for r in chosen.raters] == ["Zoe New"]


def test_a_kit_of_a_newer_version_keeps_the_samples_and_key_of_the_older(store: Store) -> None:
    session_id, ids = scored_session(store, ["Ana", "Ben"])
    v1 = store.get_rubric(store.get_session(session_id).rubric_id)
    assert v1.id is not None
    set_reference(
        store,
        sample_id=ids["samples"][1],
        rubric_id=v1.id,
        criterion_key="data",
        level=3,
        set_by="Coach",
    )
    draft = draft_from_rubric(v1)
    draft.criteria[0].levels[0].descriptor = "Reworded."
    v2 = save_draft(store, draft).rubric
    assert v2.version == 2 and v2.id is not None
    kit = kit_from_rubric(store, v2.id, name="Lab kit")
    assert kit.rubric.version == 2
    assert [s.title for s in kit.samples] == ["Report 1", "Report 2"]
    assert [(m.sample, m.criterion, m.level) for m in kit.master_key] == [("report-2", "data", 3)]


def test_a_session_kit_round_trips(store: Store, tmp_path: Path) -> None:
    loaded = load_scenario_file(store, GRADE8)
    assert loaded.report.session_id is not None
    kit = kit_from_session(store, loaded.report.session_id)
    path = export_kit_file(store, kit, tmp_path / "g8.toml")
    with Store.open(tmp_path / "fresh.db") as fresh:
        load_kit_file(fresh, path)
        session = fresh.list_sessions()[0]
        assert session.phase is Phase.REVEAL and session.id is not None
        assert dump_scenario(kit_from_session(fresh, session.id)) == dump_scenario(kit)


def test_the_master_key_grid_lists_the_rubrics_own_samples_and_new_work(tmp_path: Path) -> None:
    """Issue 14: the grid listed every sample of every subject. A grade-5 subtraction sample
    has no place in the grade-8 argument rubric's key; a sample not used yet (new work) has."""
    from calibrate.domain.model import Sample, SampleKind
    from calibrate.storage.scenario_files import read_scenario
    from calibrate.storage.scenario_store import load_scenario

    root = Path(__file__).resolve().parents[2] / "scenarios"
    with Store.open(tmp_path / "two.db") as two:
        load_scenario(two, read_scenario(root / "grade8-argument.toml"))
        load_scenario(two, read_scenario(root / "grade5-subtraction.toml"))
        fresh = two.add_sample(Sample(title="A new essay", body="Tablets or books?"))
        by_name = {r.name: r for r in two.list_rubrics()}
        argument = next(r for n, r in by_name.items() if n.startswith("Grade 8"))
        subtraction = next(r for n, r in by_name.items() if "ubtract" in n)
        assert argument.id is not None and subtraction.id is not None
        essays = {s.id for s in master_key_grid(two, argument.id).samples}
        sums = {s.id for s in master_key_grid(two, subtraction.id).samples}
        assert fresh.id in essays and fresh.id in sums  # new work goes with either
        assert essays & sums == {fresh.id}  # nothing else is shared
        every = {s.id for s in two.list_samples()}
        assert essays | sums == every and len(essays) > 1 and len(sums) > 1
        assert all(s.kind is SampleKind.ESSAY for s in master_key_grid(two, argument.id).samples)
