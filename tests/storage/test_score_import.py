"""Importing scores from CSV: every row checked first, errors located, nothing half-imported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calibrate.domain.errors import ScoreImportError
from calibrate.domain.model import Phase
from calibrate.storage.scenario_files import parse_scenario
from calibrate.storage.scenario_store import load_scenario
from calibrate.storage.score_import import import_scores_csv
from calibrate.storage.store import Store
from tests.storage.conftest import Meeting
from tests.storage.scenario_kit import KIT, row_counts

GOOD = """\
sample,criterion,rater,level,note
essay-1,claim,Amara Okafor,3,States it early
essay-1,claim,Ben Lindqvist,2,
Should our school start later? (2),evidence,Ben Lindqvist,4,"Cites both, well"
"""


def _write(tmp_path: Path, text: str | bytes, name: str = "scores.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_is_imported(store: Store, meeting: Meeting, tmp_path: Path) -> None:
    assert import_scores_csv(store, _write(tmp_path, GOOD), meeting.session_id) == 3
    got = {
        (s.sample_id, s.criterion_key, s.rater_id): (s.level, s.note, s.round)
        for s in store.scores(meeting.session_id)
    }
    assert got == {
        (meeting.sample_id(0), "claim", meeting.rater_id(0)): (3, "States it early", 1),
        (meeting.sample_id(0), "claim", meeting.rater_id(1)): (2, "", 1),
        (meeting.sample_id(1), "evidence", meeting.rater_id(1)): (4, "Cites both, well", 1),
    }


def test_columns_in_any_order_and_case_and_blank_lines(
    store: Store, meeting: Meeting, tmp_path: Path
) -> None:
    text = "\ufeffLevel , Rater,SAMPLE,criterion\n\n 2 ,Ben Lindqvist,essay-3,claim\n\n"
    assert import_scores_csv(store, _write(tmp_path, text), meeting.session_id) == 1
    (score,) = store.scores(meeting.session_id)
    assert (score.sample_id, score.level, score.note) == (meeting.sample_id(2), 2, "")


def test_importing_the_same_file_twice_changes_nothing(
    store: Store, meeting: Meeting, tmp_path: Path
) -> None:
    path = _write(tmp_path, GOOD)
    import_scores_csv(store, path, meeting.session_id)
    before = row_counts(store)
    assert import_scores_csv(store, path, meeting.session_id) == 3
    assert row_counts(store) == before


def test_scores_go_into_a_session_loaded_from_a_kit_by_kit_key(
    store: Store, tmp_path: Path
) -> None:
    report = load_scenario(store, parse_scenario(KIT.replace('"reveal"', '"scoring"')))
    assert report.session_id is not None
    text = (
        "sample,criterion,rater,level\n"
        "essay-2,claim,Amara Okafor,3\n"
        "Phones,evidence,Amara Okafor,1\n"
    )
    assert import_scores_csv(store, _write(tmp_path, text), report.session_id) == 2
    amara = store.rater_by_name("Amara Okafor")
    phones = store.sample_by_key("Tiny kit/essay-2")
    assert amara is not None and phones is not None
    # the session is in round 2 (the kit has round-2 scores), so that is where these go
    mine = store.scores(report.session_id, round=2, rater_id=amara.id)
    assert {(s.sample_id, s.criterion_key, s.level) for s in mine} == {
        (phones.id, "claim", 3),
        (phones.id, "evidence", 1),
    }


HEADER = "sample,criterion,rater,level,note\n"
BAD_ROWS = [
    # (a bad row placed LAST after two good rows, its column, words in the message)
    ("essay-9,claim,Amara Okafor,3,", 1, "sample", 'no sample with the key or title "essay-9"'),
    ("essay-1,voice,Amara Okafor,3,", 2, "criterion", 'the rubric has no criterion "voice"'),
    ("essay-1,claim,Zed Nobody,3,", 3, "rater", '"Zed Nobody" is not one of the raters'),
    ("essay-1,claim,Chris Outside,3,", 3, "rater", '"Chris Outside" is not one of the raters'),
    ("essay-1,claim,Amara Okafor,5,", 4, "level", '5 is not a level of "claim"'),
    ("essay-1,claim,Amara Okafor,0,", 4, "level", "its levels: 1, 2, 3, 4"),
    ("essay-1,claim,Amara Okafor,3.0,", 4, "level", '"3.0" is not a whole number'),
    ("essay-1,claim,Amara Okafor,three,", 4, "level", '"three" is not a whole number'),
    ("essay-1,claim,Amara Okafor,,", 4, "level", '"" is not a whole number'),
    ("essay-2,claim,Ben Lindqvist,3,", 1, "sample",
     "already scored this sample on this criterion on line 3"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "column", "name", "words"), BAD_ROWS)
def test_a_bad_last_row_names_file_line_and_column_and_imports_nothing(
    store: Store, meeting: Meeting, tmp_path: Path, row: str, column: int, name: str, words: str
) -> None:
    text = (
        HEADER + "essay-1,evidence,Ben Lindqvist,2,\nessay-2,claim,Ben Lindqvist,1,\n" + row + "\n"
    )
    path = _write(tmp_path, text)
    before = row_counts(store)
    with pytest.raises(ScoreImportError) as caught:
        import_scores_csv(store, path, meeting.session_id)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 4, column {column} ({name}): "), message
    assert words in message and "Nothing was imported" in message
    assert row_counts(store) == before and before["scores"] == 0


BAD_FILES = [
    # (file contents, line, words in the message)
    (b"", 1, "the file is empty"),
    (b"\n  \n", 1, "the file is empty"),
    (HEADER.encode(), 2, "no scores after the header"),
    (b"sample,criterion,rater\nessay-1,claim,Amara Okafor\n", 1,
     "column 4: the column level is missing"),
    (b"sample,rater\nessay-1,Amara Okafor\n", 1, "the columns criterion, level are missing"),
    (b"sample,criterion,rater,level,colour\n", 1, 'column 5: unknown column "colour"'),
    (b"sample,criterion,rater,level,level\n", 1, 'column 5: the column "level" appears twice'),
    (b"sample,criterion,rater,level\nessay-1,claim,Amara Okafor\n", 2,
     "column 4: expected 4 values"),
    (b"sample,criterion,rater,level\nessay-1,claim,Amara Okafor,3\nessay-1,cl\xffaim,x,1\n", 3,
     "column 2 (criterion): is not UTF-8 text (byte 0xff"),
    (b"\xff\n", 1, "column 1: is not UTF-8 text"),
    (b'sample,criterion,rater,level\n"essay-1,claim,Amara Okafor,3\n', 2, "this is not valid CSV"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "line", "words"), BAD_FILES)
def test_a_bad_file_is_refused_whole(
    store: Store, meeting: Meeting, tmp_path: Path, raw: bytes, line: int, words: str
) -> None:
    path = _write(tmp_path, raw)
    with pytest.raises(ScoreImportError) as caught:
        import_scores_csv(store, path, meeting.session_id)
    message = str(caught.value)
    assert re.match(rf"{re.escape(str(path))}, line {line}\b", message), message
    assert words in message
    assert store.scores(meeting.session_id) == []


def test_only_a_session_in_the_scoring_phase_takes_scores(
    store: Store, meeting: Meeting, tmp_path: Path
) -> None:
    store.set_phase(meeting.session_id, Phase.REVEAL)
    with pytest.raises(ScoreImportError, match="only while the session is in the scoring phase"):
        import_scores_csv(store, _write(tmp_path, GOOD), meeting.session_id)


def test_an_unknown_session_or_missing_file(store: Store, meeting: Meeting, tmp_path: Path) -> None:
    with pytest.raises(ScoreImportError, match="There is no session with id 999"):
        import_scores_csv(store, _write(tmp_path, GOOD), 999)
    with pytest.raises(ScoreImportError, match=r"missing\.csv: cannot be read"):
        import_scores_csv(store, tmp_path / "missing.csv", meeting.session_id)


def test_an_ambiguous_title_asks_for_the_key(
    store: Store, meeting: Meeting, tmp_path: Path
) -> None:
    from dataclasses import replace

    twin = store.update_sample(replace(meeting.samples[1], title=meeting.samples[0].title))
    text = f"sample,criterion,rater,level\n{twin.title},claim,Amara Okafor,2\n"
    with pytest.raises(ScoreImportError, match="line 2, column 1 \\(sample\\): several samples"):
        import_scores_csv(store, _write(tmp_path, text), meeting.session_id)
