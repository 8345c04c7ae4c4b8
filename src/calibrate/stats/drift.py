"""Drift: did a rater's lean or accuracy change between two sessions?

- A change in the mean signed deviation (rater minus reference, in steps) is tested with Welch's
  (1947, Biometrika 34:28-35) unequal-variance t test: ``t = (m2 - m1) / sqrt(s1²/n1 + s2²/n2)``
  on the Welch-Satterthwaite degrees of freedom
  ``(s1²/n1 + s2²/n2)² / ((s1²/n1)²/(n1-1) + (s2²/n2)²/(n2-1))``, two-sided.
- A change in the share of exact matches is tested with the pooled two-proportion z test
  (Fleiss, Levin & Paik 2003, Statistical Methods for Rates and Proportions, 3rd ed., sec. 2.5):
  ``z = (p2 - p1) / sqrt(p(1-p)(1/n1 + 1/n2))`` with ``p`` the pooled share, two-sided.

Each result has its p-value and a plain reading, or says why the data cannot be tested.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from calibrate.stats.distributions import normal_two_sided_p, t_two_sided_p

#: Significance level for the drift flags.
ALPHA = 0.05


def _finite(*values: float | None) -> None:
    for v in values:
        if v is not None and not math.isfinite(v):
            raise ValueError(f"{v} is not finite; an untested change needs a reason instead")


@dataclass(frozen=True)
class DriftTest:
    """A test of change between an earlier and a later set of scores."""

    name: str
    before: float | None  # mean deviation, or share of exact matches
    after: float | None
    n_before: int
    n_after: int
    statistic: float | None = None  # t or z
    df: float | None = None
    p_value: float | None = None
    reason: str | None = None
    reading: str = ""
    alpha: float = ALPHA

    def __post_init__(self) -> None:
        _finite(self.before, self.after, self.statistic, self.df, self.p_value)
        if self.p_value is None and not self.reason:
            raise ValueError(f"{self.name}: a test without a p-value must say why")

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < self.alpha

    def as_json(self) -> dict[str, float | int | bool | str | None]:
        return {
            "before": self.before,
            "after": self.after,
            "n_before": self.n_before,
            "n_after": self.n_after,
            "statistic": self.statistic,
            "df": self.df,
            "p_value": self.p_value,
            "significant": self.significant,
            "reason": self.reason,
            "reading": self.reading,
        }


def welch_test(
    before: Sequence[float] | npt.ArrayLike,
    after: Sequence[float] | npt.ArrayLike,
    *,
    alpha: float = ALPHA,
) -> DriftTest:
    """Welch's t test of a change in mean signed deviation (two-sided)."""
    a = np.asarray(before, dtype=np.float64).ravel()
    b = np.asarray(after, dtype=np.float64).ravel()
    n1, n2 = int(a.size), int(b.size)
    m1 = float(a.mean()) if n1 else None
    m2 = float(b.mean()) if n2 else None
    name = "drift_severity"
    if n1 < 2 or n2 < 2:
        reason = "Each session needs at least two compared scores to test for a change."
        return DriftTest(name, m1, m2, n1, n2, reason=reason, reading=f"Not tested: {reason}")
    assert m1 is not None and m2 is not None
    v1, v2 = float(a.var(ddof=1)) / n1, float(b.var(ddof=1)) / n2
    if v1 + v2 == 0.0:
        reason = (
            "Every score in both sessions was the same distance from the reference, so there is "
            "no spread to test a change against."
        )
        return DriftTest(name, m1, m2, n1, n2, reason=reason, reading=f"Not tested: {reason}")
    t = (m2 - m1) / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    p = t_two_sided_p(t, df)
    test = DriftTest(name, m1, m2, n1, n2, statistic=t, df=df, p_value=p, alpha=alpha)
    moved = f"from {m1:+.2f} to {m2:+.2f} levels against the reference"
    if test.significant:
        way = "more lenient" if m2 > m1 else "more severe"
        reading = f"Scored {way}: {moved} ({p_text(p)})."
    else:
        reading = f"No clear change in lean: {moved} ({p_text(p)})."
    return replace(test, reading=reading)


def two_proportion_z_test(
    successes_before: int,
    n_before: int,
    successes_after: int,
    n_after: int,
    *,
    alpha: float = ALPHA,
) -> DriftTest:
    """Pooled two-proportion z test of a change in the share of exact matches (two-sided)."""
    name = "drift_exact"
    p1 = successes_before / n_before if n_before else None
    p2 = successes_after / n_after if n_after else None
    if n_before == 0 or n_after == 0:
        reason = "Each session needs compared scores to test for a change."
        return DriftTest(
            name, p1, p2, n_before, n_after, reason=reason, reading=f"Not tested: {reason}"
        )
    assert p1 is not None and p2 is not None
    pooled = (successes_before + successes_after) / (n_before + n_after)
    if pooled in (0.0, 1.0):
        reason = (
            "Every compared score in both sessions was an exact match"
            if pooled == 1.0
            else "No compared score in either session was an exact match"
        ) + ", so there is no change to test."
        return DriftTest(
            name, p1, p2, n_before, n_after, reason=reason, reading=f"Not tested: {reason}"
        )
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_before + 1 / n_after))
    z = (p2 - p1) / se
    p = normal_two_sided_p(z)
    test = DriftTest(name, p1, p2, n_before, n_after, statistic=z, p_value=p, alpha=alpha)
    moved = f"from {100 * p1:.0f}% to {100 * p2:.0f}% exact matches"
    if test.significant:
        way = "more accurate" if p2 > p1 else "less accurate"
        reading = f"Became {way}: {moved} ({p_text(p)})."
    else:
        reading = f"No clear change in accuracy: {moved} ({p_text(p)})."
    return replace(test, reading=reading)


def p_text(p: float) -> str:
    """A p value as a report prints it: ``p < 0.001`` rather than ``p = 0.000``."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"
