"""Rubric drafts: what the rubric editor holds while a facilitator types, checked field by field.

A draft is mutable plain data (the form's state); :func:`check_draft` returns every problem as a
:class:`FieldProblem` addressed to its field, e.g. ``("criteria", 1, "levels", 0, "label")``
(positions counted from 0), so a form can show each message at its field. Only a draft with no
problem becomes a :class:`~calibrate.domain.model.Rubric` (:func:`draft_to_rubric`).

Rules: a rubric needs a name; a holistic rubric has exactly one criterion, an analytic one at
least one; every criterion needs a key (lowercase letters, digits, ``-`` and ``_``, as in a
scenario file), a name, and at least two levels; no two criteria share a key; every level needs a
whole-number score, a label and a descriptor; scores go up from the first level to the last (so
no two levels of a criterion share a score). Student wording is optional.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import Criterion, Level, Rubric, RubricKind
from calibrate.domain.text_rules import NAME_LIMIT, name_problem, text_problem

FieldPath = tuple[str | int, ...]
KEY_PATTERN = re.compile(r"^[a-z0-9_-]+$")
SCORE_LIMIT = 1_000_000  # as in scenario files
DEFAULT_LABELS = ("Beginning", "Developing", "Proficient", "Advanced")


@dataclass(frozen=True)
class FieldProblem:
    """One mistake in a form: the field it concerns and what is wrong, in plain words."""

    path: FieldPath
    message: str


class DraftError(CalibrateError):
    """A draft that cannot be saved; ``problems`` says where and why. Nothing was saved."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        first = problems[0].message if problems else "The rubric is not complete."
        more = len(problems) - 1
        extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(f"Not saved: {first}{extra}.")
        self.problems = problems


@dataclass
class LevelDraft:
    score: str  # as typed; must be a whole number
    label: str = ""
    descriptor: str = ""
    student_wording: str = ""


@dataclass
class CriterionDraft:
    key: str = ""
    name: str = ""
    description: str = ""
    student_wording: str = ""
    levels: list[LevelDraft] = field(default_factory=list)
    # The key was stored with the rubric: scores, anchors and files name it, so renaming the
    # criterion keeps it (only a new criterion's key follows its name as it is typed).
    key_stored: bool = False


@dataclass
class RubricDraft:
    """The rubric being edited. ``source_id`` is the stored version it was opened from (None for
    a new rubric or a copy): saving it updates that version, or stores a new version of the same
    rubric if a session or anchor already uses it."""

    name: str = ""
    subject: str = ""
    grade_band: str = ""
    kind: RubricKind = RubricKind.ANALYTIC
    criteria: list[CriterionDraft] = field(default_factory=list)
    source_id: int | None = None


# --- making drafts ----------------------------------------------------------------------------


def blank_levels(n: int = 4) -> list[LevelDraft]:
    """``n`` empty levels scored 1…n (labelled Beginning…Advanced when ``n`` is 4)."""
    labels = DEFAULT_LABELS if n == len(DEFAULT_LABELS) else ("",) * n
    return [LevelDraft(str(i + 1), labels[i]) for i in range(n)]


def new_draft(kind: RubricKind = RubricKind.ANALYTIC, *, levels: int = 4) -> RubricDraft:
    """A new rubric with one empty criterion of ``levels`` levels."""
    return RubricDraft(kind=kind, criteria=[CriterionDraft(levels=blank_levels(levels))])


def draft_from_rubric(rubric: Rubric) -> RubricDraft:
    """A draft to edit the stored version ``rubric`` (saving updates it or adds a version)."""
    return RubricDraft(
        name=rubric.name,
        subject=rubric.subject,
        grade_band=rubric.grade_band,
        kind=rubric.kind,
        criteria=[
            CriterionDraft(
                key=c.key,
                name=c.name,
                description=c.description,
                student_wording=c.student_wording,
                levels=[
                    LevelDraft(str(lv.score), lv.label, lv.descriptor, lv.student_wording)
                    for lv in c.levels
                ],
                key_stored=True,
            )
            for c in rubric.criteria
        ],
        source_id=rubric.id,
    )


def copy_draft(rubric: Rubric, *, name: str | None = None) -> RubricDraft:
    """A new rubric that starts as a copy of ``rubric`` (saving it makes a separate rubric)."""
    draft = draft_from_rubric(rubric)
    draft.source_id = None
    draft.name = name if name is not None else f"Copy of {rubric.name}"
    return draft


def suggest_key(name: str, taken: set[str] | None = None) -> str:
    """A criterion key made from its name ("Use of evidence" -> ``use-of-evidence``), not one of
    ``taken``; "" if the name has no letters or digits."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not base:
        return ""
    key, n = base, 2
    while taken and key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


# --- editing ----------------------------------------------------------------------------------


def add_criterion(draft: RubricDraft, *, after: int | None = None) -> int:
    """Insert an empty criterion (with as many levels, scored alike, as the one before it, or
    four) after position ``after`` (at the end if None); returns its position."""
    at = len(draft.criteria) if after is None else min(after + 1, len(draft.criteria))
    model = draft.criteria[at - 1] if at > 0 and draft.criteria else None
    levels = [LevelDraft(lv.score, lv.label) for lv in model.levels] if model else blank_levels()
    draft.criteria.insert(at, CriterionDraft(levels=levels))
    return at


def remove_criterion(draft: RubricDraft, index: int) -> int | None:
    """Remove the criterion at ``index``; returns the position to show next (None if none left)."""
    del draft.criteria[index]
    if not draft.criteria:
        return None
    return min(index, len(draft.criteria) - 1)


def move_criterion(draft: RubricDraft, index: int, step: int) -> int:
    """Move the criterion at ``index`` up (``step`` -1) or down (+1); returns where it is now."""
    target = index + step
    if not 0 <= target < len(draft.criteria):
        return index
    items = draft.criteria
    items[index], items[target] = items[target], items[index]
    return target


def add_level(criterion: CriterionDraft) -> int:
    """Add an empty level at the top of the scale, scored one more than the highest; returns
    its position."""
    scores = [s for s in (_whole(lv.score) for lv in criterion.levels) if s is not None]
    criterion.levels.append(LevelDraft(str(max(scores) + 1 if scores else 1)))
    return len(criterion.levels) - 1


def remove_level(criterion: CriterionDraft, index: int) -> int | None:
    """Remove the level at ``index``; returns the position to show next (None if none left)."""
    del criterion.levels[index]
    if not criterion.levels:
        return None
    return min(index, len(criterion.levels) - 1)


def move_level(criterion: CriterionDraft, index: int, step: int) -> int:
    """Move a level's wording (label, descriptor, student wording) one level up or down; the
    scores stay where they are, so the scale stays in ascending order. Returns the new position."""
    target = index + step
    if not 0 <= target < len(criterion.levels):
        return index
    a, b = criterion.levels[index], criterion.levels[target]
    criterion.levels[index] = LevelDraft(a.score, b.label, b.descriptor, b.student_wording)
    criterion.levels[target] = LevelDraft(b.score, a.label, a.descriptor, a.student_wording)
    return target


# --- checking ---------------------------------------------------------------------------------


def check_draft(draft: RubricDraft) -> list[FieldProblem]:
    """Every problem of the draft, in form order (empty when it can be saved)."""
    problems: list[FieldProblem] = []

    def problem(path: FieldPath, message: str) -> None:
        problems.append(FieldProblem(path, message))

    if not draft.name.strip():
        problem(("name",), "A rubric needs a name.")
    elif bad := name_problem(draft.name.strip()):
        problem(("name",), f"The name {bad}.")
    for part in ("subject", "grade_band"):
        if (value := getattr(draft, part).strip()) and (bad := name_problem(value)):
            problem((part,), f"The {part.replace('_', ' ')} {bad}.")
    if draft.kind is RubricKind.HOLISTIC and len(draft.criteria) != 1:
        problem(
            ("kind",),
            f"A holistic rubric has exactly one criterion; this one has {len(draft.criteria)}.",
        )
    elif not draft.criteria:
        problem(("criteria",), "Add at least one criterion.")
    seen: dict[str, int] = {}
    for i, criterion in enumerate(draft.criteria):
        key = criterion.key.strip()
        if not key:
            problem(("criteria", i, "key"), "Every criterion needs a key (e.g. claim).")
        elif len(key) > NAME_LIMIT:
            problem(("criteria", i, "key"), f"Keep a key to {NAME_LIMIT} characters or fewer.")
        elif not KEY_PATTERN.match(key):
            problem(
                ("criteria", i, "key"),
                "Use only lowercase letters, digits, - and _ in a key (e.g. use-of-evidence).",
            )
        elif key in seen:
            problem(
                ("criteria", i, "key"),
                f"Criterion {seen[key] + 1} already uses the key “{key}”; each key is unique.",
            )
        else:
            seen[key] = i
        if not criterion.name.strip():
            problem(("criteria", i, "name"), "Every criterion needs a name.")
        elif bad := name_problem(criterion.name.strip()):
            problem(("criteria", i, "name"), f"The name {bad}.")
        for part in ("description", "student_wording"):
            if bad := text_problem(getattr(criterion, part)):
                problem(("criteria", i, part), f"The {part.replace('_', ' ')} {bad}.")
        _check_levels(criterion, i, problem)
    return problems


def _check_levels(
    criterion: CriterionDraft, i: int, problem: Callable[[FieldPath, str], None]
) -> None:
    if len(criterion.levels) < 2:
        problem(("criteria", i, "levels"), "A criterion needs at least two levels to tell apart.")
    before: int | None = None
    for j, level in enumerate(criterion.levels):
        path: FieldPath = ("criteria", i, "levels", j)
        score = _whole(level.score)
        if score is None:
            problem((*path, "score"), "A level's score is a whole number, like 3.")
        elif score < 0:
            problem((*path, "score"), "A level's score is 0 or more (e.g. 1 to 4).")
        elif score > SCORE_LIMIT:
            problem((*path, "score"), f"Keep scores between 0 and {SCORE_LIMIT}.")
        elif before is not None and score <= before:
            problem(
                (*path, "score"),
                f"Levels go up in score from first to last: {score} comes after {before}.",
            )
        if score is not None:
            before = score
        if not level.label.strip():
            problem((*path, "label"), "Every level needs a label (e.g. Proficient).")
        if not level.descriptor.strip():
            problem((*path, "descriptor"), "Describe what work at this level shows.")
        for part in ("label", "descriptor", "student_wording"):
            if bad := text_problem(getattr(level, part)):
                problem((*path, part), f"The {part.replace('_', ' ')} {bad}.")


def draft_to_rubric(draft: RubricDraft, *, version: int = 1) -> Rubric:
    """The rubric the draft describes (text trimmed). Raises DraftError if it has a problem."""
    problems = check_draft(draft)
    if problems:
        raise DraftError(problems)
    return Rubric(
        name=draft.name.strip(),
        subject=draft.subject.strip(),
        grade_band=draft.grade_band.strip(),
        kind=draft.kind,
        version=version,
        criteria=tuple(
            Criterion(
                key=c.key.strip(),
                name=c.name.strip(),
                description=c.description.strip(),
                student_wording=c.student_wording.strip(),
                levels=tuple(
                    Level(
                        score=int(lv.score.strip()),
                        label=lv.label.strip(),
                        descriptor=lv.descriptor.strip(),
                        student_wording=lv.student_wording.strip(),
                    )
                    for lv in c.levels
                ),
            )
            for c in draft.criteria
        ),
        id=draft.source_id,
    )


def _whole(text: str) -> int | None:
    text = text.strip()
    # [0-9], not \d: Arabic-Indic and other digits would be read as numbers without a word.
    return int(text) if re.fullmatch(r"[+-]?[0-9]{1,9}", text) else None
