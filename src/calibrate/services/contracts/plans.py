"""Learning contracts: from a scored sample to a student's plan, and the plan over time.

A teacher starts from a sample scored in a session (:func:`draft_from_sample`): the current
levels come from the session's consensus or the teacher's own score, the suggested targets are the
next level on the weakest criteria, and each target carries the approved anchors of its target
level. The teacher edits the draft with the student and saves it (:func:`create_contract`); from
then on the contract is amended (each amendment a new version, :func:`amend_contract`), progress
is logged, checkpoints are reviewed, and a closing reassessment ends it (:func:`close_contract`).
Plain data in and out; mistakes are :class:`~calibrate.domain.contracts.ContractFieldError`
naming the field, or the store's NotFoundError / InvalidOperationError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from calibrate.domain.contracts import (
    MAX_TARGETS,
    CheckpointReview,
    Commitments,
    Contract,
    ContractFieldError,
    ContractStatus,
    ContractVersion,
    CurrentLevel,
    LevelSource,
    ProgressEntry,
    Reassessment,
    ReviewOutcome,
    Target,
    TargetResult,
    next_checkpoint,
)
from calibrate.domain.errors import InvalidOperationError, NotFoundError
from calibrate.domain.model import Rubric, Sample
from calibrate.services.contracts.anchors import AnchorQuote, attach_anchors
from calibrate.services.contracts.anchors import contract_anchors as _anchors
from calibrate.services.contracts.checks import (
    check_contract,
    check_date,
    check_text,
    check_version,
    tidy_contract,
    tidy_version,
)
from calibrate.services.contracts.wording import default_activities, suggested_indicator
from calibrate.storage.store import Store

DEFAULT_WEEKS = 6


@dataclass(frozen=True)
class ContractDraft:
    """A new contract, not yet saved, pre-filled from a scored sample."""

    contract: Contract
    rubric: Rubric
    sample: Sample
    missing: tuple[str, ...]  # criteria with no level to pre-fill: enter them by hand
    anchors: Mapping[str, tuple[AnchorQuote, ...]]  # per target criterion: the matching anchors


@dataclass(frozen=True)
class ContractSummary:
    contract: Contract
    rubric: Rubric
    next_checkpoint: str | None
    n_progress: int
    last_review: CheckpointReview | None

    @property
    def id(self) -> int:
        assert self.contract.id is not None
        return self.contract.id


# --- a new contract ----------------------------------------------------------------------------


def diagnostic_from_sample(
    store: Store,
    session_id: int,
    sample_id: int,
    *,
    teacher_id: int | None = None,
    source: LevelSource = LevelSource.CONSENSUS,
) -> tuple[CurrentLevel, ...]:
    """The current level on each criterion (in rubric order) of a sample scored in a session.

    With ``source`` consensus: the team's agreed level, else the teacher's own latest score
    (``teacher_id``); with ``source`` teacher score: the teacher's own score only. Criteria with
    neither are left out. Raises NotFoundError if the session does not exist or the sample is
    not part of it; InvalidOperationError for a source "entered by hand".
    """
    if source is LevelSource.HAND:
        raise InvalidOperationError("Levels entered by hand do not come from a scored sample.")
    session = store.get_session(session_id)
    if sample_id not in session.sample_ids:
        raise NotFoundError(f"The sample {sample_id} is not part of the session “{session.title}”.")
    rubric = store.get_rubric(session.rubric_id)
    agreed: dict[str, int] = {}
    if source is LevelSource.CONSENSUS:
        agreed = {
            c.criterion_key: c.level
            for c in store.consensus_for(session_id)
            if c.sample_id == sample_id
        }
    own: dict[str, tuple[int, int]] = {}  # criterion -> (round, level), the latest round
    if teacher_id is not None:
        for score in store.scores(session_id, rater_id=teacher_id):
            if score.sample_id == sample_id:
                latest = own.get(score.criterion_key, (0, 0))[0]
                if score.round >= latest:
                    own[score.criterion_key] = (score.round, score.level)
    levels = []
    for criterion in rubric.criteria:
        if criterion.key in agreed:
            levels.append(CurrentLevel(criterion.key, agreed[criterion.key], LevelSource.CONSENSUS))
        elif criterion.key in own:
            levels.append(CurrentLevel(criterion.key, own[criterion.key][1], LevelSource.TEACHER))
    return tuple(levels)


def suggest_targets(
    rubric: Rubric,
    diagnostic: tuple[CurrentLevel, ...],
    *,
    due_date: str,
    count: int = 2,
) -> tuple[Target, ...]:
    """Targets on the ``count`` weakest criteria (lowest current level; ties in rubric order),
    each aiming at the criterion's next level up, due on ``due_date``. Criteria already at their
    top level are not suggested. The indicator is pre-filled from the target level's student
    wording; anchors are attached by :func:`attach_anchors`."""
    count = max(0, min(count, MAX_TARGETS))
    order = {c.key: n for n, c in enumerate(rubric.criteria)}
    candidates = []
    for current in diagnostic:
        criterion = rubric.criterion(current.criterion_key)
        if criterion is None:
            continue
        above = [s for s in criterion.scores if s > current.level]
        if above:
            candidates.append((current.level, order[criterion.key], criterion, min(above)))
    candidates.sort(key=lambda c: (c[0], c[1]))
    targets = []
    for level, _, criterion, goal in candidates[:count]:
        goal_level = criterion.level(goal)
        assert goal_level is not None
        targets.append(
            Target(
                criterion_key=criterion.key,
                current_level=level,
                target_level=goal,
                indicator=suggested_indicator(rubric, criterion.key, goal),
                due_date=due_date,
            )
        )
    return tuple(targets)


def draft_from_sample(
    store: Store,
    session_id: int,
    sample_id: int,
    *,
    teacher_id: int | None = None,
    source: LevelSource = LevelSource.CONSENSUS,
    student_name: str = "",
    today: date | None = None,
    weeks: int = DEFAULT_WEEKS,
    count: int = 2,
) -> ContractDraft:
    """A new contract for the student who wrote a sample scored in a session, pre-filled:
    current levels (:func:`diagnostic_from_sample`), suggested targets due in ``weeks`` weeks
    (:func:`suggest_targets`) with their approved anchors, a default activity sequence and
    commitments. Nothing is saved. Raises NotFoundError if the session, sample or teacher does
    not exist or the sample is not part of the session."""
    session = store.get_session(session_id)
    sample = store.get_sample(sample_id)
    teacher = "" if teacher_id is None else store.get_rater(teacher_id).name
    rubric = store.get_rubric(session.rubric_id)
    diagnostic = diagnostic_from_sample(
        store, session_id, sample_id, teacher_id=teacher_id, source=source
    )
    start = today or date.today()
    due = (start + timedelta(weeks=weeks)).isoformat()
    targets, quotes = attach_anchors(
        store, session.rubric_id, suggest_targets(rubric, diagnostic, due_date=due, count=count)
    )
    version = ContractVersion(
        diagnostic=diagnostic,
        targets=targets,
        activities=default_activities(rubric, targets),
        commitments=Commitments(student_practice="Practise on my targets every week."),
        start_date=start.isoformat(),
    )
    contract = Contract(
        student_code=sample.student_code,
        rubric_id=session.rubric_id,
        teacher=teacher,
        current=version,
        student_name=student_name,
        teacher_id=teacher_id,
        sample_id=sample_id,
        session_id=session_id,
    )
    done = {c.criterion_key for c in diagnostic}
    missing = tuple(c.key for c in rubric.criteria if c.key not in done)
    return ContractDraft(contract, rubric, sample, missing, quotes)


def create_contract(store: Store, contract: Contract) -> Contract:
    """Check and save a new contract (a draft, or active); returns it as stored.

    Raises ContractFieldError naming the first field that is not right; NotFoundError if the
    rubric, sample, session or teacher does not exist.
    """
    contract = tidy_contract(contract)
    rubric = store.get_rubric(contract.rubric_id)
    anchors, borrowed = _anchors(store, contract.rubric_id)
    check_contract(contract, rubric, anchors, borrowed=borrowed)
    return store.add_contract(contract)


# --- over time ---------------------------------------------------------------------------------


def activate(store: Store, contract_id: int) -> Contract:
    """The student and teacher have agreed the draft: it becomes active."""
    return store.set_contract_status(contract_id, ContractStatus.ACTIVE)


def amend_contract(store: Store, contract_id: int, version: ContractVersion) -> Contract:
    """Keep ``version`` as the contract's next version; ``version.note`` says why it changed.
    Earlier versions stay readable. Returns the contract.

    Raises ContractFieldError if the note is empty, nothing changed, or a field is not right;
    InvalidOperationError if the contract is met or closed; NotFoundError if there is none.
    """
    contract = store.get_contract(contract_id)
    if not contract.status.open:
        raise InvalidOperationError(
            f"The contract of {contract.student_code} is {contract.status}; "
            "it can no longer be amended."
        )
    version = tidy_version(version)
    check_text("note", "Reason for the change", version.note, "say what changed and why.")
    if _content(version) == _content(contract.current):
        raise ContractFieldError("note", "Nothing changed: this would be the same as now.")
    rubric = store.get_rubric(contract.rubric_id)
    anchors, borrowed = _anchors(store, contract.rubric_id)
    check_version(version, rubric, anchors, borrowed=borrowed)
    return store.amend_contract(contract_id, version)


def log_progress(
    store: Store,
    contract_id: int,
    *,
    on: str,
    evidence: str,
    evidence_file: str = "",
    worked: str = "",
    didnt_work: str = "",
    next_step: str = "",
) -> ProgressEntry:
    """Add an entry to the student's progress log (the contract must be active)."""
    _require_active(store, contract_id, "logging progress")
    check_date("date", "Date", on)
    if not evidence.strip() and not evidence_file.strip():
        raise ContractFieldError(
            "evidence", "Evidence: describe what was done, or give a file reference."
        )
    return store.add_progress(
        ProgressEntry(
            contract_id=contract_id,
            date=on.strip(),
            evidence=evidence.strip(),
            evidence_file=evidence_file.strip(),
            worked=worked.strip(),
            didnt_work=didnt_work.strip(),
            next_step=next_step.strip(),
        )
    )


def review(
    store: Store, contract_id: int, *, on: str, outcome: ReviewOutcome, note: str = ""
) -> CheckpointReview:
    """Record a checkpoint review of the current version (the contract must be active); an
    "adjust" outcome needs a note saying what to adjust."""
    _require_active(store, contract_id, "reviewing it")
    check_date("date", "Date", on)
    if outcome is ReviewOutcome.ADJUST:
        check_text("note", "Note", note, "say what needs adjusting.")
    return store.add_review(CheckpointReview(contract_id, on.strip(), outcome, note.strip()))


def close_contract(
    store: Store,
    contract_id: int,
    *,
    on: str,
    achieved: Mapping[str, int],
    reflection: str,
    teacher_note: str = "",
) -> Contract:
    """The closing reassessment: the level reached on each target's criterion (``achieved``,
    by criterion key) and the student's culminating reflection. The contract becomes met if
    every target level was reached, else closed."""
    contract = _require_active(store, contract_id, "closing it")
    check_date("date", "Date", on)
    rubric = store.get_rubric(contract.rubric_id)
    results = []
    for n, target in enumerate(contract.current.targets, 1):
        criterion = rubric.criterion(target.criterion_key)
        assert criterion is not None
        level = achieved.get(target.criterion_key)
        if level is None or criterion.level(level) is None:
            raise ContractFieldError(
                f"results[{n}]",
                f"Result {n} ({criterion.name}): give the level reached "
                f"({', '.join(str(s) for s in criterion.scores)}).",
            )
        results.append(TargetResult(target.criterion_key, target.target_level, level))
    extra = sorted(set(achieved) - {t.criterion_key for t in contract.current.targets})
    if extra:
        raise ContractFieldError("results", f"Results: {', '.join(extra)} is not a target.")
    check_text("reflection", "Reflection", reflection, "the student's culminating reflection.")
    reassessment = Reassessment(
        contract_id, on.strip(), tuple(results), reflection.strip(), teacher_note.strip()
    )
    status = ContractStatus.MET if reassessment.all_met else ContractStatus.CLOSED
    return store.close_contract(reassessment, status)


def contract_summaries(
    store: Store,
    *,
    teacher: str | None = None,
    status: ContractStatus | None = None,
    class_name: str | None = None,
) -> list[ContractSummary]:
    """The contracts (of one teacher, status or class, if given), newest first, each with its
    rubric, next checkpoint, number of progress entries and latest review."""
    rubrics: dict[int, Rubric] = {}
    out = []
    for contract in store.list_contracts(teacher=teacher, status=status, class_name=class_name):
        assert contract.id is not None
        if contract.rubric_id not in rubrics:
            rubrics[contract.rubric_id] = store.get_rubric(contract.rubric_id)
        reviews = tuple(store.reviews(contract.id))
        out.append(
            ContractSummary(
                contract,
                rubrics[contract.rubric_id],
                next_checkpoint(contract, reviews),
                len(store.progress_entries(contract.id)),
                reviews[-1] if reviews else None,
            )
        )
    return out


# --- helpers -----------------------------------------------------------------------------------


def _content(version: ContractVersion) -> ContractVersion:
    """The parts an amendment changes (not its number, note, id or time)."""
    return replace(version, note="", version=0, created_at="", id=None)


def _require_active(store: Store, contract_id: int, doing: str) -> Contract:
    contract = store.get_contract(contract_id)
    if contract.status is not ContractStatus.ACTIVE:
        raise InvalidOperationError(
            f"The contract of {contract.student_code} is {contract.status}; "
            f"it must be active before {doing}."
        )
    return contract
