"""Seats of a served meeting (migration ``m008_room_seats``): who holds which rater's seat, the
salted hash of their PIN, and the key the seat cookies are signed with."""

from __future__ import annotations

import secrets
import sqlite3

from calibrate.storage.store_base import StoreBase


class SeatStore(StoreBase):
    def room_secret(self) -> bytes:
        """The key seat cookies are signed with, made once and kept, so a restart keeps seats."""
        key = self._scalar("SELECT key FROM room_secret WHERE id = 1")
        if key is None:
            with self.transaction():
                self._write(
                    "INSERT OR IGNORE INTO room_secret (id, key) VALUES (1, ?)",
                    (secrets.token_bytes(32),),
                )
            key = self._scalar("SELECT key FROM room_secret WHERE id = 1")
        return bytes(key)

    def seat_row(self, session_id: int, rater_id: int) -> sqlite3.Row | None:
        """The stored seat of ``rater_id`` in ``session_id``, or None if never claimed."""
        return self._row(
            "SELECT * FROM room_seats WHERE session_id = ? AND rater_id = ?",
            (session_id, rater_id),
        )

    def claim_seat_row(self, session_id: int, rater_id: int, salt: bytes, digest: bytes) -> bool:
        """Record the first claim of a seat with its PIN hash. False if it is already held
        (another device claimed it first; nothing is changed)."""
        with self.transaction():
            self._write(
                "INSERT OR IGNORE INTO room_seats (session_id, rater_id) VALUES (?, ?)",
                (session_id, rater_id),
            )
            changed = self._write(
                "UPDATE room_seats SET pin_salt = ?, pin_hash = ?, claimed_at = ?"
                " WHERE session_id = ? AND rater_id = ? AND pin_hash IS NULL",
                (salt, digest, self._now(), session_id, rater_id),
            )
        return changed == 1

    def release_seat_row(self, session_id: int, rater_id: int) -> bool:
        """Forget a seat's PIN and end its cookies. False if the seat was not held."""
        with self.transaction():
            changed = self._write(
                "UPDATE room_seats SET pin_salt = NULL, pin_hash = NULL, claimed_at = NULL,"
                " generation = generation + 1"
                " WHERE session_id = ? AND rater_id = ? AND pin_hash IS NOT NULL",
                (session_id, rater_id),
            )
        return changed == 1
