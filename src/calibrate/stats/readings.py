"""Plain-language readings of agreement coefficients, for teachers rather than statisticians.

A benchmark band is chosen with the uncertainty in mind: when a confidence interval exists, the
band named is the one the *lower* end of the interval reaches, so "at least moderate" means the
data support moderate agreement even at the pessimistic end (in the spirit of Gwet 2014, ch. 6,
which benchmarks on the interval rather than the point estimate). The point estimate's own band
is also named when it differs.

Benchmarks:
- kappa-type coefficients: Landis & Koch (1977), Biometrics 33:159-174.
- intraclass correlations: Koo & Li (2016), J. Chiropractic Medicine 15:155-163.
- Krippendorff's alpha: Krippendorff (2004), Content Analysis, 2nd ed., p. 241 (.800 / .667).
- Kendall's W: Schmidt (1997), Decision Sciences 28:763-774.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calibrate.stats.result import AgreementResult


class Family(StrEnum):
    """Which benchmark scale reads a coefficient."""

    PERCENT = "percent"  # proportions of agreement, 0..1
    KAPPA = "kappa"  # chance-corrected agreement (Landis & Koch 1977)
    ALPHA = "alpha"  # Krippendorff's alpha (.667 / .800)
    ICC = "icc"  # intraclass correlation (Koo & Li 2016)
    CONCORDANCE = "concordance"  # Kendall's W (Schmidt 1997)


# (lower bound, name) in ascending order; a value belongs to the last band whose bound it reaches.
LANDIS_KOCH: tuple[tuple[float, str], ...] = (
    (float("-inf"), "poor (worse than chance)"),
    (0.0, "slight"),
    (0.21, "fair"),
    (0.41, "moderate"),
    (0.61, "substantial"),
    (0.81, "almost perfect"),
)
KOO_LI: tuple[tuple[float, str], ...] = (
    (float("-inf"), "poor"),
    (0.50, "moderate"),
    (0.75, "good"),
    (0.90, "excellent"),
)
KRIPPENDORFF: tuple[tuple[float, str], ...] = (
    (float("-inf"), "too low to rely on"),
    (0.667, "enough only for tentative conclusions"),
    (0.800, "reliable"),
)
SCHMIDT: tuple[tuple[float, str], ...] = (
    (float("-inf"), "very weak"),
    (0.1, "weak"),
    (0.3, "moderate"),
    (0.5, "strong"),
    (0.7, "very strong"),
)

#: An interval wider than this says little about where agreement really stands.
WIDE_INTERVAL = 0.40


def band(value: float, scale: tuple[tuple[float, str], ...]) -> str:
    name = scale[0][1]
    for bound, label in scale:
        if value >= bound - 1e-12:
            name = label
    return name


def _scale(family: Family) -> tuple[tuple[float, str], ...] | None:
    return {
        Family.KAPPA: LANDIS_KOCH,
        Family.ICC: KOO_LI,
        Family.ALPHA: KRIPPENDORFF,
        Family.CONCORDANCE: SCHMIDT,
    }.get(family)


def plural(n: int, word: str) -> str:
    """``1 unit``, ``2 units``: a count with its noun in the right number."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def read(result: AgreementResult) -> str:
    """One or two sentences a teacher can act on."""
    if result.statistic is None:
        return f"Not available: {result.reason}"
    value = result.statistic
    ci = result.confidence_interval()
    if result.family is Family.PERCENT:
        text = _read_percent(result.name, value)
        if ci is not None:
            text += f" (95% CI {_pct(ci.low)}–{_pct(ci.high)})."
        else:
            text += "."
        return text + _wide_note(result)
    scale = _scale(result.family)
    assert scale is not None
    point_band = band(value, scale)
    subject = _subject(result.family, result.name).capitalize()
    if result.n_units < 2:
        return (
            f"{subject} is {value:.2f} on {plural(result.n_units, 'sample')}: too little data "
            "to say how strong it is; rate more samples."
        )
    if ci is None:
        return (
            f"{subject} looks {point_band} ({value:.2f}), "
            "but there is no confidence interval, so treat it as a rough guide."
        )
    low_band = band(ci.low, scale)
    if low_band == point_band:
        text = f"{subject} is {point_band} ({value:.2f})."
    elif low_band == scale[0][1]:
        text = (
            f"{subject} looks {point_band} ({value:.2f}), but with this little data it could "
            f"still be {low_band} (95% CI {ci.low:.2f} to {ci.high:.2f})."
        )
    else:
        text = (
            f"{subject} looks {point_band} ({value:.2f}), but with "
            f"this little data we can only be confident it is at least {low_band} "
            f"(95% CI {ci.low:.2f} to {ci.high:.2f})."
        )
    return text + _wide_note(result)


def _subject(family: Family, name: str = "") -> str:
    if family is Family.ICC:
        if name.startswith("icc_2"):
            return "absolute agreement of the scores"
        if name.startswith("icc_1"):
            return "agreement of the scores (raters treated as interchangeable)"
        return "consistency of the scores (ignoring that some raters score higher overall)"
    return {
        Family.KAPPA: "agreement beyond chance",
        Family.ICC: "consistency of the scores",
        Family.ALPHA: "reliability",
        Family.CONCORDANCE: "agreement on the order of the samples",
    }.get(family, "agreement")


def _read_percent(name: str, value: float) -> str:
    if name == "percent_exact":
        return f"On average {_pct(value)} of pairs of raters gave the same level"
    if name == "percent_adjacent":
        return f"On average {_pct(value)} of pairs of raters were within one level of each other"
    if name == "percent_exact_all_raters":
        return f"All raters gave the same level on {_pct(value)} of the fully rated samples"
    if name == "percent_adjacent_all_raters":
        return f"All raters were within one level on {_pct(value)} of the fully rated samples"
    return f"{_pct(value)} agreement"


def _wide_note(result: AgreementResult) -> str:
    ci = result.confidence_interval()
    if ci is None or ci.high - ci.low <= WIDE_INTERVAL:
        return ""
    shown = (
        f"{_pct(ci.low)} to {_pct(ci.high)}"
        if result.family is Family.PERCENT
        else f"{ci.low:.2f} to {ci.high:.2f}"
    )
    return (
        f" The interval is wide ({shown}) because only "
        f"{plural(result.n_units, 'unit')} {'was' if result.n_units == 1 else 'were'} rated: "
        "it says little on its own."
    )


def paradox_note(percent_exact: AgreementResult, kappa_like: AgreementResult) -> str | None:
    """When raw agreement is high but a kappa-type coefficient is low, say why in one sentence.

    The usual cause (Feinstein & Cicchetti 1990, "the kappa paradox") is one level that
    almost everyone uses, which makes chance agreement high.
    """
    if percent_exact.statistic is None or kappa_like.statistic is None:
        return None
    if percent_exact.statistic >= 0.70 and kappa_like.statistic < 0.40:
        return (
            "Raters agree often, but mostly on one level that nearly every sample received, "
            "so agreement is hard to tell apart from chance; more varied samples would show "
            "whether the team really reads the rubric the same way."
        )
    return None
