"""The reveal's agreement figures: every scope's report (every criterion pooled, and each
criterion), computed in a thread worker the first time a scope is shown (the reports have
bootstrap intervals), the scope in view first, and shown in the agreement panel as each arrives.
A later round is compared with round 1 on the raters who scored in both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work

from calibrate.domain.errors import CalibrateError
from calibrate.services.meeting.board import round_changes, same_raters
from calibrate.services.meeting.reveal import Reveal
from calibrate.tui.base import StoreScreen
from calibrate.tui.widgets.meeting.agreement_panel import AgreementPanel

if TYPE_CHECKING:  # loads scipy: the worker imports it at run time
    from calibrate.services.agreement.scopes import ScopeFigures, ScopeTable
    from calibrate.stats.report import AgreementReport

ALL = ""  # the agreement scope covering every criterion (scopes.ALL)


@dataclass(frozen=True)
class Comparison:
    """Round 1 against the current round, on the raters who scored in both."""

    before: AgreementReport
    after: AgreementReport
    everyone: bool  # every rater of the current round also scored round 1


Reports = tuple["ScopeFigures", "Comparison | None"]


class RevealFigures(StoreScreen):
    """Mixed into the reveal screen, which sets ``reveal``, ``first`` and ``scope``."""

    reveal: Reveal | None
    first: Reveal | None  # round 1, when this is a later round
    scope: str  # ALL or a criterion key
    leave_out_partial: bool

    def __init__(self) -> None:
        super().__init__()
        self._reports: dict[str, Reports] = {}
        self._pending: set[str] = set()  # scopes the running worker has still to post
        self._token = 0

    def forget_figures(self) -> None:
        """The scores or the raters counted changed: every scope is computed again."""
        self._reports = {}
        self._pending = set()

    # ------------------------------------------------------------------ agreement
    @property
    def figures(self) -> ScopeFigures | None:
        """The figures shown in the panel (None while they are being computed)."""
        cached = self._reports.get(self.scope)
        return cached[0] if cached else None

    @property
    def report(self) -> AgreementReport | None:
        """The report behind the panel's headline (None while it is being computed)."""
        figures = self.figures
        return figures.report if figures else None

    def scope_title(self) -> str:
        assert self.reveal is not None
        round_ = f"round {self.reveal.round}"
        if self.scope == ALL:
            return f"all criteria, {round_}"
        criterion = self.reveal.context.rubric.criterion(self.scope)
        return f"{criterion.name if criterion else self.scope}, {round_}"

    def update_agreement(self) -> None:
        """Show the scope's figures, computing every scope's in a worker the first time (the
        scope in view first, so its headline shows while the others are computed)."""
        if not self.is_attached:  # left before the first paint
            return
        cached = self._reports.get(self.scope)
        if cached is not None:
            self.show_reports(*cached)
            return
        panel = self.query_one(AgreementPanel)
        if self.scope in self._pending:  # on its way from the running worker
            panel.show_computing(self.scope_title())
            return
        from calibrate.services.agreement.scopes import reveal_scopes

        assert self.reveal is not None
        panel.show_computing(self.scope_title())
        self._token += 1
        partial = self.leave_out_partial
        current = reveal_scopes(self.reveal, leave_out_partial=partial)
        first = reveal_scopes(self.first, leave_out_partial=partial) if self.first else None
        pairs = list(zip(current, first or [None] * len(current), strict=True))
        pairs.sort(key=lambda pair: pair[0].key != self.scope)  # the scope in view first
        self._reports = {}
        self._pending = {scope.key for scope, _ in pairs}
        self.compute_reports(self._token, pairs)

    @work(thread=True, exclusive=True, group="agreement")
    def compute_reports(
        self, token: int, pairs: list[tuple[ScopeTable, ScopeTable | None]]
    ) -> None:
        """Runs in a thread: plain tables in, each scope's figures posted to the app thread as
        soon as they are ready. ``pairs`` holds each scope with round 1's, in a later round."""
        from calibrate.services.agreement.scopes import scope_figures
        from calibrate.stats.report import agreement_report

        for scope, first in pairs:
            try:
                figures = scope_figures(scope)
                comparison = None
                if first is not None:
                    before, after = same_raters(first.full, scope.full)
                    everyone = after.n_raters == scope.full.n_raters
                    comparison = Comparison(
                        agreement_report(before),
                        figures.report if everyone else agreement_report(after),
                        everyone,
                    )
            except CalibrateError as exc:
                self.app.call_from_thread(self.reports_failed, token, exc.message)
                return
            except Exception as exc:  # a fault in the statistics must not end the meeting
                self.log.error("agreement report failed", exc)
                self.app.call_from_thread(self.reports_failed, token, f"internal error ({exc!r})")
                return
            self.app.call_from_thread(self.scope_ready, token, scope.key, (figures, comparison))

    def scope_ready(self, token: int, key: str, reports: Reports) -> None:
        if token != self._token:
            return
        self._reports[key] = reports
        self._pending.discard(key)
        if not self.is_attached:
            return
        if key == self.scope or (self.scope == ALL and ALL in self._reports):
            cached = self._reports.get(self.scope)
            if cached is not None:
                self.show_reports(*cached)

    def reports_failed(self, token: int, message: str) -> None:
        self._pending.clear()
        if token == self._token and self.is_attached:
            self.query_one(AgreementPanel).show_failed(self.scope_title(), message)

    def show_reports(self, figures: ScopeFigures, comparison: Comparison | None) -> None:
        assert self.reveal is not None
        changes = (
            round_changes(
                comparison.before,
                comparison.after,
                self.reveal.round,
                everyone=comparison.everyone,
            )
            if comparison
            else []
        )
        criteria = []
        if self.scope == ALL:
            criteria = [
                reports[0]
                for c in self.reveal.context.rubric.criteria
                if (reports := self._reports.get(c.key)) is not None
            ]
        self.query_one(AgreementPanel).show_figures(
            figures,
            scope=self.scope_title(),
            criteria=criteria,
            changes=changes,
            pending=len(self._pending) if self.scope == ALL else 0,
        )
