"""Seats with identity: claim by name + PIN, a held seat refused without it, release, cookies."""

from __future__ import annotations

import pytest

from calibrate.domain.errors import InvalidOperationError
from calibrate.services.room.access import join
from calibrate.services.room.seats import claim_seat, read_seat, release_seat, sign_seat
from calibrate.storage.store_serve import ServedStore
from tests.serve.conftest import Served


def test_first_claim_sets_pin_and_only_its_hash_is_stored(served: Served) -> None:
    rater = served.rater_ids()[0]
    seat = claim_seat(served.store, join(served.store, served.join_code), rater, "4821")
    assert seat.rater_id == rater and not seat.facilitator
    row = served.store.seat_row(served.session_id, rater)
    assert row is not None and b"4821" not in bytes(row["pin_hash"]) + bytes(row["pin_salt"])
    salt = bytes(row["pin_salt"])
    assert len(salt) == 17 and salt[0] == 12  # the scrypt cost (log2 N), then 16 random bytes


def test_second_device_needs_the_pin(served: Served) -> None:
    rater = served.rater_ids()[0]
    joined = join(served.store, served.join_code)
    claim_seat(served.store, joined, rater, "4821")
    with pytest.raises(InvalidOperationError, match="PIN is not right"):
        claim_seat(served.store, joined, rater, "0000")
    assert claim_seat(served.store, joined, rater, "4821").rater_id == rater


def test_pin_form_and_facilitator_and_stranger_refused(served: Served) -> None:
    joined = join(served.store, served.join_code)
    with pytest.raises(InvalidOperationError, match="4 to 8 digits"):
        claim_seat(served.store, joined, served.rater_ids()[0], "12a")
    with pytest.raises(InvalidOperationError, match="not scoring"):
        claim_seat(
            served.store, join(served.store, served.lead_code), served.rater_ids()[0], "1234"
        )
    with pytest.raises(InvalidOperationError, match="not a rater"):
        claim_seat(served.store, joined, 999_999, "1234")


def test_cookie_round_trip_forgery_and_release(served: Served) -> None:
    rater = served.rater_ids()[0]
    seat = claim_seat(served.store, join(served.store, served.join_code), rater, "4821")
    cookie = sign_seat(served.store, seat)
    assert read_seat(served.store, cookie) == seat
    other = served.rater_ids()[1]
    forged = cookie.replace(f".r{rater}.", f".r{other}.")
    assert read_seat(served.store, forged) is None
    assert read_seat(served.store, "garbage") is None
    assert release_seat(served.store, served.session_id, rater)
    assert read_seat(served.store, cookie) is None  # released: the old device is out
    assert not release_seat(served.store, served.session_id, rater)
    # the seat is free again: a new PIN claims it
    assert claim_seat(served.store, join(served.store, served.join_code), rater, "7777")


def test_seats_and_key_survive_a_restart(served: Served) -> None:
    rater = served.rater_ids()[0]
    seat = claim_seat(served.store, join(served.store, served.join_code), rater, "4821")
    cookie = sign_seat(served.store, seat)
    again = ServedStore.open(served.path)
    try:
        assert read_seat(again, cookie) == seat
    finally:
        again.close()


def test_facilitator_cookie(served: Served) -> None:
    lead = join(served.store, served.lead_code)
    assert read_seat(served.store, sign_seat(served.store, lead)) == lead


def test_a_seat_claimed_before_the_cost_was_recorded_still_opens_with_its_pin(
    served: Served,
) -> None:
    import hashlib

    rater = served.rater_ids()[0]
    salt = b"s" * 16  # as m008's first seats were made: 16 bytes, N = 2**14
    digest = hashlib.scrypt(b"4821", salt=salt, n=2**14, r=8, p=1, dklen=32)
    assert served.store.claim_seat_row(served.session_id, rater, salt, digest)
    joined = join(served.store, served.join_code)
    assert claim_seat(served.store, joined, rater, "4821").rater_id == rater
    with pytest.raises(InvalidOperationError, match="PIN is not right"):
        claim_seat(served.store, joined, rater, "4822")
