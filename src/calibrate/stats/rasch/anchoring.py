"""One scale across meetings: anchor values, and a rater's drift between two anchored fits.

A session's fit is located by centring (raters and criteria average 0), so two sessions'
severities are on different rulers unless something ties them together. Anchoring ties them:
fix the measures of elements whose values are known from a reference fit (the master key's
samples, re-scored anchor samples, the criteria and the rating-scale steps, or earlier
sessions' severities) and fit the rest around them (FACETS' ``Model=`` with ``A`` anchors).
A facet with any anchored element is not centred.

:func:`anchors_from` reads the values to anchor from a reference :class:`FacetsFit`;
:func:`severity_drift` compares one rater between two fits on an anchored scale:
``d = C2 - C1``, ``SE = sqrt(SE1² + SE2²)``, ``z = d / SE``, two-sided normal p.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scipy import stats

from calibrate.stats.rasch.results import FacetsFit, Status


@dataclass(frozen=True)
class Anchors:
    """Fixed measures (logits) by element label; thresholds as cumulative steps ``psi``.

    ``thresholds`` maps a scale name ("all criteria" for the rating-scale model, else the
    criterion's label) to its ``psi`` per declared level (``None`` where a level is unused).
    """

    samples: Mapping[str, float] = field(default_factory=dict)
    criteria: Mapping[str, float] = field(default_factory=dict)
    raters: Mapping[str, float] = field(default_factory=dict)
    thresholds: Mapping[str, tuple[float | None, ...]] = field(default_factory=dict)

    def of(self, facet: str) -> Mapping[str, float]:
        return {"samples": self.samples, "criteria": self.criteria, "raters": self.raters}[facet]

    @property
    def empty(self) -> bool:
        return not (self.samples or self.criteria or self.raters or self.thresholds)


def anchors_from(
    reference: FacetsFit,
    *,
    samples: Iterable[str] = (),
    criteria: bool = True,
    thresholds: bool = True,
    raters: Iterable[str] = (),
) -> Anchors:
    """Anchor values taken from a reference fit.

    ``samples``: labels of samples whose reference measures anchor the new fit (e.g. the master
    key's samples re-scored in the new meeting); ``criteria`` and ``thresholds``: also fix the
    criteria's difficulties and the rating-scale steps (recommended: otherwise the ruler can
    stretch between meetings); ``raters``: raters whose earlier severities are held.
    Only estimated or anchored elements are used (never an extreme element's rough value).
    """

    def values(elements: Iterable[str], facet: str) -> dict[str, float]:
        wanted = set(elements)
        out = {}
        for e in reference.facet(facet):
            if (
                e.label in wanted
                and e.measure is not None
                and e.status
                in (
                    Status.ESTIMATED,
                    Status.ANCHORED,
                )
            ):
                out[e.label] = e.measure
        return out

    crit = values([e.label for e in reference.criteria], "criteria") if criteria else {}
    steps: dict[str, tuple[float | None, ...]] = {}
    if thresholds:
        names = (
            ["all criteria"]
            if reference.model == "rating scale"
            else [e.label for e in reference.criteria]
        )
        steps = dict(zip(names, reference.psi, strict=True))
    return Anchors(
        samples=values(samples, "samples"),
        criteria=crit,
        raters=values(raters, "raters"),
        thresholds=steps,
    )


@dataclass(frozen=True)
class SeverityDrift:
    """The change in one rater's severity between two fits on one anchored scale."""

    rater: str
    before: float | None
    after: float | None
    change: float | None  # logits, positive = harsher now
    standard_error: float | None
    z: float | None
    p_value: float | None
    reason: str | None = None
    reading: str = ""

    def __post_init__(self) -> None:
        for v in (self.before, self.after, self.change, self.standard_error, self.z):
            if v is not None and not math.isfinite(v):
                raise ValueError("drift figures must be finite; an undefined one needs a reason")
        if self.change is None and not self.reason:
            raise ValueError("an undefined drift must say why")

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 0.05


def severity_drift(before: FacetsFit, after: FacetsFit, rater: str) -> SeverityDrift:
    """Did ``rater`` become harsher or more lenient between two fits on one scale?

    The later fit must be anchored to the earlier one (see :func:`anchors_from`), or both to
    one reference; a pair of fits neither of which is anchored is refused with a reason,
    because two centred fits each put the team's average at 0 and hide a shared change.
    """

    def undefined(reason: str) -> SeverityDrift:
        return SeverityDrift(
            rater, None, None, None, None, None, None, reason, f"Not available: {reason}"
        )

    if not (before.anchored or after.anchored):
        return undefined(
            "The two meetings are not on a common scale: anchor the later fit to the earlier "
            "one (master-key samples, criteria and steps) before comparing severities."
        )
    found = []
    for fit in (before, after):
        match = [r for r in fit.raters if r.label == rater]
        if not match or match[0].measure is None or match[0].standard_error is None:
            return undefined(f"{rater} has no estimated severity in one of the two meetings.")
        if match[0].status is not Status.ESTIMATED:
            return undefined(f"{rater}'s severity was {match[0].status.value} in one meeting.")
        found.append(match[0])
    c1, c2 = found[0].measure, found[1].measure
    s1, s2 = found[0].standard_error, found[1].standard_error
    assert c1 is not None and c2 is not None and s1 is not None and s2 is not None
    d = c2 - c1
    se = math.sqrt(s1**2 + s2**2)
    z = d / se
    p = float(2 * stats.norm.sf(abs(z)))
    direction = "harsher" if d > 0 else "more lenient"
    if p < 0.05:
        text = (
            f"{rater} has become {direction} by {abs(d):.2f} logits (SE {se:.2f}, z = {z:+.1f}): "
            "a real change, not just chance."
        )
    else:
        text = (
            f"{rater}'s severity moved {d:+.2f} logits (SE {se:.2f}, z = {z:+.1f}): within what "
            "chance alone would give."
        )
    return SeverityDrift(rater, c1, c2, d, se, z, p, None, text)
