"""The agreement panel: the headline for the scope in view, in a few sentences.

The figures arrive from a worker thread; until then the panel says "computing…". The report's
warnings (a small sample) are shown above the headline, where they cannot be missed, and the
raters left out of the figures are named under the counts. Every other coefficient is in the
details view (``d`` on the reveal), not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

if TYPE_CHECKING:  # loads scipy: imported lazily where a report is shown
    from calibrate.services.agreement.scopes import ScopeFigures

DETAILS_HINT = "d: every figure, and why they differ"


class AgreementPanel(VerticalScroll):
    """The headline agreement figures for one scope (and, for all criteria, each criterion's)."""

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

    def show_figures(
        self,
        figures: ScopeFigures,
        *,
        scope: str,
        criteria: Sequence[ScopeFigures] = (),
        changes: Sequence[str] = (),
        pending: int = 0,
    ) -> None:
        """The scope's headline; with ``criteria`` (every criterion pooled in view), one line
        per criterion below it, and ``pending`` criteria still being computed."""
        report = figures.report
        headline = figures.headline
        facts = (
            f"{report.n_units} {figures.scope.unit_word}s × {report.n_raters} raters, "
            f"{report.n_ratings} scores"
        )
        if headline.left_out:
            facts += f"\n{headline.left_out_line()}"
        self._head(scope, facts)
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
        body.append(headline.sentence, style="bold")
        for line in (headline.meaning, headline.margin):
            if line:
                body.append(f"\n{line}")
        if criteria or pending:
            body.append("\n\nBy criterion", style="bold underline")
            for c in criteria:
                body.append(f"\n{c.scope.title}: ", style="bold")
                body.append(compact(c))
            if pending:
                body.append(f"\n{pending} more: computing…", style="italic")
        body.append(f"\n\n{DETAILS_HINT}", style="italic")
        self.query_one("#agreement-body", Static).update(body)

    def _head(self, scope: str, facts: str = "") -> None:
        head = Text(f"Agreement · {scope}", style="bold")
        if facts:
            head.append(f"\n{facts}", style="italic")
        self.query_one("#agreement-head", Static).update(head)


def compact(figures: ScopeFigures) -> str:
    """One criterion in a line: ``exact 52% · within one 97% · alpha 0.62, moderate``."""
    from calibrate.services.agreement.headline import alpha_words

    h, results = figures.headline, figures.report.results
    exact, within, alpha = (
        results["percent_exact"],
        results["percent_adjacent"],
        results["krippendorff_alpha"],
    )
    if not h.defined or exact.statistic is None or exact.n_units < 2:
        return h.sentence
    parts = [f"exact {100 * exact.statistic:.0f}%"]
    if within.statistic is not None:
        parts.append(f"within one {100 * within.statistic:.0f}%")
    if alpha.statistic is not None:
        parts.append(f"alpha {alpha.statistic:.2f}, {alpha_words(alpha.statistic)}")
    return " · ".join(parts)
