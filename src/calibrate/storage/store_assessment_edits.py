"""Editing a stored test: its wording, its learning targets and its items, keeping every result.

Targets and items are matched by key: one kept is updated in place (its id, uuid and results
stay), a new one is added, and one left out is taken away, unless results name it: an item that
has results is never dropped, so no answer a teacher entered is lost. The key of the test stays.

The learning targets are also a rubric that learning contracts aim at. When the targets' words
change, that rubric is changed in place only while nothing uses it; once a contract, a session
or an anchor does, the test moves to a new version of the rubric and the contracts keep the
version they were written on.
"""

from __future__ import annotations

import dataclasses

from calibrate.domain.assessment import Blueprint, target_scale
from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Rubric
from calibrate.storage.store_assessments import AssessmentStore, validate_blueprint
from calibrate.storage.store_base import quoted, spoken_list


class AssessmentEditStore(AssessmentStore):
    def update_assessment(self, assessment_id: int, blueprint: Blueprint) -> Blueprint:
        """Save an edited test (``blueprint``'s key and ids are ignored: targets and items are
        matched by key); returns it as stored, its links resolved, perhaps on a new version of
        its learning-targets rubric (see the module docstring).

        Raises NotFoundError if there is no such test; TargetLinkError for a criterion link
        that does not resolve; InvalidOperationError (nothing written) if the blueprint is
        malformed or leaves out items that have results.
        """
        with self.transaction():
            stored = self._blueprint(self._require("assessments", assessment_id, "test"))
            edited = dataclasses.replace(blueprint, key=stored.key, id=assessment_id)
            validate_blueprint(edited)
            kept_items = {i.key for i in edited.items}
            dropped = [i for i in stored.items if i.key not in kept_items]
            answered = [
                i.key
                for i in dropped
                if self._scalar(
                    "SELECT count(*) FROM assessment_results WHERE item_id = ?", (i.id,)
                )
            ]
            if answered:
                raise InvalidOperationError(
                    f"Item {spoken_list(quoted(k) for k in answered)} of {quoted(stored.title)} "
                    "has results; keep it on the test (or clear its results first). Nothing was "
                    "saved."
                )
            links = {t.key: self._resolve(t) for t in edited.targets}
            assert stored.rubric_id is not None
            rubric_id = self._save_targets_rubric(stored.rubric_id, target_scale(edited))
            self._write(
                "UPDATE assessments SET title = ?, subject = ?, grade = ?, description = ?,"
                " rubric_id = ? WHERE id = ?",
                (
                    edited.title,
                    edited.subject,
                    edited.grade,
                    edited.description,
                    rubric_id,
                    assessment_id,
                ),
            )
            old_targets = {t.key: t.id for t in stored.targets}
            target_ids: dict[str, int] = {}
            for position, target in enumerate(edited.targets, 1):
                link = links[target.key]
                values = (
                    position,
                    target.statement,
                    None if link is None else link.rubric_id,
                    "" if link is None else link.criterion_key,
                    None if link is None else link.level,
                )
                if (target_id := old_targets.get(target.key)) is not None:
                    self._write(
                        "UPDATE learning_targets SET position = ?, statement = ?,"
                        " criterion_rubric_id = ?, criterion_key = ?, success_level = ?"
                        " WHERE id = ?",
                        (*values, target_id),
                    )
                    target_ids[target.key] = target_id
                else:
                    target_ids[target.key] = self._insert(
                        "INSERT INTO learning_targets (position, statement, criterion_rubric_id,"
                        " criterion_key, success_level, assessment_id, key)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (*values, assessment_id, target.key),
                    )
            old_items = {i.key: i.id for i in stored.items}
            for position, item in enumerate(edited.items, 1):
                row = (position, target_ids[item.target_key], item.points, item.prompt)
                if (item_id := old_items.get(item.key)) is not None:
                    self._write(
                        "UPDATE assessment_items SET position = ?, target_id = ?, points = ?,"
                        " prompt = ? WHERE id = ?",
                        (*row, item_id),
                    )
                else:
                    self._write(
                        "INSERT INTO assessment_items (position, target_id, points, prompt,"
                        " assessment_id, key) VALUES (?, ?, ?, ?, ?, ?)",
                        (*row, assessment_id, item.key),
                    )
            for item in dropped:
                self._write("DELETE FROM assessment_items WHERE id = ?", (item.id,))
            for key, target_id in old_targets.items():
                if key not in target_ids:
                    self._write("DELETE FROM learning_targets WHERE id = ?", (target_id,))
            return self.get_assessment(assessment_id)

    def _save_targets_rubric(self, rubric_id: int, scale: Rubric) -> int:
        """The id of the rubric version that says ``scale``: ``rubric_id`` itself when it says
        that already or nothing uses it yet (then changed in place), else a new version."""
        old = self.get_rubric(rubric_id)
        if _wording(old) == _wording(scale):
            return rubric_id
        contracts = self._scalar(
            "SELECT EXISTS (SELECT 1 FROM contracts WHERE rubric_id = ?)", (rubric_id,)
        )
        if not contracts and not self.rubric_in_use(rubric_id):
            saved = self.save_rubric(dataclasses.replace(scale, id=rubric_id))
            assert saved.id is not None
            return saved.id
        newest = self._scalar(
            "SELECT MAX(version) FROM rubrics WHERE family_id = ?", (old.family_id,)
        )
        return self._insert_rubric(scale, family_id=old.family_id, version=int(newest) + 1)


def _wording(rubric: Rubric) -> tuple[object, ...]:
    """What a learning-targets rubric says (its name, subject, grade and targets), no ids."""
    return (
        rubric.name,
        rubric.subject,
        rubric.grade_band,
        tuple((c.key, c.name, c.description, c.student_wording) for c in rubric.criteria),
    )
