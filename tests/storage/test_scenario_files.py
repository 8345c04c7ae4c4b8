"""Scenario files: parsing into domain objects, located errors, and writing them back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calibrate.domain.errors import ScenarioError
from calibrate.domain.model import (
    AnchorStatus,
    Criterion,
    Level,
    Phase,
    Rater,
    Rubric,
    RubricKind,
    Sample,
    SampleKind,
    Scenario,
    ScenarioAnchor,
    ScenarioScore,
    ScenarioSession,
)
from calibrate.storage.scenario_files import (
    dump_scenario,
    parse_scenario,
    parse_scenario_bytes,
    read_scenario,
    write_scenario,
)
from calibrate.storage.toml_locator import TomlLocator, show_path
from tests.storage.scenario_kit import KIT, SCENARIO_FILES


def test_the_kit_becomes_domain_objects() -> None:
    kit = parse_scenario(KIT)
    assert (kit.name, kit.description) == ("Tiny kit", "Two essays, two raters.")
    assert kit.rubric.kind is RubricKind.ANALYTIC and kit.rubric.version == 1
    claim = kit.rubric.criteria[0]
    assert claim.scores == (1, 2, 3) and claim.student_wording == "I say what I think."
    assert claim.levels[1] == Level(2, "Developing", "A claim that drifts.", "My claim wanders.")
    first, second = kit.samples
    fake_table = '[[samples]]\nkey = "a line that looks like a table but is text"\n'
    assert first.body == "School should start later.\n\n" + fake_table
    assert first.attachments == ("prompt.pdf",) and second.attachments == ()
    assert second.kind is SampleKind.SOLUTION and second.key == "essay-2"
    assert kit.raters == (
        Rater("Amara Okafor", "AO", "facilitator", "Grade 8 ELA"),
        Rater("Ben Lindqvist"),
    )
    assert kit.master_key == (
        ScenarioScore("essay-1", "claim", 3, set_by="District coach"),
        ScenarioScore("essay-1", "evidence", 2, set_by="District coach"),
    )
    session = kit.session
    assert session is not None
    assert (session.date, session.phase, session.cut_score, session.blind) == (
        "2026-10-14",
        Phase.REVEAL,
        2,
        True,
    )
    # the compact levels tables expand to one row per criterion, in the file's order
    assert session.scores == (
        ScenarioScore("essay-1", "claim", 3, rater="Amara Okafor", note="States it at once."),
        ScenarioScore("essay-1", "evidence", 2, rater="Amara Okafor"),
        ScenarioScore("essay-1", "claim", 2, rater="Ben Lindqvist"),
        ScenarioScore("essay-2", "evidence", 1, rater="Ben Lindqvist", round=2),
        ScenarioScore("essay-2", "claim", 1, rater="Ben Lindqvist", round=2),
    )
    assert kit.anchors == (
        ScenarioAnchor(
            "essay-1",
            "claim",
            3,
            "Claim in the first sentence, kept to the end.",
            AnchorStatus.PROPOSED,
        ),
    )


def test_optional_parts_take_their_documented_defaults() -> None:
    text = KIT.replace('status = "proposed"\n', "").replace("version = 1\n", "")
    text = text[: text.index("[[master_key]]")] + text[text.index("[[anchors]]") :]
    kit = parse_scenario(text)
    assert kit.session is None and kit.master_key == ()
    assert kit.rubric.version == 1
    assert kit.anchors[0].status is AnchorStatus.APPROVED


def test_a_bare_toml_date_is_accepted() -> None:
    kit = parse_scenario(KIT.replace('date = "2026-10-14"', "date = 2026-10-14"))
    assert kit.session is not None and kit.session.date == "2026-10-14"


def test_a_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + KIT.encode())
    assert read_scenario(path) == parse_scenario(KIT)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_every_shipped_scenario_parses_and_survives_a_round_trip(path: Path) -> None:
    kit = read_scenario(path)
    assert kit.samples and kit.rubric.criteria
    text = dump_scenario(kit)
    assert parse_scenario(text) == kit
    assert dump_scenario(parse_scenario(text)) == text


def test_dump_writes_the_documented_layout() -> None:
    text = dump_scenario(parse_scenario(KIT))
    assert text.count("[[rubric.criteria]]\n") == 2
    assert text.count("[[rubric.criteria.levels]]\n") == 5
    assert text.count("[[session.scores]]\n") == 3
    assert "levels = { claim = 3, evidence = 2 }\n" in text
    assert 'notes = { claim = "States it at once." }\n' in text
    assert "round = 2\n" in text and "round = 1" not in text
    assert 'body = """\nSchool should start later.\n' in text  # multi-line strings for bodies
    assert text.startswith("[scenario]\n") and "format = 1\n" in text


def test_write_then_read(tmp_path: Path) -> None:
    kit = parse_scenario(KIT)
    write_scenario(kit, tmp_path / "out.toml")
    assert read_scenario(tmp_path / "out.toml") == kit


# --- located errors ----------------------------------------------------------------------------

BAD_EDITS = [
    # (replace this, with this, expected line, expected text in the message)
    ('kind = "solution"', 'kind = "eassy"', 68,
     'samples[2].kind: must be one of essay, solution, lesson vignette, other (got "eassy")'),
    ('role = "facilitator"', 'rol = "facilitator"', 77, "raters[1].rol: unknown key"),
    ('title = "Phones"\n', "", 65, "samples[2].title: this key is required but missing"),
    ("levels = { claim = 2 }", "levels = { claim = 5 }", 105,
     'session.scores[2].levels.claim: 5 is not a level of criterion "claim" '
     "(its levels are 1, 2, 3)"),
    ("levels = { claim = 2 }", "levels = { clam = 2 }", 105,
     'session.scores[2].levels.clam: the rubric has no criterion "clam"'),
    ('sample = "essay-2"', 'sample = "essay-9"', 109,
     'session.scores[3].sample: no sample "essay-9" in this file'),
    ('rater = "Ben Lindqvist"\nsample = "essay-2"', 'rater = "Ben L."\nsample = "essay-2"', 108,
     'session.scores[3].rater: no rater "Ben L." in this file'),
    ('criterion = "claim"', 'criterion = "voice"', 115, 'anchors[1].criterion: the rubric has no'),
    ("level = 3\n", "level = 4\n", 116, "anchors[1].level: 4 is not a level of criterion"),
    ('date = "2026-10-14"', 'date = "14/10/2026"', 90, "session.date: must be a date written"),
    ('date = "2026-10-14"', 'date = "2026-02-30"', 90, "session.date: is not a real calendar"),
    ('date = "2026-10-14"', "date = 2026-10-14T09:00:00", 90, "without a time"),
    ("cut_score = 2", "cut_score = 7", 93, "session.cut_score: 7 is not a level of the rubric"),
    ("blind = true", 'blind = "yes"', 92, 'session.blind: must be true or false (got "yes")'),
    ("score = 2\n", "score = 1\n", 25, "rubric.criteria[1].levels[2].score: levels must be listed "
     "in ascending score order with no repeats (1 comes after 1)"),
    ('key = "evidence"', 'key = "claim"', 36,
     'rubric.criteria[2].key: another criterion already uses "claim"'),
    ('key = "evidence"', 'key = "Evidence!"', 36, "must use only lowercase letters, digits"),
    ('key = "essay-2"', 'key = "essay-1"', 66, 'samples[2].key: another sample already uses'),
    ('name = "Ben Lindqvist"', 'name = "Amara Okafor"', 81, "raters[2].name: another rater"),
    ('kind = "analytic"', 'kind = "holistic"', 10, "a holistic rubric has exactly one criterion"),
    ("format = 1", "format = 2", 4, "scenario.format: this version of calibrate reads format 1"),
    ("format = 1", "format = true", 4, "scenario.format: must be a whole number (got true)"),
    ("score = 3", "score = 100000000000000000000", 31, "must be 1000000 or less"),
    ("round = 2", "round = 0", 110, "session.scores[3].round: must be 1 or more (got 0)"),
    ('name = "Tiny kit"', 'name = "a/b"', 2, "scenario.name: must not contain a slash"),
    ("score = 3", 'score = "3"', 31,
     'rubric.criteria[1].levels[3].score: must be a whole number (got "3")'),
    ("version = 1", "version = 0", 11, "rubric.version: must be 1 or more (got 0)"),
    ("levels = { claim = 2 }", 'levels = { claim = 2 }\nnotes = { evidence = "x" }', 106,
     'session.scores[2].notes.evidence: a note for "evidence", which has no level'),
    ('sample = "essay-2"\nround = 2', 'sample = "essay-1"\nround = 1', 107,
     "Ben Lindqvist already has scores for \"essay-1\" in round 1 (session.scores[2])"),
    ('set_by = "District coach"', 'set_by = 3', 85, "master_key[1].set_by: must be text"),
    ('attachments = ["prompt.pdf"]', 'attachments = "prompt.pdf"', 57, "must be a list"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line", "expected"), BAD_EDITS)
def test_errors_name_the_file_the_line_and_the_field(
    old: str, new: str, line: int, expected: str
) -> None:
    assert KIT.count(old) >= 1
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(KIT.replace(old, new, 1), source="scenarios/x.toml")
    first = str(caught.value).splitlines()[0]
    assert first.startswith(f"scenarios/x.toml, line {line}, "), first
    assert expected in first


def test_every_problem_is_listed_in_line_order() -> None:
    text = KIT.replace('kind = "solution"', 'kind = "x"').replace("blind = true", "blind = 1")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="k.toml")
    lines = str(caught.value).splitlines()
    assert [line.split(",")[1] for line in lines] == [" line 68", " line 92"]


def test_a_toml_syntax_error_keeps_tomllibs_line_and_column() -> None:
    broken = KIT.replace('grade = "8"\ntask = "Argue about', 'grade = 8"\ntask = "Argue about')
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(broken, source="k.toml")
    assert str(caught.value).startswith("k.toml, line 70, column ")
    assert "not valid TOML" in str(caught.value)


def test_a_repeated_key_is_a_syntax_error_with_its_line() -> None:
    with pytest.raises(ScenarioError, match=r"^k\.toml, line 5, column \d+: .*TOML.*given twice"):
        parse_scenario(KIT.replace("format = 1\n", "format = 1\nformat = 1\n"), source="k.toml")


def test_undecodable_bytes_name_the_file_and_line() -> None:
    raw = KIT.encode().replace(b"Phones help.", b"Phones \xff help.")
    with pytest.raises(ScenarioError, match=r"^f\.toml, line 72: is not UTF-8 text"):
        parse_scenario_bytes(raw, source="f.toml")


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nope\.toml: cannot be read"):
        read_scenario(tmp_path / "nope.toml")


def test_an_empty_file_says_what_is_missing() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario("", source="e.toml")
    assert "e.toml, line 1, scenario: this key is required but missing" in str(caught.value)


# --- the locator -------------------------------------------------------------------------------


def test_locator_finds_nested_tables_keys_and_inline_tables() -> None:
    locate = TomlLocator(KIT).line_of
    assert locate(("samples", 1, "kind")) == 68
    assert locate(("rubric", "criteria", 1, "levels", 1, "label")) == 47
    assert locate(("rubric", "criteria", 0, "levels", 2)) == 30
    assert locate(("session", "scores", 0, "notes", "claim")) == 100
    assert locate(("session", "cut_score")) == 93
    assert locate(("samples", 1, "no-such-key")) == 65  # falls back to the table's header
    assert locate(("nowhere",)) == 1
    # text inside a multi-line string is not read as tables or keys
    assert locate(("samples", 1)) == 65  # not 61, the header-like line inside the body
    assert locate(("samples", 2, "key")) == 50  # no third sample: the first [[samples]]
    assert locate(("samples", 0, "body")) == 58


def test_locator_handles_dotted_and_quoted_keys_and_multiline_arrays() -> None:
    text = '[a]\n"odd key".x = 1\nlist = [\n  "[[b]]",\n]\n[[b]]\ny = 2\n'
    locate = TomlLocator(text).line_of
    assert locate(("a", "odd key", "x")) == 2
    assert locate(("a", "list", 0)) == 3
    assert locate(("b", 0, "y")) == 7


def test_show_path_counts_from_one() -> None:
    assert show_path(("samples", 2, "kind")) == "samples[3].kind"
    assert show_path(("session", "scores", 0, "levels", "a b")) == 'session.scores[1].levels."a b"'


# --- parse(dump(s)) == s for generated scenarios -----------------------------------------------

# Any text a kit may hold: every script, tabs and line breaks, but no control characters
# (NUL and the like are refused on load) and no name that is only spaces.
_chars = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r")
texts = st.text(_chars, max_size=40)
names = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=20
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    holistic = draw(st.booleans())
    keys = draw(
        st.lists(
            st.from_regex(r"[a-z0-9_-]{1,8}", fullmatch=True),
            min_size=1,
            max_size=1 if holistic else 4,
            unique=True,
        )
    )
    criteria = tuple(
        Criterion(
            key=key,
            name=draw(names),
            description=draw(texts),
            student_wording=draw(texts),
            levels=tuple(
                Level(score, draw(texts), draw(texts), draw(texts))
                for score in sorted(
                    draw(st.lists(st.integers(0, 9), min_size=1, max_size=5, unique=True))
                )
            ),
        )
        for key in keys
    )
    rubric = Rubric(
        name=draw(names),
        subject=draw(texts),
        grade_band=draw(texts),
        kind=RubricKind.HOLISTIC if holistic else RubricKind.ANALYTIC,
        version=draw(st.integers(1, 5)),
        criteria=criteria,
    )
    sample_keys = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    samples = tuple(
        Sample(
            title=draw(names),
            body=draw(st.text(_chars, max_size=200)),
            kind=draw(st.sampled_from(SampleKind)),
            student_code=draw(texts),
            grade=draw(texts),
            task=draw(texts),
            attachments=tuple(draw(st.lists(texts, max_size=2))),
            key=key,
        )
        for key in sample_keys
    )
    rater_names = draw(st.lists(names, max_size=3, unique=True))
    raters = tuple(Rater(name, draw(texts), draw(texts), draw(texts)) for name in rater_names)
    scales = {c.key: c.scores for c in criteria}
    master_key = tuple(
        ScenarioScore(sample, key, draw(st.sampled_from(scales[key])), set_by=draw(texts))
        for sample in draw(st.lists(st.sampled_from(sample_keys), max_size=3, unique=True))
        for key in draw(st.lists(st.sampled_from(keys), min_size=1, unique=True))
    )
    session = None
    if draw(st.booleans()):
        entries = (
            draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(rater_names),
                        st.sampled_from(sample_keys),
                        st.integers(1, 3),
                    ),
                    max_size=5,
                    unique=True,
                )
            )
            if rater_names
            else []
        )
        scores = tuple(
            ScenarioScore(sample, key, draw(st.sampled_from(scales[key])), rater, draw(texts), rnd)
            for rater, sample, rnd in entries
            for key in draw(st.lists(st.sampled_from(keys), unique=True))
        )
        used = sorted({s for scale in scales.values() for s in scale})
        session = ScenarioSession(
            title=draw(names),
            date=draw(st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1))).isoformat(),
            facilitator=draw(texts),
            blind=draw(st.booleans()),
            cut_score=draw(st.none() | st.sampled_from(used)),
            phase=draw(st.sampled_from(Phase)),
            scores=scores,
        )
    anchor_keys = draw(
        st.lists(
            st.tuples(st.sampled_from(sample_keys), st.sampled_from(keys)), max_size=3, unique=True
        )
    )
    anchors = tuple(
        ScenarioAnchor(
            sample,
            key,
            draw(st.sampled_from(scales[key])),
            draw(texts),
            draw(st.sampled_from(AnchorStatus)),
        )
        for sample, key in anchor_keys
    )  # fmt: skip
    return Scenario(
        name=draw(names.filter(lambda n: "/" not in n)),
        description=draw(texts),
        rubric=rubric,
        samples=samples,
        raters=raters,
        session=session,
        master_key=master_key,
        anchors=anchors,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_parse_of_dump_gives_back_the_same_scenario(kit: Scenario) -> None:
    text = dump_scenario(kit)
    assert parse_scenario(text) == kit
    assert dump_scenario(parse_scenario(text)) == text


def test_a_round_item_names_a_known_sample_and_criterion_of_a_started_round() -> None:
    """A partial round's items (issue 13) are checked like scores: each error on its line."""
    base = KIT.rstrip("\n") + "\n"
    start = base.count("\n") + 1  # the line of [[session.round_items]]
    good = base + '\n[[session.round_items]]\nround = 2\nsample = "essay-1"\ncriterion = "claim"\n'
    kit = parse_scenario(good, source="k.toml")
    assert kit.session is not None and len(kit.session.round_items) == 1
    bad = base + (
        '\n[[session.round_items]]\nround = 3\nsample = "essay-9"\ncriterion = "voice"\n'
        '\n[[session.round_items]]\nround = 1\nsample = "essay-1"\ncriterion = "claim"\n'
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(bad, source="k.toml")
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"k.toml, line {start + 7}, ") and "round_items[2].round" in lines[0]
    assert "must be 2 or more" in lines[0]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(bad.replace("round = 1\n", "round = 2\n"), source="k.toml")
    lines = str(caught.value).splitlines()
    assert f"line {start + 2}" in lines[0] and "round 3 has not started" in lines[0]
    assert f"line {start + 3}" in lines[1] and 'no sample "essay-9"' in lines[1]
    assert f"line {start + 4}" in lines[2] and 'no criterion "voice"' in lines[2]
