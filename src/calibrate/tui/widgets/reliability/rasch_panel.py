"""The Rasch model's reading in plain words: the team's list (one line per rater) and one
rater's sentences, bias by criterion and drift. The words come from
:mod:`calibrate.services.reliability.rasch_summary`; this widget only lays them out."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from calibrate.services.reliability.rasch_summary import (
    ABOUT,
    FIT_BANDS,
    RaterRasch,
    TeamRasch,
)

WORKING = "Fitting the Rasch model…"


def team_text(team: TeamRasch) -> Text:
    out = Text()
    out.append(team.heading + "\n", style="bold")
    for line in team.lines():
        out.append(f"  {line}\n")
    out.append(FIT_BANDS, style="italic")
    return out


def rater_text(rater: RaterRasch) -> Text:
    out = Text()
    if rater.latest is not None:
        r = rater.latest.ratings
        out.append(f"Latest session: {r.date} {r.title}\n", style="bold")
    for line in rater.sentences():
        out.append(f"  {line}\n")
    out.append("Drift on one scale (each session anchored on the one before)\n", style="bold")
    for line in rater.drift_lines():
        out.append(f"  {line}\n")
    out.append(f"{ABOUT}\n{FIT_BANDS}", style="italic")
    return out


class RaschPanel(Static):
    """Shows a :class:`TeamRasch` or a :class:`RaterRasch` once a worker has fitted it."""

    def working(self) -> None:
        self.update(WORKING)

    def show_team(self, team: TeamRasch) -> None:
        self.update(team_text(team))

    def show_rater(self, rater: RaterRasch) -> None:
        self.update(rater_text(rater))
