"""Raters left out of the agreement figures, and why.

A rater who gave no scores at all adds only empty cells: kept in the table, they make every
coefficient that needs the same raters on every unit (ICC, Kendall's W, "all raters agreed")
read "Not available". They are always left out, by name. On request (``partial=True``) raters
who scored only some of the units are left out too, so that those coefficients can be computed
on the raters who scored everything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from calibrate.domain.ratings import RatingTable


@dataclass(frozen=True)
class LeftOut:
    """One rater left out of the figures, with the reason in plain words."""

    name: str
    why: str  # "gave no scores", "scored 5 of 8 samples"

    def __str__(self) -> str:
        return f"{self.name} ({self.why})"


def leave_out_raters(
    table: RatingTable, *, partial: bool = False, unit_word: str = "units"
) -> tuple[RatingTable, tuple[LeftOut, ...]]:
    """``table`` without the raters who gave no scores (and, with ``partial``, without those who
    scored only some units), and who was left out. ``unit_word`` names the units in the reason
    ("samples", "items").

    With ``partial``, a rater is kept if they scored every unit; if that would leave fewer than
    two raters, the partial raters are kept (and only the raters with no scores are left out),
    because figures on one rater say nothing.
    """
    scored = np.asarray(table.present.sum(axis=0), dtype=np.int64)
    n = table.n_units
    absent = [j for j in range(table.n_raters) if scored[j] == 0]
    partial_raters = [j for j in range(table.n_raters) if 0 < scored[j] < n] if partial else []
    complete = table.n_raters - len(absent) - len(partial_raters)
    if partial_raters and complete < 2:
        partial_raters = []
    dropped = set(absent) | set(partial_raters)
    if not dropped:
        return table, ()
    left_out = [
        LeftOut(
            table.rater_ids[j],
            "gave no scores" if scored[j] == 0 else f"scored {scored[j]} of {n} {unit_word}",
        )
        for j in range(table.n_raters)
        if j in dropped
    ]
    keep = [j for j in range(table.n_raters) if j not in dropped]
    return table.select_raters(keep), tuple(left_out)


def left_out_sentence(left_out: Sequence[LeftOut], *, named: bool = True) -> str:
    """``Left out: Erik (gave no scores).`` ('' when nobody was left out).

    ``named=False`` counts the raters instead of naming them, for the team's report, which names
    no rater: ``Left out of the figures: 1 rater who gave no scores.``, ``… 2 raters who gave
    no scores and 1 rater who scored 39 of 40 items.``
    """
    if not left_out:
        return ""
    if named:
        return "Left out: " + join_words([str(r) for r in left_out]) + "."
    reasons = Counter(r.why for r in left_out)
    parts = [f"{n} {'rater' if n == 1 else 'raters'} who {why}" for why, n in reasons.items()]
    return "Left out of the figures: " + join_words(parts) + "."


def join_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
