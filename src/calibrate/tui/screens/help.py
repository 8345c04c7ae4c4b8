"""Help: the keys of the screen you came from, and how a meeting runs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Markdown, Static

from calibrate.tui.base import long_name

MEETING = """\
**How a calibration meeting runs**

1. **Set up** a session: a rubric version, the samples, the raters, and (if you use one) the
   "meets standard" cut level.
2. **Score blind**: each teacher scores every sample alone. Number keys choose a level; a short
   *because…* note records the evidence. Every score is saved the moment it is chosen.
3. The facilitator watches the **board** (who has finished, never the scores) and **reveals**.
4. The **reveal** shows where the team disagrees and how much, with the agreement figures in
   plain words, and a **discussion queue**: the items worth talking about first.
5. For each item the team agrees a **consensus** level and writes why; a re-score round shows
   whether discussion brought the team closer.
6. The best examples become **anchors**: the agreed picture of each level of each criterion.
"""


class HelpScreen(ModalScreen[None]):
    """Lists the bindings of the screen it was opened from."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close help")]

    def __init__(self, origin: Screen[object]) -> None:
        super().__init__()
        self.origin = origin

    def compose(self) -> ComposeResult:
        groups: tuple[list[str], list[str], list[str]] = ([], [], [])
        seen: set[str] = set()
        for active in self.origin.active_bindings.values():
            b = active.binding
            action = b.action.removeprefix("screen.")
            if not b.description or action in seen:
                continue
            seen.add(action)
            shown = getattr(self.origin, "key_display", None)  # the origin's own, e.g. 1-4
            key = (shown(b) if callable(shown) else None) or self.app.get_key_display(b)
            # The screen's actions first, then the app's, then the focused list's own moves.
            if active.node is self.origin or b.action.startswith("screen."):
                group = 0
            elif active.node is self.app:
                group = 1
            else:
                group = 2
            groups[group].append(f"| `{key}` | {long_name(b)} |")
        rows = ["| Key | Does |", "|---|---|", *groups[0], *groups[1]]
        if groups[2]:
            rows += ["| | **In the list or field in focus** |", *groups[2]]
        with VerticalScroll(id="help-body"):
            yield Static(
                f"Keys on this screen: {self.origin.title or type(self.origin).__name__}",
                classes="title",
            )
            yield Markdown("\n".join(rows))
            yield Markdown(
                "Every key is also in the command palette (**ctrl+p**). The mouse works too.\n\n"
                + MEETING
            )
        yield Footer()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
