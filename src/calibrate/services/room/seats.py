"""Seats with identity: a rater claims their seat with their name and a personal PIN, and the
seat is carried by a signed cookie.

The first claim sets the PIN (only a salted scrypt hash is stored). A second device claiming a
held seat must give the same PIN. The facilitator can release a seat: its PIN is forgotten and
every cookie signed for it before stops working. Cookies are signed with HMAC-SHA256 under a
key kept in the database, so a restarted server keeps its seats.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.services.room.access import Seat
from calibrate.storage.store_serve import ServedStore

PIN_DIGITS = (4, 8)


class WrongPinError(InvalidOperationError):
    """The PIN given is not the seat's (the door counts it as a wrong try)."""


WRONG_PIN = (
    "That PIN is not right for this seat. If it is your seat, ask the facilitator to free it."
)


def _check_pin_form(pin: str) -> None:
    low, high = PIN_DIGITS
    if not (pin.isdigit() and low <= len(pin) <= high):
        raise InvalidOperationError(f"Choose a PIN of {low} to {high} digits.")


@dataclass(frozen=True)
class SeatClaim:
    """A checked claim waiting for its PIN hash: ``salt`` to hash with, and the stored hash to
    compare with (None on the first claim, when the hash is stored instead)."""

    seat: Seat
    pin: str
    salt: bytes
    stored: bytes | None


SCRYPT_LOG2_N = 12  # 4 MiB and ~15 ms a hash: 40 raters arriving at once wait ~0.6 s in all


def new_salt() -> bytes:
    """A fresh salt whose first byte records the scrypt cost it is used with (log2 N), so the
    cost can change without breaking seats already claimed."""
    return bytes([SCRYPT_LOG2_N]) + secrets.token_bytes(16)


def hash_pin(pin: str, salt: bytes) -> bytes:
    """The salted scrypt hash of a PIN (pure, so it may run in a thread). A 16-byte salt is
    from before the cost was recorded (N = 2**14); a 17-byte one starts with log2 N.

    A PIN of 4 to 8 digits is guessed online only as fast as the door's doubling wait allows;
    the hash keeps a copied database file from handing the PINs over at a glance."""
    log2_n = salt[0] if len(salt) == 17 else 14
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**log2_n, r=8, p=1, dklen=32)


def prepare_claim(store: ServedStore, seat: Seat, rater_id: int, pin: str) -> SeatClaim:
    """Check a claim of ``rater_id``'s seat from a joined (join-code) seat before its PIN is
    hashed. Raises InvalidOperationError for the facilitator's seat, a badly formed PIN, or
    someone not a rater here."""
    if seat.facilitator:
        raise InvalidOperationError("The facilitator's code runs the board, not scoring.")
    if rater_id not in store.get_session(seat.session_id).rater_ids:
        raise InvalidOperationError("That person is not a rater of this session.")
    _check_pin_form(pin)
    row = store.seat_row(seat.session_id, rater_id)
    claimed = Seat(seat.session_id, False, rater_id)
    if row is None or row["pin_hash"] is None:
        return SeatClaim(claimed, pin, new_salt(), None)
    return SeatClaim(claimed, pin, bytes(row["pin_salt"]), bytes(row["pin_hash"]))


def complete_claim(store: ServedStore, claim: SeatClaim, digest: bytes) -> Seat:
    """The claimed seat, given ``digest = hash_pin(claim.pin, claim.salt)``. On a first claim
    the hash is stored; if another device claimed the seat a moment before, its PIN is needed.
    Raises InvalidOperationError for a wrong PIN."""
    seat = claim.seat
    assert seat.rater_id is not None
    if claim.stored is None:
        if store.claim_seat_row(seat.session_id, seat.rater_id, claim.salt, digest):
            return seat
        row = store.seat_row(seat.session_id, seat.rater_id)  # claimed a moment ago elsewhere
        assert row is not None
        digest = hash_pin(claim.pin, bytes(row["pin_salt"]))
        claim = SeatClaim(seat, claim.pin, bytes(row["pin_salt"]), bytes(row["pin_hash"]))
    assert claim.stored is not None
    if not hmac.compare_digest(digest, claim.stored):
        raise WrongPinError(WRONG_PIN)
    return seat


def claim_seat(store: ServedStore, seat: Seat, rater_id: int, pin: str) -> Seat:
    """The rater's seat for ``rater_id`` from a joined (join-code) seat, claimed with ``pin``.

    On the first claim the PIN is set; afterwards the same PIN is needed. Raises
    InvalidOperationError for a wrong PIN, a badly formed one, or someone not a rater here.
    """
    claim = prepare_claim(store, seat, rater_id, pin)
    return complete_claim(store, claim, hash_pin(pin, claim.salt))


def release_seat(store: ServedStore, session_id: int, rater_id: int) -> bool:
    """Free a rater's seat (their PIN is forgotten, old cookies stop working). False if the
    seat was not held."""
    return store.release_seat_row(session_id, rater_id)


def _generation(store: ServedStore, seat: Seat) -> int:
    """A claimed seat's release count; for a seat opened by a code alone, a number drawn from
    the stored hash of the code that opened it (the join or the facilitator code), so a new
    code ends those cookies while claimed seats (which a PIN protects) keep scoring: a new
    facilitator code signs out only the facilitator."""
    if seat.rater_id is None:
        codes = store.session_codes(seat.session_id)
        code = codes.facilitator_hash if seat.facilitator else codes.join_hash
        text = f"{'f' if seat.facilitator else 'j'}/{code}".encode()
        return int.from_bytes(hashlib.sha256(text).digest()[:4], "big")
    row = store.seat_row(seat.session_id, seat.rater_id)
    return 0 if row is None else int(row["generation"])


def _payload(seat: Seat, generation: int) -> str:
    who = "f" if seat.facilitator else ("r" if seat.rater_id is None else f"r{seat.rater_id}")
    return f"{seat.session_id}.{who}.{generation}"


def sign_seat(store: ServedStore, seat: Seat) -> str:
    """The cookie value carrying ``seat``: its payload and an HMAC of it."""
    payload = _payload(seat, _generation(store, seat))
    mac = hmac.new(store.room_secret(), payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{mac}"


def read_seat(store: ServedStore, cookie: str) -> Seat | None:
    """The seat a cookie carries, or None if it is forged, malformed, or released since."""
    payload, _, mac = cookie.rpartition(".")
    good = hmac.new(store.room_secret(), payload.encode(), hashlib.sha256).hexdigest()
    if not payload or not hmac.compare_digest(mac, good):
        return None
    session_text, who, generation_text = payload.split(".")
    seat = Seat(
        int(session_text),
        who == "f",
        int(who[1:]) if who.startswith("r") and len(who) > 1 else None,
    )
    try:
        if seat.rater_id is not None:
            row = store.seat_row(seat.session_id, seat.rater_id)
            if row is None or row["pin_hash"] is None:
                return None
        if int(generation_text) != _generation(store, seat):
            return None
    except NotFoundError:  # the session has gone
        return None
    return seat
