"""Plain words for coaches about one rater in a many-facet Rasch fit.

Thresholds (stated so a coach can check them):

- **Severity in levels.** A logit difference means little to a teacher, so it is converted to
  rubric levels at the team's typical work: the expected level (model-expected score) for the
  average estimated sample, on the average criterion (the mean over criteria for the
  partial-credit model), given by this rater minus the same given by a rater of the team's
  mean severity. The difference is rounded to the nearest quarter of a level and only called
  "harder" or "easier" when the rater's severity is more than two standard errors from the
  team's mean; otherwise "no clear difference".
- **Fit bands** (Linacre's, as FACETS gives them), on infit and outfit mean-square: either
  above 2.0, the ratings distort measurement; either above 1.5, unproductive but not
  degrading; else either below 0.5, more predictable than the model expects (muted: often
  keeping to the middle levels or scoring every criterion alike); else (both 0.5–1.5,
  productive) "fit the pattern".
- **Agreement**: observed exact agreement against what the model expects; observed much above
  expected (more than 10 points) suggests raters scoring alike by habit or by talking, not
  independent judgements (FACETS' note on Rasch-kappa).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calibrate.stats.rasch.estimation import category_probabilities, moments
from calibrate.stats.rasch.results import ElementMeasure, FacetsFit, Status

#: FACETS' mean-square bands.
DEGRADING = 2.0
UNPRODUCTIVE = 1.5
MUTED = 0.5
#: Standard errors from the team mean before a rater is called harder or easier.
CLEAR = 2.0
#: Observed exact agreement this far above the expected share is flagged.
AGREEMENT_GAP = 0.10


@dataclass(frozen=True)
class RaterReading:
    """What a coach can say about one rater, sentence by sentence."""

    rater: str
    severity: str
    fit: str
    agreement: str
    level_difference: float | None  # rubric levels; negative = scores lower than the team
    lean: str = "unknown"  # "harder", "more generously", "like the team", "extreme", "unknown"
    band: str = "not judged"  # "degrading", "unproductive", "muted", "productive", "not judged"

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(s for s in (self.severity, self.fit, self.agreement) if s)


def _expected(eta: float, fit: FacetsFit, scale: int) -> float:
    psi = np.array([[np.inf if v is None else v for v in fit.psi[scale]]])
    e, _, _ = moments(category_probabilities(np.array([eta]), psi))
    return float(e[0])


def level_difference(fit: FacetsFit, rater: ElementMeasure) -> float | None:
    """The rater's expected level minus the team's on average work, in rubric levels."""
    if rater.measure is None:
        return None
    samples = [
        s.measure for s in fit.samples if s.status is Status.ESTIMATED and s.measure is not None
    ]
    if not samples:
        samples = [s.measure for s in fit.samples if s.measure is not None]
    crit = [c.measure if c.measure is not None else 0.0 for c in fit.criteria]
    team = float(np.mean([r.measure for r in fit.raters if r.measure is not None]))
    theta = float(np.mean(samples)) if samples else 0.0
    scales = range(len(crit)) if fit.model == "partial credit" else [0]
    diffs = []
    for s in scales:
        d = crit[s] if fit.model == "partial credit" else float(np.mean(crit))
        diffs.append(
            _expected(theta - d - rater.measure, fit, s) - _expected(theta - d - team, fit, s)
        )
    return float(np.mean(diffs))


def _amount(levels: float) -> str:
    q = round(abs(levels) * 4) / 4
    words = {0.25: "a quarter of a level", 0.5: "half a level", 0.75: "three quarters of a level",
             1.0: "one level"}  # fmt: skip
    return words.get(q, f"{q:.2g} levels")


def rater_readings(fit: FacetsFit, label: str) -> RaterReading:
    """Sentences such as "Erik scores about half a level harder than the team on similar
    work." and "Lena's scores fit the pattern." for the rater called ``label``."""
    r = fit.rater(label)
    if r.measure is None:
        return RaterReading(label, f"{label}: {r.reason}", "", "", None)
    lean = "unknown"
    diff = level_difference(fit, r)
    team = float(np.mean([x.measure for x in fit.raters if x.measure is not None]))
    if r.status in (Status.EXTREME_LOW, Status.EXTREME_HIGH):
        side = "lowest" if r.status is Status.EXTREME_LOW else "highest"
        severity = f"{label} gave the {side} level every time, so the severity is only rough."
        lean = "extreme"
    elif diff is None or r.standard_error is None:
        severity = f"{label}'s severity could not be estimated."
    elif abs(r.measure - team) <= CLEAR * r.standard_error or round(abs(diff) * 4) == 0:
        severity = f"{label} scores like the team on similar work (no clear difference)."
        lean = "like the team"
    else:
        way = "harder" if diff < 0 else "more generously"
        severity = f"{label} scores about {_amount(diff)} {way} than the team on similar work."
        lean = way
    if not fit.connected:
        severity += " (Compare only with raters in the same linked group of samples.)"
    return RaterReading(
        label,
        severity,
        _fit_words(label, r),
        _agreement_words(fit, r),
        diff,
        lean=lean,
        band=fit_band(r),
    )


def fit_band(r: ElementMeasure) -> str:
    """FACETS' band of the worse of infit and outfit (the order ``_fit_words`` reads them)."""
    f = r.fit
    if f.infit is None or f.outfit is None:
        return "not judged"
    if max(f.infit, f.outfit) > DEGRADING:
        return "degrading"
    if max(f.infit, f.outfit) > UNPRODUCTIVE:
        return "unproductive"
    if min(f.infit, f.outfit) < MUTED:
        return "muted"
    return "productive"


def _fit_words(label: str, r: ElementMeasure) -> str:
    f = r.fit
    if f.infit is None or f.outfit is None:
        return f"{label}: fit not judged ({f.reason})"
    worst = max(f.infit, f.outfit)
    if worst > DEGRADING:
        return (
            f"{label}'s scores often go against the pattern of the team's scores "
            f"(mean-square {worst:.1f}, above {DEGRADING}): they blur the measurement."
        )
    if worst > UNPRODUCTIVE:
        return (
            f"{label}'s scores are somewhat unpredictable (mean-square {worst:.1f}), "
            "not enough to distort the measurement."
        )
    least = min(f.infit, f.outfit)
    if least < MUTED:
        return (
            f"{label}'s ratings are more predictable than expected (mean-square {least:.1f}): "
            "often a sign of keeping to the middle levels or scoring every criterion alike."
        )
    return f"{label}'s scores fit the pattern."


def _agreement_words(fit: FacetsFit, r: ElementMeasure) -> str:
    a = next((x for x in fit.agreement if x.rater == r.index), None)
    if a is None or a.observed is None or a.expected is None:
        return ""
    text = (
        f"Gives the same level as another rater on {100 * a.observed:.0f}% of shared ratings; "
        f"the model expects {100 * a.expected:.0f}%."
    )
    if a.observed - a.expected > AGREEMENT_GAP:
        text += " That is more than independent judgement would give."
    return text
