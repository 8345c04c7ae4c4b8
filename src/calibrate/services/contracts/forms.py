"""What the contract screens need around :mod:`calibrate.services.contracts.plans`: the choices a
teacher picks from (sessions with scores, their samples and raters, rubric levels), the contracts
listed per teacher, form text turned into values (each mistake a
:class:`~calibrate.domain.contracts.ContractFieldError` naming its field), and save = create or
amend. Plain data in and out; the store is used on the caller's thread.
"""

from __future__ import annotations

import re
from dataclasses import replace

from calibrate.domain.contracts import (
    Contract,
    ContractFieldError,
    ContractStatus,
    CurrentLevel,
    Target,
)
from calibrate.domain.model import Anchor, Phase, Rubric
from calibrate.services.contracts.anchors import AnchorQuote, matching_anchors, quote_anchor
from calibrate.services.contracts.plans import (
    ContractSummary,
    amend_contract,
    contract_summaries,
    create_contract,
)
from calibrate.storage.store import Store

# --- what to pick from ---------------------------------------------------------------------------


def session_choices(store: Store) -> list[tuple[int, str]]:
    """Sessions whose samples have been scored, as ``(id, "title (date, phase)")``: those
    revealed or later first (their scores are complete), then those still scoring; newest first
    within each."""
    out = []
    newest = sorted(store.list_sessions(), key=lambda s: (s.date, s.id or 0), reverse=True)
    for session in sorted(newest, key=lambda s: s.phase is Phase.SCORING):
        if session.phase is Phase.SETUP or session.id is None:
            continue
        out.append((session.id, f"{session.title} ({session.date}, {session.phase})"))
    return out


def sample_choices(store: Store, session_id: int) -> list[tuple[int, str]]:
    """The session's samples in the order they were shown, as ``(id, "code · title")``."""
    out = []
    for sample_id in store.get_session(session_id).sample_ids:
        sample = store.get_sample(sample_id)
        code = sample.student_code or "no student code"
        out.append((sample_id, f"{code} · {sample.title}"))
    return out


def teacher_choices(store: Store, session_id: int) -> list[tuple[int, str]]:
    """The session's raters, as ``(id, name)``."""
    out = []
    for rater_id in store.get_session(session_id).rater_ids:
        out.append((rater_id, store.get_rater(rater_id).name))
    return out


def level_choices(rubric: Rubric, criterion_key: str) -> list[tuple[str, int]]:
    """A criterion's levels as ``("3 · Proficient", 3)``, lowest first (empty if unknown)."""
    criterion = rubric.criterion(criterion_key)
    if criterion is None:
        return []
    return [(f"{level.score} · {level.label}", level.score) for level in criterion.levels]


def contract_teachers(store: Store) -> list[str]:
    """Every teacher who has a contract, alphabetically."""
    return sorted({c.teacher for c in store.list_contracts()}, key=str.casefold)


def contract_classes(store: Store) -> list[str]:
    """Every class that has a contract, in natural order ("8B" before "8C", "Period 2" before
    "Period 10")."""
    return sorted({c.class_name for c in store.list_contracts() if c.class_name}, key=_natural)


def summaries_by_teacher(
    store: Store,
    *,
    teacher: str | None = None,
    status: ContractStatus | None = None,
    class_name: str | None = None,
) -> list[ContractSummary]:
    """The contracts (of one teacher, status or class, if given) grouped by teacher
    (alphabetically), then by class, newest first within each class."""
    summaries = contract_summaries(store, teacher=teacher, status=status, class_name=class_name)
    # sorted() is stable: within a teacher and class the newest stays first
    return sorted(
        summaries, key=lambda s: (s.contract.teacher.casefold(), _natural(s.contract.class_name))
    )


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    """A sort key that orders the numbers inside names by value: "Period 2" < "Period 10"."""
    return tuple(
        (0, part.zfill(12)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


# --- anchors -------------------------------------------------------------------------------------


def target_quotes(store: Store, rubric: Rubric, target: Target) -> tuple[AnchorQuote, ...]:
    """The anchors a target carries, quoted: those attached to it if any, else the approved
    anchors of its criterion × target level (what a new or re-aimed target will carry)."""
    assert rubric.id is not None
    if not target.anchor_ids:
        return matching_anchors(store, rubric.id, target.criterion_key, target.target_level)
    stored: dict[int, Anchor] = {a.id: a for a in store.anchors() if a.id}
    return tuple(quote_anchor(store, rubric, stored[i]) for i in target.anchor_ids if i in stored)


# --- form text into values ----------------------------------------------------------------------


def parse_days(field: str, label: str, text: str) -> int:
    """A whole number of days typed in a form. Raises ContractFieldError naming ``field``."""
    try:
        return int(text.strip())
    except ValueError:
        shown = f"“{text.strip()}” is not" if text.strip() else "give"
        raise ContractFieldError(field, f"{label}: {shown} a whole number of days.") from None


def lines(text: str) -> tuple[str, ...]:
    """One item per line; blank lines dropped, spaces trimmed."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def keep_evidence(targets: tuple[Target, ...], before: tuple[Target, ...]) -> tuple[Target, ...]:
    """Targets read from a form, each with the starting evidence of the target on the same
    criterion before the edit (a form does not show or change it)."""
    evidence = {t.criterion_key: t.evidence for t in before}
    return tuple(replace(t, evidence=evidence.get(t.criterion_key, t.evidence)) for t in targets)


def make_target(
    n: int,
    rubric: Rubric,
    diagnostic: tuple[CurrentLevel, ...],
    *,
    criterion_key: str | None,
    target_level: int | None,
    indicator: str,
    due_date: str,
    anchor_ids: tuple[int, ...],
) -> Target:
    """Target ``n`` (counting from 1) as typed: its current level is the criterion's level in
    ``diagnostic``. Raises ContractFieldError if the criterion, its current level or the target
    level is missing."""
    where = f"targets[{n}]"
    if criterion_key is None:
        raise ContractFieldError(f"{where}.criterion_key", f"Target {n}: choose a criterion.")
    criterion = rubric.criterion(criterion_key)
    name = criterion.name if criterion is not None else criterion_key
    current = next((c for c in diagnostic if c.criterion_key == criterion_key), None)
    if current is None:
        raise ContractFieldError(
            f"{where}.current_level",
            f"Target {n} ({name}): give its current level under “Where the student is now” first.",
        )
    if target_level is None:
        raise ContractFieldError(
            f"{where}.target_level", f"Target {n} ({name}): choose the level to aim for."
        )
    return Target(
        criterion_key=criterion_key,
        current_level=current.level,
        target_level=target_level,
        indicator=indicator,
        due_date=due_date,
        anchor_ids=anchor_ids,
    )


def next_level(rubric: Rubric, criterion_key: str, level: int | None) -> int | None:
    """The criterion's next level above ``level`` (its lowest level for None; None at the top)."""
    criterion = rubric.criterion(criterion_key)
    if criterion is None:
        return None
    above = [s for s in criterion.scores if level is None or s > level]
    return min(above) if above else None


# --- saving ---------------------------------------------------------------------------------------


def save_contract(store: Store, contract: Contract, *, contract_id: int | None = None) -> Contract:
    """Create ``contract`` (``contract_id`` None), else keep its ``current`` version as the next
    version of contract ``contract_id`` (only the version's fields change on an amendment).
    Nothing is saved when it raises ContractFieldError, NotFoundError or InvalidOperationError."""
    if contract_id is None:
        return create_contract(store, contract)
    return amend_contract(store, contract_id, contract.current)
