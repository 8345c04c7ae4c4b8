"""Learning contracts: every version kept, the progress log, checkpoint reviews, the closing
reassessment.

The store keeps the records whole and consistent (the rubric, sample, session, teacher and
anchors exist; criteria and levels are on the contract's rubric version; a contract that is met
or closed no longer changes). What makes a *good* contract (one to three targets, a target above
the current level, dates, …) is checked by ``calibrate.services.contracts.plans``.
"""

from __future__ import annotations

import sqlite3

from calibrate.domain.contracts import (
    CheckpointReview,
    Contract,
    ContractStatus,
    ContractVersion,
    ProgressEntry,
    Reassessment,
    ReviewOutcome,
    TargetResult,
)
from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.storage.store_base import quoted
from calibrate.storage.store_contract_versions import ContractVersionStore


class ContractStore(ContractVersionStore):
    # --- contracts and their versions ---------------------------------------------------------

    def add_contract(self, contract: Contract) -> Contract:
        """Store a new contract with its first version (``current``; its ``version`` becomes 1);
        ids are ignored. Returns it as stored, with ids and timestamps (kept if given).

        Raises NotFoundError if the rubric, sample, session, teacher (``teacher_id``) or an
        anchor does not exist; InvalidOperationError if a criterion or level is not on the
        rubric version, an anchor belongs to another rubric version or criterion, or the
        status is met or closed (a contract starts as a draft or active).
        """
        if not contract.status.open:
            raise InvalidOperationError("A new contract starts as a draft or active.")
        with self.transaction():
            self._require("rubrics", contract.rubric_id, "rubric")
            if contract.sample_id is not None:
                self._require("samples", contract.sample_id, "sample")
            if contract.session_id is not None:
                self._require("sessions", contract.session_id, "session")
            if contract.teacher_id is not None:
                self._require("raters", contract.teacher_id, "teacher")
            now = contract.created_at or self._now()
            contract_id = self._insert(
                "INSERT INTO contracts (student_code, student_name, class_name, teacher,"
                " teacher_id, rubric_id, sample_id, session_id, status, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    contract.student_code,
                    contract.student_name,
                    contract.class_name,
                    contract.teacher,
                    contract.teacher_id,
                    contract.rubric_id,
                    contract.sample_id,
                    contract.session_id,
                    str(contract.status),
                    now,
                    contract.updated_at or now,
                ),
            )
            self._insert_version(contract_id, contract.rubric_id, contract.current, 1)
            return self.get_contract(contract_id)

    def amend_contract(self, contract_id: int, version: ContractVersion) -> Contract:
        """Keep ``version`` as the contract's next version (its ``version`` number and id are
        ignored: the next number is assigned); earlier versions stay as they were. Returns the
        contract with the new version current.

        Raises NotFoundError if there is no such contract (or an anchor does not exist);
        InvalidOperationError if the contract is met or closed, or a criterion, level or anchor
        does not fit its rubric version.
        """
        with self.transaction():
            row = self._open_contract(contract_id, "amended")
            number = int(
                self._scalar(
                    "SELECT MAX(version) FROM contract_versions WHERE contract_id = ?",
                    (contract_id,),
                )
            )
            self._insert_version(contract_id, row["rubric_id"], version, number + 1)
            self._touch(contract_id)
            return self.get_contract(contract_id)

    def get_contract(self, contract_id: int) -> Contract:
        """The contract with its latest version. Raises NotFoundError if there is none."""
        with self._snapshot():
            row = self._require("contracts", contract_id, "contract")
            latest = self._row(
                "SELECT * FROM contract_versions WHERE contract_id = ?"
                " ORDER BY version DESC LIMIT 1",
                (contract_id,),
            )
            assert latest is not None
            return _contract(row, self._version(latest))

    def list_contracts(
        self,
        *,
        teacher: str | None = None,
        status: ContractStatus | None = None,
        rubric_id: int | None = None,
        class_name: str | None = None,
    ) -> list[Contract]:
        """Contracts (of one teacher, status, rubric version or class, if given), newest
        first."""
        with self._snapshot():
            rows = self._rows(
                "SELECT id FROM contracts WHERE (? IS NULL OR teacher = ?)"
                " AND (? IS NULL OR status = ?) AND (? IS NULL OR rubric_id = ?)"
                " AND (? IS NULL OR class_name = ?)"
                " ORDER BY created_at DESC, id DESC",
                (
                    teacher,
                    teacher,
                    None if status is None else str(status),
                    None if status is None else str(status),
                    rubric_id,
                    rubric_id,
                    class_name,
                    class_name,
                ),
            )
            return [self.get_contract(row["id"]) for row in rows]

    def contract_versions(self, contract_id: int) -> list[ContractVersion]:
        """Every version of the contract, oldest (version 1) first. Raises NotFoundError if
        there is no such contract."""
        with self._snapshot():
            self._require("contracts", contract_id, "contract")
            rows = self._rows(
                "SELECT * FROM contract_versions WHERE contract_id = ? ORDER BY version",
                (contract_id,),
            )
            return [self._version(row) for row in rows]

    def contract_version(self, contract_id: int, version: int) -> ContractVersion:
        """One version of the contract. Raises NotFoundError if there is no such version."""
        with self._snapshot():
            row = self._require("contracts", contract_id, "contract")
            found = self._row(
                "SELECT * FROM contract_versions WHERE contract_id = ? AND version = ?",
                (contract_id, version),
            )
            if found is None:
                raise NotFoundError(
                    f"The contract of {quoted(row['student_code'])} has no version {version}."
                )
            return self._version(found)

    def set_contract_status(self, contract_id: int, status: ContractStatus) -> Contract:
        """Change the status of an open contract (draft ↔ active). Met and closed are set by
        :meth:`close_contract`. Raises NotFoundError if there is no such contract;
        InvalidOperationError if it is met or closed, or ``status`` is met or closed."""
        if not status.open:
            raise InvalidOperationError(
                "A contract is marked met or closed by its closing reassessment."
            )
        with self.transaction():
            self._open_contract(contract_id, "changed")
            self._write("UPDATE contracts SET status = ? WHERE id = ?", (str(status), contract_id))
            self._touch(contract_id)
            return self.get_contract(contract_id)

    # --- over time ----------------------------------------------------------------------------

    def add_progress(self, entry: ProgressEntry) -> ProgressEntry:
        """Add an entry to the contract's progress log; returns it with ``id`` and
        ``created_at``. Raises NotFoundError if there is no such contract;
        InvalidOperationError if it is met or closed."""
        with self.transaction():
            self._open_contract(entry.contract_id, "given progress entries")
            entry_id = self._insert(
                "INSERT INTO contract_progress (contract_id, date, evidence, evidence_file,"
                " worked, didnt_work, next_step, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.contract_id,
                    entry.date,
                    entry.evidence,
                    entry.evidence_file,
                    entry.worked,
                    entry.didnt_work,
                    entry.next_step,
                    entry.created_at or self._now(),
                ),
            )
            self._touch(entry.contract_id)
            return _progress(self._require("contract_progress", entry_id, "progress entry"))

    def progress_entries(self, contract_id: int) -> list[ProgressEntry]:
        """The progress log, by date then entry order. Raises NotFoundError if there is no
        such contract."""
        with self._snapshot():
            self._require("contracts", contract_id, "contract")
            rows = self._rows(
                "SELECT * FROM contract_progress WHERE contract_id = ? ORDER BY date, id",
                (contract_id,),
            )
            return [_progress(row) for row in rows]

    def add_review(self, review: CheckpointReview) -> CheckpointReview:
        """Record a checkpoint review of the contract (against its current version, unless
        ``review.version`` names another existing one); returns it with ``id``.

        Raises NotFoundError if there is no such contract or version; InvalidOperationError if
        the contract is met or closed.
        """
        with self.transaction():
            self._open_contract(review.contract_id, "reviewed")
            version = review.version or self.get_contract(review.contract_id).version
            self.contract_version(review.contract_id, version)
            review_id = self._insert(
                "INSERT INTO contract_reviews (contract_id, version, date, outcome, note,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    review.contract_id,
                    version,
                    review.date,
                    str(review.outcome),
                    review.note,
                    review.created_at or self._now(),
                ),
            )
            self._touch(review.contract_id)
            return _review(self._require("contract_reviews", review_id, "checkpoint review"))

    def reviews(self, contract_id: int) -> list[CheckpointReview]:
        """The checkpoint reviews, by date then entry order. Raises NotFoundError if there is
        no such contract."""
        with self._snapshot():
            self._require("contracts", contract_id, "contract")
            rows = self._rows(
                "SELECT * FROM contract_reviews WHERE contract_id = ? ORDER BY date, id",
                (contract_id,),
            )
            return [_review(row) for row in rows]

    def close_contract(self, reassessment: Reassessment, status: ContractStatus) -> Contract:
        """Store the closing reassessment and mark the contract ``status`` (met or closed), in
        one change. Returns the contract.

        Raises NotFoundError if there is no such contract; InvalidOperationError if it is
        already met or closed, ``status`` is not met or closed, or a result's criterion or level
        is not on the rubric version.
        """
        if status.open:
            raise InvalidOperationError("Closing a contract marks it met or closed.")
        with self.transaction():
            row = self._open_contract(reassessment.contract_id, "closed again")
            reassessment_id = self._insert(
                "INSERT INTO contract_reassessments (contract_id, date, reflection,"
                " teacher_note, created_at) VALUES (?, ?, ?, ?, ?)",
                (
                    reassessment.contract_id,
                    reassessment.date,
                    reassessment.reflection,
                    reassessment.teacher_note,
                    reassessment.created_at or self._now(),
                ),
            )
            for position, result in enumerate(reassessment.results, 1):
                for level in (result.target_level, result.achieved_level):
                    self._check_level(row["rubric_id"], result.criterion_key, level)
                self._write(
                    "INSERT INTO contract_results (reassessment_id, position, criterion_key,"
                    " target_level, achieved_level) VALUES (?, ?, ?, ?, ?)",
                    (
                        reassessment_id,
                        position,
                        result.criterion_key,
                        result.target_level,
                        result.achieved_level,
                    ),
                )
            self._write(
                "UPDATE contracts SET status = ? WHERE id = ?",
                (str(status), reassessment.contract_id),
            )
            self._touch(reassessment.contract_id)
            return self.get_contract(reassessment.contract_id)

    def reassessment(self, contract_id: int) -> Reassessment | None:
        """The closing reassessment, or None while the contract is open. Raises NotFoundError
        if there is no such contract."""
        with self._snapshot():
            self._require("contracts", contract_id, "contract")
            row = self._row(
                "SELECT * FROM contract_reassessments WHERE contract_id = ?", (contract_id,)
            )
            if row is None:
                return None
            results = self._rows(
                "SELECT * FROM contract_results WHERE reassessment_id = ? ORDER BY position",
                (row["id"],),
            )
            return Reassessment(
                contract_id=row["contract_id"],
                date=row["date"],
                results=tuple(
                    TargetResult(r["criterion_key"], r["target_level"], r["achieved_level"])
                    for r in results
                ),
                reflection=row["reflection"],
                teacher_note=row["teacher_note"],
                created_at=row["created_at"],
                id=row["id"],
            )

    # --- helpers ------------------------------------------------------------------------------

    def _open_contract(self, contract_id: int, doing: str) -> sqlite3.Row:
        row = self._require("contracts", contract_id, "contract")
        if not ContractStatus(row["status"]).open:
            raise InvalidOperationError(
                f"The contract of {quoted(row['student_code'])} is {row['status']}; "
                f"it can no longer be {doing}."
            )
        return row

    def _touch(self, contract_id: int) -> None:
        self._write("UPDATE contracts SET updated_at = ? WHERE id = ?", (self._now(), contract_id))


def _contract(row: sqlite3.Row, current: ContractVersion) -> Contract:
    return Contract(
        student_code=row["student_code"],
        rubric_id=row["rubric_id"],
        teacher=row["teacher"],
        current=current,
        student_name=row["student_name"],
        class_name=row["class_name"],
        teacher_id=row["teacher_id"],
        sample_id=row["sample_id"],
        session_id=row["session_id"],
        status=ContractStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        id=row["id"],
    )


def _progress(row: sqlite3.Row) -> ProgressEntry:
    return ProgressEntry(
        contract_id=row["contract_id"],
        date=row["date"],
        evidence=row["evidence"],
        evidence_file=row["evidence_file"],
        worked=row["worked"],
        didnt_work=row["didnt_work"],
        next_step=row["next_step"],
        created_at=row["created_at"],
        id=row["id"],
    )


def _review(row: sqlite3.Row) -> CheckpointReview:
    return CheckpointReview(
        contract_id=row["contract_id"],
        date=row["date"],
        outcome=ReviewOutcome(row["outcome"]),
        note=row["note"],
        version=row["version"],
        created_at=row["created_at"],
        id=row["id"],
    )
