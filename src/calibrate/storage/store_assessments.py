"""Tests mapped to learning targets (blueprints) and their results per student and item.

A blueprint is stored whole or not at all, with its learning targets kept as a rubric on the
proficiency scale (:func:`~calibrate.domain.assessment.target_scale`) so that learning contracts
can aim at them. Results are written all or nothing too: one bad row and none is kept.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable

from calibrate.domain.assessment import (
    Blueprint,
    CriterionLink,
    Item,
    LearningTarget,
    Outcome,
    StudentResult,
    TargetLinkError,
    student_code_problem,
    target_scale,
)
from calibrate.domain.errors import InvalidOperationError
from calibrate.storage.store_base import quoted, spoken_list
from calibrate.storage.store_rubrics import RubricStore

_NEWEST = "r.version = (SELECT MAX(version) FROM rubrics WHERE family_id = r.family_id)"


class AssessmentStore(RubricStore):
    def add_assessment(self, blueprint: Blueprint) -> Blueprint:
        """Store a new blueprint (ids ignored); returns it as stored, its links resolved.

        A target's criterion link names a rubric (the newest version of that name is used), a
        criterion key and optionally the level that shows success. Raises TargetLinkError if
        that rubric, criterion or level does not exist; InvalidOperationError if the key is
        taken, or the blueprint is malformed (repeated keys, an item on an unknown target, a
        target without items, points below 1).
        """
        validate_blueprint(blueprint)
        with self.transaction():
            taken = self._scalar("SELECT id FROM assessments WHERE key = ?", (blueprint.key,))
            if taken is not None:
                raise InvalidOperationError(
                    f"A test with the key {quoted(blueprint.key)} is already stored "
                    f"(id {taken}); give this one another key, or update that one "
                    "(calibrate assessment load --update)."
                )
            links = {t.key: self._resolve(t) for t in blueprint.targets}
            scale = self.add_rubric(target_scale(blueprint))
            assessment_id = self._insert(
                "INSERT INTO assessments (key, title, subject, grade, description, rubric_id,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    blueprint.key,
                    blueprint.title,
                    blueprint.subject,
                    blueprint.grade,
                    blueprint.description,
                    scale.id,
                    blueprint.created_at or self._now(),
                ),
            )
            target_ids = {}
            for position, target in enumerate(blueprint.targets, 1):
                link = links[target.key]
                target_ids[target.key] = self._insert(
                    "INSERT INTO learning_targets (assessment_id, position, key, statement,"
                    " criterion_rubric_id, criterion_key, success_level)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        assessment_id,
                        position,
                        target.key,
                        target.statement,
                        None if link is None else link.rubric_id,
                        "" if link is None else link.criterion_key,
                        None if link is None else link.level,
                    ),
                )
            for position, item in enumerate(blueprint.items, 1):
                self._write(
                    "INSERT INTO assessment_items (assessment_id, position, key, target_id,"
                    " points, prompt) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        assessment_id,
                        position,
                        item.key,
                        target_ids[item.target_key],
                        item.points,
                        item.prompt,
                    ),
                )
            return self.get_assessment(assessment_id)

    def get_assessment(self, assessment_id: int) -> Blueprint:
        """The blueprint with its targets and items in order. Raises NotFoundError if none."""
        with self._snapshot():
            row = self._require("assessments", assessment_id, "test")
            return self._blueprint(row)

    def assessment_by_key(self, key: str) -> Blueprint | None:
        with self._snapshot():
            row = self._row("SELECT * FROM assessments WHERE key = ?", (key,))
            return None if row is None else self._blueprint(row)

    def assessment_for_rubric(self, rubric_id: int) -> Blueprint | None:
        """The test whose learning targets are the rubric ``rubric_id`` (or an earlier version of
        them, which contracts written before the test was edited aim at), if it is one."""
        with self._snapshot():
            row = self._row(
                "SELECT a.* FROM assessments a JOIN rubrics r ON r.id = a.rubric_id"
                " WHERE r.family_id = (SELECT family_id FROM rubrics WHERE id = ?)",
                (rubric_id,),
            )
            return None if row is None else self._blueprint(row)

    def target_rubric_families(self) -> set[int]:
        """The rubric families that are a test's learning targets (every version of them): not
        a rubric a team scores with, nor one a target can belong to."""
        rows = self._rows(
            "SELECT DISTINCT r.family_id FROM assessments a JOIN rubrics r ON r.id = a.rubric_id"
        )
        return {int(row[0]) for row in rows if row[0] is not None}

    def list_assessments(self) -> list[Blueprint]:
        """Every stored test, oldest first."""
        with self._snapshot():
            rows = self._rows("SELECT * FROM assessments ORDER BY created_at, id")
            return [self._blueprint(row) for row in rows]

    def record_results(self, assessment_id: int, results: Iterable[StudentResult]) -> int:
        """Keep each result (replacing that student's earlier result on that item); all or
        nothing. Returns how many were written.

        Raises NotFoundError if there is no such test; InvalidOperationError (nothing written)
        for an item that is not on the test or a blank student code.
        """
        with self.transaction():
            row = self._require("assessments", assessment_id, "test")
            items = {
                r["key"]: r["id"]
                for r in self._rows(
                    "SELECT id, key FROM assessment_items WHERE assessment_id = ?",
                    (assessment_id,),
                )
            }
            count = 0
            now = self._now()
            for result in results:
                code = result.student_code.strip()
                if problem := student_code_problem(code):
                    raise InvalidOperationError(f"Student code: {problem}")
                item_id = items.get(result.item_key)
                if item_id is None:
                    raise InvalidOperationError(
                        f"The test {quoted(row['title'])} has no item {quoted(result.item_key)}."
                    )
                self._write(
                    "INSERT INTO assessment_results (item_id, student_code, outcome, recorded_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (item_id, student_code) DO UPDATE SET"
                    " outcome = excluded.outcome, recorded_at = excluded.recorded_at",
                    (item_id, code, str(Outcome(result.outcome)), now),
                )
                count += 1
            return count

    def assessment_results(self, assessment_id: int) -> list[StudentResult]:
        """Every stored result, by student code then item order. Raises NotFoundError if there
        is no such test."""
        with self._snapshot():
            self._require("assessments", assessment_id, "test")
            rows = self._rows(
                "SELECT r.student_code, i.key, r.outcome FROM assessment_results r"
                " JOIN assessment_items i ON i.id = r.item_id WHERE i.assessment_id = ?"
                " ORDER BY r.student_code, i.position",
                (assessment_id,),
            )
            return [StudentResult(r[0], r[1], Outcome(r[2])) for r in rows]

    # --- internals ----------------------------------------------------------------------------

    def _resolve(self, target: LearningTarget) -> CriterionLink | None:
        link = target.criterion
        if link is None:
            return None
        row = self._row(
            f"SELECT id FROM rubrics r WHERE name = ? AND {_NEWEST} ORDER BY id DESC LIMIT 1",
            (link.rubric_name,),
        )
        if row is None:
            raise TargetLinkError(
                target.key,
                f"there is no rubric {quoted(link.rubric_name)} in this database "
                "(load its kit first, or leave the criterion out).",
            )
        rubric = self.get_rubric(row["id"])
        criterion = rubric.criterion(link.criterion_key)
        if criterion is None:
            raise TargetLinkError(
                target.key,
                f"the rubric {quoted(rubric.name)} has no criterion "
                f"{quoted(link.criterion_key)} (its criteria are "
                f"{spoken_list(c.key for c in rubric.criteria)}).",
            )
        if link.level is not None and criterion.level(link.level) is None:
            raise TargetLinkError(
                target.key,
                f"{link.level} is not a level of {quoted(criterion.name)} (its levels are "
                f"{spoken_list(criterion.scores)}).",
            )
        return CriterionLink(rubric.name, criterion.key, link.level, rubric.id)

    def _blueprint(self, row: sqlite3.Row) -> Blueprint:
        targets = self._rows(
            "SELECT lt.*, r.name AS rubric_name FROM learning_targets lt"
            " LEFT JOIN rubrics r ON r.id = lt.criterion_rubric_id"
            " WHERE lt.assessment_id = ? ORDER BY lt.position",
            (row["id"],),
        )
        keys = {t["id"]: t["key"] for t in targets}
        items = self._rows(
            "SELECT * FROM assessment_items WHERE assessment_id = ? ORDER BY position",
            (row["id"],),
        )
        return Blueprint(
            key=row["key"],
            title=row["title"],
            targets=tuple(
                LearningTarget(
                    key=t["key"],
                    statement=t["statement"],
                    criterion=None
                    if t["criterion_rubric_id"] is None
                    else CriterionLink(
                        t["rubric_name"],
                        t["criterion_key"],
                        t["success_level"],
                        t["criterion_rubric_id"],
                    ),
                    id=t["id"],
                )
                for t in targets
            ),
            items=tuple(
                Item(i["key"], keys[i["target_id"]], i["points"], i["prompt"], i["id"])
                for i in items
            ),
            subject=row["subject"],
            grade=row["grade"],
            description=row["description"],
            rubric_id=row["rubric_id"],
            created_at=row["created_at"],
            id=row["id"],
        )


def validate_blueprint(blueprint: Blueprint) -> None:
    """Raise InvalidOperationError if the blueprint is malformed (see ``add_assessment``)."""
    if not blueprint.key.strip() or not blueprint.title.strip():
        raise InvalidOperationError("A test needs a key and a title.")
    for what, keys in (
        ("learning target", [t.key for t in blueprint.targets]),
        ("item", [i.key for i in blueprint.items]),
    ):
        twice = [k for k, n in Counter(keys).items() if n > 1]
        if twice:
            raise InvalidOperationError(
                f"The test {quoted(blueprint.title)} has more than one {what} "
                f"{spoken_list(quoted(k) for k in twice)}."
            )
    if not blueprint.targets:
        raise InvalidOperationError(f"The test {quoted(blueprint.title)} has no learning target.")
    known = {t.key for t in blueprint.targets}
    for item in blueprint.items:
        if item.target_key not in known:
            raise InvalidOperationError(
                f"Item {quoted(item.key)} tests {quoted(item.target_key)}, which is not one of "
                "the test's learning targets."
            )
        if item.points < 1:
            raise InvalidOperationError(
                f"Item {quoted(item.key)} is worth {item.points} points; give 1 or more."
            )
    empty = [t.key for t in blueprint.targets if not blueprint.items_of(t.key)]
    if empty:
        raise InvalidOperationError(
            f"The learning target {spoken_list(quoted(k) for k in empty)} has no item on the test."
        )
