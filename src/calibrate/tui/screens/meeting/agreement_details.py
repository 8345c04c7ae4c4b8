"""The details view of the reveal's agreement figures: the headline with its three figures,
every other coefficient with its interval and reading, and why these numbers differ."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from calibrate.services.agreement.scopes import ScopeFigures

WIDTH = 80  # the text's width inside the dialog (84 columns, less the indent)


class AgreementDetailsModal(ModalScreen[None]):
    """Every agreement figure for one scope, and why they differ. Escape or d closes it."""

    BINDINGS = [Binding("escape,d,q", "close", "Close")]

    def __init__(self, figures: ScopeFigures, *, scope: str) -> None:
        super().__init__()
        self.figures = figures
        self.scope = scope

    def compose(self) -> ComposeResult:
        with Vertical(id="details-dialog"):
            yield Static(Text(f"Every figure · {self.scope}", style="bold"), id="details-title")
            with VerticalScroll(id="details-body"):
                yield Static(details_text(self.figures), id="details-text")
            yield Static("↑↓ scroll · Escape or d closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#details-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def details_text(figures: ScopeFigures) -> Text:
    from calibrate.services.agreement.text import detail_lines

    headline = figures.headline
    out = Text()
    out.append("Headline\n", style="bold underline")
    out.append("\n".join(headline.text_lines(figures=True)))
    out.append("\n\n")
    for line in detail_lines(figures.report, width=WIDTH):
        if line and not line.startswith(" "):
            out.append(f"{line}\n", style="bold underline")
        else:
            out.append(f"{line}\n")
    return out
