"""A rater's certification verdict: the verdict with its mark, n, the Wilson lower bound of each
share against its bar, the rule on far-off scores, and a plain reading of what it means."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from calibrate.services.reliability.certification import Certification, RuleCheck, Verdict
from calibrate.services.reliability.status import VERDICT_MARKS, VERDICT_READINGS
from calibrate.services.reliability.window import VerdictWindow

VERDICT_STYLES: dict[Verdict, str] = {
    Verdict.CERTIFIED: "bold green",
    Verdict.NOT_YET: "bold yellow",
    Verdict.NOT_ENOUGH: "bold",
    Verdict.DOES_NOT_MEET: "bold red",
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def check_line(check: RuleCheck, confidence: float) -> str:
    """One requirement in a line: ``exact matches (4–6-level scales): 21 of 40 = 52%, 95% lower
    bound 37%, bar 70% → not met``."""
    measure = check.measure_words
    head = f"{measure} ({check.scale}): {check.count} of {check.n}"
    if check.lower_bound is None:
        allowed = "none allowed" if check.bar == 0 else f"at most {check.bar:g} allowed"
        return f"{head} ({allowed}) → {check.outcome}"
    level = round(100 * confidence)
    return (
        f"{head} = {_pct(check.estimate)}, {level}% lower bound {_pct(check.lower_bound)}, "
        f"bar {_pct(check.bar)} → {check.outcome}"
    )


def verdict_text(certification: Certification, window: VerdictWindow | None = None) -> Text:
    verdict = certification.verdict
    policy = certification.policy
    out = Text()
    out.append(f"{VERDICT_MARKS[verdict]} {verdict.value.capitalize()}", VERDICT_STYLES[verdict])
    sessions = len(certification.sessions)
    out.append(
        f"   n = {certification.n} scores compared over {sessions} session"
        f"{'' if sessions == 1 else 's'} · policy “{policy.name}” (last {policy.last_sessions} "
        "compared sessions)\n"
    )
    out.append(VERDICT_READINGS[verdict] + "\n", style="italic")
    for check in certification.checks:
        out.append(f"  • {check_line(check, policy.confidence)}\n")
    if not certification.checks:
        out.append(f"  {certification.summary}\n")
    if certification.uncovered:
        out.append(
            f"  {certification.uncovered} scores on scales the policy does not cover were not "
            "judged.\n"
        )
    if window is not None:
        out.append(f"  Window: {window.text}; the list's figures cover the same sessions.\n")
        if window.not_compared_text:
            out.append(f"  {window.not_compared_text}\n")
    return out


class VerdictCard(Static):
    """The certification verdict of one rater, with the window it covers when given."""

    def show(self, certification: Certification, window: VerdictWindow | None = None) -> None:
        self.update(verdict_text(certification, window))
