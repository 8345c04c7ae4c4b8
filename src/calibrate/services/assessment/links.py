"""Linking a test's learning targets to rubric criteria in the app: which criteria can be
chosen, how a link reads, and a blueprint with the links set.

A learning target may belong to a rubric criterion (a test's "subtract with regrouping" is the
subtraction rubric's "accuracy"): a contract on a gap there then shows that criterion's approved
anchors at the level that shows success (the criterion's top level unless one is chosen).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from calibrate.domain.assessment import Blueprint, CriterionLink
from calibrate.domain.model import Criterion, Rubric
from calibrate.storage.store import Store


@dataclass(frozen=True)
class LinkChoice:
    """A rubric criterion a target can belong to (the newest version of its rubric)."""

    rubric: Rubric
    criterion: Criterion

    @property
    def label(self) -> str:
        return f"{self.rubric.name} · {self.criterion.name}"

    def link(self, level: int | None = None) -> CriterionLink:
        return CriterionLink(self.rubric.name, self.criterion.key, level, self.rubric.id)


def link_choices(store: Store) -> list[LinkChoice]:
    """Every criterion of every rubric a team scores with (newest versions, by name), not the
    learning targets of a test."""
    targets = store.target_rubric_families()
    return [
        LinkChoice(rubric, criterion)
        for rubric in store.list_rubrics()
        if rubric.family_id not in targets
        for criterion in rubric.criteria
    ]


def link_text(link: CriterionLink | None, store: Store | None = None) -> str:
    """``"Grade 5 multi-digit subtraction · accuracy, level 3"``, or "no rubric criterion"."""
    if link is None:
        return "no rubric criterion"
    name = link.criterion_key
    if store is not None and link.rubric_id is not None:
        criterion = store.get_rubric(link.rubric_id).criterion(link.criterion_key)
        name = criterion.name if criterion else name
    level = "its top level" if link.level is None else f"level {link.level}"
    return f"{link.rubric_name} · {name}, {level}"


def with_links(blueprint: Blueprint, links: Mapping[str, CriterionLink | None]) -> Blueprint:
    """The blueprint with each target's link from ``links`` (targets not named keep theirs)."""
    return dataclasses.replace(
        blueprint,
        targets=tuple(
            dataclasses.replace(t, criterion=links[t.key]) if t.key in links else t
            for t in blueprint.targets
        ),
    )
