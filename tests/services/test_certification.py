"""Certification verdicts: every verdict states n and the Wilson lower bound, and the four
outcomes (certified / not yet / not enough evidence / does not meet) follow their definitions."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from calibrate.services.records.database import load_scenario_file
from calibrate.services.reliability.certification import (
    Verdict,
    certify,
    default_policy,
    scores_needed,
)
from calibrate.services.reliability.comparison import Comparison, RaterSession, ReferenceKind
from calibrate.services.reliability.history import team_histories
from calibrate.storage.policy_files import PolicyError, parse_policy, read_policy
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KITS = sorted((ROOT / "scenarios").glob("*.toml"))

POLICY_4 = """
[policy]
name = "test"
last_sessions = {last}

[[rules]]
min_levels = 4
max_levels = 4
exact = {exact}
adjacent = 0.90
max_two_away = {far}
"""


def clock() -> str:
    return "2026-10-14T09:00:00.000+00:00"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RaterSession]]:
    path = tmp_path_factory.mktemp("cert") / "kits.db"
    with Store.open(path, clock=clock) as store:
        for kit in KITS:
            load_scenario_file(store, kit)
        yield {h.rater.name: h.results[0] for h in team_histories(store)}


def synthetic(base: RaterSession, steps: list[int], *, date: str = "2026-10-14") -> RaterSession:
    """``base`` with its comparisons replaced: one per step, on a 4-level scale."""
    comparisons = tuple(
        Comparison(i, "claim", 2 + s, 2, ReferenceKind.MASTER_KEY, s, 4)
        for i, s in enumerate(steps)
    )
    session = dataclasses.replace(base.session, date=date)
    return dataclasses.replace(base, comparisons=comparisons, session=session)


def test_the_default_policy_is_naeps_scale_dependent_bars() -> None:
    policy = default_policy()
    # NAEP qualifying criteria (NCES, NAEP Technical Documentation, "Qualifying Sets", 2008):
    # 90% exact for 2-point items, 80% for 3-point, 70% for 4-, 5- and 6-point items.
    assert [(r.min_levels, r.max_levels, r.exact) for r in policy.rules[:3]] == [
        (2, 2, 0.90),
        (3, 3, 0.80),
        (4, 6, 0.70),
    ]
    seven = policy.rule_for(7)
    assert seven is not None and seven.adjacent == 0.80 and seven.exact is None
    assert policy.last_sessions == 3 and policy.confidence == 0.95


@pytest.mark.parametrize(
    ("rater", "verdict"),
    [
        ("Amara Okafor", Verdict.CERTIFIED),  # 36/40 exact, 40/40 adjacent, none far
        ("Linh Tran", Verdict.NOT_YET),  # 32/40 exact: 80%, lower bound 65% < 70%
        ("Erik Lindqvist", Verdict.DOES_NOT_MEET),  # 21/40 exact: 52% < 70%
        ("Siobhan Halloran", Verdict.DOES_NOT_MEET),  # two scores two levels away
        ("Dana Whitfield", Verdict.NOT_ENOUGH),  # 24 scores: adjacent 90% needs 35
    ],
)
def test_kit_raters_get_the_verdict_their_counts_imply(
    results: dict[str, RaterSession], rater: str, verdict: Verdict
) -> None:
    result = results[rater]
    cert = certify(result.rater, [result], default_policy())
    assert cert.verdict is verdict
    assert cert.n == result.n_compared
    exact = next(c for c in cert.checks if c.measure == "exact")
    hits = sum(c.exact for c in result.comparisons)
    low, _ = proportion_confint(hits, result.n_compared, alpha=0.05, method="wilson")
    assert exact.count == hits and exact.n == result.n_compared
    assert exact.lower_bound == pytest.approx(low)
    # Every verdict states n and the lower bound in words.
    assert f"{hits} of {result.n_compared}" in cert.summary
    assert f"lower bound {100 * low:.0f}%" in cert.summary
    assert cert.summary.startswith(verdict.value.capitalize())


def test_scores_needed_is_where_a_perfect_record_clears_the_bar() -> None:
    # With p = 1 the Wilson lower bound is n / (n + z²) (Wilson 1927).
    z2 = stats.norm.ppf(0.975) ** 2
    for bar in (0.70, 0.80, 0.90):
        n = scores_needed(bar, 0.95)
        assert n / (n + z2) >= bar > (n - 1) / (n - 1 + z2)
    assert scores_needed(0.90, 0.95) == 35
    assert scores_needed(0.70, 0.95) == 9


@settings(max_examples=120, deadline=None)
@given(
    n=st.integers(1, 80),
    share=st.floats(0, 1),
    bar=st.sampled_from([0.6, 0.7, 0.8, 0.9]),
)
def test_share_verdicts_follow_their_definitions(
    results: dict[str, RaterSession], n: int, share: float, bar: float
) -> None:
    hits = round(share * n)
    steps = [0] * hits + [1] * (n - hits)
    base = results["Amara Okafor"]
    policy = parse_policy(
        POLICY_4.format(last=3, exact=bar, far=100).replace("adjacent = 0.90\n", "")
    )
    check = certify(base.rater, [synthetic(base, steps)], policy).checks[0]
    low = proportion_confint(hits, n, alpha=0.05, method="wilson")[0]
    perfect = proportion_confint(n, n, alpha=0.05, method="wilson")[0]
    if perfect < bar:
        assert check.verdict is Verdict.NOT_ENOUGH
    elif low >= bar:
        assert check.verdict is Verdict.CERTIFIED
    elif hits / n >= bar:
        assert check.verdict is Verdict.NOT_YET
    else:
        assert check.verdict is Verdict.DOES_NOT_MEET
    assert check.n == n and check.lower_bound == pytest.approx(low)


def test_one_score_two_levels_away_fails_a_none_allowed_rule(
    results: dict[str, RaterSession],
) -> None:
    base = results["Amara Okafor"]
    steps = [0] * 60 + [2]
    strict = parse_policy(POLICY_4.format(last=3, exact=0.7, far=0))
    lenient = parse_policy(POLICY_4.format(last=3, exact=0.7, far=1))
    assert certify(base.rater, [synthetic(base, steps)], strict).verdict is Verdict.DOES_NOT_MEET
    assert certify(base.rater, [synthetic(base, steps)], lenient).verdict is Verdict.CERTIFIED


def test_only_the_last_n_sessions_count(results: dict[str, RaterSession]) -> None:
    base = results["Amara Okafor"]
    old = synthetic(base, [1] * 40, date="2026-01-10")  # poor, long ago
    new = synthetic(base, [0] * 40, date="2026-11-10")
    one = parse_policy(POLICY_4.format(last=1, exact=0.7, far=0))
    two = parse_policy(POLICY_4.format(last=2, exact=0.7, far=0))
    assert certify(base.rater, [new, old], one).verdict is Verdict.CERTIFIED
    assert [s.date for s in certify(base.rater, [new, old], one).sessions] == ["2026-11-10"]
    pooled = certify(base.rater, [new, old], two)
    assert pooled.n == 80 and pooled.verdict is Verdict.DOES_NOT_MEET


def test_no_compared_scores_is_not_enough_evidence(results: dict[str, RaterSession]) -> None:
    base = results["Amara Okafor"]
    cert = certify(base.rater, [synthetic(base, [])], default_policy())
    assert cert.verdict is Verdict.NOT_ENOUGH and cert.n == 0
    assert "No score" in cert.summary
    assert certify(base.rater, [], default_policy()).verdict is Verdict.NOT_ENOUGH


def test_scales_the_policy_does_not_cover_are_reported(results: dict[str, RaterSession]) -> None:
    base = results["Amara Okafor"]
    policy = parse_policy(
        '[policy]\nname = "x"\n[[rules]]\nmin_levels = 5\nmax_levels = 6\nexact = 0.7\n'
    )
    cert = certify(base.rater, [synthetic(base, [0] * 20)], policy)
    assert cert.verdict is Verdict.NOT_ENOUGH and "no rule" in cert.summary


# ----------------------------------------------------------------- policy files
def test_a_policy_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "district.toml"
    path.write_text(POLICY_4.format(last=2, exact=0.75, far=1), encoding="utf-8")
    policy = read_policy(path)
    assert policy.name == "test" and policy.last_sessions == 2
    assert policy.rules[0].exact == 0.75 and policy.rules[0].max_two_away == 1
    assert policy.source == str(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (POLICY_4.format(last=3, exact=70, far=0), "line 9, rules[1].exact: must be a share"),
        (POLICY_4.format(last=0, exact=0.7, far=0), "line 4, policy.last_sessions: must be 1"),
        (
            POLICY_4.format(last=3, exact=0.7, far=0) + "colour = 1\n",
            "rules[1].colour: unknown key",
        ),
        (
            '[policy]\nname = "x"\n[[rules]]\nmin_levels = 4\nmax_levels = 3\nexact = 0.7\n',
            "line 5, rules[1].max_levels: must be at least min_levels (4)",
        ),
        (
            '[policy]\nname = "x"\n[[rules]]\nmin_levels = 2\nmax_levels = 5\nexact = 0.7\n'
            "[[rules]]\nmin_levels = 4\nmax_levels = 6\nexact = 0.7\n",
            "line 8, rules[2].min_levels: overlaps rules[1]",
        ),
        (
            '[policy]\nname = "x"\n[[rules]]\nmin_levels = 2\nmax_levels = 5\n',
            "gives no requirement",
        ),
        ("[policy]\nname = \n", "not valid TOML"),
    ],
)
def test_policy_mistakes_name_the_file_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, source="district.toml")
    assert caught.value.message.startswith("district.toml")
    assert expected in caught.value.message


def test_a_missing_policy_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot be read"):
        read_policy(tmp_path / "nope.toml")


def test_wilson_needs_more_scores_for_higher_bars() -> None:
    # n / (n + z²) >= bar  <=>  n >= bar z² / (1 - bar)
    z2 = stats.norm.ppf(0.975) ** 2
    assert scores_needed(0.8, 0.95) == math.ceil(0.8 * z2 / 0.2)
