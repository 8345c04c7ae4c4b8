"""Raters: a coach's view of everyone's reliability, and one rater's detail.

The list shows each rater's certification verdict with n and the Wilson lower bound that
decides it, their last session, lean and flags, and below it the team's lean by criterion
(raters × criteria) for one session. The detail shows one rater's verdict, timeline, lean by
criterion per session, use of the scale and anchors scored again.

Both also show the many-facet Rasch model's reading in plain words (severity on one scale,
fit, drift), fitted in a second worker from plain arrays read here.
The figures cover every revealed session, so they are computed in a worker thread: the screen
reads the plain records from the store first (app thread), the worker turns them into statuses,
and the results come back with ``call_from_thread``. The store never leaves the app thread.
A rater's results are private to that rater and to coaches; both screens say so at the top.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from calibrate.domain.errors import CalibrateError
from calibrate.services.reliability.certification import default_policy
from calibrate.services.reliability.history import anchor_checks
from calibrate.services.reliability.rasch import SessionRatings
from calibrate.services.reliability.rasch_summary import (
    RaterRasch,
    TeamRasch,
    rater_rasch,
    revealed_ratings,
    team_rasch,
)
from calibrate.services.reliability.status import (
    PRIVACY_NOTICE,
    RaterStatus,
    TeamRecords,
    TeamStatus,
    load_team_records,
    team_status,
)
from calibrate.storage.policy_files import CertificationPolicy
from calibrate.tui.base import StoreScreen
from calibrate.tui.widgets.reliability.rasch_panel import RaschPanel
from calibrate.tui.widgets.reliability.rater_list import LEGEND as LIST_LEGEND
from calibrate.tui.widgets.reliability.rater_list import RaterList
from calibrate.tui.widgets.reliability.scale_use import ScaleUse
from calibrate.tui.widgets.reliability.severity_map import LEGEND as MAP_LEGEND
from calibrate.tui.widgets.reliability.severity_map import (
    SeverityMap,
    history_layout,
    session_layout,
)
from calibrate.tui.widgets.reliability.timeline_chart import TimelineChart, agreement_lines
from calibrate.tui.widgets.reliability.validity_checks import ValidityChecks
from calibrate.tui.widgets.reliability.verdict_card import VerdictCard

WORKING = "Working out everyone's figures from every revealed session…"


class RatersScreen(StoreScreen):
    """Everyone with their status (a coach's view)."""

    TITLE = "Raters"
    BINDINGS = [
        Binding("d", "open", "Details"),
        Binding("s", "next_session", "Map: next session"),
        Binding("f5", "refresh", "Refresh"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.team: TeamStatus | None = None
        self.session_index = 0  # which compared session the heat map shows (0 = latest)
        self._token = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(PRIVACY_NOTICE, id="rt-notice")
        yield Static(WORKING, id="rt-status")
        yield RaterList(id="rt-list")
        yield Static(LIST_LEGEND, id="rt-legend", classes="hint")
        yield Static("", id="rt-map-title", classes="rt-heading")
        yield SeverityMap(id="rt-map")
        yield Static("", id="rt-reading")
        yield Static(MAP_LEGEND, id="rt-map-legend", classes="hint")
        yield RaschPanel(id="rt-rasch")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RaterList).focus()
        self.action_refresh()

    # ------------------------------------------------------------------ loading
    def action_refresh(self) -> None:
        """Read the records here (the store's thread), compute in a worker."""
        try:
            records = load_team_records(self.store)
            policy = default_policy()
            ratings = revealed_ratings(self.store)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.query_one("#rt-status", Static).update(WORKING)
        self.query_one(RaschPanel).working()
        self._token += 1
        self.compute(self._token, records, policy)
        self.compute_rasch(self._token, ratings)

    @work(thread=True, exclusive=True, group="raters-rasch")
    def compute_rasch(self, token: int, ratings: tuple[SessionRatings, ...]) -> None:
        """Runs in a thread: plain arrays in, the latest session's Rasch reading posted back."""
        team = team_rasch(ratings)
        self.app.call_from_thread(self._rasch_ready, token, team)

    def _rasch_ready(self, token: int, team: TeamRasch) -> None:
        if token == self._token and self.is_attached:
            self.query_one(RaschPanel).show_team(team)

    @work(thread=True, exclusive=True, group="raters")
    def compute(self, token: int, records: TeamRecords, policy: CertificationPolicy) -> None:
        """Runs in a thread: plain records in, the team's statuses posted back."""
        try:
            team = team_status(records, policy)
        except CalibrateError as exc:
            self.app.call_from_thread(self.failed, token, exc.message)
            return
        self.app.call_from_thread(self.ready, token, team)

    def failed(self, token: int, message: str) -> None:
        if token == self._token and self.is_attached:
            self.query_one("#rt-status", Static).update(message)
            self.notify(message, severity="error")

    def ready(self, token: int, team: TeamStatus) -> None:
        if token != self._token or not self.is_attached:
            return
        self.team = team
        if not team.raters:
            status = "No raters yet. Load the example kits from Home (i) or add raters (t)."
        else:
            n = len(team.reliability)
            status = (
                f"{len(team.raters)} raters · {n} revealed session{'' if n == 1 else 's'} · "
                f"verdicts under “{team.policy.name}”. Enter or d: a rater's detail."
            )
        self.query_one("#rt-status", Static).update(status)
        self.query_one(RaterList).show(team)
        self.session_index = min(self.session_index, max(0, len(team.compared_sessions) - 1))
        self.show_map()

    def show_map(self) -> None:
        team = self.team
        title = self.query_one("#rt-map-title", Static)
        heat_map = self.query_one(SeverityMap)
        sessions = team.compared_sessions if team else ()
        if not sessions:
            title.update("Lean by criterion: no session has a master key or a consensus yet.")
            heat_map.clear(columns=True)
            return
        shown = sessions[self.session_index]
        session = shown.context.session
        more = f" (s: {len(sessions) - 1} more)" if len(sessions) > 1 else ""
        title.update(f"Lean by criterion · {session.date} {session.title}{more}")
        heat_map.show(*session_layout(shown))
        self.query_one("#rt-reading", Static).update("")

    # ------------------------------------------------------------------ actions
    def action_next_session(self) -> None:
        if self.team is None or len(self.team.compared_sessions) < 2:
            self.notify("There is only one session with a reference to show.")
            return
        self.session_index = (self.session_index + 1) % len(self.team.compared_sessions)
        self.show_map()

    def action_open(self) -> None:
        rater_id = self.query_one(RaterList).current()
        if rater_id is None:
            self.notify("There is no rater to open yet.", severity="warning")
            return
        self.app.push_screen(RaterDetailScreen(rater_id))

    @on(RaterList.RaterChosen)
    def rater_chosen(self, event: RaterList.RaterChosen) -> None:
        self.app.push_screen(RaterDetailScreen(event.rater_id))

    @on(SeverityMap.RowChosen)
    def map_row_chosen(self, event: SeverityMap.RowChosen) -> None:
        self.app.push_screen(RaterDetailScreen(int(event.row_key)))

    @on(SeverityMap.CellShown)
    def cell_shown(self, event: SeverityMap.CellShown) -> None:
        self.query_one("#rt-reading", Static).update(_reading(event))

    def action_leave(self) -> None:
        self.app.pop_screen()


def _reading(event: SeverityMap.CellShown) -> str:
    estimate = event.estimate
    if estimate is None:
        return f"{event.label}: nothing compared on this criterion."
    return f"{event.label}: {estimate.reading or estimate.reason or ''}"


class RaterDetailScreen(StoreScreen):
    """One rater over time (a coach's view, private to the rater and their coach)."""

    TITLE = "Rater"
    BINDINGS = [
        Binding("f5", "refresh", "Refresh"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, rater_id: int) -> None:
        super().__init__()
        self.rater_id = rater_id
        self.status: RaterStatus | None = None
        self._token = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(PRIVACY_NOTICE, id="rd-notice")
        with VerticalScroll(id="rd-body"):
            yield Static("Certification", classes="rt-heading")
            yield VerdictCard("Working out the figures…", id="rd-verdict")
            yield Static("Timeline", classes="rt-heading")
            yield TimelineChart("", id="rd-timeline")
            yield Static("", id="rd-agreement")
            yield Static("", id="rd-drift")
            yield Static("Lean by criterion", classes="rt-heading")
            yield SeverityMap(id="rd-map")
            yield Static("", id="rd-reading")
            yield Static(MAP_LEGEND, classes="hint")
            yield Static("Use of the scale (latest session)", classes="rt-heading")
            yield ScaleUse("", id="rd-scale")
            yield Static("Anchors scored again (validity checks)", classes="rt-heading")
            yield ValidityChecks("", id="rd-anchors")
            yield Static("Severity on one scale (Rasch model)", classes="rt-heading")
            yield RaschPanel(id="rd-rasch")
        yield Footer()

    def on_mount(self) -> None:
        try:
            rater = self.store.get_rater(self.rater_id)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            self.app.pop_screen()
            return
        self.sub_title = rater.name
        self.query_one("#rd-body", VerticalScroll).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        try:
            records = load_team_records(self.store, rater_id=self.rater_id)
            policy = default_policy()
            name = self.store.get_rater(self.rater_id).name
            ratings = revealed_ratings(self.store, rater_id=self.rater_id)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.query_one(RaschPanel).working()
        self._token += 1
        self.compute(self._token, records, policy)
        self.compute_rasch(self._token, ratings, name)

    @work(thread=True, exclusive=True, group="rater-detail-rasch")
    def compute_rasch(self, token: int, ratings: tuple[SessionRatings, ...], name: str) -> None:
        """Runs in a thread: plain arrays in, this rater's Rasch reading and drift posted back."""
        reading = rater_rasch(ratings, name)
        self.app.call_from_thread(self._rasch_ready, token, reading)

    def _rasch_ready(self, token: int, reading: RaterRasch) -> None:
        if token == self._token and self.is_attached:
            self.query_one(RaschPanel).show_rater(reading)

    @work(thread=True, exclusive=True, group="rater-detail")
    def compute(self, token: int, records: TeamRecords, policy: CertificationPolicy) -> None:
        """Runs in a thread: this rater's sessions in, their status posted back."""
        try:
            team = team_status(records, policy)
        except CalibrateError as exc:
            self.app.call_from_thread(self.failed, token, exc.message)
            return
        self.app.call_from_thread(self.ready, token, team)

    def failed(self, token: int, message: str) -> None:
        if token == self._token and self.is_attached:
            self.query_one(VerdictCard).update(message)
            self.notify(message, severity="error")

    def ready(self, token: int, team: TeamStatus) -> None:
        """Back on the app thread: add the anchor checks (they read the store), then draw."""
        if token != self._token or not self.is_attached:
            return
        status = team.rater(self.rater_id)
        if status is None:
            return
        try:
            checks = anchor_checks(self.store, team.reliability, self.rater_id)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            checks = ()
        status = status.with_anchor_checks(tuple(c for _, c in checks))
        self.status = status
        self.show(status)

    def show(self, status: RaterStatus) -> None:
        history = status.history
        self.query_one(VerdictCard).show(status.certification, status.window)
        exact_bars = [c.bar for c in status.certification.checks if c.measure == "exact"]
        self.query_one(TimelineChart).show(
            history.points, bar=exact_bars[0] if exact_bars else None
        )
        self.query_one("#rd-agreement", Static).update(agreement_lines(history.points))
        compared = sum(1 for p in history.points if p.result.n_compared)
        if history.drift_flags:
            drift = "\n".join(f"⚠ {flag}" for flag in history.drift_flags)
            drift += (
                "\nWith many sessions an occasional flag is chance: look for changes that last."
            )
        elif compared > 1:
            drift = "No significant change between sessions (p < 0.05 tests of lean and accuracy)."
        else:
            so_far = "one so far" if compared else "none yet"
            drift = f"Drift needs two sessions with a reference; there is {so_far}."
        self.query_one("#rd-drift", Static).update(drift if history.points else "")
        self.query_one("#rd-map", SeverityMap).show(*history_layout(history))
        self.query_one(ScaleUse).show(status.latest)
        self.query_one(ValidityChecks).show(history.anchor_checks)

    @on(SeverityMap.CellShown)
    def cell_shown(self, event: SeverityMap.CellShown) -> None:
        self.query_one("#rd-reading", Static).update(_reading(event))

    def action_leave(self) -> None:
        self.app.pop_screen()
