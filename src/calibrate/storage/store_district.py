"""Reading a coach's merged database school by school."""

from __future__ import annotations

from collections import defaultdict

from calibrate.domain.district import BenchmarkedScore
from calibrate.storage.store_base import StoreBase

#: How a kit's recorded session names its "school": it was held at no school.
KIT_SCHOOL = "kit:"


class DistrictStore(StoreBase):
    def set_session_school(self, session_id: int, school: str) -> None:
        """Say where a session was held ("" for here; ``"kit:NAME"`` for a kit's recorded
        session, which every school that loaded the kit shares)."""
        with self.transaction():
            self._require("sessions", session_id, "session")
            self._write("UPDATE sessions SET school = ? WHERE id = ?", (school, session_id))

    def schools(self) -> list[str]:
        """The schools whose sessions are here, by name ("" for this database's own), sorted."""
        return [
            str(r["school"])
            for r in self._rows("SELECT DISTINCT school FROM sessions ORDER BY school")
        ]

    def session_schools(self) -> dict[int, str]:
        """Every session's school ("" for this database's own), by session id."""
        return {int(r[0]): str(r[1]) for r in self._rows("SELECT id, school FROM sessions")}

    def anchors_by_school(self) -> dict[str, list[tuple[str, str, int, str]]]:
        """The anchors taken from each school's meetings: (sample key, criterion key, level,
        status), by school ("" for this database's own), in the order they were made."""
        found: dict[str, list[tuple[str, str, int, str]]] = defaultdict(list)
        for row in self._rows(
            "SELECT se.school, coalesce(sa.key, sa.title), a.criterion_key, a.level, a.status"
            " FROM anchors a JOIN sessions se ON se.id = a.session_id"
            " JOIN samples sa ON sa.id = a.sample_id ORDER BY a.id"
        ):
            found[str(row[0])].append((str(row[1]), str(row[2]), int(row[3]), str(row[4])))
        return dict(found)

    def benchmarked_scores(self) -> list[BenchmarkedScore]:
        """Every round-1 score on a sample and criterion with an agreed level for its session's
        rubric family (see :class:`BenchmarkedScore`), but those of a blind session still being
        scored, which stay hidden. Where the family's approved anchors of a
        sample and criterion disagree on the level there is no agreed level, and the master key
        is not used for that cell either."""
        with self._snapshot():
            anchors: dict[tuple[int, int, str], set[int]] = defaultdict(set)
            for row in self._rows(
                "SELECT r.family_id, a.sample_id, a.criterion_key, a.level FROM anchors a"
                " JOIN rubrics r ON r.id = a.rubric_id WHERE a.status = 'approved'"
            ):
                anchors[(row[0], row[1], row[2])].add(int(row[3]))
            keyed = {
                (row[0], row[1], row[2]): int(row[3])
                for row in self._rows(
                    "SELECT family_id, sample_id, criterion_key, level FROM reference_scores"
                    " WHERE family_id != 0"
                )
            }
            scores = self._rows(
                "SELECT se.school, s.session_id, s.rater_id, r.family_id, s.sample_id,"
                " coalesce(sa.key, sa.title) AS sample_key, s.criterion_key, s.level"
                " FROM scores s JOIN sessions se ON se.id = s.session_id"
                " JOIN rubrics r ON r.id = se.rubric_id JOIN samples sa ON sa.id = s.sample_id"
                " WHERE s.round = 1 AND NOT (se.blind AND se.phase IN ('setup', 'scoring'))"
                " ORDER BY se.school, s.session_id, s.id"
            )
        found = []
        for row in scores:
            cell = (row["family_id"], row["sample_id"], row["criterion_key"])
            if cell in anchors:
                if len(anchors[cell]) != 1:
                    continue
                benchmark, source = next(iter(anchors[cell])), "anchor"
            elif cell in keyed:
                benchmark, source = keyed[cell], "master key"
            else:
                continue
            found.append(
                BenchmarkedScore(
                    school=row["school"],
                    session_id=row["session_id"],
                    rater_id=row["rater_id"],
                    family_id=row["family_id"],
                    sample_id=row["sample_id"],
                    sample_key=row["sample_key"],
                    criterion_key=row["criterion_key"],
                    level=row["level"],
                    benchmark=benchmark,
                    source=source,
                )
            )
        return found
