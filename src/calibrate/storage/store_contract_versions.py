"""The versions of a learning contract: how one version is written (with its diagnostic levels,
targets and their anchors, activities) and read back. Used by
:class:`~calibrate.storage.store_contracts.ContractStore`; a version, once written, never changes.
"""

from __future__ import annotations

import json
import sqlite3

from calibrate.domain.contracts import (
    Accommodations,
    Activity,
    Commitments,
    ContractVersion,
    CurrentLevel,
    LevelSource,
    Stage,
    Target,
)
from calibrate.domain.errors import InvalidOperationError
from calibrate.storage.store_base import StoreBase, quoted


class ContractVersionStore(StoreBase):
    def _insert_version(
        self, contract_id: int, rubric_id: int, version: ContractVersion, number: int
    ) -> None:
        c, a = version.commitments, version.accommodations
        version_id = self._insert(
            "INSERT INTO contract_versions (contract_id, version, start_date, supports,"
            " resources, teacher_feedback_days, teacher_note, student_practice,"
            " student_keeps_log, review_every_days, accessibility_needs, evidence_formats,"
            " flexible_deadlines, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                contract_id,
                number,
                version.start_date,
                _texts(version.supports),
                _texts(version.resources),
                c.teacher_feedback_days,
                c.teacher_note,
                c.student_practice,
                int(c.student_keeps_log),
                c.review_every_days,
                _texts(a.accessibility_needs),
                _texts(a.evidence_formats),
                a.flexible_deadlines,
                version.note,
                version.created_at if number == 1 and version.created_at else self._now(),
            ),
        )
        for position, current in enumerate(version.diagnostic, 1):
            self._check_level(rubric_id, current.criterion_key, current.level)
            self._write(
                "INSERT INTO contract_levels (version_id, position, criterion_key, level, source)"
                " VALUES (?, ?, ?, ?, ?)",
                (version_id, position, current.criterion_key, current.level, str(current.source)),
            )
        for position, target in enumerate(version.targets, 1):
            self._insert_target(version_id, rubric_id, position, target)
        for position, activity in enumerate(version.activities, 1):
            self._write(
                "INSERT INTO contract_activities (version_id, position, stage, description,"
                " criterion_key) VALUES (?, ?, ?, ?, ?)",
                (
                    version_id,
                    position,
                    str(activity.stage),
                    activity.description,
                    activity.criterion_key,
                ),
            )

    def _insert_target(self, version_id: int, rubric_id: int, position: int, t: Target) -> None:
        for level in (t.current_level, t.target_level):
            self._check_level(rubric_id, t.criterion_key, level)
        target_id = self._insert(
            "INSERT INTO contract_targets (version_id, position, criterion_key, current_level,"
            " target_level, indicator, due_date, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                version_id,
                position,
                t.criterion_key,
                t.current_level,
                t.target_level,
                t.indicator,
                t.due_date,
                _texts(t.evidence),
            ),
        )
        for anchor_position, anchor_id in enumerate(t.anchor_ids, 1):
            anchor = self._require("anchors", anchor_id, "anchor")
            own = anchor["rubric_id"] == rubric_id and anchor["criterion_key"] == t.criterion_key
            if not own and not self._shows_learning_target(rubric_id, t.criterion_key, anchor):
                raise InvalidOperationError(
                    f"The anchor {anchor_id} shows another criterion or rubric version, "
                    f"not {quoted(t.criterion_key)} on this contract's rubric."
                )
            self._write(
                "INSERT INTO contract_target_anchors (target_id, anchor_id, position)"
                " VALUES (?, ?, ?)",
                (target_id, anchor_id, anchor_position),
            )

    def _shows_learning_target(self, rubric_id: int, target_key: str, anchor: sqlite3.Row) -> bool:
        """Whether ``rubric_id`` is a test's learning targets and ``target_key`` one of them
        that belongs to the anchor's rubric criterion (so the anchor shows what success looks
        like)."""
        return bool(
            self._scalar(
                "SELECT EXISTS (SELECT 1 FROM learning_targets lt"
                " JOIN assessments a ON a.id = lt.assessment_id"
                " WHERE a.rubric_id = ? AND lt.key = ? AND lt.criterion_rubric_id = ?"
                " AND lt.criterion_key = ?)",
                (rubric_id, target_key, anchor["rubric_id"], anchor["criterion_key"]),
            )
        )

    def _version(self, row: sqlite3.Row) -> ContractVersion:
        version_id = row["id"]
        levels = self._rows(
            "SELECT * FROM contract_levels WHERE version_id = ? ORDER BY position", (version_id,)
        )
        targets = []
        for t in self._rows(
            "SELECT * FROM contract_targets WHERE version_id = ? ORDER BY position", (version_id,)
        ):
            anchor_ids = self._conn.execute(
                "SELECT anchor_id FROM contract_target_anchors WHERE target_id = ?"
                " ORDER BY position",
                (t["id"],),
            )
            targets.append(
                Target(
                    criterion_key=t["criterion_key"],
                    current_level=t["current_level"],
                    target_level=t["target_level"],
                    indicator=t["indicator"],
                    due_date=t["due_date"],
                    anchor_ids=tuple(a[0] for a in anchor_ids),
                    evidence=_list(t["evidence"]),
                )
            )
        activities = self._rows(
            "SELECT * FROM contract_activities WHERE version_id = ? ORDER BY position",
            (version_id,),
        )
        return ContractVersion(
            diagnostic=tuple(
                CurrentLevel(r["criterion_key"], r["level"], LevelSource(r["source"]))
                for r in levels
            ),
            targets=tuple(targets),
            activities=tuple(
                Activity(Stage(r["stage"]), r["description"], r["criterion_key"])
                for r in activities
            ),
            supports=_list(row["supports"]),
            resources=_list(row["resources"]),
            commitments=Commitments(
                teacher_feedback_days=row["teacher_feedback_days"],
                teacher_note=row["teacher_note"],
                student_practice=row["student_practice"],
                student_keeps_log=bool(row["student_keeps_log"]),
                review_every_days=row["review_every_days"],
            ),
            accommodations=Accommodations(
                accessibility_needs=_list(row["accessibility_needs"]),
                evidence_formats=_list(row["evidence_formats"]),
                flexible_deadlines=row["flexible_deadlines"],
            ),
            start_date=row["start_date"],
            note=row["note"],
            version=row["version"],
            created_at=row["created_at"],
            id=version_id,
        )


def _texts(items: tuple[str, ...]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def _list(text: str) -> tuple[str, ...]:
    return tuple(str(item) for item in json.loads(text))
