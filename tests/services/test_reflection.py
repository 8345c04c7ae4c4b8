"""Students reflecting on their own test: slip codes, what a slip opens, and a reflection kept
only on the student's own wrong items (the bundled grade-5 class: S15 has item 3 marked a
simple mistake, item 10 wrong and not reflected on, item 11 "don't get it yet"; S13 was absent
for items 11–20)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from calibrate.domain.assessment import Outcome, StudentResult
from calibrate.domain.errors import InvalidOperationError
from calibrate.services.assessment import reflection
from calibrate.services.assessment.classify import TargetStatus
from calibrate.services.assessment.files import import_results_file, load_blueprint_file
from calibrate.services.room.seats import read_seat
from calibrate.storage.scenario_files import read_scenario
from calibrate.storage.scenario_store import load_scenario
from calibrate.storage.store_serve import ServedStore
from calibrate.storage.store_sessions import CODE_ALPHABET
from tests.services.test_assessment import CLASS, KIT, SUBTRACTION


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ServedStore]:
    with ServedStore.open(tmp_path / "cal.db") as opened:
        load_scenario(opened, read_scenario(SUBTRACTION))
        yield opened


@pytest.fixture
def test_id(store: ServedStore) -> int:
    blueprint = load_blueprint_file(store, KIT)
    assert blueprint.id is not None
    import_results_file(store, blueprint.id, CLASS)
    return blueprint.id


def outcomes(store: ServedStore, test_id: int, student: str) -> dict[str, Outcome]:
    return {
        r.item_key: r.outcome
        for r in store.assessment_results(test_id)
        if r.student_code == student
    }


def test_each_student_has_a_distinct_stable_slip(store: ServedStore, test_id: int) -> None:
    slips = dict(reflection.class_slips(store, test_id))
    assert sorted(slips) == [f"S{n:02d}" for n in range(1, 25)]
    assert len(set(slips.values())) == 24
    for code in slips.values():
        assert len(code) == reflection.SLIP_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert dict(reflection.class_slips(store, test_id)) == slips  # printed again: the same
    # another test or another room's secret gives other codes
    assert reflection.slip_code(store.room_secret(), test_id + 1, "S01") != slips["S01"]
    assert reflection.slip_code(b"another room", test_id, "S01") != slips["S01"]


def test_a_slip_opens_as_printed_or_typed_loosely(store: ServedStore, test_id: int) -> None:
    code = dict(reflection.class_slips(store, test_id))["S15"]
    printed = reflection.printed(code)
    assert printed == f"{code[:4]}-{code[4:]}"
    for typed in (code, printed, f" {printed.lower()} ", " ".join(code)):
        assert reflection.open_slip(store, test_id, typed) == reflection.Slip(test_id, "S15")


@pytest.mark.parametrize("typed", ["", "ABCD-EFGH", "S15", "A" * 200])
def test_a_wrong_slip_opens_nothing(store: ServedStore, test_id: int, typed: str) -> None:
    with pytest.raises(InvalidOperationError, match="slip code is not right"):
        reflection.open_slip(store, test_id, typed)


def test_a_slip_of_another_test_opens_nothing_here(store: ServedStore, test_id: int) -> None:
    code = reflection.slip_code(store.room_secret(), test_id + 1, "S15")
    with pytest.raises(InvalidOperationError):
        reflection.open_slip(store, test_id, code)


def test_the_page_shows_the_students_own_wrong_items_only(store: ServedStore, test_id: int) -> None:
    page = reflection.reflection_page(store, reflection.Slip(test_id, "S15"))
    assert page.student_code == "S15" and page.title == "Grade 5 mathematics checkpoint"
    assert (page.right, page.answered, page.total) == (17, 20, 20)
    assert [(i.key, i.choice) for i in page.items] == [
        ("3", "simple"),
        ("10", None),
        ("11", "not-yet"),
    ]
    assert page.still_to_mark == 1
    assert page.items[1].target_statement.startswith("I can divide by a 1-digit number")
    status = {line.statement.split()[2]: line.status for line in page.targets}
    assert status["subtract"] is TargetStatus.CARELESS
    assert status["divide"] is TargetStatus.GAP
    assert status["multiply"] is TargetStatus.SECURE


def test_an_absent_student_sees_what_was_not_answered(store: ServedStore, test_id: int) -> None:
    page = reflection.reflection_page(store, reflection.Slip(test_id, "S13"))
    assert page.answered == 10 and page.total == 20
    assert [line.status for line in page.targets][-2:] == [TargetStatus.NO_EVIDENCE] * 2
    assert page.targets[-1].words == "No answers on this one yet."


def test_every_item_right_leaves_nothing_to_mark(store: ServedStore, test_id: int) -> None:
    page = reflection.reflection_page(store, reflection.Slip(test_id, "S01"))
    assert page.items == () and page.still_to_mark == 0
    assert {line.status for line in page.targets} == {TargetStatus.SECURE}


def test_a_reflection_is_kept_and_changes_the_reading(store: ServedStore, test_id: int) -> None:
    slip = reflection.Slip(test_id, "S15")
    assert reflection.reflect(store, slip, "10", "simple") is Outcome.SIMPLE_MISTAKE
    assert outcomes(store, test_id, "S15")["10"] is Outcome.SIMPLE_MISTAKE
    # the student changes their mind on item 11: divide-remainder is now careless only
    reflection.reflect(store, slip, "11", "simple")
    page = reflection.reflection_page(store, slip)
    assert page.still_to_mark == 0
    divide = next(t for t in page.targets if t.statement.startswith("I can divide"))
    assert divide.status is TargetStatus.CARELESS
    # nobody else's results moved
    assert outcomes(store, test_id, "S05")["2"] is Outcome.NOT_YET


@pytest.mark.parametrize(
    ("student", "item", "choice", "message"),
    [
        ("S15", "1", "simple", "not one you got wrong"),  # right: the teacher's mark stays
        ("S13", "15", "not-yet", "not one you got wrong"),  # missing
        ("S15", "99", "simple", "not one you got wrong"),  # not on the test
        ("S15", "10", "right", "Choose"),  # a student cannot mark an item right
        ("S15", "10", "", "Choose"),
    ],
)
def test_what_a_student_may_not_change_is_refused_and_nothing_written(
    store: ServedStore, test_id: int, student: str, item: str, choice: str, message: str
) -> None:
    before = store.assessment_results(test_id)
    with pytest.raises(InvalidOperationError, match=message):
        reflection.reflect(store, reflection.Slip(test_id, student), item, choice)
    assert store.assessment_results(test_id) == before


def test_the_teachers_later_change_is_what_the_student_sees(
    store: ServedStore, test_id: int
) -> None:
    slip = reflection.Slip(test_id, "S15")
    store.record_results(test_id, [StudentResult("S15", "10", Outcome.RIGHT)])  # re-marked
    with pytest.raises(InvalidOperationError):
        reflection.reflect(store, slip, "10", "simple")
    assert [i.key for i in reflection.reflection_page(store, slip).items] == ["3", "11"]


def test_the_slip_cookie_round_trips_and_cannot_be_forged(store: ServedStore, test_id: int) -> None:
    slip = reflection.Slip(test_id, "S15")
    cookie = reflection.sign_slip(store, slip)
    assert "S15" not in cookie  # the cookie names no student
    assert reflection.read_slip(store, test_id, cookie) == slip
    payload, _, mac = cookie.rpartition(".")
    other = reflection.slip_code(store.room_secret(), test_id, "S05")
    forged = f"slip.{test_id}.{other}.{mac}"
    assert reflection.read_slip(store, test_id, forged) is None
    assert reflection.read_slip(store, test_id, payload + "." + "0" * 64) is None
    assert reflection.read_slip(store, test_id + 1, cookie) is None  # another test's server
    assert reflection.read_slip(store, test_id, "garbage") is None
    assert read_seat(store, cookie) is None  # a slip is no seat in a meeting


def test_a_slip_page_stays_open_for_one_lesson_only(store: ServedStore, test_id: int) -> None:
    """A class computer left signed in is not the next student's way into this one's page."""
    slip = reflection.Slip(test_id, "S15")
    cookie = reflection.sign_slip(store, slip, now=1_000_000)
    hour = reflection.SLIP_HOURS * 3600
    assert reflection.read_slip(store, test_id, cookie, now=1_000_000 + hour - 1) == slip
    assert reflection.read_slip(store, test_id, cookie, now=1_000_000 + hour + 1) is None
    assert reflection.read_slip(store, test_id, cookie, now=1_000_000 - 60) is None  # not yet
