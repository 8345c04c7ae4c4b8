"""What authoring needs beyond the basic records: merging two rater entries for one person,
clearing a master-key score, and how much each rater has done."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from calibrate.domain.errors import InvalidOperationError
from calibrate.storage.store_base import StoreBase, quoted, spoken_list

# Tables the merge handles itself; any other column that refers to raters(id) is re-pointed.
_HANDLED = {"session_raters", "scores", "score_history"}
_CLASHES_SHOWN = 5


@dataclass(frozen=True)
class MergeReport:
    """What :meth:`AuthoringStore.merge_raters` moved from the dropped entry to the kept one."""

    kept_id: int
    dropped_name: str
    sessions: int  # sessions the dropped entry took part in
    scores: int  # current scores moved
    history: int  # earlier values (score history) moved
    other_rows: int  # rows of other tables that referred to the dropped entry


@dataclass(frozen=True)
class RaterActivity:
    sessions: int
    scores: int


class AuthoringStore(StoreBase):
    def merge_raters(self, keep_id: int, drop_id: int) -> MergeReport:
        """Make the rater ``drop_id`` part of ``keep_id`` (two entries for one person): every
        session place, score, earlier score value and any other record of ``drop_id`` moves to
        ``keep_id``, blank details (initials, role, team) of the kept entry are filled from the
        dropped one, the kept entry stays active if either was, and ``drop_id`` is deleted.

        Nothing is ever thrown away: if both entries scored the same sample on the same criterion
        in the same session and round, the merge is refused (InvalidOperationError naming those
        items) and nothing changes. Raises NotFoundError if either rater does not exist,
        InvalidOperationError if they are the same entry.
        """
        if keep_id == drop_id:
            raise InvalidOperationError("Choose two different raters to merge.")
        with self.transaction():
            keep = self._require("raters", keep_id, "rater")
            drop = self._require("raters", drop_id, "rater")
            self._refuse_clashes(keep, drop)
            sessions = [
                (row[0], row[1])
                for row in self._conn.execute(
                    "SELECT session_id, position FROM session_raters WHERE rater_id = ?",
                    (drop_id,),
                )
            ]
            for session_id, position in sessions:
                # The kept entry needs a place in the session before scores can point at it.
                self._write(
                    "INSERT INTO session_raters (session_id, rater_id, position)"
                    " VALUES (?, ?, ?) ON CONFLICT (session_id, rater_id) DO NOTHING",
                    (session_id, keep_id, position),
                )
            scores = self._write(
                "UPDATE scores SET rater_id = ? WHERE rater_id = ?", (keep_id, drop_id)
            )
            history = self._write(
                "UPDATE score_history SET rater_id = ? WHERE rater_id = ?", (keep_id, drop_id)
            )
            self._write("DELETE FROM session_raters WHERE rater_id = ?", (drop_id,))
            other = self._repoint_others(keep_id, drop_id, keep["name"], drop["name"])
            self._write(
                "UPDATE raters SET initials = ?, role = ?, team = ?, active = ? WHERE id = ?",
                (
                    keep["initials"] or drop["initials"],
                    keep["role"] or drop["role"],
                    keep["team"] or drop["team"],
                    int(bool(keep["active"]) or bool(drop["active"])),
                    keep_id,
                ),
            )
            # Another database's records of either entry are the kept one's from now on.
            self._write(
                "UPDATE rater_aliases SET rater_id = ? WHERE rater_id = ?", (keep_id, drop_id)
            )
            self._write(
                "INSERT OR IGNORE INTO rater_aliases (uuid, rater_id) VALUES (?, ?)",
                (drop["uuid"], keep_id),
            )
            self._write("DELETE FROM raters WHERE id = ?", (drop_id,))
        return MergeReport(keep_id, drop["name"], len(sessions), scores, history, other)

    def rater_activity(self) -> dict[int, RaterActivity]:
        """For every rater id: how many sessions they belong to and how many scores they gave
        (current scores, every round)."""
        with self._snapshot():
            sessions = dict(
                self._conn.execute(
                    "SELECT rater_id, COUNT(*) FROM session_raters GROUP BY rater_id"
                ).fetchall()
            )
            scores = dict(
                self._conn.execute("SELECT rater_id, COUNT(*) FROM scores GROUP BY rater_id")
            )
            ids = [row[0] for row in self._conn.execute("SELECT id FROM raters")]
        return {i: RaterActivity(sessions.get(i, 0), scores.get(i, 0)) for i in ids}

    # --- internals ----------------------------------------------------------------------------

    def _refuse_clashes(self, keep: sqlite3.Row, drop: sqlite3.Row) -> None:
        clashes = self._rows(
            "SELECT se.title, a.round, sa.title AS sample, a.criterion_key"
            " FROM scores a JOIN scores b ON a.session_id = b.session_id AND a.round = b.round"
            "  AND a.sample_id = b.sample_id AND a.criterion_key = b.criterion_key"
            " JOIN sessions se ON se.id = a.session_id JOIN samples sa ON sa.id = a.sample_id"
            " WHERE a.rater_id = ? AND b.rater_id = ?"
            " ORDER BY se.date, se.id, a.round, a.sample_id, a.criterion_key",
            (keep["id"], drop["id"]),
        )
        if not clashes:
            return
        shown = [
            f"{quoted(c['sample'])} on {c['criterion_key']} (round {c['round']} of "
            f"{quoted(c['title'])})"
            for c in clashes[:_CLASHES_SHOWN]
        ]
        more = len(clashes) - len(shown)
        listed = spoken_list(shown) + (f" and {more} more" if more else "")
        raise InvalidOperationError(
            f"{quoted(keep['name'])} and {quoted(drop['name'])} cannot be merged: both scored "
            f"{listed}, and a merge never throws a score away. If they really are one person, "
            "keep them apart or correct those scores first."
        )

    def _repoint_others(self, keep_id: int, drop_id: int, keep: str, drop: str) -> int:
        moved = 0
        tables = [
            row[0]
            for row in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            if table in _HANDLED:
                continue
            for fk in self._conn.execute(f"PRAGMA foreign_key_list({quote_name(table)})"):
                # (id, seq, table, from, to, on_update, on_delete, match)
                if fk[2] != "raters" or fk[4] not in (None, "id"):
                    continue
                column = quote_name(fk[3])
                try:
                    moved += self._write(
                        f"UPDATE {quote_name(table)} SET {column} = ? WHERE {column} = ?",
                        (keep_id, drop_id),
                    )
                except sqlite3.IntegrityError:
                    raise InvalidOperationError(
                        f"{quoted(keep)} and {quoted(drop)} cannot be merged: both have a "
                        f"record in {table.replace('_', ' ')} that can be held only once."
                    ) from None
        return moved


def quote_name(name: str) -> str:
    """An SQL identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'
