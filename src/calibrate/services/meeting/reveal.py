"""What the reveal shows: the spread of levels on each sample × criterion, a disagreement heat
map, the discussion queue, and the ratings tables the agreement panel is computed on.

Everything here is computed from plain score rows, so the statistics can run in a worker thread
with no database in reach.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from calibrate.domain.model import Consensus, ReferenceScore, Score
from calibrate.domain.ratings import MISSING, Measurement, RatingTable
from calibrate.services.meeting.sessions import MeetingContext


@dataclass(frozen=True)
class ItemSpread:
    """How the raters scored one sample on one criterion."""

    sample_id: int
    criterion_key: str
    levels: dict[int, int]  # rater id -> level
    counts: dict[int, int]  # level -> how many raters chose it (every level of the criterion)
    disagreement: float  # share of rater pairs that chose different levels (0 = all agree)
    spread: int  # highest minus lowest level chosen, in steps
    straddles_cut: bool  # some raters at or above the cut, some below
    consensus: Consensus | None = None
    reference: int | None = None

    @property
    def n(self) -> int:
        return len(self.levels)

    @property
    def median(self) -> float | None:
        return float(np.median(list(self.levels.values()))) if self.levels else None

    @property
    def key_distance(self) -> float:
        """How far the raters' median level is from the master key (0 without a key)."""
        median = self.median
        if self.reference is None or median is None:
            return 0.0
        return abs(median - self.reference)


@dataclass(frozen=True)
class Reveal:
    context: MeetingContext
    round: int
    items: tuple[ItemSpread, ...]  # samples in session order, criteria in rubric order
    # The items this round asked for (a re-score of some items); None: every item. The
    # agreement tables cover only these, so items nobody was asked to re-score do not count.
    asked: frozenset[tuple[int, str]] | None = None

    def only(self, asked: frozenset[tuple[int, str]] | None) -> Reveal:
        """The same scores, with the tables cut to ``asked`` (to compare round 1 with a
        re-score of some items on the same items)."""
        return replace(self, asked=asked)

    def counted(self) -> list[ItemSpread]:
        """The items the agreement tables are computed on."""
        if self.asked is None:
            return list(self.items)
        return [i for i in self.items if (i.sample_id, i.criterion_key) in self.asked]

    def item(self, sample_id: int, criterion_key: str) -> ItemSpread:
        return next(
            i for i in self.items if i.sample_id == sample_id and i.criterion_key == criterion_key
        )

    def discussion_queue(self) -> list[ItemSpread]:
        """Items worth discussing, most first: splits across the cut first, then by disagreement
        and spread, then by how far the team's middle level is from the master key.

        Items where everyone agreed are left out; items already agreed go to the end.
        """
        order = {
            (s.id, c.key): n
            for n, (s, c) in enumerate(
                (s, c) for s in self.context.samples for c in self.context.rubric.criteria
            )
        }
        candidates = [i for i in self.items if i.n >= 2 and i.disagreement > 0]
        return sorted(
            candidates,
            key=lambda i: (
                i.consensus is not None,
                not i.straddles_cut,
                -i.disagreement,
                -i.spread,
                -i.key_distance,
                order[(i.sample_id, i.criterion_key)],
            ),
        )

    def overall_table(self) -> RatingTable:
        """Units are sample × criterion items (each unit's sample is named, so the report counts
        samples, not items); raters are the session's raters."""
        scores = {score for c in self.context.rubric.criteria for score in c.scores}
        items = self.counted()
        table = _table(self.context, items, sorted(scores))
        samples = tuple(str(i.sample_id) for i in items)
        return replace(table, unit_samples=samples)

    def criterion_table(self, criterion_key: str) -> RatingTable:
        """Units are the samples, on one criterion."""
        items = [i for i in self.counted() if i.criterion_key == criterion_key]
        criterion = self.context.rubric.criterion(criterion_key)
        assert criterion is not None
        return _table(self.context, items, sorted(criterion.scores))


def build_reveal(
    context: MeetingContext,
    scores: Iterable[Score],
    *,
    round: int,
    consensus: Iterable[Consensus] = (),
    reference: Iterable[ReferenceScore] = (),
    asked: frozenset[tuple[int, str]] | None = None,
) -> Reveal:
    by_item: dict[tuple[int, str], dict[int, int]] = {}
    for s in scores:
        if s.round == round:
            by_item.setdefault((s.sample_id, s.criterion_key), {})[s.rater_id] = s.level
    agreed = {(c.sample_id, c.criterion_key): c for c in consensus}
    keyed = {(r.sample_id, r.criterion_key): r.level for r in reference}
    cut = context.session.cut_score
    items = []
    for sample in context.samples:
        assert sample.id is not None
        for criterion in context.rubric.criteria:
            levels = by_item.get((sample.id, criterion.key), {})
            scores_list = list(levels.values())
            positions = {score: k for k, score in enumerate(criterion.scores)}
            steps = [positions[v] for v in scores_list if v in positions]
            items.append(
                ItemSpread(
                    sample_id=sample.id,
                    criterion_key=criterion.key,
                    levels=dict(levels),
                    counts={lv: scores_list.count(lv) for lv in criterion.scores},
                    disagreement=_pairwise_disagreement(scores_list),
                    spread=(max(steps) - min(steps)) if steps else 0,
                    straddles_cut=cut is not None
                    and any(v >= cut for v in scores_list)
                    and any(v < cut for v in scores_list),
                    consensus=agreed.get((sample.id, criterion.key)),
                    reference=keyed.get((sample.id, criterion.key)),
                )
            )
    return Reveal(context, round, tuple(items), asked)


def _pairwise_disagreement(levels: list[int]) -> float:
    """The share of pairs of raters who gave different levels (0 with fewer than two).

    Counted from the levels' tallies, not pair by pair: 40 raters make 780 pairs an item."""
    n = len(levels)
    pairs = n * (n - 1) // 2
    if not pairs:
        return 0.0
    agreeing = sum(c * (c - 1) // 2 for c in Counter(levels).values())
    return (pairs - agreeing) / pairs


def _table(context: MeetingContext, items: Iterable[ItemSpread], levels: list[int]) -> RatingTable:
    """A ratings table over the declared levels (unused levels included)."""
    index = {score: k for k, score in enumerate(levels)}
    rater_ids = [r.id for r in context.raters]
    rows = list(items)
    codes = np.full((len(rows), len(rater_ids)), MISSING, dtype=np.int64)
    for i, item in enumerate(rows):
        for j, rid in enumerate(rater_ids):
            if rid in item.levels:
                codes[i, j] = index[item.levels[rid]]
    titles = {s.id: s.title for s in context.samples}
    return RatingTable(
        codes,
        tuple(float(c) for c in levels),
        Measurement.ORDINAL,
        tuple(f"{titles[i.sample_id]} · {i.criterion_key}" for i in rows),
        tuple(r.name for r in context.raters),
    )
