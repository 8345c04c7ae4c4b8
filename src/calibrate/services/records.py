"""Use cases on the records: load a workshop kit, set up the demo, back up the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from calibrate.domain.errors import NotFoundError
from calibrate.services import meeting
from calibrate.services.catalog import bundled_scenario_dir
from calibrate.storage.scenario_files import read_scenario
from calibrate.storage.scenario_store import LoadReport, load_scenario, stored_key
from calibrate.storage.store import Store

DEMO_KIT = "grade8-argument.toml"


@dataclass(frozen=True)
class LoadedKit:
    name: str
    report: LoadReport


def load_scenario_file(store: Store, path: Path) -> LoadedKit:
    """Validate a scenario file and store it, all or nothing (loading twice adds nothing)."""
    scenario = read_scenario(path)
    return LoadedKit(scenario.name, load_scenario(store, scenario))


def prepare_demo(store: Store, *, today: date | None = None) -> int:
    """Load the grade-8 kit and open a fresh session on it, ready to score; returns its id."""
    path = bundled_scenario_dir() / DEMO_KIT
    if not path.exists():
        raise NotFoundError(f"The demo kit {path} is missing from this installation.")
    scenario = read_scenario(path)
    report = load_scenario(store, scenario)
    sample_ids = []
    for sample in scenario.samples:
        stored = store.sample_by_key(stored_key(scenario.name, sample.key))
        assert stored is not None and stored.id is not None
        sample_ids.append(stored.id)
    rater_ids = []
    for rater in scenario.raters:
        stored_rater = store.rater_by_name(rater.name)
        assert stored_rater is not None and stored_rater.id is not None
        rater_ids.append(stored_rater.id)
    cut = scenario.session.cut_score if scenario.session else None
    session = meeting.create_session(
        store,
        title=f"Demo meeting: {scenario.name}",
        date=(today or date.today()).isoformat(),
        rubric_id=report.rubric_id,
        sample_ids=sample_ids,
        rater_ids=rater_ids,
        facilitator=scenario.session.facilitator if scenario.session else "",
        cut_score=cut,
    )
    assert session.id is not None
    return session.id
