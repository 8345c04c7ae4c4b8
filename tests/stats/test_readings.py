"""Plain-language readings: bands chosen with the uncertainty in mind, and honest notes."""

from __future__ import annotations

import numpy as np
import pytest

from calibrate.stats.readings import KOO_LI, LANDIS_KOCH, band, paradox_note, read
from calibrate.stats.result import AgreementResult, Family, defined, undefined
from calibrate.stats.weights import weight_matrix


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-0.1, "poor (worse than chance)"),
        (0.0, "slight"),
        (0.2, "slight"),
        (0.21, "fair"),
        (0.41, "moderate"),
        (0.61, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
    ],
)
def test_landis_koch_bands(value: float, expected: str) -> None:
    # Landis & Koch (1977), Biometrics 33:159-174, p. 165.
    assert band(value, LANDIS_KOCH) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0.49, "poor"), (0.5, "moderate"), (0.75, "good"), (0.9, "excellent")]
)
def test_koo_li_bands(value: float, expected: str) -> None:
    # Koo & Li (2016), J. Chiropr. Med. 15:155-163, "Guideline for interpreting ICC".
    assert band(value, KOO_LI) == expected


def kappa(value: float, low: float, high: float, n: int = 8) -> AgreementResult:
    return defined("fleiss_kappa", Family.KAPPA, value, n_units=n, n_raters=6, ci=(low, high))


def test_a_narrow_interval_names_one_band() -> None:
    text = kappa(0.70, 0.62, 0.78, n=200).reading
    assert text.startswith("Agreement beyond chance is substantial (0.70).")
    assert "wide" not in text


def test_a_wide_interval_names_the_band_the_lower_end_reaches_and_warns() -> None:
    text = kappa(0.55, 0.20, 0.90).reading
    assert "looks moderate (0.55)" in text
    assert "at least slight" in text
    assert "only 8 units were rated" in text


def test_no_interval_says_it_is_a_rough_guide() -> None:
    r = defined("icc_2_1", Family.ICC, 0.8, n_units=5, n_raters=3)
    assert "rough guide" in r.reading and "good" in r.reading


def test_percent_reading_speaks_of_pairs_of_raters() -> None:
    r = defined("percent_exact", Family.PERCENT, 0.625, n_units=8, n_raters=6, ci=(0.5, 0.75))
    assert r.reading.startswith("On average 62% of pairs of raters gave the same level")


def test_undefined_results_carry_their_reason_and_refuse_nan() -> None:
    r = undefined("cohen_kappa", Family.KAPPA, "it needs two raters", n_units=3, n_raters=3)
    assert r.statistic is None and r.reading == "Not available: it needs two raters"
    with pytest.raises(ValueError, match="must say why"):
        AgreementResult("x", Family.KAPPA, None, None, None, None, 1, 1)
    with pytest.raises(ValueError, match="nan"):
        AgreementResult("x", Family.KAPPA, float("nan"), None, None, None, 1, 1, reason="r")


def test_a_non_finite_interval_is_dropped_with_a_reason() -> None:
    r = defined(
        "icc_2_1",
        Family.ICC,
        0.5,
        n_units=4,
        n_raters=2,
        ci=(float("nan"), 1.0),
        reason_no_ci="the F distribution has no degrees of freedom left",
    )
    assert r.confidence_interval() is None and r.reason and "degrees of freedom" in r.reason


def test_paradox_note_only_when_agreement_is_high_and_kappa_low() -> None:
    high = defined("percent_exact", Family.PERCENT, 0.9, n_units=20, n_raters=2)
    low = kappa(0.1, -0.1, 0.3, n=20)
    assert paradox_note(high, low) is not None
    assert paradox_note(high, kappa(0.7, 0.6, 0.8)) is None


def test_weights_are_spaced_over_declared_levels() -> None:
    # Cicchetti & Allison (1971) linear and Fleiss & Cohen (1973) quadratic weights, q = 4.
    lin = weight_matrix([1, 2, 3, 4], "linear")
    quad = weight_matrix([1, 2, 3, 4], "quadratic")
    np.testing.assert_allclose(lin[0], [1, 2 / 3, 1 / 3, 0])
    np.testing.assert_allclose(quad[0], [1, 8 / 9, 5 / 9, 0])
    np.testing.assert_allclose(weight_matrix([1, 2, 3], "identity"), np.eye(3))
    assert read(kappa(0.3, 0.1, 0.5, n=100)).startswith("Agreement beyond chance")


def test_icc_readings_name_what_each_form_measures() -> None:
    absolute = defined("icc_2_1", Family.ICC, 0.8, n_units=50, n_raters=4, ci=(0.76, 0.84))
    consistency = defined("icc_3_1", Family.ICC, 0.8, n_units=50, n_raters=4, ci=(0.76, 0.84))
    assert absolute.reading.startswith("Absolute agreement of the scores is good (0.80).")
    assert consistency.reading.startswith("Consistency of the scores (ignoring")


def test_a_lower_end_in_the_bottom_band_reads_as_could_be_that_low() -> None:
    r = defined("icc_2_1", Family.ICC, 0.72, n_units=7, n_raters=6, ci=(0.44, 0.93))
    assert "could still be poor (95% CI 0.44 to 0.93)" in r.reading


def test_a_wide_percent_interval_is_shown_in_percent() -> None:
    r = defined(
        "percent_adjacent_all_raters",
        Family.PERCENT,
        0.86,
        n_units=7,
        n_raters=6,
        ci=(0.49, 0.97),
    )
    assert "The interval is wide (49% to 97%)" in r.reading
