"""Calibration sessions: which rubric version, samples (in order) and raters; phase and round;
the codes used to join a live meeting."""

from __future__ import annotations

import secrets
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Phase, Session
from calibrate.storage.code_hashes import code_matches, hash_code
from calibrate.storage.store_base import StoreBase, quoted, spoken_list

# No 0/O, 1/I/L: codes are read aloud and typed from a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
KEY_TIMINGS = frozenset({"after", "before"})  # services.meeting.key_timing.KeyTiming's values


def new_session_code(length: int = 6) -> str:
    """A random code for :meth:`SessionStore.set_session_codes` (cryptographically random)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class SessionCodes(NamedTuple):
    """A session's codes. Both are kept hashed (:mod:`calibrate.storage.code_hashes`): a code
    is here only from the call that made it (None otherwise); ``join_hash`` and
    ``facilitator_hash`` say whether one is set (and are what seat cookies are derived from)."""

    join_code: str | None
    facilitator_code: str | None
    facilitator_hash: str | None = None
    join_hash: str | None = None


class SessionStore(StoreBase):
    def create_session(self, session: Session) -> Session:
        """Store a new session with its samples (in the given order) and raters.

        Returns it with ``id`` and ``created_at`` (kept if given). Raises NotFoundError if the
        rubric, a sample or a rater does not exist; InvalidOperationError if a sample or rater is
        listed twice or the round is below 1.
        """
        self._check_session_shape(session)
        with self.transaction():
            self._require("rubrics", session.rubric_id, "rubric")
            self._require_members(session.sample_ids, session.rater_ids)
            session_id = self._insert(
                "INSERT INTO sessions (title, date, rubric_id, facilitator, phase, blind, round,"
                " cut_score, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session.title,
                    session.date,
                    session.rubric_id,
                    session.facilitator,
                    str(session.phase),
                    int(session.blind),
                    session.round,
                    session.cut_score,
                    session.created_at or self._now(),
                ),
            )
            self._set_members(session_id, session.sample_ids, session.rater_ids)
        return self.get_session(session_id)

    def get_session(self, session_id: int) -> Session:
        """The session ``session_id``. Raises NotFoundError if there is none."""
        with self._snapshot():
            return self._session_from_row(self._require("sessions", session_id, "session"))

    def list_sessions(self) -> list[Session]:
        """Every session, newest date first (then newest created first)."""
        with self._snapshot():
            rows = self._rows("SELECT * FROM sessions ORDER BY date DESC, id DESC")
            return [self._session_from_row(row) for row in rows]

    def update_session(self, session: Session) -> Session:
        """Overwrite the stored session ``session.id`` (title, date, facilitator, phase, blind,
        cut score, rubric version, samples and raters); returns what is stored.

        Raises NotFoundError if the session, its rubric, a sample or a rater does not exist.
        Raises InvalidOperationError if the round differs from the stored one (use
        :meth:`start_round`), if the rubric version changes once scores exist, or if a sample or
        rater that already has scores in this session would be removed.
        """
        self._check_session_shape(session)
        with self.transaction():
            row = self._require("sessions", session.id, "session")
            assert session.id is not None
            if session.round != row["round"]:
                raise InvalidOperationError(
                    f"The session {quoted(row['title'])} is in round {row['round']}; "
                    "start a new round instead of changing the round number."
                )
            self._require("rubrics", session.rubric_id, "rubric")
            self._require_members(session.sample_ids, session.rater_ids)
            has_scores = self._scalar(
                "SELECT EXISTS (SELECT 1 FROM scores WHERE session_id = ?)", (session.id,)
            )
            if has_scores and session.rubric_id != row["rubric_id"]:
                raise InvalidOperationError(
                    f"The session {quoted(row['title'])} already has scores, so its rubric "
                    "can no longer be changed."
                )
            self._refuse_dropping_scored(session, row["title"])
            self._write(
                "UPDATE sessions SET title = ?, date = ?, rubric_id = ?, facilitator = ?,"
                " phase = ?, blind = ?, cut_score = ? WHERE id = ?",
                (
                    session.title,
                    session.date,
                    session.rubric_id,
                    session.facilitator,
                    str(session.phase),
                    int(session.blind),
                    session.cut_score,
                    session.id,
                ),
            )
            self._replace_members(session.id, session.sample_ids, session.rater_ids)
        return self.get_session(session.id)

    def set_phase(self, session_id: int, phase: Phase) -> Session:
        """Move the session to ``phase`` (the services decide which moves make sense); returns
        the session. Raises NotFoundError if there is no such session."""
        with self.transaction():
            self._require("sessions", session_id, "session")
            self._write("UPDATE sessions SET phase = ? WHERE id = ?", (str(phase), session_id))
        return self.get_session(session_id)

    def start_round(self, session_id: int, items: Sequence[tuple[int, str]] | None = None) -> int:
        """Start a re-score round: the round number goes up by one and the phase goes back to
        scoring. ``items`` (sample id, criterion key) are the only ones scored again; None
        means every item. Returns the new round number.

        Allowed only once the scores have been revealed (phase reveal or consensus). Raises
        NotFoundError if there is no such session, InvalidOperationError in any other phase,
        for an empty ``items``, or an item whose sample or criterion is not in the session.
        """
        with self.transaction():
            row = self._require("sessions", session_id, "session")
            phase = Phase(row["phase"])
            if phase not in (Phase.REVEAL, Phase.CONSENSUS):
                raise InvalidOperationError(
                    f"A new round can start only after the scores are revealed; the session "
                    f"{quoted(row['title'])} is in the {phase} phase."
                )
            new_round = int(row["round"]) + 1
            if items is not None:
                self._check_round_items(session_id, row, items)
            self._write(
                "UPDATE sessions SET round = ?, phase = ? WHERE id = ?",
                (new_round, str(Phase.SCORING), session_id),
            )
            for sample_id, criterion_key in dict.fromkeys(items or ()):
                self._write(
                    "INSERT INTO round_items (session_id, round, sample_id, criterion_key)"
                    " VALUES (?, ?, ?, ?)",
                    (session_id, new_round, sample_id, criterion_key),
                )
        return new_round

    def restore_rounds(
        self, session_id: int, current: int, asked: Mapping[int, Sequence[tuple[int, str]]]
    ) -> int:
        """Bring a session loaded back from a kit to the kit's round: ``current`` if it is later
        than the stored one, and the items each partial round in ``asked`` asked for (items
        already kept are left). Returns how many items were added. Raises NotFoundError if
        there is no such session; InvalidOperationError for a round not started yet or an
        item not in the session."""
        added = 0
        with self.transaction():
            row = self._require("sessions", session_id, "session")
            if current > row["round"]:
                self._write("UPDATE sessions SET round = ? WHERE id = ?", (current, session_id))
            for round_, items in asked.items():
                if not 2 <= round_ <= max(current, row["round"]):
                    raise InvalidOperationError(
                        f"The session {quoted(row['title'])} has no round {round_}."
                    )
                self._check_round_items(session_id, row, items)
                for sample_id, criterion_key in items:
                    added += self._write(
                        "INSERT OR IGNORE INTO round_items"
                        " (session_id, round, sample_id, criterion_key) VALUES (?, ?, ?, ?)",
                        (session_id, round_, sample_id, criterion_key),
                    )
        return added

    def _check_round_items(
        self, session_id: int, row: sqlite3.Row, items: Sequence[tuple[int, str]]
    ) -> None:
        if not items:
            raise InvalidOperationError(
                "Choose at least one item to re-score, or re-score every item."
            )
        samples = {
            r["sample_id"]
            for r in self._rows(
                "SELECT sample_id FROM session_samples WHERE session_id = ?", (session_id,)
            )
        }
        keys = {
            r["key"]
            for r in self._rows("SELECT key FROM criteria WHERE rubric_id = ?", (row["rubric_id"],))
        }
        for sample_id, criterion_key in items:
            if sample_id not in samples:
                raise InvalidOperationError(
                    f"Sample {sample_id} is not part of the session {quoted(row['title'])}."
                )
            if criterion_key not in keys:
                raise InvalidOperationError(
                    f"{quoted(criterion_key)} is not a criterion of the session's rubric."
                )

    def set_session_codes(
        self, session_id: int, join_code: str | None, facilitator_code: str | None
    ) -> SessionCodes:
        """Set (or rotate) the codes raters and the facilitator use to join a live meeting; a
        code given as None stays as it is. Returns the codes, each one made here in the clear
        this once (both are stored hashed).

        Raises NotFoundError if there is no such session; InvalidOperationError if a code is
        empty or missing (None with none set), both codes are the same, or another live
        session (scored or discussed) uses one of them.
        """
        if join_code == "" or facilitator_code == "":
            raise InvalidOperationError("Both the join code and the facilitator code are needed.")
        same = "The join code and the facilitator code must differ, or every rater could run "
        if join_code is not None and join_code == facilitator_code:
            raise InvalidOperationError(same + "the meeting.")
        join_hash = None if join_code is None else hash_code(join_code)
        lead_hash = None if facilitator_code is None else hash_code(facilitator_code)
        with self.transaction():
            row = self._require("sessions", session_id, "session")
            for given, kept, name in (
                (join_code, row["join_hash"], "join"),
                (facilitator_code, row["facilitator_hash"], "facilitator"),
            ):
                if given is None and kept is None:
                    raise InvalidOperationError(f"The session has no {name} code yet; make one.")
            if (join_code is not None and code_matches(join_code, row["facilitator_hash"])) or (
                facilitator_code is not None and code_matches(facilitator_code, row["join_hash"])
            ):
                raise InvalidOperationError(same + "the meeting.")
            self._refuse_codes_in_use(session_id, [c for c in (join_code, facilitator_code) if c])
            self._write(
                "UPDATE sessions SET join_hash = coalesce(?, join_hash),"
                " facilitator_hash = coalesce(?, facilitator_hash) WHERE id = ?",
                (join_hash, lead_hash, session_id),
            )
        return SessionCodes(
            join_code,
            facilitator_code,
            lead_hash or row["facilitator_hash"],
            join_hash or row["join_hash"],
        )

    def _refuse_codes_in_use(self, session_id: int, codes: list[str]) -> None:
        """Refuse codes another live session uses (each of its hashes checked: a few ms)."""
        for row in self._live_code_rows(exclude=session_id):
            for code in codes:
                if code_matches(code, row["join_hash"]) or code_matches(
                    code, row["facilitator_hash"]
                ):
                    raise InvalidOperationError(
                        "Another session already uses one of these codes; choose new ones."
                    )

    def _live_code_rows(self, *, exclude: int | None = None) -> list[sqlite3.Row]:
        return self._rows(
            "SELECT id, join_hash, facilitator_hash FROM sessions"
            " WHERE coalesce(join_hash, facilitator_hash) IS NOT NULL"
            " AND phase IN (?, ?, ?) AND id IS NOT ? ORDER BY id DESC",
            (Phase.SCORING.value, Phase.REVEAL.value, Phase.CONSENSUS.value, exclude),
        )

    def session_codes(self, session_id: int) -> SessionCodes:
        """Whether the session's codes are set (their hashes); the codes themselves cannot be
        read back. Raises NotFoundError if there is no such session."""
        row = self._require("sessions", session_id, "session")
        return SessionCodes(None, None, row["facilitator_hash"], row["join_hash"])

    def session_for_code(
        self, code: str, *, session_id: int | None = None
    ) -> tuple[Session, bool] | None:
        """The session whose join or facilitator code is ``code``, and whether it is the
        facilitator's code; None if no session uses it. The code is checked against
        ``session_id``'s hashes, or else against those of every session being scored or
        discussed (a few milliseconds per hash: the door's wait keeps guessing slow)."""
        if not code:
            return None
        if session_id is not None:
            candidates = self._rows(
                "SELECT id, join_hash, facilitator_hash FROM sessions WHERE id = ?", (session_id,)
            )
        else:
            candidates = self._live_code_rows()
        for candidate in candidates:
            if code_matches(code, candidate["join_hash"]):
                return self.get_session(candidate["id"]), False
            if code_matches(code, candidate["facilitator_hash"]):
                return self.get_session(candidate["id"]), True
        return None

    def session_key_timing(self, session_id: int) -> tuple[str | None, bool]:
        """When this session's team sees the master key (``after``, ``before``, or None while
        no reveal has fixed it) and whether the facilitator showed it now. Raises
        NotFoundError if there is no such session."""
        row = self._require("sessions", session_id, "session")
        return row["key_timing"], bool(row["key_shown"])

    def set_session_key_timing(
        self, session_id: int, *, timing: str | None = None, shown: bool | None = None
    ) -> None:
        """Keep the session's master-key timing (``after`` or ``before``) and/or whether it is
        shown now; None leaves that one as it is. Raises NotFoundError if there is no such
        session; InvalidOperationError for another timing."""
        if timing is not None and timing not in KEY_TIMINGS:
            raise InvalidOperationError(
                f"The master key is shown “after” or “before” the team agrees, not "
                f"{quoted(timing)}."
            )
        with self.transaction():
            self._require("sessions", session_id, "session")
            if timing is not None:
                self._write("UPDATE sessions SET key_timing = ? WHERE id = ?", (timing, session_id))
            if shown is not None:
                self._write(
                    "UPDATE sessions SET key_shown = ? WHERE id = ?", (int(shown), session_id)
                )

    # --- internals ----------------------------------------------------------------------------

    @staticmethod
    def _check_session_shape(session: Session) -> None:
        if not session.title.strip():
            raise InvalidOperationError("A session needs a title.")
        if session.round < 1:
            raise InvalidOperationError(f"Rounds are numbered from 1, not {session.round}.")
        for what, ids in (("sample", session.sample_ids), ("rater", session.rater_ids)):
            twice = sorted(i for i, n in Counter(ids).items() if n > 1)
            if twice:
                raise InvalidOperationError(
                    f"A session lists each {what} once, but these {what} ids are listed "
                    f"more than once: {spoken_list(twice)}."
                )

    def _require_members(self, sample_ids: Sequence[int], rater_ids: Sequence[int]) -> None:
        for sample_id in sample_ids:
            self._require("samples", sample_id, "sample")
        for rater_id in rater_ids:
            self._require("raters", rater_id, "rater")

    def _set_members(
        self, session_id: int, sample_ids: Sequence[int], rater_ids: Sequence[int]
    ) -> None:
        self._conn.executemany(
            "INSERT INTO session_samples (session_id, sample_id, position) VALUES (?, ?, ?)",
            [(session_id, s, n) for n, s in enumerate(sample_ids, start=1)],
        )
        self._conn.executemany(
            "INSERT INTO session_raters (session_id, rater_id, position) VALUES (?, ?, ?)",
            [(session_id, r, n) for n, r in enumerate(rater_ids, start=1)],
        )

    def _replace_members(
        self, session_id: int, sample_ids: Sequence[int], rater_ids: Sequence[int]
    ) -> None:
        """Make the session's samples and raters exactly these, in this order.

        Members that stay are updated in place, not deleted and re-inserted: scores refer to
        them through foreign keys. Only members that leave are deleted (the caller has already
        refused to drop any member with scores).
        """
        for table, column, ids in (
            ("session_samples", "sample_id", sample_ids),
            ("session_raters", "rater_id", rater_ids),
        ):
            marks = ",".join("?" * len(ids))
            self._write(
                f"DELETE FROM {table} WHERE session_id = ? AND {column} NOT IN ({marks})",
                (session_id, *ids),
            )
            self._conn.executemany(
                f"INSERT INTO {table} (session_id, {column}, position) VALUES (?, ?, ?)"
                f" ON CONFLICT (session_id, {column}) DO UPDATE SET position = excluded.position",
                [(session_id, member, n) for n, member in enumerate(ids, start=1)],
            )

    def _refuse_dropping_scored(self, session: Session, title: str) -> None:
        for what, column, table, kept in (
            ("sample", "sample_id", "samples", session.sample_ids),
            ("rater", "rater_id", "raters", session.rater_ids),
        ):
            scored = [
                r[0]
                for r in self._conn.execute(
                    f"SELECT DISTINCT {column} FROM scores WHERE session_id = ?", (session.id,)
                )
            ]
            dropped = [i for i in scored if i not in kept]
            if dropped:
                names = [
                    self._scalar(
                        f"SELECT {'title' if what == 'sample' else 'name'} FROM {table}"
                        " WHERE id = ?",
                        (i,),
                    )
                    for i in dropped
                ]
                raise InvalidOperationError(
                    f"The session {quoted(title)} already has scores for the {what} "
                    f"{spoken_list(quoted(n) for n in names)}, so it cannot be removed."
                )

    def _session_from_row(self, row: sqlite3.Row) -> Session:
        sample_ids = tuple(
            r[0]
            for r in self._conn.execute(
                "SELECT sample_id FROM session_samples WHERE session_id = ? ORDER BY position",
                (row["id"],),
            )
        )
        rater_ids = tuple(
            r[0]
            for r in self._conn.execute(
                "SELECT rater_id FROM session_raters WHERE session_id = ? ORDER BY position",
                (row["id"],),
            )
        )
        return Session(
            title=row["title"],
            date=row["date"],
            rubric_id=row["rubric_id"],
            facilitator=row["facilitator"],
            sample_ids=sample_ids,
            rater_ids=rater_ids,
            phase=Phase(row["phase"]),
            blind=bool(row["blind"]),
            round=row["round"],
            cut_score=row["cut_score"],
            id=row["id"],
            created_at=row["created_at"],
        )
