"""The headline for one rubric scale: a few figures and one sentence that reconciles them.

The rule (written out for teachers in docs/agreement-headline.md):

1. Exact agreement (share of pairs of raters who gave the same level) and, for ordered levels,
   agreement within one level, each as a percentage and in words ("about half the time").
2. One chance-corrected coefficient: Krippendorff's alpha at the table's level of measurement
   (ordinal for rubric levels). It handles any number of raters and missing scores, and its
   ordinal metric credits near misses by how many raters used the levels in between.
3. One sentence that puts them together: "You agree within one level almost always (98%),
   exactly about half the time (54%); allowing for chance, agreement is good (Krippendorff's
   alpha 0.70)." Then what that is enough for, and how wide the margin of error is.

When the figures cannot be read (no scores, one rater, one sample, every score the same level)
the headline says why in words and gives no coefficient: never NaN, 0 or 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from calibrate.domain.ratings import RatingTable
from calibrate.services.agreement.left_out import LeftOut, left_out_sentence
from calibrate.stats.report import AgreementReport
from calibrate.stats.result import AgreementResult

#: How often, in words: (lowest share, words), checked from the top.
FREQUENCY: tuple[tuple[float, str], ...] = (
    (0.90, "almost always"),
    (0.75, "most of the time"),
    (0.60, "more often than not"),
    (0.40, "about half the time"),
    (0.25, "less than half the time"),
    (0.10, "rarely"),
    (0.0, "hardly ever"),
)

#: Krippendorff's alpha in words: (lowest value, words), checked from the top. The two upper
#: bounds are Krippendorff's own (2004, Content Analysis, 2nd ed., p. 241).
ALPHA_WORDS: tuple[tuple[float, str], ...] = (
    (0.800, "high"),
    (0.667, "good"),
    (0.400, "moderate"),
    (0.200, "weak"),
    (0.000, "slight"),
)
TENTATIVE = 0.667
RELY = 0.800
#: An alpha interval wider than this is called wide.
WIDE = 0.40

ALPHA_LABEL = "Krippendorff's alpha"


def how_often(share: float) -> str:
    """``almost always``, ``about half the time``…; ``always`` and ``never`` only when exact."""
    if share >= 1.0 - 1e-9:
        return "always"
    if share <= 1e-9:
        return "never"
    return next(words for low, words in FREQUENCY if share >= low - 1e-12)


def alpha_words(alpha: float) -> str:
    if alpha < 0:
        return "worse than chance"
    return next(words for low, words in ALPHA_WORDS if alpha >= low - 1e-12)


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class Headline:
    """What a teacher reads first about one scale (or the pooled criteria)."""

    scope: str  # "Claim", "All criteria pooled", a file name
    sentence: str  # the reconciling sentence, or why there are no figures
    figures: tuple[str, ...] = ()  # "Exact agreement: 54% of pairs of raters"…
    meaning: str = ""  # what the chance-corrected figure is enough for
    margin: str = ""  # how sure we can be
    left_out: tuple[LeftOut, ...] = field(default=())
    defined: bool = True  # False: no figures could be read, ``sentence`` says why

    def left_out_line(self, *, named: bool = True) -> str:
        return left_out_sentence(self.left_out, named=named)

    def as_json(self, *, named: bool = True) -> dict[str, object]:
        """The sentences; ``named=False`` counts the raters left out instead of naming them."""
        return {
            "sentence": self.sentence,
            "meaning": self.meaning,
            "margin": self.margin,
            "left_out": self.left_out_line(named=named),
        }

    def text_lines(self, *, named: bool = True, figures: bool = False) -> list[str]:
        """The headline as lines of text: figures, sentence, meaning and margin, left-out."""
        out = list(self.figures) if figures else []
        out.append(self.sentence)
        out += [s for s in (self.meaning, self.margin) if s]
        left = self.left_out_line(named=named)
        if left:
            out.append(left)
        return out


def headline(
    report: AgreementReport,
    table: RatingTable,
    *,
    scope: str,
    unit_word: str = "sample",
    left_out: Sequence[LeftOut] = (),
) -> Headline:
    """The headline of ``report``, which was computed on ``table`` (after leaving raters out).

    ``unit_word`` names the table's units in sentences ("sample", "item", "unit").
    """
    left = tuple(left_out)
    why = _why_undefined(report, table, unit_word)
    if why is not None:
        return Headline(scope, why, left_out=left, defined=False)
    exact = report.results["percent_exact"]
    adjacent = report.results["percent_adjacent"] if table.level.ordered else None
    alpha = report.results["krippendorff_alpha"]
    assert exact.statistic is not None
    if exact.n_units < 2:
        return Headline(
            scope, _one_unit(exact, table, unit_word), _figures(exact, adjacent, None), "", "", left
        )
    if alpha.statistic is None:
        sentence = _agreement_words(exact, adjacent) + "."
        meaning = f"Allowing for chance cannot be judged: {alpha.reason}"
        return Headline(scope, sentence, _figures(exact, adjacent, alpha), meaning, "", left)
    sentence = (
        f"{_agreement_words(exact, adjacent)}; allowing for chance, agreement is "
        f"{alpha_words(alpha.statistic)} ({ALPHA_LABEL} {alpha.statistic:.2f})."
    )
    return Headline(
        scope,
        sentence,
        _figures(exact, adjacent, alpha),
        _meaning(alpha.statistic),
        _margin(alpha, unit_word),
        left,
    )


def _why_undefined(report: AgreementReport, table: RatingTable, unit_word: str) -> str | None:
    """Why no figure can be read at all, or None when there is something to read."""
    if table.n_ratings == 0:
        return "Nobody has scored yet, so there is nothing to compare."
    present = table.present
    scorers = [table.rater_ids[j] for j in range(table.n_raters) if present[:, j].any()]
    if len(scorers) < 2:
        return (
            f"Only {scorers[0]} has scored, and agreement needs at least two raters: "
            "there is nothing to compare yet."
        )
    if report.results["percent_exact"].statistic is None:
        return (
            f"No {unit_word} was scored by two or more raters, so there is nothing to compare yet."
        )
    pairable = present.sum(axis=1) >= 2
    used = np.unique(table.codes[pairable][present[pairable]])
    if used.size == 1:
        level = table.categories[int(used[0])]
        shown = int(level) if isinstance(level, float) and level.is_integer() else level
        return (
            f"Everyone gave every {unit_word} the same level ({shown}). With no variation, "
            "agreement cannot be told apart from chance, so no figure says more than that: "
            f"include {unit_word}s of different quality."
        )
    return None


def _agreement_words(exact: AgreementResult, adjacent: AgreementResult | None) -> str:
    assert exact.statistic is not None
    e = exact.statistic
    if adjacent is None or adjacent.statistic is None:
        return f"You gave exactly the same level {how_often(e)} ({_pct(e)})"
    a = adjacent.statistic
    if e >= 1.0 - 1e-9:
        return f"You always gave exactly the same level ({_pct(e)})"
    return (
        f"You agree within one level {how_often(a)} ({_pct(a)}), exactly {how_often(e)} ({_pct(e)})"
    )


def _one_unit(exact: AgreementResult, table: RatingTable, unit_word: str) -> str:
    """One sample scored by several raters: the count, and why it says nothing in general."""
    assert exact.statistic is not None
    present = table.present
    row = int(np.flatnonzero(present.sum(axis=1) >= 2)[0])
    m = int(present[row].sum())
    pairs = m * (m - 1) // 2
    agreeing = round(exact.statistic * pairs)
    return (
        f"Only one {unit_word} was scored by two or more raters: on it, {agreeing} of "
        f"{_count(pairs, 'pair')} of raters gave the same level. One {unit_word} cannot show "
        f"how well you agree in general, or beyond chance: score more {unit_word}s."
    )


def _figures(
    exact: AgreementResult, adjacent: AgreementResult | None, alpha: AgreementResult | None
) -> tuple[str, ...]:
    assert exact.statistic is not None
    out = [f"Exact agreement: {_pct(exact.statistic)} of pairs of raters"]
    if adjacent is not None and adjacent.statistic is not None:
        out.append(f"Within one level: {_pct(adjacent.statistic)} of pairs")
    if alpha is not None:
        value = "not available" if alpha.statistic is None else f"{alpha.statistic:.2f}"
        out.append(f"Allowing for chance ({ALPHA_LABEL}): {value}")
    return tuple(out)


def _meaning(alpha: float) -> str:
    if alpha >= RELY:
        return f"That is above the {RELY:.3f} Krippendorff asks for before relying on scores."
    if alpha >= TENTATIVE:
        return (
            f"That is enough for tentative conclusions, short of the {RELY:.3f} Krippendorff "
            "asks for before relying on scores."
        )
    return (
        f"That is short of the {TENTATIVE:.3f} Krippendorff asks for before drawing even "
        "tentative conclusions."
    )


def _margin(alpha: AgreementResult, unit_word: str) -> str:
    ci = alpha.confidence_interval()
    if ci is None:
        return f"There is no margin of error for alpha: {alpha.reason}" if alpha.reason else ""
    spread = f"{ci.low:.2f} ({alpha_words(ci.low)}) to {ci.high:.2f} ({alpha_words(ci.high)})"
    if ci.high - ci.low > WIDE:
        return (
            f"With {_count(alpha.n_units, unit_word)}, alpha could still be anywhere from {spread}."
        )
    return f"Alpha's 95% interval runs from {spread}."
