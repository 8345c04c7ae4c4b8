"""Rater reliability on the kits' recorded scores, against figures computed here by plain loops
over the kit TOML files (parsed with tomllib, not with calibrate's loader)."""

from __future__ import annotations

import math
import statistics
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.proportion import proportion_confint

from calibrate.domain.errors import InvalidOperationError
from calibrate.domain.model import Consensus
from calibrate.services.meeting import sessions as meeting
from calibrate.services.records.database import load_scenario_file
from calibrate.services.reliability.comparison import ReferenceKind, session_reliability
from calibrate.services.reliability.history import rater_history, team_histories
from calibrate.stats.rater_effects import Lean, lean_of
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KITS = {p.stem: p for p in sorted((ROOT / "scenarios").glob("*.toml"))}


def clock() -> str:
    return "2026-10-14T09:00:00.000+00:00"


def kit_rows(path: Path) -> dict[str, list[tuple[str, str, int, int | None]]]:
    """rater -> [(sample, criterion, level, master-key level or None)] for round-1 scores."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    key = {m["sample"]: m["levels"] for m in data.get("master_key", [])}
    out: dict[str, list[tuple[str, str, int, int | None]]] = {}
    for entry in data["session"]["scores"]:
        if entry.get("round", 1) != 1:
            continue
        for criterion, level in entry["levels"].items():
            ref = key.get(entry["sample"], {}).get(criterion)
            out.setdefault(entry["rater"], []).append((entry["sample"], criterion, level, ref))
    return out


def kit_cut(path: Path) -> int | None:
    cut: int | None = tomllib.loads(path.read_text(encoding="utf-8"))["session"].get("cut_score")
    return cut


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "kits.db", clock=clock) as opened:
        for path in KITS.values():
            load_scenario_file(opened, path)
        yield opened


def session_of(store: Store, kit: str) -> int:
    title = tomllib.loads(KITS[kit].read_text(encoding="utf-8"))["session"]["title"]
    found = next(s for s in store.list_sessions() if s.title == title)
    assert found.id is not None
    return found.id


@pytest.mark.parametrize("kit", list(KITS))
def test_every_raters_figures_match_a_hand_count(store: Store, kit: str) -> None:
    rel = session_reliability(store, session_of(store, kit))
    rows = kit_rows(KITS[kit])
    cut = kit_cut(KITS[kit])
    assert {r.rater.name for r in rel.raters} == set(rows)
    for result in rel.raters:
        mine = rows[result.rater.name]
        compared = [(lv, ref) for _, _, lv, ref in mine if ref is not None]
        n = len(compared)
        exact = sum(lv == ref for lv, ref in compared)
        adjacent = sum(abs(lv - ref) <= 1 for lv, ref in compared)
        far = sum(abs(lv - ref) >= 2 for lv, ref in compared)
        assert len(result.scores) == len(mine)
        assert result.n_compared == n
        assert result.n_not_compared == len(mine) - n
        assert result.exact.statistic == pytest.approx(exact / n)
        assert result.adjacent.statistic == pytest.approx(adjacent / n)
        assert result.n_far == far
        # Wilson intervals: statsmodels' proportion_confint as an independent implementation.
        assert result.exact.confidence_interval() == pytest.approx(
            proportion_confint(exact, n, alpha=0.05, method="wilson")
        )
        deviations = [lv - ref for lv, ref in compared]  # every kit's levels are consecutive
        assert result.severity.statistic == pytest.approx(statistics.mean(deviations))
        if cut is not None:
            same = sum((lv >= cut) == (ref >= cut) for lv, ref in compared)
            assert result.same_decision.statistic == pytest.approx(same / n)
        levels = sorted({lv for _, _, lv, _ in mine} | {ref for _, ref in compared})
        expected_kappa = cohen_kappa_score(
            [lv for lv, _ in compared],
            [ref for _, ref in compared],
            weights="quadratic",
            labels=list(range(min(levels), max(levels) + 1)),
        )
        assert result.weighted_kappa.statistic == pytest.approx(expected_kappa, abs=1e-9)


def test_erik_lindqvist_is_lenient_and_the_interval_excludes_zero(store: Store) -> None:
    # The grade-8 kit's designed lenient rater: his deviations from the key, counted by hand.
    rows = kit_rows(KITS["grade8-argument"])["Erik Lindqvist"]
    d = [lv - ref for _, _, lv, ref in rows if ref is not None]
    mean, sd = statistics.mean(d), statistics.stdev(d)
    assert mean == pytest.approx(0.425)  # 17 levels above the key over 40 scores
    rel = session_reliability(store, session_of(store, "grade8-argument"))
    erik = next(r for r in rel.raters if r.rater.name == "Erik Lindqvist")
    ci = erik.severity.confidence_interval()
    assert ci is not None and ci[0] > 0
    half = 2.0226909200367595 * sd / math.sqrt(len(d))  # t(0.975, 39), scipy.stats.t.ppf
    assert ci == pytest.approx((mean - half, mean + half))
    assert lean_of(erik.severity) is Lean.LENIENT


def test_marcus_baptiste_is_flagged_for_central_tendency(store: Store) -> None:
    rel = session_reliability(store, session_of(store, "grade8-argument"))
    flagged = {r.rater.name for r in rel.raters if r.central_tendency.flagged}
    assert flagged == {"Marcus Baptiste"}
    marcus = next(r for r in rel.raters if r.rater.name == "Marcus Baptiste")
    levels = [lv for _, _, lv, _ in kit_rows(KITS["grade8-argument"])["Marcus Baptiste"]]
    assert marcus.central_tendency.rater_sd == pytest.approx(statistics.stdev(levels))
    assert marcus.central_tendency.extreme_share == pytest.approx(
        sum(lv in (1, 4) for lv in levels) / len(levels)
    )
    assert {u.flag for u in marcus.level_use} >= {"under"}


def test_severity_matrix_is_per_rater_and_criterion(store: Store) -> None:
    rel = session_reliability(store, session_of(store, "grade8-argument"))
    matrix = rel.severity_matrix()
    rows = kit_rows(KITS["grade8-argument"])
    erik = next(r for r in matrix.raters if r.name == "Erik Lindqvist")
    assert erik.id is not None
    for criterion in matrix.criteria:
        d = [lv - ref for _, c, lv, ref in rows["Erik Lindqvist"] if c == criterion.key and ref]
        assert matrix.cell(erik.id, criterion.key).statistic == pytest.approx(statistics.mean(d))


def test_items_without_a_key_use_the_consensus_or_say_there_is_none(store: Store) -> None:
    session_id = session_of(store, "grade5-subtraction")
    rel = session_reliability(store, session_id)
    dana = next(r for r in rel.raters if r.rater.name == "Dana Whitfield")
    assert dana.n_not_compared == 6
    assert "no master key and no consensus yet" in dana.status
    unkeyed = next(
        s
        for s in dana.scores
        if (s.sample_id, s.criterion_key)
        not in {(c.sample_id, c.criterion_key) for c in dana.comparisons}
    )
    store.set_consensus(
        Consensus(session_id, unkeyed.sample_id, unkeyed.criterion_key, 2, "agreed")
    )
    again = session_reliability(store, session_id)
    dana2 = next(r for r in again.raters if r.rater.name == "Dana Whitfield")
    assert dana2.n_not_compared == 5
    assert dana2.count(ReferenceKind.CONSENSUS) == 1
    assert "1 with the team's consensus" in dana2.status


def later_session(
    store: Store,
    date: str,
    *,
    exact_for: set[str],
    first_id: int | None = None,
    title: str | None = None,
) -> int:
    """A second grade-8 session on the same samples (those of ``first_id``, by default the
    kit's recorded session): raters in ``exact_for`` give the key's level everywhere; the
    others give one level above the key (capped at 4)."""
    first = store.get_session(first_id or session_of(store, "grade8-argument"))
    session = meeting.create_session(
        store,
        title=title or f"Follow-up {date}",
        date=date,
        rubric_id=first.rubric_id,
        sample_ids=first.sample_ids,
        rater_ids=first.rater_ids,
    )
    assert session.id is not None
    key = {(r.sample_id, r.criterion_key): r.level for r in store.reference_scores()}
    for rid in first.rater_ids:
        name = store.get_rater(rid).name
        for (sample_id, criterion), level in key.items():
            if sample_id in first.sample_ids:
                given = level if name in exact_for else min(level + 1, 4)
                store.record_score(session.id, sample_id, criterion, rid, given)
    return session.id


def test_the_blind_scores_of_a_session_being_scored_stay_hidden(store: Store) -> None:
    first = store.get_session(session_of(store, "grade8-argument"))
    session = meeting.create_session(
        store,
        title="Still scoring",
        date="2026-12-01",
        rubric_id=first.rubric_id,
        sample_ids=first.sample_ids,
        rater_ids=first.rater_ids,
    )
    assert session.id is not None
    with pytest.raises(InvalidOperationError, match="hidden"):
        session_reliability(store, session.id)
    erik = store.rater_by_name("Erik Lindqvist")
    assert erik is not None and erik.id is not None
    assert len(rater_history(store, erik.id).points) == 1  # the scoring session is left out


def test_timeline_flags_drift_and_counts_anchor_checks(store: Store) -> None:
    later = later_session(store, "2026-12-02", exact_for={"Erik Lindqvist"})
    meeting.reveal(store, later)
    erik = store.rater_by_name("Erik Lindqvist")
    assert erik is not None and erik.id is not None
    history = rater_history(store, erik.id)
    assert [p.session.date for p in history.points] == ["2026-10-14", "2026-12-02"]
    second = history.points[1]
    assert second.previous is not None and second.previous.date == "2026-10-14"
    assert second.drift_exact is not None and second.drift_exact.significant  # 21/40 -> 40/40
    assert second.drift_severity is not None and second.drift_severity.significant
    assert second.drifted and len(history.drift_flags) == 2
    assert history.results[1].exact.statistic == 1.0
    # The kit's three approved anchors (essay-1 evidence 4, essay-3 claim 4, essay-6 reasoning
    # 2) come back in the later session: validity checks, all matched by a rater giving the key.
    assert len(history.anchor_checks) == 3
    assert history.anchors_matched == 3
    linh = store.rater_by_name("Linh Tran")
    assert linh is not None and linh.id is not None
    linh_checks = rater_history(store, linh.id).anchor_checks
    # One level above the key, capped at 4: the two level-4 anchors still match, level 2 not.
    assert sorted(c.matched for c in linh_checks) == [False, True, True]


def test_team_histories_cover_every_rater(store: Store) -> None:
    histories = team_histories(store)
    assert [h.rater.name for h in histories] == sorted(
        (r.name for r in store.list_raters()), key=str.casefold
    )
    assert all(len(h.points) == 1 for h in histories)
    assert all(not h.drift_flags for h in histories)
