"""The Rasch figures in plain words for the rater screens and the reports.

:func:`revealed_ratings` reads every revealed session into plain
:class:`~calibrate.services.reliability.rasch.SessionRatings` (use it on the store's thread);
:func:`team_rasch` and :func:`rater_rasch` take only those plain arrays, so they can run in a
thread worker. Every "not available" carries its reason in words. :func:`team_counts` says the
same for a whole team without naming anyone (for the team's session report).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from calibrate.services.reliability.history import revealed_sessions
from calibrate.services.reliability.rasch import (
    DriftStep,
    SessionRasch,
    SessionRatings,
    fit_session,
    rater_drift,
    session_ratings,
)
from calibrate.stats.rasch import Interaction, RaterReading
from calibrate.storage.store import Store

FIT_BANDS = (
    "Fit bands (FACETS mean-square): 0.5–1.5 productive · 1.5–2.0 unproductive · "
    "> 2.0 degrading · < 0.5 too predictable"
)
#: A few words per fit band, for one line per rater.
BAND_WORDS = {
    "productive": "scores fit the pattern",
    "muted": "more predictable than expected (keeps to the middle)",
    "unproductive": "somewhat unpredictable, not degrading",
    "degrading": "often against the pattern (degrading)",
    "not judged": "fit not judged",
}
ABOUT = (
    "Rasch model: each rater's severity with how hard the samples and criteria were taken out, "
    "so a rater who happened to score the hardest work is not called harsh."
)
NO_SESSION = "Not available: no revealed session has scores yet."
#: What a numerical failure of the fit (not a user's mistake) may raise.
FIT_FAILURES = (ValueError, ArithmeticError, np.linalg.LinAlgError)


def fit_or_reason(ratings: SessionRatings) -> SessionRasch:
    """:func:`fit_session`, with a numerical failure turned into a reason in words."""
    try:
        return fit_session(ratings)
    except FIT_FAILURES as exc:
        return SessionRasch(ratings, None, reason=f"the model could not be fitted ({exc}).")


def revealed_ratings(store: Store, *, rater_id: int | None = None) -> tuple[SessionRatings, ...]:
    """Every revealed session's round-1 scores as plain arrays, oldest first (only the sessions
    ``rater_id`` took part in, when given). Use on the store's own thread."""
    out = []
    for session in revealed_sessions(store):
        if session.id is None or (rater_id is not None and rater_id not in session.rater_ids):
            continue
        out.append(session_ratings(store, session.id))
    return tuple(sorted(out, key=lambda r: (r.date, r.session_id)))


@dataclass(frozen=True)
class TeamRasch:
    """The latest revealed session's fit, or why there is none."""

    result: SessionRasch | None
    reason: str | None = None

    @property
    def heading(self) -> str:
        if self.result is None:
            return "Raters on one scale (Rasch model)"
        r = self.result.ratings
        return f"Raters on one scale (Rasch model) · {r.date} {r.title}"

    def lines(self) -> tuple[str, ...]:
        """One line per rater (severity, then fit), or the reason in words."""
        if self.result is None or not self.result.readings:
            return (f"Not available: {self.reason}",)
        return tuple(compact_line(x) for x in self.result.readings)


def compact_line(reading: RaterReading) -> str:
    """One rater on one line: "Erik: scores about half a level harder than the team on similar
    work · scores fit the pattern"."""
    name = reading.rater
    severity = reading.severity.removeprefix(f"{name}: ").removeprefix(f"{name} ")
    severity = severity.removeprefix(f"{name}'s ").rstrip(".")
    return f"{name}: {severity} · {BAND_WORDS.get(reading.band, reading.band)}"


def team_rasch(sessions: Sequence[SessionRatings]) -> TeamRasch:
    """Fit the latest session (plain data only: safe in a thread)."""
    if not sessions:
        return TeamRasch(None, NO_SESSION.removeprefix("Not available: "))
    result = fit_or_reason(sessions[-1])
    return TeamRasch(result, result.reason)


@dataclass(frozen=True)
class RaterRasch:
    """One rater: the latest session's reading, clear bias by criterion, drift over sessions."""

    rater: str
    latest: SessionRasch | None
    reading: RaterReading | None
    bias: tuple[Interaction, ...]
    drift: tuple[DriftStep, ...]
    reason: str | None = None

    def sentences(self) -> tuple[str, ...]:
        if self.reading is None:
            return (f"Not available: {self.reason}",)
        return self.reading.sentences + tuple(bias_sentence(i) for i in self.bias)

    def drift_lines(self) -> tuple[str, ...]:
        return drift_lines(self.drift)


def rater_rasch(sessions: Sequence[SessionRatings], rater: str) -> RaterRasch:
    """``rater`` in the latest session they scored, and their drift (plain data only)."""
    mine = [s for s in sessions if rater in s.rater_labels]
    if not mine:
        return RaterRasch(rater, None, None, (), (), "no revealed session of theirs yet.")
    latest = fit_or_reason(mine[-1])
    try:
        steps = rater_drift(mine, rater) if len(mine) > 1 else ()
    except FIT_FAILURES as exc:
        why = f"the model could not be fitted ({exc})."
        steps = tuple(DriftStep(s.session_id, s.title, None, None, None, why) for s in mine)
    reading = latest.reading(rater)
    if reading is None:
        return RaterRasch(rater, latest, None, (), steps, latest.reason)
    bias = tuple(i for i in latest.bias if i.rater_label == rater and i.significant)
    return RaterRasch(rater, latest, reading, bias, steps)


def bias_sentence(i: Interaction) -> str:
    """A clear rater × criterion interaction in words (|t| ≥ 2, p < .05)."""
    way = "harder" if (i.bias or 0.0) > 0 else "more generously"
    return (
        f"On {i.criterion_label}, {i.rater_label} scores {way} than their own usual "
        f"(average {i.observed_average:.1f} given, {i.expected_average:.1f} expected; "
        f"t = {i.t:+.1f})."
    )


def drift_lines(steps: Sequence[DriftStep]) -> tuple[str, ...]:
    """Severity session by session, each change with its standard error, or why not."""
    if len(steps) < 2:
        return ("Drift on one scale needs two revealed sessions; there is one so far.",)
    lines = []
    for step in steps[1:]:
        if step.drift is not None and step.drift.change is not None:
            lines.append(f"{step.title}: {step.drift.reading}")
        else:
            why = step.reason or (step.drift.reason if step.drift else None) or "no estimate."
            lines.append(f"{step.title}: not compared ({why})")
    return tuple(lines)


def _count(n: int, what: str) -> str:
    return f"{n} rater{'' if n == 1 else 's'} {what}"


def team_counts(result: SessionRasch) -> tuple[str, ...]:
    """The team's Rasch picture in counts, naming no rater (for the team's report)."""
    if not result.readings:
        return (f"Not available: {result.reason}",)
    rs = result.readings
    verbs = {
        "harder": ("score harder", "scores harder"),
        "more generously": ("score more generously", "scores more generously"),
    }
    lines = []
    for lean, (many, one) in verbs.items():
        n = sum(1 for r in rs if r.lean == lean)
        if n:
            lines.append(_count(n, (one if n == 1 else many) + " than the team on similar work."))
    alike = sum(1 for r in rs if r.lean == "like the team")
    lines.append(f"{alike} of {len(rs)} raters score like the team (no clear difference).")
    bands = {
        "productive": "fit the pattern (mean-square 0.5–1.5).",
        "muted": "are more predictable than expected (keeping to the middle; below 0.5).",
        "unproductive": "are somewhat unpredictable (1.5–2.0), not enough to distort.",
        "degrading": "often go against the pattern (above 2.0): they blur the measurement.",
    }
    for band, words in bands.items():
        n = sum(1 for r in rs if r.band == band)
        if n:
            lines.append(f"{n} rater{chr(39) + 's' if n == 1 else 's' + chr(39)} scores {words}")
    n_bias = len({(i.rater, i.criterion) for i in result.bias if i.significant})
    if n_bias:
        lines.append(f"{n_bias} rater–criterion pair{'' if n_bias == 1 else 's'} differ clearly "
                     "from the rater's own usual severity (|t| ≥ 2).")  # fmt: skip
    return tuple(lines)
