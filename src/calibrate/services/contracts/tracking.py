"""A contract over time, as a script or the command line asks for it: when the next checkpoint
review is due, and an amendment made of a few named changes to the current version (a target's
level, due date or indicator, the review frequency, one more support or resource).

The use cases themselves (log progress, review, amend, close) are in
:mod:`calibrate.services.contracts.plans`; this module only turns named changes into the version
they describe, and refuses text that cannot be kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from calibrate.domain.contracts import ContractFieldError, ContractVersion, next_checkpoint
from calibrate.domain.text_rules import text_problem
from calibrate.services.contracts.anchors import attach_anchors
from calibrate.storage.store import Store


def check_kept_text(texts: Mapping[str, str]) -> None:
    """Raise ContractFieldError for the first of ``texts`` (by field name) that cannot be kept:
    control characters such as NUL, or over a million characters (as everywhere in calibrate).
    """
    for name, text in texts.items():
        if (problem := text_problem(text)) is not None:
            raise ContractFieldError(name, f"The text {problem}.")


def review_due(store: Store, contract_id: int) -> str | None:
    """The date the next checkpoint review is due (``review_every_days`` after the latest
    review, or after the start); None once the contract is closed or without dates. Raises
    NotFoundError if there is no such contract."""
    contract = store.get_contract(contract_id)
    return next_checkpoint(contract, tuple(store.reviews(contract_id)))


@dataclass(frozen=True)
class Amendment:
    """Named changes to a contract's current version, by target criterion key."""

    reason: str
    target_levels: Mapping[str, int] = field(default_factory=dict)
    due_dates: Mapping[str, str] = field(default_factory=dict)
    indicators: Mapping[str, str] = field(default_factory=dict)
    review_every_days: int | None = None
    add_supports: tuple[str, ...] = ()
    add_resources: tuple[str, ...] = ()


def amended_version(store: Store, contract_id: int, amendment: Amendment) -> ContractVersion:
    """The current version with ``amendment`` applied, ready for
    :func:`~calibrate.services.contracts.plans.amend_contract` (which checks it). A target
    whose level changes gets the approved anchors of its new level.

    Raises ContractFieldError (field ``targets.target_level``, ``targets.due_date`` or
    ``targets.indicator``) naming a criterion that is not one of the contract's targets, or a
    level that is not one of its criterion's; NotFoundError if there is no such contract."""
    contract = store.get_contract(contract_id)
    rubric = store.get_rubric(contract.rubric_id)
    current = contract.current
    keys = [t.criterion_key for t in current.targets]
    for name, changes in (
        ("target_level", amendment.target_levels),
        ("due_date", amendment.due_dates),
        ("indicator", amendment.indicators),
    ):
        for key in changes:
            if key not in keys:
                raise ContractFieldError(
                    f"targets.{name}",
                    f"“{key}” is not a target of this contract (its targets: {', '.join(keys)}).",
                )
    targets = []
    for target in current.targets:
        key = target.criterion_key
        level = amendment.target_levels.get(key, target.target_level)
        criterion = rubric.criterion(key)
        assert criterion is not None  # the store keeps targets on the rubric's criteria
        if criterion.level(level) is None:
            shown = ", ".join(str(s) for s in criterion.scores)
            raise ContractFieldError(
                "targets.target_level",
                f"{criterion.name}: {level} is not one of its levels ({shown}).",
            )
        changed = replace(
            target,
            target_level=level,
            due_date=amendment.due_dates.get(key, target.due_date),
            indicator=amendment.indicators.get(key, target.indicator),
        )
        if level != target.target_level:  # "what success looks like" at the new level
            (changed,), _ = attach_anchors(store, contract.rubric_id, (changed,))
        targets.append(changed)
    commitments = current.commitments
    if amendment.review_every_days is not None:
        commitments = replace(commitments, review_every_days=amendment.review_every_days)
    return replace(
        current,
        targets=tuple(targets),
        commitments=commitments,
        supports=(*current.supports, *amendment.add_supports),
        resources=(*current.resources, *amendment.add_resources),
        note=amendment.reason,
    )
