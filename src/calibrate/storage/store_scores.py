"""Scores (with their audit trail) and the consensus a team agrees on."""

from __future__ import annotations

import dataclasses
import itertools
import sqlite3

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Consensus, Phase, Score
from calibrate.storage.store_base import StoreBase, quoted

_SCORE_COLUMNS = "session_id, round, sample_id, criterion_key, rater_id, level, note, scored_at"


class ScoreStore(StoreBase):
    def record_score(
        self,
        session_id: int,
        sample_id: int,
        criterion_key: str,
        rater_id: int,
        level: int,
        *,
        note: str = "",
        round: int | None = None,
    ) -> Score:
        """Record one rater's level for one sample on one criterion, in one transaction.

        ``round`` defaults to the session's current round; an earlier round may be corrected.
        If a score is already there, the earlier value is kept in the score history first.
        Recording exactly the same level and note again changes nothing.
        Returns the stored score.

        Raises NotFoundError if the session, sample or rater does not exist.
        Raises InvalidOperationError (and writes nothing) if the session is not in the scoring
        phase, the rater or sample is not part of the session, the criterion or level is not on
        the session's rubric version, the round is not one the session has reached, or the
        round re-scores only some items and this is not one of them.
        """
        with self.transaction():
            session = self._require("sessions", session_id, "session")
            title = quoted(session["title"])
            if session["phase"] != Phase.SCORING:
                state = (
                    "closed"
                    if session["phase"] == Phase.CLOSED
                    else f"in the {session['phase']} phase"
                )
                raise InvalidOperationError(
                    f"Scores can be recorded only while a session is in the scoring phase; "
                    f"the session {title} is {state}."
                )
            rater = self._require("raters", rater_id, "rater")
            if not self._scalar(
                "SELECT 1 FROM session_raters WHERE session_id = ? AND rater_id = ?",
                (session_id, rater_id),
            ):
                raise InvalidOperationError(
                    f"{rater['name']} is not one of the raters of the session {title}."
                )
            sample = self._require("samples", sample_id, "sample")
            self._check_sample_in_session(session_id, sample_id, title, sample["title"])
            self._check_level(session["rubric_id"], criterion_key, level)
            current_round = int(session["round"])
            if round is None:
                round = current_round
            elif not 1 <= round <= current_round:
                raise InvalidOperationError(
                    f"The session {title} is in round {current_round}; "
                    f"there is no round {round} to score yet."
                )
            asked = self.round_items(session_id, round)
            if asked is not None and (sample_id, criterion_key) not in asked:
                raise InvalidOperationError(
                    f"{quoted(sample['title'])} is not re-scored on {quoted(criterion_key)} in "
                    f"round {round} of the session {title}: only the items chosen for the round "
                    "are scored again."
                )
            key = (session_id, round, sample_id, criterion_key, rater_id)
            existing = self._row(
                "SELECT * FROM scores WHERE session_id = ? AND round = ? AND sample_id = ?"
                " AND criterion_key = ? AND rater_id = ?",
                key,
            )
            now = self._now()
            if existing is None:
                score_id = self._insert(
                    f"INSERT INTO scores ({_SCORE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (*key[:3], criterion_key, rater_id, level, note, now),
                )
            elif existing["level"] == level and existing["note"] == note:
                return _score(existing)
            else:
                score_id = existing["id"]
                self._insert(
                    f"INSERT INTO score_history (score_id, {_SCORE_COLUMNS}, replaced_at)"
                    f" SELECT id, {_SCORE_COLUMNS}, ? FROM scores WHERE id = ?",
                    (now, score_id),
                )
                self._write(
                    "UPDATE scores SET level = ?, note = ?, scored_at = ? WHERE id = ?",
                    (level, note, now, score_id),
                )
            stored = self._row("SELECT * FROM scores WHERE id = ?", (score_id,))
            assert stored is not None
            return _score(stored)

    def round_items(self, session_id: int, round: int) -> frozenset[tuple[int, str]] | None:
        """The (sample id, criterion key) items a round asks for; None: every item."""
        rows = self._rows(
            "SELECT sample_id, criterion_key FROM round_items WHERE session_id = ? AND round = ?",
            (session_id, round),
        )
        return frozenset((r["sample_id"], r["criterion_key"]) for r in rows) or None

    def scores(
        self, session_id: int, *, round: int | None = None, rater_id: int | None = None
    ) -> list[Score]:
        """The current scores of a session (every round unless ``round`` is given; every rater
        unless ``rater_id`` is given), ordered by round, sample order, criterion order, rater
        order. Raises NotFoundError if there is no such session."""
        with self._snapshot():
            self._require("sessions", session_id, "session")
            # Plain tuples in Score's own order: a meeting's scores are thousands of rows, and
            # reading each field of a sqlite3.Row by name cost three times the query itself.
            rows = self._conn.execute(
                f"SELECT {_SCORE_FIELDS} FROM scores sc"
                " JOIN sessions se ON se.id = sc.session_id"
                " JOIN session_samples ss"
                "   ON ss.session_id = sc.session_id AND ss.sample_id = sc.sample_id"
                " JOIN session_raters sr"
                "   ON sr.session_id = sc.session_id AND sr.rater_id = sc.rater_id"
                " LEFT JOIN criteria c ON c.rubric_id = se.rubric_id AND c.key = sc.criterion_key"
                " WHERE sc.session_id = ? AND (? IS NULL OR sc.round = ?)"
                "   AND (? IS NULL OR sc.rater_id = ?)"
                " ORDER BY sc.round, ss.position, c.position, sr.position",
                (session_id, round, round, rater_id, rater_id),
            ).fetchall()
        return list(itertools.starmap(Score, rows))

    def score_history(
        self, session_id: int, sample_id: int, criterion_key: str, rater_id: int, round: int
    ) -> list[Score]:
        """Every value this score has had, oldest first, the current one last; empty if it was
        never scored. Every entry carries the id of the (current) score it belongs to."""
        with self._snapshot():
            current = self._row(
                "SELECT * FROM scores WHERE session_id = ? AND round = ? AND sample_id = ?"
                " AND criterion_key = ? AND rater_id = ?",
                (session_id, round, sample_id, criterion_key, rater_id),
            )
            if current is None:
                return []
            earlier = self._rows(
                f"SELECT score_id AS id, {_SCORE_COLUMNS} FROM score_history"
                " WHERE score_id = ? ORDER BY id",
                (current["id"],),
            )
        return [_score(row) for row in [*earlier, current]]

    def set_consensus(self, consensus: Consensus) -> Consensus:
        """Store the agreed level for a sample on a criterion (replacing an earlier decision);
        returns what is stored, with ``decided_at`` (kept if given).

        Raises NotFoundError if the session or sample does not exist; InvalidOperationError if
        the session is closed, the sample is not part of it, or the criterion or level is not on
        its rubric version.
        """
        with self.transaction():
            session = self._require("sessions", consensus.session_id, "session")
            title = quoted(session["title"])
            if session["phase"] == Phase.CLOSED:
                raise InvalidOperationError(
                    f"The session {title} is closed; its consensus can no longer change."
                )
            sample = self._require("samples", consensus.sample_id, "sample")
            self._check_sample_in_session(
                consensus.session_id, consensus.sample_id, title, sample["title"]
            )
            self._check_level(session["rubric_id"], consensus.criterion_key, consensus.level)
            self._write(
                "INSERT INTO consensus (session_id, sample_id, criterion_key, level, rationale,"
                " decided_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (session_id, sample_id, criterion_key) DO UPDATE SET"
                " level = excluded.level, rationale = excluded.rationale,"
                " decided_at = excluded.decided_at",
                (
                    consensus.session_id,
                    consensus.sample_id,
                    consensus.criterion_key,
                    consensus.level,
                    consensus.rationale,
                    consensus.decided_at or self._now(),
                ),
            )
            row = self._row(
                "SELECT * FROM consensus WHERE session_id = ? AND sample_id = ?"
                " AND criterion_key = ?",
                (consensus.session_id, consensus.sample_id, consensus.criterion_key),
            )
            assert row is not None
            return _consensus(row)

    def consensus_for(self, session_id: int) -> list[Consensus]:
        """The agreed levels of a session, in sample order then criterion order. Raises
        NotFoundError if there is no such session."""
        with self._snapshot():
            self._require("sessions", session_id, "session")
            rows = self._rows(
                "SELECT co.* FROM consensus co"
                " JOIN sessions se ON se.id = co.session_id"
                " LEFT JOIN session_samples ss"
                "   ON ss.session_id = co.session_id AND ss.sample_id = co.sample_id"
                " LEFT JOIN criteria c ON c.rubric_id = se.rubric_id AND c.key = co.criterion_key"
                " WHERE co.session_id = ? ORDER BY ss.position, c.position, co.id",
                (session_id,),
            )
        return [_consensus(row) for row in rows]

    def _check_sample_in_session(
        self, session_id: int, sample_id: int, title: str, sample_title: str
    ) -> None:
        if not self._scalar(
            "SELECT 1 FROM session_samples WHERE session_id = ? AND sample_id = ?",
            (session_id, sample_id),
        ):
            raise InvalidOperationError(
                f"The sample {quoted(sample_title)} is not part of the session {title}."
            )


#: Score's fields, which are the scores table's column names, in the dataclass's order.
_SCORE_FIELDS = ", ".join(f"sc.{f.name}" for f in dataclasses.fields(Score))


def _score(row: sqlite3.Row) -> Score:
    return Score(
        session_id=row["session_id"],
        sample_id=row["sample_id"],
        criterion_key=row["criterion_key"],
        rater_id=row["rater_id"],
        level=row["level"],
        round=row["round"],
        note=row["note"],
        scored_at=row["scored_at"],
        id=row["id"],
    )


def _consensus(row: sqlite3.Row) -> Consensus:
    return Consensus(
        session_id=row["session_id"],
        sample_id=row["sample_id"],
        criterion_key=row["criterion_key"],
        level=row["level"],
        rationale=row["rationale"],
        decided_at=row["decided_at"],
        id=row["id"],
    )
