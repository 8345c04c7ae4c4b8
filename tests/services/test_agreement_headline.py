"""The agreement headline: the written rule (docs/agreement-headline.md) on the cases a team
meets, including those where nothing can be read, and raters left out of the figures."""

from __future__ import annotations

import math
import re

import pytest

from calibrate.domain.ratings import Measurement, RatingTable
from calibrate.services.agreement.headline import Headline, alpha_words, headline, how_often
from calibrate.services.agreement.left_out import leave_out_raters, left_out_sentence
from calibrate.stats.report import agreement_report

LEVELS = (1, 2, 3, 4)


def table(rows: list[list[int | None]], raters: tuple[str, ...] | None = None) -> RatingTable:
    names = raters or tuple(f"R{j + 1}" for j in range(len(rows[0])))
    return RatingTable.from_values(
        rows, categories=LEVELS, level=Measurement.ORDINAL, rater_ids=names
    )


def read(t: RatingTable, *, partial: bool = False) -> Headline:
    kept, left_out = leave_out_raters(t, partial=partial, unit_word="samples")
    report = agreement_report(kept, n_boot=200)
    return headline(report, kept, scope="Claim", left_out=left_out)


def no_bare_numbers(text: str) -> None:
    assert "nan" not in text.lower()
    assert "None" not in text
    assert not re.search(r"\(\s*[01](\.0+)?\s*\)", text), text  # no "(0)" or "(1.00)"


def test_words_follow_the_written_bands() -> None:
    assert how_often(1.0) == "always"
    assert how_often(0.98) == "almost always"
    assert how_often(0.90) == "almost always"
    assert how_often(0.80) == "most of the time"
    assert how_often(0.65) == "more often than not"
    assert how_often(0.54) == "about half the time"
    assert how_often(0.30) == "less than half the time"
    assert how_often(0.12) == "rarely"
    assert how_often(0.05) == "hardly ever"
    assert how_often(0.0) == "never"
    assert alpha_words(0.85) == "high"
    assert alpha_words(0.667) == "good"
    assert alpha_words(0.52) == "moderate"
    assert alpha_words(0.30) == "weak"
    assert alpha_words(0.10) == "slight"
    assert alpha_words(-0.2) == "worse than chance"


def test_a_normal_scale_reads_exact_within_one_and_alpha_together() -> None:
    t = table(
        [
            [1, 1, 2],
            [2, 2, 2],
            [3, 2, 3],
            [4, 4, 3],
            [2, 3, 2],
            [3, 3, 3],
            [1, 2, 1],
            [4, 4, 4],
            [3, 3, 4],
            [2, 2, 1],
        ]
    )
    report = agreement_report(t, n_boot=200)
    h = headline(report, t, scope="Claim")
    exact = report.results["percent_exact"].statistic
    within = report.results["percent_adjacent"].statistic
    alpha = report.results["krippendorff_alpha"].statistic
    assert exact is not None and within is not None and alpha is not None
    assert h.defined
    assert h.sentence == (
        f"You agree within one level {how_often(within)} ({100 * within:.0f}%), exactly "
        f"{how_often(exact)} ({100 * exact:.0f}%); allowing for chance, agreement is "
        f"{alpha_words(alpha)} (Krippendorff's alpha {alpha:.2f})."
    )
    # Hand count: 10 samples × 3 pairs; 16 pairs agree exactly, every pair within one level.
    assert math.isclose(exact, 16 / 30)
    assert within == 1.0
    assert "within one level always (100%), exactly about half the time (53%)" in h.sentence
    assert h.margin.startswith("Alpha's 95% interval runs from")
    no_bare_numbers(" ".join(h.text_lines()))


def test_one_sample_gives_the_count_and_no_reading() -> None:
    h = read(table([[3, 3, 3, 2]]))
    assert h.defined
    assert h.sentence.startswith("Only one sample was scored by two or more raters")
    assert "3 of 6 pairs of raters gave the same level" in h.sentence
    assert "almost perfect" not in h.sentence and "alpha" not in h.sentence
    assert not h.meaning and not h.margin
    no_bare_numbers(h.sentence)


def test_every_score_the_same_level_says_there_is_no_variation() -> None:
    h = read(table([[3, 3, 3], [3, 3, 3], [3, 3, None]]))
    assert not h.defined
    assert "same level (3)" in h.sentence
    assert "cannot be told apart from chance" in h.sentence
    assert h.figures == ()
    no_bare_numbers(" ".join(h.text_lines()))


def test_two_raters_are_enough() -> None:
    h = read(table([[1, 2], [3, 3], [2, 2], [4, 3], [2, 2], [1, 1]]))
    assert h.defined
    assert "exactly more often than not (67%)" in h.sentence
    assert "within one level always (100%)" in h.sentence
    assert "Krippendorff's alpha" in h.sentence


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        ([[None, None], [None, None]], "Nobody has scored yet"),
        ([[2, None], [3, None]], "Only R1 has scored, and agreement needs at least two raters"),
        ([[2, None], [None, 3]], "No sample was scored by two or more raters"),
    ],
)
def test_too_few_raters_say_why(rows: list[list[int | None]], says: str) -> None:
    h = read(table(rows))
    assert not h.defined
    assert h.sentence.startswith(says)
    assert h.figures == ()


def test_a_rater_with_no_scores_is_left_out_and_named() -> None:
    rows: list[list[int | None]] = [
        [1, 2, None, 2],
        [3, 3, None, 3],
        [2, 2, None, 1],
        [4, 3, None, 4],
    ]
    t = table(rows, ("Ana", "Ben", "Erik", "Cy"))
    kept, left_out = leave_out_raters(t, unit_word="samples")
    assert kept.rater_ids == ("Ana", "Ben", "Cy")
    assert left_out_sentence(left_out) == "Left out: Erik (gave no scores)."
    h = read(t)
    assert h.text_lines()[-1] == "Left out: Erik (gave no scores)."
    # With Erik left out the figures need the same raters on every sample, and have them.
    report = agreement_report(kept, n_boot=0)
    assert report.results["icc_2_1"].defined
    assert not agreement_report(t, n_boot=0).results["icc_2_1"].defined
    # The team's report names no one: it counts instead.
    assert left_out_sentence(left_out, named=False) == (
        "Left out of the figures: 1 rater who gave no scores."
    )


def test_partial_raters_are_left_out_only_when_asked() -> None:
    rows: list[list[int | None]] = [[1, 2, 2], [3, 3, None], [2, 2, 1], [4, 3, 4]]
    t = table(rows, ("Ana", "Ben", "Cy"))
    kept, left_out = leave_out_raters(t, unit_word="samples")
    assert kept.n_raters == 3 and left_out == ()
    kept, left_out = leave_out_raters(t, partial=True, unit_word="samples")
    assert kept.rater_ids == ("Ana", "Ben")
    assert left_out_sentence(left_out) == "Left out: Cy (scored 3 of 4 samples)."
    h = read(t, partial=True)
    assert h.defined and h.left_out == left_out
    # Never down to one rater: partial raters stay when only one rater scored everything.
    two_partial = table([[1, 2, None], [3, None, 3], [2, 2, 1]], ("Ana", "Ben", "Cy"))
    kept, left_out = leave_out_raters(two_partial, partial=True)
    assert kept.n_raters == 3 and left_out == ()
