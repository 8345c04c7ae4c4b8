"""The words a new contract starts with: a target's "how we will know" and the first sequence
of activities. Both are suggestions the teacher edits; while they are left as suggested they
follow the targets (another criterion or level rewords them), and once edited they are kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from calibrate.domain.contracts import Activity, Stage
from calibrate.domain.model import Rubric


class Aim(Protocol):
    """A target as far as the wording needs it (a stored Target or one still in the form)."""

    @property
    def criterion_key(self) -> str | None: ...

    @property
    def anchor_ids(self) -> tuple[int, ...]: ...


def suggested_indicator(rubric: Rubric, criterion_key: str | None, level: int | None) -> str:
    """ "Evidence at level 3 (Proficient) in each of my next three pieces of work." ("" while
    the criterion or level is not chosen)."""
    criterion = rubric.criterion(criterion_key) if criterion_key else None
    chosen = criterion.level(level) if criterion is not None and level is not None else None
    if criterion is None or chosen is None:
        return ""
    return (
        f"{criterion.name} at level {chosen.score} ({chosen.label}) in each of my next three "
        "pieces of work."
    )


def default_activities(rubric: Rubric, targets: Sequence[Aim]) -> tuple[Activity, ...]:
    """A first sequence to edit: warm-up, guided practice, independent application and
    reflective evaluation, worded around the targets' criteria. It speaks of "the anchor" only
    when a target carries one; otherwise of the rubric's words for the level."""
    names = [
        c.name for t in targets if t.criterion_key and (c := rubric.criterion(t.criterion_key))
    ]
    focus = " and ".join(names) or "the target"
    if any(t.anchor_ids for t in targets):
        model = "the anchor"
        read = f"Read the anchor for {focus} and mark what makes it work."
        compare = "the anchor and the rubric's words"
    else:
        model = "the rubric's words for my target level"
        read = f"Read {model} for {focus} and find where my work already does it."
        compare = model
    return (
        Activity(Stage.WARM_UP, read),
        Activity(
            Stage.GUIDED_PRACTICE,
            f"Practise {focus} on a short piece with my teacher, using {model} as a model.",
        ),
        Activity(Stage.INDEPENDENT_APPLICATION, f"Use {focus} in my next piece of work."),
        Activity(
            Stage.REFLECTIVE_EVALUATION,
            f"Compare my work with {compare}; note what worked and what to do next.",
        ),
    )
