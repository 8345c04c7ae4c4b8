"""The live-meeting services: codes, seats, and what a rater may read and write."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import Phase
from calibrate.services.meeting import sessions as meeting
from calibrate.services.room import access as serve
from calibrate.storage.database import applied_migrations, migrate
from calibrate.storage.store_serve import ServedStore
from calibrate.storage.store_sessions import CODE_ALPHABET
from tests.serve.conftest import Served


def seat_of(served: Served, name: str) -> serve.Seat:
    rater = served.store.rater_by_name(name)
    assert rater is not None and rater.id is not None
    joined = serve.join(served.store, served.join_code, session_id=served.session_id)
    return serve.take_rater_seat(served.store, joined, rater.id)


def score_first_sample(served: Served, seat: serve.Seat, levels: dict[str, int]) -> None:
    sample = served.store.get_session(served.session_id).sample_ids[0]
    for key, level in levels.items():
        serve.record_my_score(served.store, seat, sample_id=sample, criterion_key=key, level=level)


# --------------------------------------------------------------------------- codes


def test_codes_are_made_once_and_rotating_retires_the_old_ones(served: Served) -> None:
    again = serve.ensure_codes(served.store, served.session_id)  # made once: the same codes
    # kept hashed: neither is shown again
    assert again == served.codes._replace(join_code=None, facilitator_code=None)
    join, lead = served.join_code, served.lead_code
    assert len(join) == 6 and len(lead) == 8
    assert set(join + lead) <= set(CODE_ALPHABET)
    rotated = serve.ensure_codes(served.store, served.session_id, rotate=True)
    assert rotated.join_code != join and rotated.facilitator_code != lead
    for old in (join, lead):
        with pytest.raises(InvalidOperationError, match="not right"):
            serve.join(served.store, old)
    assert rotated.join_code is not None
    assert serve.join(served.store, rotated.join_code).facilitator is False


def test_join_and_facilitator_codes_open_different_seats(served: Served) -> None:
    rater_seat = serve.join(served.store, served.join_code)
    lead_seat = serve.join(served.store, served.lead_code)
    assert rater_seat == serve.Seat(served.session_id, False)
    assert lead_seat == serve.Seat(served.session_id, True)


@pytest.mark.parametrize("code", ["", "      ", "ABC", "XXXXXX", "6H9FRSRC0"])
def test_wrong_codes_are_refused(served: Served, code: str) -> None:
    with pytest.raises(InvalidOperationError, match="not right"):
        serve.join(served.store, code)


def test_a_session_that_is_not_live_cannot_be_joined(served: Served) -> None:
    meeting.close_session(served.store, served.session_id)
    with pytest.raises(InvalidOperationError, match="closed"):  # the server names its session
        serve.join(served.store, served.join_code, session_id=served.session_id)
    with pytest.raises(InvalidOperationError, match="not right"):  # only live ones are searched
        serve.join(served.store, served.join_code)


@given(st.lists(st.sampled_from(["upper", "lower", "space", "dash"]), max_size=8))
def test_the_code_may_be_typed_in_any_case_with_spaces_or_dashes(marks: list[str]) -> None:
    code = "K7QM2P"
    typed = ""
    for n, ch in enumerate(code):
        style = marks[n] if n < len(marks) else "upper"
        typed += {"lower": ch.lower(), "space": ch + " ", "dash": ch + "-"}.get(style, ch)
    assert serve.normalise_code(typed) == code
    assert serve.normalise_code(serve.normalise_code(typed)) == code


def test_wrong_codes_in_a_row_slow_guessing_down() -> None:
    assert [serve.wait_after_wrong(n) for n in range(1, 9)] == [0, 0, 2, 4, 8, 16, 32, 60]


# --------------------------------------------------------------------------- seats


def test_a_join_seat_becomes_one_raters_seat_only(served: Served) -> None:
    joined = serve.join(served.store, served.join_code)
    amara = served.store.rater_by_name("Amara Okafor")
    assert amara is not None and amara.id is not None
    seat = serve.take_rater_seat(served.store, joined, amara.id)
    assert seat.rater_id == amara.id
    with pytest.raises(InvalidOperationError, match="already"):
        serve.take_rater_seat(served.store, seat, amara.id)
    lead = serve.join(served.store, served.lead_code)
    with pytest.raises(InvalidOperationError, match="facilitator"):
        serve.take_rater_seat(served.store, lead, amara.id)
    outsider = max(r.id or 0 for r in served.store.list_raters()) + 1
    with pytest.raises(InvalidOperationError, match="not a rater"):
        serve.take_rater_seat(served.store, joined, outsider)


def test_a_seat_writes_and_reads_its_own_scores_only(served: Served) -> None:
    amara, linh = seat_of(served, "Amara Okafor"), seat_of(served, "Linh Tran")
    score_first_sample(served, amara, {"claim": 4, "evidence": 3})
    score_first_sample(served, linh, {"claim": 1})
    assert {k[1]: s.level for k, s in serve.my_scores(served.store, amara).items()} == {
        "claim": 4,
        "evidence": 3,
    }
    assert {k[1]: s.level for k, s in serve.my_scores(served.store, linh).items()} == {"claim": 1}
    assert {s.rater_id for s in served.store.scores(served.session_id)} == {
        amara.rater_id,
        linh.rater_id,
    }
    joined_only = serve.join(served.store, served.join_code)
    with pytest.raises(InvalidOperationError, match="Choose who you are"):
        serve.my_scores(served.store, joined_only)
    with pytest.raises(InvalidOperationError, match="Choose who you are"):
        score_first_sample(served, joined_only, {"claim": 2})


def test_nobody_sees_the_spread_while_the_session_is_blind(served: Served) -> None:
    amara = seat_of(served, "Amara Okafor")
    score_first_sample(served, amara, {"claim": 4})
    with pytest.raises(InvalidOperationError, match="hidden until the facilitator reveals"):
        serve.rater_reveal(served.store, amara)
    with pytest.raises(InvalidOperationError, match="hidden"):
        meeting.revealed_scores(served.store, served.session_id)


def test_after_the_reveal_raters_see_counts_and_names_only_if_allowed(served: Served) -> None:
    amara, linh = seat_of(served, "Amara Okafor"), seat_of(served, "Linh Tran")
    score_first_sample(served, amara, {"claim": 4})
    score_first_sample(served, linh, {"claim": 2})
    meeting.reveal(served.store, served.session_id)
    view = serve.rater_reveal(served.store, amara)
    first = view.items[0]
    assert (first.criterion_name, first.counts, first.mine) == (
        "Claim",
        ((1, 0), (2, 1), (3, 0), (4, 1)),
        4,
    )
    assert not view.names_shown and all(item.names is None for item in view.items)
    assert serve.rater_reveal(served.store, linh).items[0].mine == 2
    served.store.set_reveal_names(served.session_id, True)
    named = serve.rater_reveal(served.store, amara).items[0]
    assert named.names == ((1, ()), (2, ("Linh Tran",)), (3, ()), (4, ("Amara Okafor",)))


# --------------------------------------------------------------------------- choosing a session


def test_the_session_to_serve_is_the_one_being_scored(served: Served) -> None:
    assert serve.choose_session(served.store, None).id == served.session_id
    other = next(s for s in served.store.list_sessions() if s.id != served.session_id)
    assert other.id is not None
    served.store.set_phase(other.id, Phase.SCORING)
    with pytest.raises(InvalidOperationError, match="Several sessions"):
        serve.choose_session(served.store, None)
    meeting.close_session(served.store, other.id)
    with pytest.raises(InvalidOperationError, match="closed"):
        serve.choose_session(served.store, other.id)
    meeting.close_session(served.store, served.session_id)
    with pytest.raises(NotFoundError, match="No session is being scored"):
        serve.choose_session(served.store, None)


# --------------------------------------------------------------------------- storage


def test_the_names_switch_is_stored_and_off_by_default(served: Served) -> None:
    assert "m004_reveal_names" in applied_migrations(served.store.db)
    assert served.store.reveal_names(served.session_id) is False
    served.store.set_reveal_names(served.session_id, True)
    reopened = ServedStore.open(served.path)
    assert reopened.reveal_names(served.session_id) is True
    migrate(reopened.db)  # applying the migrations again changes nothing
    assert reopened.reveal_names(served.session_id) is True
    reopened.close()
    with pytest.raises(NotFoundError):
        served.store.set_reveal_names(9999, True)
