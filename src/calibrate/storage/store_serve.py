"""What a live (served) meeting stores beyond the core records: whether raters may see who gave
which level once the scores are revealed (migration ``m004_reveal_names``)."""

from __future__ import annotations

from calibrate.storage.store import Store
from calibrate.storage.store_base import StoreBase
from calibrate.storage.store_seats import SeatStore


class ServeStore(StoreBase):
    def reveal_names(self, session_id: int) -> bool:
        """Whether raters see names beside the levels after the reveal (off by default).
        Raises NotFoundError if there is no such session."""
        return bool(self._require("sessions", session_id, "session")["reveal_names"])

    def set_reveal_names(self, session_id: int, allowed: bool) -> None:
        """Let raters see (or stop them seeing) who gave which level after the reveal.
        Raises NotFoundError if there is no such session."""
        with self.transaction():
            self._require("sessions", session_id, "session")
            self._write(
                "UPDATE sessions SET reveal_names = ? WHERE id = ?", (int(allowed), session_id)
            )


class ServedStore(Store, ServeStore, SeatStore):
    """The :class:`Store` with the live-meeting methods; open it with ``ServedStore.open``."""
