"""The agreement panel: the figures a teacher reads first, each with its range and meaning.

The report arrives from a worker thread; until then the panel says "computing…". The small-sample
warning (and any other warning of the report) is shown above the figures, where it cannot be
missed. ``more`` adds every other coefficient below the headline ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

if TYPE_CHECKING:  # loads scipy: imported lazily where a report is shown
    from calibrate.stats.report import AgreementReport
    from calibrate.stats.result import AgreementResult


class AgreementPanel(VerticalScroll):
    """Headline agreement figures (and, on request, all the others) for one scope."""

    DEFAULT_CLASSES = "panel"

    def compose(self) -> ComposeResult:
        yield Static("", id="agreement-head")
        yield Static("", id="agreement-warnings")
        yield Static("", id="agreement-changes")
        yield Static("", id="agreement-body")

    def show_computing(self, scope: str) -> None:
        self._head(scope)
        self.query_one("#agreement-warnings", Static).update("")
        self.query_one("#agreement-changes", Static).update("")
        self.query_one("#agreement-body", Static).update(Text("computing…", style="italic"))

    def show_failed(self, scope: str, message: str) -> None:
        self._head(scope)
        self.query_one("#agreement-body", Static).update(
            Text(f"The figures could not be computed: {message}", style="bold")
        )

    def show_report(
        self,
        report: AgreementReport,
        *,
        scope: str,
        more: bool,
        changes: Sequence[str] = (),
    ) -> None:
        self._head(
            scope,
            f"{report.n_units} items × {report.n_raters} raters, {report.n_ratings} scores",
        )
        warnings = Text()
        for n, warning in enumerate(report.warnings):
            warnings.append(("\n" if n else "") + f"⚠ {warning}")
        box = self.query_one("#agreement-warnings", Static)
        box.update(warnings)
        box.display = bool(report.warnings)
        changes_box = self.query_one("#agreement-changes", Static)
        changes_box.update(Text("\n".join(changes), style="bold"))
        changes_box.display = bool(changes)
        body = Text()
        _entries(body, report.ordered(headline_only=True))
        rest = report.ordered()[len(report.headline) :]
        if more:
            body.append("\n\n── All other figures ──", style="bold")
            _entries(body, rest)
        else:
            body.append(f"\n\nm: {len(rest)} more figures", style="italic")
        self.query_one("#agreement-body", Static).update(body)

    def _head(self, scope: str, facts: str = "") -> None:
        head = Text(f"Agreement · {scope}", style="bold")
        if facts:
            head.append(f"\n{facts}", style="italic")
        self.query_one("#agreement-head", Static).update(head)


def _entries(out: Text, results: list[AgreementResult]) -> None:
    from calibrate.services.agreement.text import format_interval, format_value
    from calibrate.stats.report import LABELS

    for result in results:
        gap = "\n\n" if out.plain else ""
        out.append(f"{gap}{LABELS[result.name]}: ", style="bold")
        out.append(format_value(result), style="bold reverse")
        interval = format_interval(result)
        if interval:
            out.append(f"  95% CI {interval}")
        out.append(f"\n{result.reading}")
