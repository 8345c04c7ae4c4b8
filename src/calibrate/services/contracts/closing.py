"""The closing reassessment as the contract screen's form sees it: one row per target (the level
aimed for, the level the student was at, the levels to choose from), what the contract would
become with the levels chosen so far, the form's values turned into a closing reassessment, and
the outcome in words once it is closed. Plain data in and out; the store is used on the caller's
thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from calibrate.domain.contracts import Contract, ContractFieldError, ContractStatus, Reassessment
from calibrate.domain.model import Rubric
from calibrate.services.contracts.checks import check_date, check_text
from calibrate.services.contracts.forms import level_choices
from calibrate.services.contracts.plans import close_contract
from calibrate.storage.store import Store


@dataclass(frozen=True)
class ClosingRow:
    """One target of the contract being closed, as the form shows it."""

    n: int  # counting from 1, as the target is numbered in the contract
    criterion_key: str
    name: str  # the criterion's name
    current_level: int  # where the student was when the contract was written
    target_level: int  # the level aimed for
    levels: tuple[tuple[str, int], ...]  # the criterion's levels as ("3 · Proficient", 3)

    @property
    def field(self) -> str:
        """The field a problem with this row's level names (as ``close_contract`` does)."""
        return f"results[{self.n}]"

    def label(self, score: int) -> str:
        """``"3 · Proficient"`` (the bare number for a level not on the rubric)."""
        return next((text for text, value in self.levels if value == score), str(score))


def closing_rows(rubric: Rubric, contract: Contract) -> tuple[ClosingRow, ...]:
    """The current version's targets, in order, each with its criterion's levels."""
    rows = []
    for n, target in enumerate(contract.current.targets, 1):
        criterion = rubric.criterion(target.criterion_key)
        rows.append(
            ClosingRow(
                n=n,
                criterion_key=target.criterion_key,
                name=criterion.name if criterion is not None else target.criterion_key,
                current_level=target.current_level,
                target_level=target.target_level,
                levels=tuple(level_choices(rubric, target.criterion_key)),
            )
        )
    return tuple(rows)


def expected_status(
    rows: tuple[ClosingRow, ...], achieved: Mapping[str, int | None]
) -> ContractStatus | None:
    """What closing with these levels makes the contract: met if every target level is reached,
    closed if one is not; None while a target has no level chosen (or there are no targets)."""
    if not rows:
        return None
    reached = []
    for row in rows:
        level = achieved.get(row.criterion_key)
        if level is None:
            return None
        reached.append(level >= row.target_level)
    return ContractStatus.MET if all(reached) else ContractStatus.CLOSED


def closing_outlook(rows: tuple[ClosingRow, ...], achieved: Mapping[str, int | None]) -> str:
    """In words, what closing with these levels makes the contract (for the form, as the
    teacher chooses)."""
    status = expected_status(rows, achieved)
    if status is None:
        return "Choose the level reached on each target."
    if status is ContractStatus.MET:
        return "With these levels the contract is met: every target reached."
    missed = [r.name for r in rows if (achieved.get(r.criterion_key) or 0) < r.target_level]
    return f"With these levels the contract is closed: {', '.join(missed)} not yet reached."


def check_closing(
    rows: tuple[ClosingRow, ...],
    *,
    on: str,
    achieved: Mapping[str, int | None],
    reflection: str,
) -> None:
    """Raise the ContractFieldError that :func:`close_from_form` would raise for these values
    (the same field and message), without saving anything: so the form can point at a mistake
    before asking whether to close. Returning means the values can be saved."""
    check_date("date", "Date", on)
    for row in rows:
        level = achieved.get(row.criterion_key)
        if level is None or level not in {value for _, value in row.levels}:
            scores = ", ".join(str(value) for _, value in row.levels)
            raise ContractFieldError(
                row.field, f"Result {row.n} ({row.name}): give the level reached ({scores})."
            )
    check_text("reflection", "Reflection", reflection, "the student's culminating reflection.")


def close_from_form(
    store: Store,
    contract_id: int,
    *,
    on: str,
    achieved: Mapping[str, int | None],
    reflection: str,
    teacher_note: str = "",
) -> Contract:
    """Close the contract with the form's values (a target with no level chosen is left out,
    so ``close_contract`` names its field). Nothing is saved when it raises: ContractFieldError
    naming ``date``, ``results[n]`` or ``reflection``; InvalidOperationError if the contract is
    not active; NotFoundError if there is none."""
    chosen = {key: level for key, level in achieved.items() if level is not None}
    return close_contract(
        store,
        contract_id,
        on=on,
        achieved=chosen,
        reflection=reflection,
        teacher_note=teacher_note,
    )


def closing_summary(rubric: Rubric, status: ContractStatus, reassessment: Reassessment) -> str:
    """One line on how the contract ended, target by target, e.g. ``"Closed on 2027-01-04:
    met, every target reached. Claim: aimed 4, reached 4 (met); …"``."""
    parts = []
    for result in reassessment.results:
        criterion = rubric.criterion(result.criterion_key)
        name = criterion.name if criterion is not None else result.criterion_key
        parts.append(
            f"{name}: aimed {result.target_level}, reached {result.achieved_level} "
            f"({'met' if result.met else 'not yet'})"
        )
    if status is ContractStatus.MET:
        outcome = "met, every target reached"
    else:
        missed = sum(not r.met for r in reassessment.results)
        outcome = f"closed, {missed} of {len(reassessment.results)} targets not yet reached"
    return f"Closed on {reassessment.date}: {outcome}. " + "; ".join(parts) + "."
