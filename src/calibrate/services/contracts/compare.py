"""Two versions of a learning contract side by side: one row per field, in words.

Targets, current levels and anchors are matched by criterion, so moving a target up the list is
not a change, while a new due date on the same target is exactly one changed row.
"""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.domain.contracts import Contract, ContractVersion
from calibrate.domain.model import Rubric
from calibrate.storage.store import Store


@dataclass(frozen=True)
class FieldDiff:
    """One field in both versions; ``""`` where a version does not have it."""

    field: str  # a stable path, e.g. "targets.claim.due_date"
    label: str  # in words, e.g. "Target Claim: due date"
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class VersionComparison:
    contract: Contract
    before: ContractVersion
    after: ContractVersion
    rows: tuple[FieldDiff, ...]  # every field of either version

    @property
    def changes(self) -> tuple[FieldDiff, ...]:
        return tuple(row for row in self.rows if row.changed)


def compare_versions(store: Store, contract_id: int, before: int, after: int) -> VersionComparison:
    """Versions ``before`` and ``after`` of a contract, field by field. Raises NotFoundError if
    the contract or a version does not exist."""
    contract = store.get_contract(contract_id)
    rubric = store.get_rubric(contract.rubric_id)
    old = store.contract_version(contract_id, before)
    new = store.contract_version(contract_id, after)
    return VersionComparison(contract, old, new, diff_versions(rubric, old, new))


def diff_versions(
    rubric: Rubric, before: ContractVersion, after: ContractVersion
) -> tuple[FieldDiff, ...]:
    """Every field of either version, in the order a contract reads."""
    old, new = version_fields(rubric, before), version_fields(rubric, after)
    keys = list(old) + [k for k in new if k not in old]
    rows = []
    for key in keys:
        label = (old.get(key) or new[key])[0]
        rows.append(FieldDiff(key, label, old.get(key, ("", ""))[1], new.get(key, ("", ""))[1]))
    return tuple(rows)


def version_fields(rubric: Rubric, version: ContractVersion) -> dict[str, tuple[str, str]]:
    """A version as ``{field: (label, text)}``, in reading order."""

    def name(key: str) -> str:
        criterion = rubric.criterion(key)
        return criterion.name if criterion is not None else key

    out: dict[str, tuple[str, str]] = {"start_date": ("Start date", version.start_date)}
    for current in version.diagnostic:
        out[f"diagnostic.{current.criterion_key}"] = (
            f"Current level: {name(current.criterion_key)}",
            f"{current.level} ({current.source})",
        )
    for target in version.targets:
        key, said = f"targets.{target.criterion_key}", f"Target {name(target.criterion_key)}"
        out[f"{key}.levels"] = (
            f"{said}: levels",
            f"{target.current_level} → {target.target_level}",
        )
        out[f"{key}.indicator"] = (f"{said}: indicator", target.indicator)
        out[f"{key}.due_date"] = (f"{said}: due date", target.due_date)
        out[f"{key}.anchors"] = (
            f"{said}: anchors",
            ", ".join(f"anchor {a}" for a in target.anchor_ids),
        )
    out["activities"] = (
        "Activities",
        "\n".join(f"{n}. {a.stage}: {a.description}" for n, a in enumerate(version.activities, 1)),
    )
    out["supports"] = ("Supports", "\n".join(version.supports))
    out["resources"] = ("Resources", "\n".join(version.resources))
    c, a = version.commitments, version.accommodations
    out["commitments.teacher_feedback_days"] = (
        "Teacher: feedback within",
        f"{c.teacher_feedback_days} days",
    )
    out["commitments.teacher_note"] = ("Teacher: also", c.teacher_note)
    out["commitments.student_practice"] = ("Student: practice", c.student_practice)
    out["commitments.student_keeps_log"] = (
        "Student: keeps the progress log",
        "yes" if c.student_keeps_log else "no",
    )
    out["commitments.review_every_days"] = ("Reviews: every", f"{c.review_every_days} days")
    out["accommodations.accessibility_needs"] = (
        "Accessibility needs",
        "\n".join(a.accessibility_needs),
    )
    out["accommodations.evidence_formats"] = (
        "Other formats for evidence",
        "\n".join(a.evidence_formats),
    )
    out["accommodations.flexible_deadlines"] = ("Flexible deadlines", a.flexible_deadlines)
    out["note"] = ("Reason for this version", version.note)
    return out
