"""The Rasch words' service: reasons instead of tracebacks, and compact lines per rater."""

from __future__ import annotations

import pytest

from calibrate.services.reliability import rasch_summary
from calibrate.services.reliability.rasch import SessionRatings, fit_session
from calibrate.services.reliability.rasch_summary import (
    BAND_WORDS,
    compact_line,
    rater_rasch,
    team_rasch,
)


def ratings(sid: int = 1, date: str = "2026-01-01") -> SessionRatings:
    rows = [(s, c, r, (s + 2 * c + r) % 4) for s in range(6) for c in range(2) for r in range(3)]
    return SessionRatings(
        session_id=sid,
        title=f"S{sid}",
        date=date,
        samples=tuple(x[0] for x in rows),
        criteria=tuple(x[1] for x in rows),
        raters=tuple(x[2] for x in rows),
        codes=tuple(x[3] for x in rows),
        levels=(1.0, 2.0, 3.0, 4.0),
        sample_labels=tuple(f"s{i}" for i in range(6)),
        criterion_labels=("Ideas", "Evidence"),
        rater_labels=("Ada", "Ben", "Cy"),
        master_key_samples=tuple(f"s{i}" for i in range(6)),
    )


def test_no_session_says_so() -> None:
    assert team_rasch(()).lines() == ("Not available: no revealed session has scores yet.",)
    assert rater_rasch((), "Ada").sentences() == (
        "Not available: no revealed session of theirs yet.",
    )


def test_a_numerical_failure_is_a_reason_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise FloatingPointError("overflow in exp")

    monkeypatch.setattr(rasch_summary, "fit_session", broken)
    monkeypatch.setattr(rasch_summary, "rater_drift", broken)
    (line,) = team_rasch((ratings(),)).lines()
    assert line == "Not available: the model could not be fitted (overflow in exp)."
    two = rater_rasch((ratings(1), ratings(2, "2026-02-01")), "Ada")
    assert two.sentences()[0].startswith("Not available: the model could not be fitted")
    assert all("not compared" in d for d in two.drift_lines())


def test_compact_line_is_the_readings_words_on_one_line() -> None:
    result = fit_session(ratings())
    for reading in result.readings:
        line = compact_line(reading)
        assert line.startswith(f"{reading.rater}: ")
        assert line.endswith(BAND_WORDS[reading.band])
        assert reading.severity.removeprefix(reading.rater + " ").rstrip(".") in line
        assert "\n" not in line
