"""Certification: does a rater meet the policy, with honest uncertainty?

The policy (``default_policy.toml``, or a file given by the user) sets, per length of scale, a bar
for the share of exact matches, of matches within one level, and how many scores may be two or
more levels away, over the rater's most recent N sessions that had a reference (master key or
consensus). Every share is judged by the lower end of its Wilson interval, so a verdict is:

- **certified**: every bar is cleared by the lower bound (and no rule is broken);
- **not yet certified**: a point estimate is at or above its bar but the lower bound is not yet;
- **not enough evidence yet**: with this many scores even a perfect record could not lift the
  lower bound over a bar (or there are no compared scores at all);
- **does not meet the standard**: a point estimate is below its bar, or too many scores are
  two or more levels away.

The worst verdict over the rules is the rater's verdict. Pure: no store, no files (the default
policy is read from the package's resources).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from calibrate.domain.model import Rater, Session
from calibrate.services.reliability.comparison import Comparison, RaterSession
from calibrate.stats.distributions import normal_quantile
from calibrate.stats.rater_effects import wilson_lower_bound
from calibrate.storage.policy_files import CertificationPolicy, PolicyRule, parse_policy

__all__ = [
    "Certification",
    "CertificationPolicy",
    "PolicyRule",
    "RuleCheck",
    "Verdict",
    "certify",
    "default_policy",
]


class Verdict(StrEnum):
    CERTIFIED = "certified"
    NOT_YET = "not yet certified"
    NOT_ENOUGH = "not enough evidence yet"
    DOES_NOT_MEET = "does not meet the standard"

    @property
    def rank(self) -> int:
        """Higher is worse; a rater's verdict is the worst of the rules'."""
        return list(Verdict).index(self)


# What each requirement counts, in words (reports and screens never show the internal names).
MEASURE_WORDS = {
    "exact": "exact matches",
    "adjacent": "within one level",
    "two_away": "two or more levels away",
}


@dataclass(frozen=True)
class RuleCheck:
    """One requirement of the policy, checked on the scores of one range of scale lengths."""

    measure: str  # "exact", "adjacent" or "two_away"
    scale: str  # e.g. "4–6-level scales"
    count: int  # scores that matched (exact/adjacent) or that were two or more levels away
    n: int
    bar: float  # the share to reach, or the most far-off scores allowed
    lower_bound: float | None  # Wilson lower bound of count/n (shares only)
    verdict: Verdict
    sentence: str

    @property
    def measure_words(self) -> str:
        """What the requirement counts, in words, e.g. "two or more levels away"."""
        return MEASURE_WORDS[self.measure]

    @property
    def estimate(self) -> float | None:
        return self.count / self.n if self.n else None

    @property
    def outcome(self) -> str:
        """This requirement's result in a few words."""
        return {
            Verdict.CERTIFIED: "met",
            Verdict.NOT_YET: "at the bar, not yet sure",
            Verdict.NOT_ENOUGH: "not enough evidence yet",
            Verdict.DOES_NOT_MEET: "not met",
        }[self.verdict]

    def as_json(self) -> dict[str, object]:
        return {
            "measure": self.measure,
            "scale": self.scale,
            "count": self.count,
            "n": self.n,
            "estimate": self.estimate,
            "bar": self.bar,
            "lower_bound": self.lower_bound,
            "verdict": self.verdict.value,
            "outcome": self.outcome,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class Certification:
    rater: Rater
    policy: CertificationPolicy
    sessions: tuple[Session, ...]  # the sessions the verdict rests on, oldest first
    checks: tuple[RuleCheck, ...]
    verdict: Verdict
    n: int  # compared scores in those sessions
    summary: str
    uncovered: int = 0  # compared scores on scales the policy has no rule for

    def as_json(self) -> dict[str, object]:
        return {
            "rater": self.rater.name,
            "policy": self.policy.name,
            "verdict": self.verdict.value,
            "n": self.n,
            "sessions": [{"id": s.id, "date": s.date, "title": s.title} for s in self.sessions],
            "checks": [c.as_json() for c in self.checks],
            "uncovered": self.uncovered,
            "summary": self.summary,
        }


def default_policy() -> CertificationPolicy:
    """The policy shipped with calibrate (``services/reliability/default_policy.toml``)."""
    text = (
        resources.files("calibrate.services.reliability")
        .joinpath("default_policy.toml")
        .read_text("utf-8")
    )
    return parse_policy(text, source="calibrate's default policy")


def certify(
    rater: Rater, results: Sequence[RaterSession], policy: CertificationPolicy
) -> Certification:
    """The verdict on ``rater`` from their per-session results (any order)."""
    compared = sorted(
        (r for r in results if r.n_compared), key=lambda r: (r.session.date, r.session.id or 0)
    )
    used = compared[-policy.last_sessions :] if compared else []
    comparisons = [c for r in used for c in r.comparisons]
    sessions = tuple(r.session for r in used)
    if not comparisons:
        reason = "No score of this rater has been compared with a master key or a consensus yet."
        return Certification(
            rater, policy, sessions, (), Verdict.NOT_ENOUGH, 0, _says(Verdict.NOT_ENOUGH, reason)
        )
    checks: list[RuleCheck] = []
    uncovered = 0
    for rule in policy.rules:
        mine = [c for c in comparisons if rule.applies_to(c.n_levels)]
        if mine:
            checks += _check_rule(rule, mine, policy.confidence)
    uncovered = sum(policy.rule_for(c.n_levels) is None for c in comparisons)
    if not checks:
        reason = "The policy has no rule for the scales these scores were given on."
        return Certification(
            rater,
            policy,
            sessions,
            (),
            Verdict.NOT_ENOUGH,
            len(comparisons),
            _says(Verdict.NOT_ENOUGH, reason),
            uncovered,
        )
    verdict = max((c.verdict for c in checks), key=lambda v: v.rank)
    span = f"{len(comparisons)} scores compared over {len(sessions)} session" + (
        "" if len(sessions) == 1 else "s"
    )
    details = " ".join(c.sentence for c in checks)
    summary = f"{verdict.value.capitalize()}: {span}. {details}"
    if uncovered:
        summary += f" {uncovered} scores on scales the policy does not cover were not judged."
    return Certification(
        rater, policy, sessions, tuple(checks), verdict, len(comparisons), summary, uncovered
    )


def _says(verdict: Verdict, reason: str) -> str:
    return f"{verdict.value.capitalize()}: {reason}"


def _check_rule(
    rule: PolicyRule, comparisons: Sequence[Comparison], confidence: float
) -> list[RuleCheck]:
    n = len(comparisons)
    out = []
    if rule.exact is not None:
        hits = sum(c.exact for c in comparisons)
        out.append(_share_check("exact", "matched exactly", rule, hits, n, rule.exact, confidence))
    if rule.adjacent is not None:
        hits = sum(c.adjacent for c in comparisons)
        out.append(
            _share_check(
                "adjacent", "were within one level", rule, hits, n, rule.adjacent, confidence
            )
        )
    if rule.max_two_away is not None:
        far = sum(c.far for c in comparisons)
        allowed = rule.max_two_away
        verdict = Verdict.CERTIFIED if far <= allowed else Verdict.DOES_NOT_MEET
        limit = "none is allowed" if allowed == 0 else f"at most {allowed} allowed"
        sentence = f"{far} of {n} scores on {rule.scale} were two or more levels away ({limit})."
        out.append(RuleCheck("two_away", rule.scale, far, n, allowed, None, verdict, sentence))
    return out


def scores_needed(bar: float, confidence: float) -> int:
    """The fewest scores with which a perfect record's Wilson lower bound reaches ``bar``:
    with p = 1 the bound is n / (n + z²), so n >= bar · z² / (1 - bar)."""
    z = normal_quantile(0.5 + confidence / 2.0)
    n = max(1, math.ceil(bar * z * z / (1.0 - bar) - 1e-9))
    while wilson_lower_bound(n, n, confidence_level=confidence) < bar:
        n += 1
    return n


def _share_check(
    measure: str,
    words: str,
    rule: PolicyRule,
    hits: int,
    n: int,
    bar: float,
    confidence: float,
) -> RuleCheck:
    low = wilson_lower_bound(hits, n, confidence_level=confidence)
    p = hits / n
    level = round(100 * confidence)
    head = (
        f"{hits} of {n} scores on {rule.scale} {words} ({_pct(p)}; {level}% lower bound "
        f"{_pct(low)}; bar {_pct(bar)})"
    )
    if wilson_lower_bound(n, n, confidence_level=confidence) < bar:
        verdict = Verdict.NOT_ENOUGH
        tail = (
            f": not enough evidence yet, even a perfect record needs at least "
            f"{scores_needed(bar, confidence)} scores to clear the bar."
        )
    elif low >= bar:
        verdict, tail = Verdict.CERTIFIED, ": clears the bar."
    elif p >= bar:
        verdict = Verdict.NOT_YET
        tail = ": at the bar, but not yet with confidence; more scores will tell."
    else:
        verdict, tail = Verdict.DOES_NOT_MEET, ": below the bar."
    return RuleCheck(measure, rule.scale, hits, n, bar, low, verdict, head + tail)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"
