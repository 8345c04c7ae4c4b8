"""Rater effects: how one rater's scores lean, spread and change, with honest uncertainty.

Pure numpy/scipy; every figure is an :class:`Estimate` or :class:`DriftTest` that either carries
a value or says in plain words why it has none (never a silent NaN).

- **Severity / leniency** (:func:`severity`): the mean signed deviation from a reference (the
  master key or the team's consensus) in rubric *steps*; positive = lenient. The interval is
  Student's t on ``n - 1`` degrees of freedom, ``mean ± t(0.975, n-1) · s / sqrt(n)``. Scores of
  one session are treated as independent, which they are not quite (the same essay is scored on
  several criteria), so the interval is on the optimistic side.
- **Central tendency** (:func:`central_tendency`): a rater whose levels spread less than the
  other raters' on the same work and who avoids the top and bottom levels. These are the two
  descriptive signs of central tendency / restriction of range described by Myford & Wolfe
  (2004, J. Applied Measurement 5:189-227): the rater's standard deviation and the share of
  ratings in the middle categories, compared with the other raters.
- **Level use** (:func:`level_use`): each level's share of the rater's scores against its share
  of the other raters' scores on the same work.
- **Wilson bound** (:func:`wilson_lower_bound`): the lower end of the Wilson (1927) score
  interval, as recommended by Newcombe (1998, Stat. Med. 17:857-872, method 3).
- **Drift** (:func:`welch_test`, :func:`two_proportion_z_test`, in :mod:`calibrate.stats.drift`
  and re-exported here): Welch's t test on signed deviations, a pooled two-proportion z test on
  the share of exact matches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from calibrate.domain.ratings import MISSING, RatingTable
from calibrate.stats.distributions import normal_quantile, t_quantile
from calibrate.stats.drift import ALPHA, DriftTest, two_proportion_z_test, welch_test
from calibrate.stats.percent import wilson_interval

__all__ = [
    "ALPHA",
    "CentralTendency",
    "DriftTest",
    "Estimate",
    "Lean",
    "LevelUse",
    "central_tendency",
    "lean_of",
    "level_use",
    "missing_estimate",
    "proportion",
    "severity",
    "two_proportion_z_test",
    "welch_test",
    "wilson_lower_bound",
]

#: A rater whose spread is at most this share of the other raters' spread is "narrow".
NARROW_SPREAD = 0.80
#: A level used this much more (or less) often than by the others is flagged as over/under-used.
LEVEL_USE_GAP = 0.20


def _z(confidence_level: float) -> float:
    return normal_quantile(0.5 + confidence_level / 2.0)


def _finite(*values: float | None) -> None:
    for v in values:
        if v is not None and not math.isfinite(v):
            raise ValueError(f"{v} is not finite; an undefined figure needs a reason instead")


@dataclass(frozen=True)
class Estimate:
    """One figure about one rater: a value with an interval, or a reason why there is none."""

    name: str
    statistic: float | None
    n: int
    ci_low: float | None = None
    ci_high: float | None = None
    standard_error: float | None = None
    reason: str | None = None
    reading: str = ""
    confidence_level: float = 0.95
    method: str = ""

    def __post_init__(self) -> None:
        _finite(self.statistic, self.ci_low, self.ci_high, self.standard_error)
        if self.statistic is None and not self.reason:
            raise ValueError(f"{self.name}: an undefined figure must say why")

    @property
    def defined(self) -> bool:
        return self.statistic is not None

    def confidence_interval(self) -> tuple[float, float] | None:
        if self.ci_low is None or self.ci_high is None:
            return None
        return (self.ci_low, self.ci_high)

    def as_json(self) -> dict[str, float | int | str | None]:
        return {
            "value": self.statistic,
            "n": self.n,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "reason": self.reason,
            "reading": self.reading,
        }


def missing_estimate(name: str, reason: str, *, n: int = 0) -> Estimate:
    """A figure the data cannot support, with the reason in plain words."""
    return Estimate(name, None, n, reason=reason, reading=f"Not available: {reason}")


# ----------------------------------------------------------------- proportions and Wilson
def wilson_lower_bound(successes: int, n: int, *, confidence_level: float = 0.95) -> float:
    """Lower end of the two-sided Wilson score interval for ``successes / n`` (``n >= 1``)."""
    if n < 1 or not 0 <= successes <= n:
        raise ValueError("need 0 <= successes <= n and n >= 1")
    return wilson_interval(successes, n, z=_z(confidence_level))[0]


def proportion(
    name: str, successes: int, n: int, *, what: str, confidence_level: float = 0.95
) -> Estimate:
    """``successes / n`` with its Wilson interval; ``what`` completes "x of n scores …"."""
    if n == 0:
        return missing_estimate(name, "There are no scores to compare with a reference yet.")
    low, high = wilson_interval(successes, n, z=_z(confidence_level))
    p = successes / n
    level = round(100 * confidence_level)
    reading = (
        f"{successes} of {n} scores {what} ({100 * p:.0f}%; {level}% CI "
        f"{100 * low:.0f}%–{100 * high:.0f}%)."
    )
    return Estimate(
        name,
        p,
        n,
        ci_low=low,
        ci_high=high,
        standard_error=math.sqrt(p * (1 - p) / n),
        reading=reading,
        confidence_level=confidence_level,
        method="Wilson score interval (Wilson 1927; Newcombe 1998)",
    )


# ----------------------------------------------------------------- severity / leniency
class Lean(StrEnum):
    LENIENT = "lenient"
    SEVERE = "severe"
    NONE = "no clear lean"
    UNKNOWN = "not known yet"


def severity(deviations: npt.ArrayLike, *, confidence_level: float = 0.95) -> Estimate:
    """Mean signed deviation (rater minus reference, in rubric steps) with a t interval."""
    d = np.asarray(deviations, dtype=np.float64).ravel()
    n = int(d.size)
    if n == 0:
        return missing_estimate(
            "severity", "No score of this rater could be compared with a reference yet."
        )
    mean = float(d.mean())
    if n < 2:
        return Estimate(
            "severity",
            mean,
            n,
            reason="Only one score could be compared, so there is no margin of error.",
            reading=f"{_lean_words(mean)} on the one score compared; too little to judge.",
        )
    sd = float(d.std(ddof=1))
    if sd == 0.0:
        return Estimate(
            "severity",
            mean,
            n,
            reason=(
                f"All {n} scores were the same distance from the reference, so there is no "
                "spread from which to estimate a margin of error."
            ),
            reading=f"{_lean_words(mean)} on every one of the {n} scores compared.",
        )
    se = sd / math.sqrt(n)
    half = t_quantile(0.5 + confidence_level / 2.0, n - 1) * se
    low, high = mean - half, mean + half
    est = Estimate(
        "severity",
        mean,
        n,
        ci_low=low,
        ci_high=high,
        standard_error=se,
        confidence_level=confidence_level,
        method="mean ± t(n-1) × SD/√n",
    )
    lean = lean_of(est)
    level = round(100 * confidence_level)
    text = f"{_lean_words(mean)} on average ({level}% CI {low:+.2f} to {high:+.2f}, n = {n})"
    if lean is Lean.NONE:
        text += ": no clear lean either way."
    else:
        text += f": {lean.value}."
    return replace(est, reading=text)


def lean_of(estimate: Estimate) -> Lean:
    """Lenient or severe only when the whole interval is on one side of zero."""
    ci = estimate.confidence_interval()
    if estimate.statistic is None or ci is None:
        return Lean.UNKNOWN
    if ci[0] > 0:
        return Lean.LENIENT
    if ci[1] < 0:
        return Lean.SEVERE
    return Lean.NONE


def _lean_words(mean: float) -> str:
    if abs(mean) < 0.005:
        return "Scores match the reference level"
    direction = "above" if mean > 0 else "below"
    return f"Scores {abs(mean):.2f} levels {direction} the reference"


# ----------------------------------------------------------------- central tendency
@dataclass(frozen=True)
class CentralTendency:
    """How widely one rater spreads levels, against the other raters on the same work."""

    n: int  # the rater's scores used
    n_others: int  # the other raters' scores on the same units
    rater_sd: float | None  # in steps
    others_sd: float | None
    extreme_share: float | None  # share of the rater's scores at the lowest or highest level
    others_extreme_share: float | None
    flagged: bool
    reason: str | None
    reading: str

    @property
    def sd_ratio(self) -> float | None:
        if self.rater_sd is None or not self.others_sd:
            return None
        return self.rater_sd / self.others_sd

    def as_json(self) -> dict[str, float | int | bool | str | None]:
        return {
            "n": self.n,
            "rater_sd": self.rater_sd,
            "others_sd": self.others_sd,
            "sd_ratio": self.sd_ratio,
            "extreme_share": self.extreme_share,
            "others_extreme_share": self.others_extreme_share,
            "flagged": self.flagged,
            "reason": self.reason,
            "reading": self.reading,
        }


def _others(table: RatingTable, rater: int) -> tuple[npt.NDArray[np.int64], ...]:
    mine_mask = table.codes[:, rater] != MISSING
    mine = table.codes[mine_mask, rater]
    rest = np.delete(table.codes[mine_mask], rater, axis=1)
    return mine, rest[rest != MISSING]


def central_tendency(table: RatingTable, rater: int) -> CentralTendency:
    """Central tendency of column ``rater``, on the units that rater scored.

    Spread is the standard deviation of the level *positions* (steps); extreme levels are the
    lowest and highest declared levels (used or not). Flagged when the rater's spread is at most
    :data:`NARROW_SPREAD` of the others' and the rater uses the extreme levels less often.
    """
    mine, others = _others(table, rater)
    n, n_others, q = int(mine.size), int(others.size), table.n_categories

    def unavailable(reason: str) -> CentralTendency:
        return CentralTendency(
            n, n_others, None, None, None, None, False, reason, f"Not available: {reason}"
        )

    if q < 3:
        return unavailable("A scale with fewer than three levels has no middle to crowd into.")
    if n < 3 or n_others < 3:
        return unavailable(
            "Fewer than three scores to compare with the other raters: too few to judge spread."
        )
    rater_sd, others_sd = float(mine.std(ddof=1)), float(others.std(ddof=1))
    ext = float(np.isin(mine, (0, q - 1)).mean())
    others_ext = float(np.isin(others, (0, q - 1)).mean())
    if others_sd == 0.0:
        return CentralTendency(
            n,
            n_others,
            rater_sd,
            others_sd,
            ext,
            others_ext,
            False,
            "The other raters all gave the same level, so there is no spread to compare with.",
            "Not available: the other raters all gave the same level.",
        )
    ratio = rater_sd / others_sd
    flagged = ratio <= NARROW_SPREAD and ext < others_ext
    spread = f"spread {rater_sd:.2f} levels against {others_sd:.2f} for the others"
    ends = f"the top or bottom level on {100 * ext:.0f}% of scores against {100 * others_ext:.0f}%"
    if flagged:
        reading = f"Keeps to the middle of the scale: {spread}, and {ends}."
    else:
        reading = f"Uses the range of the scale like the others ({spread}; {ends})."
    return CentralTendency(
        n, n_others, rater_sd, others_sd, ext, others_ext, flagged, None, reading
    )


# ----------------------------------------------------------------- level use
@dataclass(frozen=True)
class LevelUse:
    category: float | str
    count: int
    share: float | None
    others_count: int
    others_share: float | None

    @property
    def difference(self) -> float | None:
        if self.share is None or self.others_share is None:
            return None
        return self.share - self.others_share

    @property
    def flag(self) -> str:
        """ "over", "under" or "" (a gap of at least :data:`LEVEL_USE_GAP`)."""
        d = self.difference
        if d is None or abs(d) < LEVEL_USE_GAP - 1e-12:
            return ""
        return "over" if d > 0 else "under"

    def as_json(self) -> dict[str, float | int | str | None]:
        cat = self.category
        return {
            "level": int(cat) if isinstance(cat, float) and cat.is_integer() else cat,
            "count": self.count,
            "share": self.share,
            "others_count": self.others_count,
            "others_share": self.others_share,
            "flag": self.flag,
        }


def level_use(table: RatingTable, rater: int) -> tuple[LevelUse, ...]:
    """Each declared level's share of the rater's scores and of the others' on the same units."""
    mine, others = _others(table, rater)
    out = []
    for k, cat in enumerate(table.categories):
        c, o = int((mine == k).sum()), int((others == k).sum())
        out.append(
            LevelUse(
                cat,
                c,
                c / mine.size if mine.size else None,
                o,
                o / others.size if others.size else None,
            )
        )
    return tuple(out)
