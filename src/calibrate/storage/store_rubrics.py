"""Rubrics, stored one row per *version*, with their criteria and levels.

A rubric that no session or anchor uses yet is edited in place. Once a session or an anchor uses a
version, editing it stores a new version of the same family instead, so that the old session keeps
the exact wording its raters scored against.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import Criterion, Level, Rubric, RubricKind
from calibrate.storage.store_base import StoreBase, quoted, spoken_list

_NEWEST_OF_FAMILY = "SELECT MAX(version) FROM rubrics WHERE family_id = r.family_id"


class RubricStore(StoreBase):
    def add_rubric(self, rubric: Rubric) -> Rubric:
        """Store ``rubric`` as the first version of a new family (its ``id``, ``family_id`` are
        ignored; its ``version`` is kept, 1 unless the rubric says otherwise).

        Returns the stored rubric with ``id``, ``family_id`` and ``created_at`` filled in.
        Raises InvalidOperationError if the rubric is malformed (no name, repeated criterion keys,
        repeated scores within a criterion, a version below 1).
        """
        _validate(rubric)
        with self.transaction():
            rubric_id = self._insert_rubric(rubric, family_id=None, version=rubric.version)
            self._write("UPDATE rubrics SET family_id = id WHERE id = ?", (rubric_id,))
        return self.get_rubric(rubric_id)

    def save_rubric(self, rubric: Rubric) -> Rubric:
        """Save an edited rubric and return what was stored.

        Without an ``id`` this is :meth:`add_rubric`. With one: if that version is used by a
        session or an anchor, a NEW version is stored (same ``family_id``, version = the family's
        highest + 1) and the old one is left untouched; otherwise the version is updated in place.
        Raises NotFoundError if ``rubric.id`` does not exist, InvalidOperationError if the rubric
        is malformed.
        """
        if rubric.id is None:
            return self.add_rubric(rubric)
        _validate(rubric)
        with self.transaction():
            row = self._require("rubrics", rubric.id, "rubric")
            if self.rubric_in_use(rubric.id):
                family_id = row["family_id"]
                newest = self._scalar(
                    "SELECT MAX(version) FROM rubrics WHERE family_id = ?", (family_id,)
                )
                rubric_id = self._insert_rubric(rubric, family_id=family_id, version=newest + 1)
            else:
                rubric_id = rubric.id
                self._write(
                    "UPDATE rubrics SET name = ?, subject = ?, grade_band = ?, kind = ?"
                    " WHERE id = ?",
                    (rubric.name, rubric.subject, rubric.grade_band, str(rubric.kind), rubric_id),
                )
                self._write("DELETE FROM criteria WHERE rubric_id = ?", (rubric_id,))
                self._insert_criteria(rubric_id, rubric.criteria)
        return self.get_rubric(rubric_id)

    def get_rubric(self, rubric_id: int) -> Rubric:
        """The rubric version ``rubric_id`` with its criteria (in order) and their levels
        (ascending score). Raises NotFoundError if there is none."""
        with self._snapshot():
            row = self._require("rubrics", rubric_id, "rubric")
            return self._rubric_from_row(row)

    def list_rubrics(self, *, all_versions: bool = False) -> list[Rubric]:
        """The newest version of each rubric (every version with ``all_versions=True``), by name."""
        where = "" if all_versions else f"WHERE r.version = ({_NEWEST_OF_FAMILY})"
        with self._snapshot():
            rows = self._rows(
                f"SELECT * FROM rubrics r {where} ORDER BY r.name, r.family_id, r.version"
            )
            return [self._rubric_from_row(row) for row in rows]

    def rubric_versions(self, family_id: int) -> list[Rubric]:
        """Every version of one rubric, oldest first. Raises NotFoundError if there is none."""
        with self._snapshot():
            rows = self._rows(
                "SELECT * FROM rubrics WHERE family_id = ? ORDER BY version", (family_id,)
            )
            if not rows:
                raise NotFoundError(f"There is no rubric with family id {family_id}.")
            return [self._rubric_from_row(row) for row in rows]

    def rubric_in_use(self, rubric_id: int) -> bool:
        """Whether a session or an anchor uses this rubric version (so it must not change).
        Raises NotFoundError if there is no such rubric."""
        with self._snapshot():
            self._require("rubrics", rubric_id, "rubric")
            used = self._scalar(
                "SELECT EXISTS (SELECT 1 FROM sessions WHERE rubric_id = ?)"
                " OR EXISTS (SELECT 1 FROM anchors WHERE rubric_id = ?)",
                (rubric_id, rubric_id),
            )
        return bool(used)

    def find_rubric(self, name: str, version: int) -> Rubric | None:
        """The rubric version with exactly this name and version number, or None. If several
        families share the name, the most recently stored one."""
        with self._snapshot():
            row = self._row(
                "SELECT * FROM rubrics WHERE name = ? AND version = ? ORDER BY id DESC LIMIT 1",
                (name, version),
            )
            return None if row is None else self._rubric_from_row(row)

    # --- internals ----------------------------------------------------------------------------

    def _insert_rubric(self, rubric: Rubric, *, family_id: int | None, version: int) -> int:
        rubric_id = self._insert(
            "INSERT INTO rubrics (family_id, version, name, subject, grade_band, kind, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                family_id,
                version,
                rubric.name,
                rubric.subject,
                rubric.grade_band,
                str(rubric.kind),
                rubric.created_at if rubric.created_at and family_id is None else self._now(),
            ),
        )
        self._insert_criteria(rubric_id, rubric.criteria)
        return rubric_id

    def _insert_criteria(self, rubric_id: int, criteria: tuple[Criterion, ...]) -> None:
        for position, criterion in enumerate(criteria, start=1):
            criterion_id = self._insert(
                "INSERT INTO criteria (rubric_id, position, key, name, description,"
                " student_wording) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    rubric_id,
                    position,
                    criterion.key,
                    criterion.name,
                    criterion.description,
                    criterion.student_wording,
                ),
            )
            self._conn.executemany(
                "INSERT INTO levels (criterion_id, score, label, descriptor, student_wording)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (criterion_id, lv.score, lv.label, lv.descriptor, lv.student_wording)
                    for lv in criterion.levels
                ],
            )

    def _rubric_from_row(self, row: sqlite3.Row) -> Rubric:
        criteria: list[Criterion] = []
        for c in self._rows(
            "SELECT * FROM criteria WHERE rubric_id = ? ORDER BY position", (row["id"],)
        ):
            levels = tuple(
                Level(
                    score=lv["score"],
                    label=lv["label"],
                    descriptor=lv["descriptor"],
                    student_wording=lv["student_wording"],
                )
                for lv in self._rows(
                    "SELECT * FROM levels WHERE criterion_id = ? ORDER BY score", (c["id"],)
                )
            )
            criteria.append(
                Criterion(
                    key=c["key"],
                    name=c["name"],
                    description=c["description"],
                    student_wording=c["student_wording"],
                    levels=levels,
                )
            )
        return Rubric(
            name=row["name"],
            subject=row["subject"],
            grade_band=row["grade_band"],
            kind=RubricKind(row["kind"]),
            version=row["version"],
            criteria=tuple(criteria),
            id=row["id"],
            family_id=row["family_id"],
            created_at=row["created_at"],
        )


def _validate(rubric: Rubric) -> None:
    if not rubric.name.strip():
        raise InvalidOperationError("A rubric needs a name.")
    if rubric.version < 1:
        raise InvalidOperationError(
            f"A rubric's version is a whole number from 1 up, not {rubric.version}."
        )
    repeated = [key for key, n in Counter(c.key for c in rubric.criteria).items() if n > 1]
    if repeated:
        raise InvalidOperationError(
            f"The rubric {quoted(rubric.name)} uses the criterion key "
            f"{spoken_list(quoted(k) for k in repeated)} more than once."
        )
    for criterion in rubric.criteria:
        if not criterion.key.strip():
            raise InvalidOperationError(
                f"Every criterion of {quoted(rubric.name)} needs a key; "
                f"{quoted(criterion.name)} has none."
            )
        scores = Counter(criterion.scores)
        twice = sorted(score for score, n in scores.items() if n > 1)
        if twice:
            raise InvalidOperationError(
                f"The criterion {quoted(criterion.name)} has more than one level scored "
                f"{spoken_list(twice)}."
            )
