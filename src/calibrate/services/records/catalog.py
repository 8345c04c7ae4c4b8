"""Listings for the home screen and the CLI: sessions with their progress, rubrics, raters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import calibrate
from calibrate.domain.model import Phase, Rubric, Session
from calibrate.storage.store import Store


@dataclass(frozen=True)
class SessionSummary:
    session: Session
    rubric_name: str
    rubric_version: int
    n_samples: int
    n_raters: int
    n_criteria: int
    n_scores: int  # in the current round
    n_round_items: int | None = None  # items a re-score round asks for (None: every item)

    @property
    def expected(self) -> int:
        """Scores the current round asks for, over every rater."""
        items = self.n_samples * self.n_criteria
        return (items if self.n_round_items is None else self.n_round_items) * self.n_raters

    @property
    def progress_text(self) -> str:
        """Scores given in the current round out of those it asks for."""
        if self.session.phase is Phase.SETUP:
            return "not started"
        return f"{self.n_scores}/{self.expected} scores"

    @property
    def phase_text(self) -> str:
        """``scoring, round 2`` after a re-score round started, so its 0 scores read as a new
        round's; plain ``scoring`` in round 1."""
        phase = self.session.phase.value
        return phase if self.session.round == 1 else f"{phase}, round {self.session.round}"


def session_summaries(store: Store) -> list[SessionSummary]:
    rubrics: dict[int, Rubric] = {}
    out = []
    for session in store.list_sessions():
        rubric = rubrics.get(session.rubric_id)
        if rubric is None:
            rubric = rubrics[session.rubric_id] = store.get_rubric(session.rubric_id)
        out.append(
            SessionSummary(
                session=session,
                rubric_name=rubric.name,
                rubric_version=rubric.version,
                n_samples=len(session.sample_ids),
                n_raters=len(session.rater_ids),
                n_criteria=len(rubric.criteria),
                n_scores=len(store.scores(_id(session), round=session.round)),
                n_round_items=_count(store.round_items(_id(session), session.round)),
            )
        )
    out.sort(key=lambda s: (s.session.date, s.session.id or 0), reverse=True)
    return out


def bundled_scenario_dir() -> Path:
    """The scenarios shipped with calibrate (inside the wheel, or the source checkout's)."""
    package = Path(calibrate.__file__).resolve().parent
    inside = package / "bundled_scenarios"
    if inside.is_dir():
        return inside
    return package.parents[1] / "scenarios"


def bundled_scenarios() -> list[Path]:
    return sorted(bundled_scenario_dir().glob("*.toml"))


def _id(session: Session) -> int:
    assert session.id is not None
    return session.id


def _count(items: frozenset[tuple[int, str]] | None) -> int | None:
    return None if items is None else len(items)
