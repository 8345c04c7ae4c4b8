"""Setting up a new session from a form: the choices offered, each field checked in plain words,
then :func:`calibrate.services.meeting.sessions.create_session`. Plain data in and out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Rubric, Sample, Session
from calibrate.domain.text_rules import name_problem
from calibrate.services.meeting import sessions as meeting
from calibrate.storage.store import Store

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class SessionForm:
    """What the setup form holds. Sample and rater ids are in the order they were listed."""

    title: str
    date: str
    rubric_id: int | None
    sample_ids: tuple[int, ...]
    rater_ids: tuple[int, ...]
    cut_score: int | None = None
    blind: bool = True
    facilitator: str = ""


def _test_targets(store: Store) -> set[int]:
    """The rubrics that are a test's learning targets (right/wrong items, not levels a team
    scores): not offered for a calibration session."""
    families = store.target_rubric_families()  # every version: an edited test's too
    return {
        r.id
        for r in store.list_rubrics(all_versions=True)
        if r.id is not None and r.family_id in families
    }


def rubric_choices(store: Store) -> list[tuple[str, int]]:
    """Every rubric version a team can calibrate on as ``("name vN", id)``, by name then
    version (a test's learning targets are left out)."""
    targets = _test_targets(store)
    return [
        (f"{r.name} v{r.version}", _id(r))
        for r in store.list_rubrics(all_versions=True)
        if r.id not in targets
    ]


def default_rubric(store: Store) -> int | None:
    """The newest version of the first rubric by name that a team can calibrate on (None when
    there is none)."""
    targets = _test_targets(store)
    newest = [r for r in store.list_rubrics() if r.id not in targets]
    return _id(newest[0]) if newest else None


@dataclass(frozen=True)
class SampleChoice:
    sample_id: int
    label: str  # e.g. "Should our school start later?  (G8-A-017 · essay · grade 8)"
    with_rubric: bool  # already used with this rubric (scored, keyed or anchored)


def sample_label(sample: Sample) -> str:
    """The title, then the student code, kind and grade: enough to tell two copies apart."""
    facts = [
        sample.student_code,
        sample.kind.value,
        f"grade {sample.grade}" if sample.grade else "",
    ]
    shown = " · ".join(part for part in facts if part)
    return f"{sample.title}  ({shown})" if shown else sample.title


def sample_choices(store: Store, rubric_id: int | None) -> list[SampleChoice]:
    """The samples a session on ``rubric_id`` can score, in the order they were added: those
    used with this rubric (scored in a session of any of its versions, given a master-key level
    on it, or kept as its anchor) and those not used with any rubric yet (new work). Samples
    used only with other rubrics are left out. Without a rubric, every sample."""
    samples = [s for s in store.list_samples() if s.id is not None]
    if rubric_id is None:
        return [SampleChoice(_sid(s), sample_label(s), False) for s in samples]
    family = {r.id: r.family_id or r.id for r in store.list_rubrics(all_versions=True)}
    uses: dict[int, set[int | None]] = {}
    for session in store.list_sessions():
        for sample_id in session.sample_ids:
            uses.setdefault(sample_id, set()).add(family.get(session.rubric_id))
    for ref in store.reference_scores():
        if ref.rubric_id is not None:
            uses.setdefault(ref.sample_id, set()).add(family.get(ref.rubric_id))
    for anchor in store.anchors():
        uses.setdefault(anchor.sample_id, set()).add(family.get(anchor.rubric_id))
    mine = family.get(rubric_id)
    return [
        SampleChoice(_sid(s), sample_label(s), mine in uses.get(_sid(s), set()))
        for s in samples
        if not uses.get(_sid(s)) or mine in uses[_sid(s)]
    ]


def cut_choices(rubric: Rubric) -> list[tuple[str, int]]:
    """The level scores a "meets standard" cut can sit at, as ``("3 · Proficient", 3)``.

    A label is shown when every criterion that has the level gives it the same label.
    """
    labels: dict[int, set[str]] = {}
    for criterion in rubric.criteria:
        for level in criterion.levels:
            labels.setdefault(level.score, set()).add(level.label)
    out = []
    for score in sorted(labels):
        names = labels[score]
        text = f"{score} · {next(iter(names))}" if len(names) == 1 else str(score)
        out.append((f"at or above {text}", score))
    return out


def check_form(store: Store, form: SessionForm) -> dict[str, str]:
    """The problems of each field, keyed by field name (``title``, ``date``, ``rubric``,
    ``cut``, ``samples``, ``raters``); empty when the form can be saved."""
    problems: dict[str, str] = {}
    if not form.title.strip():
        problems["title"] = "Give the session a title, e.g. “November calibration: essays”."
    elif (problem := name_problem(form.title.strip())) is not None:
        problems["title"] = f"The title {problem}."
    if (msg := date_problem(form.date)) is not None:
        problems["date"] = msg
    if form.rubric_id is None:
        problems["rubric"] = "Choose the rubric version the team scores against."
    elif form.cut_score is not None:
        rubric = store.get_rubric(form.rubric_id)
        if all(form.cut_score not in c.scores for c in rubric.criteria):
            problems["cut"] = f"{form.cut_score} is not a level of {rubric.name}."
    if not form.sample_ids:
        problems["samples"] = "Choose at least one sample to score (space ticks one)."
    if len(form.rater_ids) < 2:
        problems["raters"] = "Choose at least two raters: agreement needs two people."
    return problems


def date_problem(text: str) -> str | None:
    """None if ``text`` is a real date written year-month-day, else what is wrong."""
    text = text.strip()
    example = "e.g. 2026-11-23"
    if not text:
        return f"Write the meeting date as year-month-day, {example}."
    if not _ISO_DATE.fullmatch(text):
        return f"Write the date as year-month-day with dashes, {example}."
    try:
        date.fromisoformat(text)
    except ValueError:
        return f"{text} is not a date in the calendar."
    return None


def start_session(store: Store, form: SessionForm) -> Session:
    """Check the form and create the session, open for scoring.

    Raises InvalidOperationError (the first problem found) and saves nothing if a field is
    wrong; see :func:`check_form` for all of them at once.
    """
    problems = check_form(store, form)
    if problems:
        raise InvalidOperationError(next(iter(problems.values())))
    assert form.rubric_id is not None
    return meeting.create_session(
        store,
        title=form.title,
        date=form.date.strip(),
        rubric_id=form.rubric_id,
        sample_ids=form.sample_ids,
        rater_ids=form.rater_ids,
        facilitator=form.facilitator.strip(),
        blind=form.blind,
        cut_score=form.cut_score,
        start=True,
    )


def _sid(sample: Sample) -> int:
    assert sample.id is not None
    return sample.id


def _id(rubric: Rubric) -> int:
    assert rubric.id is not None
    return rubric.id
