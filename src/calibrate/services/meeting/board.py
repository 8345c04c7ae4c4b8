"""What the facilitator's screens show: the live progress board and the reveal's words.

The board holds *counts only* (how many criteria each rater has scored on each sample), so it is
safe to show while a session is blind. The reveal helpers turn an :class:`ItemSpread` into the
short texts and bands the heat map, the spread bars and the discussion queue display.
Plain data in and out; no Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from calibrate.domain.model import Criterion, ReferenceScore
from calibrate.domain.ratings import RatingTable
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.reveal import ItemSpread, Reveal, build_reveal
from calibrate.services.meeting.sessions import MeetingContext
from calibrate.storage.store import Store

if TYPE_CHECKING:  # the statistics load scipy: imported where they run, not at start-up
    from calibrate.stats.report import AgreementReport

# --------------------------------------------------------------------------- the board


@dataclass(frozen=True)
class Board:
    """Who has scored how much of each sample in the current round. No score values."""

    context: MeetingContext
    round: int
    scored: dict[tuple[int, int], int]  # (rater id, sample id) -> criteria scored

    @property
    def n_criteria(self) -> int:
        return len(self.context.rubric.criteria)

    def done(self, rater_id: int, sample_id: int) -> int:
        return self.scored.get((rater_id, sample_id), 0)

    def asked(self, sample_id: int) -> int:
        """Criteria of this sample the round asks for (fewer in a re-score of some items)."""
        return self.context.criteria_in_round(sample_id)

    def cell(self, rater_id: int, sample_id: int) -> str:
        """``✓`` finished, ``3/5`` partly scored, ``·`` not started, ``—`` not in this
        re-score round."""
        done, asked = self.done(rater_id, sample_id), self.asked(sample_id)
        if not asked:
            return "—"
        if done >= asked:
            return "✓"
        if done == 0:
            return "·"
        return f"{done}/{asked}"

    def rater_scored(self, rater_id: int) -> int:
        return sum(v for (r, _), v in self.scored.items() if r == rater_id)

    def rater_finished(self, rater_id: int) -> bool:
        return self.context.n_items > 0 and self.rater_scored(rater_id) >= self.context.n_items

    def rater_total(self, rater_id: int) -> str:
        scored = self.rater_scored(rater_id)
        mark = "✓ " if self.rater_finished(rater_id) else ""
        return f"{mark}{scored}/{self.context.n_items}"

    def sample_finished(self, sample_id: int) -> int:
        """How many raters have scored every criterion of this sample."""
        return sum(
            1 for r in self.context.raters if r.id is not None and self.cell(r.id, sample_id) == "✓"
        )

    @property
    def expected(self) -> int:
        return self.context.n_items * len(self.context.raters)

    @property
    def missing(self) -> int:
        """Scores not yet given in this round, over every rater."""
        return self.expected - sum(self.scored.values())

    @property
    def raters_finished(self) -> int:
        return sum(1 for r in self.context.raters if r.id is not None and self.rater_finished(r.id))

    @property
    def everyone_finished(self) -> bool:
        return bool(self.context.raters) and self.raters_finished == len(self.context.raters)

    def status(self) -> str:
        """One line for the facilitator: who is done and what is missing."""
        n = len(self.context.raters)
        if self.everyone_finished:
            return f"Everyone has finished: all {n} raters scored every item. Press r to reveal."
        return (
            f"{self.raters_finished} of {n} raters have finished · "
            f"{_plural(self.missing, 'score')} still missing in round {self.round}"
        )

    @property
    def nothing_scored(self) -> bool:
        return not any(self.scored.values())

    def nothing_to_reveal(self) -> str | None:
        """Why there is nothing to reveal yet (None: there is)."""
        if not self.nothing_scored:
            return None
        return (
            f"There is nothing to reveal yet: nobody has scored round {self.round}. "
            "Raters score first (s on Home, or their own tab in a served meeting)."
        )

    def reveal_question(self) -> str:
        """What the facilitator is asked before revealing."""
        if self.everyone_finished:
            return "Everyone has finished. Reveal the scores to the team now?"
        waiting = len(self.context.raters) - self.raters_finished
        return (
            f"{_plural(waiting, 'rater')} {'has' if waiting == 1 else 'have'} not finished: "
            f"{_plural(self.missing, 'score is', 'scores are')} missing. Reveal anyway? "
            "Missing scores are left out of the figures, and nobody can score this round "
            "after the reveal."
        )


def board(store: Store, session_id: int) -> Board:
    """The progress board of a session's current round (counts only, safe while blind)."""
    context = meeting.load_context(store, session_id)
    round_ = context.session.round
    scored: dict[tuple[int, int], int] = {}
    for score in store.scores(session_id, round=round_):
        key = (score.rater_id, score.sample_id)
        scored[key] = scored.get(key, 0) + 1
    return Board(context, round_, scored)


# --------------------------------------------------------------------------- the reveal


def load_reveal(store: Store, session_id: int, *, round: int | None = None) -> Reveal:
    """The reveal of a round (the current one by default), with consensus and master key.

    Raises InvalidOperationError while a blind session is still being scored.
    """
    context = meeting.load_context(store, session_id)
    round_ = round or context.session.round
    scores = meeting.revealed_scores(store, session_id, round=round_)
    return build_reveal(
        context,
        scores,
        round=round_,
        consensus=store.consensus_for(session_id),
        reference=_reference_for(store, context),
        asked=store.round_items(session_id, round_),
    )


def _reference_for(store: Store, context: MeetingContext) -> list[ReferenceScore]:
    """Master-key scores of this session's samples that apply to its rubric (any version)."""
    return store.reference_scores(context.session.sample_ids, rubric_id=context.session.rubric_id)


class Band(StrEnum):
    """How far the raters are apart on one item; the heat map's colour *and* its words."""

    NONE = "not scored"
    AGREE = "all agree"
    SOME = "most agree"  # a majority chose the same level, some differ
    SPLIT = "no clear majority"  # at most half of the raters chose the most common level


def band(item: ItemSpread) -> Band:
    """Bands read the same for 2 or 40 raters: is there a majority level, and is it everyone?"""
    if item.n == 0:
        return Band.NONE
    if item.disagreement == 0:
        return Band.AGREE
    return Band.SOME if 2 * differ_count(item) < item.n else Band.SPLIT


def count_width(n_raters: int) -> int:
    """Characters one level's count takes in a heat-map cell."""
    return max(1, len(str(n_raters)))


def level_header(criterion: Criterion, n_raters: int) -> str:
    """The levels in the order the heat-map cell lists their counts, e.g. ``1 2 3 4``."""
    width = count_width(n_raters)
    return " ".join(str(score).rjust(width) for score in criterion.scores)


def cell_text(item: ItemSpread, criterion: Criterion, n_raters: int) -> str:
    """The item's spread in a few characters: the count at each level (``·`` for none), then
    ``!`` if it splits at the cut and ``✓`` once the team agreed a level.

    For example ``2 3 1 · !`` is two raters at level 1, three at 2, one at 3, split at the cut.
    """
    width = count_width(n_raters)
    if item.n == 0:
        counts = "—".center(len(level_header(criterion, n_raters)))
    else:
        counts = " ".join(
            (str(item.counts.get(s, 0)) if item.counts.get(s, 0) else "·").rjust(width)
            for s in criterion.scores
        )
    marks = ("!" if item.straddles_cut else " ") + ("✓" if item.consensus is not None else " ")
    return f"{counts} {marks}"


def differ_count(item: ItemSpread) -> int:
    """Raters who chose another level than the most common one."""
    return item.n - max(item.counts.values(), default=0) if item.n else 0


def disagreement_text(item: ItemSpread) -> str:
    """``4 of 6 differ`` style: how many raters are away from the most common level."""
    if item.n == 0:
        return "nobody scored this"
    if item.n == 1:
        return "only one rater scored this"
    differ = differ_count(item)
    if differ == 0:
        return f"all {item.n} agree"
    return f"{differ} of {item.n} differ from the most common level"


def why_text(item: ItemSpread, cut: int | None) -> str:
    """Why an item is in the discussion queue, in a few words."""
    parts = []
    if item.consensus is not None:
        parts.append(f"agreed {item.consensus.level} ✓")
    if item.straddles_cut and cut is not None:
        parts.append("split at the cut")
    parts.append(f"{differ_count(item)} of {item.n} differ")
    if item.spread and len(parts) < 2:
        parts.append(f"spread {item.spread}")
    return " · ".join(parts)


@dataclass(frozen=True)
class Bar:
    """One rubric level in the spread bars."""

    score: int
    label: str
    count: int
    master_key: bool
    agreed: bool
    meets_cut: bool


def bars(item: ItemSpread, criterion: Criterion, cut: int | None) -> list[Bar]:
    """One bar per level of the criterion, highest level first."""
    out = [
        Bar(
            score=level.score,
            label=level.label,
            count=item.counts.get(level.score, 0),
            master_key=item.reference == level.score,
            agreed=item.consensus is not None and item.consensus.level == level.score,
            meets_cut=cut is not None and level.score >= cut,
        )
        for level in criterion.levels
    ]
    return sorted(out, key=lambda b: b.score, reverse=True)


def chance_corrected_name(report: AgreementReport) -> str:
    """The headline's chance-corrected coefficient: Krippendorff's alpha, whatever the number of
    raters (docs/agreement-headline.md), so a round's change speaks of the figure the headline
    reads."""
    return "krippendorff_alpha"


def same_raters(first: RatingTable, current: RatingTable) -> tuple[RatingTable, RatingTable]:
    """Both rounds' tables cut to the raters who scored in both, so a comparison between
    rounds compares the same people (not six raters' round 1 with two raters' round 2)."""
    both = [
        j
        for j in range(current.n_raters)
        if first.present[:, j].any() and current.present[:, j].any()
    ]
    return first.select_raters(both), current.select_raters(both)


def round_changes(
    first: AgreementReport, current: AgreementReport, round: int, *, everyone: bool = True
) -> list[str]:
    """How agreement moved since round 1, e.g. ``Exact agreement 54% → 71%``.

    Both reports must be on the same raters (see :func:`same_raters`); ``everyone=False``
    says so in the heading when that is only some of the session's raters.
    """
    from calibrate.services.agreement.text import format_value
    from calibrate.stats.report import LABELS

    lines = [
        f"Exact agreement {format_value(first.results['percent_exact'])} → "
        f"{format_value(current.results['percent_exact'])}"
    ]
    name = chance_corrected_name(current)
    if name in first.results:
        lines.append(
            f"{LABELS[name]} {format_value(first.results[name])} → "
            f"{format_value(current.results[name])}"
        )
    who = "" if everyone else f" (the {current.n_raters} raters who scored both)"
    return [f"Round 1 → round {round}{who}:", *(f"  {line}" for line in lines)]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
