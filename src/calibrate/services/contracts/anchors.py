"""The anchors a learning contract carries: for each target, the approved anchors of its
criterion × target level, quoted as a student reads them (the sample's opening, the annotation,
the level in the rubric's student wording)."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    """The approved anchors of one criterion × level of a rubric version, quoted."""
    rubric = store.get_rubric(rubric_id)
    return tuple(
        quote_anchor(store, rubric, a)
        for a in store.anchors(rubric_id=rubric_id, status=AnchorStatus.APPROVED)
        if a.criterion_key == criterion_key and a.level == level
    )


def quote_anchor(store: Store, rubric: Rubric, anchor: Anchor) -> AnchorQuote:
    """An anchor of ``rubric`` with its sample, criterion, level and an excerpt of the sample."""
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
