"""The anchors a learning contract carries: for each target, the approved anchors of its
criterion × target level, quoted as a student reads them (the sample's opening, the annotation,
the level in the rubric's student wording).

A target that is a test's learning target (the contract's rubric is the test's targets on their
proficiency scale) carries, at the secure level, the approved anchors of the rubric criterion the
learning target belongs to, at the level that shows success (:func:`success_anchors`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from calibrate.domain.assessment import SECURE_LEVEL
from calibrate.domain.contracts import Target
from calibrate.domain.model import Anchor, AnchorStatus, Criterion, Level, Rubric, Sample
from calibrate.storage.store import Store

EXCERPT_CHARS = 360


@dataclass(frozen=True)
class AnchorQuote:
    """An anchor as a contract quotes it: what success looks like at the target level."""

    anchor: Anchor
    sample: Sample
    criterion: Criterion
    level: Level
    excerpt: str  # the opening of the sample, shortened

    @property
    def id(self) -> int:
        assert self.anchor.id is not None
        return self.anchor.id

    @property
    def student_wording(self) -> str:
        """The level in the rubric's words for students (its descriptor if it has none)."""
        return self.level.student_wording or self.level.descriptor


def matching_anchors(
    store: Store, rubric_id: int, criterion_key: str, level: int
) -> tuple[AnchorQuote, ...]:
    """The approved anchors of one criterion × level of a rubric version, quoted; for a test's
    learning target, its :func:`success_anchors`."""
    rubric = store.get_rubric(rubric_id)
    own = tuple(
        quote_anchor(store, rubric, a)
        for a in store.anchors(rubric_id=rubric_id, status=AnchorStatus.APPROVED)
        if a.criterion_key == criterion_key and a.level == level
    )
    return own or success_anchors(store, rubric_id, criterion_key, level)


def success_anchors(
    store: Store, rubric_id: int, target_key: str, level: int
) -> tuple[AnchorQuote, ...]:
    """What success looks like on a test's learning target: when ``rubric_id`` is a test's
    targets and ``level`` the secure level, the approved anchors of the rubric criterion the
    target ``target_key`` belongs to, at the level that shows success (the criterion's top level
    unless the test says). Empty otherwise."""
    if level != SECURE_LEVEL:
        return ()
    blueprint = store.assessment_for_rubric(rubric_id)
    target = None if blueprint is None else blueprint.target(target_key)
    link = None if target is None else target.criterion
    if link is None or link.rubric_id is None:
        return ()
    linked = store.get_rubric(link.rubric_id)
    criterion = linked.criterion(link.criterion_key)
    if criterion is None or not criterion.scores:
        return ()
    success = max(criterion.scores) if link.level is None else link.level
    return tuple(
        quote_anchor(store, linked, a)
        for a in store.anchors(rubric_id=linked.id, status=AnchorStatus.APPROVED)
        if a.criterion_key == criterion.key and a.level == success
    )


def learning_target_anchors(store: Store, rubric_id: int) -> dict[str, tuple[AnchorQuote, ...]]:
    """For each learning target of the test whose targets are ``rubric_id``: its
    :func:`success_anchors` (empty when ``rubric_id`` is not a test's targets)."""
    blueprint = store.assessment_for_rubric(rubric_id)
    if blueprint is None:
        return {}
    return {
        t.key: quotes
        for t in blueprint.targets
        if (quotes := success_anchors(store, rubric_id, t.key, SECURE_LEVEL))
    }


def contract_anchors(
    store: Store, rubric_id: int
) -> tuple[dict[int, Anchor], dict[str, frozenset[int]]]:
    """What a contract on ``rubric_id`` may carry, for the checks: the rubric version's anchors
    by id, with those its learning targets (if it is a test's) carry from their rubric criteria;
    and those, by target."""
    anchors = {a.id: a for a in store.anchors(rubric_id=rubric_id) if a.id is not None}
    borrowed = learning_target_anchors(store, rubric_id)
    for quotes in borrowed.values():
        anchors.update({q.id: q.anchor for q in quotes})
    return anchors, {key: frozenset(q.id for q in quotes) for key, quotes in borrowed.items()}


def quote_anchor(store: Store, rubric: Rubric, anchor: Anchor) -> AnchorQuote:
    """An anchor with its sample, criterion, level and an excerpt of the sample. ``rubric`` is
    the anchor's rubric version (another one is looked up: a learning target's anchors belong to
    the rubric of its criterion)."""
    if anchor.rubric_id != rubric.id:
        rubric = store.get_rubric(anchor.rubric_id)
    criterion = rubric.criterion(anchor.criterion_key)
    level = None if criterion is None else criterion.level(anchor.level)
    assert criterion is not None and level is not None  # the store checks anchors' levels
    sample = store.get_sample(anchor.sample_id)
    return AnchorQuote(anchor, sample, criterion, level, excerpt(sample.body))


def attach_anchors(
    store: Store, rubric_id: int, targets: tuple[Target, ...]
) -> tuple[tuple[Target, ...], dict[str, tuple[AnchorQuote, ...]]]:
    """Each target with the approved anchors of its criterion × target level attached, and
    those anchors quoted, by criterion."""
    quotes = {
        t.criterion_key: matching_anchors(store, rubric_id, t.criterion_key, t.target_level)
        for t in targets
    }
    attached = tuple(
        replace(t, anchor_ids=tuple(q.id for q in quotes[t.criterion_key])) for t in targets
    )
    return attached, quotes


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    """The opening of a Markdown sample in plain text: headings skipped, paragraphs joined,
    cut at a word boundary with "…" after about ``limit`` characters."""
    paragraphs: list[str] = []
    lines: list[str] = []
    for raw in [*body.splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#"):
            continue
        if line:
            lines.append(line.removesuffix("\\").strip())
        elif lines:
            paragraphs.append(" ".join(lines))
            lines = []
    text = " ".join(paragraphs)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut} …"
