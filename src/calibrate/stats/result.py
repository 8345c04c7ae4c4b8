"""Result objects for agreement statistics, in scipy.stats' style.

Every coefficient returns an :class:`AgreementResult`: the statistic, its standard error, a 95%
confidence interval, the number of units and raters used, and, when the data cannot support the
coefficient, ``statistic is None`` with a ``reason`` in plain words. Never a silent NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import NamedTuple

# Family is re-exported: every coefficient module names it from here.
from calibrate.stats.readings import Family as Family
from calibrate.stats.readings import read


class ConfidenceInterval(NamedTuple):
    low: float
    high: float


@dataclass(frozen=True)
class AgreementResult:
    """One agreement coefficient computed on one ratings table."""

    name: str
    family: Family
    statistic: float | None
    standard_error: float | None
    ci_low: float | None
    ci_high: float | None
    n_units: int
    n_raters: int
    reason: str | None = None
    reading: str = ""
    confidence_level: float = 0.95
    ci_method: str = ""

    def __post_init__(self) -> None:
        for name in ("statistic", "standard_error", "ci_low", "ci_high"):
            v = getattr(self, name)
            if v is not None and not math.isfinite(v):
                raise ValueError(f"{self.name}: {name} is {v}; undefined results need a reason")
        if self.statistic is None and not self.reason:
            raise ValueError(f"{self.name}: an undefined result must say why")

    @property
    def defined(self) -> bool:
        return self.statistic is not None

    def confidence_interval(self) -> ConfidenceInterval | None:
        """The confidence interval, or None when it could not be computed."""
        if self.ci_low is None or self.ci_high is None:
            return None
        return ConfidenceInterval(self.ci_low, self.ci_high)

    def with_reading(self, reading: str) -> AgreementResult:
        return replace(self, reading=reading)

    def as_json(self) -> dict[str, float | str | None]:
        return {
            "value": self.statistic,
            "se": self.standard_error,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "reason": self.reason,
            "reading": self.reading,
        }


def defined(
    name: str,
    family: Family,
    statistic: float,
    *,
    n_units: int,
    n_raters: int,
    standard_error: float | None = None,
    ci: tuple[float, float] | None = None,
    ci_method: str = "",
    reason_no_ci: str | None = None,
) -> AgreementResult:
    """A computed coefficient; the reading is attached by :mod:`calibrate.stats.readings`.

    A standard error or interval that came out non-finite (e.g. a zero variance) is dropped,
    and ``reason_no_ci`` (or a generic sentence) says why there is no interval.
    """
    se = standard_error if standard_error is not None and math.isfinite(standard_error) else None
    low = high = None
    if ci is not None and all(math.isfinite(x) for x in ci):
        low, high = float(ci[0]), float(ci[1])
    reason = None
    if low is None and reason_no_ci:
        reason = reason_no_ci
    result = AgreementResult(
        name=name,
        family=family,
        statistic=float(statistic),
        standard_error=None if se is None else float(se),
        ci_low=low,
        ci_high=high,
        n_units=n_units,
        n_raters=n_raters,
        reason=reason,
        ci_method=ci_method,
    )
    return result.with_reading(read(result))


def undefined(
    name: str, family: Family, reason: str, *, n_units: int, n_raters: int
) -> AgreementResult:
    """A coefficient the data cannot support, with the reason in plain words."""
    return AgreementResult(
        name=name,
        family=family,
        statistic=None,
        standard_error=None,
        ci_low=None,
        ci_high=None,
        n_units=n_units,
        n_raters=n_raters,
        reason=reason,
        reading=f"Not available: {reason}",
    )
