"""Fixtures for the storage tests: a fresh database file per test, and a small seeded meeting."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from calibrate.domain.model import (
    Criterion,
    Level,
    Phase,
    Rater,
    Rubric,
    RubricKind,
    Sample,
    Session,
)
from calibrate.storage.store import Store


def fixed_clock() -> Callable[[], str]:
    """A clock that ticks one second per call, from 2026-10-14 09:00:00 UTC."""
    ticks = itertools.count()

    def now() -> str:
        n = next(ticks)
        return f"2026-10-14T09:{n // 60 % 60:02d}:{n % 60:02d}.000+00:00"

    return now


def make_rubric(name: str = "Grade 8 argument writing", *, wording: str = "Beginning") -> Rubric:
    def levels(prefix: str) -> tuple[Level, ...]:
        labels = (wording, "Developing", "Proficient", "Advanced")
        return tuple(
            Level(score=s, label=labels[s - 1], descriptor=f"{prefix} at level {s}.")
            for s in (1, 2, 3, 4)
        )

    return Rubric(
        name=name,
        subject="English language arts",
        grade_band="6–8",
        kind=RubricKind.ANALYTIC,
        criteria=(
            Criterion(
                key="claim",
                name="Claim",
                description="How clearly the essay takes and keeps a position.",
                student_wording="I state my position clearly.",
                levels=levels("Claim"),
            ),
            Criterion(key="evidence", name="Evidence", levels=levels("Evidence")),
        ),
    )


@dataclass(frozen=True)
class Meeting:
    """A stored rubric, three samples, three raters (one not in the session) and a session in
    the scoring phase."""

    rubric: Rubric
    samples: tuple[Sample, ...]
    raters: tuple[Rater, ...]
    outsider: Rater
    session: Session

    @property
    def session_id(self) -> int:
        assert self.session.id is not None
        return self.session.id

    def sample_id(self, n: int) -> int:
        sample_id = self.samples[n].id
        assert sample_id is not None
        return sample_id

    def rater_id(self, n: int) -> int:
        rater_id = self.raters[n].id
        assert rater_id is not None
        return rater_id


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "calibrate.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path, clock=fixed_clock()) as opened:
        yield opened


def seed_meeting(store: Store) -> Meeting:
    rubric = store.add_rubric(make_rubric())
    samples = tuple(
        store.add_sample(
            Sample(
                title=f"Should our school start later? ({n})",
                body=f"Essay {n} in *Markdown*.",
                student_code=f"G8-A-{n:03d}",
                grade="8",
                task="Argue for or against a later start.",
                attachments=(f"scan-{n}.pdf",),
                key=f"essay-{n}",
            )
        )
        for n in (1, 2, 3)
    )
    raters = tuple(
        store.add_rater(Rater(name=name, initials=name[:2].upper(), role="teacher"))
        for name in ("Amara Okafor", "Ben Lindqvist")
    )
    outsider = store.add_rater(Rater(name="Chris Outside"))
    assert rubric.id is not None
    session = store.create_session(
        Session(
            title="October calibration",
            date="2026-10-14",
            rubric_id=rubric.id,
            facilitator="Amara Okafor",
            sample_ids=tuple(s.id for s in samples if s.id is not None),
            rater_ids=tuple(r.id for r in raters if r.id is not None),
            phase=Phase.SCORING,
            cut_score=3,
        )
    )
    return Meeting(rubric, samples, raters, outsider, session)


@pytest.fixture
def meeting(store: Store) -> Meeting:
    return seed_meeting(store)
