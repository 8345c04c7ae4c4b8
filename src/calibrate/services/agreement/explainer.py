"""Why the agreement coefficients differ: the text shown on demand beside every figure (the
reveal's details view, ``calibrate agree --details``)."""

from __future__ import annotations

TITLE = "Why these numbers differ"

#: Paragraphs, each on one thing that makes coefficients disagree on the same scores.
WHY_THEY_DIFFER: tuple[str, ...] = (
    "Exact agreement counts the pairs of raters who gave the same level. It gives no credit for "
    "a near miss and does not allow for luck: on a 4-level rubric where most samples are 3s, "
    "raters agree often by chance alone.",
    "Within one level also counts near misses as agreement. On a short scale it is nearly "
    "always high, so read it beside exact agreement, not instead of it.",
    "Chance-corrected coefficients (the kappas, Gwet's AC1 and AC2, Brennan-Prediger, "
    "Krippendorff's alpha) subtract the agreement expected by chance, and they differ in how "
    "they estimate chance. Fleiss' and Conger's kappa and Krippendorff's alpha take it from how "
    "often the team used each level: when one level is used for most samples (high "
    "prevalence), chance agreement is high and they come out low even though raters agree "
    "often. Gwet's AC1/AC2 take chance agreement to be lower when one level dominates, and "
    "Brennan-Prediger spreads it evenly over the levels, so on such scores they come out "
    "higher.",
    "Weights decide how much a near miss is worth. Unweighted coefficients count a one-level "
    "miss as plain disagreement; linear weights give partial credit in proportion to the "
    "distance; quadratic weights give much more (on a 4-level scale a one-level miss counts "
    "as 89% agreement), so quadratic figures are the highest. Krippendorff's ordinal metric "
    "credits a near miss by how many scores fell in the levels between.",
    "Intraclass correlations (ICC) treat the levels as numbers and ask how much of the spread "
    "in scores comes from real differences between samples; they need the same raters on "
    "every sample. Kendall's W asks only whether raters put the samples in the same order.",
    "Each coefficient's own reading uses its own published benchmarks (Landis & Koch for the "
    "kappas, Koo & Li for ICC, Krippendorff for alpha, Schmidt for W), so 'substantial' for one "
    "and 'tentative' for another can describe the same scores.",
    "The headline therefore reads three figures by one rule: exact agreement, agreement within "
    "one level, and Krippendorff's alpha for ordered levels, which works for any number of "
    "raters and with missing scores (see docs/agreement-headline.md).",
)
