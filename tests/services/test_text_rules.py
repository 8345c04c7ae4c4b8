"""Text calibrate will not keep, refused wherever it comes in (issue 14): control characters
such as NUL, names that are blank, span lines or run past 200 characters, and text past a
million characters; the kit reader, the authoring forms, session setup and scoring share the
rules of calibrate.domain.text_rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.text_rules import NAME_LIMIT, TEXT_LIMIT, name_problem, text_problem
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.setup import SessionForm, check_form
from calibrate.services.records.database import prepare_demo
from calibrate.storage.store import Store


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("Ann Lee", None),
        ("Line one\nline two", "must be one line"),
        ("   ", "must not be empty or only spaces"),
        ("Pho\x00nes", "must not contain control characters (e.g. NUL)"),
        ("Bell\x07", "must not contain control characters (e.g. NUL)"),
        ("x" * NAME_LIMIT, None),
        ("x" * (NAME_LIMIT + 1), "is too long (at most 200 characters)"),
    ],
)
def test_name_rules(value: str, problem: str | None) -> None:
    assert name_problem(value) == problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("A paragraph.\n\tIndented, with a tab.\r\n", None),
        ("", None),
        ("a\x00b", "must not contain control characters (e.g. NUL)"),
        ("x" * TEXT_LIMIT, None),
        ("x" * (TEXT_LIMIT + 1), "is too long (at most 1,000,000 characters)"),
    ],
)
def test_text_rules(value: str, problem: str | None) -> None:
    assert text_problem(value) == problem


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Store, int]:
    store = Store.open(tmp_path / "demo.db")
    return store, prepare_demo(store)


def test_a_session_title_with_a_nul_is_refused(demo: tuple[Store, int]) -> None:
    store, session_id = demo
    session = store.get_session(session_id)
    form = SessionForm(
        "Nov\x00ember", "2026-11-23", session.rubric_id, session.sample_ids, session.rater_ids
    )
    assert check_form(store, form)["title"] == (
        "The title must not contain control characters (e.g. NUL)."
    )
    before = len(store.list_sessions())
    with pytest.raises(InvalidOperationError, match="title must not contain control"):
        meeting.create_session(
            store,
            title="Nov\x00ember",
            date="2026-11-23",
            rubric_id=session.rubric_id,
            sample_ids=session.sample_ids,
            rater_ids=session.rater_ids,
        )
    assert len(store.list_sessions()) == before


@pytest.mark.parametrize(
    ("note", "words"),
    [("clear\x00claim", "control characters"), ("x" * (TEXT_LIMIT + 1), "too long")],
)
def test_a_score_note_that_cannot_be_kept_is_refused(
    demo: tuple[Store, int], note: str, words: str
) -> None:
    store, session_id = demo
    session = store.get_session(session_id)
    with pytest.raises(InvalidOperationError, match=words):
        meeting.record_score(
            store,
            session_id,
            rater_id=session.rater_ids[0],
            sample_id=session.sample_ids[0],
            criterion_key="claim",
            level=3,
            note=note,
        )
    assert store.scores(session_id) == []
