"""Reference (master-key) scores and anchors: what outlives a single meeting."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from calibrate.domain.model import Anchor, AnchorStatus, ReferenceScore
from calibrate.storage.store_base import StoreBase


class RecordStore(StoreBase):
    # --- reference scores ---------------------------------------------------------------------

    def set_reference_score(self, ref: ReferenceScore) -> ReferenceScore:
        """Store the master-key level of a sample on a criterion, replacing any earlier one for
        the same sample and criterion on the same rubric (any version of it; a key with no rubric
        replaces only another with none); returns what is stored (``set_at`` kept if given).

        Raises NotFoundError if the sample (or the given rubric) does not exist;
        InvalidOperationError if a rubric is given and the criterion or level is not on it.
        """
        with self.transaction():
            self._require("samples", ref.sample_id, "sample")
            family = 0
            if ref.rubric_id is not None:
                self._check_level(ref.rubric_id, ref.criterion_key, ref.level)
                family = self._family(ref.rubric_id)
            self._write(
                "INSERT INTO reference_scores (sample_id, criterion_key, level, set_by, set_at,"
                " rubric_id, family_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (sample_id, criterion_key, family_id) DO UPDATE SET"
                " level = excluded.level, set_by = excluded.set_by, set_at = excluded.set_at,"
                " rubric_id = excluded.rubric_id",
                (
                    ref.sample_id,
                    ref.criterion_key,
                    ref.level,
                    ref.set_by,
                    ref.set_at or self._now(),
                    ref.rubric_id,
                    family,
                ),
            )
            row = self._row(
                "SELECT * FROM reference_scores"
                " WHERE sample_id = ? AND criterion_key = ? AND family_id = ?",
                (ref.sample_id, ref.criterion_key, family),
            )
            assert row is not None
            return _reference(row)

    def reference_scores(
        self, sample_ids: Iterable[int] | None = None, *, rubric_id: int | None = None
    ) -> list[ReferenceScore]:
        """The master-key scores (of the given samples only, if given), by sample then
        criterion key.

        Without ``rubric_id`` a sample may have several keys on one criterion (one per rubric
        it was keyed for). With ``rubric_id``, only those that apply to that rubric version, at
        most one per sample and criterion: set against a version of the same rubric (or, failing
        that, against none), on one of its criteria, at one of that criterion's levels. A key set
        for another rubric that happens to share a criterion key, or a level the scale no longer
        has, never reaches a session's figures.
        """
        where: list[str] = ["1"]
        params: list[str | int] = []
        if sample_ids is not None:
            where.append("rs.sample_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(sorted(set(sample_ids))))
        if rubric_id is None:
            sql = "SELECT rs.* FROM reference_scores rs"
        else:
            sql = (
                "SELECT rs.* FROM reference_scores rs"
                " JOIN criteria c ON c.rubric_id = ? AND c.key = rs.criterion_key"
                " JOIN levels l ON l.criterion_id = c.id AND l.score = rs.level"
            )
            family = self._family(rubric_id)
            params.insert(0, rubric_id)
            where.append(
                "(rs.family_id = ? OR (rs.family_id = 0 AND NOT EXISTS (SELECT 1 FROM"
                " reference_scores o WHERE o.sample_id = rs.sample_id"
                " AND o.criterion_key = rs.criterion_key AND o.family_id = ?)))"
            )
            params += [family, family]
        rows = self._rows(
            f"{sql} WHERE {' AND '.join(where)} ORDER BY rs.sample_id, rs.criterion_key",
            tuple(params),
        )
        return [_reference(row) for row in rows]

    def clear_reference_score(
        self, sample_id: int, criterion_key: str, *, rubric_id: int | None = None
    ) -> bool:
        """Remove the master-key level of a sample on a criterion: the one that applies to
        ``rubric_id`` (see ``reference_scores``), or, without it, the one set against no rubric.
        Whether there was one. Raises NotFoundError if there is no such sample."""
        with self.transaction():
            self._require("samples", sample_id, "sample")
            if rubric_id is None:
                doomed = self._rows(
                    "SELECT id FROM reference_scores"
                    " WHERE sample_id = ? AND criterion_key = ? AND family_id = 0",
                    (sample_id, criterion_key),
                )
                ids = [row["id"] for row in doomed]
            else:
                ids = [
                    r.id
                    for r in self.reference_scores([sample_id], rubric_id=rubric_id)
                    if r.criterion_key == criterion_key and r.id is not None
                ]
            for ref_id in ids:
                self._write("DELETE FROM reference_scores WHERE id = ?", (ref_id,))
        return bool(ids)

    def _family(self, rubric_id: int) -> int:
        """The rubric family of a version (NotFoundError if there is no such rubric)."""
        row = self._require("rubrics", rubric_id, "rubric")
        return int(row["family_id"] or rubric_id)

    # --- anchors ------------------------------------------------------------------------------

    def add_anchor(self, anchor: Anchor) -> Anchor:
        """Store a new anchor (its ``id`` is ignored); returns it with ``id`` and ``created_at``
        (kept if given). From then on its rubric version counts as in use.

        Raises NotFoundError if the rubric, sample or session does not exist;
        InvalidOperationError if the criterion or level is not on the rubric version.
        """
        with self.transaction():
            self._require("samples", anchor.sample_id, "sample")
            self._check_level(anchor.rubric_id, anchor.criterion_key, anchor.level)
            if anchor.session_id is not None:
                self._require("sessions", anchor.session_id, "session")
            anchor_id = self._insert(
                "INSERT INTO anchors (rubric_id, criterion_key, level, sample_id, annotation,"
                " session_id, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    anchor.rubric_id,
                    anchor.criterion_key,
                    anchor.level,
                    anchor.sample_id,
                    anchor.annotation,
                    anchor.session_id,
                    str(anchor.status),
                    anchor.created_at or self._now(),
                ),
            )
            return _anchor(self._require("anchors", anchor_id, "anchor"))

    def set_anchor_status(self, anchor_id: int, status: AnchorStatus) -> Anchor:
        """Propose, approve or retire an anchor; returns it. Raises NotFoundError if there is no
        such anchor."""
        with self.transaction():
            self._require("anchors", anchor_id, "anchor")
            self._write("UPDATE anchors SET status = ? WHERE id = ?", (str(status), anchor_id))
            return _anchor(self._require("anchors", anchor_id, "anchor"))

    def anchors(
        self, *, rubric_id: int | None = None, status: AnchorStatus | None = None
    ) -> list[Anchor]:
        """The anchors (of one rubric version and/or with one status, if given), by rubric
        version, criterion order, level."""
        rows = self._rows(
            "SELECT a.* FROM anchors a"
            " LEFT JOIN criteria c ON c.rubric_id = a.rubric_id AND c.key = a.criterion_key"
            " WHERE (? IS NULL OR a.rubric_id = ?) AND (? IS NULL OR a.status = ?)"
            " ORDER BY a.rubric_id, c.position, a.level, a.id",
            (rubric_id, rubric_id, _text(status), _text(status)),
        )
        return [_anchor(row) for row in rows]


def _text(status: AnchorStatus | None) -> str | None:
    return None if status is None else str(status)


def _reference(row: sqlite3.Row) -> ReferenceScore:
    return ReferenceScore(
        sample_id=row["sample_id"],
        criterion_key=row["criterion_key"],
        level=row["level"],
        set_by=row["set_by"],
        set_at=row["set_at"],
        rubric_id=row["rubric_id"],
        id=row["id"],
    )


def _anchor(row: sqlite3.Row) -> Anchor:
    return Anchor(
        rubric_id=row["rubric_id"],
        criterion_key=row["criterion_key"],
        level=row["level"],
        sample_id=row["sample_id"],
        annotation=row["annotation"],
        session_id=row["session_id"],
        status=AnchorStatus(row["status"]),
        created_at=row["created_at"],
        id=row["id"],
    )
